// An independent bigint model of the loss waterfall (docs/behaviour.md sections 3 and 6), written from its words.

export interface WaterfallState {
  /** The fund's accounted balance (pending claims already left it). */
  balance: bigint;
  /** The market's insurance limit and what it has allocated so far. */
  insuranceLimit: bigint;
  insurancePaid: bigint;
  /** Caps on one liquidator reward: absolute, and in bps of the liquidated notional. */
  rewardCap: bigint;
  rewardCapBps: bigint;
  /** The market's pending claim before this one (default 0). */
  earlierPending?: bigint;
  /** What the buckets let through now, 0 while paused (default: no limit). */
  payoutAvailable?: bigint;
}

export interface Claim {
  shortfall: bigint;
  reward: bigint;
  liquidatedNotional: bigint;
  openBase: bigint;
}

/** The fund's `BankruptcyCover`, field for field (no backstop in this model: its parts are 0). */
export interface BankruptcyCover {
  /** R: the capped reward, which the exchange pays its liquidator. */
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

/** The fields of `BankruptcyCover`, in the struct's order. */
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

/** A cover of nothing, to spread expected values over. */
export const NO_COVER: BankruptcyCover = Object.fromEntries(
  COVER_FIELDS.map((f) => [f, 0n]),
) as unknown as BankruptcyCover;

/** A cover with the fields given and every other field 0 (for expectations). */
export const coverOf = (fields: Partial<BankruptcyCover>): BankruptcyCover => ({ ...NO_COVER, ...fields });

/** A `BankruptcyCover` as ethers returns it (a struct result), as the model's plain object. */
export function coverFromResult(result: Readonly<Record<(typeof COVER_FIELDS)[number], bigint>>): BankruptcyCover {
  return Object.fromEntries(COVER_FIELDS.map((f) => [f, result[f]])) as unknown as BankruptcyCover;
}

/** A cover as the event's tuple argument (`withArgs`). */
export function coverTuple(cover: BankruptcyCover): bigint[] {
  return COVER_FIELDS.map((f) => cover[f]);
}

const min = (...xs: bigint[]): bigint => xs.reduce((a, b) => (a < b ? a : b));

/**
 * Who bears what of one bankruptcy and when it is paid: the fund allocates the capped reward first, then the
 * shortfall, within its balance and the market's limit left; the market's earlier pending claim, then this
 * allocation, are paid within what the buckets let through; the rest of the reward and of the shortfall is
 * socialized over the open base, or bad debt without one.
 */
export function waterfall(state: WaterfallState, claim: Claim): BankruptcyCover {
  const reward = min(claim.reward, state.rewardCap, (claim.liquidatedNotional * state.rewardCapBps) / 10_000n);
  const steps = waterfallSteps({
    shortfall: claim.shortfall,
    reward,
    fundSpendable: state.balance,
    fundLimitLeft: state.insuranceLimit - state.insurancePaid,
    backstopSpendable: 0n,
    backstopLimitLeft: 0n,
    earlierPending: state.earlierPending ?? 0n,
    payoutAvailable: state.payoutAvailable ?? 2n ** 256n - 1n,
  });
  const rest = steps.remainder.reward + steps.remainder.shortfall;
  const spreadable = claim.openBase > 0n;
  return {
    reward,
    fundReward: steps.allocation.fundReward,
    fundShortfall: steps.allocation.fundShortfall,
    backstopReward: 0n,
    backstopShortfall: 0n,
    paidNow: steps.timing.paidNow,
    pending: steps.timing.pending,
    earlierPendingPaid: steps.timing.earlierPaid,
    socialized: spreadable ? rest : 0n,
    badDebt: spreadable ? 0n : rest,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The three steps of docs/behaviour.md section 3.1, on an already capped reward
// ---------------------------------------------------------------------------------------------------------------

/** One claim and what can pay it (the backstop's fields are 0 while there is no backstop). */
export interface WaterfallInput {
  shortfall: bigint;
  reward: bigint;
  fundSpendable: bigint;
  fundLimitLeft: bigint;
  backstopSpendable: bigint;
  backstopLimitLeft: bigint;
  /** The market's pending claim before this one: paid first. */
  earlierPending: bigint;
  /** What may be paid now: the smaller bucket's level, 0 while paused. */
  payoutAvailable: bigint;
}

export interface WaterfallSteps {
  allocation: { fundReward: bigint; fundShortfall: bigint; backstopReward: bigint; backstopShortfall: bigint };
  timing: { earlierPaid: bigint; paidNow: bigint; pending: bigint };
  remainder: { reward: bigint; shortfall: bigint };
}

/**
 * Allocate: the fund's part F = min(R + S, spendable, limit left), reward first; then the backstop's part
 * B = min(R + S - F, its assets, its limit left), reward first. Time: the earlier pending claim first, then F + B,
 * within `payoutAvailable`; the rest of F + B is pending. Remainder: U = R + S - F - B, kept apart by origin (both
 * parts are socialized, or bad debt).
 */
export function waterfallSteps(input: WaterfallInput): WaterfallSteps {
  const owed = input.reward + input.shortfall;
  const fundPart = min(owed, input.fundSpendable, input.fundLimitLeft);
  const fundReward = min(input.reward, fundPart);
  const fundShortfall = fundPart - fundReward;
  const backstopPart = min(owed - fundPart, input.backstopSpendable, input.backstopLimitLeft);
  const backstopReward = min(input.reward - fundReward, backstopPart);
  const backstopShortfall = backstopPart - backstopReward;
  const earlierPaid = min(input.earlierPending, input.payoutAvailable);
  const paidNow = min(fundPart + backstopPart, input.payoutAvailable - earlierPaid);
  return {
    allocation: { fundReward, fundShortfall, backstopReward, backstopShortfall },
    timing: { earlierPaid, paidNow, pending: fundPart + backstopPart - paidNow },
    remainder: {
      reward: input.reward - fundReward - backstopReward,
      shortfall: input.shortfall - fundShortfall - backstopShortfall,
    },
  };
}
