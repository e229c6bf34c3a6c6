// SplitMix64 on bigints: the one seeded generator of the demo and the randomized tests (`Prng` adds the tests'
// draws, scripts/lib/demo/random.ts the demo's). Integer arithmetic only (no floating point, no Math.random), so
// a seed gives the same sequence on every machine and Node version: a demo replays, and a failing test
// reproduces from its seed.

const MASK64 = (1n << 64n) - 1n;

/** FNV-1a (64-bit) of a text seed. */
function fnv1a64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const c of text) hash = ((hash ^ BigInt(c.charCodeAt(0))) * 0x100000001b3n) & MASK64;
  return hash;
}

/** The generator's state and its 64-bit step; each user adds the draws it needs on top. */
export class SplitMix64 {
  private state: bigint;

  /** A number or bigint seed is taken modulo 2^64; a text seed is hashed (FNV-1a). */
  constructor(seed: bigint | number | string) {
    this.state = typeof seed === "string" ? fnv1a64(seed) : BigInt(seed) & MASK64;
  }

  /** The next 64 random bits. */
  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
}

/** The randomized tests' draws: a failing test reproduces from its seed. */
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
