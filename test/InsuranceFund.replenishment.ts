import { expect } from "chai";
import { network } from "hardhat";

import { deployFund, FLOOR, type FundSuite, MARKET_ID, registerMarket, seed } from "../lib/fundFixture.js";
import { FeeKind, SPIN_BANDS, targetBandsModel, type FundState } from "../lib/model/feePolicies.js";
import { OpenInterestHistory } from "../lib/model/openInterestWindow.js";
import { DAY, DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128, usdc, WEEK } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

const OTHER_MARKET = 2n;
const spin = targetBandsModel(SPIN_BANDS);

/** The fund under Spin's target bands (2 %, 5 %, 20 %, 40 %, 40 %), two markets, an exchange that can pay. */
async function spinFund() {
  const policy = await ethers.deployContract("TargetBandsPolicy", [SPIN_BANDS]);
  const suite = await deployFund(ethers, { policy: await policy.getAddress() });
  await registerMarket(suite, usdc(10_000_000));
  await registerMarket(suite, usdc(10_000_000), OTHER_MARKET);
  await suite.usdc.mint(suite.exchange.address, usdc(1_000_000_000));
  await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, ethers.MaxUint256);
  return suite;
}

async function now(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/** Reports `openInterest` for the market and mirrors it in the model. */
async function report(
  suite: FundSuite,
  history: OpenInterestHistory,
  totals: Map<bigint, bigint>,
  marketId: bigint,
  oi: bigint,
) {
  await suite.fund.connect(suite.exchange).recordOpenInterest(marketId, oi);
  totals.set(marketId, oi);
  history.record(
    await now(),
    [...totals.values()].reduce((a, b) => a + b, 0n),
  );
}

/** What the fund's state should be, from the models (never read back from the fund for the average). */
function expectedState(balance: bigint, averageOpenInterest: bigint): FundState {
  return { balance, averageOpenInterest, floor: FLOOR, targetShareBps: 500n };
}

describe("InsuranceFund replenishment", () => {
  describe("open interest", () => {
    it("test_recordOpenInterest_sumsMarketsAndEmits", async () => {
      const suite = await networkHelpers.loadFixture(spinFund);
      const { fund, exchange } = suite;
      await expect(fund.connect(exchange).recordOpenInterest(MARKET_ID, usdc(3_000_000)))
        .to.emit(fund, "InsuranceFundOpenInterestRecorded")
        .withArgs(MARKET_ID, usdc(3_000_000), usdc(3_000_000));
      await expect(fund.connect(exchange).recordOpenInterest(OTHER_MARKET, usdc(1_000_000)))
        .to.emit(fund, "InsuranceFundOpenInterestRecorded")
        .withArgs(OTHER_MARKET, usdc(1_000_000), usdc(4_000_000));
      await expect(fund.connect(exchange).recordOpenInterest(MARKET_ID, usdc(500_000)))
        .to.emit(fund, "InsuranceFundOpenInterestRecorded")
        .withArgs(MARKET_ID, usdc(500_000), usdc(1_500_000));
      expect(await fund.totalOpenInterest()).to.equal(usdc(1_500_000));
      expect((await fund.market(MARKET_ID)).openInterest).to.equal(usdc(500_000));
      // An unchanged report changes nothing and says nothing.
      await expect(fund.connect(exchange).recordOpenInterest(MARKET_ID, usdc(500_000))).not.to.emit(
        fund,
        "InsuranceFundOpenInterestRecorded",
      );
    });

    it("test_recordOpenInterest_revertsOnBadInput", async () => {
      const suite = await networkHelpers.loadFixture(spinFund);
      const { fund, exchange, alice } = suite;
      await expect(fund.connect(exchange).recordOpenInterest(9n, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(9n);
      await expect(fund.connect(alice).recordOpenInterest(MARKET_ID, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundNotMarketExchange")
        .withArgs(MARKET_ID, alice.address);
      // Above the market's cap: refused, whatever the amount (up to 2^256 - 1).
      for (const amount of [DEFAULT_OPEN_INTEREST_CAP + 1n, MAX_UINT128 + 1n, 2n ** 256n - 1n]) {
        await expect(fund.connect(exchange).recordOpenInterest(MARKET_ID, amount))
          .to.be.revertedWithCustomError(fund, "InsuranceFundOpenInterestAboveCap")
          .withArgs(MARKET_ID, amount, DEFAULT_OPEN_INTEREST_CAP);
      }
      // A market at its cap leaves every other market its own (until 834b281 the platform total could overflow).
      await fund.connect(exchange).recordOpenInterest(MARKET_ID, DEFAULT_OPEN_INTEREST_CAP);
      await fund.connect(exchange).recordOpenInterest(OTHER_MARKET, DEFAULT_OPEN_INTEREST_CAP);
      expect(await fund.totalOpenInterest()).to.equal(2n * DEFAULT_OPEN_INTEREST_CAP);
    });

    it("test_averageOpenInterest_followsTheTrailingWeekAsTheModelSays", async () => {
      const suite = await networkHelpers.loadFixture(spinFund);
      const history = new OpenInterestHistory();
      const totals = new Map<bigint, bigint>();
      expect(await suite.fund.averageOpenInterest()).to.equal(0n);
      const steps: [bigint, bigint, bigint][] = [
        [MARKET_ID, usdc(2_000_000), 3n * 3600n],
        [OTHER_MARKET, usdc(1_000_000), DAY],
        [MARKET_ID, usdc(6_000_000), 2n * DAY + 17n],
        [OTHER_MARKET, 0n, 5n * DAY],
        [MARKET_ID, usdc(1_000_000), 9n * DAY],
        [MARKET_ID, usdc(4_000_000), 1n],
      ];
      for (const [marketId, oi, wait] of steps) {
        await report(suite, history, totals, marketId, oi);
        await networkHelpers.time.increase(wait);
        expect(await suite.fund.averageOpenInterest()).to.equal(history.average(await now(), WEEK));
      }
    });
  });

  describe("Spin's bands through the fund", () => {
    /** A fund whose average OI is exactly `averageOi` (constant for a whole week) and whose balance is `balance`. */
    async function fundAt(averageOi: bigint, balance: bigint) {
      const suite = await networkHelpers.loadFixture(spinFund);
      if (averageOi !== 0n) {
        await suite.fund.connect(suite.exchange).recordOpenInterest(MARKET_ID, averageOi);
        await networkHelpers.time.increase(WEEK + DAY);
      }
      if (balance !== 0n) await seed(suite, balance);
      return suite;
    }

    const cases: { name: string; averageOi: bigint; balance: bigint; band: number }[] = [
      // 10,000,000 USDC of OI: target 500,000; 2 % is 200,000; 5 % is 500,000.
      { name: "R one unit below 2 %", averageOi: usdc(10_000_000), balance: usdc(200_000) - 1n, band: 0 },
      { name: "R exactly 2 % (upper band)", averageOi: usdc(10_000_000), balance: usdc(200_000), band: 1 },
      { name: "R one unit below 5 %", averageOi: usdc(10_000_000), balance: usdc(500_000) - 1n, band: 1 },
      { name: "R exactly 5 % (upper band)", averageOi: usdc(10_000_000), balance: usdc(500_000), band: 2 },
      // Tiny OI: R is measured against the floor's OI, 200,000 / 5 % = 4,000,000 USDC.
      { name: "tiny OI, fund at 50,000 (R 1.25 %)", averageOi: usdc(1_000), balance: usdc(50_000), band: 0 },
      { name: "tiny OI, fund at 150,000 (R 3.75 %)", averageOi: usdc(1_000), balance: usdc(150_000), band: 1 },
      { name: "tiny OI, fund at its floor (R 5 %)", averageOi: usdc(1_000), balance: FLOOR, band: 2 },
      { name: "zero OI, empty fund", averageOi: 0n, balance: 0n, band: 0 },
      { name: "zero OI, fund at its floor", averageOi: 0n, balance: FLOOR, band: 2 },
    ];

    for (const c of cases) {
      it(`test_collectFee_splitsByBand_${c.name}`, async () => {
        const suite = await fundAt(c.averageOi, c.balance);
        const { fund, exchange } = suite;
        const state = expectedState(c.balance, c.averageOi);
        expect(spin.band(state)).to.equal(c.band);
        expect((await fund.health()).band).to.equal(BigInt(c.band));
        for (const kind of [FeeKind.TradingFee, FeeKind.LiquidationPenalty]) {
          const amount = usdc(1_000) + 7n;
          const { fundPart, treasuryPart } = spin.split(kind, amount, state);
          const [f, t] = await fund.connect(exchange).collectFee.staticCall(MARKET_ID, kind, amount);
          expect([f, t]).to.deep.equal([fundPart, treasuryPart]);
        }
      });
    }

    it("test_collectFee_eachBandPaysItsShareToTheUnit", async () => {
      // Band 0: 20 % of a fee and 40 % of a penalty, odd units to the fund.
      const suite = await fundAt(usdc(10_000_000), usdc(100_000));
      const { fund, exchange } = suite;
      await fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, 1_003n); // 200.6 -> 201
      await fund.connect(exchange).collectFee(MARKET_ID, FeeKind.LiquidationPenalty, 1_003n); // 401.2 -> 402
      expect(await fund.fundBalance()).to.equal(usdc(100_000) + 201n + 402n);
      expect(await fund.treasuryAccrued()).to.equal(1_003n - 201n + 1_003n - 402n);
    });

    it("test_health_reportsRatioTargetAndBand", async () => {
      const suite = await fundAt(usdc(10_000_000), usdc(350_000));
      const health = await suite.fund.health();
      expect(health.balance).to.equal(usdc(350_000));
      expect(health.averageOpenInterest).to.equal(usdc(10_000_000));
      expect(health.totalOpenInterest).to.equal(usdc(10_000_000));
      expect(health.target).to.equal(usdc(500_000));
      expect(health.ratioBps).to.equal(350n); // 3.5 %
      expect(health.band).to.equal(1n);
      expect(health.badDebt).to.equal(0n);
    });

    it("test_health_zeroOpenInterestAndZeroFloorHasNoDivisionByZero", async () => {
      const suite = await networkHelpers.loadFixture(spinFund);
      await suite.fund.connect(suite.governor).setTarget(500n, 0n);
      const health = await suite.fund.health();
      expect(health.target).to.equal(0n);
      expect(health.ratioBps).to.equal(ethers.MaxUint256);
      expect(health.band).to.equal(2n);
      const [f, t] = await suite.fund
        .connect(suite.exchange)
        .collectFee.staticCall(MARKET_ID, FeeKind.LiquidationPenalty, 100n);
      expect([f, t]).to.deep.equal([0n, 100n]);
    });

    it("test_donation_doesNotMoveTheBands", async () => {
      // A fund at 150,000 USDC (band 1, no trading-fee income) gets 10,000,000 USDC sent to it directly.
      const suite = await fundAt(usdc(10_000_000), usdc(150_000));
      const { fund, exchange, usdc: token, alice, fundAddress } = suite;
      await token.mint(alice.address, usdc(10_000_000));
      await token.connect(alice).transfer(fundAddress, usdc(10_000_000));
      expect((await fund.health()).band).to.equal(0n);
      const [f] = await fund.connect(exchange).collectFee.staticCall(MARKET_ID, FeeKind.TradingFee, usdc(100));
      expect(f).to.equal(usdc(20)); // still band 0: 20 % of the fee
      expect((await fund.health()).ratioBps).to.equal(150n);
    });
  });

  describe("target and surplus", () => {
    it("test_sweepSurplus_sendsExactlyBalanceMinusTarget", async () => {
      const suite = await networkHelpers.loadFixture(spinFund);
      const { fund, exchange, treasury, usdc: token } = suite;
      await fund.connect(exchange).recordOpenInterest(MARKET_ID, usdc(12_000_000));
      await networkHelpers.time.increase(WEEK);
      await seed(suite, usdc(750_000));
      // 5 % of 12,000,000 = 600,000 above the 200,000 floor.
      expect(await fund.targetSize()).to.equal(usdc(600_000));
      await expect(fund.sweepSurplus())
        .to.emit(fund, "InsuranceFundSurplusSwept")
        .withArgs(treasury.address, usdc(150_000), 0n);
      expect(await fund.fundBalance()).to.equal(usdc(600_000));
      expect(await token.balanceOf(treasury.address)).to.equal(usdc(150_000));
    });

    it("test_target_roundsTheShareUp", async () => {
      const suite = await networkHelpers.loadFixture(spinFund);
      // 5 % of 4,000,000.000019 USDC = 200,000.00000095 -> 200,000.000001 (rounded up).
      await suite.fund.connect(suite.exchange).recordOpenInterest(MARKET_ID, usdc(4_000_000) + 19n);
      await networkHelpers.time.increase(WEEK);
      expect(await suite.fund.targetSize()).to.equal(usdc(200_000) + 1n);
    });

    it("test_setTarget_validatesAndEmits", async () => {
      const { fund, governor, alice } = await networkHelpers.loadFixture(spinFund);
      await expect(fund.connect(alice).setTarget(500n, 1n)).to.be.revertedWithCustomError(
        fund,
        "AccessManagedUnauthorized",
      );
      await expect(fund.connect(governor).setTarget(0n, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundTargetShareOutOfBounds")
        .withArgs(0n);
      await expect(fund.connect(governor).setTarget(99n, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundTargetShareOutOfBounds")
        .withArgs(99n);
      await expect(fund.connect(governor).setTarget(10_001n, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundTargetShareOutOfBounds")
        .withArgs(10_001n);
      // The floor shares the balance's width, 96 bits.
      await expect(fund.connect(governor).setTarget(700n, 2n ** 96n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundAmountTooLarge")
        .withArgs(2n ** 96n);
      await fund.connect(governor).setTarget(700n, 2n ** 96n - 1n);
      expect(await fund.floor()).to.equal(2n ** 96n - 1n);
      await expect(fund.connect(governor).setTarget(700n, usdc(300_000)))
        .to.emit(fund, "InsuranceFundTargetSet")
        .withArgs(700n, usdc(300_000));
      expect(await fund.targetShareBps()).to.equal(700n);
      expect(await fund.floor()).to.equal(usdc(300_000));
    });
  });
});
