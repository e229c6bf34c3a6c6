// The demo's seeded pseudo-random generator: SplitMix64 on bigints, integer draws only (no floating-point maths,
// no Math.random), so that one seed gives the same market on every machine and every Node version.

const MASK64 = (1n << 64n) - 1n;

export class DemoRandom {
  private state: bigint;

  constructor(seed: bigint) {
    this.state = seed & MASK64;
  }

  /** The next 64 random bits. */
  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
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
