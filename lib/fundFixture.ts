import { network } from "hardhat";

import { ADMIN_ROLE, GOVERNOR_FUNCTIONS, GOVERNOR_ROLE, GUARDIAN_FUNCTIONS, GUARDIAN_ROLE } from "./roles.js";
import { DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128, usdc, wad, WEEK } from "./units.js";

export type Connection = Awaited<ReturnType<typeof network.create>>;
export type Ethers = Connection["ethers"];

export const MARKET_ID = 1n;
export const TARGET_SHARE_BPS = 500n;
export const FLOOR = usdc(200_000);

export interface FundOptions {
  /** Deploy the fund on this token instead of a fresh MockUSDC. */
  token?: string;
  policy?: string;
  windowSeconds?: bigint;
  /** The lowest floor governance may set (default 0: the tests may lower the floor freely). */
  minFloor?: bigint;
  /** Seconds every governor call waits, wired as deploy/lib/insuranceSuite.ts does (default 0). */
  governanceDelay?: bigint;
}

/**
 * Deploys MockUSDC, an AccessManager (admin = signer 0), a MockFeePolicy (50 % / 50 %) and the fund, and
 * wires the roles: signer 1 governs, signer 2 guards. Signer 3 is the market's exchange (an account, so
 * tests can call the exchange-facing functions directly), signer 4 the treasury, signers 5.. are users.
 */
export async function deployFund(ethers: Ethers, options: FundOptions = {}) {
  const [admin, governor, guardian, exchange, treasury, alice, bob, carol] = await ethers.getSigners();
  const usdcToken = await ethers.deployContract("MockUSDC");
  const tokenAddress = options.token ?? (await usdcToken.getAddress());
  const manager = await ethers.deployContract("AccessManager", [admin.address]);
  const policy = options.policy
    ? await ethers.getContractAt("IFeePolicy", options.policy)
    : await ethers.deployContract("MockFeePolicy", [5000n, 5000n]);
  const fund = await ethers.deployContract("InsuranceFund", [
    tokenAddress,
    await manager.getAddress(),
    options.windowSeconds ?? WEEK,
    TARGET_SHARE_BPS,
    FLOOR,
    options.minFloor ?? 0n,
    await policy.getAddress(),
    treasury.address,
  ]);
  const fundAddress = await fund.getAddress();
  const selectors = (signatures: readonly string[]) => signatures.map((s) => ethers.id(s).slice(0, 10));
  await manager.setTargetFunctionRole(fundAddress, selectors(GOVERNOR_FUNCTIONS), GOVERNOR_ROLE);
  await manager.setTargetFunctionRole(fundAddress, selectors(GUARDIAN_FUNCTIONS), GUARDIAN_ROLE);
  // As the deploy modules wire it: the governor, the admin, new governors and the fund's authority all wait.
  const governanceDelay = options.governanceDelay ?? 0n;
  await manager.grantRole(GOVERNOR_ROLE, governor.address, governanceDelay);
  await manager.grantRole(GUARDIAN_ROLE, guardian.address, 0);
  await manager.setRoleGuardian(GOVERNOR_ROLE, GUARDIAN_ROLE);
  await manager.setGrantDelay(GOVERNOR_ROLE, governanceDelay);
  await manager.setTargetAdminDelay(fundAddress, governanceDelay);
  await manager.grantRole(ADMIN_ROLE, admin.address, governanceDelay);
  const lens = await ethers.deployContract("InsuranceFundLens", [fundAddress]);
  return {
    usdc: usdcToken,
    manager,
    policy,
    fund,
    fundAddress,
    lens,
    admin,
    governor,
    guardian,
    exchange,
    treasury,
    alice,
    bob,
    carol,
  };
}

export type FundSuite = Awaited<ReturnType<typeof deployFund>>;

/** Registers MARKET_ID for the suite's exchange with the given limit and no reward caps. */
export async function registerMarket(suite: FundSuite, limit: bigint, marketId = MARKET_ID) {
  await suite.fund.connect(suite.governor).registerMarket(marketId, {
    exchange: suite.exchange.address,
    insuranceLimit: limit,
    rewardCap: MAX_UINT128,
    rewardCapBps: 10_000n,
    openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
  });
}

/** Mints `amount` to `from` and deposits it into the fund. */
export async function seed(suite: FundSuite, amount: bigint, from = suite.admin) {
  await suite.usdc.mint(from.address, amount);
  await suite.usdc.connect(from).approve(suite.fundAddress, amount);
  await suite.fund.connect(from).deposit(amount);
}

/** What a test's bankruptcy claim states; the rest has defaults (no reward, a 100,000 USDC notional, 10 open base). */
export interface ClaimFields {
  shortfall: bigint;
  reward?: bigint;
  liquidatedNotional?: bigint;
  openBase?: bigint;
}

/** A bankruptcy claim for the suite's market: Carol's account, Bob its liquidator. */
export function claimFor(suite: FundSuite, c: ClaimFields) {
  return {
    account: suite.carol.address,
    shortfall: c.shortfall,
    liquidator: suite.bob.address,
    reward: c.reward ?? 0n,
    liquidatedNotional: c.liquidatedNotional ?? usdc(100_000),
    openBase: c.openBase ?? wad(10),
  };
}
