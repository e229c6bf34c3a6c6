// Reference model of `PayoutBucket`: a token bucket limiting payouts, written from the rules, not from the
// library's code:
//   - the level at time t is min(level at the last write + (t - last) * refillPerSecond, capacity); the
//     difference of times is taken modulo 2^32, as the library stores times modulo 2^32;
//   - consume(wanted) takes min(wanted, level) and never fails;
//   - configure refills at the old rate, then clamps to the new capacity; a bucket never configured
//     (capacity 0) or disabled (capacity 2^128 - 1) starts full; capacity 0 and a rate above the capacity
//     are refused;
//   - a disabled bucket passes any amount and its level reads as 2^256 - 1.

import { MAX_UINT128, MAX_UINT256 } from "../units.js";

/** The capacity of a disabled bucket. */
export const DISABLED = MAX_UINT128;

const TIME_MODULUS = 2n ** 32n;

export class PayoutBucketModel {
  tokens = 0n;
  lastUpdated = 0n;
  capacity = 0n;
  refillPerSecond = 0n;

  get disabled(): boolean {
    return this.capacity === DISABLED;
  }

  /** The level at `now` (refilled, capped), without changing anything. */
  available(now: bigint): bigint {
    if (this.disabled) return MAX_UINT256;
    return this.levelAt(now);
  }

  /** Takes up to `wanted` at `now`; returns what it took. */
  consume(now: bigint, wanted: bigint): bigint {
    if (this.disabled) return wanted;
    const level = this.levelAt(now);
    const taken = wanted < level ? wanted : level;
    this.tokens = level - taken;
    this.lastUpdated = now % TIME_MODULUS;
    return taken;
  }

  /** Sets capacity and rate at `now`; throws the library's error name for a refused configuration. */
  configure(now: bigint, capacity: bigint, refillPerSecond: bigint): void {
    if (capacity === 0n) throw new Error("PayoutBucketZeroCapacity");
    if (refillPerSecond > capacity) throw new Error("PayoutBucketRefillAboveCapacity");
    const hadNoLimit = this.capacity === 0n || this.disabled;
    const level = hadNoLimit ? capacity : this.levelAt(now);
    this.tokens = level < capacity ? level : capacity;
    this.lastUpdated = now % TIME_MODULUS;
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
  }

  /** The first time from `now` on at which the level reaches `amount` (an enabled bucket, amount <= capacity). */
  timeWhenAvailable(now: bigint, amount: bigint): bigint {
    const level = this.levelAt(now);
    if (level >= amount) return now;
    if (amount > this.capacity || this.refillPerSecond === 0n) throw new Error("never available");
    return now + (amount - level + this.refillPerSecond - 1n) / this.refillPerSecond;
  }

  private levelAt(now: bigint): bigint {
    const elapsed = (((now - this.lastUpdated) % TIME_MODULUS) + TIME_MODULUS) % TIME_MODULUS;
    const level = this.tokens + elapsed * this.refillPerSecond;
    return level < this.capacity ? level : this.capacity;
  }
}
