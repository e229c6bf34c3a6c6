// An independent bigint model of one bankruptcy's cover as the fund reports it (docs/behaviour.md 3.1, SPEC
// section 1a): allocate (who bears it), time (when the fund's part is paid), remainder (socialized or bad debt).
// The allocation is waterfall.ts's `waterfallSteps`; this adds the reward caps, the timing and the remainder.

import { bpsDown } from "./exchange.js";
import { waterfallSteps } from "./waterfall.js";

const min = (...xs: bigint[]): bigint => xs.reduce((a, b) => (a < b ? a : b));

/** The fund's side of one market at the moment of the claim. */
export interface CoverState {
  /** The fund's spendable balance (pending claims already left it). */
  balance: bigint;
  /** The market's insurance limit and what was charged to it so far (paid or pending). */
  insuranceLimit: bigint;
  insurancePaid: bigint;
  /** Caps on one liquidator reward: absolute, and in bps of the liquidated notional. */
  rewardCap: bigint;
  rewardCapBps: bigint;
  /** The market's pending claim before this one. */
  earlierPending: bigint;
  /** What the market's and the fund's buckets let through now (0 while paused). */
  payoutAvailable: bigint;
}

export interface CoverClaim {
  shortfall: bigint;
  /** The reward the exchange asks of the fund, before the caps. */
  reward: bigint;
  liquidatedNotional: bigint;
  openBase: bigint;
}

/** The fund's `BankruptcyCover`, field for field. */
export interface BankruptcyCover {
  reward: bigint;
  fundReward: bigint;
  fundShortfall: bigint;
  backstopReward: bigint;
  backstopShortfall: bigint;
  paidNow: bigint;
  pending: bigint;
  earlierPendingPaid: bigint;
  socialized: bigint;
  badDebt: bigint;
}

/** The reward the fund recognises: the asked reward within the market's absolute and notional caps. */
export const cappedReward = (reward: bigint, rewardCap: bigint, rewardCapBps: bigint, notional: bigint): bigint =>
  min(reward, rewardCap, bpsDown(notional, rewardCapBps));

/**
 * One claim's cover. F = min(R + S, balance, limit left), reward first; the earlier pending claim is paid first
 * from what the buckets allow, then as much of F as is left; the rest of F is pending. The remainder
 * U = R + S - F, the reward's unpaid part with the shortfall's, is socialized, or bad debt with no open base.
 */
export function bankruptcyCover(state: CoverState, claim: CoverClaim): BankruptcyCover {
  const reward = cappedReward(claim.reward, state.rewardCap, state.rewardCapBps, claim.liquidatedNotional);
  const steps = waterfallSteps({
    shortfall: claim.shortfall,
    reward,
    fundSpendable: state.balance,
    fundLimitLeft: state.insuranceLimit - state.insurancePaid,
    backstopSpendable: 0n,
    backstopLimitLeft: 0n,
  });
  const { fundReward, fundShortfall, backstopReward, backstopShortfall } = steps.allocation;
  const allocated = fundReward + fundShortfall + backstopReward + backstopShortfall;
  const earlierPendingPaid = min(state.earlierPending, state.payoutAvailable);
  const paidNow = min(allocated, state.payoutAvailable - earlierPendingPaid);
  const rest = steps.remainder.reward + steps.remainder.shortfall;
  const spreadable = claim.openBase > 0n;
  return {
    reward,
    fundReward,
    fundShortfall,
    backstopReward,
    backstopShortfall,
    paidNow,
    pending: allocated - paidNow,
    earlierPendingPaid,
    socialized: spreadable ? rest : 0n,
    badDebt: spreadable ? 0n : rest,
  };
}

/** The cover's fields in the struct's order, as an event or a call returns them. */
export const COVER_FIELDS = [
  "reward",
  "fundReward",
  "fundShortfall",
  "backstopReward",
  "backstopShortfall",
  "paidNow",
  "pending",
  "earlierPendingPaid",
  "socialized",
  "badDebt",
] as const satisfies readonly (keyof BankruptcyCover)[];

/** A cover with the fields given and every other field 0 (for expectations). */
export const coverOf = (fields: Partial<BankruptcyCover>): BankruptcyCover => ({
  ...(Object.fromEntries(COVER_FIELDS.map((f) => [f, 0n])) as unknown as BankruptcyCover),
  ...fields,
});

/** The cover as a tuple in the struct's order: an event argument for `withArgs`. */
export const coverTuple = (c: BankruptcyCover): bigint[] => COVER_FIELDS.map((f) => c[f]);
