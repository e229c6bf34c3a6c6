// gas-snapshot.json: what it holds, how a run compares with it, and how `bench --update` rewrites it.

import { existsSync, readFileSync, writeFileSync } from "node:fs";

import { type ContractSize, defaultBudget, type SizeEntry } from "./bytecode-sizes.js";
import { type BenchResults, HISTORY_DAYS, WHOLE_WINDOW_DAYS } from "./results.js";

/** How far a gas figure may rise above the snapshot, and an O(1) series' entries off its first. */
export const TOLERANCE = 0.02;

export interface Snapshot {
  comment: string;
  hardfork: string;
  solc: string;
  deployedBytecode: { comment: string; sizes: Record<string, SizeEntry> };
  gas: Record<string, number>;
}

const COMMENT =
  "Gas of the module's calls and deployed bytecode sizes, from `npm run bench` (scripts/lib/bench/). " +
  "`npm run bench:check` fails above +2 % per gas entry, or above a contract's size budget.";
const SIZES_COMMENT =
  "Bytes of each production contract's deployed bytecode, and its budget: bench:check fails above the budget " +
  "or above EIP-170's 24,576; a size above `bytes` but within the budget passes, with a note to update. " +
  "`bench:update` rewrites `bytes`, never a budget. InsuranceFund's budget, 23,000, is set by hand (raised from " +
  "22,500 when pending claims, the payout buckets and the backstop hook came in, the views having moved to " +
  "InsuranceFundLens; kept when the one call per trade and the deferred fees came in, governance having moved to " +
  "InsuranceFundGovernance); every other contract's is its size when first measured plus 15 %, rounded up to 500 " +
  "bytes.";

export function readSnapshot(file: string): Snapshot | undefined {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

/** The snapshot of this run: its gas figures and sizes, with the budgets of `previous` (a new contract's default). */
export function writeSnapshot(
  file: string,
  previous: Snapshot | undefined,
  results: BenchResults,
  sizes: ContractSize[],
  meta: { hardfork: string; solc: string },
): void {
  const budgets = previous?.deployedBytecode?.sizes ?? {};
  const next: Snapshot = {
    comment: COMMENT,
    hardfork: meta.hardfork,
    solc: meta.solc,
    deployedBytecode: {
      comment: SIZES_COMMENT,
      sizes: Object.fromEntries(
        [...sizes]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map(({ name, bytes }) => [name, { bytes, budget: budgets[name]?.budget ?? defaultBudget(bytes) }]),
      ),
    },
    gas: Object.fromEntries(Object.entries(results.gas).sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
}

/**
 * The O(1) series: within 2 % of the series' first entry. The open-interest report from 1 day of history on;
 * the average and the fee that reads it from 30 days on (a whole window): with less than a window the average
 * is the exact one since the first report (the first report's time read, no second checkpoint), so the 1-day
 * figures are a little lower, and shown.
 */
export function constantSeries(results: BenchResults, positionCounts: number[]): string[] {
  const { gas } = results;
  const problems: string[] = [];
  const series = [
    ...["liquidation", "settleBankruptcy", "settle"].map((n) => positionCounts.map((c) => `positions.${c}.${n}`)),
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

export function compareGas(
  results: BenchResults,
  snapshot: Snapshot | undefined,
  positionCounts: number[],
): { failures: string[]; notes: string[] } {
  const { gas } = results;
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
  const measuredPositions = new Set(positionCounts.map(String));
  for (const key of Object.keys(snapshot.gas)) {
    if (key in gas) continue;
    const [group, count] = key.split(".");
    if (group === "positions" && !measuredPositions.has(count)) notes.push(`not measured this run: ${key}`);
    else failures.push(`${key} is in gas-snapshot.json but was not measured`);
  }
  return { failures, notes };
}
