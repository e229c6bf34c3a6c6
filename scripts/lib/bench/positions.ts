// Socialization and settlement vs open positions: a bankruptcy socialized over 1, 100 or 10,000 short positions
// and the settlement of one of them afterwards, an O(1) series.
//
// The positions are opened by `BenchTrader` contracts (contracts/test/BenchTraders.sol), 50 per transaction, each
// calling the exchange's `deposit` and `trade` itself: the 10,000 take about 75 s on a shared 2-core machine. One
// transaction per position from impersonated accounts took 2 to 3.5 minutes (the in-process chain's time per
// block grows with its state), and queuing many transactions per block is slower still (every transaction sent
// while automining is off re-runs the pending block).

import { deployExchange, type ExchangeSuite, MARKET_ID } from "../../../lib/exchangeFixture.js";
import { usdc, wad } from "../../../lib/units.js";
import { callsOf, createChain, type Ethers, gasOf, T0 } from "../chain.js";
import { moduleGas } from "./module-gas.js";
import { type BenchResults, HOUR, ratio } from "./results.js";

/**
 * Each of the N positions that share the socialized loss. With one position, its settlement pays the whole
 * loss: were it exact, the market's and the exchange's unsettled-loss counters would drop to zero and refund
 * 2 x 4,800 gas, which only the last settlement of a market gets. 0.03 does not divide the loss, so the
 * rounded-up charge leaves them at -1 and the one-position figure compares like for like.
 */
const SHORT_SIZE = wad("0.03");
const TRADERS_PER_TRANSACTION = 50;

/**
 * Opens `count` short positions of 0.03 base through the exchange, each from its own account: a
 * `BenchTrader` contract that mints itself 1,000 USDC (enough to pay the whole socialized loss below alone,
 * so that settling leaves a positive collateral whatever `count`), deposits it and trades, calling the
 * exchange's `deposit` and `trade` as `msg.sender`. A factory creates 50 traders per transaction, all at
 * the same timestamp. Returns the traders' addresses.
 */
async function openShorts(ethers: Ethers, s: ExchangeSuite, count: number): Promise<string[]> {
  const factory = await ethers.deployContract("BenchTraderFactory");
  const factoryAddress = await factory.getAddress();
  const token = await s.quote.getAddress();
  const started = Date.now();
  for (let created = 0; created < count;) {
    const batch = Math.min(TRADERS_PER_TRANSACTION, count - created);
    await (await factory.create(s.exchangeAddress, token, MARKET_ID, usdc(1_000), -SHORT_SIZE, batch)).wait();
    created += batch;
    if (created % 2_000 === 0)
      console.log(`  ${created} positions open (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  // A contract's first CREATE uses nonce 1.
  return Array.from({ length: count }, (_, i) => ethers.getCreateAddress({ from: factoryAddress, nonce: i + 1 }));
}

export async function benchPositions(results: BenchResults, positionCounts: number[]): Promise<void> {
  const rows: (string | number)[][] = [];
  const first: Record<string, number> = {};
  for (const count of positionCounts) {
    const started = Date.now();
    const { ethers, clock } = await createChain();
    // The fund covers at most 100 USDC of this market: the rest of the bankruptcy below is socialized.
    const s = await deployExchange(ethers, { insuranceLimit: usdc(100) });
    const interfaces = { [s.fundAddress]: s.fund.interface };
    clock.at(T0);
    const shorts = await openShorts(ethers, s, count);
    // Alice: long 4 at 2,000 on 1,000 USDC. At 1,700 her equity is -200 USDC: bankrupt.
    await s.depositFor(s.alice, usdc(1_000));
    await s.exchange.connect(s.alice).trade(MARKET_ID, wad(4));
    const openBase = (await s.exchange.market(MARKET_ID)).openBaseWad;
    if (openBase !== wad(4) + BigInt(count) * SHORT_SIZE) throw new Error(`open base ${openBase}`);

    clock.advance(HOUR);
    await s.setPrice(1_700);
    const liquidation = await s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
    const receipt = (await liquidation.wait())!;
    const cover = moduleGas(
      await callsOf(ethers, receipt.hash, interfaces),
      s.exchangeAddress.toLowerCase(),
      s.fundAddress.toLowerCase(),
    ).byFunction.settleBankruptcy;
    const socialized = (await s.exchange.market(MARKET_ID)).unsettledSocializedLoss;
    if (socialized <= 0n) throw new Error("nothing was socialized");
    if ((await s.exchange.position(shorts[0], MARKET_ID)).baseWad !== -SHORT_SIZE) throw new Error("no position");
    const settle = await gasOf(s.exchange.connect(s.dave).settle(shorts[0], MARKET_ID));
    if ((await s.exchange.market(MARKET_ID)).unsettledSocializedLoss === 0n) throw new Error("counters cleared");

    const entries = { liquidation: Number(receipt.gasUsed), settleBankruptcy: cover, settle };
    for (const [name, value] of Object.entries(entries)) {
      results.gas[`positions.${count}.${name}`] = value;
      first[name] ??= value;
    }
    rows.push([
      count,
      entries.liquidation,
      ratio(entries.liquidation, first.liquidation),
      entries.settleBankruptcy,
      ratio(entries.settleBankruptcy, first.settleBankruptcy),
      entries.settle,
      ratio(entries.settle, first.settle),
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
    ]);
  }
  results.table(
    "Socialization and settlement vs open positions",
    "N accounts (BenchTrader contracts, 50 created per transaction) each short 0.03 through the exchange's " +
      "deposit and trade, then Alice's long of 4 goes bankrupt " +
      "at 1,700 (equity -200 USDC); the market's insurance limit is 100 USDC, so the fund pays part and " +
      'socializes the rest over the N shorts. "liquidation" is the whole liquidate transaction, ' +
      '"settleBankruptcy" the fund\'s part inside it; "settle" is exchange.settle of one short afterwards ' +
      "(it pays its share). Every set-up transaction has the same timestamp, so the open-interest window is in " +
      "the same state for every N. Must stay within 2 % of the first column (O(1)).",
    ["open positions", "liquidation", "ratio", "settleBankruptcy (inside)", "ratio", "settle", "ratio", "set-up time"],
    rows,
  );
}
