import type { Ethers, FundSuite } from "./fundFixture.js";
import type { BackstopModelTerms } from "./model/backstop.js";
import { ADMIN_ROLE, BACKSTOP_GOVERNOR_FUNCTIONS, GOVERNOR_ROLE } from "./roles.js";
import { DAY, usdc } from "./units.js";

/** The terms the tests start from: a 10-day cooldown, a 2-day window, 7 days of streaming, 10 % a day. */
export const BACKSTOP_TERMS: BackstopModelTerms = {
  cooldown: 10n * DAY,
  window: 2n * DAY,
  streamPeriod: 7n * DAY,
  exitCapBps: 1_000n,
  minimumAssets: usdc(1_000),
};

/**
 * Deploys MockUSDC, an AccessManager (admin = signer 0) and a BackstopVault whose fund is signer 3 (an account, so
 * the tests call `cover` and `notifyIncome` directly); signer 1 governs the vault's parameters, signers 5.. stake.
 */
export async function deployBackstop(ethers: Ethers, terms: BackstopModelTerms = BACKSTOP_TERMS) {
  const [admin, governor, stranger, fund, treasury, ...stakers] = await ethers.getSigners();
  const usdcToken = await ethers.deployContract("MockUSDC");
  const manager = await ethers.deployContract("AccessManager", [admin.address]);
  const vault = await ethers.deployContract("BackstopVault", [
    await usdcToken.getAddress(),
    await manager.getAddress(),
    fund.address,
    "Backstop USDC",
    "bsUSDC",
    terms,
  ]);
  const vaultAddress = await vault.getAddress();
  const selectors = BACKSTOP_GOVERNOR_FUNCTIONS.map((s) => ethers.id(s).slice(0, 10));
  await manager.setTargetFunctionRole(vaultAddress, selectors, GOVERNOR_ROLE);
  await manager.grantRole(GOVERNOR_ROLE, governor.address, 0);
  await manager.grantRole(ADMIN_ROLE, admin.address, 0);
  return { usdc: usdcToken, manager, vault, vaultAddress, admin, governor, stranger, fund, treasury, stakers };
}

export type BackstopSuite = Awaited<ReturnType<typeof deployBackstop>>;

/**
 * Deploys a BackstopVault bound to the fund of `suite` on its token and AccessManager (the suite's governor governs
 * it), has Alice stake `staked`, and sets it behind the fund with `incomeShareBps` of the treasury's income.
 */
export async function backstopBehind(ethers: Ethers, suite: FundSuite, staked: bigint, incomeShareBps = 2_000) {
  const { manager, governor, usdc: token, fund, fundAddress, alice } = suite;
  const vault = await ethers.deployContract("BackstopVault", [
    await token.getAddress(),
    await manager.getAddress(),
    fundAddress,
    "Backstop USDC",
    "bsUSDC",
    BACKSTOP_TERMS,
  ]);
  const vaultAddress = await vault.getAddress();
  await manager.setTargetFunctionRole(
    vaultAddress,
    BACKSTOP_GOVERNOR_FUNCTIONS.map((s) => ethers.id(s).slice(0, 10)),
    GOVERNOR_ROLE,
  );
  await token.mint(alice.address, staked);
  await token.connect(alice).approve(vaultAddress, staked);
  await vault.connect(alice).deposit(staked, alice.address);
  await fund.connect(governor).setBackstop(vaultAddress, incomeShareBps);
  return { vault, vaultAddress };
}
