// Price paths: inline, replayed from a `timestamp,price` CSV, or generated (geometric Brownian motion with
// Poisson jumps, seeded), and the keepers' ticks between two prices (straight line, with an optional wick).
// Prices are the feed's answers (8 decimals) to the cent, as the demo keeps them.
import path from "node:path";

import { SplitMix64 } from "../../../lib/prng.js";
import { type RawPath, readCsvPath, ScenarioError } from "./scenario.js";

/** The feed's answer of a price: 8 decimals, to the cent. */
export const FEED_DECIMALS = 8n;
const CENT = 10n ** 6n;
export const toAnswer = (price: number): bigint => BigInt(Math.max(1, Math.round(price * 100))) * CENT;

/** One price, holding from `t` seconds after the path's start. */
export interface PricePoint {
  t: number;
  answer: bigint;
}

/**
 * The generator of the traders and the generated paths: sfc32 (32-bit integer steps with Math.imul, the same on
 * every machine), its state drawn from the project's SplitMix64. Fast enough to draw for every trader every tick.
 */
export class RiskRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: bigint) {
    const seeder = new SplitMix64(seed);
    const x = seeder.next64();
    const y = seeder.next64();
    this.a = Number(x & 0xffffffffn) | 0;
    this.b = Number(x >> 32n) | 0;
    this.c = Number(y & 0xffffffffn) | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** The next 32 random bits, as an unsigned integer. */
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.next32() >>> 5) * 67_108_864 + (this.next32() >>> 6)) / 9_007_199_254_740_992;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.uniform() < p;
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A Poisson draw of mean lambda (Knuth; lambda is small here). */
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
}

const YEAR_SECONDS = 365 * 86_400;

/**
 * The market's prices from the path's start. A CSV's timestamp is the candle's open and its price the close, so
 * the price holds from timestamp + candleSeconds (`timestampIs: "open"`, the default); the path starts at the
 * first such moment. `seed` draws a generated path (a sweep's path i gets its own).
 */
export function pricePoints(spec: RawPath, dir: string, seed: bigint): PricePoint[] {
  switch (spec.kind) {
    case "inline": {
      const step = spec.stepSeconds ?? 3_600;
      return spec.prices.map((p, i) => ({ t: i * step, answer: toAnswer(p) }));
    }
    case "csv": {
      const rows = readCsvPath(path.resolve(dir, spec.file), "path.file", "scenario");
      const shift = (spec.timestampIs ?? "open") === "open" ? (spec.candleSeconds ?? 3_600) : 0;
      const first = rows[0].timestamp + shift;
      return rows.map((r) => ({ t: r.timestamp + shift - first, answer: toAnswer(r.price) }));
    }
    case "gbm": {
      const random = new RiskRandom(seed);
      const step = spec.stepSeconds ?? 3_600;
      const steps = Math.floor((spec.hours * 3_600) / step);
      const dt = step / YEAR_SECONDS;
      const vol = spec.volatility;
      const drift = spec.drift ?? 0;
      const lambda = ((spec.jumps?.perDay ?? 0) * step) / 86_400;
      let logPrice = Math.log(spec.start);
      const points = [{ t: 0, answer: toAnswer(spec.start) }];
      for (let i = 1; i <= steps; i++) {
        logPrice += (drift - (vol * vol) / 2) * dt + vol * Math.sqrt(dt) * random.normal();
        const jumps = lambda > 0 ? random.poisson(lambda) : 0;
        for (let j = 0; j < jumps; j++) {
          const bps = spec.jumps!.meanBps + (spec.jumps!.sdBps ?? 0) * random.normal();
          logPrice += Math.log(Math.max(0.05, 1 + bps / 10_000));
        }
        points.push({ t: i * step, answer: toAnswer(Math.exp(logPrice)) });
      }
      return points;
    }
    case "demo-story":
      throw new ScenarioError("a demo-story has no price points: it runs the demo's engine");
  }
}

/**
 * The keepers' ticks from one price to the next: every `interval` seconds inside the step, on the straight line
 * between the two prices, one of them (drawn) overshooting the move by up to `depthBps` of the price (a wick the
 * hourly close does not show). The last tick is the next price itself.
 */
export function ticksBetween(
  from: PricePoint,
  to: PricePoint,
  interval: number,
  depthBps: number,
  random: RiskRandom,
): PricePoint[] {
  const span = to.t - from.t;
  const count = Math.max(1, Math.ceil(span / interval));
  const ticks: PricePoint[] = [];
  const wickAt = depthBps > 0 && count > 1 ? random.between(1, count - 1) : -1;
  const wickBps = wickAt < 0 ? 0 : random.uniform() * depthBps;
  for (let k = 1; k < count; k++) {
    const t = from.t + Math.floor((span * k) / count);
    let answer = from.answer + ((to.answer - from.answer) * BigInt(k)) / BigInt(count);
    if (k === wickAt) {
      const down = to.answer <= from.answer;
      const low = down ? to.answer : from.answer;
      const high = down ? from.answer : to.answer;
      const overshoot = (BigInt(Math.round(wickBps * 100)) * (down ? low : high)) / 1_000_000n;
      answer = down ? low - overshoot : high + overshoot;
    }
    ticks.push({ t, answer: (answer / CENT) * CENT });
  }
  ticks.push(to);
  return ticks;
}
