/** Quote-token units of a USDC amount (6 decimals). Accepts whole numbers or decimal strings ("0.5"). */
export function usdc(amount: number | bigint | string): bigint {
  if (typeof amount === "bigint") return amount * 10n ** 6n;
  const [whole, fraction = ""] = String(amount).split(".");
  if (fraction.length > 6) throw new Error(`usdc(${amount}): more than 6 decimals`);
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole.replace("-", "")) * 10n ** 6n + BigInt(fraction.padEnd(6, "0")));
}

/** 18-decimal fixed point of a whole or decimal number. */
export function wad(amount: number | bigint | string): bigint {
  if (typeof amount === "bigint") return amount * 10n ** 18n;
  const [whole, fraction = ""] = String(amount).split(".");
  const sign = whole.startsWith("-") ? -1n : 1n;
  return sign * (BigInt(whole.replace("-", "")) * 10n ** 18n + BigInt(fraction.padEnd(18, "0")));
}

export const DAY = 24n * 3600n;
export const WEEK = 7n * DAY;
export const MAX_UINT128 = 2n ** 128n - 1n;
