// Reference model of `OpenInterestWindow`: the time-weighted average of the platform's open interest over
// a trailing window. It keeps the WHOLE history of reports and integrates it exactly (it has no ring of
// checkpoints): C(x) = integral of the value from the first report to x, the value being piecewise
// constant between reports. The window's start is interpolated by the rule the library documents, with
// the interpolation's two ends computed exactly from the history:
//   - no history: 0;
//   - less than a window of history (now - W < first): C(now) / (now - first), or the last value if
//     now == first;
//   - otherwise (C(now) - C(now - W)) / W, where C(x) for x = now - W is exact when x >= last, and else
//     linear between lo = max(k*g, first) and hi = min((k+1)*g, last), k = floor(x / g), g = W / 28,
//     rounded down.
// Every division rounds down.

/** Buckets per window. */
export const BUCKETS = 28n;

/** One report: the value is `value` from `time` on. */
export interface Report {
  time: bigint;
  value: bigint;
}

/** The full history of reports, times strictly increasing (a report in the same second replaces the last). */
export class OpenInterestHistory {
  readonly reports: Report[] = [];

  /** Records `value` from `time` on. */
  record(time: bigint, value: bigint): void {
    const last = this.reports.at(-1);
    if (last !== undefined && time < last.time) throw new Error("time went backwards");
    if (last !== undefined && time === last.time) last.value = value;
    else this.reports.push({ time, value });
  }

  get first(): bigint {
    return this.reports[0].time;
  }

  get last(): bigint {
    return this.reports[this.reports.length - 1].time;
  }

  /** The value since the last report (0 without history). */
  current(): bigint {
    return this.reports.at(-1)?.value ?? 0n;
  }

  /** The value at time `x` (0 before the first report). */
  valueAt(x: bigint): bigint {
    let value = 0n;
    for (const report of this.reports) {
      if (report.time > x) break;
      value = report.value;
    }
    return value;
  }

  /** C(x): the exact integral of the value from the first report to `x`, in value-seconds. */
  cumulativeAt(x: bigint): bigint {
    let sum = 0n;
    for (let i = 0; i < this.reports.length; i++) {
      const from = this.reports[i].time;
      if (from >= x) break;
      const to = i + 1 < this.reports.length && this.reports[i + 1].time < x ? this.reports[i + 1].time : x;
      sum += this.reports[i].value * (to - from);
    }
    return sum;
  }

  /** The ends [lo, hi] of the interpolation for the window start `x` (first <= x < last). */
  startBucket(x: bigint, windowSeconds: bigint): { lo: bigint; hi: bigint } {
    const g = windowSeconds / BUCKETS;
    const k = x / g;
    const lo = k * g > this.first ? k * g : this.first;
    const hi = (k + 1n) * g < this.last ? (k + 1n) * g : this.last;
    return { lo, hi };
  }

  /** The library's average at `now`, rounded down. */
  average(now: bigint, windowSeconds: bigint): bigint {
    if (this.reports.length === 0) return 0n;
    if (now < this.last) throw new Error("read before the last report");
    if (now - windowSeconds < this.first) {
      if (now === this.first) return this.current();
      return this.cumulativeAt(now) / (now - this.first);
    }
    const x = now - windowSeconds;
    let cumulativeStart: bigint;
    if (x >= this.last) {
      cumulativeStart = this.cumulativeAt(x);
    } else {
      const { lo, hi } = this.startBucket(x, windowSeconds);
      const cLo = this.cumulativeAt(lo);
      const cHi = this.cumulativeAt(hi);
      cumulativeStart = cLo + ((cHi - cLo) * (x - lo)) / (hi - lo);
    }
    return (this.cumulativeAt(now) - cumulativeStart) / windowSeconds;
  }

  /** The exact time-weighted average over [max(now - W, first), now], rounded down (no interpolation). */
  exactTwap(now: bigint, windowSeconds: bigint): bigint {
    if (this.reports.length === 0) return 0n;
    if (now === this.first) return this.current();
    const start = now - windowSeconds > this.first ? now - windowSeconds : this.first;
    return (this.cumulativeAt(now) - this.cumulativeAt(start)) / (now - start);
  }

  /**
   * Whether the value is constant over the interpolated start bucket at `now` (then the library's average
   * is the exact TWAP). True too when no interpolation happens (short history, or start >= last).
   */
  startBucketIsConstant(now: bigint, windowSeconds: bigint): boolean {
    if (this.reports.length === 0 || now - windowSeconds < this.first) return true;
    const x = now - windowSeconds;
    if (x >= this.last) return true;
    const { lo, hi } = this.startBucket(x, windowSeconds);
    const valueLo = this.valueAt(lo);
    return this.reports.every((r) => r.time <= lo || r.time >= hi || r.value === valueLo);
  }
}
