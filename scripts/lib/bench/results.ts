// What a bench run collects: every figure by a stable key (gas-snapshot.json's `gas`) and the report's tables,
// in the order they were measured. Plus the settings more than one section shares.

export const HOUR = 3_600;
export const DAY = 86_400;

/** The open-position counts of the O(1) series, all of them (a full run: the only one that may write the snapshot). */
export const ALL_POSITION_COUNTS = [1, 100, 10_000];
export const HISTORY_DAYS = [1, 30, 365];
/** The history lengths with a whole 7-day window behind the read: the average's O(1) series starts there. */
export const WHOLE_WINDOW_DAYS = HISTORY_DAYS.filter((days) => days > 7);

export class BenchResults {
  /** Every gas figure, by a stable key: what gas-snapshot.json's `gas` holds. */
  readonly gas: Record<string, number> = {};
  /** Markdown tables, in order. */
  readonly sections: string[] = [];

  /** Adds a markdown table to the report and prints it. */
  table(title: string, intro: string, header: string[], rows: (string | number)[][]): void {
    const cell = (v: string | number) => (typeof v === "number" ? v.toLocaleString("en-US") : v);
    const lines = [
      `## ${title}`,
      "",
      intro,
      "",
      `| ${header.join(" | ")} |`,
      `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
      ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
      "",
    ];
    this.sections.push(lines.join("\n"));
    console.log(`\n${lines.join("\n")}`);
  }
}

export const ratio = (value: number, first: number) => (value / first).toFixed(3);
