// Bigint reference model of the two fee-split policies, written from docs/behaviour.md section 4 (and section 5 for
// the floor), independently of the contracts. Every rounding is named and says whom it favours.

import { MAX_BPS, usdc } from "../units.js";

/** The income kinds, numbered as in `IFeePolicy.FeeKind`. */
export enum FeeKind {
  TradingFee = 0,
  LiquidationPenalty = 1,
}

export const FEE_KINDS = [FeeKind.TradingFee, FeeKind.LiquidationPenalty] as const;

/** What a fee policy sees (all money in quote-token units). */
export interface FundState {
  balance: bigint;
  averageOpenInterest: bigint;
  floor: bigint;
  targetShareBps: bigint;
}

export interface Split {
  fundPart: bigint;
  treasuryPart: bigint;
}

/** A fee policy as the model sees it. */
export interface FeePolicyModel {
  /** The number of bands: `band()` answers in [0, bandCount). */
  readonly bandCount: number;
  split(kind: FeeKind, amount: bigint, state: FundState): Split;
  band(state: FundState): number;
}

/** ceil(a / b) for a >= 0, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/** `amount * bps / 10_000`, rounded up: favours whoever receives the share (here, the fund). */
export function mulBpsUp(amount: bigint, bps: bigint): bigint {
  return ceilDiv(amount * bps, MAX_BPS);
}

/** The fund gets `shareBps` of `amount`, rounded up (favours the fund); the treasury gets exactly the rest. */
export function splitByShare(amount: bigint, shareBps: bigint): Split {
  const fundPart = mulBpsUp(amount, shareBps);
  return { fundPart, treasuryPart: amount - fundPart };
}

// ------------------------------------------------------------------------------------------------ Spark

/** Spark's numbers: half of trading fees and half of liquidation penalties to the fund. */
export const SPARK_SHARES = { tradingFeeShareBps: 5_000n, penaltyShareBps: 5_000n } as const;

/** Spark's fixed share: the same share whatever the fund's state; a single band (0). */
export function fixedShareModel(tradingFeeShareBps: bigint, penaltyShareBps: bigint): FeePolicyModel {
  return {
    bandCount: 1,
    split(kind, amount) {
      return splitByShare(amount, kind === FeeKind.TradingFee ? tradingFeeShareBps : penaltyShareBps);
    },
    band() {
      return 0;
    },
  };
}

// ------------------------------------------------------------------------------------------------ Spin

/** The parameters of Spin's target bands, in bps (field names as in `ITargetBandsPolicy.Bands`). */
export interface Bands {
  lowerBandBps: bigint;
  upperBandBps: bigint;
  lowTradingFeeShareBps: bigint;
  lowPenaltyShareBps: bigint;
  midPenaltyShareBps: bigint;
}

/** Spin's numbers: 2 %, 5 %; below 2 %: 20 % of fees and 40 % of penalties; from 2 % to 5 %: 40 % of penalties. */
export const SPIN_BANDS: Bands = {
  lowerBandBps: 200n,
  upperBandBps: 500n,
  lowTradingFeeShareBps: 2_000n,
  lowPenaltyShareBps: 4_000n,
  midPenaltyShareBps: 4_000n,
};

/** Spin's target (section 3): 5 % of the average open interest, at least 200,000 USDC. */
export const SPIN_TARGET = { targetShareBps: 500n, floor: usdc(200_000) } as const;

/** A non-negative rational number `num / den`; `den === 0n` stands for +infinity (or 0/0, see `ratio`). */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** a < b for rationals, by cross-multiplication; +infinity is below nothing. */
export function lessThan(a: Rational, b: Rational): boolean {
  if (a.den === 0n) return false;
  if (b.den === 0n) return true;
  return a.num * b.den < b.num * a.den;
}

/** The larger of two rationals. */
function maxRational(a: Rational, b: Rational): Rational {
  return lessThan(a, b) ? b : a;
}

/**
 * The open interest the floor stands for, `floor / targetShare`, as the exact rational
 * `floor * 10_000 / targetShareBps` (zero when the target share is zero: no floor to stand for).
 */
export function floorOpenInterestExact(state: FundState): Rational {
  if (state.targetShareBps === 0n) return { num: 0n, den: 1n };
  return { num: state.floor * MAX_BPS, den: state.targetShareBps };
}

/**
 * The open interest R is measured against, as the contract defines it: max(average OI, the floor's OI rounded up
 * to a whole unit). Rounding the floor's OI up makes R smaller: it favours the fund's refill.
 */
export function effectiveOpenInterest(state: FundState): bigint {
  const { num, den } = floorOpenInterestExact(state);
  const floorOpenInterest = ceilDiv(num, den);
  return state.averageOpenInterest > floorOpenInterest ? state.averageOpenInterest : floorOpenInterest;
}

/**
 * R = balance / openInterest as a rational. With no open interest at all (zero average and zero floor), R is
 * taken as +infinity whatever the balance (the target is zero, so the fund is at or above it): the top band.
 */
export function ratio(balance: bigint, openInterest: Rational): Rational {
  if (openInterest.num === 0n) return { num: 1n, den: 0n };
  return { num: balance * openInterest.den, den: openInterest.num };
}

/** The band of a ratio R, as Spin words it: R < lower: 0; lower <= R < upper: 1; R >= upper: 2. */
export function bandOfRatio(bands: Bands, r: Rational): number {
  if (lessThan(r, { num: bands.lowerBandBps, den: MAX_BPS })) return 0;
  if (lessThan(r, { num: bands.upperBandBps, den: MAX_BPS })) return 1;
  return 2;
}

/** Spin's target bands, R measured against the contract's effective open interest (floor's OI rounded up). */
export function targetBandsModel(bands: Bands): FeePolicyModel {
  return {
    bandCount: 3,
    band(state) {
      return belowFloorNeverTop(
        state,
        bandOfRatio(bands, ratio(state.balance, { num: effectiveOpenInterest(state), den: 1n })),
      );
    },
    split(kind, amount, state) {
      const band = this.band(state);
      const trading = kind === FeeKind.TradingFee;
      const shareBps =
        band === 0
          ? trading
            ? bands.lowTradingFeeShareBps
            : bands.lowPenaltyShareBps
          : band === 1
            ? trading
              ? 0n
              : bands.midPenaltyShareBps
            : 0n;
      return splitByShare(amount, shareBps);
    },
  };
}

/**
 * The band with no rounding at all: R = balance / max(average OI, floor / target share), all exact rationals.
 * The contract's band is never above this one (its rounding favours the fund's refill), and equals it whenever
 * the floor's OI is a whole number.
 */
export function bandExact(bands: Bands, state: FundState): number {
  const openInterest = maxRational({ num: state.averageOpenInterest, den: 1n }, floorOpenInterestExact(state));
  return belowFloorNeverTop(state, bandOfRatio(bands, ratio(state.balance, openInterest)));
}

/** A fund below its floor is never in the top band (2), whatever the target share: at most the middle one. */
function belowFloorNeverTop(state: FundState, band: number): number {
  return band === 2 && state.balance < state.floor ? 1 : band;
}

/** A `FundState` with Spin's target parameters unless told otherwise. */
export function fundState(fields: Partial<FundState> & Pick<FundState, "balance">): FundState {
  return {
    averageOpenInterest: 0n,
    floor: SPIN_TARGET.floor,
    targetShareBps: SPIN_TARGET.targetShareBps,
    ...fields,
  };
}
