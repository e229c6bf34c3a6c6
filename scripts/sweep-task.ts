// `npx hardhat sweep <file> --vary a=from:to:count[,b=from:to:count] --paths N` (`npm run sweep -- <file> --vary ...
// --vary ... --paths N`): many seeded paths per grid point on the model (scripts/lib/risk/engine.ts) on worker
// threads, then a sample of them replayed on the chain and compared to the unit; a report with a heatmap, a table
// and the answer to the scenario's target.
//   npm run sweep -- scenarios/gbm-crash.json --vary insuranceLimit=20000:200000:10 --vary floor=100000:400000:10
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { replayOnChain } from "./lib/risk/chain.js";
import { runModel } from "./lib/risk/engine.js";
import { loadScenario, type Scenario, ScenarioError } from "./lib/risk/scenario.js";
import {
  defaultWorkers,
  gridPoints,
  parseVary,
  type PathSummary,
  pointStats,
  runSweep,
  scenarioAt,
  summarize,
  type Vary,
} from "./lib/risk/sweep.js";
import { answerLine, writeSweepReport } from "./lib/risk/sweepReport.js";

export interface SweepTaskArguments {
  file: string;
  vary: string;
  paths: number;
  chainSample: number;
  workers: number;
  out: string;
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;

/** A progress bar with the time left, on stderr (a line every 10 % when it is not a terminal). */
function progressBar() {
  let lastTenth = -1;
  return ({ done, total, elapsedSeconds }: { done: number; total: number; elapsedSeconds: number }) => {
    const share = done / total;
    const left = share > 0 ? (elapsedSeconds / share) * (1 - share) : 0;
    const bar = "#".repeat(Math.round(share * 30)).padEnd(30, ".");
    const text = `[${bar}] ${(share * 100).toFixed(0).padStart(3)} % ${done}/${total} paths, ${clock(elapsedSeconds)} elapsed, ~${clock(left)} left`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}${done === total ? "\n" : ""}`);
    else if (Math.floor(share * 10) !== lastTenth) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`${text}\n`);
    }
  };
}

export default async function sweepTask(args: SweepTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  let scenario: Scenario;
  let varies: Vary[];
  try {
    scenario = loadScenario(args.file);
    if (scenario.markets.some((m) => m.path.kind === "demo-story")) {
      throw new ScenarioError(`${args.file}: a demo-story runs on the chain only; sweep a scenario with a price path`);
    }
    varies = args.vary === "" ? [] : args.vary.split(",").map(parseVary);
    if (varies.length === 0 || varies.length > 2) throw new ScenarioError("--vary: give one or two parameters");
    if (!Number.isInteger(args.paths) || args.paths < 1) throw new ScenarioError("--paths: at least 1");
    for (const point of gridPoints(varies)) scenarioAt(scenario.raw, scenario.dir, varies, point);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    console.error(`sweep: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  const points = gridPoints(varies);
  const workers = args.workers > 0 ? args.workers : defaultWorkers();
  console.log(
    `sweep ${scenario.name}: ${points.length} points x ${args.paths} paths = ${points.length * args.paths} paths ` +
      `on the model, ${workers} worker threads`,
  );

  const started = Date.now();
  const results = await runSweep(
    { raw: scenario.raw, dir: scenario.dir, varies, paths: args.paths },
    workers,
    progressBar(),
  );
  const modelSeconds = (Date.now() - started) / 1000;
  const stats = points.map((point, i) => pointStats(point, results[i]));
  console.log(`model: ${points.length * args.paths} paths in ${modelSeconds.toFixed(1)} s`);

  // A sample spread over the grid, replayed on the chain: the logged model run must give the worker's numbers, and
  // the chain the model's books at every tick.
  const chainStarted = Date.now();
  const sample = Math.min(args.chainSample, points.length * args.paths);
  let agreed = 0;
  let values = 0;
  if (sample > 0) await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  for (let k = 0; k < sample; k++) {
    const pointIndex = Math.floor((k * points.length) / sample);
    const pathIndex = (k * 7) % args.paths;
    const at = scenarioAt(scenario.raw, scenario.dir, varies, points[pointIndex]);
    const run = runModel(at, at.seed + BigInt(pathIndex), { log: true });
    const same =
      JSON.stringify(summarize(run.metrics)) === JSON.stringify(results[pointIndex][pathIndex] as PathSummary);
    try {
      const check = await replayOnChain(hre, at, run);
      values += check.values;
      if (same) agreed++;
      else console.error(`chain sample ${k}: the worker's numbers differ from the logged run's`);
    } catch (error) {
      console.error(
        `chain sample ${k} (point ${points[pointIndex].join(", ")}, path ${pathIndex}): ${(error as Error).message}`,
      );
    }
    process.stderr.write(`chain: ${k + 1}/${sample} paths replayed, ${agreed} agreed\n`);
  }
  const chainSeconds = (Date.now() - chainStarted) / 1000;
  console.log(
    `chain: ${agreed} of ${sample} sampled paths agreed to the unit (${values} values) in ${chainSeconds.toFixed(1)} s`,
  );

  const files = await writeSweepReport(
    {
      scenario,
      file: args.file,
      varies,
      stats,
      paths: args.paths,
      workers,
      modelSeconds,
      chain: { compared: sample, agreed, values, seconds: chainSeconds },
    },
    path.resolve(args.out),
  );
  console.log(answerLine({ varies, stats, scenario }).replaceAll("**", ""));
  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  console.log(`report: ${relative(files.markdown)} (heatmap: ${relative(files.svg)})`);
  if (agreed !== sample) process.exitCode = 1;
}
