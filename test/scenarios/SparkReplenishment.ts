// Spark's replenishment (docs/behaviour.md section 4.2, `fixed share`): "50 % of trading fees and 50 % of liquidation penalties"
// go to the insurance fund, the rest to the treasury. A day of trading on Spark: six traders open, add, reduce,
// flip and close positions at prices that move through the day (every trade pays 0.1 % of its notional), and
// two over-leveraged accounts are liquidated while still solvent (1 % of the notional as penalty: half to the
// liquidator, the rest handed to the fee splitter). At the end of the day the fund has grown by exactly half of
// every fee and of every penalty handed in, each half rounded up: the odd unit of an odd amount goes to the fund.
// After every step the chain is compared with the scenario book, and no token is created or lost.

import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
import { FeeKind, fixedShareModel, SPARK_SHARES } from "../../lib/model/feePolicies.js";
import { type Actor, scenarioDriver } from "../helpers/scenario.js";
import { usdc, wad } from "../../lib/units.js";

const { ethers, networkHelpers } = await network.create();

/** Spark's policy, the fixture's: half of every fee and penalty to the fund, rounded up. */
const SPARK = fixedShareModel(SPARK_SHARES.tradingFeeShareBps, SPARK_SHARES.penaltyShareBps);

const SEED = usdc(50_000);
const HOUR = 3_600;

type Name = "ann" | "ben" | "cat" | "dan" | "vic" | "wes";

/** One hour of the day: the oracle moves, then trades (signed base) and liquidations by Kim, in that order. */
interface Hour {
  hour: number;
  price?: string;
  trades?: [Name, string][];
  liquidate?: Name[];
}

// prettier-ignore
const DAY: Hour[] = [
  // 08:00 the market opens at 2,000; Vic (8x) and Wes (8x) take the most risk.
  { hour: 8, trades: [["ann", "1.5"], ["ben", "-2.25"], ["cat", "0.75"],
                      ["dan", "-1.1"], ["vic", "5"], ["wes", "-4"]] },
  { hour: 9, price: "2013.37", trades: [["ann", "0.5"], ["ben", "-0.33"], ["cat", "0.123457"]] },
  { hour: 11, price: "2041.09", trades: [["cat", "-0.25"], ["dan", "2.2"]] },
  // 12:00 up 4.4 %: Wes's short has lost 350.2001 of his 992: margin ratio 0.647 < 0.7, liquidated while solvent.
  { hour: 12, price: "2087.550025", liquidate: ["wes"], trades: [["ben", "0.777777"]] },
  { hour: 13, price: "1999.99", trades: [["ann", "-0.666667"], ["dan", "0.3"]] },
  // 15:00 down 6 % from the open: Vic's long has lost 600.4499 of his 1,240: ratio 0.516, liquidated while solvent.
  { hour: 15, price: "1879.91002", liquidate: ["vic"], trades: [["cat", "0.5"], ["ben", "1"]] },
  { hour: 18, price: "1931.77", trades: [["ann", "-1.333333"], ["dan", "-3.5"], ["cat", "-1.123457"]] },
  { hour: 22, price: "1944.01", trades: [["ben", "0.802223"], ["dan", "0.1"]] },
];

const COLLATERAL: Record<Name, bigint> = {
  ann: usdc(1_500),
  ben: usdc(2_000),
  cat: usdc(800),
  dan: usdc(1_000),
  vic: usdc(1_250),
  wes: usdc(1_000),
};

/** ceil(x / 2) and floor(x / 2): the fund's and the treasury's halves of `x` under Spark's 50 % / 50 %. */
const fundHalf = (x: bigint) => (x + 1n) / 2n;
const treasuryHalf = (x: bigint) => x / 2n;

describe("scenario: Spark's replenishment", () => {
  async function dayFixture() {
    const s = await deployExchange(ethers, { fundSeed: 0n });
    const [ann, ben, cat, dan, vic, wes, kim] = (await ethers.getSigners()).slice(9, 16);
    const traders: Record<Name, Actor> = { ann, ben, cat, dan, vic, wes };
    const d = scenarioDriver(s, SPARK, { ...traders, kim });
    await d.fundDeposit(s.admin, SEED);
    for (const [name, amount] of Object.entries(COLLATERAL)) await d.deposit(traders[name as Name], amount, MARKET_ID);
    return { s, d, traders, kim };
  }

  it("test_fixedShare_aDayOfTradingRefillsTheFundByHalfOfFeesAndPenaltiesRoundedUp", async () => {
    const f = await networkHelpers.loadFixture(dayFixture);
    const { s, traders, kim } = f;
    const d = f.d.fresh();
    const book = d.book;
    const fundBefore = await s.fund.fundBalance();
    const treasuryBefore = await s.fund.treasuryAccrued();
    expect([fundBefore, treasuryBefore]).to.deep.equal([SEED, 0n]);
    const firstBlock = await ethers.provider.getBlockNumber();

    // The day, hour by hour. The book predicts each fee and each penalty; the driver checks every step.
    const fees: bigint[] = [];
    const penalties: bigint[] = [];
    let clock = 0;
    for (const h of DAY) {
      if (clock !== 0) await networkHelpers.time.increase((h.hour - clock) * HOUR);
      clock = h.hour;
      if (h.price) await d.setPrice(wad(h.price), MARKET_ID);
      for (const name of h.liquidate ?? []) {
        const { step } = await d.liquidate(traders[name], kim, MARKET_ID);
        expect(step.liquidation.bankrupt, `${name} is solvent`).to.equal(false);
        expect(step.liquidation.penaltyPaid).to.equal(step.liquidation.penalty);
        penalties.push(step.liquidation.feeToFund);
      }
      for (const [name, size] of h.trades ?? []) {
        const { step } = await d.trade(traders[name], wad(size), MARKET_ID);
        fees.push(step.fee);
      }
    }
    expect(fees).to.have.length(21);
    expect(penalties).to.have.length(2);

    // What the exchange handed in, read from the events of the day: every fee, and the penalties' rest.
    const traded = await s.exchange.queryFilter(s.exchange.filters.ReferenceExchangeTraded(), firstBlock + 1);
    const collected = await s.fund.queryFilter(s.fund.filters.InsuranceFundTradeSettled(), firstBlock + 1);
    expect(traded.map((e) => e.args.fee)).to.deep.equal(fees);
    // No bad debt here, so each fee is its two parts.
    const byKind = (kind: FeeKind) =>
      collected.filter((e) => e.args.kind === BigInt(kind)).map((e) => e.args.fundPart + e.args.treasuryPart);
    expect(byKind(FeeKind.TradingFee)).to.deep.equal(fees);
    expect(byKind(FeeKind.LiquidationPenalty)).to.deep.equal(penalties);

    // The day's income, in USDC units.
    const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
    expect(sum(fees)).to.equal(55_758_255n); // 55.758255 USDC over 21 trades
    // Wes: 1 % of 8,350.2001 = 83.502001, Kim's half rounded down (41.751), the rest (41.751001) to the splitter.
    // Vic: 1 % of 9,399.5501 = 93.995501: Kim 46.99775, the splitter 46.997751.
    expect(penalties).to.deep.equal([41_751_001n, 46_997_751n]);
    const income = [...fees, ...penalties];
    const odd = income.filter((x) => x % 2n === 1n).length;
    expect(odd).to.equal(13); // 11 fees and both penalties

    // The fund grew by half of each amount rounded up, the treasury by half rounded down: the fund is ahead by
    // exactly one unit per odd amount, and the two add up to the income, to the unit.
    const fundGain = (await s.fund.fundBalance()) - fundBefore;
    const treasuryGain = (await s.fund.treasuryAccrued()) - treasuryBefore;
    expect(fundGain).to.equal(sum(income.map(fundHalf)));
    expect(treasuryGain).to.equal(sum(income.map(treasuryHalf)));
    expect(fundGain - treasuryGain).to.equal(BigInt(odd));
    expect(fundGain + treasuryGain).to.equal(sum(income));
    expect([fundGain, treasuryGain]).to.deep.equal([72_253_510n, 72_253_497n]);
    // Event by event too, in the order handed in: each split is the 50 % rounded up.
    const queues = new Map([
      [BigInt(FeeKind.TradingFee), [...fees]],
      [BigInt(FeeKind.LiquidationPenalty), [...penalties]],
    ]);
    const handedIn = collected.map((e) => queues.get(e.args.kind)!.shift()!);
    collected.forEach((e, i) => {
      expect([e.args.fundPart, e.args.treasuryPart]).to.deep.equal([fundHalf(handedIn[i]), treasuryHalf(handedIn[i])]);
    });

    // Kim kept the other half of each penalty.
    expect(await s.quote.balanceOf(kim.address)).to.equal(41_751_000n + 46_997_750n);

    // Evening: the treasury's half leaves the fund in one transfer; the fund keeps its balance.
    const { tx, amount } = await d.flushTreasury(kim);
    await expect(tx).to.emit(s.fund, "InsuranceFundTreasuryFlushed").withArgs(s.treasury.address, treasuryGain);
    expect(amount).to.equal(treasuryGain);
    expect(await s.quote.balanceOf(s.treasury.address)).to.equal(treasuryGain);
    expect(await s.quote.balanceOf(s.fundAddress)).to.equal(SEED + fundGain);
    expect(book.fundBalance).to.equal(SEED + fundGain);
  });
});
