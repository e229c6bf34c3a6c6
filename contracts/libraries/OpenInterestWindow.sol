// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title OpenInterestWindow
/// @notice The time-weighted average of a value (the platform's total open interest, in quote-token units)
/// over a trailing window of `W` seconds, recorded and read in O(1) gas whatever the length of history.
/// @dev Let C(x) be the integral of the value from the first report to time x (the value is piecewise
/// constant between reports and zero before the first one), in value-seconds. The window is split into
/// `BUCKETS` buckets of `g = W / BUCKETS` seconds, aligned on multiples of `g`; C is kept (modulo 2^128: see
/// Widths) at the last report and at the newest `SLOTS` bucket boundaries `j * g` (a ring of checkpoints). The
/// average is `(C(now) - C(now - W)) / W`, where C at the window's start, which falls inside a bucket, is
/// interpolated linearly between that bucket's two ends (clipped to the first and last reports); this is exact
/// whenever the value did not change inside that bucket. Before a whole window of history exists, the average
/// is `C(now) / (now - first)`, exact. Every division rounds down.
///
/// Widths: timestamps are `uint32` (SafeCast reverts from 2106 on; a record at timestamp 0 reverts, as 0 means
/// "no history"); the value is `uint96` (SafeCast reverts above); bucket numbers are below 2^32, timestamps
/// divided by `g >= 1`. C itself is unbounded, so the head and the checkpoints keep it modulo 2^128, with
/// wrapping arithmetic. Every difference a read takes, C(now) - C(x) for x in the window and C(hi) - C(lo)
/// across a bucket, is below 2^96 * 365 days < 2^121, so the wrapping difference of two stored values is the
/// true one: the average is exactly what the same formula gives on unbounded integers.
///
/// Rounding: the interpolated C(start) rounds down (raising the average by under 1 / W) and the average
/// rounds down, so the result is within one unit of the interpolated average and never outside the range of
/// the values it averages. Down favours the treasury (a lower target), by less than one unit of open interest.
///
/// Gas: O(1) in the length of history. A record after the first reads and writes the one slot of `Head`, plus
/// the checkpoints it crosses (at most `SLOTS`, after an idle gap of a whole window). A read in the steady state
/// loads `Head` and at most two checkpoints; it loads `firstReportTimestamp` only while the window start's bucket
/// has no checkpoint. That is safe because the checkpoint of boundary `b * g` is written only by a record that
/// crosses it from an earlier report (`first <= last < b * g`): its presence proves `first < b * g`, so the start
/// needs no clipping to the first report and more than a window of history exists. No record writes bucket 0.
/// The measured figures are in `gas-snapshot.json` (`scripts/bench-task.ts`) and `test/OpenInterestWindow.ts`.
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
    /// `uint32` timestamp divided by at least 129 seconds), so no read takes it for a checkpoint.
    uint40 internal constant PLACEHOLDER_BUCKET = type(uint40).max;

    /// @notice Shortest valid window, in seconds.
    uint256 internal constant MIN_WINDOW_SECONDS = 1 hours;

    /// @notice Longest valid window, in seconds.
    uint256 internal constant MAX_WINDOW_SECONDS = 365 days;

    // ───────────────────────────────────────────── Errors ─────────────────────────────────────────────

    /// @notice The ring does not hold the checkpoint of `bucket`'s boundary. Cannot happen while the
    /// window stays the same (the tests show it); it guards against a read of a stale checkpoint.
    error OpenInterestWindowCheckpointMissing(uint256 bucket);

    /// @notice A record at timestamp 0, which the state cannot tell from "no history". No real chain has it.
    error OpenInterestWindowTimestampZero();

    // ──────────────────────────────────────────── Storage ─────────────────────────────────────────────

    /// @notice The last report and C there, in one slot: all that a record after the first reads and writes.
    /// @param lastTimestamp Time of the last report; 0 without history.
    /// @param lastValue The value since the last report.
    /// @param cumulative C(lastTimestamp) modulo 2^128, in value-seconds.
    struct Head {
        uint32 lastTimestamp;
        uint96 lastValue;
        uint128 cumulative;
    }

    /// @notice C at the boundary `bucket * g` modulo 2^128, in value-seconds.
    struct Boundary {
        uint40 bucket;
        uint128 cumulative;
    }

    /// @notice The window's state.
    /// @param head The last report.
    /// @param firstReportTimestamp Time of the first report; written once, read by `firstTimestamp` and by `average`
    /// while the window start's bucket has no checkpoint.
    /// @param ring Boundary `j` lives in slot `j % SLOTS`.
    struct State {
        Head head;
        uint32 firstReportTimestamp;
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
    /// @param value The new value; at most `type(uint96).max`.
    /// @param windowSeconds The window; see `isValidWindow`.
    function record(State storage self, uint256 value, uint256 windowSeconds) internal {
        _record(self, self.head, value, windowSeconds);
    }

    /// @notice Records that the value changed from `current()` by `added - removed` (`removed <= current()`), from
    /// `block.timestamp` on, as `record` does, with one read of the head.
    /// @return value The new value.
    function recordChange(
        State storage self,
        uint256 removed,
        uint256 added,
        uint256 windowSeconds
    ) internal returns (uint256 value) {
        Head memory head = self.head;
        value = head.lastValue - removed + added;
        _record(self, head, value, windowSeconds);
    }

    // ────────────────────────────────────────────── Views ─────────────────────────────────────────────

    /// @notice The time-weighted average of the value over the window ending at `block.timestamp`, or over
    /// the history there is when it is shorter than the window; 0 without history. Rounded down.
    /// @dev Reads `firstReportTimestamp` only when the start's bucket has no checkpoint (see Gas in the header).
    /// @param windowSeconds The window; see `isValidWindow`.
    function average(State storage self, uint256 windowSeconds) internal view returns (uint256) {
        Head memory head = self.head;
        if (head.lastTimestamp == 0) return 0;
        // A window reaching back before time 0 holds less than a window of history.
        if (block.timestamp < windowSeconds) return _averageSinceFirst(head, self.firstReportTimestamp);

        // The value has not changed during the window (first <= last <= start: a whole window of history).
        uint256 start;
        uint256 bucketLength = bucketSeconds(windowSeconds);
        uint256 bucket;
        uint256 lo;
        // Cannot underflow: `windowSeconds <= block.timestamp`; cannot overflow: `lo <= start`.
        unchecked {
            start = block.timestamp - windowSeconds;
            bucket = start / bucketLength;
            lo = bucket * bucketLength;
        }
        if (start >= head.lastTimestamp) return head.lastValue;

        Boundary memory boundary = self.ring[bucket % SLOTS];
        uint128 cumulativeLo = boundary.cumulative;
        // Bucket 0 is never written: a 0 there is an unprepared slot, not a checkpoint.
        if (bucket == 0 || boundary.bucket != bucket) {
            uint256 first = self.firstReportTimestamp;
            if (block.timestamp - first < windowSeconds) return _averageSinceFirst(head, first);
            // A whole window of history: lo at or before the first report (clip it, C(first) = 0), or the
            // checkpoint is stale.
            if (lo > first) revert OpenInterestWindowCheckpointMissing(bucket);
            (lo, cumulativeLo) = (first, 0);
        }
        return _cumulativeSinceUp(self, head, start, lo, cumulativeLo, bucket, bucketLength) / windowSeconds;
    }

    /// @notice The value since the last report (0 without history).
    function current(State storage self) internal view returns (uint256) {
        return self.head.lastValue;
    }

    /// @notice Whether there has been a report.
    function hasHistory(State storage self) internal view returns (bool) {
        return self.head.lastTimestamp != 0;
    }

    /// @notice Time of the first report (0 without history).
    function firstTimestamp(State storage self) internal view returns (uint256) {
        return self.firstReportTimestamp;
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

    /// @dev `record`, from the head as read.
    function _record(State storage self, Head memory head, uint256 value, uint256 windowSeconds) private {
        uint96 newValue = value.toUint96();
        uint256 last = head.lastTimestamp;
        if (last == 0) {
            if (block.timestamp == 0) revert OpenInterestWindowTimestampZero();
            uint32 now32 = block.timestamp.toUint32();
            self.firstReportTimestamp = now32;
            self.head = Head({lastTimestamp: now32, lastValue: newValue, cumulative: 0});
            return;
        }
        if (block.timestamp == last) {
            if (newValue != head.lastValue) self.head.lastValue = newValue;
            return;
        }
        uint256 lastValue = head.lastValue;
        uint256 cumulative = head.cumulative;

        // Checkpoint every boundary in (last, now], but only the newest SLOTS: no read reaches older ones.
        uint256 bucketLength = bucketSeconds(windowSeconds);
        uint256 newestBucket = block.timestamp / bucketLength;
        uint256 bucket = last / bucketLength + 1;
        if (newestBucket >= bucket + SLOTS) bucket = newestBucket + 1 - SLOTS;
        for (; bucket <= newestBucket; ++bucket) {
            // The bucket number fits 40 bits (else `toUint32` below reverts); the sum is below 2^129, and the
            // truncation keeps it modulo 2^128.
            uint256 boundaryCumulative = cumulative + lastValue * (bucket * bucketLength - last);
            self.ring[bucket % SLOTS] = Boundary(uint40(bucket), uint128(boundaryCumulative));
        }

        self.head = Head({
            lastTimestamp: block.timestamp.toUint32(),
            lastValue: newValue,
            cumulative: _cumulativeNow(head)
        });
    }

    /// @dev C(now) modulo 2^128. The sum is below 2^128 + 2^96 * (now - last), far from 2^256.
    function _cumulativeNow(Head memory head) private view returns (uint128) {
        // Cannot underflow: `lastTimestamp <= block.timestamp`; cannot overflow: see above.
        unchecked {
            return uint128(head.cumulative + uint256(head.lastValue) * (block.timestamp - head.lastTimestamp));
        }
    }

    /// @dev The exact average since the first report, for less than a window of history: C(first) = 0, and
    /// C(now) is below 2^128, so its stored residue is C(now) itself.
    function _averageSinceFirst(Head memory head, uint256 first) private view returns (uint256) {
        uint256 elapsed = block.timestamp - first;
        if (elapsed == 0) return head.lastValue;
        return _cumulativeNow(head) / elapsed;
    }

    /// @dev C(now) - C(x) for `first <= x < last`, C(x) linear between the ends `lo <= x < hi` of x's bucket
    /// `bucket`, each clipped to the history (C(first) = 0, C(last) = `head.cumulative`), and rounded down, so the
    /// difference rounds up and the average is never below the interpolated one (nor above the largest value
    /// live from `lo` on: see the tests). The caller gives the clipped `lo` and `cumulativeLo` = C(lo). Written
    /// as (C(now) - C(lo)) - D * (x - lo) / (hi - lo) with D = C(hi) - C(lo): both wrapping differences are true
    /// ones (see the header), and the result is the same integer as C(now) - (C(lo) + D * (x - lo) / (hi - lo)).
    function _cumulativeSinceUp(
        State storage self,
        Head memory head,
        uint256 x,
        uint256 lo,
        uint128 cumulativeLo,
        uint256 bucket,
        uint256 bucketLength
    ) private view returns (uint256) {
        uint256 hi;
        // Cannot overflow: `hi <= x + bucketLength`, two timestamps' worth.
        unchecked {
            hi = (bucket + 1) * bucketLength;
        }
        uint128 cumulativeHi;
        if (hi >= head.lastTimestamp) (hi, cumulativeHi) = (head.lastTimestamp, head.cumulative);
        else cumulativeHi = _checkpoint(self, bucket + 1);

        uint256 sinceLo;
        uint256 acrossBucket;
        // Wrapping: each difference is below 2^121 (see the header), so its residue modulo 2^128 is itself. Then
        // cannot overflow: below 2^121 times a bucket's length; cannot underflow: `lo <= x < hi`, and C is
        // non-decreasing, so `sinceLo >= acrossBucket`, which is at least the quotient.
        unchecked {
            sinceLo = _cumulativeNow(head) - cumulativeLo;
            acrossBucket = cumulativeHi - cumulativeLo;
            return sinceLo - (acrossBucket * (x - lo)) / (hi - lo);
        }
    }

    /// @dev C at the boundary of `bucket`, which must be in the ring.
    function _checkpoint(State storage self, uint256 bucket) private view returns (uint128) {
        Boundary memory boundary = self.ring[bucket % SLOTS];
        if (boundary.bucket != bucket) revert OpenInterestWindowCheckpointMissing(bucket);
        return boundary.cumulative;
    }
}
