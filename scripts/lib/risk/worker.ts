// A sweep's worker thread (started by sweep.ts): builds each grid point's scenario once, then runs the chunks of
// paths it is sent on the model and posts back their summaries.
import { parentPort, workerData } from "node:worker_threads";

import type { RawScenario, Scenario } from "./scenario.js";
import { type Chunk, runPaths, scenarioAt, type Vary } from "./sweep.js";

const data = workerData as { raw: RawScenario; dir: string; varies: Vary[]; points: number[][] };
const scenarios = new Map<number, Scenario>();

parentPort!.on("message", (chunk: Chunk) => {
  let scenario = scenarios.get(chunk.point);
  if (scenario === undefined) {
    scenario = scenarioAt(data.raw, data.dir, data.varies, data.points[chunk.point]);
    scenarios.set(chunk.point, scenario);
  }
  parentPort!.postMessage({ chunk, summaries: runPaths(scenario, chunk.from, chunk.to) });
});
