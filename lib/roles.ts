// The AccessManager roles of the suite and the functions each may call. The deploy module, the tests and
// the scripts all read them from here.

/** AccessManager's built-in admin role (a timelock or multisig in production). */
export const ADMIN_ROLE = 0n;
/** Sets parameters (markets, limits, reward caps, target, fee policy, treasury) and runs the markets' lifecycle. */
export const GOVERNOR_ROLE = 1n;
/** Pauses and resumes payouts. */
export const GUARDIAN_ROLE = 2n;

export const GOVERNOR_FUNCTIONS = [
  "registerMarket(uint256,(address,uint128,uint128,uint16,uint128))",
  "raiseInsuranceLimit(uint256,uint128)",
  "setRewardCaps(uint256,uint128,uint16)",
  "setTarget(uint16,uint128)",
  "setFeePolicy(address)",
  "setTreasury(address)",
  "setOpenInterestCap(uint256,uint128)",
  "moveMarket(uint256,address)",
  "retireMarket(uint256)",
  "writeOffBadDebt(uint256)",
  "setMarketPayoutLimit(uint256,uint128,uint128)",
  "setFundPayoutLimit(uint128,uint128)",
  "rejectPendingClaim(uint256)",
  "setBackstop(address,uint16)",
  "setFeeDeferral(uint256,uint128)",
] as const;

export const GUARDIAN_FUNCTIONS = ["pause()", "unpause()"] as const;

/** The backstop vault's functions the governor calls (the same AccessManager as the fund's). */
export const BACKSTOP_GOVERNOR_FUNCTIONS = [
  "setMarketLimit(uint256,uint128)",
  "setMinimumAssets(uint128)",
  "setExitTerms(uint64,uint64,uint16)",
  "setStreamPeriod(uint64)",
] as const;
