// Exact money, basis points and durations as text: shared by the status command, the dashboard and the tasks.

/** `amount` token units as an exact decimal with thousands separators: 1234567890 (6 dec.) -> "1,234.56789". */
export function formatUnitsExact(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(decimals);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = decimals === 0 ? "" : (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Basis points as an exact percentage: 250 -> "2.50 %", 10_000 -> "100.00 %". */
export function formatBps(bps: bigint): string {
  return `${formatUnitsExact(bps / 100n, 0)}.${(bps % 100n).toString().padStart(2, "0")} %`;
}

/** A duration: whole days, whole hours, or seconds. */
export function formatDuration(seconds: bigint): string {
  if (seconds % 86_400n === 0n) return `${seconds / 86_400n} days`;
  if (seconds % 3_600n === 0n) return `${seconds / 3_600n} hours`;
  return `${seconds} seconds`;
}

/** A countdown: "1 d 23 h 59 min 50 s", leaving out the zero parts. */
export function formatCountdown(seconds: bigint): string {
  const parts: [bigint, string][] = [
    [seconds / 86_400n, "d"],
    [(seconds % 86_400n) / 3_600n, "h"],
    [(seconds % 3_600n) / 60n, "min"],
    [seconds % 60n, "s"],
  ];
  const shown = parts.filter(([value]) => value !== 0n).map(([value, unit]) => `${value} ${unit}`);
  return shown.length === 0 ? "0 s" : shown.join(" ");
}

/** A block timestamp as an ISO date (UTC). */
export function isoTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

/** The first line of an error's message, for one-line reports. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}

/** The capacity of a disabled payout bucket (no limit): `type(uint128).max`. */
const BUCKET_DISABLED = 2n ** 128n - 1n;

/**
 * A payout bucket as text: "no limit" while disabled, else "<available> of <capacity>" (and the refill per second
 * when given), each amount written by `money`.
 */
export function formatBucket(
  bucket: { available: bigint; capacity: bigint; refillPerSecond?: bigint },
  money: (amount: bigint) => string,
): string {
  if (bucket.capacity === BUCKET_DISABLED) return "no limit";
  const refill = bucket.refillPerSecond === undefined ? "" : `, refills ${money(bucket.refillPerSecond)} per second`;
  return `${money(bucket.available)} of ${money(bucket.capacity)}${refill}`;
}
