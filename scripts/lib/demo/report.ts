// The demo's report: a Markdown file with the story of each act, the step table and a chart (an SVG file beside
// it, drawn by Vega-Lite and rendered by Vega in Node, without a browser).
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

import { MAX_UINT128, USDC } from "../../../lib/units.js";
import { backstopLines } from "./backstop.js";
import type { Act, DemoConfig } from "./config.js";
import { bandName, millions, percent, price, tableMarkdown, usd } from "./format.js";
import { payoutLimitLines } from "./payouts.js";
import type { BucketLevel, DemoResult, DemoRow } from "./rows.js";

const FLOW_SERIES = ["income", "paid out", "socialized", "swept"];

/** Where the report went. */
export interface ReportFiles {
  markdown: string;
  svg: string;
}

/**
 * `demo-<policy>-<seed>` (`demo-<policy>-backstop-<seed>` with the backstop, `...-payout-<USDC a day>-<seed>` with a
 * payout limit): the report's base name.
 */
export function reportBaseName(config: Pick<DemoConfig, "policy" | "seed" | "backstop" | "payoutPerDay">): string {
  const payout = config.payoutPerDay ? `-payout-${config.payoutPerDay / USDC}` : "";
  return `demo-${config.policy}${config.backstop ? "-backstop" : ""}${payout}-${config.seed}`;
}

/** Writes `<dir>/demo-<policy>-<seed>.md` and the chart `<dir>/demo-<policy>-<seed>.svg`. */
export async function writeReport(result: DemoResult, dir: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  const base = reportBaseName(result.config);
  const files = { markdown: path.join(dir, `${base}.md`), svg: path.join(dir, `${base}.svg`) };
  await writeFile(files.svg, await renderChart(result));
  await writeFile(files.markdown, reportMarkdown(result, path.basename(files.svg)));
  return files;
}

// ================================================================ the chart

const whole = (amount: bigint): number => Number(amount / USDC);

/** The Vega-Lite specification of the chart: fund against target, open interest, and each day's flows. */
export function chartSpec(result: DemoResult): TopLevelSpec {
  const { rows, schedule, config } = result;
  const fund = rows.flatMap((r) => [
    { day: r.day, series: "fund balance", usdc: whole(r.fundBalance) },
    { day: r.day, series: "target", usdc: whole(r.target) },
  ]);
  const openInterest = rows.flatMap((r) => [
    { day: r.day, series: "open interest", usdc: whole(r.openInterest) },
    { day: r.day, series: "7-day average", usdc: whole(r.averageOpenInterest) },
  ]);
  const flows = rows.flatMap((r) => [
    { day: r.day, series: "income", usdc: whole(r.income) },
    { day: r.day, series: "paid out", usdc: -whole(r.paidOut) },
    { day: r.day, series: "socialized", usdc: -whole(r.socialized) },
    { day: r.day, series: "swept", usdc: -whole(r.swept) },
  ]);
  const days = rows.map((r) => r.day);
  const firstSweep = rows.find((r) => r.swept > 0n);
  const events = [
    { day: schedule.firstDrop, label: `crash -${config.firstDropBps / 100}%` },
    { day: schedule.secondDrop, label: `second drop -${config.secondDropBps / 100}%` },
    { day: schedule.windDown, label: "wind-down" },
    ...(firstSweep ? [{ day: firstSweep.day, label: "first sweep" }] : []),
  ];
  // Half a day of margin each side, so that the first and last days' bars are whole.
  const x = {
    field: "day",
    type: "quantitative",
    title: "day",
    scale: { domain: [-0.5, schedule.days + 0.5], nice: false },
    axis: { tickMinStep: 1 },
  } as const;
  const eventLayers = [
    {
      data: { name: "events" },
      mark: { type: "rule", strokeDash: [4, 4], color: "#999" },
      encoding: { x: { field: "day", type: "quantitative" as const } },
    },
    {
      data: { name: "events" },
      mark: { type: "text", align: "left", baseline: "top", dx: 3, dy: 2, color: "#666", fontSize: 10 },
      encoding: { x: { field: "day", type: "quantitative" }, y: { value: 0 }, text: { field: "label" } },
    },
  ] as const;
  const line = (name: string, title: string, domain: string[], range: string[], dash: number[][]) => ({
    width: 720,
    height: 200,
    title: { text: title, anchor: "start" as const },
    layer: [
      {
        data: { name },
        mark: { type: "line" as const, point: { size: 18 } },
        encoding: {
          x,
          y: { field: "usdc", type: "quantitative" as const, title: "USDC", axis: { format: "~s" } },
          color: { field: "series", type: "nominal" as const, title: null, scale: { domain, range } },
          // Same field as the colour: one legend shows both.
          strokeDash: { field: "series", type: "nominal" as const, title: null, scale: { domain, range: dash } },
        },
      },
      ...eventLayers,
    ],
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `Insurance fund through a market crash: ${config.policy === "spin" ? "Spin's target bands" : "Spark's fixed share"}, seed ${config.seed}`,
      anchor: "start",
    },
    datasets: { fund, openInterest, flows, events },
    config: { font: "Helvetica, Arial, sans-serif", view: { stroke: "#ddd" }, legend: { orient: "right" } },
    // Each panel has its own series: its own colours and legend.
    resolve: { scale: { color: "independent", strokeDash: "independent" }, legend: { color: "independent" } },
    vconcat: [
      line("fund", "Fund balance against its target", ["fund balance", "target"], ["#1f77b4", "#d62728"], [[], [6, 3]]),
      line("openInterest", "Open interest", ["open interest", "7-day average"], ["#2ca02c", "#9467bd"], [[], [6, 3]]),
      {
        width: 720,
        height: 180,
        title: {
          text: "Each day: the fund's income (up), its payouts, the loss it could not cover and the surplus swept (down)",
          anchor: "start",
        },
        layer: [
          {
            data: { name: "flows" },
            transform: [{ filter: "datum.usdc != 0" }],
            mark: { type: "bar" },
            encoding: {
              // Days as bands, the day's flows side by side in each.
              x: { field: "day", type: "ordinal", title: "day", scale: { domain: days }, axis: { labelAngle: 0 } },
              xOffset: { field: "series", scale: { domain: FLOW_SERIES } },
              // Symmetric log: a day's income is thousands, a socialized loss hundreds of thousands.
              y: {
                field: "usdc",
                type: "quantitative",
                title: "USDC (symlog)",
                scale: { type: "symlog", constant: 1000 },
                axis: { format: "~s", values: [-1e6, -1e5, -1e4, -1e3, 0, 1e3, 1e4, 1e5] },
              },
              color: {
                field: "series",
                type: "nominal",
                title: null,
                scale: { domain: FLOW_SERIES, range: ["#2ca02c", "#d62728", "#ff7f0e", "#7f7f7f"] },
              },
            },
          },
          {
            data: { name: "events" },
            mark: { type: "rule", strokeDash: [4, 4], color: "#999" },
            encoding: { x: { field: "day", type: "ordinal", bandPosition: 0 } },
          },
        ],
      },
    ],
  } as TopLevelSpec;
}

/** The chart as an SVG document, rendered headless (`renderer: "none"`). */
export async function renderChart(result: DemoResult): Promise<string> {
  return renderSvg(chartSpec(result));
}

/** A Vega-Lite chart as an SVG document, rendered headless (the risk lab's charts too). */
export async function renderSvg(liteSpec: TopLevelSpec): Promise<string> {
  const spec = compile(liteSpec, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: "none", logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// ================================================================ the story

const sum = (rows: readonly DemoRow[], pick: (row: DemoRow) => bigint): bigint =>
  rows.reduce((total, row) => total + pick(row), 0n);
const count = (rows: readonly DemoRow[], pick: (row: DemoRow) => number): number =>
  rows.reduce((total, row) => total + pick(row), 0);
const maxOf = (rows: readonly DemoRow[], pick: (row: DemoRow) => bigint): bigint =>
  rows.reduce((best, row) => (pick(row) > best ? pick(row) : best), 0n);

function daysOf(rows: readonly DemoRow[], acts: readonly Act[]): DemoRow[] {
  return rows.filter((row) => acts.includes(row.act));
}

function span(rows: readonly DemoRow[]): string {
  if (rows.length === 0) return "no day";
  const first = rows[0].day;
  const last = rows[rows.length - 1].day;
  return first === last ? `day ${first}` : `days ${first}-${last}`;
}

/** One paragraph per act, written from the rows. */
export function narrative(result: DemoResult): string[] {
  const { rows, schedule, config } = result;
  const policy = config.policy;
  const limit = rows[0].insuranceLimit;
  const before = (day: number) => rows[day - 1];
  const money = (amount: bigint) => `${usd(amount)} USDC`;
  const paragraphs: string[] = [];

  const setup = rows[0];
  const styles = { degen: 0, swing: 0, whale: 0 };
  for (const trader of result.traders) styles[trader.style] += 1;
  paragraphs.push(
    `**Setup (day 0).** Ignition's ${config.backstop ? "LocalBackstopSuite" : policy === "spin" ? "LocalSuite" : "LocalSparkSuite"} module deployed the suite ` +
      `with ${policy === "spin" ? "Spin's target bands" : "Spark's fixed share"} and the reference exchange's ETH-PERP, ` +
      `whose insurance limit is set to ${money(limit)}: the most the fund will ever pay for this market. The fund was ` +
      `seeded with its ${money(setup.deposited)} floor by a plain deposit, and ${result.traders.length} traders ` +
      `(${styles.degen} degens at 8-9.4x, ${styles.swing} swing traders at 3-6.5x, ${styles.whale} whales at 1.5-3.5x) ` +
      `deposited their collateral.`,
  );

  const trading = daysOf(rows, ["trading"]);
  const lastTrading = trading[trading.length - 1];
  paragraphs.push(
    `**Trading (${span(trading)}).** ${count(trading, (r) => r.trades)} trades moved ${millions(sum(trading, (r) => r.volume))} ` +
      `of notional while ETH went from ${price(setup.priceWad)} to ${price(lastTrading.priceWad)}; open interest ` +
      `peaked at ${millions(maxOf(trading, (r) => r.openInterest))}. The fund's share of fees and penalties brought it ` +
      `${money(sum(trading, (r) => r.income))}: it ended the act at ${money(lastTrading.fundBalance)}, ` +
      `${percent(lastTrading.ratioBps)} of the 7-day average open interest (band ${bandName(lastTrading.band, policy)}), ` +
      `against a target of ${money(lastTrading.target)}.`,
  );

  const crash = rows[schedule.firstDrop];
  paragraphs.push(
    `**Crash (day ${crash.day}).** ETH gapped down ${config.firstDropBps / 100} %, from ${price(crash.gapFromWad)} to ` +
      `${price(crash.gapToWad)}, and closed the day at ${price(crash.priceWad)}. Keepers liquidated ${crash.liquidations} accounts, ` +
      `${crash.bankruptcies} of them bankrupt, and the exchange paid them ${money(crash.keeperRewards)} ` +
      `(${money(crash.bankruptKeeperRewards)} of it the capped rewards of bankrupt accounts, from its own tokens). ` +
      `The fund bore ${money(crash.fundRewards)} of those rewards and ${money(crash.fundShortfalls)} of shortfalls ` +
      `(${money(crash.paidToExchange)} paid to the exchange${pendingText(crash, money)}), ` +
      `${money(crash.insurancePaid)} of the market's ${money(limit)} limit used so far, and nothing was socialized. ` +
      `The penalties of solvent liquidations and the day's fees brought it ${money(crash.income)}: it closed the day ` +
      `at ${money(crash.fundBalance)}.`,
  );

  const aftershock = daysOf(rows, ["aftershock"]);
  if (aftershock.length > 0) {
    paragraphs.push(
      `**Aftershock (${span(aftershock)}).** Traders bought the dip: ${count(aftershock, (r) => r.trades)} trades, ` +
        `open interest back to ${millions(aftershock[aftershock.length - 1].openInterest)}; ` +
        `${count(aftershock, (r) => r.liquidations)} more liquidations, the fund at ` +
        `${money(aftershock[aftershock.length - 1].fundBalance)}.`,
    );
  }

  const second = rows[schedule.secondDrop];
  const paidBefore = before(second.day).insurancePaid;
  paragraphs.push(
    `**Second drop (day ${second.day}).** ETH fell another ${config.secondDropBps / 100} % in one gap, from ` +
      `${price(second.gapFromWad)} to ${price(second.gapToWad)}. ` +
      `${second.liquidations} liquidations, ${second.bankruptcies} bankrupt, and every keeper was paid: the exchange ` +
      `paid them ${money(second.keeperRewards)} (${money(second.bankruptKeeperRewards)} of it the capped rewards of ` +
      `bankrupt accounts, at once, from its own tokens). The fund bore ${money(second.paidOut)}, ` +
      `all that was left of the ${money(limit)} limit after ${money(paidBefore)} earlier` +
      `${second.insurancePaid === limit ? "" : " (the limit was not reached)"}, although it still held ` +
      `${money(second.fundBalance)}: the market's limit, not the fund, ran out. ` +
      (second.backstop === undefined
        ? ""
        : `The staked backstop bore the next ${money(second.backstop.covered)} (its part B, within its limit). `) +
      `The remaining ${money(second.socialized)} ` +
      `of shortfalls and rewards was socialized over the open positions by |base|, longs and shorts alike; ` +
      `${second.settlements} surviving positions were settled at once and paid ${money(second.settled)}. ` +
      `${payoutLimitsText(second, money)}`,
  );

  const recovery = daysOf(rows, ["recovery"]);
  if (recovery.length > 0) {
    const last = recovery[recovery.length - 1];
    paragraphs.push(
      `**Recovery (${span(recovery)}).** ETH climbed back to ${price(last.priceWad)}; ${count(recovery, (r) => r.trades)} ` +
        `trades and ${count(recovery, (r) => r.liquidations)} liquidations brought the fund ` +
        `${money(sum(recovery, (r) => r.income))} from its share of fees and penalties: from ` +
        `${money(second.fundBalance)} to ${money(last.fundBalance)}, with nothing more paid out (the limit is used up).`,
    );
  }

  const windDown = daysOf(rows, ["wind-down"]);
  const sweeps = rows.filter((r) => r.swept > 0n);
  const last = rows[rows.length - 1];
  const sweepText =
    sweeps.length === 0
      ? "The balance never rose above the target, so nothing was swept."
      : `On day ${sweeps[0].day} the balance first stood above the target and a keeper swept ` +
        `${money(sweeps[0].swept)} of surplus to the treasury; ${money(sum(sweeps, (r) => r.swept))} in all ` +
        `over ${sweeps.length} sweep${sweeps.length === 1 ? "" : "s"}.`;
  paragraphs.push(
    `**Wind-down (${span(windDown)}).** Traders closed their positions: open interest fell to ` +
      `${millions(last.openInterest)}, and the 7-day average followed it over the week, from ` +
      `${millions(before(windDown[0].day).averageOpenInterest)} to ${millions(last.averageOpenInterest)}, taking the ` +
      `target down to ${money(last.target)}. ${sweepText} The fund ends at ${money(last.fundBalance)}; the treasury ` +
      `received ${money(last.treasury)} in all (its share of fees and penalties, and the surplus).`,
  );
  return paragraphs;
}

/** ", P pending" when the fund held part of the day's payouts back (buckets or the pause), else nothing. */
function pendingText(row: DemoRow, money: (amount: bigint) => string): string {
  return row.pendingAdded === 0n ? "" : `, ${money(row.pendingAdded)} left pending`;
}

/** A payout bucket as the report tells it: "has no limit" while disabled, else what it holds of its capacity. */
function bucketText(bucket: BucketLevel, money: (amount: bigint) => string): string {
  return bucket.capacity === MAX_UINT128
    ? "has no limit"
    : `holds ${money(bucket.available)} of its ${money(bucket.capacity)}`;
}

/** The market's pending claim and both payout buckets at the end of a day. */
function payoutLimitsText(row: DemoRow, money: (amount: bigint) => string): string {
  const pending =
    row.pending === 0n
      ? "No pending claim was left at the end of the day"
      : `The market's pending claim stood at ${money(row.pending)} at the end of the day`;
  return (
    `${pending}; the market's payout bucket ${bucketText(row.marketBucket, money)}, the fund-wide one ` +
    `${bucketText(row.fundBucket, money)}.`
  );
}

/** The staked backstop's section (`--backstop` only): its stakers, their yield, the losses it bore, a leaver. */
function backstopSection(result: DemoResult): string[] {
  const lines = backstopLines(result);
  if (lines.length === 0) return [];
  return ["## The staked backstop", "", ...lines.map((line) => `- ${line.trim()}`), ""];
}

/** The payout limit's section (`--payout-per-day` only): when the crash was held back and paid. */
function payoutLimitSection(result: DemoResult): string[] {
  const lines = payoutLimitLines(result);
  if (lines.length === 0) return [];
  return ["## Payout limit", "", ...lines.map((line) => `- ${line.trim()}`), ""];
}

/** The whole Markdown report. */
export function reportMarkdown(result: DemoResult, svgFile: string): string {
  const { config, rows, exchangeParams: p } = result;
  const last = rows[rows.length - 1];
  const command = `npm run demo -- --policy ${config.policy} --seed ${config.seed} --days ${config.days} --traders ${config.traders}${config.backstop ? " --backstop" : ""}${config.payoutPerDay ? ` --payout-per-day ${config.payoutPerDay / USDC}` : ""}`;
  const lines = [
    `# Insurance fund through a market crash (${config.policy === "spin" ? "Spin's target bands" : "Spark's fixed share"}, seed ${config.seed})`,
    "",
    `Generated by \`${command}\` on the in-process chain: the same command gives the same numbers.`,
    "",
    "## Settings",
    "",
    "| setting | value |",
    "| :-- | :-- |",
    `| fee policy | ${config.policy === "spin" ? "Spin: target bands (2 % / 5 %; 20 % of fees and 40 % of penalties below 2 %, 40 % of penalties from 2 % to 5 %, nothing from 5 %)" : "Spark: fixed share (50 % of fees and 50 % of penalties)"} |`,
    `| fund | floor ${usd(result.floor)} USDC, target ${percent(result.targetShareBps)} of the 7-day average open interest |`,
    `| ETH-PERP | insurance limit ${usd(rows[0].insuranceLimit)} USDC; fee ${percent(p.tradingFeeBps)}, penalty ${percent(p.liquidationPenaltyBps)} (${percent(p.liquidatorShareBps)} of it to the liquidator), initial margin ${percent(p.initialMarginBps)}, liquidation below a margin ratio of ${Number(p.liquidationRatioWad / 10n ** 16n) / 100} |`,
    `| market | ${config.traders} traders, ${config.days} days, about ${config.ordersPerDay} orders a day, drops of ${config.firstDropBps / 100} % and ${config.secondDropBps / 100} % |`,
    `| contracts | fund \`${result.addresses.fund}\`, exchange \`${result.addresses.exchange}\`, USDC \`${result.addresses.token}\` |`,
    "",
    "## What happened",
    "",
    ...narrative(result).flatMap((paragraph) => [paragraph, ""]),
    ...backstopSection(result),
    ...payoutLimitSection(result),
    "## Chart",
    "",
    `![Fund balance against target, open interest and the fund's daily flows](${svgFile})`,
    "",
    "## Day by day",
    "",
    "Money in whole USDC (rounded down), open interest in millions; the ratio is the fund's balance over the larger of",
    "the 7-day average open interest and the open interest its floor stands for; paid out = liquidators' rewards plus",
    "shortfalls; treasury = everything the treasury received so far.",
    "",
    ...tableMarkdown(rows, config.policy),
    "",
    "## Checks",
    "",
    `- After every day the demo checked that the token balances of every holder add up to everything minted ` +
      `(${usd(last.minted)} USDC by the end) and that the exchange's solvency identity holds; it would have stopped ` +
      `at the first failure.`,
    `- Each day, the fund's balance changed by exactly its deposits plus its income, less what it paid out and swept ` +
      `(read from the fund's events).`,
    "",
  ];
  return lines.join("\n");
}
