// Sweeps: a grid of one or two parameters, many seeded paths per grid point, on the model. Path i of every point
// uses the seed `scenario.seed + i`, so the points differ only by their parameters (the same crashes everywhere).
// The paths run on worker threads (worker.ts); this module holds the grid, the parameters a sweep may vary, and
// the statistics of each point.
import { cpus } from "node:os";
import { Worker } from "node:worker_threads";

import { type PathMetrics, runModel } from "./engine.js";
import { parseScenario, type RawScenario, type Scenario, ScenarioError } from "./scenario.js";

// ================================================================ parameters

/** A parameter a sweep varies, and where it goes in the scenario file. */
interface Parameter {
  describe: string;
  integer: boolean;
  apply(raw: RawScenario, value: number, market?: string): void;
}

const inMarkets =
  (field: "insuranceLimit" | "rewardCap" | "rewardCapBps") => (raw: RawScenario, v: number, name?: string) => {
    for (const m of raw.markets) if (name === undefined || m.name === name) m[field] = v;
  };
const band = (field: string) => (raw: RawScenario, v: number) => {
  raw.suite.bands = { ...raw.suite.bands, [field]: v };
};
const share = (field: string) => (raw: RawScenario, v: number) => {
  raw.suite.shares = { ...raw.suite.shares, [field]: v };
};

export const PARAMETERS: Record<string, Parameter> = {
  insuranceLimit: {
    describe: "every market's insurance limit (insuranceLimit.<market>: one), USDC",
    integer: false,
    apply: inMarkets("insuranceLimit"),
  },
  rewardCap: { describe: "the reward cap, USDC", integer: false, apply: inMarkets("rewardCap") },
  rewardCapBps: { describe: "the reward cap, bps of the notional", integer: true, apply: inMarkets("rewardCapBps") },
  floor: {
    describe: "the target's floor, USDC (the fund starts at it unless suite.initialBalance is set)",
    integer: false,
    apply: (raw, v) => void (raw.suite.floor = v),
  },
  targetShareBps: {
    describe: "the target's share of the average open interest",
    integer: true,
    apply: (raw, v) => void (raw.suite.targetShareBps = v),
  },
  initialBalance: {
    describe: "the fund's balance before the warm-up, USDC",
    integer: false,
    apply: (raw, v) => void (raw.suite.initialBalance = v),
  },
  tradingFeeShareBps: {
    describe: "Spark: the fund's share of trading fees",
    integer: true,
    apply: share("tradingFeeShareBps"),
  },
  penaltyShareBps: { describe: "Spark: the fund's share of penalties", integer: true, apply: share("penaltyShareBps") },
  lowerBandBps: { describe: "Spin: the lower band", integer: true, apply: band("lowerBandBps") },
  upperBandBps: { describe: "Spin: the upper band", integer: true, apply: band("upperBandBps") },
  lowTradingFeeShareBps: {
    describe: "Spin: trading-fee share below the lower band",
    integer: true,
    apply: band("lowTradingFeeShareBps"),
  },
  lowPenaltyShareBps: {
    describe: "Spin: penalty share below the lower band",
    integer: true,
    apply: band("lowPenaltyShareBps"),
  },
  midPenaltyShareBps: {
    describe: "Spin: penalty share between the bands",
    integer: true,
    apply: band("midPenaltyShareBps"),
  },
  keeperIntervalSeconds: {
    describe: "how often keepers act, seconds",
    integer: true,
    apply: (raw, v) => void (raw.keepers = { ...raw.keepers, intervalSeconds: v }),
  },
};

/** Parameters of mechanisms not on main yet: a sweep names them and stops. */
export const NOT_YET_SWEEPABLE = ["bucketCapacity", "bucketRefill", "backstopSize", "backstopMinimum", "feePullDelay"];

export interface Vary {
  name: string;
  market?: string;
  values: number[];
}

/** `name=from:to:count` (count points from `from` to `to`, both included) or `name=a|b|c`. */
export function parseVary(text: string): Vary {
  const match = /^([A-Za-z]+)(?:\.([^=]+))?=(.+)$/.exec(text.trim());
  if (!match) throw new ScenarioError(`--vary ${text}: expected name=from:to:count`);
  const [, name, market, spec] = match;
  if (NOT_YET_SWEEPABLE.includes(name)) {
    throw new ScenarioError(`--vary ${name}: its mechanism is not on main yet, so the model cannot vary it`);
  }
  const parameter = PARAMETERS[name];
  if (!parameter)
    throw new ScenarioError(`--vary ${name}: unknown parameter (known: ${Object.keys(PARAMETERS).join(", ")})`);
  if (market !== undefined && name !== "insuranceLimit" && name !== "rewardCap" && name !== "rewardCapBps") {
    throw new ScenarioError(`--vary ${name}.${market}: only market parameters take a market`);
  }
  let values: number[];
  if (spec.includes("|")) values = spec.split("|").map(Number);
  else {
    const parts = spec.split(":").map(Number);
    if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x)) || !Number.isInteger(parts[2]) || parts[2] < 1) {
      throw new ScenarioError(`--vary ${text}: expected name=from:to:count, count a positive integer`);
    }
    const [from, to, count] = parts;
    values = Array.from({ length: count }, (_, i) => (count === 1 ? from : from + ((to - from) * i) / (count - 1)));
  }
  if (values.some((x) => !Number.isFinite(x) || x < 0)) throw new ScenarioError(`--vary ${text}: values must be >= 0`);
  if (parameter.integer) values = values.map(Math.round);
  return { name, market, values };
}

/** The grid's points: every combination, the first parameter varying fastest. */
export function gridPoints(varies: readonly Vary[]): number[][] {
  let points: number[][] = [[]];
  for (const vary of varies) points = vary.values.flatMap((v) => points.map((p) => [...p, v]));
  return points.map((p) => p);
}

/** The scenario at one grid point (checked like a file: a value out of bounds names the field). */
export function scenarioAt(raw: RawScenario, dir: string, varies: readonly Vary[], point: readonly number[]): Scenario {
  const copy = structuredClone(raw);
  varies.forEach((vary, i) => PARAMETERS[vary.name].apply(copy, point[i], vary.market));
  return parseScenario(copy, dir, `grid point ${varies.map((v, i) => `${v.name}=${point[i]}`).join(", ")}`);
}

// ================================================================ one path, compactly

/** A path's metrics as plain numbers (USDC, hours), cheap to send between threads. */
export interface PathSummary {
  socialized: number;
  badDebt: number;
  paidOut: number;
  drawdown: number;
  drawdownBps: number;
  dipped: boolean;
  refilled: boolean;
  refillHours: number;
  bankruptcies: number;
}

export function summarize(m: PathMetrics): PathSummary {
  const usdc = (x: bigint) => Number(x) / 1e6;
  return {
    socialized: usdc(m.socialized),
    badDebt: usdc(m.badDebt),
    paidOut: usdc(m.paidOut),
    drawdown: usdc(m.drawdown),
    drawdownBps: m.drawdownBps,
    dipped: m.dipped,
    refilled: m.refilled,
    refillHours: (m.refillSeconds ?? 0) / 3600,
    bankruptcies: m.bankruptcies,
  };
}

/** Runs paths [from, to) of one grid point on the model. */
export function runPaths(scenario: Scenario, from: number, to: number): PathSummary[] {
  const out: PathSummary[] = [];
  for (let i = from; i < to; i++) out.push(summarize(runModel(scenario, scenario.seed + BigInt(i)).metrics));
  return out;
}

// ================================================================ statistics of a point

export interface PointStats {
  point: number[];
  paths: number;
  /** Paths with any loss socialized, as a fraction. */
  socializedShare: number;
  meanSocialized: number;
  p99Socialized: number;
  meanBadDebt: number;
  meanDrawdown: number;
  worstDrawdown: number;
  worstDrawdownBps: number;
  /** Paths where the fund fell below its target after a payout, as a fraction. */
  dippedShare: number;
  /** Mean hours to refill, over the paths that dipped and refilled within the path. */
  meanRefillHours: number | undefined;
  /** Paths that dipped and had not refilled at the path's end, as a fraction of those that dipped. */
  notRefilledShare: number;
  meanBankruptcies: number;
}

/** The q-quantile (nearest rank) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function pointStats(point: number[], paths: readonly PathSummary[]): PointStats {
  const n = paths.length;
  const mean = (f: (p: PathSummary) => number) => paths.reduce((s, p) => s + f(p), 0) / n;
  const socialized = paths.map((p) => p.socialized).sort((a, b) => a - b);
  const dipped = paths.filter((p) => p.dipped);
  const refilled = dipped.filter((p) => p.refilled);
  const worst = paths.reduce((w, p) => (p.drawdown > w.drawdown ? p : w), paths[0]);
  return {
    point,
    paths: n,
    socializedShare: paths.filter((p) => p.socialized > 0).length / n,
    meanSocialized: mean((p) => p.socialized),
    p99Socialized: quantile(socialized, 0.99),
    meanBadDebt: mean((p) => p.badDebt),
    meanDrawdown: mean((p) => p.drawdown),
    worstDrawdown: worst.drawdown,
    worstDrawdownBps: worst.drawdownBps,
    dippedShare: dipped.length / n,
    meanRefillHours:
      refilled.length === 0 ? undefined : refilled.reduce((s, p) => s + p.refillHours, 0) / refilled.length,
    notRefilledShare: dipped.length === 0 ? 0 : (dipped.length - refilled.length) / dipped.length,
    meanBankruptcies: mean((p) => p.bankruptcies),
  };
}

// ================================================================ the runner

export interface SweepJob {
  raw: RawScenario;
  dir: string;
  varies: Vary[];
  paths: number;
}

export interface SweepProgress {
  done: number;
  total: number;
  elapsedSeconds: number;
}

/** A chunk of work for a worker: paths [from, to) of one grid point. */
export interface Chunk {
  point: number;
  from: number;
  to: number;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url);

/**
 * Runs every path of every grid point on `workers` worker threads (each loads the TypeScript model through tsx,
 * the loader Hardhat's own dependencies bring) and returns each point's paths in path order.
 */
export async function runSweep(
  job: SweepJob,
  workers: number,
  progress: (p: SweepProgress) => void = () => {},
): Promise<PathSummary[][]> {
  const points = gridPoints(job.varies);
  // Fail fast, with the field's name, on a grid point the schema refuses.
  for (const point of points) scenarioAt(job.raw, job.dir, job.varies, point);
  const chunkSize = Math.max(1, Math.min(25, Math.ceil(job.paths / 4)));
  const queue: Chunk[] = [];
  for (let from = 0; from < job.paths; from += chunkSize) {
    for (let point = 0; point < points.length; point++) {
      queue.push({ point, from, to: Math.min(job.paths, from + chunkSize) });
    }
  }
  const results: PathSummary[][] = points.map(() => new Array<PathSummary>(job.paths));
  const total = points.length * job.paths;
  let done = 0;
  const started = Date.now();
  const count = Math.max(1, Math.min(workers, queue.length));
  const tsx = import.meta.resolve("tsx");

  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(WORKER_URL, {
            execArgv: ["--import", tsx],
            workerData: { raw: job.raw, dir: job.dir, varies: job.varies, points },
          });
          const next = () => {
            const chunk = queue.shift();
            if (chunk === undefined) {
              void worker.terminate().then(() => resolve());
              return;
            }
            worker.postMessage(chunk);
          };
          worker.on("message", (message: { chunk: Chunk; summaries: PathSummary[] }) => {
            const { chunk, summaries } = message;
            summaries.forEach((s, k) => (results[chunk.point][chunk.from + k] = s));
            done += summaries.length;
            progress({ done, total, elapsedSeconds: (Date.now() - started) / 1000 });
            next();
          });
          worker.on("error", reject);
          next();
        }),
    ),
  );
  return results;
}

/** Every core (at least one worker). */
export const defaultWorkers = (): number => Math.max(1, cpus().length);
