import { expect } from "chai";
import { network } from "hardhat";

import { FeeKind, fixedShareModel, fundState, SPARK_SHARES } from "../lib/model/feePolicies.js";
import { MAX_UINT256, usdc } from "../lib/units.js";
import { shouldBehaveLikeFeePolicy } from "./helpers/shouldBehaveLikeFeePolicy.js";

const { ethers, networkHelpers } = await network.create();

const ANY_STATE = fundState({ balance: usdc(1_000), averageOpenInterest: usdc(10_000_000) });

async function deploySpark() {
  const { tradingFeeShareBps, penaltyShareBps } = SPARK_SHARES;
  const policy = await ethers.deployContract("FixedSharePolicy", [tradingFeeShareBps, penaltyShareBps]);
  return { policy, model: fixedShareModel(tradingFeeShareBps, penaltyShareBps), ethers, networkHelpers };
}

async function deployUneven() {
  const policy = await ethers.deployContract("FixedSharePolicy", [2_000, 7_500]);
  return { policy, model: fixedShareModel(2_000n, 7_500n), ethers, networkHelpers };
}

async function deployExtremes() {
  const policy = await ethers.deployContract("FixedSharePolicy", [0, 10_000]);
  return { policy, model: fixedShareModel(0n, 10_000n), ethers, networkHelpers };
}

async function deployOdd() {
  const policy = await ethers.deployContract("FixedSharePolicy", [3_333, 1]);
  return { policy, model: fixedShareModel(3_333n, 1n), ethers, networkHelpers };
}

describe("FixedSharePolicy", function () {
  shouldBehaveLikeFeePolicy("Spark, 50 % and 50 %", () => networkHelpers.loadFixture(deploySpark));
  shouldBehaveLikeFeePolicy("20 % of fees, 75 % of penalties", () => networkHelpers.loadFixture(deployUneven));
  shouldBehaveLikeFeePolicy("0 % of fees, 100 % of penalties", () => networkHelpers.loadFixture(deployExtremes));
  shouldBehaveLikeFeePolicy("33.33 % of fees, 0.01 % of penalties", () => networkHelpers.loadFixture(deployOdd));

  describe("constructor", function () {
    it("test_constructor_storesTheSharesAndEmitsThem", async function () {
      const { policy } = await networkHelpers.loadFixture(deployUneven);
      expect(await policy.tradingFeeShareBps()).to.equal(2_000n);
      expect(await policy.penaltyShareBps()).to.equal(7_500n);
      await expect(policy.deploymentTransaction())
        .to.emit(policy, "FixedSharePolicyConfigured")
        .withArgs(2_000n, 7_500n);
    });

    it("test_constructor_acceptsTheBoundsOfBps", async function () {
      const policy = await ethers.deployContract("FixedSharePolicy", [10_000, 0]);
      expect(await policy.tradingFeeShareBps()).to.equal(10_000n);
      expect(await policy.penaltyShareBps()).to.equal(0n);
    });

    it("test_constructor_revertsForTradingFeeShareAbove10000", async function () {
      const factory = await ethers.getContractFactory("FixedSharePolicy");
      await expect(ethers.deployContract("FixedSharePolicy", [10_001, 5_000]))
        .to.be.revertedWithCustomError(factory, "FixedSharePolicyBpsOutOfBounds")
        .withArgs(10_001n);
      await expect(ethers.deployContract("FixedSharePolicy", [65_535, 5_000]))
        .to.be.revertedWithCustomError(factory, "FixedSharePolicyBpsOutOfBounds")
        .withArgs(65_535n);
    });

    it("test_constructor_revertsForPenaltyShareAbove10000", async function () {
      const factory = await ethers.getContractFactory("FixedSharePolicy");
      await expect(ethers.deployContract("FixedSharePolicy", [5_000, 10_001]))
        .to.be.revertedWithCustomError(factory, "FixedSharePolicyBpsOutOfBounds")
        .withArgs(10_001n);
    });
  });

  describe("split", function () {
    it("test_split_sparkGivesTheFundTheOddUnit", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpark);
      // 50/50 of an odd amount: the fund's half is rounded up, the treasury's down.
      const cases: [bigint, bigint, bigint][] = [
        [1n, 1n, 0n],
        [3n, 2n, 1n],
        [1_000_001n, 500_001n, 500_000n],
        [usdc(1_001) + 1n, 500_500_001n, 500_500_000n],
        [(1n << 128n) - 1n, 1n << 127n, (1n << 127n) - 1n],
      ];
      for (const [amount, fundPart, treasuryPart] of cases) {
        for (const kind of [FeeKind.TradingFee, FeeKind.LiquidationPenalty]) {
          expect(await policy.split(kind, amount, ANY_STATE)).to.deep.equal([fundPart, treasuryPart]);
        }
      }
      // An even amount halves exactly.
      expect(await policy.split(FeeKind.TradingFee, usdc(10), ANY_STATE)).to.deep.equal([5_000_000n, 5_000_000n]);
    });

    it("test_split_usesEachKindsOwnShare", async function () {
      const { policy } = await networkHelpers.loadFixture(deployUneven);
      // 20 % of a 1 USDC fee, 75 % of a 1 USDC penalty.
      expect(await policy.split(FeeKind.TradingFee, usdc(1), ANY_STATE)).to.deep.equal([200_000n, 800_000n]);
      expect(await policy.split(FeeKind.LiquidationPenalty, usdc(1), ANY_STATE)).to.deep.equal([750_000n, 250_000n]);
      // 20 % of 3 units is 0.6: rounded up to 1 for the fund. 75 % of 3 units is 2.25: 3 for the fund.
      expect(await policy.split(FeeKind.TradingFee, 3n, ANY_STATE)).to.deep.equal([1n, 2n]);
      expect(await policy.split(FeeKind.LiquidationPenalty, 3n, ANY_STATE)).to.deep.equal([3n, 0n]);
    });

    it("test_split_zeroAndFullSharesAreExact", async function () {
      const { policy } = await networkHelpers.loadFixture(deployExtremes);
      expect(await policy.split(FeeKind.TradingFee, 1_000_001n, ANY_STATE)).to.deep.equal([0n, 1_000_001n]);
      expect(await policy.split(FeeKind.LiquidationPenalty, 1_000_001n, ANY_STATE)).to.deep.equal([1_000_001n, 0n]);
    });

    it("test_split_ignoresTheFundState", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpark);
      const states = [
        fundState({ balance: 0n }),
        fundState({ balance: usdc(200_000) - 1n, averageOpenInterest: usdc(10_000_000) }),
        fundState({ balance: usdc(1_000_000_000), averageOpenInterest: 0n, floor: 0n, targetShareBps: 0n }),
        {
          balance: MAX_UINT256,
          averageOpenInterest: MAX_UINT256,
          floor: MAX_UINT256,
          targetShareBps: MAX_UINT256,
        },
      ];
      for (const state of states) {
        expect(await policy.split(FeeKind.LiquidationPenalty, 7n, state)).to.deep.equal([4n, 3n]);
        expect(await policy.band(state)).to.equal(0n);
      }
    });

    it("test_split_exactOverTheWholeUint256Domain", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpark);
      // The share is computed in 512 bits: even the largest amount splits exactly, the odd unit to the fund.
      const top = MAX_UINT256 / 10_000n;
      const fundPart = (top * 5_000n + 9_999n) / 10_000n;
      expect(await policy.split(FeeKind.TradingFee, top, ANY_STATE)).to.deep.equal([fundPart, top - fundPart]);
      expect(await policy.split(FeeKind.TradingFee, MAX_UINT256, ANY_STATE)).to.deep.equal([
        2n ** 255n,
        2n ** 255n - 1n,
      ]);
    });
  });
});
