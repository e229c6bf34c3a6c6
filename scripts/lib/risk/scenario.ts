// Scenario files (scenarios/*.json, format: scenarios/schema.json): read, checked against the schema and then for
// what a schema cannot say (a CSV's rows, names that must match, leverage the exchange accepts), and turned into
// the engine's units. A bad file gives one line naming the field, and nothing runs.
import { readFileSync } from "node:fs";
import path from "node:path";

import { type Bands, SPIN_BANDS, SPARK_SHARES } from "../../../lib/model/feePolicies.js";
import type { ExchangeParams } from "../../../lib/model/exchange.js";
import { USDC, WAD } from "../../../lib/units.js";
import { firstProblem, scenarioSchema } from "./schema.js";

/** A problem with a scenario file, reported as one line. */
export class ScenarioError extends Error {
  override name = "ScenarioError";
}

// ================================================================ the file's shape (see schema.json)

export interface RawRange {
  min: number;
  max: number;
}
export interface RawWicks {
  depthBps: number;
}
export type RawPath =
  | { kind: "inline"; stepSeconds?: number; prices: number[]; wicks?: RawWicks }
  | {
      kind: "csv";
      file: string;
      timestampIs?: "open" | "close";
      candleSeconds?: number;
      wicks?: RawWicks;
    }
  | {
      kind: "gbm";
      start: number;
      hours: number;
      stepSeconds?: number;
      volatility: number;
      drift?: number;
      jumps?: { perDay: number; meanBps: number; sdBps?: number };
      wicks?: RawWicks;
    }
  | {
      kind: "demo-story";
      days: number;
      traders: number;
      ordersPerDay: number;
      firstDropBps: number;
      secondDropBps: number;
    };
export interface RawPopulation {
  name?: string;
  count: number;
  deposit: RawRange;
  leverage: RawRange;
  longPercent?: number;
  behaviour?: "hold" | "active";
  tradesPerDay?: number;
  reentryPercent?: number;
}
export interface RawMarket {
  name: string;
  insuranceLimit: number;
  rewardCap?: number;
  rewardCapBps?: number;
  exchange?: Partial<
    Record<
      "tradingFeeBps" | "liquidationPenaltyBps" | "liquidatorShareBps" | "initialMarginBps" | "liquidationRatioBps",
      number
    >
  >;
  path: RawPath;
  traders?: RawPopulation[];
}
export type RawEvent =
  | { atHours: number; kind: "deposit"; amount: number }
  | { atHours: number; kind: "raiseInsuranceLimit"; market: string; value: number }
  | { atHours: number; kind: "setRewardCaps"; market: string; rewardCap: number; rewardCapBps: number }
  | { atHours: number; kind: "setTarget"; floor: number; targetShareBps: number }
  | { atHours: number; kind: "pause"; hours: number };
export interface RawScenario {
  name: string;
  description?: string;
  seed?: number;
  suite: {
    policy: "spin" | "spark";
    floor?: number;
    targetShareBps?: number;
    initialBalance?: number;
    bands?: Partial<Record<keyof Bands, number>>;
    shares?: Partial<Record<"tradingFeeShareBps" | "penaltyShareBps", number>>;
  };
  markets: RawMarket[];
  keepers?: { intervalSeconds?: number };
  warmUp?: { days?: number };
  events?: RawEvent[];
  target?: { maxSocializationPercent?: number };
}

// ================================================================ the engine's units

export interface Population {
  name: string;
  count: number;
  /** Whole USDC. */
  deposit: [number, number];
  /** Tenths of leverage. */
  leverageTenths: [number, number];
  longPercent: number;
  active: boolean;
  tradesPerDay: number;
  reentryPercent: number;
}

export interface MarketSpec {
  id: bigint;
  name: string;
  insuranceLimit: bigint;
  rewardCap: bigint;
  rewardCapBps: bigint;
  params: ExchangeParams;
  path: RawPath;
  populations: Population[];
}

export interface Scenario {
  name: string;
  description: string;
  /** The file's directory: CSV paths are relative to it. */
  dir: string;
  seed: bigint;
  policy: "spin" | "spark";
  floor: bigint;
  targetShareBps: bigint;
  initialBalance: bigint;
  bands: Bands;
  shares: { tradingFeeShareBps: bigint; penaltyShareBps: bigint };
  markets: MarketSpec[];
  keeperIntervalSeconds: number | undefined;
  warmUpDays: number;
  events: RawEvent[];
  maxSocializationPercent: number;
  raw: RawScenario;
}

/** The exchange's parameters of deploy/parameters/local.json. */
export const LOCAL_EXCHANGE: ExchangeParams = {
  tradingFeeBps: 10n,
  liquidationPenaltyBps: 100n,
  liquidatorShareBps: 5_000n,
  initialMarginBps: 1_000n,
  liquidationRatioWad: (WAD * 7n) / 10n,
  bankruptcyRatioWad: 0n,
};

/** Whole USDC (to the cent) in quote units. */
export const toUsdc = (amount: number): bigint => BigInt(Math.round(amount * 100)) * (USDC / 100n);

/** Reads, checks and converts a scenario file; throws ScenarioError with one line. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ScenarioError(`${file}: cannot read the file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${file}: not JSON (${(error as Error).message})`);
  }
  return parseScenario(raw, path.dirname(path.resolve(file)), file);
}

/** Checks and converts a parsed scenario; `label` names it in errors. */
export function parseScenario(raw: unknown, dir: string, label = "scenario"): Scenario {
  const problem = firstProblem(raw, scenarioSchema());
  if (problem !== undefined) throw new ScenarioError(`${label}: ${problem}`);
  const s = raw as RawScenario;
  const fail = (message: string): never => {
    throw new ScenarioError(`${label}: ${message}`);
  };

  const floor = toUsdc(s.suite.floor ?? 200_000);
  if (floor === 0n) fail("suite.floor: must be positive");
  const names = new Set<string>();
  const markets = s.markets.map((m, i): MarketSpec => {
    const at = `markets[${i}]`;
    if (names.has(m.name)) fail(`${at}.name: "${m.name}" is used twice`);
    names.add(m.name);
    const e = m.exchange ?? {};
    const params: ExchangeParams = {
      tradingFeeBps: BigInt(e.tradingFeeBps ?? 10),
      liquidationPenaltyBps: BigInt(e.liquidationPenaltyBps ?? 100),
      liquidatorShareBps: BigInt(e.liquidatorShareBps ?? 5_000),
      initialMarginBps: BigInt(e.initialMarginBps ?? 1_000),
      liquidationRatioWad: (BigInt(e.liquidationRatioBps ?? 7_000) * WAD) / 10_000n,
      bankruptcyRatioWad: 0n,
    };
    const maxLeverage = 10_000 / Number(params.initialMarginBps);
    const populations = (m.traders ?? []).map((p, j): Population => {
      const pat = `${at}.traders[${j}]`;
      for (const key of ["deposit", "leverage"] as const) {
        if (p[key].min > p[key].max) fail(`${pat}.${key}: min ${p[key].min} is above max ${p[key].max}`);
      }
      if (p.deposit.min < 1) fail(`${pat}.deposit.min: must be at least 1 USDC`);
      if (p.leverage.min < 0.1) fail(`${pat}.leverage.min: must be at least 0.1`);
      if (p.leverage.max >= maxLeverage * 0.98) {
        fail(`${pat}.leverage.max: must stay below ${(maxLeverage * 0.98).toFixed(2)} (initial margin and fees)`);
      }
      if (p.behaviour !== "active" && p.tradesPerDay !== undefined) {
        fail(`${pat}.tradesPerDay: only for behaviour "active"`);
      }
      return {
        name: p.name ?? `${m.name}-${j}`,
        count: p.count,
        deposit: [p.deposit.min, p.deposit.max],
        leverageTenths: [Math.round(p.leverage.min * 10), Math.round(p.leverage.max * 10)],
        longPercent: p.longPercent ?? 50,
        active: p.behaviour === "active",
        tradesPerDay: p.tradesPerDay ?? (p.behaviour === "active" ? 1 : 0),
        reentryPercent: p.reentryPercent ?? 0,
      };
    });
    if (m.path.kind === "csv") readCsvPath(path.resolve(dir, m.path.file), `${at}.path.file`, label);
    if (m.path.kind === "demo-story" && (s.markets.length !== 1 || m.traders !== undefined)) {
      fail(`${at}.path: a demo-story brings its own traders and runs alone: one market, no traders`);
    }
    if (m.path.kind !== "demo-story" && populations.length === 0) fail(`${at}.traders: required field missing`);
    return {
      id: BigInt(i + 1),
      name: m.name,
      insuranceLimit: toUsdc(m.insuranceLimit),
      rewardCap: toUsdc(m.rewardCap ?? 5_000),
      rewardCapBps: BigInt(m.rewardCapBps ?? 100),
      params,
      path: m.path,
      populations,
    };
  });
  if (markets.reduce((n, m) => n + m.populations.reduce((k, p) => k + p.count, 0), 0) > 200) {
    fail("markets[].traders: at most 200 traders in all (the in-process chain's accounts)");
  }
  for (const [i, event] of (s.events ?? []).entries()) {
    if ("market" in event && !names.has(event.market)) fail(`events[${i}].market: no market named "${event.market}"`);
  }
  const bands = { ...SPIN_BANDS } as Bands;
  for (const [key, value] of Object.entries(s.suite.bands ?? {})) bands[key as keyof Bands] = BigInt(value);
  if (bands.lowerBandBps > bands.upperBandBps) fail("suite.bands.lowerBandBps: must not be above upperBandBps");
  return {
    name: s.name,
    description: s.description ?? "",
    dir,
    seed: BigInt(s.seed ?? 1),
    policy: s.suite.policy,
    floor,
    targetShareBps: BigInt(s.suite.targetShareBps ?? 500),
    initialBalance: s.suite.initialBalance === undefined ? floor : toUsdc(s.suite.initialBalance),
    bands,
    shares: {
      tradingFeeShareBps: BigInt(s.suite.shares?.tradingFeeShareBps ?? SPARK_SHARES.tradingFeeShareBps),
      penaltyShareBps: BigInt(s.suite.shares?.penaltyShareBps ?? SPARK_SHARES.penaltyShareBps),
    },
    markets,
    keeperIntervalSeconds: s.keepers?.intervalSeconds,
    warmUpDays: s.warmUp?.days ?? 7,
    events: s.events ?? [],
    maxSocializationPercent: s.target?.maxSocializationPercent ?? 1,
    raw: s,
  };
}

// ================================================================ CSV price paths

export interface CsvRow {
  timestamp: number;
  price: number;
}

/** A `timestamp,price` CSV (header optional): rows checked one by one, timestamps increasing. */
export function readCsvPath(file: string, field: string, label: string): CsvRow[] {
  const fail = (message: string): never => {
    throw new ScenarioError(`${label}: ${field}: ${message}`);
  };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return fail(`cannot read ${file}`);
  }
  const rows: CsvRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || (i === 0 && /^timestamp\s*,\s*price$/i.test(line))) continue;
    const cells = line.split(",");
    const timestamp = Number(cells[0]);
    const price = Number(cells[1]);
    if (cells.length !== 2 || !Number.isInteger(timestamp) || !(price > 0) || !Number.isFinite(price)) {
      fail(
        `${path.basename(file)} line ${i + 1}: bad row "${line}" (expected timestamp,price: whole seconds, price > 0)`,
      );
    }
    if (rows.length > 0 && timestamp <= rows[rows.length - 1].timestamp) {
      fail(`${path.basename(file)} line ${i + 1}: timestamp ${timestamp} is not after the row before`);
    }
    rows.push({ timestamp, price });
  }
  if (rows.length === 0) fail(`${path.basename(file)}: empty price path (no rows)`);
  return rows;
}
