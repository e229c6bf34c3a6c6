// Gas benchmark of the insurance-fund module on the in-process chain.
//
//   npm run bench          measures everything, prints the tables, writes reports/bench.md, and compares with
//                          gas-snapshot.json (writes it only if there is none yet)
//   npm run bench:update   the same, and rewrites gas-snapshot.json (commit it)
//   npm run bench:check    measures again (CI: .ci/run) and fails if an entry costs more than 2 % above
//                          gas-snapshot.json, if an entry is missing from it, or if an O(1) series is off by more
//                          than 2 %; a lower figure passes with a note to update the snapshot
//
// `hardhat run` takes no script arguments: the mode is the npm script's name (npm sets npm_lifecycle_event),
// or BENCH_MODE (report | update | check) when set; BENCH_POSITIONS (e.g. "1,100,10000") sets the
// open-position counts.
//
// The 10,000-position case is part of bench:check: the positions are opened by `BenchTrader` contracts
// (contracts/test/bench/BenchTraders.sol), 50 per transaction, each calling the exchange's `deposit` and `trade`
// itself; that takes about 75 s on this project's shared 2-core machine. One transaction per position from
// impersonated accounts took 2 to 3.5 minutes (the in-process chain's time per block grows with its state),
// and queuing many transactions per block is slower still (every transaction sent while automining is off
// re-runs the pending block). For a quick look: `BENCH_POSITIONS=1,100 npm run bench:check`.
//
// Gas is deterministic here: every figure is the gasUsed of a receipt (or an estimate of a view), on a fresh
// chain per scenario, under the hardfork the contracts are compiled for (cancun), with every block's
// timestamp set explicitly (the open-interest window's gas depends on time). So bench:check compares exact
// numbers, not timings. All figures include the transaction's 21,000 and calldata gas unless a column says
// "inside": those are the gas used within a callee, from the transaction trace.

import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

import type { ContractTransactionResponse } from "ethers";

import { deployExchange, type ExchangeSuite, MARKET_ID } from "../test/helpers/exchangeFixture.js";
import { deployFund, type FundSuite, registerMarket, seed } from "../test/helpers/fundFixture.js";
import { SPIN_BANDS } from "../test/helpers/model/feePolicies.js";
import { MAX_UINT128, usdc, wad } from "../test/helpers/units.js";
import {
  BENCH_HARDFORK,
  type CallGas,
  callsOf,
  Clock,
  createChain,
  type Ethers,
  gasOf,
  intrinsicGas,
  T0,
} from "./lib/chain.js";

// ================================================================ settings

const MODES: Record<string, string> = { "bench:update": "update", "bench:check": "check" };
const MODE = process.env.BENCH_MODE ?? MODES[process.env.npm_lifecycle_event ?? ""] ?? "report";
const ALL_POSITION_COUNTS = [1, 100, 10_000];
const POSITION_COUNTS =
  process.env.BENCH_POSITIONS !== undefined ? process.env.BENCH_POSITIONS.split(",").map(Number) : ALL_POSITION_COUNTS;
const HISTORY_DAYS = [1, 30, 365];
/** Open-interest reports per day in the history benchmark: one on each 6-hour bucket boundary. */
const REPORTS_PER_DAY = 4;
/** The history lengths with a whole 7-day window behind the read: the average's O(1) series starts there. */
const WHOLE_WINDOW_DAYS = HISTORY_DAYS.filter((days) => days > 7);
const TOLERANCE = 0.02;
const SNAPSHOT_PATH = path.resolve("gas-snapshot.json");
const REPORT_PATH = path.resolve("reports/bench.md");

const HOUR = 3_600;
/**
 * Each of the N positions that share the socialized loss. With one position, its settlement pays the whole
 * loss: were it exact, the market's and the exchange's unsettled-loss counters would drop to zero and refund
 * 2 x 4,800 gas, which only the last settlement of a market gets. 0.03 does not divide the loss, so the
 * rounded-up charge leaves them at -1 and the one-position figure compares like for like.
 */
const SHORT_SIZE = wad("0.03");
const TRADERS_PER_TRANSACTION = 50;
const DAY = 86_400;
const TRADING_FEE = 0;
const LIQUIDATION_PENALTY = 1;

/** Every figure, by a stable key: what gas-snapshot.json holds. */
const gas: Record<string, number> = {};
/** Markdown tables, in order. */
const sections: string[] = [];

function table(title: string, intro: string, header: string[], rows: (string | number)[][]): void {
  const cell = (v: string | number) => (typeof v === "number" ? v.toLocaleString("en-US") : v);
  const lines = [
    `## ${title}`,
    "",
    intro,
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    "",
  ];
  sections.push(lines.join("\n"));
  console.log(`\n${lines.join("\n")}`);
}

const ratio = (value: number, first: number) => (value / first).toFixed(3);

// ================================================================ 1. the fund's exchange-facing calls

/** A fund whose exchange is an account (signer 3) that calls it directly, with fees and history behind it. */
async function fundSuite(ethers: Ethers, clock: Clock, policy: string): Promise<FundSuite> {
  const suite = await deployFund(ethers, { policy });
  await registerMarket(suite, usdc(5_000));
  await seed(suite, usdc(10_000));
  await suite.usdc.mint(suite.exchange.address, usdc(1_000_000));
  await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, MAX_UINT128);
  // The liquidator and the exchange hold tokens already, as they do after the first day.
  await suite.usdc.mint(suite.bob.address, usdc(1));
  // History: ten days of daily open-interest reports, and one fee of each kind (the treasury's accrual is no
  // longer zero). Ten days cross 36 bucket boundaries: every slot of the 30-checkpoint ring has been written.
  for (let day = 0; day < 10; day++) {
    clock.at(T0 + day * DAY);
    await suite.fund.connect(suite.exchange).recordOpenInterest(MARKET_ID, usdc(1_000_000) + usdc(day));
  }
  clock.advance(HOUR);
  await suite.fund.connect(suite.exchange).collectFee(MARKET_ID, TRADING_FEE, usdc(2));
  await suite.fund.connect(suite.exchange).collectFee(MARKET_ID, LIQUIDATION_PENALTY, usdc(10));
  return suite;
}

function claim(suite: FundSuite, shortfall: bigint, reward: bigint, openBase: bigint) {
  return {
    account: suite.carol.address,
    shortfall,
    liquidator: suite.bob.address,
    reward,
    liquidatedNotional: usdc(100_000),
    openBase,
  };
}

async function benchFundCalls(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const [policyName, deploy] of [
    ["FixedSharePolicy(5000, 5000)", (e: Ethers) => e.deployContract("FixedSharePolicy", [5_000n, 5_000n])],
    ["TargetBandsPolicy(Spin), band 0", (e: Ethers) => e.deployContract("TargetBandsPolicy", [SPIN_BANDS])],
  ] as const) {
    const key = policyName.startsWith("Fixed") ? "fixedShare" : "targetBands";
    const { ethers, clock } = await createChain();
    const policy = await (await deploy(ethers)).getAddress();
    const suite = await fundSuite(ethers, clock, policy);
    const fund = suite.fund.connect(suite.exchange);
    clock.advance(HOUR);
    gas[`fund.collectFee.tradingFee.${key}`] = await gasOf(fund.collectFee(MARKET_ID, TRADING_FEE, usdc(2)));
    gas[`fund.collectFee.penalty.${key}`] = await gasOf(fund.collectFee(MARKET_ID, LIQUIDATION_PENALTY, usdc(10)));
    rows.push([`collectFee(trading fee, 2 USDC), ${policyName}`, gas[`fund.collectFee.tradingFee.${key}`]]);
    rows.push([`collectFee(liquidation penalty, 10 USDC), ${policyName}`, gas[`fund.collectFee.penalty.${key}`]]);
    if (key === "targetBands") continue;
    // After ten days of daily reports, the last at 00:00: a report at 02:00 (the same 6-hour bucket), then one
    // at 06:30 (one bucket boundary crossed: one checkpoint written over an older one).
    gas["fund.recordOpenInterest.sameBucket"] = await gasOf(fund.recordOpenInterest(MARKET_ID, usdc(1_000_100)));
    clock.advance(4 * HOUR + 30 * 60);
    gas["fund.recordOpenInterest.nextBucket"] = await gasOf(fund.recordOpenInterest(MARKET_ID, usdc(1_000_200)));
    rows.push(
      [
        "recordOpenInterest, 2 hours after the last report (same 6-hour bucket)",
        gas["fund.recordOpenInterest.sameBucket"],
      ],
      ["recordOpenInterest, at 06:30 (one bucket boundary crossed)", gas["fund.recordOpenInterest.nextBucket"]],
    );

    // Warm-up: one bankruptcy the fund covers, one it covers up to the limit and socializes the rest; then the
    // limit is raised by 1,200 USDC and the fund refilled. insurancePaid, lossIndex and the liquidator's
    // balance are no longer zero.
    await fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(100), usdc(10), wad(10)));
    await fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(10_000), 0n, wad(10)));
    await suite.fund.connect(suite.governor).raiseInsuranceLimit(MARKET_ID, usdc(6_200));
    await seed(suite, usdc(10_000));

    gas["fund.coverBankruptcy.fullyCovered"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(200), usdc(20), wad(10))),
    );
    // 980 USDC of the limit is left: a 2,000 USDC shortfall is partly covered, the rest socialized.
    gas["fund.coverBankruptcy.partlyCovered"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(2_000), usdc(20), wad(10))),
    );
    gas["fund.coverBankruptcy.socialized"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(500), usdc(20), wad(10))),
    );
    gas["fund.coverBankruptcy.badDebt"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(500), usdc(20), 0n)),
    );
    gas["fund.positionLoss.estimateGas"] = Number(await suite.fund.positionLoss.estimateGas(MARKET_ID, wad(1), 0n));
    rows.push(
      ["coverBankruptcy, fully covered (reward and shortfall paid)", gas["fund.coverBankruptcy.fullyCovered"]],
      ["coverBankruptcy, partly covered (limit reached, rest socialized)", gas["fund.coverBankruptcy.partlyCovered"]],
      ["coverBankruptcy, socialized (limit used up, nothing paid)", gas["fund.coverBankruptcy.socialized"]],
      ["coverBankruptcy, bad debt (no open positions; first bad debt)", gas["fund.coverBankruptcy.badDebt"]],
      ["positionLoss (estimateGas of the view)", gas["fund.positionLoss.estimateGas"]],
    );
  }
  table(
    "The fund's exchange-facing calls",
    "Called directly by the market's exchange (an account), each in steady state: the fund has had fees, an " +
      "open-interest report and earlier bankruptcies, so no measured write goes from zero to non-zero except " +
      "the first bad debt. Transaction gasUsed, 21,000 and calldata included.",
    ["call", "gas"],
    rows,
  );
}

// ================================================================ 2. trades through the reference exchange

/** The gas of the exchange's calls to the fund inside a transaction, by function, and the fee's transfer. */
function moduleGas(root: CallGas, exchange: string, fund: string) {
  const byFunction: Record<string, number> = {};
  let total = 0;
  let feeTransfer = 0;
  const walk = (c: CallGas) => {
    if (c.from === exchange && c.to === fund) {
      byFunction[c.fn] = (byFunction[c.fn] ?? 0) + c.gas;
      total += c.gas;
      for (const inner of c.inner) if (inner.fn === "transferFrom") feeTransfer += inner.gas;
      return;
    }
    c.inner.forEach(walk);
  };
  walk(root);
  return { total, byFunction, feeTransfer };
}

const WITH_AND_WITHOUT = ["gas", "module (inside the fund)", "module share", "without the module"];

/** A row's start: the label, the transaction's gas, the module's part of it, its share, and the rest. */
function withAndWithout(txGas: number, moduleTotal: number, label: string): (string | number)[] {
  return [label, txGas, moduleTotal, `${((moduleTotal / txGas) * 100).toFixed(1)} %`, txGas - moduleTotal];
}

async function benchTrades(): Promise<void> {
  const { ethers, clock } = await createChain();
  const s = await deployExchange(ethers);
  const interfaces = { [s.fundAddress]: s.fund.interface, [await s.quote.getAddress()]: s.quote.interface };
  for (const who of [s.alice, s.bob, s.carol, s.dave]) await s.depositFor(who, usdc(10_000));
  // A market with ten days of history: Alice long 1 and Bob short 2 from day 0, Dave trading 0.1 each day
  // (the open interest changes daily). The measured trades follow on day 10, an hour apart, all in the
  // 6-hour bucket of the day's first report, as most trades of a busy market are.
  clock.at(T0);
  await s.exchange.connect(s.alice).trade(MARKET_ID, wad(1));
  await s.exchange.connect(s.bob).trade(MARKET_ID, -wad(2));
  for (let day = 1; day <= 10; day++) {
    clock.at(T0 + day * DAY);
    await s.exchange.connect(s.dave).trade(MARKET_ID, day % 2 === 1 ? wad("0.1") : -wad("0.1"));
  }

  /**
   * An hour later, sends `send`'s transaction and records its gas and the module's part as `<key>.tx` and
   * `<key>.module`. Returns the table row's start (see `withAndWithout`), the calls by function, and the gas of
   * the fund's fee pull.
   */
  const traced = async (key: string, label: string, send: () => Promise<ContractTransactionResponse>) => {
    clock.advance(HOUR);
    const receipt = (await (await send()).wait())!;
    const calls = await callsOf(ethers, receipt.hash, interfaces);
    const m = moduleGas(calls, s.exchangeAddress.toLowerCase(), s.fundAddress.toLowerCase());
    gas[`${key}.tx`] = Number(receipt.gasUsed);
    gas[`${key}.module`] = m.total;
    const byCall = Object.entries(m.byFunction)
      .map(([fn, g]) => `${fn} ${g.toLocaleString("en-US")}`)
      .join(", ");
    return { row: [...withAndWithout(Number(receipt.gasUsed), m.total, label), byCall], feeTransfer: m.feeTransfer };
  };

  const rows: (string | number)[][] = [];
  const measure = async (key: string, label: string, who: typeof s.alice, size: bigint) => {
    const { row, feeTransfer } = await traced(`trade.${key}`, label, () =>
      s.exchange.connect(who).trade(MARKET_ID, size),
    );
    gas[`trade.${key}.feeTransfer`] = feeTransfer;
    rows.push([...row, feeTransfer]);
  };
  await measure("open", "open (a new account, 1 long)", s.carol, wad(1));
  await measure("increase", "increase (1 more long)", s.alice, wad(1));
  await measure("reduce", "reduce (0.5 of a 2 long)", s.alice, -wad("0.5"));
  await measure("close", "close (a whole 2 short)", s.bob, wad(2));

  // The floor for moving a fee at all: a plain transferFrom of the same token, in the same state shape as the
  // fund's pull (allowance unlimited, both balances non-zero before and after).
  await s.quote.mint(s.alice.address, usdc(100));
  await s.quote.connect(s.alice).approve(s.dave.address, MAX_UINT128);
  clock.advance(HOUR);
  const plain = await s.quote.connect(s.dave).transferFrom(s.alice.address, s.fundAddress, usdc(2));
  const plainGas = Number((await plain.wait())!.gasUsed);
  const plainExecution = plainGas - intrinsicGas(plain.data);
  gas["erc20.transferFrom.tx"] = plainGas;
  gas["erc20.transferFrom.execution"] = plainExecution;

  table(
    "Per trade through the reference exchange",
    "FixedSharePolicy(5000, 5000); a market with ten days of daily trades behind it and three open positions. " +
      '"module" is the gas used inside the fund by the exchange\'s calls to it (positionLoss/lossIndex, ' +
      "collectFee with its token pull and policy call, recordOpenInterest), from the transaction trace; " +
      '"without the module" is the rest, the exchange\'s own trade (which also pays 100-2,600 gas per CALL to ' +
      'the fund). "fee pull" is the fund\'s transferFrom inside collectFee. A plain ' +
      `ERC-20 transferFrom of the same token in the same run costs ${plainGas.toLocaleString("en-US")} as a ` +
      `transaction, ${plainExecution.toLocaleString("en-US")} without the 21,000 and calldata: the floor for ` +
      "moving a fee at all.",
    ["trade", ...WITH_AND_WITHOUT, "by call", "fee pull", "module ÷ plain transferFrom"],
    rows.map((r) => [...r, (Number(r[2]) / plainExecution).toFixed(2)]),
  );

  // Liquidations in the same market: two accounts open 4 long at 2,000 on 1,000 USDC (collateral 992 after the
  // fee). At 1,900 one is liquidatable and solvent (equity 592 of 992); at 1,700 the other is bankrupt
  // (equity -208), and the fund, holding 10,000, covers its shortfall and its liquidator's reward.
  const [erin, frank] = (await ethers.getSigners()).slice(12, 14);
  const liquidations: (string | number)[][] = [];
  const measureLiquidation = async (key: string, label: string, account: string) => {
    const { row } = await traced(`liquidation.${key}`, label, () =>
      s.exchange.connect(s.dave).liquidate(account, MARKET_ID),
    );
    liquidations.push(row);
  };
  clock.advance(HOUR);
  for (const who of [erin, frank]) {
    await s.depositFor(who, usdc(1_000));
    await s.exchange.connect(who).trade(MARKET_ID, wad(4));
  }
  await s.setPrice(1_900);
  await measureLiquidation("solvent", "solvent (penalty 76: 38 to the liquidator, 38 split)", erin.address);
  await s.setPrice(1_700);
  await measureLiquidation("bankrupt", "bankrupt, covered by the fund (shortfall 208, reward)", frank.address);
  table(
    "Per liquidation through the reference exchange",
    'The market of the trades above; Dave liquidates. "module" is the gas used inside the fund by the ' +
      "exchange's calls to it, from the trace (a solvent liquidation hands the penalty's rest to collectFee; a " +
      "bankrupt one calls coverBankruptcy, which pays the liquidator's reward and the shortfall); \"without the " +
      "module\" is the rest of the transaction, what the exchange's own liquidation costs (plus 100-2,600 gas " +
      "per CALL to the fund).",
    ["liquidation", ...WITH_AND_WITHOUT, "by call"],
    liquidations,
  );
}

// ================================================================ 3. socialization and settlement vs open positions

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

async function benchPositions(): Promise<void> {
  const rows: (string | number)[][] = [];
  const first: Record<string, number> = {};
  for (const count of POSITION_COUNTS) {
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
    ).byFunction.coverBankruptcy;
    const socialized = (await s.exchange.market(MARKET_ID)).unsettledSocializedLoss;
    if (socialized <= 0n) throw new Error("nothing was socialized");
    if ((await s.exchange.position(shorts[0], MARKET_ID)).baseWad !== -SHORT_SIZE) throw new Error("no position");
    const settle = await gasOf(s.exchange.connect(s.dave).settle(shorts[0], MARKET_ID));
    if ((await s.exchange.market(MARKET_ID)).unsettledSocializedLoss === 0n) throw new Error("counters cleared");

    const entries = { liquidation: Number(receipt.gasUsed), coverBankruptcy: cover, settle };
    for (const [name, value] of Object.entries(entries)) {
      gas[`positions.${count}.${name}`] = value;
      first[name] ??= value;
    }
    rows.push([
      count,
      entries.liquidation,
      ratio(entries.liquidation, first.liquidation),
      entries.coverBankruptcy,
      ratio(entries.coverBankruptcy, first.coverBankruptcy),
      entries.settle,
      ratio(entries.settle, first.settle),
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
    ]);
  }
  table(
    "Socialization and settlement vs open positions",
    "N accounts (BenchTrader contracts, 50 created per transaction) each short 0.03 through the exchange's " +
      "deposit and trade, then Alice's long of 4 goes bankrupt " +
      "at 1,700 (equity -200 USDC); the market's insurance limit is 100 USDC, so the fund pays part and " +
      'socializes the rest over the N shorts. "liquidation" is the whole liquidate transaction, ' +
      '"coverBankruptcy" the fund\'s part inside it; "settle" is exchange.settle of one short afterwards ' +
      "(it pays its share). Every set-up transaction has the same timestamp, so the open-interest window is in " +
      "the same state for every N. Must stay within 2 % of the first column (O(1)).",
    ["open positions", "liquidation", "ratio", "coverBankruptcy (inside)", "ratio", "settle", "ratio", "set-up time"],
    rows,
  );
}

// ================================================================ 4. open-interest history

async function benchOpenInterestHistory(): Promise<void> {
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
    const collect = await gasOf(fund.collectFee(MARKET_ID, TRADING_FEE, usdc(2)));
    const record = await gasOf(fund.recordOpenInterest(MARKET_ID, openInterest(reports)));

    const entries = { averageOpenInterest: average, collectFee: collect, record };
    for (const [name, value] of Object.entries(entries)) gas[`oiHistory.${days}d.${name}`] = value;
  }
  // Each column's ratio to the first row of its O(1) series (see constantSeries).
  const [recordBase, windowBase] = [HISTORY_DAYS[0], WHOLE_WINDOW_DAYS[0]];
  const cell = (days: number, name: string, base: number) => {
    const value = gas[`oiHistory.${days}d.${name}`];
    return [value, ratio(value, gas[`oiHistory.${base}d.${name}`])];
  };
  const rows = HISTORY_DAYS.map((days) => [
    `${days} day${days === 1 ? "" : "s"}`,
    ...cell(days, "record", recordBase),
    ...cell(days, "averageOpenInterest", windowBase),
    ...cell(days, "collectFee", windowBase),
  ]);
  table(
    "Open-interest recording and the 7-day average vs history",
    "Four reports a day for N days (time warped), one on each 6-hour bucket boundary, then, at the next " +
      "boundary: an estimateGas of averageOpenInterest(), a collectFee under TargetBandsPolicy (it reads " +
      "fundState(), the average included; measured from its receipt, since an estimate searches the lowest gas " +
      "limit that succeeds and the fund's policy fallback succeeds on less), and the next report. Ratios are to " +
      "the first row of their O(1) series, which must stay within 2 %. The report's series starts at 1 day (the " +
      "fund's constructor filled the checkpoint ring, so no report writes a slot for the first time). The " +
      "average's and the fee's start at 30 days, the first row with a whole window of history: with less, the " +
      "average is the exact one since the first report and reads no checkpoint, so at 1 day both cost less " +
      "(ratio below 1).",
    ["history", "recordOpenInterest", "ratio", "averageOpenInterest (estimate)", "ratio", "collectFee", "ratio"],
    rows,
  );
}

// ================================================================ snapshot and checks

interface Snapshot {
  comment: string;
  hardfork: string;
  solc: string;
  gas: Record<string, number>;
}

/**
 * The O(1) series: within 2 % of the series' first entry. The open-interest report from 1 day of history on;
 * the average and the fee that reads it from 30 days on (a whole window): with less than a window the average
 * is the exact one since the first report and reads no checkpoint, so the 1-day figures are lower, and shown.
 */
function constantSeries(): string[] {
  const problems: string[] = [];
  const series = [
    ...["liquidation", "coverBankruptcy", "settle"].map((n) => POSITION_COUNTS.map((c) => `positions.${c}.${n}`)),
    HISTORY_DAYS.map((d) => `oiHistory.${d}d.record`),
    ...["averageOpenInterest", "collectFee"].map((n) => WHOLE_WINDOW_DAYS.map((d) => `oiHistory.${d}d.${n}`)),
  ];
  for (const keys of series) {
    const base = gas[keys[0]];
    for (const key of keys.slice(1)) {
      const change = gas[key] / base - 1;
      if (Math.abs(change) > TOLERANCE) {
        problems.push(`${key}: ${gas[key]} is ${(change * 100).toFixed(2)} % off ${keys[0]} (${base}): not O(1)`);
      }
    }
  }
  return problems;
}

function compareWithSnapshot(snapshot: Snapshot | undefined): { failures: string[]; notes: string[] } {
  const failures: string[] = [];
  const notes: string[] = [];
  if (snapshot === undefined) return { failures: ["no gas-snapshot.json: run `npm run bench:update`"], notes };
  for (const [key, value] of Object.entries(gas)) {
    const before = snapshot.gas[key];
    if (before === undefined) {
      failures.push(`${key}: ${value} is not in gas-snapshot.json (run \`npm run bench:update\` and commit it)`);
      continue;
    }
    const change = value / before - 1;
    const text = `${key}: ${before} -> ${value} (${change >= 0 ? "+" : ""}${(change * 100).toFixed(2)} %)`;
    if (change > TOLERANCE) failures.push(`regression above 2 %: ${text}`);
    else if (change > 0) notes.push(`up, within 2 %: ${text}`);
    else if (change < 0) notes.push(`improved: ${text}`);
  }
  const measuredPositions = new Set(POSITION_COUNTS.map(String));
  for (const key of Object.keys(snapshot.gas)) {
    if (key in gas) continue;
    const [group, count] = key.split(".");
    if (group === "positions" && !measuredPositions.has(count)) notes.push(`not measured this run: ${key}`);
    else failures.push(`${key} is in gas-snapshot.json but was not measured`);
  }
  return { failures, notes };
}

async function main(): Promise<void> {
  const started = Date.now();
  await benchFundCalls();
  await benchTrades();
  await benchPositions();
  await benchOpenInterestHistory();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  const { version: solc } = JSON.parse(readFileSync(path.resolve("node_modules/solc/package.json"), "utf8"));
  const snapshot: Snapshot | undefined = existsSync(SNAPSHOT_PATH)
    ? JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8"))
    : undefined;
  const oneOverProblems = constantSeries();
  const { failures, notes } = compareWithSnapshot(snapshot);

  mkdirSync(path.dirname(REPORT_PATH), { recursive: true });
  const header =
    `# Gas benchmark\n\nsolc ${solc}, optimizer 10,000 runs, hardfork ${BENCH_HARDFORK}, ` +
    `measured ${new Date().toISOString()} in ${seconds} s (\`npm run bench\`).\n`;
  writeFileSync(REPORT_PATH, [header, ...sections].join("\n"));
  console.log(`\nWrote ${path.relative(process.cwd(), REPORT_PATH)} (${seconds} s).`);

  for (const problem of oneOverProblems) console.error(`O(1) VIOLATED: ${problem}`);
  const fullRun = POSITION_COUNTS.join(",") === ALL_POSITION_COUNTS.join(",");
  if (MODE === "update" || (MODE === "report" && snapshot === undefined && fullRun)) {
    if (!fullRun) throw new Error("BENCH_POSITIONS is set: the snapshot is only written from a full run");
    const next: Snapshot = {
      comment: "Gas of the module's calls, from scripts/bench.ts. `npm run bench:check` fails above +2 % per entry.",
      hardfork: BENCH_HARDFORK,
      solc,
      gas: Object.fromEntries(Object.entries(gas).sort(([a], [b]) => a.localeCompare(b))),
    };
    writeFileSync(SNAPSHOT_PATH, `${JSON.stringify(next, null, 2)}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), SNAPSHOT_PATH)}: commit it.`);
    return;
  }

  for (const note of notes) console.log(note);
  if (notes.some((n) => n.startsWith("improved"))) {
    console.log("Gas went down: update the snapshot with `npm run bench:update` and commit gas-snapshot.json.");
  }
  const label = MODE === "check" ? "FAILED" : "would fail bench:check";
  for (const failure of failures) console.error(`${label}: ${failure}`);
  if (MODE === "check") {
    if (failures.length > 0 || oneOverProblems.length > 0) {
      process.exitCode = 1;
      return;
    }
    console.log(`bench:check passed: ${Object.keys(gas).length} entries, none more than 2 % above gas-snapshot.json.`);
  }
}

await main();
