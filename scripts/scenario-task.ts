// `npx hardhat scenario <file>` (`npm run scenario -- <file>`): a scenario file (format: scenarios/schema.json)
// through the real contracts on the in-process chain. The traders', keepers' and governance's actions are drawn on
// the model (scripts/lib/risk/engine.ts) and replayed as transactions; the fund's books are compared after every
// tick and must agree to the unit. A `demo-story` path runs the demo's own engine (`npm run demo`'s report).
//   npm run scenario -- scenarios/replay-eth-2021-05-19.json
//   npm run scenario -- scenarios/gbm-crash.json --seed 7 --out /tmp/reports
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { DEFAULT_DEMO_CONFIG, validateConfig } from "./lib/demo/config.js";
import { replayOnChain } from "./lib/risk/chain.js";
import { runModel } from "./lib/risk/engine.js";
import { writeRunReport } from "./lib/risk/runReport.js";
import { loadScenario, type Scenario, ScenarioError } from "./lib/risk/scenario.js";
import { playDemo } from "./demo-task.js";

export interface ScenarioTaskArguments {
  file: string;
  seed: bigint;
  out: string;
}

/** The demo's configuration of a demo-story scenario (scenarios/demo.json is the default run). */
export function demoConfigOf(scenario: Scenario) {
  const story = scenario.markets[0].path;
  if (story.kind !== "demo-story") throw new ScenarioError("not a demo-story");
  return validateConfig({
    ...DEFAULT_DEMO_CONFIG,
    policy: scenario.policy,
    seed: scenario.seed,
    days: story.days,
    traders: story.traders,
    ordersPerDay: story.ordersPerDay,
    insuranceLimit: scenario.markets[0].insuranceLimit,
    firstDropBps: story.firstDropBps,
    secondDropBps: story.secondDropBps,
  });
}

export default async function scenarioTask(args: ScenarioTaskArguments, hre: HardhatRuntimeEnvironment) {
  const started = Date.now();
  let scenario: Scenario;
  try {
    scenario = loadScenario(args.file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    console.error(`scenario: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  const seed = args.seed >= 0n ? args.seed : scenario.seed;
  if (scenario.markets[0].path.kind === "demo-story") {
    await playDemo(hre, { ...demoConfigOf(scenario), seed }, args.out, started);
    return;
  }
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  console.log(`scenario ${scenario.name} (seed ${seed}): ${scenario.markets.map((m) => m.name).join(", ")}`);
  try {
    const run = runModel(scenario, seed, { log: true });
    console.log(`model: ${run.actions.length} transactions over ${run.snapshots.length} ticks; replaying on the chain`);
    const check = await replayOnChain(hre, scenario, run);
    const seconds = (Date.now() - started) / 1000;
    const files = await writeRunReport(
      { scenario, file: args.file, seed, run, check, seconds },
      path.resolve(args.out),
    );
    const m = run.metrics;
    console.log(
      `chain and model agreed to the unit at ${check.ticks} ticks (${check.values} values). ` +
        `Paid ${m.paidOut / 1_000_000n} USDC, socialized ${m.socialized / 1_000_000n} USDC, ` +
        `${m.bankruptcies} bankruptcies in ${m.liquidations} liquidations.`,
    );
    const relative = (file: string) => path.relative(process.cwd(), file) || file;
    console.log(`report: ${relative(files.markdown)} (chart: ${relative(files.svg)})`);
    console.log(`done in ${seconds.toFixed(1)} s`);
  } catch (error) {
    console.error("scenario ABORTED:");
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
}
