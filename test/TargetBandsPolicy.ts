import { expect } from "chai";
import { network } from "hardhat";

import { describeState, fundStates, Prng } from "./helpers/feePolicyCases.js";
import {
  type Bands,
  bandExact,
  bandOfRatio,
  FeeKind,
  type FundState,
  fundState,
  SPIN_BANDS,
  targetBandsModel,
} from "../lib/model/feePolicies.js";
import { MAX_BPS, MAX_UINT256, usdc } from "../lib/units.js";
import { shouldBehaveLikeFeePolicy } from "./helpers/shouldBehaveLikeFeePolicy.js";

const { ethers, networkHelpers } = await network.create();

/** Lower and upper bands equal (the middle band is empty) and shares that do not divide amounts evenly. */
const ODD_BANDS: Bands = {
  lowerBandBps: 333n,
  upperBandBps: 333n,
  lowTradingFeeShareBps: 1n,
  lowPenaltyShareBps: 9_999n,
  midPenaltyShareBps: 7n,
};

/** Bands wide apart, with full shares. */
const WIDE_BANDS: Bands = {
  lowerBandBps: 1n,
  upperBandBps: 10_000n,
  lowTradingFeeShareBps: 10_000n,
  lowPenaltyShareBps: 10_000n,
  midPenaltyShareBps: 10_000n,
};

/** A lower band of 99.99 % against a floor share of 3 bps: the floor's OI, 3,333.33 units per unit, is not whole. */
const ROUNDING_BANDS: Bands = { ...WIDE_BANDS, lowerBandBps: 9_999n };

async function deploy(bands: Bands) {
  const policy = await ethers.deployContract("TargetBandsPolicy", [bands]);
  return { policy, model: targetBandsModel(bands), ethers, networkHelpers };
}

async function deploySpin() {
  return deploy(SPIN_BANDS);
}

async function deployOdd() {
  // The middle band is empty by R; only a fund below its floor with R at the upper band lands in it.
  return await deploy(ODD_BANDS);
}

async function deployWide() {
  return deploy(WIDE_BANDS);
}

async function deployRounding() {
  return deploy(ROUNDING_BANDS);
}

/** Spin's state with a 10,000,000 USDC average OI: 2 % is 200,000 USDC and 5 % is 500,000 USDC. */
function spinState(balance: bigint, fields: Partial<FundState> = {}): FundState {
  return fundState({ balance, averageOpenInterest: usdc(10_000_000), ...fields });
}

/** 1.000001 USDC: 20 % and 40 % of it are not whole units, so the rounding shows. */
const AMOUNT = 1_000_001n;
/** 20 % of AMOUNT, 200,000.2, rounded up for the fund. */
const TWENTY_PERCENT = [200_001n, 800_000n];
/** 40 % of AMOUNT, 400,000.4, rounded up for the fund. */
const FORTY_PERCENT = [400_001n, 600_000n];
const NOTHING = [0n, AMOUNT];

describe("TargetBandsPolicy", function () {
  shouldBehaveLikeFeePolicy("Spin, 2 % / 5 %, 20 % / 40 % / 40 %", () => networkHelpers.loadFixture(deploySpin));
  shouldBehaveLikeFeePolicy("3.33 % / 3.33 %, 0.01 % / 99.99 % / 0.07 %", () => networkHelpers.loadFixture(deployOdd));
  shouldBehaveLikeFeePolicy("0.01 % / 100 %, all shares 100 %", () => networkHelpers.loadFixture(deployWide));

  describe("constructor", function () {
    it("test_constructor_storesTheBandsAndEmitsThem", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      expect(await policy.bands()).to.deep.equal([200n, 500n, 2_000n, 4_000n, 4_000n]);
      await expect(policy.deploymentTransaction())
        .to.emit(policy, "TargetBandsPolicyConfigured")
        .withArgs([200n, 500n, 2_000n, 4_000n, 4_000n]);
    });

    it("test_constructor_acceptsEqualBandsAndFullShares", async function () {
      const all = { ...WIDE_BANDS, lowerBandBps: 10_000n };
      const policy = await ethers.deployContract("TargetBandsPolicy", [all]);
      expect(await policy.bands()).to.deep.equal([10_000n, 10_000n, 10_000n, 10_000n, 10_000n]);
      const noShares = {
        ...SPIN_BANDS,
        lowTradingFeeShareBps: 0n,
        lowPenaltyShareBps: 0n,
        midPenaltyShareBps: 0n,
      };
      const nothing = await ethers.deployContract("TargetBandsPolicy", [noShares]);
      expect(await nothing.bands()).to.deep.equal([200n, 500n, 0n, 0n, 0n]);
    });

    it("test_constructor_revertsForAnyBpsAbove10000", async function () {
      const factory = await ethers.getContractFactory("TargetBandsPolicy");
      const fields = [
        "lowerBandBps",
        "upperBandBps",
        "lowTradingFeeShareBps",
        "lowPenaltyShareBps",
        "midPenaltyShareBps",
      ] as const;
      for (const field of fields) {
        for (const bps of [10_001n, 65_535n]) {
          // Keep the bands in order so that only the bound is wrong.
          const bands = {
            ...SPIN_BANDS,
            upperBandBps: field === "lowerBandBps" ? 65_535n : 500n,
            [field]: bps,
          };
          await expect(ethers.deployContract("TargetBandsPolicy", [bands]), `${field} = ${bps}`)
            .to.be.revertedWithCustomError(factory, "TargetBandsPolicyBpsOutOfBounds")
            .withArgs(bps);
        }
      }
    });

    it("test_constructor_revertsForZeroLowerBand", async function () {
      const factory = await ethers.getContractFactory("TargetBandsPolicy");
      await expect(ethers.deployContract("TargetBandsPolicy", [{ ...SPIN_BANDS, lowerBandBps: 0n }]))
        .to.be.revertedWithCustomError(factory, "TargetBandsPolicyBpsOutOfBounds")
        .withArgs(0n);
    });

    it("test_constructor_revertsForInvertedBands", async function () {
      const factory = await ethers.getContractFactory("TargetBandsPolicy");
      await expect(ethers.deployContract("TargetBandsPolicy", [{ ...SPIN_BANDS, lowerBandBps: 501n }]))
        .to.be.revertedWithCustomError(factory, "TargetBandsPolicyBandsInverted")
        .withArgs(501n, 500n);
      await expect(
        ethers.deployContract("TargetBandsPolicy", [{ ...SPIN_BANDS, lowerBandBps: 10_000n, upperBandBps: 1n }]),
      )
        .to.be.revertedWithCustomError(factory, "TargetBandsPolicyBandsInverted")
        .withArgs(10_000n, 1n);
    });
  });

  describe("bands at their boundaries (Spin, 10,000,000 USDC average open interest)", function () {
    // Each case: balance, band, [fund, treasury] of a 1.000001 USDC trading fee, and of a penalty.
    const cases: [string, bigint, number, bigint[], bigint[]][] = [
      ["emptyFund", 0n, 0, TWENTY_PERCENT, FORTY_PERCENT],
      ["oneUnitBelowTwoPercent", usdc(200_000) - 1n, 0, TWENTY_PERCENT, FORTY_PERCENT],
      ["exactlyTwoPercent", usdc(200_000), 1, NOTHING, FORTY_PERCENT],
      ["oneUnitBelowFivePercent", usdc(500_000) - 1n, 1, NOTHING, FORTY_PERCENT],
      ["exactlyFivePercent", usdc(500_000), 2, NOTHING, NOTHING],
      ["farAboveFivePercent", usdc(5_000_000), 2, NOTHING, NOTHING],
    ];
    for (const [what, balance, band, fee, penalty] of cases) {
      it(`test_split_${what}_isBand${band}`, async function () {
        const { policy, model } = await networkHelpers.loadFixture(deploySpin);
        const state = spinState(balance);
        // The spelled-out numbers are the spec's; the model must agree with them too.
        expect(model.band(state)).to.equal(band);
        expect(await policy.band(state)).to.equal(BigInt(band));
        expect(await policy.split(FeeKind.TradingFee, AMOUNT, state)).to.deep.equal(fee);
        expect(await policy.split(FeeKind.LiquidationPenalty, AMOUNT, state)).to.deep.equal(penalty);
      });
    }
  });

  describe("the floor's open interest", function () {
    it("test_effectiveOpenInterest_isTheFloorsWhenTheAverageIsSmaller", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      // 200,000 USDC / 5 % = 4,000,000 USDC.
      expect(await policy.effectiveOpenInterest(spinState(0n, { averageOpenInterest: usdc(1_000) }))).to.equal(
        usdc(4_000_000),
      );
      expect(await policy.effectiveOpenInterest(spinState(0n))).to.equal(usdc(10_000_000));
      expect(await policy.effectiveOpenInterest(spinState(0n, { averageOpenInterest: 0n }))).to.equal(usdc(4_000_000));
    });

    it("test_band_belowTheFloorWithTinyOpenInterestRefills", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      // 1,000 USDC of average OI: literally, any balance above 50 USDC is "R >= 5 %" and would get nothing.
      // Measured against the floor's 4,000,000 USDC: 2 % is 80,000 USDC, 5 % is the floor itself.
      const tiny = { averageOpenInterest: usdc(1_000) };
      const cases: [bigint, number, bigint[], bigint[]][] = [
        [usdc(50_000), 0, TWENTY_PERCENT, FORTY_PERCENT],
        [usdc(80_000) - 1n, 0, TWENTY_PERCENT, FORTY_PERCENT],
        [usdc(80_000), 1, NOTHING, FORTY_PERCENT],
        [usdc(150_000), 1, NOTHING, FORTY_PERCENT],
        [usdc(200_000) - 1n, 1, NOTHING, FORTY_PERCENT],
        [usdc(200_000), 2, NOTHING, NOTHING],
      ];
      for (const [balance, band, fee, penalty] of cases) {
        const state = spinState(balance, tiny);
        expect(await policy.band(state), `balance ${balance}`).to.equal(BigInt(band));
        expect(await policy.split(FeeKind.TradingFee, AMOUNT, state), `balance ${balance}`).to.deep.equal(fee);
        expect(await policy.split(FeeKind.LiquidationPenalty, AMOUNT, state), `balance ${balance}`).to.deep.equal(
          penalty,
        );
      }
      // The literal reading (R against the 1,000 USDC average alone) would have put 50,000 USDC in the top band.
      expect(bandOfRatio(SPIN_BANDS, { num: usdc(50_000), den: usdc(1_000) })).to.equal(2);
    });

    it("test_band_zeroOpenInterestIsBandedByTheFloor", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      const none = { averageOpenInterest: 0n };
      const cases: [bigint, bigint][] = [
        [0n, 0n],
        [usdc(80_000) - 1n, 0n],
        [usdc(80_000), 1n],
        [usdc(200_000) - 1n, 1n],
        [usdc(200_000), 2n],
      ];
      for (const [balance, band] of cases) {
        expect(await policy.band(spinState(balance, none)), `balance ${balance}`).to.equal(band);
      }
      expect(await policy.split(FeeKind.TradingFee, AMOUNT, spinState(0n, none))).to.deep.equal(TWENTY_PERCENT);
    });

    it("test_band_zeroOpenInterestAndZeroFloorIsTheTopBand", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      for (const balance of [0n, 1n, usdc(200_000), MAX_UINT256]) {
        const state = spinState(balance, { averageOpenInterest: 0n, floor: 0n });
        expect(await policy.effectiveOpenInterest(state)).to.equal(0n);
        expect(await policy.band(state), `balance ${balance}`).to.equal(2n);
        expect(await policy.split(FeeKind.TradingFee, AMOUNT, state)).to.deep.equal(NOTHING);
        expect(await policy.split(FeeKind.LiquidationPenalty, AMOUNT, state)).to.deep.equal(NOTHING);
      }
    });

    it("test_band_zeroTargetShareIgnoresTheFloor", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      const noShare = { targetShareBps: 0n };
      expect(await policy.effectiveOpenInterest(spinState(0n, { ...noShare, averageOpenInterest: 0n }))).to.equal(0n);
      // No open interest to measure against: R is infinite, but a fund below its floor is never in the top band.
      expect(await policy.band(spinState(0n, { ...noShare, averageOpenInterest: 0n }))).to.equal(1n);
      expect(await policy.band(spinState(0n, { ...noShare, averageOpenInterest: 0n, floor: 0n }))).to.equal(2n);
      // With open interest, the bands are the average's alone.
      expect(await policy.band(spinState(usdc(200_000) - 1n, noShare))).to.equal(0n);
      expect(await policy.band(spinState(usdc(200_000), noShare))).to.equal(1n);
    });

    it("test_effectiveOpenInterest_roundsTheFloorsOpenInterestUp", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      // floor * 10,000 / 3: 3,333.33 -> 3,334; 6,666.67 -> 6,667; 10,000 exactly.
      const cases: [bigint, bigint][] = [
        [1n, 3_334n],
        [2n, 6_667n],
        [3n, 10_000n],
      ];
      for (const [floor, openInterest] of cases) {
        const state = { balance: 0n, averageOpenInterest: 0n, floor, targetShareBps: 3n };
        expect(await policy.effectiveOpenInterest(state), `floor ${floor}`).to.equal(openInterest);
      }
      // A larger average wins.
      const state = { balance: 0n, averageOpenInterest: 3_335n, floor: 1n, targetShareBps: 3n };
      expect(await policy.effectiveOpenInterest(state)).to.equal(3_335n);
    });

    it("test_band_floorRoundingFavoursTheRefill", async function () {
      const { policy } = await networkHelpers.loadFixture(deployRounding);
      // Floor 1 unit at 3 bps: its OI is 3,333.33..., rounded up to 3,334. A balance of 3,333 is exactly
      // 99.99 % of 3,333.33... (the lower band): unrounded it is in band 1; against 3,334 it is just below, in
      // band 0, and the fund gets the low band's income.
      const state: FundState = { balance: 3_333n, averageOpenInterest: 0n, floor: 1n, targetShareBps: 3n };
      expect(bandExact(ROUNDING_BANDS, state)).to.equal(1);
      expect(await policy.band(state)).to.equal(0n);
      expect(await policy.split(FeeKind.TradingFee, AMOUNT, state)).to.deep.equal([AMOUNT, 0n]);
    });

    it("test_band_neverAboveTheUnroundedBandAndEqualWhenTheFloorsOpenInterestIsWhole", async function () {
      for (const [bands, fixture] of [
        [SPIN_BANDS, deploySpin],
        [ODD_BANDS, deployOdd],
        [ROUNDING_BANDS, deployRounding],
      ] as const) {
        const { policy } = await networkHelpers.loadFixture(fixture);
        const states = fundStates(new Prng(`rounding ${bands.lowerBandBps}`), 96);
        const answers = await Promise.all(states.map((s) => policy.band(s)));
        states.forEach((state, i) => {
          const band = Number(answers[i]);
          const exact = bandExact(bands, state);
          const what = describeState(state);
          expect(band <= exact, `band ${band} above ${exact}, ${what}`).to.equal(true);
          if (state.targetShareBps === 0n || (state.floor * MAX_BPS) % state.targetShareBps === 0n) {
            expect(band, what).to.equal(exact);
          }
        });
      }
    });
  });

  describe("extreme states", function () {
    it("test_band_comparesHugeBalancesAndOpenInterestWithoutOverflow", async function () {
      const { policy, model } = await networkHelpers.loadFixture(deploySpin);
      const cases: [FundState, number][] = [
        // R = 100 %.
        [{ balance: MAX_UINT256, averageOpenInterest: MAX_UINT256, floor: 0n, targetShareBps: 0n }, 2],
        // R just below 2 %: balance * 10,000 overflows 256 bits, and so does 200 * OI.
        [
          {
            balance: MAX_UINT256 / 50n - 1n,
            averageOpenInterest: MAX_UINT256,
            floor: 0n,
            targetShareBps: 500n,
          },
          0,
        ],
        // R tiny.
        [{ balance: 1n, averageOpenInterest: MAX_UINT256, floor: 0n, targetShareBps: 500n }, 0],
        // A floor of 2^255 at 100 %: its OI is 2^255 itself; R = 4.99... %.
        [
          {
            balance: ((1n << 255n) / 10_000n) * 500n - 1n,
            averageOpenInterest: 0n,
            floor: 1n << 255n,
            targetShareBps: 10_000n,
          },
          1,
        ],
      ];
      for (const [state, band] of cases) {
        expect(model.band(state)).to.equal(band);
        expect(await policy.band(state), describeState(state)).to.equal(BigInt(band));
      }
    });

    it("test_band_revertsOnlyWhenTheFloorsOpenInterestExceeds256Bits", async function () {
      const { policy } = await networkHelpers.loadFixture(deploySpin);
      // MAX_UINT256 * 10,000 / 500 does not fit 256 bits (the fund's floor is a uint128: it cannot happen).
      const state = { balance: 0n, averageOpenInterest: 0n, floor: MAX_UINT256, targetShareBps: 500n };
      await expect(policy.band(state)).to.revert(ethers);
      // A floor of MAX_UINT256 / 20 stands for 20 times itself (10,000 / 500), which still fits.
      const top = { ...state, floor: MAX_UINT256 / 20n };
      expect(await policy.effectiveOpenInterest(top)).to.equal((MAX_UINT256 / 20n) * 20n);
      expect(await policy.band(top)).to.equal(0n);
    });
  });
});
