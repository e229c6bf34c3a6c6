// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title OpenInterestWindow
/// @notice The time-weighted average of a value (the platform's total open interest, in quote-token units)
/// over a trailing window of `W` seconds, recorded and read in O(1) gas whatever the length of history.
/// @dev Let C(x) be the integral of the value from the first report to time x (the value is piecewise
/// constant between reports and zero before the first one), in value-seconds. The window is split into
/// `BUCKETS` buckets of `g = W / BUCKETS` seconds, aligned on multiples of `g`; C is kept exactly at the
/// last report and at the newest `SLOTS` bucket boundaries `j * g` (a ring of checkpoints). The average is
/// `(C(now) - C(now - W)) / W`, where C at the window's start, which falls inside a bucket, is interpolated
/// linearly between that bucket's two ends (clipped to the first and last reports); this is exact whenever
/// the value did not change inside that bucket. Before a whole window of history exists, the average is
/// `C(now) / (now - first)`, exact. Every division rounds down.
///
/// Widths: timestamps are `uint40` (SafeCast reverts after year 36,812); the value is `uint128` (SafeCast
/// reverts above); C < 2^128 * 2^40 = 2^168 always, so `uint216` checkpoints cannot overflow; bucket
/// numbers are below 2^40 because they are timestamps divided by `g >= 1`.
///
/// Rounding: the interpolated C(start) rounds down (raising the average by under 1 / W) and the average
/// rounds down, so the result is within one unit of the interpolated average and never outside the range of
/// the values it averages. Down favours the treasury (a lower target), by less than one unit of open interest.
///
/// Gas: O(1) in the length of history; a record writes at most `SLOTS` checkpoints (after an idle gap of a whole
/// window), a read loads at most two. The measured figures are in `gas-snapshot.json` (`scripts/bench.ts`) and
/// `test/OpenInterestWindow.ts`.
///
/// Every `windowSeconds` argument must be the same for the life of a `State` and pass `isValidWindow`.
library OpenInterestWindow {
    using SafeCast for uint256;

    // ─────────────────────────────────────────── Constants ───────────────────────────────────────────

    /// @notice Buckets per window.
    uint256 internal constant BUCKETS = 28;

    /// @notice Checkpoints in the ring: the `BUCKETS + 1` boundaries a read can need, and one to spare.
    uint256 internal constant SLOTS = BUCKETS + 2;

    /// @notice The bucket number of a ring slot that `prepare` filled: no real bucket (a bucket number is a
    /// `uint40` timestamp divided by at least 128 seconds), so no read takes it for a checkpoint.
    uint40 internal constant PLACEHOLDER_BUCKET = type(uint40).max;

    /// @notice Shortest valid window, in seconds.
    uint256 internal constant MIN_WINDOW_SECONDS = 1 hours;

    /// @notice Longest valid window, in seconds.
    uint256 internal constant MAX_WINDOW_SECONDS = 365 days;

    // ───────────────────────────────────────────── Errors ─────────────────────────────────────────────

    /// @notice The ring does not hold the checkpoint of `bucket`'s boundary. Cannot happen while the
    /// window stays the same (the tests show it); it guards against a read of a stale checkpoint.
    error OpenInterestWindowCheckpointMissing(uint256 bucket);

    // ──────────────────────────────────────────── Storage ─────────────────────────────────────────────

    /// @notice The last report, in one slot.
    /// @param started Whether there has been a report (timestamp 0 is a valid time for the library).
    /// @param firstTimestamp Time of the first report.
    /// @param lastTimestamp Time of the last report.
    /// @param lastValue The value since the last report.
    struct Head {
        bool started;
        uint40 firstTimestamp;
        uint40 lastTimestamp;
        uint128 lastValue;
    }

    /// @notice C at the boundary `bucket * g`, in value-seconds.
    struct Boundary {
        uint40 bucket;
        uint216 cumulative;
    }

    /// @notice The window's state.
    /// @param head The last report.
    /// @param cumulative C(head.lastTimestamp), in value-seconds.
    /// @param ring Boundary `j` lives in slot `j % SLOTS`.
    struct State {
        Head head;
        uint256 cumulative;
        mapping(uint256 slot => Boundary) ring;
    }

    // ───────────────────────────────────────────── Write ──────────────────────────────────────────────

    /// @notice Fills every ring slot with a placeholder, so that no `record` ever writes a slot for the first
    /// time: a checkpoint then always rewrites a non-zero slot, and the gas of a report does not depend on the
    /// age of the history. Call it once, before the first
    /// record (a constructor): on a state with history it would erase its checkpoints.
    function prepare(State storage self) internal {
        for (uint256 slot = 0; slot < SLOTS; ++slot) {
            self.ring[slot] = Boundary(PLACEHOLDER_BUCKET, 0);
        }
    }

    /// @notice Records that the value is `value` from `block.timestamp` on. A second record in the same
    /// second replaces the first.
    /// @param value The new value; at most `type(uint128).max`.
    /// @param windowSeconds The window; see `isValidWindow`.
    function record(State storage self, uint256 value, uint256 windowSeconds) internal {
        uint128 newValue = value.toUint128();
        Head memory head = self.head;
        if (!head.started) {
            uint40 now40 = block.timestamp.toUint40();
            self.head = Head({started: true, firstTimestamp: now40, lastTimestamp: now40, lastValue: newValue});
            return;
        }
        uint256 last = head.lastTimestamp;
        if (block.timestamp == last) {
            if (newValue != head.lastValue) self.head.lastValue = newValue;
            return;
        }
        uint256 lastValue = head.lastValue;
        uint256 cumulative = self.cumulative;

        // Checkpoint every boundary in (last, now], but only the newest SLOTS: no read reaches older ones.
        uint256 bucketLength = bucketSeconds(windowSeconds);
        uint256 newestBucket = block.timestamp / bucketLength;
        uint256 bucket = last / bucketLength + 1;
        if (newestBucket >= bucket + SLOTS) bucket = newestBucket + 1 - SLOTS;
        for (; bucket <= newestBucket; ++bucket) {
            uint256 boundaryCumulative = cumulative + lastValue * (bucket * bucketLength - last);
            self.ring[bucket % SLOTS] = Boundary(bucket.toUint40(), boundaryCumulative.toUint216());
        }

        if (lastValue != 0) self.cumulative = cumulative + lastValue * (block.timestamp - last);
        self.head = Head({
            started: true,
            firstTimestamp: head.firstTimestamp,
            lastTimestamp: block.timestamp.toUint40(),
            lastValue: newValue
        });
    }

    // ────────────────────────────────────────────── Views ─────────────────────────────────────────────

    /// @notice The time-weighted average of the value over the window ending at `block.timestamp`, or over
    /// the history there is when it is shorter than the window; 0 without history. Rounded down.
    /// @param windowSeconds The window; see `isValidWindow`.
    function average(State storage self, uint256 windowSeconds) internal view returns (uint256) {
        Head memory head = self.head;
        if (!head.started) return 0;

        // Less than a window of history: the exact average since the first report.
        uint256 elapsed = block.timestamp - head.firstTimestamp;
        if (elapsed < windowSeconds) {
            if (elapsed == 0) return head.lastValue;
            return _cumulativeNow(head, self.cumulative) / elapsed;
        }

        // The value has not changed during the window.
        uint256 start = block.timestamp - windowSeconds;
        if (start >= head.lastTimestamp) return head.lastValue;

        uint256 cumulative = self.cumulative;
        return
            (_cumulativeNow(head, cumulative) - _cumulativeAtDown(self, head, cumulative, start, windowSeconds)) /
            windowSeconds;
    }

    /// @notice The value since the last report (0 without history).
    function current(State storage self) internal view returns (uint256) {
        return self.head.lastValue;
    }

    /// @notice Whether there has been a report.
    function hasHistory(State storage self) internal view returns (bool) {
        return self.head.started;
    }

    /// @notice Time of the first report (0 without history).
    function firstTimestamp(State storage self) internal view returns (uint256) {
        return self.head.firstTimestamp;
    }

    /// @notice Time of the last report (0 without history).
    function lastTimestamp(State storage self) internal view returns (uint256) {
        return self.head.lastTimestamp;
    }

    /// @notice Whether `windowSeconds` is a valid window: a multiple of `BUCKETS`, from 1 hour to 365 days.
    function isValidWindow(uint256 windowSeconds) internal pure returns (bool) {
        return
            windowSeconds % BUCKETS == 0 && windowSeconds >= MIN_WINDOW_SECONDS && windowSeconds <= MAX_WINDOW_SECONDS;
    }

    /// @notice The length of a bucket, in seconds.
    function bucketSeconds(uint256 windowSeconds) internal pure returns (uint256) {
        return windowSeconds / BUCKETS;
    }

    // ──────────────────────────────────────────── Internal ────────────────────────────────────────────

    /// @dev C(now), exact.
    function _cumulativeNow(Head memory head, uint256 cumulative) private view returns (uint256) {
        return cumulative + head.lastValue * (block.timestamp - head.lastTimestamp);
    }

    /// @dev C(x) for `first <= x < last`: linear between the ends `lo <= x < hi` of x's bucket, each clipped
    /// to the history (C(first) = 0, C(last) = `cumulative`). Rounded down, so the average is never below
    /// the interpolated one (nor above the largest value live from `lo` on: see the tests).
    function _cumulativeAtDown(
        State storage self,
        Head memory head,
        uint256 cumulative,
        uint256 x,
        uint256 windowSeconds
    ) private view returns (uint256) {
        uint256 bucketLength = bucketSeconds(windowSeconds);
        uint256 bucket = x / bucketLength;

        uint256 lo = bucket * bucketLength;
        uint256 cumulativeLo;
        if (lo <= head.firstTimestamp) lo = head.firstTimestamp;
        else cumulativeLo = _checkpoint(self, bucket);

        uint256 hi = (bucket + 1) * bucketLength;
        uint256 cumulativeHi;
        if (hi >= head.lastTimestamp) (hi, cumulativeHi) = (head.lastTimestamp, cumulative);
        else cumulativeHi = _checkpoint(self, bucket + 1);

        return cumulativeLo + ((cumulativeHi - cumulativeLo) * (x - lo)) / (hi - lo);
    }

    /// @dev C at the boundary of `bucket`, which must be in the ring.
    function _checkpoint(State storage self, uint256 bucket) private view returns (uint256) {
        Boundary memory boundary = self.ring[bucket % SLOTS];
        if (boundary.bucket != bucket) revert OpenInterestWindowCheckpointMissing(bucket);
        return boundary.cumulative;
    }
}
