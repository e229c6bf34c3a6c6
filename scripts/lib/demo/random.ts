// The demo's draws, on the project's seeded generator (scripts/lib/splitmix64.ts): integer draws only, so that
// one seed gives the same market on every machine and every Node version.

import { SplitMix64 } from "../../../lib/prng.js";

export class DemoRandom extends SplitMix64 {
  constructor(seed: bigint) {
    super(seed);
  }

  /** An integer in [0, n), n a positive safe integer (the modulo bias of 64 bits over n < 2^53 is negligible). */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`int(${n})`);
    return Number(this.next64() % BigInt(n));
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** A bigint in [min, max]. */
  bigBetween(min: bigint, max: bigint): bigint {
    return min + (this.next64() % (max - min + 1n));
  }

  /** True with probability `percent` / 100. */
  chance(percent: number): boolean {
    return this.int(100) < percent;
  }

  /** An item of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /**
   * A bell-shaped integer in [-2000, 2000] with mean 0 and standard deviation ~577 (the sum of four uniform draws,
   * Irwin-Hall): a normal-enough shock without floating point.
   */
  shockMilli(): number {
    return this.int(1001) + this.int(1001) + this.int(1001) + this.int(1001) - 2000;
  }
}
