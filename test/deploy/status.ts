import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import LocalBackstopSuite from "../../deploy/modules/LocalBackstopSuite.js";
import LocalSparkSuite from "../../deploy/modules/LocalSparkSuite.js";
import LocalSuite from "../../deploy/modules/LocalSuite.js";
import { InsuranceFundClient } from "../../client/index.js";
import {
  formatBps,
  formatDuration,
  formatUnitsExact,
  fundStatusLines,
  locateFund,
  parseMarketIds,
  StatusError,
} from "../../scripts/lib/status.js";
import { expectRejection, LOCAL_PARAMETERS, readParameters } from "../helpers/deployment.js";
import { DAY, DEFAULT_OPEN_INTEREST_CAP, usdc, wad } from "../../lib/units.js";

const { ethers, ignition, networkHelpers } = await network.create();

const ETH_PERP = 1n;
const CHAIN_ID = 31337n;
const NO_DEPLOYMENTS = path.join(tmpdir(), "perp-insurance-no-deployments");

/**
 * LocalSuite (Spin) after: a 100,000 USDC deposit into the fund, then one trade on the reference exchange, a
 * 500 ETH long at 2,000 USDC (1,000,000 USDC of notional, a 0.1 % fee of 1,000 USDC), held for one day.
 */
async function spinSuiteInUse() {
  const deployed = await ignition.deploy(LocalSuite, { parameters: LOCAL_PARAMETERS });
  const [depositor, , , , treasury, alice] = await ethers.getSigners();
  const fundAddress = await deployed.fund.getAddress();
  const exchangeAddress = await deployed.exchange.getAddress();
  const fund = await ethers.getContractAt("InsuranceFund", fundAddress);
  const exchange = await ethers.getContractAt("ReferenceExchange", exchangeAddress);
  const token = await ethers.getContractAt("MockUSDC", await deployed.usdc.getAddress());
  await token.mint(depositor.address, usdc(100_000));
  await token.connect(depositor).approve(fundAddress, usdc(100_000));
  await fund.connect(depositor).deposit(usdc(100_000));
  await token.mint(alice.address, usdc(200_000));
  await token.connect(alice).approve(exchangeAddress, usdc(200_000));
  await exchange.connect(alice).deposit(ETH_PERP, usdc(200_000));
  await exchange.connect(alice).trade(ETH_PERP, wad(500));
  await networkHelpers.time.increase(DAY);
  return {
    fundAddress,
    tokenAddress: await token.getAddress(),
    policyAddress: await deployed.policy.getAddress(),
    exchange: exchangeAddress,
    treasury: treasury.address,
    managerAddress: await deployed.manager.getAddress(),
    accounts: (await ethers.getSigners()).map((signer) => signer.address),
  };
}

/** LocalSuite with a two-day governance delay, and the governor's `setTreasury(alice)` scheduled an hour ago. */
async function spinSuiteWithAScheduledChange() {
  const local = await readParameters(LOCAL_PARAMETERS);
  const [deployer, governor, , , , alice, admin] = await ethers.getSigners();
  // With a delay, the admin is another account (a timelock or multisig) and the deploying account leaves.
  const parameters = {
    ...local,
    $global: { ...local.$global, governanceDelay: 2 * 86_400, admin: admin.address, revokeAdminFrom: deployer.address },
  };
  const deployed = await ignition.deploy(LocalSuite, { parameters });
  const fundAddress = await deployed.fund.getAddress();
  const fund = await ethers.getContractAt("InsuranceFund", fundAddress);
  const manager = await ethers.getContractAt("AccessManager", await deployed.manager.getAddress());
  const data = fund.interface.encodeFunctionData("setTreasury", [alice.address]);
  await manager.connect(governor).schedule(fundAddress, data, 0);
  const scheduledAt = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(3600n);
  return { fundAddress, manager, governor, alice, scheduledAt, data };
}

async function freshSparkSuite() {
  const deployed = await ignition.deploy(LocalSparkSuite, { parameters: LOCAL_PARAMETERS });
  const [, , , , treasury] = await ethers.getSigners();
  return {
    fundAddress: await deployed.fund.getAddress(),
    tokenAddress: await deployed.usdc.getAddress(),
    policyAddress: await deployed.policy.getAddress(),
    exchange: await deployed.exchange.getAddress(),
    treasury: treasury.address,
    managerAddress: await deployed.manager.getAddress(),
  };
}

/**
 * LocalBackstopSuite after: 100,000 USDC into the fund, 30,000 and 20,000 USDC staked in the backstop, the same
 * trade as above (a 1,000 USDC fee, all to the treasury's accrual), a flush (20 % of it, 200 USDC, to the backstop,
 * streaming over 7 days), 3.5 days, and the second staker's request to redeem half its shares.
 */
async function backstopSuiteInUse() {
  const deployed = await ignition.deploy(LocalBackstopSuite, { parameters: LOCAL_PARAMETERS });
  const [depositor, , , , , alice, bob, carol] = await ethers.getSigners();
  const fundAddress = await deployed.fund.getAddress();
  const exchangeAddress = await deployed.exchange.getAddress();
  const vaultAddress = await deployed.backstop.getAddress();
  const fund = await ethers.getContractAt("InsuranceFund", fundAddress);
  const exchange = await ethers.getContractAt("ReferenceExchange", exchangeAddress);
  const vault = await ethers.getContractAt("BackstopVault", vaultAddress);
  const token = await ethers.getContractAt("MockUSDC", await deployed.usdc.getAddress());
  await token.mint(depositor.address, usdc(100_000));
  await token.connect(depositor).approve(fundAddress, usdc(100_000));
  await fund.connect(depositor).deposit(usdc(100_000));
  for (const [staker, amount] of [
    [bob, usdc(30_000)],
    [carol, usdc(20_000)],
  ] as const) {
    await token.mint(staker.address, amount);
    await token.connect(staker).approve(vaultAddress, amount);
    await vault.connect(staker).deposit(amount, staker.address);
  }
  await token.mint(alice.address, usdc(200_000));
  await token.connect(alice).approve(exchangeAddress, usdc(200_000));
  await exchange.connect(alice).deposit(ETH_PERP, usdc(200_000));
  await exchange.connect(alice).trade(ETH_PERP, wad(500));
  await fund.flushTreasury();
  const flushedAt = await networkHelpers.time.latest();
  await networkHelpers.time.setNextBlockTimestamp(BigInt(flushedAt) + (7n * BigInt(DAY)) / 2n);
  await vault.connect(carol).requestRedeem((await vault.balanceOf(carol.address)) / 2n, carol.address, carol.address);
  return { fundAddress, vaultAddress };
}

describe("deploy: status", function () {
  this.timeout(120_000);

  describe("the lines", () => {
    it("test_fundStatusLines_spinSuiteInUse", async () => {
      const suite = await networkHelpers.loadFixture(spinSuiteInUse);
      const lines = await fundStatusLines(ethers, { INSURANCE_FUND_ADDRESS: suite.fundAddress }, NO_DEPLOYMENTS);
      // The figures, from the spec and local.json:
      // - balance: the 100,000 USDC deposit; the fee added nothing (below);
      // - average open interest: 1,000,000 USDC held since the first report, so its average is 1,000,000;
      // - target = max(5 % x 1,000,000, 200,000) = 200,000 (docs/behaviour.md 5.2);
      // - ratio = 100,000 / max(1,000,000, 200,000 / 5 % = 4,000,000) = 2.50 % (docs/behaviour.md 4.3, 4.4), band 1 (2 % <= R < 5 %);
      // - the trade's fee, 0.1 % of 1,000,000 = 1,000 USDC, was collected before the open interest was reported,
      //   at the same ratio (100,000 / 4,000,000), band 1: no trading-fee income, so it all accrued to the treasury;
      // - the exchange reported 500 x 2,000 = 1,000,000 USDC of open interest.
      expect(lines).to.deep.equal([
        `Insurance fund:  ${suite.fundAddress} on chain 31337 (INSURANCE_FUND_ADDRESS)`,
        `Quote token:     USDC ${suite.tokenAddress} (6 decimals)`,
        "Balance:         100,000 USDC",
        "Target:          200,000 USDC = max(5.00 % of the average open interest, floor 200,000 USDC)",
        "Minimum floor:   200,000 USDC (fixed at deployment: no governance call sets the floor below it)",
        "Ratio:           2.50 % (balance / max(average open interest, floor / target share))",
        "Band:            1 (ratio from 2.00 % to below 5.00 %: penalties only)",
        "Open interest:   1,000,000 USDC now, 1,000,000 USDC on average over 7 days",
        "Bad debt:        0 USDC",
        "Pending claims:  0 USDC (reserved in the fund, owed to the exchanges)",
        "Payout bucket:   fund-wide: no limit",
        "Paused:          no",
        `Treasury:        ${suite.treasury}, accrued 1,000 USDC (not yet flushed)`,
        `Fee policy:      TargetBandsPolicy (Spin) ${suite.policyAddress}`,
        "                 ratio below 2.00 %: 20.00 % of trading fees and 40.00 % of liquidation penalties to the fund",
        "                 ratio from 2.00 % to below 5.00 %: 40.00 % of liquidation penalties to the fund",
        "                 ratio at or above 5.00 %: nothing to the fund",
        // local.json: no governance delay; the deploying account stays admin.
        `Governance:      AccessManager ${suite.managerAddress}; new governors: no delay, the fund's authority: no delay`,
        `  admin          ${suite.accounts[0]}, its calls: no delay`,
        `  governor       ${suite.accounts[1]}, its calls: no delay`,
        `  guardian       ${suite.accounts[2]}, its calls: no delay`,
        "Scheduled:       nothing",
        "Markets:         1",
        "  market 1:",
        `    exchange:        ${suite.exchange}`,
        "    insurance limit: 500,000 USDC, paid 0 USDC, left 500,000 USDC",
        "    open interest:   1,000,000 USDC",
        "    loss index:      0",
        "    bad debt:        0 USDC",
        "    pending claim:   0 USDC",
        "    payout bucket:   no limit",
        "    reward caps:     5,000 USDC, 1.00 % of the notional",
      ]);
    });

    it("test_fundStatusLines_listsScheduledOperationsWithTheirCountdown", async () => {
      const suite = await networkHelpers.loadFixture(spinSuiteWithAScheduledChange);
      const [, governor, guardian, , , , admin] = await ethers.getSigners();
      const env = { INSURANCE_FUND_ADDRESS: suite.fundAddress };
      const lines = await fundStatusLines(ethers, env, NO_DEPLOYMENTS);
      const executableAt = suite.scheduledAt + 2n * DAY;
      const governance = lines.slice(lines.findIndex((line) => line.startsWith("Governance:")));
      // OpenZeppelin's manager applies the new grant and target admin delays after its 5-day minimum setback,
      // counted from the block of each deployment step.
      const [grant] = await suite.manager.queryFilter(suite.manager.filters.RoleGrantDelayChanged());
      const [target] = await suite.manager.queryFilter(suite.manager.filters.TargetAdminDelayUpdated());
      const inFiveDays = async (blockNumber: number) =>
        new Date(((await ethers.provider.getBlock(blockNumber))!.timestamp + 5 * 86_400) * 1000).toISOString();
      expect(governance.slice(0, 6)).to.deep.equal([
        `Governance:      AccessManager ${await suite.manager.getAddress()}; new governors: no delay (2 d from ${await inFiveDays(grant.blockNumber)}), the fund's authority: no delay (2 d from ${await inFiveDays(target.blockNumber)})`,
        `  governor       ${governor.address}, its calls: 2 d`,
        `  guardian       ${guardian.address}, its calls: no delay`,
        `  admin          ${admin.address}, its calls: 2 d`,
        `Scheduled:       setTreasury(${suite.alice.address}) on ${suite.fundAddress} by ${governor.address}`,
        `                 executable from ${new Date(Number(executableAt) * 1000).toISOString()} (in 1 d 23 h)`,
      ]);
      // Executed, it leaves the list.
      await networkHelpers.time.increase(2n * DAY);
      await suite.manager.connect(suite.governor).execute(suite.fundAddress, suite.data);
      expect(await fundStatusLines(ethers, env, NO_DEPLOYMENTS)).to.include("Scheduled:       nothing");
    });

    it("test_fundStatusLines_freshSparkSuite", async () => {
      const suite = await networkHelpers.loadFixture(freshSparkSuite);
      const lines = await fundStatusLines(ethers, { INSURANCE_FUND_ADDRESS: suite.fundAddress }, NO_DEPLOYMENTS);
      // Empty fund, no open interest: target = floor; ratio = 0 / (200,000 / 5 %) = 0.
      expect(lines.slice(2, 16)).to.deep.equal([
        "Balance:         0 USDC",
        "Target:          200,000 USDC = max(5.00 % of the average open interest, floor 200,000 USDC)",
        "Minimum floor:   200,000 USDC (fixed at deployment: no governance call sets the floor below it)",
        "Ratio:           0.00 % (balance / max(average open interest, floor / target share))",
        "Band:            0 (fixed share: a single band)",
        "Open interest:   0 USDC now, 0 USDC on average over 7 days",
        "Bad debt:        0 USDC",
        "Pending claims:  0 USDC (reserved in the fund, owed to the exchanges)",
        "Payout bucket:   fund-wide: no limit",
        "Paused:          no",
        `Treasury:        ${suite.treasury}, accrued 0 USDC (not yet flushed)`,
        `Fee policy:      FixedSharePolicy (Spark) ${suite.policyAddress}`,
        "                 50.00 % of trading fees and 50.00 % of liquidation penalties to the fund",
        `Governance:      AccessManager ${suite.managerAddress}; new governors: no delay, the fund's authority: no delay`,
      ]);
    });

    it("test_fundStatusLines_showsPausedAndTheMarketIdsGiven", async () => {
      const suite = await networkHelpers.loadFixture(freshSparkSuite);
      const [, governor, guardian, exchange] = await ethers.getSigners();
      const fund = await ethers.getContractAt("InsuranceFund", suite.fundAddress);
      await fund.connect(governor).registerMarket(7n, {
        exchange: exchange.address,
        insuranceLimit: usdc("1234.5"),
        rewardCap: 2n ** 128n - 1n,
        rewardCapBps: 10_000n,
        openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
      });
      await fund.connect(guardian).pause();
      const env = { INSURANCE_FUND_ADDRESS: suite.fundAddress, MARKET_IDS: "7" };
      const lines = await fundStatusLines(ethers, env, NO_DEPLOYMENTS);
      expect(lines).to.include(
        "Paused:          yes (bankruptcies queue as pending claims; sweeps and claim payments wait)",
      );
      expect(lines.slice(-10)).to.deep.equal([
        "Markets:         1",
        "  market 7:",
        `    exchange:        ${exchange.address}`,
        "    insurance limit: 1,234.5 USDC, paid 0 USDC, left 1,234.5 USDC",
        "    open interest:   0 USDC",
        "    loss index:      0",
        "    bad debt:        0 USDC",
        "    pending claim:   0 USDC",
        "    payout bucket:   no limit",
        "    reward caps:     no absolute cap, no cap below the notional",
      ]);
      const all = await fundStatusLines(ethers, { INSURANCE_FUND_ADDRESS: suite.fundAddress }, NO_DEPLOYMENTS);
      expect(all.filter((line) => line.startsWith("  market "))).to.deep.equal(["  market 1:", "  market 7:"]);
    });

    it("test_fundStatusLines_findsTheFundInTheIgnitionDeployment", async () => {
      const suite = await networkHelpers.loadFixture(freshSparkSuite);
      const deployments = await mkdtemp(path.join(tmpdir(), "perp-insurance-status-"));
      try {
        await mkdir(path.join(deployments, "chain-31337"));
        await writeFile(
          path.join(deployments, "chain-31337", "deployed_addresses.json"),
          JSON.stringify({
            "LocalSparkSuite#MockUSDC": suite.tokenAddress,
            "LocalSparkSuite#InsuranceFund": suite.fundAddress,
          }),
        );
        const lines = await fundStatusLines(ethers, {}, deployments);
        expect(lines[0]).to.equal(
          `Insurance fund:  ${suite.fundAddress} on chain 31337 (LocalSparkSuite#InsuranceFund in ${path.relative(process.cwd(), path.join(deployments, "chain-31337"))})`,
        );
      } finally {
        await rm(deployments, { recursive: true, force: true });
      }
    });
  });

  describe("the backstop", () => {
    it("test_fundStatusLines_backstopSuiteInUse", async () => {
      const suite = await networkHelpers.loadFixture(backstopSuiteInUse);
      const lines = await fundStatusLines(ethers, { INSURANCE_FUND_ADDRESS: suite.fundAddress }, NO_DEPLOYMENTS);
      const from = lines.findIndex((line) => line.startsWith("Backstop:"));
      // local.json's LocalBackstopSuite: 10-day cooldown, 2-day window, 7-day stream, 10 % a day, 1,000 USDC left.
      // Half the 200 USDC of income vested after 3.5 days: 50,100 USDC of assets for 50,000 shares.
      expect(lines.slice(from, from + 6)).to.deep.equal([
        `Backstop:        bsUSDC vault ${suite.vaultAddress}`,
        "                 assets 50,100 USDC, shares 50,000 bsUSDC, share price 1.001999 USDC",
        "                 unvested income 100 USDC (streams into the assets over 7 days)",
        "                 locked shares 10,000 bsUSDC (under redeem request), exit cap left today 5,010 USDC",
        "                 terms: cooldown 10 days, window 2 days, exit cap 10.00 % of the assets a day, minimum assets 1,000 USDC",
        "                 income share: 20.00 % of the treasury's income",
      ]);
      expect(lines[from + 6]).to.equal("Markets:         1");
      expect(lines.slice(-3)).to.deep.equal([
        "    backstop limit:  100,000 USDC, paid 0 USDC, left 100,000 USDC",
        "    from backstop:   0 USDC of the pending claim (returned to it if rejected)",
        "    reward caps:     5,000 USDC, 1.00 % of the notional",
      ]);
      // The treasury kept the other 80 % of the 1,000 USDC fee.
      expect(lines).to.include(
        `Treasury:        ${(await ethers.getSigners())[4].address}, accrued 0 USDC (not yet flushed)`,
      );
    });

    it("test_client_backstopStatusIsUndefinedWithoutOne", async () => {
      const suite = await networkHelpers.loadFixture(spinSuiteInUse);
      const client = await InsuranceFundClient.connect(ethers.provider, suite.fundAddress);
      expect(await client.backstopStatus([ETH_PERP])).to.equal(undefined);
      expect((await client.status()).backstop).to.equal(undefined);
    });
  });

  describe("errors", () => {
    it("test_locateFund_missingAddress", async () => {
      await expectRejection(
        locateFund({}, CHAIN_ID, NO_DEPLOYMENTS),
        /^no insurance fund address: set INSURANCE_FUND_ADDRESS, or deploy with Ignition \(no .*chain-31337\/deployed_addresses\.json\)$/,
      );
      await expectRejection(
        locateFund({ DEPLOYMENT_ID: "somewhere-else" }, CHAIN_ID, NO_DEPLOYMENTS),
        /somewhere-else\/deployed_addresses\.json/,
      );
    });

    it("test_locateFund_malformedAddress", async () => {
      await expectRejection(
        locateFund({ INSURANCE_FUND_ADDRESS: "0x1234" }, CHAIN_ID, NO_DEPLOYMENTS),
        /^INSURANCE_FUND_ADDRESS is not an address: "0x1234"$/,
      );
    });

    it("test_locateFund_deploymentWithoutOneFund", async () => {
      const deployments = await mkdtemp(path.join(tmpdir(), "perp-insurance-status-"));
      try {
        await mkdir(path.join(deployments, "chain-31337"));
        const file = path.join(deployments, "chain-31337", "deployed_addresses.json");
        await writeFile(file, JSON.stringify({ "A#MockUSDC": ethers.ZeroAddress }));
        await expectRejection(locateFund({}, CHAIN_ID, deployments), /found none: set INSURANCE_FUND_ADDRESS$/);
        await writeFile(
          file,
          JSON.stringify({ "A#InsuranceFund": ethers.ZeroAddress, "B#InsuranceFund": ethers.ZeroAddress }),
        );
        await expectRejection(
          locateFund({}, CHAIN_ID, deployments),
          /found A#InsuranceFund, B#InsuranceFund: set INSURANCE_FUND_ADDRESS$/,
        );
      } finally {
        await rm(deployments, { recursive: true, force: true });
      }
    });

    it("test_fundStatusLines_addressWithoutCode", async () => {
      const nobody = "0x000000000000000000000000000000000000dEaD";
      const error = await fundStatusLines(ethers, { INSURANCE_FUND_ADDRESS: nobody }, NO_DEPLOYMENTS).catch((e) => e);
      expect(error).to.be.instanceOf(StatusError);
      expect(error.message).to.equal(`no contract at ${nobody} on chain 31337 (from INSURANCE_FUND_ADDRESS)`);
    });

    it("test_fundStatusLines_contractThatIsNotAFund", async () => {
      const suite = await networkHelpers.loadFixture(freshSparkSuite);
      const env = { INSURANCE_FUND_ADDRESS: suite.tokenAddress };
      const error = await fundStatusLines(ethers, env, NO_DEPLOYMENTS).catch((e) => e);
      expect(error).to.be.instanceOf(StatusError);
      expect(error.message).to.equal(
        `${suite.tokenAddress} on chain 31337 is not an insurance fund (health() failed; from INSURANCE_FUND_ADDRESS)`,
      );
    });

    it("test_fundStatusLines_unknownMarketId", async () => {
      const suite = await networkHelpers.loadFixture(freshSparkSuite);
      const env = { INSURANCE_FUND_ADDRESS: suite.fundAddress, MARKET_IDS: "1,9" };
      await expectRejection(
        fundStatusLines(ethers, env, NO_DEPLOYMENTS),
        new RegExp(`^market 9 is not registered on ${suite.fundAddress}$`),
      );
    });

    it("test_parseMarketIds_acceptsOnlyIntegers", () => {
      expect(parseMarketIds(undefined)).to.equal(undefined);
      expect(parseMarketIds(" ")).to.equal(undefined);
      expect(parseMarketIds("1, 2,30")).to.deep.equal([1n, 2n, 30n]);
      expect(() => parseMarketIds("1,x")).to.throw(
        StatusError,
        'MARKET_IDS must be comma-separated integers, got "1,x"',
      );
      expect(() => parseMarketIds("1,-2")).to.throw(StatusError);
    });
  });

  describe("formatting", () => {
    it("test_formatUnitsExact_isExact", () => {
      expect(formatUnitsExact(0n, 6)).to.equal("0");
      expect(formatUnitsExact(1n, 6)).to.equal("0.000001");
      expect(formatUnitsExact(1_234_567_890n, 6)).to.equal("1,234.56789");
      expect(formatUnitsExact(200_000_000_000n, 6)).to.equal("200,000");
      expect(formatUnitsExact(-1_500_000n, 6)).to.equal("-1.5");
      expect(formatUnitsExact(10n ** 24n + 1n, 18)).to.equal("1,000,000.000000000000000001");
      expect(formatUnitsExact(1234n, 0)).to.equal("1,234");
    });

    it("test_formatBps_twoDecimals", () => {
      expect(formatBps(0n)).to.equal("0.00 %");
      expect(formatBps(5n)).to.equal("0.05 %");
      expect(formatBps(250n)).to.equal("2.50 %");
      expect(formatBps(10_000n)).to.equal("100.00 %");
      expect(formatBps(123_456n)).to.equal("1,234.56 %");
    });

    it("test_formatDuration_largestWholeUnit", () => {
      expect(formatDuration(604_800n)).to.equal("7 days");
      expect(formatDuration(7_200n)).to.equal("2 hours");
      expect(formatDuration(90n)).to.equal("90 seconds");
    });
  });
});
