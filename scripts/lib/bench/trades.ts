// Per trade through the reference exchange: a market with ten days of trades behind it, each measured trade's
// whole transaction and the module's part inside it; the same increase under Spin's target bands and with the
// market's fee deferral on, the deferred pull, and the module against a plain transferFrom (the targets).
// The liquidations (liquidations.ts) follow in the default market.

import type { ContractTransactionResponse } from "ethers";

import { deployExchange, type ExchangeSuite, MARKET_ID } from "../../../lib/exchangeFixture.js";
import { SPIN_BANDS } from "../../../lib/model/feePolicies.js";
import { GOVERNOR_FUNCTIONS } from "../../../lib/roles.js";
import { MAX_UINT128, usdc, wad } from "../../../lib/units.js";
import { type CallGas, callsOf, Clock, createChain, type Ethers, intrinsicGas, T0 } from "../chain.js";
import { moduleGas, WITH_AND_WITHOUT, withAndWithout } from "./module-gas.js";
import { type BenchResults, DAY, HOUR } from "./results.js";

/** How the market is set up: the fund's fee policy and the market's fee deferral. */
export interface MarketVariant {
  /** Appended to every key of the variant's figures ("" for the default market). */
  suffix: string;
  /** Deploys the fund's fee policy (default: FixedSharePolicy(5000, 5000)) and returns its address. */
  policy?: (ethers: Ethers) => Promise<string>;
  /** Turns the market's fee deferral on with this cap before the first trade. */
  deferralCap?: bigint;
}

/** The market the trades and liquidations are measured in, and how to measure one of its transactions. */
export interface TradingMarket {
  ethers: Ethers;
  clock: Clock;
  s: ExchangeSuite;
  /**
   * An hour later, sends `send`'s transaction and records its gas and the module's part as `<key>.tx<suffix>` and
   * `<key>.module<suffix>`. Returns the table row's start (see `withAndWithout`), the calls by function, the gas of
   * the fund's fee pull and the transaction's calls.
   */
  traced(
    key: string,
    label: string,
    send: () => Promise<ContractTransactionResponse>,
  ): Promise<{ row: (string | number)[]; feeTransfer: number; module: number; calls: CallGas }>;
}

/** The deferred market's cap: far above the fees of its history and of the measured trade, so that they book. */
const DEFERRAL_CAP = usdc(1_000_000);

const formatUsdc = (units: bigint) => (Number(units) / 1e6).toLocaleString("en-US");

/** setFeeDeferral is governance: the governor's role where the deployment gives it one, else the admin's. */
const DEFERRAL_SIGNATURE = "setFeeDeferral(uint256,uint128)";

/**
 * A market with ten days of history: Alice long 1 and Bob short 2 from day 0, Dave trading 0.1 each day (the open
 * interest changes daily). The measured transactions follow on day 10, an hour apart, all in the 6-hour bucket
 * of the day's first report, as most trades of a busy market are. With the deferral on, every fee of the history is
 * booked, so a measured trade finds the debt non-zero (the steady state).
 */
export async function tradingMarket(
  results: BenchResults,
  variant: MarketVariant = { suffix: "" },
): Promise<TradingMarket> {
  const { ethers, clock } = await createChain();
  const s = await deployExchange(ethers, variant.policy ? { policy: await variant.policy(ethers) } : {});
  if (variant.deferralCap !== undefined) {
    const byGovernor = (GOVERNOR_FUNCTIONS as readonly string[]).includes(DEFERRAL_SIGNATURE);
    await s.fund.connect(byGovernor ? s.governor : s.admin).setFeeDeferral(MARKET_ID, variant.deferralCap);
  }
  const interfaces = { [s.fundAddress]: s.fund.interface, [await s.quote.getAddress()]: s.quote.interface };
  for (const who of [s.alice, s.bob, s.carol, s.dave]) await s.depositFor(who, usdc(10_000));
  clock.at(T0);
  await s.exchange.connect(s.alice).trade(MARKET_ID, wad(1));
  await s.exchange.connect(s.bob).trade(MARKET_ID, -wad(2));
  for (let day = 1; day <= 10; day++) {
    clock.at(T0 + day * DAY);
    await s.exchange.connect(s.dave).trade(MARKET_ID, day % 2 === 1 ? wad("0.1") : -wad("0.1"));
  }

  const traced: TradingMarket["traced"] = async (key, label, send) => {
    clock.advance(HOUR);
    const receipt = (await (await send()).wait())!;
    const calls = await callsOf(ethers, receipt.hash, interfaces);
    const m = moduleGas(calls, s.exchangeAddress.toLowerCase(), s.fundAddress.toLowerCase());
    results.gas[`${key}.tx${variant.suffix}`] = Number(receipt.gasUsed);
    results.gas[`${key}.module${variant.suffix}`] = m.total;
    const byCall = Object.entries(m.byFunction)
      .map(([fn, g]) => `${fn} ${g.toLocaleString("en-US")}`)
      .join(", ");
    const row = [...withAndWithout(Number(receipt.gasUsed), m.total, label), byCall];
    return { row, feeTransfer: m.feeTransfer, module: m.total, calls };
  };
  return { ethers, clock, s, traced };
}

/** The module's gas per trade against a plain transferFrom's execution gas: the targets. */
const RATIO_TARGETS: [key: string, label: string, target: number][] = [
  ["trade.increase.module", "FixedSharePolicy, the fee pulled on every trade", 2.3],
  ["trade.increase.module.targetBands", "TargetBandsPolicy (Spin), the fee pulled on every trade", 3.0],
  ["trade.increase.module.deferred", "FixedSharePolicy, the fee deferred (booked as the exchange's debt)", 1.5],
];

/**
 * The trades' table and the ratio targets' table; returns the increase trade's calls (fixed share, fee pulled) for
 * the floor's table, and the ratios above their targets.
 */
export async function benchTrades(
  results: BenchResults,
  market: TradingMarket,
): Promise<{ increase: CallGas; aboveTarget: string[] }> {
  const { clock, s, traced } = market;
  const rows: (string | number)[][] = [];
  const measure = async (
    m: TradingMarket,
    suffix: string,
    key: string,
    label: string,
    who: typeof s.alice,
    size: bigint,
  ) => {
    const { row, feeTransfer, calls } = await m.traced(`trade.${key}`, label, () =>
      m.s.exchange.connect(who).trade(MARKET_ID, size),
    );
    // A deferred fee pulls nothing: no key for a zero the snapshot could not compare with.
    if (feeTransfer !== 0) results.gas[`trade.${key}.feeTransfer${suffix}`] = feeTransfer;
    rows.push([...row, feeTransfer]);
    return calls;
  };
  await measure(market, "", "open", "open (a new account, 1 long)", s.carol, wad(1));
  const increase = await measure(market, "", "increase", "increase (1 more long)", s.alice, wad(1));
  await measure(market, "", "reduce", "reduce (0.5 of a 2 long)", s.alice, -wad("0.5"));
  await measure(market, "", "close", "close (a whole 2 short)", s.bob, wad(2));

  // The floor for moving a fee at all: a plain transferFrom of the same token, in the same state shape as the
  // fund's pull (allowance unlimited, both balances non-zero before and after).
  await s.quote.mint(s.alice.address, usdc(100));
  await s.quote.connect(s.alice).approve(s.dave.address, MAX_UINT128);
  clock.advance(HOUR);
  const plain = await s.quote.connect(s.dave).transferFrom(s.alice.address, s.fundAddress, usdc(2));
  const plainGas = Number((await plain.wait())!.gasUsed);
  const plainExecution = plainGas - intrinsicGas(plain.data);
  results.gas["erc20.transferFrom.tx"] = plainGas;
  results.gas["erc20.transferFrom.execution"] = plainExecution;

  // The same increase in a market whose fund runs Spin's target bands, and in one whose fees are deferred.
  const spin = await tradingMarket(results, {
    suffix: ".targetBands",
    policy: async (e) => (await e.deployContract("TargetBandsPolicy", [SPIN_BANDS])).getAddress(),
  });
  await measure(spin, ".targetBands", "increase", "increase, TargetBandsPolicy (Spin)", spin.s.alice, wad(1));
  const deferred = await tradingMarket(results, { suffix: ".deferred", deferralCap: DEFERRAL_CAP });
  await measure(
    deferred,
    ".deferred",
    "increase",
    "increase, fee deferral on (the fee booked)",
    deferred.s.alice,
    wad(1),
  );
  if ((await deferred.s.fund.deferredFees(MARKET_ID)).fundPart === 0n) throw new Error("no fee was deferred");

  results.table(
    "Per trade through the reference exchange",
    "FixedSharePolicy(5000, 5000) unless the row says otherwise; a market with ten days of daily trades behind it " +
      'and three open positions. "module" is the gas used inside the fund by the exchange\'s one call to it ' +
      "(settleTrade: the position's socialized loss, the fee with its token pull, the open interest), from the " +
      'transaction trace; "without the module" is the rest, the exchange\'s own trade (which also pays 100-2,600 ' +
      'gas for its CALL to the fund). "fee pull" is the fund\'s transferFrom inside settleTrade. With the fee ' +
      `deferral on (cap ${formatUsdc(DEFERRAL_CAP)} USDC), every fee of the history was booked as the exchange's ` +
      "debt, so the measured trade adds to a non-zero debt and pulls nothing. A plain ERC-20 transferFrom of the " +
      `same token in the same run costs ${plainGas.toLocaleString("en-US")} as a transaction, ` +
      `${plainExecution.toLocaleString("en-US")} without the 21,000 and calldata: the floor for moving a fee at all.`,
    ["trade", ...WITH_AND_WITHOUT, "by call", "fee pull", "module ÷ plain transferFrom"],
    rows.map((r) => [...r, (Number(r[2]) / plainExecution).toFixed(2)]),
  );

  // Anyone pulls the deferred market's debt in one transferFrom: the transaction, and its execution (the fund's part).
  deferred.clock.advance(HOUR);
  const owed = await deferred.s.fund.deferredFees(MARKET_ID);
  const pull = await deferred.s.fund.connect(deferred.s.dave).pullDeferredFees(MARKET_ID);
  const pullReceipt = (await pull.wait())!;
  const pullCalls = await callsOf(deferred.ethers, pullReceipt.hash, {
    [await deferred.s.quote.getAddress()]: deferred.s.quote.interface,
  });
  const pullTransfer = pullCalls.inner.find((c) => c.fn === "transferFrom")?.gas ?? 0;
  results.gas["fund.pullDeferredFees"] = Number(pullReceipt.gasUsed);
  results.gas["fund.pullDeferredFees.module"] = Number(pullReceipt.gasUsed) - intrinsicGas(pull.data);

  const aboveTarget: string[] = [];
  const ratioRows = RATIO_TARGETS.map(([key, label, target]) => {
    const ratio = results.gas[key] / plainExecution;
    if (ratio > target) aboveTarget.push(`${key}: ${ratio.toFixed(2)} x a transferFrom, target ${target}`);
    return [label, results.gas[key], ratio.toFixed(2), `≤ ${target}`, ratio <= target ? "met" : "not met"];
  });
  const pullModule = results.gas["fund.pullDeferredFees.module"];
  ratioRows.push([
    `pullDeferredFees (debt ${formatUsdc(owed.fundPart + owed.treasuryPart)} USDC; transferFrom inside ` +
      `${pullTransfer.toLocaleString("en-US")}; the transaction ${results.gas["fund.pullDeferredFees"].toLocaleString("en-US")})`,
    pullModule,
    (pullModule / plainExecution).toFixed(2),
    "measured",
    "",
  ]);
  results.table(
    "The module per trade against a plain transferFrom",
    "The issue's targets: the module's gas in one trade (the increase above) over the plain transferFrom's " +
      `execution gas (${plainExecution.toLocaleString("en-US")}), and the deferred pull itself (the fund's ` +
      "execution: the transaction less its 21,000 and calldata).",
    ["trade", "module", "÷ plain transferFrom", "target", ""],
    ratioRows,
  );
  return { increase, aboveTarget };
}
