// How the demo's numbers read: the step table (console and Markdown) and the progress lines.
import { USDC, WAD } from "../../../lib/units.js";
import type { DemoPolicy, Schedule } from "./config.js";
import type { DemoRow } from "./rows.js";

/** Whole token units with thousands separators, rounded down: 237416_600000n -> "237,416". */
export function usd(amount: bigint): string {
  const negative = amount < 0n;
  const whole = (negative ? -amount : amount) / USDC;
  return `${negative ? "-" : ""}${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
}

/** Whole units, or "-" for zero (columns where nothing is the usual case). */
export function usdOrDash(amount: bigint): string {
  return amount === 0n ? "-" : usd(amount);
}

/** Millions of token units with two decimals, rounded down: 15_780_000_000000n -> "15.78M". */
export function millions(amount: bigint): string {
  const hundredths = amount / (USDC * 10_000n);
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}M`;
}

/** An 18-decimal price to the cent, rounded down: 1794.89. */
export function price(priceWad: bigint): string {
  const cents = priceWad / (WAD / 100n);
  return `${usd((cents / 100n) * USDC)}.${(cents % 100n).toString().padStart(2, "0")}`;
}

/** Basis points as a percentage with two decimals: 131n -> "1.31 %". */
export function percent(bps: bigint): string {
  if (bps >= 10n ** 12n) return "n/a";
  return `${bps / 100n}.${(bps % 100n).toString().padStart(2, "0")} %`;
}

/** The fee policy's band as words. */
export function bandName(band: number, policy: DemoPolicy): string {
  if (policy === "spark") return "fixed";
  return ["0 low", "1 mid", "2 top"][band] ?? String(band);
}

interface Column {
  title: string;
  cell: (row: DemoRow) => string;
  /** Left-aligned (text) rather than right-aligned (numbers). */
  left?: boolean;
}

function columns(policy: DemoPolicy): Column[] {
  return [
    { title: "day", cell: (r) => String(r.day) },
    { title: "act", cell: (r) => r.act, left: true },
    { title: "price", cell: (r) => price(r.priceWad) },
    { title: "open int.", cell: (r) => millions(r.openInterest) },
    { title: "7d avg OI", cell: (r) => millions(r.averageOpenInterest) },
    { title: "fund", cell: (r) => usd(r.fundBalance) },
    { title: "target", cell: (r) => usd(r.target) },
    { title: "ratio", cell: (r) => percent(r.ratioBps) },
    { title: "band", cell: (r) => bandName(r.band, policy), left: true },
    { title: "paid out", cell: (r) => usdOrDash(r.paidOut) },
    { title: "socialized", cell: (r) => usdOrDash(r.socialized) },
    { title: "swept", cell: (r) => usdOrDash(r.swept) },
    { title: "treasury", cell: (r) => usd(r.treasury) },
    { title: "liq. (bankrupt)", cell: (r) => (r.liquidations === 0 ? "-" : `${r.liquidations} (${r.bankruptcies})`) },
  ];
}

/** The step table as fixed-width lines for the console, money in whole USDC. */
export function tableLines(rows: readonly DemoRow[], policy: DemoPolicy): string[] {
  const cols = columns(policy);
  const cells = rows.map((row) => cols.map((col) => col.cell(row)));
  const widths = cols.map((col, i) => Math.max(col.title.length, ...cells.map((line) => line[i].length)));
  const pad = (text: string, i: number) => (cols[i].left ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const header = cols.map((col, i) => pad(col.title, i)).join("  ");
  return [header, widths.map((w) => "-".repeat(w)).join("  "), ...cells.map((line) => line.map(pad).join("  "))];
}

/** The step table in Markdown. */
export function tableMarkdown(rows: readonly DemoRow[], policy: DemoPolicy): string[] {
  const cols = columns(policy);
  return [
    `| ${cols.map((col) => col.title).join(" | ")} |`,
    `| ${cols.map((col) => (col.left ? ":--" : "--:")).join(" | ")} |`,
    ...rows.map((row) => `| ${cols.map((col) => col.cell(row)).join(" | ")} |`),
  ];
}

/** The line printed when a day is done: "day 3/24 trading: 86 trades, 2 liquidations (0 bankrupt), fund 219,786". */
export function progressLine(row: DemoRow, schedule: Schedule): string {
  if (row.day === 0) return `day 0/${schedule.days} setup: fund seeded with ${usd(row.fundBalance)} USDC`;
  const parts = [`${row.trades} trade${row.trades === 1 ? "" : "s"}`];
  if (row.liquidations > 0) {
    parts.push(`${row.liquidations} liquidation${row.liquidations === 1 ? "" : "s"} (${row.bankruptcies} bankrupt)`);
  }
  if (row.socialized > 0n) parts.push(`${usd(row.socialized)} USDC socialized`);
  if (row.swept > 0n) parts.push(`${usd(row.swept)} USDC swept`);
  parts.push(`fund ${usd(row.fundBalance)} USDC`);
  return `day ${row.day}/${schedule.days} ${row.act}: ${parts.join(", ")}`;
}
