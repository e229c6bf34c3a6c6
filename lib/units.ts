// Units and bounds shared by the model, the tests, the scripts and the deployment: each is defined here only.

/** One USDC in quote-token units (6 decimals). */
export const USDC = 10n ** 6n;
/** 18-decimal fixed point: prices, base sizes and ratios. */
export const WAD = 10n ** 18n;
/** 100 % in basis points. */
export const MAX_BPS = 10_000n;

export const HOUR = 3_600n;
export const DAY = 24n * HOUR;
export const WEEK = 7n * DAY;

export const MAX_UINT128 = 2n ** 128n - 1n;
export const MAX_UINT256 = 2n ** 256n - 1n;

/** Quote-token units of a USDC amount (6 decimals). Accepts whole numbers or decimal strings ("0.5"). */
export function usdc(amount: number | bigint | string): bigint {
  if (typeof amount === "bigint") return amount * USDC;
  const [whole, fraction = ""] = String(amount).split(".");
  if (fraction.length > 6) throw new Error(`usdc(${amount}): more than 6 decimals`);
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole.replace("-", "")) * USDC + BigInt(fraction.padEnd(6, "0")));
}

/** 18-decimal fixed point of a whole or decimal number. */
export function wad(amount: number | bigint | string): bigint {
  if (typeof amount === "bigint") return amount * WAD;
  const [whole, fraction = ""] = String(amount).split(".");
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole.replace("-", "")) * WAD + BigInt(fraction.padEnd(18, "0")));
}

/**
 * A market's open-interest cap when none is chosen: 2^88 quote units (309 billion billion USDC), so that 255
 * markets' caps still sum below the fund's 2^96 (`InsuranceFundOpenInterestCapsTooLarge`).
 */
export const DEFAULT_OPEN_INTEREST_CAP = 2n ** 88n;
