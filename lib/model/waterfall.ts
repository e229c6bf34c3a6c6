// An independent bigint model of the loss waterfall (docs/behaviour.md sections 3 and 6), written from its words.

export interface WaterfallState {
  /** The fund's accounted balance. */
  balance: bigint;
  /** The market's insurance limit and what it has paid so far. */
  insuranceLimit: bigint;
  insurancePaid: bigint;
  /** Caps on one liquidator reward: absolute, and in bps of the liquidated notional. */
  rewardCap: bigint;
  rewardCapBps: bigint;
}

export interface Claim {
  shortfall: bigint;
  reward: bigint;
  liquidatedNotional: bigint;
  openBase: bigint;
}

export interface Cover {
  rewardPaid: bigint;
  shortfallPaid: bigint;
  socialized: bigint;
  badDebt: bigint;
}

const min = (...xs: bigint[]): bigint => xs.reduce((a, b) => (a < b ? a : b));

/** Who pays what for one bankruptcy: the reward first, then the shortfall, within balance and limit. */
export function waterfall(state: WaterfallState, claim: Claim): Cover {
  const rewardAllowed = min(claim.reward, state.rewardCap, (claim.liquidatedNotional * state.rewardCapBps) / 10_000n);
  let available = min(state.balance, state.insuranceLimit - state.insurancePaid);
  const rewardPaid = min(rewardAllowed, available);
  available -= rewardPaid;
  const shortfallPaid = min(claim.shortfall, available);
  const rest = claim.shortfall - shortfallPaid;
  const spreadable = claim.openBase > 0n;
  return {
    rewardPaid,
    shortfallPaid,
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
}

export interface WaterfallSteps {
  allocation: { fundReward: bigint; fundShortfall: bigint; backstopReward: bigint; backstopShortfall: bigint };
  timing: { paidNow: bigint; pending: bigint };
  remainder: { reward: bigint; shortfall: bigint };
}

/**
 * Allocate: the fund's part F = min(R + S, spendable, limit left), reward first; then the backstop's part
 * B = min(R + S - F, its assets, its limit left), reward first. Time: nothing limits payouts yet, so F + B is paid
 * now. Remainder: U = R + S - F - B, kept apart by origin (only the shortfall's rest is socialized or bad debt).
 */
export function waterfallSteps(input: WaterfallInput): WaterfallSteps {
  const owed = input.reward + input.shortfall;
  const fundPart = min(owed, input.fundSpendable, input.fundLimitLeft);
  const fundReward = min(input.reward, fundPart);
  const fundShortfall = fundPart - fundReward;
  const backstopPart = min(owed - fundPart, input.backstopSpendable, input.backstopLimitLeft);
  const backstopReward = min(input.reward - fundReward, backstopPart);
  const backstopShortfall = backstopPart - backstopReward;
  return {
    allocation: { fundReward, fundShortfall, backstopReward, backstopShortfall },
    timing: { paidNow: fundPart + backstopPart, pending: 0n },
    remainder: {
      reward: input.reward - fundReward - backstopReward,
      shortfall: input.shortfall - fundShortfall - backstopShortfall,
    },
  };
}
