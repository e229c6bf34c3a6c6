// Markets are isolated, and governance runs their lifecycle. On commit 834b281 market 2's exchange froze market 1:
// its report of an open interest of 2^128 - 1 - (the platform's total) went through, and from then on every trade
// that raised market 1's open interest, and the bankrupt liquidation below, reverted with
// `InsuranceFundAmountTooLarge`; a claim of 2^128 - 1 with no open base did the same through the total bad debt.
import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, type ExchangeSuite, MARKET_ID } from "../lib/exchangeFixture.js";
import { DAY, DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128, MAX_UINT96, usdc, wad, WEEK } from "../lib/units.js";
import { openPosition } from "./helpers/referenceExchange.js";

const { ethers, networkHelpers } = await network.create();

const ROGUE_MARKET = 2n;
const ROGUE_CAP = 2n ** 95n;

/**
 * Market 1 on the reference exchange (Alice short 4 on 1,000 USDC, Bob long 30 and Carol short 26 on 20,000 USDC
 * each, all at 2,000), and market 2 bound to an account that may report and claim whatever it likes, its open
 * interest capped at 2^95 (the caps sum below 2^96).
 */
async function twoMarkets() {
  return buildTwoMarkets(usdc(10_000));
}

async function buildTwoMarkets(fundSeed: bigint) {
  const s = await deployExchange(ethers, { fundSeed });
  const signers = await ethers.getSigners();
  const [rogue, keeper] = [signers[9], signers[10]];
  await s.fund.connect(s.governor).registerMarket(ROGUE_MARKET, {
    exchange: rogue.address,
    insuranceLimit: usdc(1_000),
    rewardCap: MAX_UINT128,
    rewardCapBps: 10_000n,
    openInterestCap: ROGUE_CAP,
  });
  await openPosition(s, s.alice, usdc(1_000), -wad(4));
  await openPosition(s, s.bob, usdc(20_000), wad(30));
  await openPosition(s, s.carol, usdc(20_000), -wad(26));
  return { ...s, rogue, keeper };
}

/** A claim by the rogue exchange for `shortfall`, with no reward and no open base (all of it bad debt). */
function rogueClaim(rogue: string, shortfall: bigint) {
  return { account: rogue, shortfall, liquidator: rogue, reward: 0n, liquidatedNotional: 0n, openBase: 0n };
}

/** The same with an empty fund: its only money is the fees' income. */
async function twoMarketsEmptyFund() {
  return buildTwoMarkets(0n);
}

/**
 * Market 1 goes on: Dave's trade raises its open interest, then after a 15 % rise Alice (equity -208) is liquidated,
 * which raises it too (56 of base at 2,300 > 60 at 2,000). On 834b281 both reverted once market 2 had reported.
 */
async function expectMarketOneWorks(s: ExchangeSuite & { keeper: { address: string } }) {
  await s.depositFor(s.dave, usdc(1_000));
  await s.exchange.connect(s.dave).trade(MARKET_ID, wad(1));
  await s.setPrice(2_300);
  expect((await s.exchange.accountHealth(s.alice.address, MARKET_ID)).equity).to.equal(-usdc(208));
  await expect(s.exchange.connect(s.keeper as never).liquidate(s.alice.address, MARKET_ID)).to.emit(
    s.exchange,
    "ReferenceExchangeBankruptcyCovered",
  );
}

describe("InsuranceFund: market isolation and lifecycle", () => {
  describe("one market's exchange cannot freeze another", () => {
    it("test_freeze_openInterestReports_breakOnlyTheirOwnMarket", async () => {
      const s = await networkHelpers.loadFixture(twoMarkets);
      const total = await s.fund.totalOpenInterest();
      // The sequence of 834b281, at today's width: a report of 2^96 - 1 - total. Above its cap it is refused, to
      // market 2 alone.
      await expect(s.fund.connect(s.rogue).recordOpenInterest(ROGUE_MARKET, MAX_UINT96 - total))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundOpenInterestAboveCap")
        .withArgs(ROGUE_MARKET, MAX_UINT96 - total, ROGUE_CAP);
      // The most it may report still leaves market 1 its whole cap.
      await s.fund.connect(s.rogue).recordOpenInterest(ROGUE_MARKET, ROGUE_CAP);
      expect(await s.fund.totalOpenInterest()).to.equal(total + ROGUE_CAP);
      await expectMarketOneWorks(s);
    });

    it("test_freeze_aHugeClaimWithNoOpenBase_breaksNoOtherMarket", async () => {
      const s = await networkHelpers.loadFixture(twoMarketsEmptyFund);
      const claim = rogueClaim(s.rogue.address, MAX_UINT128);
      // The fund holds the fees' income (60 USDC, under its 1,000 limit) and pays it; the rest is market 2's bad debt.
      const income = await s.fund.fundBalance();
      expect(income).to.equal(usdc(60));
      await s.fund.connect(s.rogue).coverBankruptcy(ROGUE_MARKET, claim);
      expect((await s.fund.market(ROGUE_MARKET)).badDebt).to.equal(MAX_UINT128 - income);
      // Market 1's own bankruptcy leaves bad debt too (Alice alone once Bob and Carol closed, and a fund that holds
      // only fee income): it is recorded, not refused (834b281: `InsuranceFundAmountTooLarge` on the total).
      await s.exchange.connect(s.bob).trade(MARKET_ID, -wad(30));
      await s.exchange.connect(s.carol).trade(MARKET_ID, wad(26));
      await s.setPrice(2_300);
      await expect(s.exchange.connect(s.keeper).liquidate(s.alice.address, MARKET_ID)).to.emit(
        s.exchange,
        "ReferenceExchangeBankruptcyCovered",
      );
      const marketOne = (await s.fund.market(MARKET_ID)).badDebt;
      expect(marketOne).to.be.greaterThan(0n);
      expect(await s.fund.totalBadDebt()).to.equal(MAX_UINT128 - income + marketOne);
    });

    it("test_caps_sumBelow2Pow96_andNeverBelowTheOpenInterest", async () => {
      const s = await networkHelpers.loadFixture(twoMarkets);
      const sum = await s.fund.openInterestCapSum();
      expect(sum).to.equal(DEFAULT_OPEN_INTEREST_CAP + ROGUE_CAP);
      const tooLarge = MAX_UINT96 - sum + 1n;
      await expect(
        s.fund.connect(s.governor).registerMarket(3n, {
          exchange: s.rogue.address,
          insuranceLimit: 0n,
          rewardCap: 0n,
          rewardCapBps: 0n,
          openInterestCap: tooLarge,
        }),
      )
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundOpenInterestCapsTooLarge")
        .withArgs(sum + tooLarge);
      await expect(s.fund.connect(s.governor).setOpenInterestCap(ROGUE_MARKET, ROGUE_CAP + tooLarge))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundOpenInterestCapsTooLarge")
        .withArgs(sum + tooLarge);
      const marketOneOpenInterest = (await s.fund.market(MARKET_ID)).openInterest;
      await expect(s.fund.connect(s.governor).setOpenInterestCap(MARKET_ID, marketOneOpenInterest - 1n))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundOpenInterestCapBelowOpenInterest")
        .withArgs(MARKET_ID, marketOneOpenInterest - 1n, marketOneOpenInterest);
      await expect(s.fund.connect(s.governor).setOpenInterestCap(MARKET_ID, marketOneOpenInterest))
        .to.emit(s.fund, "InsuranceFundOpenInterestCapSet")
        .withArgs(MARKET_ID, marketOneOpenInterest, ROGUE_CAP + marketOneOpenInterest);
      // At its cap, market 1 may still lower its open interest but not raise it.
      await s.depositFor(s.dave, usdc(1_000));
      await expect(s.exchange.connect(s.dave).trade(MARKET_ID, wad(1))).to.be.revertedWithCustomError(
        s.fund,
        "InsuranceFundOpenInterestAboveCap",
      );
      await s.exchange.connect(s.bob).trade(MARKET_ID, -wad(1));
    });

    it("test_lifecycle_strangersCannotCallIt", async () => {
      const s = await networkHelpers.loadFixture(twoMarkets);
      for (const call of [
        s.fund.connect(s.rogue).retireMarket(ROGUE_MARKET),
        s.fund.connect(s.rogue).moveMarket(ROGUE_MARKET, s.carol.address),
        s.fund.connect(s.rogue).setOpenInterestCap(ROGUE_MARKET, 0n),
        s.fund.connect(s.rogue).writeOffBadDebt(ROGUE_MARKET),
      ]) {
        await expect(call).to.be.revertedWithCustomError(s.fund, "AccessManagedUnauthorized");
      }
    });
  });

  describe("retiring a market", () => {
    it("test_retire_cutsTheExchangeOffAndItsOpenInterestLeavesAtOnce", async () => {
      const s = await networkHelpers.loadFixture(twoMarkets);
      await s.fund.connect(s.rogue).recordOpenInterest(ROGUE_MARKET, usdc(1_000_000));
      const total = await s.fund.totalOpenInterest();
      await networkHelpers.time.increase(WEEK);
      const averageBefore = await s.fund.averageOpenInterest();
      await expect(s.fund.connect(s.governor).retireMarket(ROGUE_MARKET))
        .to.emit(s.fund, "InsuranceFundMarketRetired")
        .withArgs(ROGUE_MARKET, usdc(1_000_000), 0n);
      expect(await s.fund.totalOpenInterest()).to.equal(total - usdc(1_000_000));
      expect(await s.fund.openInterestCapSum()).to.equal(DEFAULT_OPEN_INTEREST_CAP);
      const info = await s.fund.market(ROGUE_MARKET);
      expect([info.retired, info.openInterest]).to.deep.equal([true, 0n]);
      // The 7-day average forgets it over the window, not at once.
      expect(await s.fund.averageOpenInterest()).to.be.closeTo(averageBefore, usdc(100));
      await networkHelpers.time.increase(WEEK + DAY);
      expect(await s.fund.averageOpenInterest()).to.equal(total - usdc(1_000_000));
      // Its exchange can no longer report, hand in fees or claim; its loss index stays readable.
      for (const call of [
        s.fund.connect(s.rogue).recordOpenInterest(ROGUE_MARKET, 1n),
        s.fund.connect(s.rogue).collectFee(ROGUE_MARKET, 0n, 1n),
        s.fund.connect(s.rogue).coverBankruptcy(ROGUE_MARKET, rogueClaim(s.rogue.address, 1n)),
      ]) {
        await expect(call).to.be.revertedWithCustomError(s.fund, "InsuranceFundMarketIsRetired").withArgs(ROGUE_MARKET);
      }
      expect(await s.fund.positionLoss(ROGUE_MARKET, wad(1), 0n)).to.deep.equal([0n, 0n]);
      await expect(s.fund.connect(s.governor).retireMarket(ROGUE_MARKET))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundMarketIsRetired")
        .withArgs(ROGUE_MARKET);
      await expectMarketOneWorks(s);
    });

    it("test_writeOffBadDebt_onlyARetiredMarketsAndItLeavesTheTotal", async () => {
      const s = await networkHelpers.loadFixture(twoMarkets);
      const claim = rogueClaim(s.rogue.address, usdc(5_000));
      await s.fund.connect(s.rogue).coverBankruptcy(ROGUE_MARKET, claim);
      expect(await s.fund.totalBadDebt()).to.equal(usdc(4_000));
      await expect(s.fund.connect(s.governor).writeOffBadDebt(ROGUE_MARKET))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundMarketNotRetired")
        .withArgs(ROGUE_MARKET);
      await s.fund.connect(s.governor).retireMarket(ROGUE_MARKET);
      // Retired, its bad debt stays on record until written off.
      expect(await s.fund.totalBadDebt()).to.equal(usdc(4_000));
      await expect(s.fund.connect(s.governor).writeOffBadDebt(ROGUE_MARKET))
        .to.emit(s.fund, "InsuranceFundBadDebtWrittenOff")
        .withArgs(ROGUE_MARKET, usdc(4_000));
      expect(await s.fund.totalBadDebt()).to.equal(0n);
      expect((await s.fund.market(ROGUE_MARKET)).badDebt).to.equal(0n);
      await expect(s.fund.connect(s.governor).writeOffBadDebt(ROGUE_MARKET)).to.be.revertedWithCustomError(
        s.fund,
        "InsuranceFundZeroAmount",
      );
    });
  });

  describe("moving a market to a new exchange contract", () => {
    it("test_move_whatTheMarketOwesAndIsOwedFollowsIt", async () => {
      const s = await networkHelpers.loadFixture(twoMarkets);
      const claim = rogueClaim(s.rogue.address, usdc(3_000));
      await s.fund.connect(s.rogue).coverBankruptcy(ROGUE_MARKET, claim);
      await s.fund.connect(s.rogue).recordOpenInterest(ROGUE_MARKET, usdc(50_000));
      const before = await s.fund.market(ROGUE_MARKET);
      const successor = s.carol;
      await expect(s.fund.connect(s.governor).moveMarket(ROGUE_MARKET, successor.address))
        .to.emit(s.fund, "InsuranceFundMarketMoved")
        .withArgs(ROGUE_MARKET, s.rogue.address, successor.address);
      const after = await s.fund.market(ROGUE_MARKET);
      expect(after.exchange).to.equal(successor.address);
      // Limit used, bad debt, open interest and loss index stay with the market.
      expect([after.insurancePaid, after.badDebt, after.openInterest, after.lossIndex]).to.deep.equal([
        before.insurancePaid,
        before.badDebt,
        before.openInterest,
        before.lossIndex,
      ]);
      await expect(s.fund.connect(s.rogue).recordOpenInterest(ROGUE_MARKET, 0n))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundNotMarketExchange")
        .withArgs(ROGUE_MARKET, s.rogue.address);
      await s.fund.connect(successor).recordOpenInterest(ROGUE_MARKET, usdc(40_000));
      // The ledger moved whole (it is kept under the market's exchange): moving back carries it back, and the
      // successor is refused again.
      const moved = await s.fund.market(ROGUE_MARKET);
      await s.fund.connect(s.governor).moveMarket(ROGUE_MARKET, s.rogue.address);
      expect(await s.fund.market(ROGUE_MARKET)).to.deep.equal([s.rogue.address, ...moved.slice(1)]);
      await expect(s.fund.connect(successor).recordOpenInterest(ROGUE_MARKET, 0n))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundNotMarketExchange")
        .withArgs(ROGUE_MARKET, successor.address);
      await s.fund.connect(s.governor).moveMarket(ROGUE_MARKET, successor.address);
      await expect(s.fund.connect(s.governor).moveMarket(ROGUE_MARKET, successor.address))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundSameExchange")
        .withArgs(ROGUE_MARKET, successor.address);
      await expect(
        s.fund.connect(s.governor).moveMarket(ROGUE_MARKET, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(s.fund, "InsuranceFundZeroAddress");
    });
  });
});
