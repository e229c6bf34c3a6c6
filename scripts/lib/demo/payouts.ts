// The demo's payout limit (`--payout-per-day`): ETH-PERP's payout bucket holds a day's worth and refills it over the
// day; what a bankruptcy allocates beyond it waits as the market's pending claim, paid as the bucket refills (by a
// keeper each day, or first thing in the market's next cover). A limit changes when the exchange is paid, never who
// bears what: the summary says on which days the crash was held back and paid, and compares the allocation with the
// same run without the limit.
import { usd } from "./format.js";
import type { DemoResult, DemoRow } from "./rows.js";

/** Who bore what by the end of a run: what a payout limit must not change. */
export interface Allocation {
  /** The fund's balance at the end. */
  fundBalance: bigint;
  /** What the fund bore for the market (charged to its limit, paid or pending). */
  insurancePaid: bigint;
  socialized: bigint;
  badDebt: bigint;
  swept: bigint;
  /** Everything the treasury received. */
  treasury: bigint;
}

const ALLOCATION_NAMES: Record<keyof Allocation, string> = {
  fundBalance: "fund balance",
  insurancePaid: "borne by the fund",
  socialized: "socialized",
  badDebt: "bad debt",
  swept: "swept",
  treasury: "treasury",
};

const total = (rows: readonly DemoRow[], of: (row: DemoRow) => bigint) => rows.reduce((sum, r) => sum + of(r), 0n);

/** The allocation at the end of `rows`. */
export function allocationOf(rows: readonly DemoRow[]): Allocation {
  const last = rows[rows.length - 1];
  return {
    fundBalance: last.fundBalance,
    insurancePaid: last.insurancePaid,
    socialized: total(rows, (r) => r.socialized),
    badDebt: total(rows, (r) => r.badDebt),
    swept: total(rows, (r) => r.swept),
    treasury: last.treasury,
  };
}

/** What each day held back (left pending) and paid of the pending claim (by a keeper or in a later cover). */
export interface PendingDay {
  day: number;
  heldBack: bigint;
  paidFromPending: bigint;
  pending: bigint;
}

/** The days on which the market's pending claim grew or was paid. */
export function pendingDays(rows: readonly DemoRow[]): PendingDay[] {
  return rows.flatMap((row, i) => {
    const before = i === 0 ? 0n : rows[i - 1].pending;
    const paidFromPending = before + row.pendingAdded - row.pending;
    if (row.pendingAdded === 0n && paidFromPending === 0n) return [];
    return [{ day: row.day, heldBack: row.pendingAdded, paidFromPending, pending: row.pending }];
  });
}

/** The fields of `allocation` that differ from `other`'s. */
export function allocationDifferences(allocation: Allocation, other: Allocation): (keyof Allocation)[] {
  return (Object.keys(ALLOCATION_NAMES) as (keyof Allocation)[]).filter((key) => allocation[key] !== other[key]);
}

/**
 * The payout limit's summary, for the console and the report (nothing without a limit): the days the crash was
 * held back and paid, what was left pending at the end, and the allocation against the run without the limit.
 */
export function payoutLimitLines(result: DemoResult): string[] {
  const perDay = result.config.payoutPerDay ?? 0n;
  if (perDay === 0n) return [];
  const { rows } = result;
  const money = (amount: bigint) => `${usd(amount)} USDC`;
  const last = rows[rows.length - 1];
  const days = pendingDays(rows);
  const lines = [
    `Payout limit: ETH-PERP's bucket holds ${money(perDay)} and refills ${money(perDay)} a day; the rest of an ` +
      `allocation waits as the market's pending claim, which a keeper processes each day.`,
  ];
  const heldBack = days.filter((d) => d.heldBack > 0n);
  if (heldBack.length === 0) lines.push(`  nothing was held back: every payout fitted the bucket.`);
  for (const d of heldBack) {
    const row = rows[d.day];
    lines.push(
      `  day ${d.day} (${row.act}): the fund bore ${money(row.paidOut)}, ${money(d.heldBack)} of it held back as ` +
        `pending.`,
    );
  }
  const paid = days.filter((d) => d.paidFromPending > 0n);
  if (paid.length > 0) {
    lines.push(
      `  paid from the pending claim: ${paid.map((d) => `day ${d.day} ${money(d.paidFromPending)}`).join(", ")}` +
        ` (pending after each: ${paid.map((d) => usd(d.pending)).join(", ")}).`,
    );
  }
  const borne = total(rows, (r) => r.paidOut);
  const transferred = total(rows, (r) => r.paidToExchange);
  lines.push(
    `  at the end (day ${last.day}): pending ${money(last.pending)}; the fund bore ${money(borne)} and paid the ` +
      `exchange ${money(transferred)}` +
      (last.pending === 0n ? ": everything allocated was paid, later." : `: ${money(last.pending)} still waits.`),
  );
  const without = result.withoutPayoutLimit;
  if (without !== undefined) {
    const allocation = allocationOf(rows);
    const differ = allocationDifferences(allocation, without);
    const figures = (Object.keys(ALLOCATION_NAMES) as (keyof Allocation)[])
      .map((key) =>
        differ.includes(key)
          ? `${ALLOCATION_NAMES[key]} ${money(allocation[key])} (without: ${money(without[key])})`
          : `${ALLOCATION_NAMES[key]} ${money(allocation[key])}`,
      )
      .join(", ");
    lines.push(
      differ.length === 0
        ? `  the allocation equals the same run without the limit: ${figures}.`
        : `  the allocation differs from the same run without the limit: ${figures}.`,
    );
  }
  return lines;
}
