// `npx hardhat bench`: the gas benchmark of the insurance-fund module on the in-process chain, and the deployed
// bytecode size of every production contract. The task and its options are declared in hardhat.config.ts (a
// task rather than `hardhat run`, which takes no arguments for the script):
//
//   npm run bench          measures everything, prints the tables, writes reports/bench.md, and compares with
//                          gas-snapshot.json (writes it only if there is none yet)
//   npm run bench:update   the same, and rewrites gas-snapshot.json (commit it): `hardhat bench --update`
//   npm run bench:check    measures again (CI: .ci/run) and fails if an entry costs more than 2 % above
//                          gas-snapshot.json, if an entry is missing from it, if an O(1) series is off by more
//                          than 2 %, or if a contract's deployed bytecode is above its budget there or above
//                          EIP-170's limit; a lower figure passes with a note to update: `hardhat bench --check`
//
// `--positions 1,100` sets the open-position counts (by default 1, 100 and 10,000) for a quicker look:
// `npm run bench:check -- --positions 1,100`. The 10,000-position case is part of bench:check (about 75 s).
//
// Gas is deterministic here: every figure is the gasUsed of a receipt (or an estimate of a view), on a fresh
// chain per scenario, under the hardfork the contracts are compiled for (cancun), with every block's
// timestamp set explicitly (the open-interest window's gas depends on time). So bench:check compares exact
// numbers, not timings. All figures include the transaction's 21,000 and calldata gas unless a column says
// "inside": those are the gas used within a callee, from the transaction trace. The measurements are
// scripts/lib/bench/, one file per table.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { BENCH_HARDFORK } from "./lib/chain.js";
import { compareSizes, deployedSizes, sizeTable } from "./lib/bench/bytecode-sizes.js";
import { benchFloor } from "./lib/bench/floor.js";
import { benchFundCalls } from "./lib/bench/fund-calls.js";
import { benchLiquidations } from "./lib/bench/liquidations.js";
import { benchOpenInterestHistory } from "./lib/bench/open-interest-history.js";
import { benchPositions } from "./lib/bench/positions.js";
import { ALL_POSITION_COUNTS, BenchResults } from "./lib/bench/results.js";
import { compareGas, constantSeries, readSnapshot, writeSnapshot } from "./lib/bench/snapshot.js";
import { benchTrades, tradingMarket } from "./lib/bench/trades.js";

export interface BenchTaskArguments {
  check: boolean;
  update: boolean;
  /** Open-position counts, comma-separated. */
  positions: string;
}

const SNAPSHOT_PATH = path.resolve("gas-snapshot.json");
const REPORT_PATH = path.resolve("reports/bench.md");

function positionCounts(text: string): number[] {
  const counts = text.split(",").map(Number);
  if (counts.length === 0 || !counts.every((c) => Number.isInteger(c) && c > 0)) {
    throw new Error(`--positions ${text}: expected positive whole numbers, comma-separated`);
  }
  return counts;
}

export default async function benchTask(args: BenchTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  if (args.check && args.update) {
    console.error("bench: --check and --update exclude each other");
    process.exitCode = 1;
    return;
  }
  const mode = args.check ? "check" : args.update ? "update" : "report";
  const counts = positionCounts(args.positions);
  const fullRun = counts.join(",") === ALL_POSITION_COUNTS.join(",");
  if (mode === "update" && !fullRun)
    throw new Error("--positions is set: the snapshot is only written from a full run");

  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const started = Date.now();
  const snapshot = readSnapshot(SNAPSHOT_PATH);
  const results = new BenchResults();
  const sizes = await deployedSizes(hre.artifacts);
  sizeTable(results, sizes, snapshot?.deployedBytecode?.sizes ?? {});
  await benchFundCalls(results);
  const market = await tradingMarket(results);
  const trades = await benchTrades(results, market);
  benchFloor(results, trades.increase);
  await benchLiquidations(results, market);
  await benchPositions(results, counts);
  await benchOpenInterestHistory(results);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  const { version: solc } = JSON.parse(readFileSync(path.resolve("node_modules/solc/package.json"), "utf8"));
  const oneOverProblems = constantSeries(results, counts);

  mkdirSync(path.dirname(REPORT_PATH), { recursive: true });
  const header =
    `# Gas benchmark\n\nsolc ${solc}, optimizer 10,000 runs, hardfork ${BENCH_HARDFORK}, ` +
    `measured ${new Date().toISOString()} in ${seconds} s (\`npm run bench\`).\n`;
  writeFileSync(REPORT_PATH, [header, ...results.sections].join("\n"));
  console.log(`\nWrote ${path.relative(process.cwd(), REPORT_PATH)} (${seconds} s).`);

  for (const problem of oneOverProblems) console.error(`O(1) VIOLATED: ${problem}`);
  // Reported, not failed: the fund is still being tuned towards these targets.
  for (const ratio of trades.aboveTarget) console.error(`ABOVE TARGET: ${ratio}`);
  if (mode === "update" || (mode === "report" && snapshot === undefined && fullRun)) {
    writeSnapshot(SNAPSHOT_PATH, snapshot, results, sizes, { hardfork: BENCH_HARDFORK, solc });
    console.log(`Wrote ${path.relative(process.cwd(), SNAPSHOT_PATH)}: commit it.`);
    // The budgets are not rewritten: a contract above its budget still fails bench:check.
    const written = readSnapshot(SNAPSHOT_PATH)!;
    for (const failure of compareSizes(sizes, written.deployedBytecode.sizes).failures) {
      console.error(`would fail bench:check: ${failure}`);
    }
    return;
  }

  const gasComparison = compareGas(results, snapshot, counts);
  const sizeComparison = compareSizes(sizes, snapshot?.deployedBytecode?.sizes ?? {});
  const notes = [...gasComparison.notes, ...sizeComparison.notes];
  const failures = [...gasComparison.failures, ...sizeComparison.failures];
  for (const note of notes) console.log(note);
  if (notes.some((n) => n.startsWith("improved") || n.startsWith("size"))) {
    console.log("Gas or sizes changed: update the snapshot with `npm run bench:update` and commit gas-snapshot.json.");
  }
  const label = mode === "check" ? "FAILED" : "would fail bench:check";
  for (const failure of failures) console.error(`${label}: ${failure}`);
  if (mode === "check") {
    if (failures.length > 0 || oneOverProblems.length > 0) {
      process.exitCode = 1;
      return;
    }
    console.log(
      `bench:check passed: ${Object.keys(results.gas).length} entries, none more than 2 % above gas-snapshot.json; ` +
        `${sizes.length} contracts within their size budgets.`,
    );
  }
}
