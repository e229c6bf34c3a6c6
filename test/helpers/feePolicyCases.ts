// Deterministic pseudo-random inputs for the fee-policy tests: amounts and fund states that reach every band.
import type { FundState } from "../../lib/model/feePolicies.js";
import { SplitMix64 } from "../../lib/prng.js";
import { MAX_BPS } from "../../lib/units.js";

/** The project's SplitMix64 with a text seed: the same seed gives the same sequence, so a failure reproduces. */
export class Prng extends SplitMix64 {
  constructor(seed: string) {
    super(seed);
  }

  /** Uniform in [0, 2^bits). */
  bits(bits: number): bigint {
    let v = 0n;
    for (let got = 0; got < bits; got += 64) v = (v << 64n) | this.next64();
    return v & ((1n << BigInt(bits)) - 1n);
  }

  /** Uniform in [0, n) for n > 0 (modulo bias is irrelevant here). */
  below(n: bigint): bigint {
    return this.bits(n.toString(2).length + 64) % n;
  }

  /** Log-uniform in [0, 2^maxBits]: first a bit length, then a value of that length (so small and huge both). */
  logUniform(maxBits: number): bigint {
    const length = Number(this.below(BigInt(maxBits) + 1n));
    return length === 0 ? 0n : (1n << BigInt(length - 1)) | this.bits(length - 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[Number(this.below(BigInt(items.length)))];
  }
}

/** 2^128: the top of the amounts the fund's 128-bit accounting can hand a policy. */
export const TWO_128 = 1n << 128n;

/** The amounts every policy is tried with: 0, 1, small odd ones, and random ones up to 2^128. */
export function amounts(prng: Prng, randomCount: number): bigint[] {
  const fixed = [0n, 1n, 2n, 3n, 7n, 9_999n, 10_001n, 1_000_001n, TWO_128 - 1n, TWO_128];
  const random = Array.from({ length: randomCount }, (_, i) => {
    const a = prng.logUniform(128);
    return i % 2 === 0 ? a | 1n : a; // half of them odd
  });
  return [...fixed, ...random];
}

const TARGET_SHARES = [0n, 1n, 3n, 7n, 200n, 500n, 9_999n, MAX_BPS];

/**
 * Random fund states: half with every field random (log-uniform up to 2^128), half whose balance is placed
 * around a ratio between 0 % and 10 % of an open interest (so every band of Spin's policy is reached), with
 * a few units of jitter either side of it.
 */
export function fundStates(prng: Prng, count: number): FundState[] {
  return Array.from({ length: count }, (_, i) => {
    const targetShareBps = prng.pick([...TARGET_SHARES, prng.below(MAX_BPS + 1n)]);
    if (i % 2 === 0) {
      return {
        balance: prng.logUniform(128),
        averageOpenInterest: prng.logUniform(128),
        floor: prng.logUniform(128),
        targetShareBps,
      };
    }
    const averageOpenInterest = prng.logUniform(100);
    const floor = prng.pick([0n, prng.logUniform(100)]);
    const reference = averageOpenInterest > 0n ? averageOpenInterest : floor * 20n;
    const ratioBps = prng.below(1_001n);
    const jitter = prng.below(7n) - 3n;
    const balance = (reference * ratioBps) / MAX_BPS + jitter;
    return { balance: balance < 0n ? 0n : balance, averageOpenInterest, floor, targetShareBps };
  });
}

/** A `FundState` for a test message: `{balance, averageOpenInterest, floor, targetShareBps}` in units. */
export function describeState(s: FundState): string {
  return `{${s.balance}, ${s.averageOpenInterest}, ${s.floor}, ${s.targetShareBps}}`;
}
