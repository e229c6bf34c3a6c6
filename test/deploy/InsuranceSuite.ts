import { readFileSync } from "node:fs";

import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";

import { DEPLOYED_SOURCES } from "../../deploy/lib/artifacts.js";
import LocalBackstopSuite from "../../deploy/modules/LocalBackstopSuite.js";
import LocalSeededSuite from "../../deploy/modules/LocalSeededSuite.js";
import LocalSparkSuite from "../../deploy/modules/LocalSparkSuite.js";
import LocalSuite from "../../deploy/modules/LocalSuite.js";
import SparkSuite from "../../deploy/modules/SparkSuite.js";
import SpinBackstopSuite from "../../deploy/modules/SpinBackstopSuite.js";
import SpinSuite from "../../deploy/modules/SpinSuite.js";
import {
  ADMIN_ROLE,
  BACKSTOP_GOVERNOR_FUNCTIONS,
  GOVERNOR_FUNCTIONS,
  GOVERNOR_ROLE,
  GUARDIAN_FUNCTIONS,
  GUARDIAN_ROLE,
} from "../../lib/roles.js";
import {
  expectRejection,
  LOCAL_PARAMETERS,
  parameter,
  readParameters,
  TESTNET_EXAMPLE_PARAMETERS,
} from "../helpers/deployment.js";
import { DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128, usdc } from "../../lib/units.js";

const { ethers, ignition, networkHelpers } = await network.create();

const local = await readParameters(LOCAL_PARAMETERS);
const testnet = await readParameters(TESTNET_EXAMPLE_PARAMETERS);

// The account roles LocalSuite gives the node's accounts (deploy/lib/localSuite.ts).
const DEPLOYER = 0;
const GOVERNOR = 1;
const GUARDIAN = 2;
const TREASURY = 4;
const STRANGER = 5;

const selector = (signature: string) => id(signature).slice(0, 10);

/** The suite's contracts as typed ethers contracts. */
async function typed(deployed: {
  manager: { getAddress(): Promise<string> };
  fund: { getAddress(): Promise<string> };
}) {
  return {
    manager: await ethers.getContractAt("AccessManager", await deployed.manager.getAddress()),
    fund: await ethers.getContractAt("InsuranceFund", await deployed.fund.getAddress()),
  };
}

async function deployLocalSuite() {
  const deployed = await ignition.deploy(LocalSuite, { parameters: LOCAL_PARAMETERS });
  const { manager, fund } = await typed(deployed);
  const policy = await ethers.getContractAt("TargetBandsPolicy", await deployed.policy.getAddress());
  const usdcToken = await ethers.getContractAt("MockUSDC", await deployed.usdc.getAddress());
  const exchange = await ethers.getContractAt("ReferenceExchange", await deployed.exchange.getAddress());
  const feed = await ethers.getContractAt("MockPriceFeed", await deployed.feed.getAddress());
  const lens = await ethers.getContractAt("InsuranceFundLens", await deployed.lens.getAddress());
  return { manager, fund, policy, usdc: usdcToken, exchange, feed, lens, signers: await ethers.getSigners() };
}

async function deployLocalBackstopSuite() {
  const deployed = await ignition.deploy(LocalBackstopSuite, { parameters: LOCAL_PARAMETERS });
  const { manager, fund } = await typed(deployed);
  const vault = await ethers.getContractAt("BackstopVault", await deployed.backstop.getAddress());
  const lens = await ethers.getContractAt("InsuranceFundLens", await deployed.lens.getAddress());
  const usdcToken = await ethers.getContractAt("MockUSDC", await deployed.usdc.getAddress());
  return { manager, fund, vault, lens, usdc: usdcToken, signers: await ethers.getSigners() };
}

/** SpinBackstopSuite from testnet.example.json, governed by node account 1 so that the test can sign for it. */
async function deploySpinBackstopSuiteFromExample() {
  const example = await testnetParameters();
  const governor = (await ethers.getSigners())[GOVERNOR];
  const parameters = { ...example, $global: { ...example.$global, governor: governor.address } };
  const deployed = await ignition.deploy(SpinBackstopSuite, { parameters });
  const vault = await ethers.getContractAt("BackstopVault", await deployed.backstop.getAddress());
  return { ...(await typed(deployed)), vault, governor, parameters };
}

/** Asserts that `contract`'s runtime code is `name`'s artifact file's, but for the immutables its constructor wrote. */
async function expectArtifactCode(name: keyof typeof DEPLOYED_SOURCES, contract: { getAddress(): Promise<string> }) {
  const file = `artifacts/${DEPLOYED_SOURCES[name]}/${name}.json`;
  const artifact = JSON.parse(readFileSync(file, "utf8")) as {
    deployedBytecode: string;
    immutableReferences?: Record<string, { start: number; length: number }[]>;
  };
  let code = await ethers.provider.getCode(await contract.getAddress());
  for (const { start, length } of Object.values(artifact.immutableReferences ?? {}).flat()) {
    const at = 2 + 2 * start;
    code = code.slice(0, at) + "00".repeat(length) + code.slice(at + 2 * length);
  }
  expect(code, name).to.equal(artifact.deployedBytecode);
}

async function deployLocalSparkSuite() {
  const deployed = await ignition.deploy(LocalSparkSuite, { parameters: LOCAL_PARAMETERS });
  const { fund } = await typed(deployed);
  const policy = await ethers.getContractAt("FixedSharePolicy", await deployed.policy.getAddress());
  return { fund, policy };
}

/** testnet.example.json as it stands, on a mock USDC, with the deployer as the admin to retire. */
async function testnetParameters() {
  const token = await ethers.deployContract("MockUSDC");
  const [deployer] = await ethers.getSigners();
  return {
    ...testnet,
    $global: { ...testnet.$global, quoteToken: await token.getAddress(), revokeAdminFrom: deployer.address },
  };
}

async function deploySpinSuiteFromExample() {
  const parameters = await testnetParameters();
  const deployed = await ignition.deploy(SpinSuite, { parameters });
  const policy = await ethers.getContractAt("TargetBandsPolicy", await deployed.policy.getAddress());
  return { ...(await typed(deployed)), policy, parameters };
}

async function deploySparkSuiteFromExample() {
  const parameters = await testnetParameters();
  const deployed = await ignition.deploy(SparkSuite, { parameters });
  const policy = await ethers.getContractAt("FixedSharePolicy", await deployed.policy.getAddress());
  return { ...(await typed(deployed)), policy, parameters };
}

describe("deploy: InsuranceSuite modules", function () {
  this.timeout(120_000);

  describe("LocalSuite with local.json", () => {
    it("test_localSuite_readsBackTheParameters", async () => {
      const { fund, policy, usdc: token, signers } = await networkHelpers.loadFixture(deployLocalSuite);
      expect(await fund.quoteToken()).to.equal(await token.getAddress());
      expect(await fund.quoteDecimals()).to.equal(6n);
      expect(await fund.averagingWindow()).to.equal(BigInt(parameter(local, "LocalSuite", "windowSeconds")));
      expect(await fund.targetShareBps()).to.equal(BigInt(parameter(local, "LocalSuite", "targetShareBps")));
      expect(await fund.floor()).to.equal(parameter(local, "LocalSuite", "floor"));
      expect(await fund.treasury()).to.equal(signers[TREASURY].address);
      expect(await fund.feePolicy()).to.equal(await policy.getAddress());
      expect(await fund.paused()).to.equal(false);
      const bands = parameter(local, "LocalSuite", "bands");
      expect(await policy.bands()).to.deep.equal([
        BigInt(bands.lowerBandBps),
        BigInt(bands.upperBandBps),
        BigInt(bands.lowTradingFeeShareBps),
        BigInt(bands.lowPenaltyShareBps),
        BigInt(bands.midPenaltyShareBps),
      ]);
    });

    it("test_localSuite_fileHoldsTheSpecNumbers", async () => {
      // docs/behaviour.md 4.3 and 5: Spin's 2 % / 5 % bands, 20 % / 40 % / 40 % shares, 7-day window, 5 % target, 200,000 USDC.
      expect(parameter(local, "LocalSuite", "bands")).to.deep.equal({
        lowerBandBps: 200,
        upperBandBps: 500,
        lowTradingFeeShareBps: 2000,
        lowPenaltyShareBps: 4000,
        midPenaltyShareBps: 4000,
      });
      expect(parameter(local, "LocalSuite", "windowSeconds")).to.equal(7 * 24 * 3600);
      expect(parameter(local, "LocalSuite", "targetShareBps")).to.equal(500);
      expect(parameter(local, "LocalSuite", "floor")).to.equal(usdc(200_000));
    });

    it("test_localSuite_registersEthPerpForTheExchange", async () => {
      const { fund, exchange } = await networkHelpers.loadFixture(deployLocalSuite);
      const marketId = BigInt(parameter(local, "LocalSuite", "ethPerpMarketId"));
      const info = await fund.market(marketId);
      expect(info.exchange).to.equal(await exchange.getAddress());
      expect(info.insuranceLimit).to.equal(parameter(local, "LocalSuite", "ethPerpInsuranceLimit"));
      expect(info.insurancePaid).to.equal(0n);
      expect(info.rewardCap).to.equal(parameter(local, "LocalSuite", "ethPerpRewardCap"));
      expect(info.rewardCapBps).to.equal(BigInt(parameter(local, "LocalSuite", "ethPerpRewardCapBps")));
      const events = await fund.queryFilter(fund.filters.InsuranceFundMarketRegistered());
      expect(events.map((event) => event.args.marketId)).to.deep.equal([marketId]);
    });

    it("test_localSuite_listsEthPerpOnTheExchange", async () => {
      const { fund, usdc: token, exchange, feed, signers } = await networkHelpers.loadFixture(deployLocalSuite);
      const marketId = BigInt(parameter(local, "LocalSuite", "ethPerpMarketId"));
      expect(await exchange.quoteToken()).to.equal(await token.getAddress());
      expect(await exchange.insuranceFund()).to.equal(await fund.getAddress());
      expect(await exchange.owner()).to.equal(signers[DEPLOYER].address);
      const listed = await exchange.market(marketId);
      expect(listed.feed).to.equal(await feed.getAddress());
      const params = parameter(local, "LocalSuite", "ethPerpExchangeParams");
      expect(listed.params).to.deep.equal(
        [
          params.tradingFeeBps,
          params.liquidationPenaltyBps,
          params.liquidatorShareBps,
          params.initialMarginBps,
          params.liquidationRatioWad,
          params.bankruptcyRatioWad,
          params.maxPriceAgeSeconds,
        ].map(BigInt),
      );
      expect(await feed.decimals()).to.equal(BigInt(parameter(local, "LocalSuite", "ethPerpFeedDecimals")));
      expect((await feed.latestRoundData())[1]).to.equal(parameter(local, "LocalSuite", "ethPerpFeedAnswer"));
      // 8-decimal answer 2,000e8 -> 18-decimal price.
      expect(await exchange.price(marketId)).to.equal(2_000n * 10n ** 18n);
    });

    it("test_localSuite_assignsEveryRestrictedFunctionToItsRole", async () => {
      const { manager, fund } = await networkHelpers.loadFixture(deployLocalSuite);
      const fundAddress = await fund.getAddress();
      for (const signature of GOVERNOR_FUNCTIONS) {
        expect(await manager.getTargetFunctionRole(fundAddress, selector(signature)), signature).to.equal(
          GOVERNOR_ROLE,
        );
      }
      for (const signature of GUARDIAN_FUNCTIONS) {
        expect(await manager.getTargetFunctionRole(fundAddress, selector(signature)), signature).to.equal(
          GUARDIAN_ROLE,
        );
      }
    });

    it("test_localSuite_grantsRolesToTheirAccounts", async () => {
      const { manager, signers } = await networkHelpers.loadFixture(deployLocalSuite);
      expect(await manager.hasRole(ADMIN_ROLE, signers[DEPLOYER].address)).to.deep.equal([true, 0n]);
      expect(await manager.hasRole(GOVERNOR_ROLE, signers[GOVERNOR].address)).to.deep.equal([true, 0n]);
      expect(await manager.hasRole(GUARDIAN_ROLE, signers[GUARDIAN].address)).to.deep.equal([true, 0n]);
      expect(await manager.hasRole(GOVERNOR_ROLE, signers[DEPLOYER].address)).to.deep.equal([false, 0n]);
      expect(await manager.hasRole(ADMIN_ROLE, signers[STRANGER].address)).to.deep.equal([false, 0n]);
    });

    it("test_registerMarket_onlyTheGovernor", async () => {
      const { fund, signers } = await networkHelpers.loadFixture(deployLocalSuite);
      const config = {
        exchange: signers[STRANGER].address,
        insuranceLimit: usdc(1_000),
        rewardCap: MAX_UINT128,
        rewardCapBps: 10_000n,
        openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
      };
      for (const who of [STRANGER, GUARDIAN, DEPLOYER]) {
        await expect(fund.connect(signers[who]).registerMarket(2n, config))
          .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
          .withArgs(signers[who].address);
      }
      await expect(fund.connect(signers[GOVERNOR]).registerMarket(2n, config))
        .to.emit(fund, "InsuranceFundMarketRegistered")
        .withArgs(2n, signers[STRANGER].address, usdc(1_000), MAX_UINT128, 10_000n);
      expect((await fund.market(2n)).insuranceLimit).to.equal(usdc(1_000));
    });

    it("test_pause_onlyTheGuardian", async () => {
      const { fund, signers } = await networkHelpers.loadFixture(deployLocalSuite);
      for (const who of [STRANGER, GOVERNOR, DEPLOYER]) {
        await expect(fund.connect(signers[who]).pause())
          .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
          .withArgs(signers[who].address);
      }
      await expect(fund.connect(signers[GUARDIAN]).pause())
        .to.emit(fund, "InsuranceFundPausedBy")
        .withArgs(signers[GUARDIAN].address);
      expect(await fund.paused()).to.equal(true);
      await expect(fund.connect(signers[STRANGER]).unpause())
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(signers[STRANGER].address);
      await fund.connect(signers[GUARDIAN]).unpause();
      expect(await fund.paused()).to.equal(false);
    });

    it("test_setTarget_onlyTheGovernor", async () => {
      const { fund, signers } = await networkHelpers.loadFixture(deployLocalSuite);
      await expect(fund.connect(signers[STRANGER]).setTarget(600, usdc(1)))
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(signers[STRANGER].address);
      await fund.connect(signers[GOVERNOR]).setTarget(600, usdc(300_000));
      expect(await fund.targetShareBps()).to.equal(600n);
    });
  });

  describe("LocalSeededSuite with local.json", () => {
    it("test_localSeededSuite_startsTheFundAtItsFloor", async () => {
      const deployed = await ignition.deploy(LocalSeededSuite, { parameters: LOCAL_PARAMETERS });
      const { fund } = await typed(deployed);
      const seed = parameter(local, "LocalSeededSuite", "fundSeed");
      expect(seed).to.equal(parameter(local, "LocalSeededSuite", "floor"));
      expect(await fund.fundBalance()).to.equal(seed);
      expect(await fund.floor()).to.equal(seed);
      // LocalSuite's own deployment, seeded on top: the same fund, the same ids.
      expect(await fund.treasury()).to.equal((await ethers.getSigners())[TREASURY].address);
    });
  });

  describe("the deployed artifacts", () => {
    it("test_modules_deployTheArtifactFiles", async () => {
      const {
        manager,
        fund,
        policy,
        usdc: token,
        exchange,
        feed,
        lens,
      } = await networkHelpers.loadFixture(deployLocalSuite);
      const deployed = {
        AccessManager: manager,
        InsuranceFund: fund,
        TargetBandsPolicy: policy,
        MockUSDC: token,
        ReferenceExchange: exchange,
        MockPriceFeed: feed,
        InsuranceFundLens: lens,
      };
      for (const [name, contract] of Object.entries(deployed)) {
        await expectArtifactCode(name as keyof typeof DEPLOYED_SOURCES, contract);
      }
      const { vault } = await networkHelpers.loadFixture(deployLocalBackstopSuite);
      await expectArtifactCode("BackstopVault", vault);
    });
  });

  describe("LocalSparkSuite with local.json", () => {
    it("test_localSparkSuite_deploysTheFixedShare", async () => {
      const { fund, policy } = await networkHelpers.loadFixture(deployLocalSparkSuite);
      expect(await fund.feePolicy()).to.equal(await policy.getAddress());
      expect(await policy.tradingFeeShareBps()).to.equal(
        BigInt(parameter(local, "LocalSparkSuite", "tradingFeeShareBps")),
      );
      expect(await policy.penaltyShareBps()).to.equal(BigInt(parameter(local, "LocalSparkSuite", "penaltyShareBps")));
      expect(await policy.tradingFeeShareBps()).to.equal(5000n); // docs/behaviour.md 4.2: Spark's 50 %
      expect(await policy.penaltyShareBps()).to.equal(5000n);
    });
  });

  describe("SpinSuite and SparkSuite with testnet.example.json", () => {
    const modules: [string, () => Promise<Awaited<ReturnType<typeof typed>> & { parameters: DeploymentParameters }>][] =
      [
        ["SpinSuite", deploySpinSuiteFromExample],
        ["SparkSuite", deploySparkSuiteFromExample],
      ];
    for (const [moduleId, fixture] of modules) {
      it(`test_${moduleId}_registersEveryMarketOfTheExample`, async () => {
        const { fund, parameters } = await networkHelpers.loadFixture(fixture);
        for (const key of ["ethPerp", "btcPerp"]) {
          const info = await fund.market(BigInt(parameter(parameters, moduleId, `${key}MarketId`)));
          expect(info.exchange).to.equal(parameter(parameters, moduleId, `${key}Exchange`));
          expect(info.insuranceLimit).to.equal(parameter(parameters, moduleId, `${key}InsuranceLimit`));
          expect(info.rewardCap).to.equal(parameter(parameters, moduleId, `${key}RewardCap`));
          expect(info.rewardCapBps).to.equal(BigInt(parameter(parameters, moduleId, `${key}RewardCapBps`)));
        }
        expect(await fund.quoteToken()).to.equal(parameter(parameters, moduleId, "quoteToken"));
        expect(await fund.treasury()).to.equal(parameter(parameters, moduleId, "treasury"));
        expect(await fund.floor()).to.equal(parameter(parameters, moduleId, "floor"));
      });

      it(`test_${moduleId}_handsTheAdminRoleOverAndDelaysGovernance`, async () => {
        const { manager, fund, parameters } = await networkHelpers.loadFixture(fixture);
        const [deployer] = await ethers.getSigners();
        // The admin's own calls and the governor's wait for the governance delay (2 days in the example).
        const delay = BigInt(parameter(parameters, moduleId, "governanceDelay"));
        expect(delay).to.equal(2n * 24n * 3600n);
        expect(await manager.hasRole(ADMIN_ROLE, parameter(parameters, moduleId, "admin"))).to.deep.equal([
          true,
          delay,
        ]);
        expect(await manager.hasRole(ADMIN_ROLE, deployer.address)).to.deep.equal([false, 0n]);
        expect(await manager.hasRole(GOVERNOR_ROLE, parameter(parameters, moduleId, "governor"))).to.deep.equal([
          true,
          delay,
        ]);
        // New governors and re-pointing the fund's authority wait too (after OpenZeppelin's 5-day minimum setback),
        // and the guardian may cancel what the governor schedules.
        await networkHelpers.time.increase(5n * 24n * 3600n);
        expect(await manager.getRoleGrantDelay(GOVERNOR_ROLE)).to.equal(delay);
        expect(await manager.getTargetAdminDelay(await fund.getAddress())).to.equal(delay);
        expect(await manager.getRoleGuardian(GOVERNOR_ROLE)).to.equal(GUARDIAN_ROLE);
        expect(await manager.hasRole(GUARDIAN_ROLE, parameter(parameters, moduleId, "guardian"))).to.deep.equal([
          true,
          0n,
        ]);
      });
    }

    it("test_SpinSuite_takesTheBandsOfItsSection", async () => {
      const { policy, parameters } = await networkHelpers.loadFixture(deploySpinSuiteFromExample);
      const bands = parameter(parameters, "SpinSuite", "bands");
      expect(await policy.bands()).to.deep.equal(
        [
          bands.lowerBandBps,
          bands.upperBandBps,
          bands.lowTradingFeeShareBps,
          bands.lowPenaltyShareBps,
          bands.midPenaltyShareBps,
        ].map(BigInt),
      );
    });

    it("test_SparkSuite_takesTheSharesOfItsSection", async () => {
      const { policy, parameters } = await networkHelpers.loadFixture(deploySparkSuiteFromExample);
      expect(await policy.tradingFeeShareBps()).to.equal(
        BigInt(parameter(parameters, "SparkSuite", "tradingFeeShareBps")),
      );
      expect(await policy.penaltyShareBps()).to.equal(BigInt(parameter(parameters, "SparkSuite", "penaltyShareBps")));
    });

    it("test_SpinSuite_stopsWithoutTheQuoteToken", async () => {
      const { quoteToken: _omitted, ...withoutToken } = testnet.$global;
      await expectRejection(
        ignition.deploy(SpinSuite, { parameters: { ...testnet, $global: withoutToken } }),
        /Module parameter 'quoteToken' requires a value/,
      );
    });
  });

  describe("the backstop modules", () => {
    it("test_localSuite_deploysTheLensAndNoBackstop", async () => {
      const { fund, lens } = await networkHelpers.loadFixture(deployLocalSuite);
      expect(await lens.fund()).to.equal(await fund.getAddress());
      expect(await fund.backstop()).to.equal(ethers.ZeroAddress);
      expect(await fund.backstopIncomeShareBps()).to.equal(0n);
    });

    it("test_localBackstopSuite_bindsTheVaultWithItsParameters", async () => {
      const { fund, vault, lens, usdc: token } = await networkHelpers.loadFixture(deployLocalBackstopSuite);
      const p = (name: string) => parameter(local, "LocalBackstopSuite", name);
      const vaultAddress = await vault.getAddress();
      expect(await fund.backstop()).to.equal(vaultAddress);
      expect(await fund.backstopIncomeShareBps()).to.equal(BigInt(p("backstopIncomeShareBps")));
      expect(await vault.fund()).to.equal(await fund.getAddress());
      expect(await vault.asset()).to.equal(await token.getAddress());
      expect(await vault.authority()).to.equal(await fund.authority());
      expect(await vault.name()).to.equal(p("backstopName"));
      expect(await vault.symbol()).to.equal(p("backstopSymbol"));
      expect(await vault.terms()).to.deep.equal(
        [p("backstopCooldown"), p("backstopWindow"), p("backstopStreamPeriod"), p("backstopExitCapBps")]
          .map(BigInt)
          .concat([p("backstopMinimumAssets")]),
      );
      const marketId = BigInt(p("ethPerpMarketId"));
      expect(await vault.marketLimit(marketId)).to.deep.equal([p("ethPerpBackstopLimit"), 0n]);
      expect(await vault.totalAssets()).to.equal(0n);
      expect(await lens.fund()).to.equal(await fund.getAddress());
    });

    it("test_localBackstopSuite_givesTheVaultsFunctionsToTheGovernor", async () => {
      const { manager, vault, signers } = await networkHelpers.loadFixture(deployLocalBackstopSuite);
      const vaultAddress = await vault.getAddress();
      for (const signature of BACKSTOP_GOVERNOR_FUNCTIONS) {
        expect(await manager.getTargetFunctionRole(vaultAddress, selector(signature)), signature).to.equal(
          GOVERNOR_ROLE,
        );
      }
      for (const who of [STRANGER, GUARDIAN, DEPLOYER]) {
        await expect(vault.connect(signers[who]).setMarketLimit(2n, usdc(1)))
          .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
          .withArgs(signers[who].address);
      }
      await expect(vault.connect(signers[GOVERNOR]).setMarketLimit(2n, usdc(1_000)))
        .to.emit(vault, "MarketLimitSet")
        .withArgs(2n, usdc(1_000));
    });

    it("test_SpinBackstopSuite_setsEachMarketsLimitAndTheShare", async () => {
      const { fund, vault, parameters } = await networkHelpers.loadFixture(deploySpinBackstopSuiteFromExample);
      const p = (name: string) => parameter(parameters, "SpinBackstopSuite", name);
      expect(await fund.backstop()).to.equal(await vault.getAddress());
      expect(await fund.backstopIncomeShareBps()).to.equal(BigInt(p("backstopIncomeShareBps")));
      for (const key of ["ethPerp", "btcPerp"]) {
        expect(await vault.marketLimit(BigInt(p(`${key}MarketId`)))).to.deep.equal([p(`${key}BackstopLimit`), 0n]);
      }
      expect((await vault.terms()).minimumAssets).to.equal(p("backstopMinimumAssets"));
    });

    it("test_SpinBackstopSuite_theVaultsGovernanceWaitsTheDelay", async () => {
      const { manager, vault, governor, parameters } = await networkHelpers.loadFixture(
        deploySpinBackstopSuiteFromExample,
      );
      const delay = BigInt(parameter(parameters, "SpinBackstopSuite", "governanceDelay"));
      const vaultAddress = await vault.getAddress();
      const call = vault.interface.encodeFunctionData("setMinimumAssets", [usdc(5_000)]);
      // Not scheduled: refused at once, like the fund's governor calls.
      await expect(vault.connect(governor).setMinimumAssets(usdc(5_000))).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotScheduled",
      );
      await manager.connect(governor).schedule(vaultAddress, call, 0);
      await expect(manager.connect(governor).execute(vaultAddress, call)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotReady",
      );
      await networkHelpers.time.increase(delay);
      await expect(manager.connect(governor).execute(vaultAddress, call))
        .to.emit(vault, "MinimumAssetsSet")
        .withArgs(usdc(5_000));
      // Re-pointing the vault's authority waits too (after OpenZeppelin's 5-day minimum setback).
      await networkHelpers.time.increase(5n * 24n * 3600n);
      expect(await manager.getTargetAdminDelay(vaultAddress)).to.equal(delay);
    });
  });
});
