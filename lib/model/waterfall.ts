// An independent bigint model of the loss waterfall (SPEC section 1 and 4), written from the spec's words.

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
