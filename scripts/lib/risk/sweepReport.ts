// A sweep's report: the plain answer first (the smallest parameters on the grid that meet the target), a heatmap of
// the probability of socialization, the table of every point, the chain check, and what the model leaves out.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import type { TopLevelSpec } from "vega-lite";

import { renderSvg } from "../demo/report.js";
import { NOT_MODELLED } from "./engine.js";
import { REPLAY_LIMITS } from "./runReport.js";
import type { Scenario } from "./scenario.js";
import type { PointStats, Vary } from "./sweep.js";

/** Parameters counted in USDC: the answer adds them up to find the cheapest point. */
const MONEY = new Set(["insuranceLimit", "floor", "initialBalance", "rewardCap"]);

const label = (v: Vary) => (v.market === undefined ? v.name : `${v.name}.${v.market}`);
const num = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export interface SweepReportInput {
  scenario: Scenario;
  file: string;
  varies: Vary[];
  stats: PointStats[];
  paths: number;
  workers: number;
  modelSeconds: number;
  chain: { compared: number; agreed: number; values: number; seconds: number };
}

/** The points that meet the target, and the one the answer names (the least money, or the smallest values). */
export function answer(
  varies: readonly Vary[],
  stats: readonly PointStats[],
  maxPercent: number,
): { meeting: PointStats[]; best: PointStats | undefined } {
  const meeting = stats.filter((s) => s.socializedShare * 100 <= maxPercent + 1e-9);
  const allMoney = varies.every((v) => MONEY.has(v.name));
  const cost = (s: PointStats) => (allMoney ? s.point.reduce((a, b) => a + b, 0) : 0);
  const best = [...meeting].sort((a, b) => {
    if (cost(a) !== cost(b)) return cost(a) - cost(b);
    for (let i = 0; i < a.point.length; i++) if (a.point[i] !== b.point[i]) return a.point[i] - b.point[i];
    return 0;
  })[0];
  return { meeting, best };
}

export function answerLine(input: Pick<SweepReportInput, "varies" | "stats" | "scenario">): string {
  const target = input.scenario.maxSocializationPercent;
  const { best } = answer(input.varies, input.stats, target);
  if (best === undefined) {
    return `No point on the grid keeps socialization at or below ${target} % of paths: widen the grid.`;
  }
  const names = input.varies.map((v, i) => `${label(v)} = ${num(best.point[i])}`).join(", ");
  return (
    `For socialization in at most ${target} % of paths, the smallest point on the grid is **${names}** ` +
    `(socialized in ${pct(best.socializedShare)} of ${best.paths} paths, mean ${num(best.meanSocialized)} USDC, ` +
    `99th percentile ${num(best.p99Socialized)} USDC).`
  );
}

function heatmapSpec(input: SweepReportInput): TopLevelSpec {
  const [x, y] = input.varies;
  const values = input.stats.map((s) => ({
    x: num(s.point[0]),
    y: y === undefined ? "all" : num(s.point[1]),
    share: Math.round(s.socializedShare * 1000) / 10,
  }));
  const order = (v: Vary) => v.values.map((n) => num(n));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${input.scenario.name}: paths with a loss socialized (%), ${input.paths} paths a point`,
    data: { values },
    width: Math.max(300, 60 * x.values.length),
    height: Math.max(60, 36 * (y?.values.length ?? 1)),
    encoding: {
      x: { field: "x", type: "ordinal", sort: order(x), title: label(x) },
      y: {
        field: "y",
        type: "ordinal",
        sort: y === undefined ? undefined : order(y).reverse(),
        title: y === undefined ? "" : label(y),
      },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "share",
            type: "quantitative",
            title: "% socialized",
            scale: { scheme: "orangered" },
          },
        },
      },
      { mark: { type: "text", fontSize: 10 }, encoding: { text: { field: "share", type: "quantitative" } } },
    ],
  } as TopLevelSpec;
}

export async function writeSweepReport(
  input: SweepReportInput,
  dir: string,
): Promise<{ markdown: string; svg: string }> {
  await mkdir(dir, { recursive: true });
  const base = `sweep-${input.scenario.name}`;
  const files = { markdown: path.join(dir, `${base}.md`), svg: path.join(dir, `${base}.svg`) };
  await writeFile(files.svg, await renderSvg(heatmapSpec(input)));
  await writeFile(files.markdown, sweepMarkdown(input, path.basename(files.svg)));
  return files;
}

export function sweepMarkdown(input: SweepReportInput, svgFile: string): string {
  const { varies, stats, chain } = input;
  const points = stats.length;
  const header = varies.map(label);
  return [
    `# Sweep: ${input.scenario.name}`,
    "",
    input.scenario.description,
    "",
    `File \`${input.file}\`; varied: ${varies.map((v) => `${label(v)} over ${v.values.length} values from ${num(v.values[0])} to ${num(v.values[v.values.length - 1])}`).join("; ")}. ` +
      `${input.paths} seeded paths a point (path i uses seed ${input.scenario.seed} + i at every point), ` +
      `${points * input.paths} paths in all on the model, ${input.workers} worker threads, ${input.modelSeconds.toFixed(1)} s.`,
    "",
    "## The answer",
    "",
    answerLine(input),
    "",
    `![paths with a loss socialized](${svgFile})`,
    "",
    "## Every point",
    "",
    "Socialized: losses spread over the market's open positions once the fund could not pay (its balance or the " +
      "market's limit). Drawdown: the deepest fall of the fund from its running peak after the warm-up (sweeps to the " +
      "treasury added back). Refill: hours from the fund first falling below its target after a payout to being back " +
      "at it, over the paths that refilled before the path ended.",
    "",
    `| ${header.join(" | ")} | P(socialized) | mean socialized | p99 socialized | mean bad debt | mean drawdown | worst drawdown | below target | mean refill (h) | not refilled | bankruptcies / path | pending claims | stakers lose |`,
    `|${header.map(() => "---:").join("|")}|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|`,
    ...stats.map(
      (s) =>
        `| ${s.point.map((v) => num(v)).join(" | ")} | ${pct(s.socializedShare)} | ${num(s.meanSocialized)} | ` +
        `${num(s.p99Socialized)} | ${num(s.meanBadDebt)} | ${num(s.meanDrawdown)} | ${num(s.worstDrawdown)} ` +
        `(${(s.worstDrawdownBps / 100).toFixed(1)} %) | ${pct(s.dippedShare)} | ` +
        `${s.meanRefillHours === undefined ? "-" : num(s.meanRefillHours, 1)} | ${pct(s.notRefilledShare)} | ` +
        `${num(s.meanBankruptcies, 1)} | n/a | n/a |`,
    ),
    "",
    "Pending claims and stakers: n/a, because payout rate limits and the backstop are not on main yet.",
    "",
    "## The model and the chain",
    "",
    `${chain.compared} paths of this sweep (spread over the grid) were also replayed through the real contracts on ` +
      `the in-process chain, transaction by transaction at the model's timestamps, and the fund's books compared ` +
      `after every tick (${num(chain.values)} values): **${chain.agreed} of ${chain.compared} agreed to the unit**` +
      ` (${chain.seconds.toFixed(1)} s).`,
    "",
    "## What the model leaves out",
    "",
    `- Not modelled yet (not on main): ${NOT_MODELLED.join(", ")}.`,
    ...REPLAY_LIMITS.map((l) => `- ${l}`),
    "",
  ].join("\n");
}
