// A seeded, deterministic pseudo-random generator for tests (SplitMix64 on bigints), so that every run of a
// randomized test walks the same sequence and a failure can be replayed from its seed.

import { SplitMix64 } from "../../scripts/lib/splitmix64.js";

export class Prng extends SplitMix64 {
  /** A uniform-enough value in [0, n) for any n > 0 (256 extra bits make the modulo bias negligible). */
  below(n: bigint): bigint {
    if (n <= 0n) throw new RangeError(`below(${n})`);
    let bits = 0n;
    let width = 0n;
    const needed = BigInt(n.toString(2).length) + 256n;
    while (width < needed) {
      bits = (bits << 64n) | this.next64();
      width += 64n;
    }
    return bits % n;
  }

  /** A value in [min, max]. */
  between(min: bigint, max: bigint): bigint {
    return min + this.below(max - min + 1n);
  }

  /** A number in [0, n). */
  int(n: number): number {
    return Number(this.below(BigInt(n)));
  }

  /** True with probability `numerator / denominator`. */
  chance(numerator: number, denominator: number): boolean {
    return this.int(denominator) < numerator;
  }

  /** A value below 10^digits, its number of digits drawn uniformly from [minDigits, maxDigits] first. */
  magnitude(minDigits: number, maxDigits: number): bigint {
    const digits = minDigits + this.int(maxDigits - minDigits + 1);
    return this.below(10n ** BigInt(digits));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}
