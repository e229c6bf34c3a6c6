import { expect } from "chai";
import { network } from "hardhat";

import { GAS_IS_REAL } from "./helpers/gas.js";
import { BUCKETS, OpenInterestHistory } from "../lib/model/openInterestWindow.js";
import { SplitMix64 } from "../lib/prng.js";
import { DAY, HOUR, MAX_UINT32, MAX_UINT96, WEEK } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();
// A chain that starts at timestamp 1, so that values near 2^96 can accumulate past 2^128 before 2^32.
const early = await network.create({ override: { initialDate: new Date(1000) } });

// One fixture per window: W = 7 days (6-hour buckets), 28 hours (1-hour buckets), and the shortest valid window
// (129-second buckets).
async function weekWindow() {
  return ethers.deployContract("OpenInterestWindowHarness", [WEEK]);
}
async function dayWindow() {
  return ethers.deployContract("OpenInterestWindowHarness", [28n * HOUR]);
}
async function shortestWindow() {
  return ethers.deployContract("OpenInterestWindowHarness", [3612n]);
}
// The TypeChain type, without naming the folder TypeChain writes to.
type OpenInterestWindowHarness = Awaited<ReturnType<typeof weekWindow>>;
const FIXTURES = new Map([
  [WEEK, weekWindow],
  [28n * HOUR, dayWindow],
  [3612n, shortestWindow],
]);

async function deploy(windowSeconds: bigint): Promise<OpenInterestWindowHarness> {
  return networkHelpers.loadFixture(FIXTURES.get(windowSeconds)!);
}

/** Reads the average in the latest block, and checks the block is at `now`. */
async function averageAt(harness: OpenInterestWindowHarness, now: bigint): Promise<bigint> {
  const [average, timestamp] = await harness.averageNow();
  expect(timestamp).to.equal(now);
  return average;
}

describe("OpenInterestWindow", function () {
  describe("against the model over random histories", function () {
    const windows = [...FIXTURES.keys()];
    const SEQUENCES = 12;
    const REPORTS = 60;
    const totals = { reports: 0, reads: 0, interpolatedChanging: 0 };
    after(function () {
      // Several hundred reports in all, and many reads whose start bucket saw the value change.
      expect(totals.reports).to.be.greaterThan(700);
      expect(totals.reads).to.be.greaterThan(900);
      expect(totals.interpolatedChanging).to.be.greaterThan(50);
      if (process.env.OI_WINDOW_GAS) console.log(JSON.stringify(totals));
    });

    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const windowSeconds = windows[sequence % windows.length];
      const bucketSeconds = windowSeconds / BUCKETS;

      it(`matches the model exactly: sequence ${sequence}, window ${windowSeconds} s`, async function () {
        const random = new SplitMix64(BigInt(sequence) * 7919n + 1n);
        const below = (n: bigint) => random.next64() % n;
        const harness = await deploy(windowSeconds);
        const model = new OpenInterestHistory();
        const stats = {
          reports: 0,
          reads: 0,
          interpolated: 0,
          interpolatedChanging: 0,
          exactTwap: 0,
        };

        const nextGap = (time: bigint): bigint => {
          const kind = below(20n);
          if (kind < 6n) return 1n + below(bucketSeconds / 4n); // several reports in a bucket
          if (kind < 9n) return 1n + below(bucketSeconds); // inside a bucket or just across one
          if (kind < 13n) return bucketSeconds + below(windowSeconds / 2n); // a few buckets
          if (kind < 16n) return windowSeconds / 2n + below(windowSeconds + bucketSeconds); // about a window
          if (kind < 18n) return windowSeconds + below(3n * windowSeconds); // an idle gap of whole windows
          return bucketSeconds - (time % bucketSeconds); // exactly onto the next boundary
        };
        const nextValue = (): bigint => {
          const kind = below(10n);
          if (kind === 0n) return 0n;
          if (kind === 1n) return model.current();
          if (kind < 4n) return MAX_UINT96 - below(1_000_000n); // huge, near 2^96, the largest value
          if (kind === 4n) return below(1000n);
          return below(10n ** 15n); // up to a billion USDC
        };

        const check = async (now: bigint) => {
          const average = await averageAt(harness, now);
          expect(average).to.equal(model.average(now, windowSeconds), `average at ${now}`);
          const interpolated = now - windowSeconds >= model.first && now - windowSeconds < model.last;
          if (interpolated) stats.interpolated++;
          if (model.startBucketIsConstant(now, windowSeconds)) {
            expect(average).to.equal(model.exactTwap(now, windowSeconds), `exact TWAP at ${now}`);
            stats.exactTwap++;
          } else {
            stats.interpolatedChanging++;
          }
          stats.reads++;
        };

        let time = BigInt(await networkHelpers.time.latest()) + 1000n + below(windowSeconds);
        for (let i = 0; i < REPORTS; i++) {
          if (i > 0) time += nextGap(time);
          await networkHelpers.time.setNextBlockTimestamp(time);
          if (below(8n) === 0n) {
            // Several reports in one block: each replaces the one before.
            const values = [nextValue(), nextValue(), nextValue()];
            await harness.recordBatch(values);
            for (const value of values) model.record(time, value);
            stats.reports += values.length;
          } else {
            const value = nextValue();
            await harness.record(value);
            model.record(time, value);
            stats.reports++;
          }
          expect(await harness.current()).to.equal(model.current());
          await check(time);

          if (below(2n) === 0n) {
            let readTime = time + 1n + below(2n * windowSeconds);
            const kind = below(8n);
            // Now and then the window's start on a boundary, on the first report, or on the last report.
            if (kind === 0n) readTime += bucketSeconds - ((readTime - windowSeconds) % bucketSeconds);
            if (kind === 1n && model.first + windowSeconds > time) readTime = model.first + windowSeconds;
            if (kind === 2n && model.last + windowSeconds > time) readTime = model.last + windowSeconds;
            // The window's start just after a report of the last window, inside that report's bucket: when the
            // value changed there, the start is interpolated across a change.
            const recent = model.reports.filter((r) => r.time + windowSeconds > time);
            if (kind >= 3n && kind < 6n && recent.length > 0) {
              const report = recent[Number(below(BigInt(recent.length)))];
              const roomInBucket = bucketSeconds - (report.time % bucketSeconds);
              readTime = report.time + windowSeconds + below(roomInBucket);
              if (readTime <= time) readTime = time + 1n;
            }
            await networkHelpers.time.increaseTo(readTime);
            await check(readTime);
            time = readTime;
          }
        }
        // Every kind of read happened, so the comparisons above covered the interpolation.
        expect(stats.interpolated).to.be.greaterThan(10);
        expect(stats.interpolatedChanging).to.be.greaterThan(0);
        totals.reports += stats.reports;
        totals.reads += stats.reads;
        totals.interpolatedChanging += stats.interpolatedChanging;
        expect(stats.exactTwap).to.be.greaterThan(10);
      });
    }
  });

  describe("exact TWAP when the start bucket is constant", function () {
    it("equals the exact TWAP whatever happens after the start bucket", async function () {
      const harness = await deploy(WEEK);
      const model = new OpenInterestHistory();
      const t0 = (BigInt(await networkHelpers.time.latest()) / DAY + 2n) * DAY; // a day start: a boundary
      const reports: [bigint, bigint][] = [
        [t0, 1_000_000n],
        [t0 + 6n * HOUR + 17n, 3_000_000n], // changes only at the bucket's edge region, not inside [t0+12h, t0+18h)
        [t0 + 18n * HOUR + 5n, 7n],
        [t0 + 2n * DAY, 123_456_789n],
        [t0 + 5n * DAY + 1n, 0n],
      ];
      for (const [time, value] of reports) {
        await networkHelpers.time.setNextBlockTimestamp(time);
        await harness.record(value);
        model.record(time, value);
      }
      // Window starts inside [t0 + 12h, t0 + 18h), where the value is 3,000,000 throughout.
      for (const offset of [12n * HOUR, 12n * HOUR + 1n, 15n * HOUR + 33n, 18n * HOUR - 1n]) {
        const now = t0 + offset + WEEK;
        await networkHelpers.time.increaseTo(now);
        expect(model.startBucketIsConstant(now, WEEK)).to.equal(true);
        const twap = model.exactTwap(now, WEEK);
        expect(await averageAt(harness, now)).to.equal(twap);
      }
      // A start inside [t0 + 18h, t0 + 24h), where the value changed: interpolated, not the exact TWAP.
      const now = t0 + 20n * HOUR + WEEK;
      await networkHelpers.time.increaseTo(now);
      expect(model.startBucketIsConstant(now, WEEK)).to.equal(false);
      const average = await averageAt(harness, now);
      expect(average).to.equal(model.average(now, WEEK));
      expect(average).to.not.equal(model.exactTwap(now, WEEK));
    });
  });

  describe("rounding", function () {
    it("rounds the interpolated start down, so the average is not understated", async function () {
      const harness = await deploy(WEEK);
      const model = new OpenInterestHistory();
      const t0 = (BigInt(await networkHelpers.time.latest()) / DAY + 2n) * DAY; // a boundary
      for (const [time, value] of [
        [t0, 0n],
        [t0 + 1n, 1n],
        [t0 + DAY, 1n],
      ]) {
        await networkHelpers.time.setNextBlockTimestamp(time);
        await harness.record(value);
        model.record(time, value);
      }
      const now = t0 + WEEK + 1n;
      await networkHelpers.time.increaseTo(now);
      // C at the start bucket's ends: 0 and 21,599; at x = t0 + 1: 21,599 / 21,600 -> 0. C(now) = W.
      expect(model.average(now, WEEK)).to.equal(1n);
      expect(await averageAt(harness, now)).to.equal(1n);
    });
  });

  describe("widths: uint32 timestamps, uint96 values, C modulo 2^128", function () {
    const END = MAX_UINT32; // the last timestamp a record accepts
    const earlyHarness = async () => {
      const harness = await early.ethers.deployContract("OpenInterestWindowHarness", [WEEK]);
      await harness.prepare();
      return harness;
    };
    const recordAt = async (
      harness: OpenInterestWindowHarness,
      model: OpenInterestHistory,
      time: bigint,
      value: bigint,
    ) => {
      await early.networkHelpers.time.setNextBlockTimestamp(time);
      await harness.record(value);
      model.record(time, value);
    };

    it("averages exactly like the model when C(now) passes 2^128", async function () {
      const harness = await early.networkHelpers.loadFixture(earlyHarness);
      const model = new OpenInterestHistory();
      const random = new SplitMix64(2n ** 96n + 7n);
      // The chain's clock runs from timestamp 1: a few seconds to minutes in, far below the window.
      const start = BigInt(await early.networkHelpers.time.latest()) + 10n;
      expect(start).to.be.lessThan(DAY);
      await recordAt(harness, model, start, MAX_UINT96);
      // The last two windows before 2^32 at values near 2^96, changing inside buckets.
      for (let time = END - 2n * WEEK; time < END; time += 1n + (random.next64() % (9n * HOUR))) {
        await recordAt(harness, model, time, MAX_UINT96 - (random.next64() % 2n ** 90n));
      }
      await recordAt(harness, model, END, MAX_UINT96 - 5n);
      expect(model.cumulativeAt(END)).to.be.lessThan(2n ** 128n); // no record can store a C past 2^128

      let wrapped = 0;
      for (let now = END + 1n; now < END + WEEK; now += 1n + (random.next64() % (4n * HOUR))) {
        await early.networkHelpers.time.increaseTo(now);
        const [average, timestamp] = await harness.averageNow();
        expect(timestamp).to.equal(now);
        expect(average).to.equal(model.average(now, WEEK), `average at ${now}`);
        if (model.cumulativeAt(now) >= 2n ** 128n) wrapped++;
      }
      expect(wrapped).to.be.greaterThan(30);
    });

    it("accepts the largest value and timestamp, and reverts past them", async function () {
      const harness = await early.networkHelpers.loadFixture(earlyHarness);
      const model = new OpenInterestHistory();
      const [safeCast, uint96Overflow] = ["SafeCastOverflowedUintDowncast", 2n ** 96n];
      const start = BigInt(await early.networkHelpers.time.latest()) + 10n;
      await early.networkHelpers.time.setNextBlockTimestamp(start);
      await expect(harness.record(uint96Overflow))
        .to.be.revertedWithCustomError(harness, safeCast)
        .withArgs(96n, uint96Overflow);
      await recordAt(harness, model, start + 1n, MAX_UINT96);
      await recordAt(harness, model, END - DAY, 1n);
      await expect(harness.record(uint96Overflow))
        .to.be.revertedWithCustomError(harness, safeCast)
        .withArgs(96n, uint96Overflow);
      await recordAt(harness, model, END, MAX_UINT96);
      expect(await harness.lastTimestamp()).to.equal(END);
      expect(await harness.cumulative()).to.equal(model.cumulativeAt(END));

      await early.networkHelpers.time.setNextBlockTimestamp(END + 1n);
      await expect(harness.record(2n))
        .to.be.revertedWithCustomError(harness, safeCast)
        .withArgs(32n, END + 1n);
      const fresh = await early.ethers.deployContract("OpenInterestWindowHarness", [WEEK]);
      await early.networkHelpers.time.setNextBlockTimestamp(END + 10n);
      await expect(fresh.record(2n))
        .to.be.revertedWithCustomError(fresh, safeCast)
        .withArgs(32n, END + 10n);
    });
  });

  describe("gas does not grow with history", function () {
    it("costs the same at 1, 30 and 365 days of daily history, once the ring is prepared", async function () {
      const harness = await deploy(WEEK);
      await harness.prepare(); // as the fund's constructor does
      const model = new OpenInterestHistory();
      const t0 = (BigInt(await networkHelpers.time.latest()) / DAY + 2n) * DAY + HOUR; // 01:00, inside a bucket
      const record = async (time: bigint, value: bigint): Promise<bigint> => {
        await networkHelpers.time.setNextBlockTimestamp(time);
        const receipt = await (await harness.record(value)).wait();
        model.record(time, value);
        expect(await averageAt(harness, time)).to.equal(model.average(time, WEEK));
        return receipt!.gasUsed;
      };

      const gas: Record<string, { sameBucket: bigint; oneBoundary: bigint; average: bigint }> = {};
      for (let day = 0n; day <= 365n; day++) {
        await record(t0 + day * DAY, 1_000_000_000_000n + day * 7_777n);
        if (day === 1n || day === 30n || day === 365n) {
          const sameBucket = await record(t0 + day * DAY + 30n * 60n, 2_000_000_000_000n + day); // 01:30
          const oneBoundary = await record(t0 + day * DAY + 5n * HOUR + 30n * 60n, 3_000_000_000_000n); // 06:30
          await networkHelpers.time.increaseTo(t0 + day * DAY + 6n * HOUR);
          const average = await harness.average.estimateGas();
          gas[`${day}`] = { sameBucket, oneBoundary, average };
        }
      }
      // After a gap longer than the window, the first record writes 30 checkpoints (over old ones here).
      const end = t0 + 365n * DAY + 6n * HOUR;
      const afterGap = await record(end + 10n * DAY, 5n);

      const within2Percent = (a: bigint, b: bigint) => expect(a * 100n).to.be.within(b * 98n, b * 102n);
      for (const day of ["30", "365"]) {
        within2Percent(gas[day].sameBucket, gas["1"].sameBucket);
        // The crossed boundary's slot holds a placeholder at 1 day: non-zero to non-zero, as at 365 days.
        within2Percent(gas[day].oneBoundary, gas["1"].oneBoundary);
      }
      // With 1 day of history the average is the exact one since the first report: no checkpoint to read, so
      // it is cheaper; from a whole window on it reads the same slots whatever the age of the history.
      within2Percent(gas["365"].average, gas["30"].average);
      expect(gas["1"].average).to.be.lessThan(gas["30"].average);
      // Absolute ceilings (whole transaction, 21,000 intrinsic included), as a regression guard; not under
      // coverage, whose instrumented bytecode costs more.
      if (GAS_IS_REAL) {
        // A record after the first reads and writes the head's one slot: below what a head and a cumulative in
        // two slots cost.
        expect(gas["365"].sameBucket).to.be.lessThan(30_000n);
        expect(gas["365"].oneBoundary).to.be.lessThan(36_000n);
        expect(gas["365"].average).to.be.lessThan(40_000n);
        expect(afterGap).to.be.lessThan(250_000n);
      }
      if (process.env.OI_WINDOW_GAS)
        console.log(JSON.stringify({ gas, afterGap }, (_, v) => (typeof v === "bigint" ? Number(v) : v)));
    });

    it("reads one cold slot fewer than the reference read once a whole window exists", async function () {
      const harness = await deploy(WEEK);
      await harness.prepare();
      const t0 = (BigInt(await networkHelpers.time.latest()) / DAY + 2n) * DAY + HOUR; // 01:00, inside a bucket
      /** The gas of the average and of the reference read (which loads the first report's time first) at `now`. */
      const reads = async (now: bigint) => {
        await networkHelpers.time.increaseTo(now);
        expect(await harness.average()).to.equal(await harness.referenceAverage());
        return {
          average: await harness.average.estimateGas(),
          reference: await harness.referenceAverage.estimateGas(),
        };
      };
      await networkHelpers.time.setNextBlockTimestamp(t0);
      await harness.record(1_000_000n);
      // Less than a window: the start's bucket has no checkpoint, so the read also loads its slot (one cold slot more).
      const short = await reads(t0 + DAY - HOUR);
      for (let day = 1n; day <= 30n; day++) {
        await networkHelpers.time.setNextBlockTimestamp(t0 + day * DAY);
        await harness.record(1_000_000n + day * 7_777n);
      }
      // The steady state: the start's bucket and the next have checkpoints, and the first report's time is not read.
      const steady = await reads(t0 + 30n * DAY + 5n * HOUR);
      if (GAS_IS_REAL) {
        // Head and two checkpoints (three cold slots) against Head, the first report's time and two checkpoints,
        // and the read's arithmetic unchecked where its bounds are proven.
        expect(steady.reference - steady.average).to.be.within(2_100n, 3_200n);
        expect(short.average - short.reference).to.be.within(2_100n, 2_900n);
      }
      if (process.env.OI_WINDOW_GAS)
        console.log(JSON.stringify({ short, steady }, (_, v) => (typeof v === "bigint" ? Number(v) : v)));
    });

    it("charges the first write of a ring slot only when the ring was not prepared", async function () {
      const fresh = await deploy(WEEK);
      const prepared = await ethers.deployContract("OpenInterestWindowHarness", [WEEK]);
      await prepared.prepare();
      const t0 = (BigInt(await networkHelpers.time.latest()) / DAY + 2n) * DAY + HOUR; // 01:00
      /** Reports at 01:00 and 02:00 (the cumulative's first write), then the gas of one at 06:00 (a boundary). */
      const crossing = async (harness: OpenInterestWindowHarness, offset: bigint): Promise<bigint> => {
        const recordAt = async (hours: bigint, value: bigint) => {
          await networkHelpers.time.setNextBlockTimestamp(t0 + hours * HOUR + offset);
          return (await (await harness.record(value)).wait())!.gasUsed;
        };
        await recordAt(0n, 1n);
        await recordAt(1n, 2n);
        return recordAt(5n, 3n);
      };
      const [firstWrite, overPlaceholder] = [await crossing(fresh, 0n), await crossing(prepared, DAY)];
      // Zero to non-zero (20,000 + 2,100 cold) against non-zero to non-zero (2,900 + 2,100 cold).
      expect(firstWrite - overPlaceholder).to.equal(17_100n);
    });

    it("writes at most 30 checkpoints after a gap on fresh storage", async function () {
      const harness = await deploy(WEEK);
      const t0 = BigInt(await networkHelpers.time.latest()) + 100n;
      await networkHelpers.time.setNextBlockTimestamp(t0);
      await harness.record(1n);
      await networkHelpers.time.setNextBlockTimestamp(t0 + 100n * DAY);
      const gasUsed = (await (await harness.record(2n)).wait())!.gasUsed;
      // 30 fresh slots at 22,100 each, plus the rest; 400 crossed boundaries would cost ~9 million.
      expect(gasUsed).to.be.within(30n * 22_100n, 30n * 22_100n + 120_000n);
      if (process.env.OI_WINDOW_GAS) console.log(JSON.stringify({ afterGapFresh: Number(gasUsed) }));
    });
  });
});
