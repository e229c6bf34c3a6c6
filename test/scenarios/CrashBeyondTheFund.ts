// A crash bigger than the fund (docs/behaviour.md sections 3, 6 and 9): six traders in one market, four longs and two shorts
// at 2,000 USDC; the price falls 15 % to 1,700 and three of the longs are bankrupt. The market's insurance limit
// is 300 USDC, far below the fund's 10,000: the fund pays the first bankruptcy in full (reward 34 + shortfall
// 208 = 242), the second until the limit is used up (reward 17 + 41 of its 104), and nothing of the third. The
// exchange pays the keeper every capped reward at once (34, 17, 25.5) from its own tokens. The rest (63, then
// 219.5 of shortfall + 25.5 of reward = 245) is socialized over the positions still open, longs and shorts alike,
// by |base|; each survivor pays its exact share, rounded up to the unit, when it is next touched (a settle, a
// trade, a close). After every step the chain is compared with the scenario book, and no token is created or lost.
//
//   trader  side   size  collateral  fee   at 1,700
//   Ann     long   4     1,000       8     equity 992 - 1,200 = -208: bankrupt
//   Ben     long   2     500         4     equity 496 - 600 = -104: bankrupt
//   Cat     long   3     700         6     equity 694 - 900 = -206: bankrupt (-219.5 after its share of Ben's)
//   Dan     long   1     2,000       2     equity 1,998 - 300 = 1,698: healthy
//   Eve     short  6     3,000       12    +1,800
//   Fay     short  4     2,000       8     +1,200

import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
import { coverOf, coverTuple } from "../../lib/model/waterfall.js";
import { fixedShareModel, SPARK_SHARES } from "../../lib/model/feePolicies.js";
import {
  LossMarket,
  paysAtLeastShare,
  paysAtMostOneUnitAbove,
  Rational,
  socialize,
} from "../../lib/model/lossIndex.js";
import { scenarioDriver } from "../helpers/scenario.js";
import { usdc, wad } from "../../lib/units.js";

const { ethers, networkHelpers } = await network.create();

/** Spark's policy, the fixture's: half of every fee and penalty to the fund, rounded up. */
const SPARK = fixedShareModel(SPARK_SHARES.tradingFeeShareBps, SPARK_SHARES.penaltyShareBps);

const SEED = usdc(10_000);
const LIMIT = usdc(300);
const CRASH = wad(1_700);

/** A fraction in lowest terms, as [numerator, denominator]. */
const reduced = (num: bigint, den: bigint) => {
  const r = new Rational(num, den);
  return [r.num, r.den];
};

describe("scenario: a crash bigger than the fund", () => {
  /** The six positions open at 2,000; the fund holds its 10,000 seed plus half of the 40 USDC of fees. */
  async function bookFixture() {
    const s = await deployExchange(ethers, { fundSeed: 0n, insuranceLimit: LIMIT });
    const [ann, ben, cat, dan, eve, fay, kim] = (await ethers.getSigners()).slice(9, 16);
    // Spark's policy (the fixture's); everyone who will ever hold the token is known to the book.
    const d = scenarioDriver(s, SPARK, { ann, ben, cat, dan, eve, fay, kim }, LIMIT);
    const book = d.book;

    await d.fundDeposit(s.admin, SEED);
    const positions: [typeof ann, bigint, bigint][] = [
      [ann, usdc(1_000), wad(4)],
      [ben, usdc(500), wad(2)],
      [cat, usdc(700), wad(3)],
      [dan, usdc(2_000), wad(1)],
      [eve, usdc(3_000), -wad(6)],
      [fay, usdc(2_000), -wad(4)],
    ];
    for (const [who, collateral, size] of positions) {
      await d.deposit(who, collateral, MARKET_ID);
      await d.trade(who, size, MARKET_ID);
    }
    // 0.1 % of 40,000 of notional: 40 USDC of fees, half to the fund.
    expect(book.fundBalance).to.equal(SEED + usdc(20));
    expect(book.treasuryAccrued).to.equal(usdc(20));
    expect(book.market(MARKET_ID).openBase).to.equal(wad(20));
    return { s, d, book, ann, ben, cat, dan, eve, fay, kim };
  }

  /** The crash and the three bankruptcies. */
  async function crashedFixture() {
    const f = await bookFixture();
    await f.d.setPrice(CRASH, MARKET_ID);
    for (const who of [f.ann, f.ben, f.cat]) await f.d.liquidate(who, f.kim, MARKET_ID);
    return f;
  }

  /** A fixture's chain with a fresh copy of its book. */
  async function load(fixture: typeof bookFixture) {
    const f = await networkHelpers.loadFixture(fixture);
    const d = f.d.fresh();
    return { ...f, d, book: d.book };
  }

  it("test_crash_theFundPaysUntilTheLimitThenTheRestIsSocialized", async () => {
    const { s, d, book, ann, ben, cat, dan, kim } = await load(bookFixture);
    await d.setPrice(CRASH, MARKET_ID);

    // The three longs with 8x-10x leverage are bankrupt, Dan (1x) is not.
    for (const [who, bankrupt] of [
      [ann, true],
      [ben, true],
      [cat, true],
      [dan, false],
    ] as const) {
      const h = await s.exchange.accountHealth(who.address, MARKET_ID);
      expect([h.liquidatable, h.bankrupt], who.address).to.deep.equal([bankrupt, bankrupt]);
    }

    // 1. Ann: shortfall 208, reward 1 % x 6,800 / 2 = 34. The fund bears both and pays them to the exchange now:
    // 242 of the 300 limit; the exchange pays Kim his 34.
    const first = await d.liquidate(ann, kim, MARKET_ID);
    expect(first.step.liquidation).to.deep.include({ shortfall: usdc(208), claimedReward: usdc(34) });
    const firstCover = coverOf({
      reward: usdc(34),
      fundReward: usdc(34),
      fundShortfall: usdc(208),
      paidNow: usdc(242),
    });
    expect(first.step.cover).to.deep.equal(firstCover);
    expect(first.step.keeperPaid).to.equal(usdc(34));
    await expect(first.tx)
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(ann.address, MARKET_ID, usdc(208), coverTuple(firstCover));
    await expect(first.tx)
      .to.emit(s.fund, "InsuranceFundBankruptcyCovered")
      .withArgs(MARKET_ID, ann.address, kim.address, coverTuple(firstCover));
    await expect(first.tx).not.to.emit(s.fund, "InsuranceFundLossSocialized");
    expect((await s.fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(242));

    // 2. Ben: shortfall 104, reward 17. 58 of the limit is left: the reward, then 41 of the shortfall; the other
    // 63 is spread over the 14 of base still open (Cat 3, Dan 1, Eve 6, Fay 4): 4.5 per unit of base.
    const second = await d.liquidate(ben, kim, MARKET_ID);
    expect(second.step.liquidation).to.deep.include({ shortfall: usdc(104), claimedReward: usdc(17) });
    const index1 = socialize(0n, usdc(63), wad(14)).index;
    expect(index1).to.equal(usdc("4.5") * 10n ** 42n);
    const secondCover = coverOf({
      reward: usdc(17),
      fundReward: usdc(17),
      fundShortfall: usdc(41),
      paidNow: usdc(58),
      socialized: usdc(63),
    });
    expect(second.step.cover).to.deep.equal(secondCover);
    await expect(second.tx)
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(ben.address, MARKET_ID, usdc(104), coverTuple(secondCover));
    await expect(second.tx)
      .to.emit(s.fund, "InsuranceFundLossSocialized")
      .withArgs(MARKET_ID, ben.address, usdc(63), wad(14), index1);
    expect((await s.fund.market(MARKET_ID)).insurancePaid).to.equal(LIMIT);
    // The fund still holds most of its seed: the limit, not the balance, stopped it.
    expect(await s.fund.fundBalance()).to.equal(SEED + usdc(20) - LIMIT);

    // 3. Cat is settled first: 3 x 4.5 = 13.5 of Ben's loss, so her shortfall is 206 + 13.5 = 219.5. The limit is
    // used up: nothing from the fund; the exchange still pays Kim the capped reward of 25.5, and the reward with the
    // shortfall, 245, is spread over the 11 left (Dan 1, Eve 6, Fay 4).
    const third = await d.liquidate(cat, kim, MARKET_ID);
    expect(third.step.loss).to.equal(usdc("13.5"));
    expect(third.step.liquidation).to.deep.include({ shortfall: usdc("219.5"), claimedReward: usdc("25.5") });
    const thirdCover = coverOf({ reward: usdc("25.5"), socialized: usdc(245) });
    expect(third.step.cover).to.deep.equal(thirdCover);
    expect(third.step.keeperPaid).to.equal(usdc("25.5"));
    const index2 = socialize(index1, usdc(245), wad(11)).index;
    await expect(third.tx)
      .to.emit(s.exchange, "ReferenceExchangeLossSettled")
      .withArgs(cat.address, MARKET_ID, usdc("13.5"), index1);
    await expect(third.tx)
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(cat.address, MARKET_ID, usdc("219.5"), coverTuple(thirdCover));
    await expect(third.tx)
      .to.emit(s.fund, "InsuranceFundLossSocialized")
      .withArgs(MARKET_ID, cat.address, usdc(245), wad(11), index2);
    expect(await s.fund.lossIndex(MARKET_ID)).to.equal(index2);

    // Kim earned 34 + 17 + 25.5, all paid by the exchange; the fund paid exactly its limit; the survivors owe
    // 63 + 245 - 13.5 = 294.5.
    expect(await s.quote.balanceOf(kim.address)).to.equal(usdc("76.5"));
    expect(await s.fund.fundBalance()).to.equal(usdc(9_720));
    expect(await s.exchange.unsettledSocializedLoss()).to.equal(usdc("294.5"));
    expect(book.market(MARKET_ID).openBase).to.equal(wad(11));
  });

  it("test_crash_eachSurvivorPaysItsShareWhenTouched", async () => {
    const { s, d, book, dan, eve, fay, kim } = await load(crashedFixture);
    // The loss index's own model, played with the story's sizes and losses: Ann and Ben close, 63 is spread,
    // Cat settles and closes, 219.5 is spread; then each survivor settles.
    const ledger = new LossMarket();
    for (const [id, base] of [
      ["ann", 4],
      ["ben", 2],
      ["cat", 3],
      ["dan", 1],
      ["eve", 6],
      ["fay", 4],
    ] as const) {
      ledger.touch(id, wad(base));
    }
    ledger.touch("ann", 0n);
    ledger.touch("ben", 0n);
    ledger.socialize(usdc(63));
    expect(ledger.touch("cat", 0n)?.charge).to.equal(usdc("13.5"));
    ledger.socialize(usdc(245));
    const index = await s.fund.lossIndex(MARKET_ID);
    expect(index).to.equal(ledger.index);
    const settlements = { dan: ledger.settle("dan"), eve: ledger.settle("eve"), fay: ledger.settle("fay") };

    // Each survivor's exact share of the two losses is |base| x (63 / 14 + 245 / 11) = |base| x 4,123 / 154,
    // about 26.7727 per unit of base; its charge is that rounded up to the unit, never below, never a unit above.
    const charges = { dan: 26_772_728n, eve: 160_636_364n, fay: 107_090_910n };
    for (const [who, base] of [
      ["dan", 1n],
      ["eve", 6n],
      ["fay", 4n],
    ] as const) {
      const settlement = settlements[who];
      expect(settlement.charge, who).to.equal(charges[who]);
      expect([settlement.exact.num, settlement.exact.den], who).to.deep.equal(reduced(base * usdc(4_123), 154n));
      expect(paysAtLeastShare(settlement) && paysAtMostOneUnitAbove(settlement), who).to.equal(true);
    }

    // Dan is settled by Kim: he pays 26.772728 and nothing else changes.
    const danSize = (await s.exchange.position(dan.address, MARKET_ID)).baseWad;
    const settled = await d.settle(dan, kim, MARKET_ID);
    expect(settled.loss).to.equal(charges.dan);
    await expect(settled.tx)
      .to.emit(s.exchange, "ReferenceExchangeLossSettled")
      .withArgs(dan.address, MARKET_ID, charges.dan, index);
    expect((await s.exchange.position(dan.address, MARKET_ID)).baseWad).to.equal(danSize);
    expect((await s.exchange.accountHealth(dan.address, MARKET_ID)).liquidatable).to.equal(false);

    // Eve buys back 2 of her 6: she pays on the 6 she held, then realizes 2 x 300 = 600, fee 3.4.
    const reduce = await d.trade(eve, wad(2), MARKET_ID);
    expect(reduce.step).to.deep.include({ loss: charges.eve, realizedPnl: usdc(600), fee: usdc("3.4") });
    await expect(reduce.tx)
      .to.emit(s.exchange, "ReferenceExchangeLossSettled")
      .withArgs(eve.address, MARKET_ID, charges.eve, index);
    await expect(reduce.tx)
      .to.emit(s.exchange, "ReferenceExchangeTraded")
      .withArgs(eve.address, MARKET_ID, wad(2), CRASH, usdc(600), usdc("3.4"), -wad(4));

    // Fay closes her 4: she pays on the 4, then realizes 1,200, fee 6.8.
    const close = await d.trade(fay, wad(4), MARKET_ID);
    expect(close.step).to.deep.include({ loss: charges.fay, realizedPnl: usdc(1_200), fee: usdc("6.8") });
    await expect(close.tx)
      .to.emit(s.exchange, "ReferenceExchangeLossSettled")
      .withArgs(fay.address, MARKET_ID, charges.fay, index);

    // Everyone has settled: the exchange collected 13.5 + 294.500002 for 308 socialized, two units more (each of
    // the three charges rounds up by less than one unit, and their fractions sum to two).
    expect(charges.dan + charges.eve + charges.fay).to.equal(usdc("294.5") + 2n);
    expect(await s.exchange.unsettledSocializedLoss()).to.equal(-2n);
    // A second touch owes nothing.
    await expect(s.exchange.settle(eve.address, MARKET_ID)).not.to.emit(s.exchange, "ReferenceExchangeLossSettled");
  });

  it("test_crash_everyoneLeavesAndNothingWasCreatedOrLost", async () => {
    const { s, d, book, ann, ben, cat, dan, eve, fay, kim } = await load(crashedFixture);
    // The survivors close at 1,700 and take everything out; the bankrupt three have nothing left.
    await d.trade(dan, -wad(1), MARKET_ID);
    await d.trade(eve, wad(6), MARKET_ID);
    await d.trade(fay, wad(4), MARKET_ID);
    for (const who of [dan, eve, fay]) {
      const collateral = (await s.exchange.position(who.address, MARKET_ID)).collateral;
      expect(collateral).to.equal(book.account(who.address, MARKET_ID).position.collateral);
      await d.withdraw(who, collateral, MARKET_ID);
    }
    await d.flushTreasury(kim);

    // What each party ends with, in USDC units (every number from the story's arithmetic):
    // Dan: 1,998 - 26.772728 - 300 - 1.7 fee. Eve: 2,988 - 160.636364 + 1,800 - 10.2 fee.
    // Fay: 1,992 - 107.090910 + 1,200 - 6.8 fee. Kim: 34 + 17 + 25.5. The closing fees (1.7 + 10.2 + 6.8 = 18.7) are
    // split in halves like the opening ones (40): the fund has 10,000 + 20 + 9.35 - 300 (its limit), the
    // treasury 20 + 9.35.
    const expected = {
      ann: 0n,
      ben: 0n,
      cat: 0n,
      dan: usdc(1_998) - 26_772_728n - usdc(300) - usdc("1.7"),
      eve: usdc(2_988) - 160_636_364n + usdc(1_800) - usdc("10.2"),
      fay: usdc(1_992) - 107_090_910n + usdc(1_200) - usdc("6.8"),
      kim: usdc("76.5"),
      fund: SEED + usdc("29.35") - LIMIT,
      treasury: usdc("29.35"),
    };
    const actual = {
      ann: await s.quote.balanceOf(ann.address),
      ben: await s.quote.balanceOf(ben.address),
      cat: await s.quote.balanceOf(cat.address),
      dan: await s.quote.balanceOf(dan.address),
      eve: await s.quote.balanceOf(eve.address),
      fay: await s.quote.balanceOf(fay.address),
      kim: await s.quote.balanceOf(kim.address),
      fund: await s.quote.balanceOf(s.fundAddress),
      treasury: await s.quote.balanceOf(s.treasury.address),
    };
    expect(actual).to.deep.equal(expected);

    // The exchange keeps what it won as the counterparty (it lost 3,000 to the shorts and won 3,000 from the
    // longs: zero) and the two units the loss index rounded up; the 25.5 it paid Kim came back from the
    // survivors: its books balance with no trader left.
    expect(await s.exchange.totalCollateral()).to.equal(0n);
    expect(await s.exchange.counterpartyRealizedPnl()).to.equal(0n);
    expect(await s.exchange.unsettledSocializedLoss()).to.equal(-2n);
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(2n);

    // Deposits in = tokens out, to the unit: 10,000 seed + 9,200 of collateral.
    const total = Object.values(actual).reduce((a, b) => a + b, 0n) + 2n;
    expect(total).to.equal(SEED + usdc(9_200));
    expect(book.totalMinted).to.equal(total);
  });
});
