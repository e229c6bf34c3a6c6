// Open-interest recording and the 7-day average vs history: 1, 30 and 365 days of reports, then a read of the
// average, a fee that reads it and the next report, each an O(1) series.

import { MARKET_ID } from "../../../lib/exchangeFixture.js";
import { deployFund, registerMarket, seed } from "../../../lib/fundFixture.js";
import { SPIN_BANDS } from "../../../lib/model/feePolicies.js";
import { MAX_UINT128, usdc } from "../../../lib/units.js";
import { createChain, gasOf, T0 } from "../chain.js";
import { FeeKind } from "../../../lib/model/feePolicies.js";
import { type BenchResults, DAY, HISTORY_DAYS, ratio, WHOLE_WINDOW_DAYS } from "./results.js";

/** Open-interest reports per day: one on each 6-hour bucket boundary. */
const REPORTS_PER_DAY = 4;

export async function benchOpenInterestHistory(results: BenchResults): Promise<void> {
  for (const days of HISTORY_DAYS) {
    const { ethers, clock } = await createChain();
    const policy = await ethers.deployContract("TargetBandsPolicy", [SPIN_BANDS]);
    const suite = await deployFund(ethers, { policy: await policy.getAddress() });
    await registerMarket(suite, usdc(1_000_000));
    await seed(suite, usdc(10_000));
    await suite.usdc.mint(suite.exchange.address, usdc(1_000_000));
    await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, MAX_UINT128);
    const fund = suite.fund.connect(suite.exchange);
    // Four reports a day, one on each 6-hour bucket boundary, each a different amount (an unchanged one is not
    // written).
    const openInterest = (report: number) => usdc(1_000_000) + usdc(1_000) * BigInt(report);
    const reports = days * REPORTS_PER_DAY;
    for (let report = 0; report < reports; report++) {
      clock.at(T0 + (report * DAY) / REPORTS_PER_DAY);
      await fund.recordOpenInterest(MARKET_ID, openInterest(report));
    }
    // At the next boundary: read the average, hand in a fee (which reads the fund state, average included),
    // then report (crossing one boundary, as every report before).
    clock.at(T0 + days * DAY);
    const average = Number(await suite.fund.averageOpenInterest.estimateGas());
    const collect = await gasOf(fund.collectFee(MARKET_ID, FeeKind.TradingFee, usdc(2)));
    const record = await gasOf(fund.recordOpenInterest(MARKET_ID, openInterest(reports)));

    const entries = { averageOpenInterest: average, collectFee: collect, record };
    for (const [name, value] of Object.entries(entries)) results.gas[`oiHistory.${days}d.${name}`] = value;
  }
  // Each column's ratio to the first row of its O(1) series (see constantSeries).
  const [recordBase, windowBase] = [HISTORY_DAYS[0], WHOLE_WINDOW_DAYS[0]];
  const cell = (days: number, name: string, base: number) => {
    const value = results.gas[`oiHistory.${days}d.${name}`];
    return [value, ratio(value, results.gas[`oiHistory.${base}d.${name}`])];
  };
  const rows = HISTORY_DAYS.map((days) => [
    `${days} day${days === 1 ? "" : "s"}`,
    ...cell(days, "record", recordBase),
    ...cell(days, "averageOpenInterest", windowBase),
    ...cell(days, "collectFee", windowBase),
  ]);
  results.table(
    "Open-interest recording and the 7-day average vs history",
    "Four reports a day for N days (time warped), one on each 6-hour bucket boundary, then, at the next " +
      "boundary: an estimateGas of averageOpenInterest(), a collectFee under TargetBandsPolicy (it reads " +
      "fundState(), the average included; measured from its receipt, since an estimate searches the lowest gas " +
      "limit that succeeds and the fund's policy fallback succeeds on less), and the next report. Ratios are to " +
      "the first row of their O(1) series, which must stay within 2 %. The report's series starts at 1 day (the " +
      "fund's constructor filled the checkpoint ring, so no report writes a slot for the first time). The " +
      "average's and the fee's start at 30 days, the first row with a whole window of history: with less, the " +
      "average is the exact one since the first report (it finds no checkpoint at the window's start, reads the " +
      "first report's time and no second checkpoint), so at 1 day both cost a little less (ratio below 1).",
    ["history", "recordOpenInterest", "ratio", "averageOpenInterest (estimate)", "ratio", "collectFee", "ratio"],
    rows,
  );
}
