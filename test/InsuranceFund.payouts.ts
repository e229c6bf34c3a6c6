// Issue 11 at the fund: payouts limited per window (per market and fund-wide buckets), pending claims paid in
// order as the buckets refill, a pause that queues instead of blocking, bad debt repaid before the split and
// held back from the surplus. Expected values come from lib/model/waterfall.ts and lib/model/payoutBucket.ts.
import { expect } from "chai";
import { network } from "hardhat";

import { deployFund, FLOOR, MARKET_ID, registerMarket, seed, type FundSuite, claimFor } from "../lib/fundFixture.js";
import { FeeKind } from "../lib/model/feePolicies.js";
import { DISABLED, PayoutBucketModel } from "../lib/model/payoutBucket.js";
import { type BankruptcyCover, coverOf, coverTuple, waterfall, coverFromResult } from "../lib/model/waterfall.js";
import { DAY, MAX_UINT128, MAX_UINT256, usdc, wad } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

/** 100,000 USDC a day, in units per second, rounded down (a slower refill favours the fund). */
const PER_DAY_100K = usdc(100_000) / DAY;

async function now(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

describe("InsuranceFund payouts: buckets, pending claims, the pause", () => {
  async function fundWithMarket() {
    const suite = await deployFund(ethers);
    await registerMarket(suite, usdc(1_000_000));
    await seed(suite, usdc(2_000_000));
    return suite;
  }

  /** Runs one claim and checks its cover against the model, given the model's view of the state. */
  async function coverAs(suite: FundSuite, claim: ReturnType<typeof claimFor>, expected: BankruptcyCover) {
    const preview = await suite.lens.previewCover(MARKET_ID, claim);
    expect(coverFromResult(preview), "previewCover").to.deep.equal(expected);
    expect(
      coverFromResult(await suite.fund.connect(suite.exchange).coverBankruptcy.staticCall(MARKET_ID, claim)),
    ).to.deep.equal(expected);
    await suite.fund.connect(suite.exchange).coverBankruptcy(MARKET_ID, claim);
  }

  describe("governance of the buckets", () => {
    it("test_setPayoutLimits_validatedAndGoverned", async () => {
      const { fund, lens, governor, alice } = await networkHelpers.loadFixture(fundWithMarket);
      await expect(fund.connect(alice).setMarketPayoutLimit(MARKET_ID, 1n, 1n)).to.be.revertedWithCustomError(
        fund,
        "AccessManagedUnauthorized",
      );
      await expect(fund.connect(alice).setFundPayoutLimit(1n, 1n)).to.be.revertedWithCustomError(
        fund,
        "AccessManagedUnauthorized",
      );
      await expect(fund.connect(governor).setMarketPayoutLimit(2n, 1n, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(2n);
      await expect(fund.connect(governor).setMarketPayoutLimit(MARKET_ID, 0n, 0n)).to.be.revertedWithCustomError(
        fund,
        "PayoutBucketZeroCapacity",
      );
      await expect(fund.connect(governor).setFundPayoutLimit(10n, 11n))
        .to.be.revertedWithCustomError(fund, "PayoutBucketRefillAboveCapacity")
        .withArgs(10n, 11n);
      // Registered and deployed with no limit.
      const before = await lens.marketLedger(MARKET_ID);
      expect(before.marketBucket.capacity).to.equal(DISABLED);
      expect(before.marketBucket.available).to.equal(MAX_UINT256);
      expect((await fund.fundBucket()).capacity).to.equal(DISABLED);
      await expect(fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(100_000), PER_DAY_100K))
        .to.emit(fund, "InsuranceFundMarketPayoutLimitSet")
        .withArgs(MARKET_ID, usdc(100_000), PER_DAY_100K);
      await expect(fund.connect(governor).setFundPayoutLimit(usdc(300_000), PER_DAY_100K))
        .to.emit(fund, "InsuranceFundFundPayoutLimitSet")
        .withArgs(usdc(300_000), PER_DAY_100K);
      const after = await lens.marketLedger(MARKET_ID);
      // A disabled bucket that is enabled starts full.
      expect([
        after.marketBucket.available,
        after.marketBucket.capacity,
        after.marketBucket.refillPerSecond,
      ]).to.deep.equal([usdc(100_000), usdc(100_000), PER_DAY_100K]);
      expect(after.fundBucket.available).to.equal(usdc(300_000));
    });

    it("test_setMarketPayoutLimit_refillsThenClampsNeverResets", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, lens, governor } = suite;
      const model = new PayoutBucketModel();
      model.configure(0n, DISABLED, 0n);
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(100_000), PER_DAY_100K);
      model.configure(await now(), usdc(100_000), PER_DAY_100K);
      // Empty it with a claim, then let half a day pass.
      await fund.connect(suite.exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(100_000) }));
      expect(model.consume(await now(), usdc(100_000))).to.equal(usdc(100_000));
      await networkHelpers.time.increase(DAY / 2n);
      // A larger capacity does not refill the bucket: it keeps what half a day refilled.
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(500_000), PER_DAY_100K);
      model.configure(await now(), usdc(500_000), PER_DAY_100K);
      expect((await lens.marketLedger(MARKET_ID)).marketBucket.available).to.equal(model.available(await now()));
      // Half a day (and the few seconds between the blocks) of refill: about 50,000.
      expect(model.available(await now())).to.be.lessThan(usdc(50_010));
      // A smaller one clamps.
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(10_000), 1n);
      expect((await lens.marketLedger(MARKET_ID)).marketBucket.available).to.equal(usdc(10_000));
    });
  });

  describe("pending claims", () => {
    it("test_coverBankruptcy_paysWithinBucketsAndQueuesTheRestInOrder", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, lens, governor, exchange, usdc: token, alice } = suite;
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(1_000), usdc(1));
      await fund.connect(governor).setFundPayoutLimit(usdc(600), usdc(1));
      const state = {
        balance: usdc(2_000_000),
        insuranceLimit: usdc(1_000_000),
        insurancePaid: 0n,
        rewardCap: MAX_UINT128,
        rewardCapBps: 10_000n,
      };
      // 1: 800 allocated, the fund-wide bucket (600) binds: 600 now, 200 pending.
      const first = claimFor(suite, { shortfall: usdc(790), reward: usdc(10) });
      const firstCover = waterfall({ ...state, payoutAvailable: usdc(600) }, first);
      expect([firstCover.paidNow, firstCover.pending]).to.deep.equal([usdc(600), usdc(200)]);
      await coverAs(suite, first, firstCover);
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(600));
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(200));
      expect(await fund.totalPending()).to.equal(usdc(200));
      expect(await fund.fundBalance()).to.equal(usdc(2_000_000 - 800));
      expect((await fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(800));
      // 2: 100 seconds later the fund-wide bucket regained 100 (the market's holds 500): the earlier claim is paid
      // first from them, and the new one waits whole.
      const firstTime = await now();
      await networkHelpers.time.setNextBlockTimestamp(firstTime + 100n);
      const second = claimFor(suite, { shortfall: usdc(50) });
      const secondCover = waterfall(
        {
          ...state,
          balance: usdc(2_000_000 - 800),
          insurancePaid: usdc(800),
          earlierPending: usdc(200),
          payoutAvailable: usdc(100),
        },
        second,
      );
      expect([secondCover.earlierPendingPaid, secondCover.paidNow, secondCover.pending]).to.deep.equal([
        usdc(100),
        0n,
        usdc(50),
      ]);
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, second))
        .to.emit(fund, "InsuranceFundBankruptcyCovered")
        .withArgs(MARKET_ID, second.account, second.liquidator, coverTuple(secondCover));
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(150));
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(700));
      // Anyone pays the rest as the buckets refill.
      await networkHelpers.time.increase(DAY);
      const ledger = await lens.marketLedger(MARKET_ID);
      expect(ledger.payableNow).to.equal(usdc(150));
      await expect(fund.connect(alice).processPendingClaim(MARKET_ID))
        .to.emit(fund, "InsuranceFundPendingClaimPaid")
        .withArgs(MARKET_ID, exchange.address, usdc(150), 0n);
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(850));
      expect(await fund.totalPending()).to.equal(0n);
      await expect(fund.connect(alice).processPendingClaim(MARKET_ID))
        .to.be.revertedWithCustomError(fund, "InsuranceFundNoPendingClaim")
        .withArgs(MARKET_ID);
    });

    it("test_processPendingClaim_revertsWhenTheBucketsHoldNothing", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, governor, alice } = suite;
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(100), 0n);
      await fund.connect(suite.exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(300) }));
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(200));
      await expect(fund.connect(alice).processPendingClaim(MARKET_ID))
        .to.be.revertedWithCustomError(fund, "InsuranceFundPayoutLimited")
        .withArgs(MARKET_ID, usdc(200));
      await expect(fund.connect(alice).processPendingClaim(2n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(2n);
    });

    it("test_pendingClaims_neverSweptNorSpent", async () => {
      // The fund has exactly its floor plus a pending claim: the claim is not surplus, not unaccounted, and a
      // later claim cannot spend it.
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(1_000_000));
      await seed(suite, FLOOR + usdc(300));
      const { fund, lens, governor, guardian, exchange, alice } = suite;
      await fund.connect(guardian).pause();
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(300) }));
      await fund.connect(guardian).unpause();
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, 1n, 0n);
      await fund.connect(alice).processPendingClaim(MARKET_ID);
      expect(await fund.fundBalance()).to.equal(FLOOR);
      expect(await fund.totalPending()).to.equal(usdc(300) - 1n);
      await expect(fund.connect(alice).sweepSurplus())
        .to.be.revertedWithCustomError(fund, "InsuranceFundNoSurplus")
        .withArgs(FLOOR, FLOOR);
      // The next claim sees the balance only.
      const claim = claimFor(suite, { shortfall: FLOOR + usdc(1) });
      const cover = await lens.previewCover(MARKET_ID, claim);
      expect([cover.fundShortfall, cover.socialized]).to.deep.equal([FLOOR, usdc(1)]);
    });

    it("test_rejectPendingClaim_onlyForARetiredMarket", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, lens, governor, guardian, exchange, alice } = suite;
      await fund.connect(guardian).pause();
      await fund
        .connect(exchange)
        .coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(500), reward: usdc(5) }));
      await expect(fund.connect(alice).rejectPendingClaim(MARKET_ID)).to.be.revertedWithCustomError(
        fund,
        "AccessManagedUnauthorized",
      );
      await expect(fund.connect(governor).rejectPendingClaim(MARKET_ID))
        .to.be.revertedWithCustomError(fund, "InsuranceFundMarketNotRetired")
        .withArgs(MARKET_ID);
      await fund.connect(governor).retireMarket(MARKET_ID);
      const balance = await fund.fundBalance();
      await expect(fund.connect(governor).rejectPendingClaim(MARKET_ID))
        .to.emit(fund, "InsuranceFundPendingClaimRejected")
        .withArgs(MARKET_ID, usdc(505));
      expect(await fund.fundBalance()).to.equal(balance + usdc(505));
      expect(await fund.totalPending()).to.equal(0n);
      // The limit it was charged stays charged.
      expect((await lens.marketLedger(MARKET_ID)).limitUsed).to.equal(usdc(505));
      await expect(fund.connect(governor).rejectPendingClaim(MARKET_ID))
        .to.be.revertedWithCustomError(fund, "InsuranceFundNoPendingClaim")
        .withArgs(MARKET_ID);
    });

    it("test_processPendingClaim_paysARetiredMarketUntilRejected", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, governor, guardian, exchange, alice, usdc: token } = suite;
      await fund.connect(guardian).pause();
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(500) }));
      await fund.connect(governor).retireMarket(MARKET_ID);
      await fund.connect(guardian).unpause();
      await fund.connect(alice).processPendingClaim(MARKET_ID);
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(500));
    });
  });

  describe("the fastest drain of a compromised exchange", () => {
    it("test_drain_1MLimitThrough100kPerDayTakesAtLeast9Days", async () => {
      // The exchange of a market with a 1,000,000 limit is compromised: it claims the whole limit at once and
      // then pulls its pending claim every block it can. With a market bucket of 100,000 USDC refilled by
      // 100,000 a day it gets 100,000 at once and the rest over at least 9 days.
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, governor, exchange, usdc: token } = suite;
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(100_000), PER_DAY_100K);
      const model = new PayoutBucketModel();
      model.configure(await now(), usdc(100_000), PER_DAY_100K);
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(5_000_000) }));
      const claimed = await now();
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(100_000));
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(900_000));
      // The fastest drain pulls whenever the bucket has refilled: the whole 1,000,000 can have left no sooner than
      // capacity + rate x t >= 1,000,000, i.e. t = ceil(900,000 / rate) seconds after the claim: 9 days (and a
      // second, the rate being rounded down).
      model.consume(claimed, usdc(100_000));
      const drained = claimed + (usdc(900_000) + PER_DAY_100K - 1n) / PER_DAY_100K;
      expect(drained - claimed).to.be.at.least(9n * DAY);
      let pulled = usdc(100_000);
      const pull = async (at: bigint) => {
        await networkHelpers.time.setNextBlockTimestamp(at);
        await fund.connect(exchange).processPendingClaim(MARKET_ID);
        pulled += model.consume(at, usdc(1_000_000) - pulled);
        expect(await token.balanceOf(exchange.address)).to.equal(pulled);
      };
      for (let day = 1n; day <= 8n; day++) await pull(claimed + day * DAY);
      // One second before the bound the exchange is still short of the limit; at the bound it has it all.
      await pull(drained - 1n);
      expect(pulled).to.be.lessThan(usdc(1_000_000));
      await pull(drained);
      expect(pulled).to.equal(usdc(1_000_000));
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(0n);
    });

    it("test_drain_stoppedByPauseAndRetirement", async () => {
      // Seen on day 1: the guardian pauses, governance retires the market and rejects its pending claim. The
      // exchange got 100,000 (plus a day's refill at most) of its 1,000,000 limit.
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, governor, guardian, exchange, usdc: token } = suite;
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(100_000), PER_DAY_100K);
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(1_000_000) }));
      await networkHelpers.time.increase(DAY);
      await fund.connect(exchange).processPendingClaim(MARKET_ID);
      await fund.connect(guardian).pause();
      await fund.connect(governor).retireMarket(MARKET_ID);
      const pending = await fund.pendingClaim(MARKET_ID);
      await fund.connect(governor).rejectPendingClaim(MARKET_ID);
      const taken = await token.balanceOf(exchange.address);
      expect(taken).to.be.at.most(usdc(200_000));
      expect(taken + pending).to.equal(usdc(1_000_000));
      expect(await fund.fundBalance()).to.equal(usdc(2_000_000) - taken);
    });
  });

  describe("the pause queues", () => {
    it("test_coverBankruptcy_whilePausedAllocatesAsUnpaused", async () => {
      // The same claim paused and not: the same allocation and remainder; only the timing differs.
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, lens, guardian } = suite;
      const claim = claimFor(suite, { shortfall: usdc(1_500_000), reward: usdc(30) });
      const free = coverFromResult(await lens.previewCover(MARKET_ID, claim));
      await fund.connect(guardian).pause();
      const paused = coverFromResult(await lens.previewCover(MARKET_ID, claim));
      expect({ ...paused, paidNow: 0n, pending: 0n }).to.deep.equal({ ...free, paidNow: 0n, pending: 0n });
      expect([paused.paidNow, paused.pending]).to.deep.equal([0n, free.paidNow]);
      await coverAs(suite, claim, paused);
      expect((await lens.marketLedger(MARKET_ID)).payableNow).to.equal(0n);
    });
  });

  describe("bad debt before surplus", () => {
    it("test_badDebt_repaidFromTheWholeFeeInTheTopBand", async () => {
      // Spin's policy, fund seeded with 300,000 above a 200,000 floor, market limit 50: a lone position's
      // bankruptcy leaves 192 of bad debt. In the top band the fund's share of every fee is 0; before, the bad
      // debt stayed 192 after 20 trades while 99,950 of surplus was swept. Now each fee repays it first.
      const bands = await ethers.deployContract("TargetBandsPolicy", [
        {
          lowerBandBps: 200,
          upperBandBps: 500,
          lowTradingFeeShareBps: 2000,
          lowPenaltyShareBps: 4000,
          midPenaltyShareBps: 4000,
        },
      ]);
      const suite = await deployFund(ethers, { policy: await bands.getAddress() });
      await registerMarket(suite, usdc(50));
      await seed(suite, usdc(300_000));
      const { fund, exchange, alice, usdc: token } = suite;
      await token.mint(exchange.address, usdc(1_000));
      await token.connect(exchange).approve(suite.fundAddress, ethers.MaxUint256);
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(242), openBase: 0n }));
      expect(await fund.totalBadDebt()).to.equal(usdc(192));
      // The surplus keeps the bad debt back: 299,950 - 200,000 - 192.
      await expect(fund.connect(alice).sweepSurplus())
        .to.emit(fund, "InsuranceFundSurplusSwept")
        .withArgs(suite.treasury.address, usdc(99_758), 0n);
      // 20 trades of a 10 USDC fee: the first 19 and 2 of the 20th repay the debt, the rest goes to the treasury.
      for (let i = 0; i < 20; i++) await fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(10));
      expect(await fund.totalBadDebt()).to.equal(0n);
      expect(await fund.treasuryAccrued()).to.equal(usdc(8));
      expect(await fund.fundBalance()).to.equal(usdc(200_192));
      // With the debt repaid, the 192 held back is surplus again.
      await expect(fund.connect(alice).sweepSurplus())
        .to.emit(fund, "InsuranceFundSurplusSwept")
        .withArgs(suite.treasury.address, usdc(192), 0n);
    });
  });

  describe("views", () => {
    it("test_marketLedger_showsLimitPendingBadDebtAndBuckets", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, lens, governor, guardian, exchange } = suite;
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(100), 1n);
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(150) }));
      await fund.connect(guardian).pause();
      const v = await lens.marketLedger(MARKET_ID);
      expect([v.insuranceLimit, v.limitUsed, v.pending, v.payableNow, v.badDebt, v.retired]).to.deep.equal([
        usdc(1_000_000),
        usdc(150),
        usdc(50),
        0n,
        0n,
        false,
      ]);
      expect(v.marketBucket.capacity).to.equal(usdc(100));
      expect(v.fundBucket.capacity).to.equal(DISABLED);
      await fund.connect(guardian).unpause();
      // Refilled at 1 unit a second since the claim emptied the bucket: a few seconds' worth.
      const payable = (await lens.marketLedger(MARKET_ID)).payableNow;
      expect(payable > 0n && payable < 60n).to.equal(true);
      expect((await fund.health()).pending).to.equal(usdc(50));
      await expect(lens.marketLedger(2n)).to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket");
    });

    it("test_previewCover_checksLikeCoverAndRefusesRetiredMarkets", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, lens, governor } = suite;
      await expect(lens.previewCover(MARKET_ID, claimFor(suite, { shortfall: 0n }))).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundZeroAmount",
      );
      await expect(lens.previewCover(MARKET_ID, claimFor(suite, { shortfall: MAX_UINT128 + 1n })))
        .to.be.revertedWithCustomError(fund, "InsuranceFundAmountTooLarge")
        .withArgs(MAX_UINT128 + 1n);
      await expect(
        lens.previewCover(MARKET_ID, {
          ...claimFor(suite, { shortfall: 1n, reward: 1n }),
          liquidator: ethers.ZeroAddress,
        }),
      ).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAddress");
      await expect(ethers.deployContract("InsuranceFundLens", [ethers.ZeroAddress])).to.be.revertedWithCustomError(
        lens,
        "InsuranceFundZeroAddress",
      );
      expect(await lens.fund()).to.equal(suite.fundAddress);
      await fund.connect(governor).retireMarket(MARKET_ID);
      await expect(lens.previewCover(MARKET_ID, claimFor(suite, { shortfall: 1n })))
        .to.be.revertedWithCustomError(fund, "InsuranceFundMarketIsRetired")
        .withArgs(MARKET_ID);
    });

    it("test_previewCover_predictsBadDebtWithoutOpenBase", async () => {
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(100));
      await seed(suite, usdc(1_000));
      const claim = claimFor(suite, { shortfall: usdc(300), reward: usdc(7), openBase: 0n });
      const expected = waterfall(
        {
          balance: usdc(1_000),
          insuranceLimit: usdc(100),
          insurancePaid: 0n,
          rewardCap: MAX_UINT128,
          rewardCapBps: 10_000n,
        },
        claim,
      );
      expect(expected.badDebt).to.equal(usdc(207));
      await coverAs(suite, claim, expected);
      expect(await suite.fund.totalBadDebt()).to.equal(usdc(207));
    });
  });
});
