// An independent bigint model of the socialized-loss index (docs/behaviour.md section 6), written from its words:
// a loss is spread over every open position in proportion to its |base|; a per-market cumulative
// loss-per-unit-of-base index, scaled by 1e60, rises by the loss over the open base, rounded up; a position
// settles, when next touched and before its size changes, what its |base| owes for the index's rise since it
// last settled, rounded up. Alongside the rounded amounts the model keeps each position's exact (rational) share,
// so tests can check "the sum charged is never below the loss" and "no position pays more than one unit above
// its exact share" without trusting the contract.

import { MAX_UINT256 } from "../units.js";

/** The index's fixed-point scale. */
export const SCALE = 10n ** 60n;

/** `ceil(a / b)` for a >= 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  if (a < 0n || b <= 0n) throw new RangeError(`ceilDiv(${a}, ${b})`);
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

// ---------------------------------------------------------------------------------------------------------------
// Exact shares
// ---------------------------------------------------------------------------------------------------------------

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** A non-negative rational number `num / den`, kept in lowest terms. */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint, den: bigint = 1n) {
    if (den <= 0n || num < 0n) throw new RangeError(`Rational(${num}, ${den})`);
    const g = num === 0n ? den : gcd(num, den);
    this.num = num / g;
    this.den = den / g;
  }

  static readonly ZERO = new Rational(0n);

  add(other: Rational): Rational {
    return new Rational(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  /** -1, 0 or 1 as `this` is below, equal to or above `other`. */
  cmp(other: Rational): number {
    const left = this.num * other.den;
    const right = other.num * this.den;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  /** -1, 0 or 1 as `this` is below, equal to or above the whole number `n`. */
  cmpInt(n: bigint): number {
    return this.cmp(new Rational(n));
  }

  toString(): string {
    return `${this.num}/${this.den}`;
  }
}

/** A position's exact share of one loss: `loss * absBase / openBase`, proportional to its |base|. */
export function exactShare(loss: bigint, absBase: bigint, openBase: bigint): Rational {
  return new Rational(loss * absBase, openBase);
}

// ---------------------------------------------------------------------------------------------------------------
// The index and the charges
// ---------------------------------------------------------------------------------------------------------------

export interface Socialized {
  /** The index after the loss (unchanged when not absorbed). */
  index: bigint;
  /** Whether the loss was spread: false with no open base, or when the index could not hold the rise. */
  absorbed: boolean;
}

/**
 * Spreads `loss` over `openBase`: the index rises by the loss per unit of base, scaled and rounded up (in the
 * exchange's favour, so the open base's total owed is never below the loss). With no open position the loss cannot
 * be socialized; nor when the rise would take the index past the largest uint256.
 */
export function socialize(index: bigint, loss: bigint, openBase: bigint): Socialized {
  if (openBase === 0n) return { index, absorbed: false };
  const rise = ceilDiv(loss * SCALE, openBase);
  if (index + rise > MAX_UINT256) return { index, absorbed: false };
  return { index: index + rise, absorbed: true };
}

/** What a position of |base| `absBase` owes for the index rising from `settledIndex` to `index`, rounded up. */
export function owed(absBase: bigint, settledIndex: bigint, index: bigint): bigint {
  if (settledIndex > index) throw new RangeError(`settled at ${settledIndex}, ahead of the index ${index}`);
  return ceilDiv(absBase * (index - settledIndex), SCALE);
}

// ---------------------------------------------------------------------------------------------------------------
// One market's positions
// ---------------------------------------------------------------------------------------------------------------

/** What a position paid when it settled, with what it owed exactly over the same losses. */
export interface Settlement {
  id: string;
  absBase: bigint;
  settledIndex: bigint;
  index: bigint;
  /** The rounded-up charge. */
  charge: bigint;
  /** The exact sum of its shares of every loss since it last settled. */
  exact: Rational;
  /** How many losses it shared since it last settled. */
  losses: number;
  /** The distinct open bases those losses were spread over. */
  openBases: bigint[];
}

interface Position {
  absBase: bigint;
  settledIndex: bigint;
  exact: Rational;
  losses: number;
  openBases: Set<bigint>;
}

/** One market: its index, its open positions, and every loss's exact shares. */
export class LossMarket {
  index = 0n;
  /** Sums over the market's life, for the "sum charged never below the loss" check. */
  lossesAbsorbed = 0n;
  charged = 0n;
  exactCharged = Rational.ZERO;
  /** Settlements with something to pay (a non-zero size and a risen index). */
  payingSettlements = 0;

  private readonly positions = new Map<string, Position>();

  openBase(): bigint {
    let sum = 0n;
    for (const p of this.positions.values()) sum += p.absBase;
    return sum;
  }

  ids(): string[] {
    return [...this.positions.keys()];
  }

  size(id: string): bigint {
    return this.positions.get(id)?.absBase ?? 0n;
  }

  settledIndex(id: string): bigint {
    const p = this.positions.get(id);
    if (p === undefined) throw new Error(`no position ${id}`);
    return p.settledIndex;
  }

  /**
   * Touches a position: it first settles what it owes on the size it held, then takes its new size (0 closes it;
   * a new id opens one at the current index, owing nothing for older losses).
   */
  touch(id: string, newAbsBase: bigint): Settlement | undefined {
    const settlement = this.positions.has(id) ? this.settle(id) : undefined;
    if (newAbsBase === 0n) this.positions.delete(id);
    else this.positions.set(id, this.fresh(newAbsBase));
    return settlement;
  }

  /** Settles a position without changing its size. */
  settle(id: string): Settlement {
    const p = this.positions.get(id);
    if (p === undefined) throw new Error(`no position ${id}`);
    const charge = owed(p.absBase, p.settledIndex, this.index);
    const settlement: Settlement = {
      id,
      absBase: p.absBase,
      settledIndex: p.settledIndex,
      index: this.index,
      charge,
      exact: p.exact,
      losses: p.losses,
      openBases: [...p.openBases],
    };
    this.charged += charge;
    this.exactCharged = this.exactCharged.add(p.exact);
    if (p.absBase > 0n && this.index > p.settledIndex) this.payingSettlements += 1;
    this.positions.set(id, this.fresh(p.absBase));
    return settlement;
  }

  /** A loss in this market: spread over every open position by |base|, or not absorbed. */
  socialize(loss: bigint): Socialized & { openBase: bigint } {
    const openBase = this.openBase();
    const result = socialize(this.index, loss, openBase);
    if (result.absorbed) {
      this.index = result.index;
      this.lossesAbsorbed += loss;
      for (const p of this.positions.values()) {
        p.exact = p.exact.add(exactShare(loss, p.absBase, openBase));
        p.losses += 1;
        p.openBases.add(openBase);
      }
    }
    return { ...result, openBase };
  }

  private fresh(absBase: bigint): Position {
    return { absBase, settledIndex: this.index, exact: Rational.ZERO, losses: 0, openBases: new Set() };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The bounds the spec states
// ---------------------------------------------------------------------------------------------------------------

/** charge >= exact share: the rounding never favours the position. */
export function paysAtLeastShare(s: Settlement): boolean {
  return s.exact.cmpInt(s.charge) <= 0;
}

/** charge <= exact share + 1: the spec's "no position pays more than one unit above its exact share". */
export function paysAtMostOneUnitAbove(s: Settlement): boolean {
  return s.exact.add(new Rational(1n)).cmpInt(s.charge) >= 0;
}

/**
 * Whether the spec's one-unit bound is guaranteed for this settlement: all its losses spread over one open base and
 * `losses * absBase * openBase <= SCALE` (derivation: contracts/libraries/LossIndex.sol's header).
 */
export function oneUnitBoundGuaranteed(s: Settlement): boolean {
  if (s.losses === 0) return true;
  if (s.openBases.length !== 1) return false;
  return BigInt(s.losses) * s.absBase * s.openBases[0] <= SCALE;
}

/** The bound that always holds: charge < exact share + 1 + losses * absBase / SCALE. */
export function paysBelowShareOnePlusRoundUps(s: Settlement): boolean {
  const bound = s.exact.add(new Rational(1n)).add(new Rational(BigInt(s.losses) * s.absBase, SCALE));
  return s.losses === 0 ? s.charge === 0n : bound.cmpInt(s.charge) > 0;
}
