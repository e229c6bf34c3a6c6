// The report of one scenario run (`npm run scenario`): what happened to the fund, a table every few hours, the
// chart (fund against target, the prices, the socialized loss), what the chain check covered, and what a replay
// cannot see.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import type { TopLevelSpec } from "vega-lite";

import { USDC } from "../../../lib/units.js";
import { renderSvg } from "../demo/report.js";
import { usd } from "../demo/format.js";
import type { ChainCheck } from "./chain.js";
import { NOT_MODELLED, type RunResult, type TickRow } from "./engine.js";
import type { Scenario } from "./scenario.js";

const whole = (amount: bigint): number => Number(amount / USDC);
const answerToNumber = (answer: bigint): number => Number(answer) / 1e8;
const hours = (seconds: number): string => (seconds / 3600).toFixed(seconds % 3600 === 0 ? 0 : 1);

/** What an hourly replay cannot see, said in every run report and the README. */
export const REPLAY_LIMITS = [
  "Hourly closes hide the wicks inside the hour: the real low of 2021-05-19 was 1,850 against a lowest close of 2,234. The replay moves on a straight line between closes, plus one drawn wick per hour when the scenario sets `wicks`; the real order of highs and lows inside the hour is unknown.",
  "Keepers here act on every tick, at exactly the oracle price, with no gas war, no congestion and no failed transactions; on 2021-05-19 networks were congested and oracles lagged. A longer `keepers.intervalSeconds` is the knob for slower keepers.",
  "The traders are drawn, not the real books: their leverage, sizes and sides are the scenario's distributions, and they do not react to the crash beyond their behaviour's rules.",
  "One oracle price per market: no mark/index spread, funding payments or price impact.",
];

export interface RunReportInput {
  scenario: Scenario;
  file: string;
  seed: bigint;
  run: RunResult;
  check: ChainCheck;
  seconds: number;
}

function chartSpec(scenario: Scenario, rows: readonly TickRow[]): TopLevelSpec {
  const step = Math.max(1, Math.floor(rows.length / 400));
  const sampled = rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
  const fund = sampled.flatMap((r) => [
    { hour: r.seconds / 3600, series: "fund balance", usdc: whole(r.fundBalance) },
    { hour: r.seconds / 3600, series: "target", usdc: whole(r.target) },
    { hour: r.seconds / 3600, series: "socialized (cumulative)", usdc: whole(r.socialized) },
    { hour: r.seconds / 3600, series: "paid out (cumulative)", usdc: whole(r.paidOut) },
  ]);
  const prices = sampled.flatMap((r) =>
    scenario.markets.map((m, i) => ({ hour: r.seconds / 3600, market: m.name, price: answerToNumber(r.answers[i]) })),
  );
  const x = { field: "hour", type: "quantitative", title: "hours from the path's start (negative: warm-up)" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${scenario.name}: the fund through the path`,
    vconcat: [
      {
        width: 720,
        height: 240,
        data: { values: fund },
        mark: { type: "line", interpolate: "step-after" },
        encoding: {
          x,
          y: { field: "usdc", type: "quantitative", title: "USDC" },
          color: { field: "series", type: "nominal", title: null },
        },
      },
      {
        width: 720,
        height: 140,
        data: { values: prices },
        mark: { type: "line" },
        encoding: {
          x,
          y: { field: "price", type: "quantitative", title: "price", scale: { zero: false } },
          color: { field: "market", type: "nominal", title: null },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Writes `<dir>/scenario-<name>-<seed>.md` and its chart. */
export async function writeRunReport(input: RunReportInput, dir: string): Promise<{ markdown: string; svg: string }> {
  await mkdir(dir, { recursive: true });
  const base = `scenario-${input.scenario.name}-${input.seed}`;
  const files = { markdown: path.join(dir, `${base}.md`), svg: path.join(dir, `${base}.svg`) };
  await writeFile(files.svg, await renderSvg(chartSpec(input.scenario, input.run.rows)));
  await writeFile(files.markdown, runMarkdown(input, path.basename(files.svg)));
  return files;
}

export function runMarkdown(input: RunReportInput, svgFile: string): string {
  const { scenario, run, check } = input;
  const m = run.metrics;
  const rows = run.rows.filter((r) => r.seconds >= 0);
  const last = run.rows[run.rows.length - 1];
  const firstInPath = rows[0];
  const lines = [
    `# Scenario: ${scenario.name} (seed ${input.seed})`,
    "",
    scenario.description,
    "",
    `File: \`${input.file}\`. Policy: ${scenario.policy === "spin" ? "Spin's target bands" : "Spark's fixed shares"}; ` +
      `floor ${usd(scenario.floor)} USDC, target ${Number(scenario.targetShareBps) / 100} % of the 7-day average open ` +
      `interest; ${scenario.warmUpDays} days of warm-up at the first prices; keepers ` +
      (scenario.keeperIntervalSeconds === undefined
        ? "at every price of the path."
        : `every ${scenario.keeperIntervalSeconds} s.`),
    "",
    "| market | insurance limit | paid by the fund | traders |",
    "|---|---:|---:|---:|",
    ...scenario.markets.map((mk) => {
      const bm = run.book.market(mk.id);
      const count = mk.populations.reduce((n, p) => n + p.count, 0);
      return `| ${mk.name} | ${usd(bm.insuranceLimit)} | ${usd(bm.insurancePaid)} | ${count} |`;
    }),
    "",
    "## What happened to the fund",
    "",
    `- Liquidations after the warm-up: ${m.liquidations}, of which ${m.bankruptcies} bankrupt.`,
    `- Borne by the fund: ${usd(m.paidOut)} USDC; socialized: ${usd(m.socialized)} USDC; bad debt: ${usd(m.badDebt)} USDC.`,
    `- The fund went from ${usd(firstInPath?.fundBalance ?? 0n)} to ${usd(last.fundBalance)} USDC (target at the end ` +
      `${usd(last.target)}); deepest drawdown ${usd(m.drawdown)} USDC (${(m.drawdownBps / 100).toFixed(2)} % of its peak).`,
    `- ${
      !m.dipped
        ? "It was never below its target after a payout."
        : m.refilled
          ? `After a payout it was below its target, and back at it ${hours(m.refillSeconds!)} hours later.`
          : "After a payout it was below its target, and had not refilled to it when the path ended."
    }`,
    `- Keepers were paid ${usd(m.keeperRewards)} USDC by the exchange (every bankrupt account's whole capped reward included).`,
    ...(m.queuedByPause > 0
      ? [
          `- ${m.queuedByPause} bankrupt liquidations went through while paused; the fund's part waited as pending claims.`,
        ]
      : []),
    "",
    `![the fund through the path](${svgFile})`,
    "",
    "## Every six hours",
    "",
    "| hour | price | fund | target | open interest | paid out | socialized | liquidations | bankrupt |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows
      .filter((r, i) => r.seconds % 21_600 === 0 || i === rows.length - 1)
      .map(
        (r) =>
          `| ${hours(r.seconds)} | ${r.answers.map((a) => answerToNumber(a).toFixed(2)).join(" / ")} | ` +
          `${usd(r.fundBalance)} | ${usd(r.target)} | ${usd(r.openInterest)} | ${usd(r.paidOut)} | ` +
          `${usd(r.socialized)} | ${r.liquidations} | ${r.bankruptcies} |`,
      ),
    "",
    "## The chain and the model",
    "",
    `Played through the real contracts (Ignition's ${scenario.policy === "spark" ? "LocalSparkSuite" : "LocalSuite"} ` +
      `on the in-process chain): ${check.transactions} transactions, each at the model's timestamp. After ${check.ticks} ` +
      `ticks the fund's books were compared with the model's (${check.values} values in all: balance, treasury accrual, ` +
      `bad debt, and each market's paid insurance, loss index and bad debt; at the end every position and the ` +
      `fund's, exchange's and keepers' tokens): **they agreed to the unit**. Run time ${input.seconds.toFixed(1)} s.`,
    "",
    "## What this run cannot see",
    "",
    ...REPLAY_LIMITS.map((l) => `- ${l}`),
    `- Not modelled yet (not on main): ${NOT_MODELLED.join(", ")}.`,
    "",
  ];
  return lines.join("\n");
}
