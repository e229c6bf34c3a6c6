// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOpenInterestTracker} from "../../interfaces/IOpenInterestTracker.sol";
import {OpenInterestWindow} from "../../libraries/OpenInterestWindow.sol";
import {OpenInterestWindowHarness} from "../harnesses/OpenInterestWindowHarness.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

/// @title OpenInterestWindowTest
/// @notice Unit and fuzz tests of `OpenInterestWindow` against docs/behaviour.md section 5.1 and the interpolation
/// rule of `IOpenInterestTracker`, through `OpenInterestWindowHarness` with a 7-day window (28 buckets of 6 hours). The
/// expected numbers of the unit tests are worked out by hand in the comments. The TypeScript model checks every
/// result exactly over random histories (test/OpenInterestWindow.ts).
/// Properties (each assertion names its id):
/// - OIW-1 While the value stays constant, the average is exactly that value.
/// - OIW-2 The average lies between the smallest and the largest value live from the start of the interpolated
///   bucket (or from the first report) to now.
/// - OIW-3 When the value did not change inside the start bucket (or there is less than a window of history),
///   the average is the exact time-weighted average, rounded down.
/// - OIW-4 Every checkpoint a read needs is in the ring: no read reverts with
///   `OpenInterestWindowCheckpointMissing` (every fuzz test reads after every report and at random times).
/// - OIW-5 A record and a read cost the same gas whatever the length of history.
/// - OIW-6 A read gives what the reference read gives (`OpenInterestWindowReference`, which loads the first report's
///   time first), value for value or revert for revert.
contract OpenInterestWindowTest is Assertions {
    uint256 private constant W = 7 days;
    uint256 private constant G = 6 hours;
    uint256 private constant SLOTS = 30;
    /// @dev A bucket boundary: 78,704 * 21,600.
    uint256 private constant T0 = 1_700_006_400;
    uint256 private constant B0 = T0 / G;

    OpenInterestWindowHarness private window;

    function setUp() public {
        VM.warp(T0);
        window = new OpenInterestWindowHarness(W);
    }

    // ─────────────────────────────────────── Window parameters ────────────────────────────────────────

    function test_isValidWindow_bounds() public pure {
        _assertTrue(OpenInterestWindow.isValidWindow(7 days), "7 days");
        _assertTrue(OpenInterestWindow.isValidWindow(3612), "smallest: 129 * 28");
        _assertTrue(OpenInterestWindow.isValidWindow(31_535_980), "largest: 1,126,285 * 28");
        _assertTrue(!OpenInterestWindow.isValidWindow(0), "zero");
        _assertTrue(!OpenInterestWindow.isValidWindow(3584), "below 1 hour");
        _assertTrue(!OpenInterestWindow.isValidWindow(3600), "1 hour is not a multiple of 28");
        _assertTrue(!OpenInterestWindow.isValidWindow(365 days), "365 days is not a multiple of 28");
        _assertTrue(!OpenInterestWindow.isValidWindow(31_536_008), "above 365 days");
    }

    function test_bucketSeconds_sevenDaysIsSixHours() public pure {
        _assertEq(OpenInterestWindow.bucketSeconds(7 days), 6 hours, "bucket");
        _assertEq(OpenInterestWindow.bucketSeconds(3612), 129, "smallest bucket");
    }

    function test_constructor_revertsForInvalidWindow() public {
        VM.expectRevert(abi.encodeWithSelector(IOpenInterestTracker.InsuranceFundWindowOutOfBounds.selector, 3600));
        new OpenInterestWindowHarness(3600);
    }

    // ───────────────────────────────────────────── Record ─────────────────────────────────────────────

    function test_average_isZeroWithoutHistory() public {
        VM.warp(T0 + 30 days);
        _assertEq(window.average(), 0, "average");
        _assertEq(window.current(), 0, "current");
        _assertTrue(!window.hasHistory(), "no history");
    }

    function test_record_firstSetsTimestampsAndValueOnly() public {
        VM.warp(T0 + 6 hours); // on a boundary: still no checkpoint
        window.record(100);
        _assertTrue(window.hasHistory(), "history");
        _assertEq(window.firstTimestamp(), T0 + 6 hours, "first");
        _assertEq(window.lastTimestamp(), T0 + 6 hours, "last");
        _assertEq(window.current(), 100, "value");
        _assertEq(window.cumulative(), 0, "cumulative");
        _assertEq(window.average(), 100, "average at the first report is its value");
        _assertCheckpoint(B0 + 1, 0, 0);
    }

    function test_record_sameTimestampAtFirstReplacesValue() public {
        window.record(100);
        window.record(200);
        _assertEq(window.current(), 200, "replaced");
        _assertEq(window.average(), 200, "average");
        VM.warp(T0 + 1000);
        _assertEq(window.average(), 200, "only the last value counts");
    }

    function test_record_sameTimestampLaterReplacesValue() public {
        window.record(100);
        VM.warp(T0 + 1000);
        window.record(300);
        window.record(500);
        _assertEq(window.cumulative(), 100_000, "C(T0 + 1000) = 100 * 1000, counted once");
        VM.warp(T0 + 2000);
        // (100 * 1000 + 500 * 1000) / 2000
        _assertEq(window.average(), 300, "average");
    }

    function test_record_writesEachCrossedBoundary() public {
        VM.warp(T0 + 1 hours);
        window.record(100);
        VM.warp(T0 + 13 hours);
        window.record(7);
        _assertCheckpoint(B0 + 1, B0 + 1, 100 * 5 hours);
        _assertCheckpoint(B0 + 2, B0 + 2, 100 * 11 hours);
        _assertCheckpoint(B0 + 3, 0, 0);
        _assertEq(window.cumulative(), 100 * 12 hours, "cumulative");
        _assertEq(window.lastTimestamp(), T0 + 13 hours, "last");
    }

    function test_record_writesBoundaryAtItsOwnTime() public {
        VM.warp(T0 + 1 hours);
        window.record(100);
        VM.warp(T0 + 6 hours);
        window.record(7);
        _assertCheckpoint(B0 + 1, B0 + 1, 100 * 5 hours);
    }

    function test_record_afterGapLongerThanWindowWritesNewestSlotsOnly() public {
        VM.warp(T0 + 1 hours);
        window.record(100);
        VM.warp(T0 + 20 days + 1 hours); // 80 boundaries crossed: B0 + 1 .. B0 + 80
        window.record(5);
        for (uint256 bucket = B0 + 51; bucket <= B0 + 80; ++bucket) {
            _assertCheckpoint(bucket, bucket, 100 * ((bucket - B0) * G - 1 hours));
        }
        // Constant over the window: exact.
        _assertEq(window.average(), 100, "average after the gap");
        VM.warp(T0 + 20 days + 1 hours + W / 2);
        // (100 * W / 2 + 5 * W / 2) / W = 52.5
        _assertEq(window.average(), 52, "average half a window later, rounded down");
    }

    function test_record_zeroValuesKeepCumulativeAtZero() public {
        window.record(0);
        VM.warp(T0 + W + 1 hours);
        window.record(0);
        _assertEq(window.cumulative(), 0, "cumulative");
        _assertEq(window.average(), 0, "average");
        _assertCheckpoint(B0 + 28, B0 + 28, 0);
        window.record(10);
        VM.warp(T0 + W + 2 hours);
        // Window [T0 + 2h, T0 + W + 2h]: 10 for its last hour. Start bucket [T0, T0 + 6h] all zero: exact.
        // 10 * 3600 / 604,800 = 0.06
        _assertEq(window.average(), 0, "rounded down");
        VM.warp(T0 + W + 1 hours + W / 2);
        _assertEq(window.average(), 5, "half a window of 10");
    }

    function test_record_acceptsLargestValue() public {
        window.record(type(uint96).max);
        VM.warp(T0 + 3 * W);
        window.record(type(uint96).max);
        VM.warp(T0 + 3 * W + 1 hours + 7);
        _assertEq(window.average(), type(uint96).max, "largest value");
        _assertEq(window.cumulative(), uint256(type(uint96).max) * 3 * W, "cumulative");
    }

    function test_record_revertsAboveUint96() public {
        VM.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 96, uint256(1) << 96));
        window.record(uint256(1) << 96);
        window.record(1);
        VM.warp(T0 + 1 days);
        VM.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 96, uint256(1) << 96));
        window.record(uint256(1) << 96);
    }

    function test_record_revertsAtTimestampZero() public {
        VM.warp(0);
        VM.expectRevert(OpenInterestWindow.OpenInterestWindowTimestampZero.selector);
        window.record(100);
        _assertTrue(!window.hasHistory(), "no history");
        VM.warp(1);
        window.record(100);
        _assertTrue(window.hasHistory(), "history from timestamp 1");
        _assertEq(window.firstTimestamp(), 1, "first");
    }

    function test_record_acceptsLargestTimestamp() public {
        uint256 largest = type(uint32).max;
        window.record(100);
        VM.warp(largest);
        window.record(200);
        _assertEq(window.lastTimestamp(), largest, "last");
        _assertEq(window.cumulative(), 100 * (largest - T0), "cumulative");
        VM.warp(largest + W / 2);
        // Half a window of 100, then half of 200; the start bucket saw only 100: exact.
        _assertEq(window.average(), 150, "average read after the largest timestamp");
    }

    function test_record_revertsAfterUint32Timestamp() public {
        uint256 tooLate = uint256(type(uint32).max) + 1;
        window.record(100);
        VM.warp(tooLate);
        VM.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 32, tooLate));
        window.record(200);
        OpenInterestWindowHarness fresh = new OpenInterestWindowHarness(W);
        VM.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 32, tooLate));
        fresh.record(200);
    }

    /// @dev From timestamp 1 at values near 2^96, C(now) passes 2^128 for reads after 2^32 (no record can
    /// store such a C: C(last) < 2^96 * 2^32), so the read's differences wrap. Each read must equal the
    /// interpolation rule computed on unbounded integers.
    function test_average_exactWhenCumulativePasses2To128() public {
        VM.warp(1);
        window = new OpenInterestWindowHarness(W);
        History memory history = History(new uint256[](8), new uint256[](8), 0);
        uint256 top = type(uint96).max;
        uint256 end = type(uint32).max;
        uint256[6] memory times = [uint256(1), end - 3 days, end - 2 days - 5 hours, end - 1 days, end - 7, end];
        uint256[6] memory values = [top, top - 1e20, top, top - 3e27, top - 1, top - 2];
        for (uint256 i = 0; i < 6; ++i) {
            VM.warp(times[i]);
            window.record(values[i]);
            _push(history, times[i], values[i]);
        }
        uint256 wrapped;
        for (uint256 now_ = end + 1; now_ < end + W; now_ += 12_345) {
            VM.warp(now_);
            if (_cumulativeAt(history, now_) >= 1 << 128) ++wrapped;
            _assertEq(window.average(), _interpolatedAverage(history, now_), "wrapping average");
        }
        _assertGe(wrapped, 40, "C(now) passed 2^128");
    }

    // ──────────────────────────────────────────── Average ─────────────────────────────────────────────

    function test_average_beforeWholeWindowIsExactSinceFirst() public {
        window.record(100);
        VM.warp(T0 + 1000);
        window.record(300);
        VM.warp(T0 + 4000);
        // (100 * 1000 + 300 * 3000) / 4000
        _assertEq(window.average(), 250, "average");
    }

    function test_average_beforeWholeWindowRoundsDown() public {
        window.record(1);
        VM.warp(T0 + 1);
        window.record(2);
        VM.warp(T0 + 3);
        // (1 * 1 + 2 * 2) / 3 = 1.67
        _assertEq(window.average(), 1, "rounded down");
    }

    function test_average_constantValueIsExact() public {
        VM.warp(T0 + 5);
        window.record(123);
        VM.warp(T0 + 5 + W);
        _assertEq(window.average(), 123, "exactly one window");
        VM.warp(T0 + 5 + W - 1);
        _assertEq(window.average(), 123, "one second short");
        VM.warp(T0 + 30 days);
        _assertEq(window.average(), 123, "30 days");
    }

    function test_average_startOnBoundaryIsExact() public {
        window.record(100);
        VM.warp(T0 + 1 days);
        window.record(200);
        VM.warp(T0 + W + 12 hours);
        // Window [T0 + 12h, T0 + W + 12h]: 100 for 12 hours, then 200:
        // (100 * 43,200 + 200 * 561,600) / 604,800 = 192.86
        _assertEq(window.average(), 192, "average");
    }

    function test_average_interpolatesStartBucketFromFirstReport() public {
        window.record(100);
        VM.warp(T0 + 1 hours);
        window.record(400);
        VM.warp(T0 + 2 days);
        window.record(250);
        VM.warp(T0 + W + 3 hours);
        // Start x = T0 + 3h in bucket [T0, T0 + 6h]: C(T0) = 0 (first), C(T0 + 6h) = 100 * 3600 + 400 * 18,000
        // = 7,560,000; C(x) ~ 7,560,000 / 2 = 3,780,000 (exactly 3,240,000). C(now) = 178,740,000.
        // (178,740,000 - 3,780,000) / 604,800 = 289.29 (the exact TWAP is 290.18).
        _assertEq(window.average(), 289, "average");
    }

    function test_average_interpolatesStartBucketBetweenCheckpoints() public {
        window.record(100);
        VM.warp(T0 + 1 days + 1 hours);
        window.record(200);
        VM.warp(T0 + 1 days + 2 hours);
        window.record(300);
        VM.warp(T0 + 8 days);
        window.record(50);
        VM.warp(T0 + 1 days + 3 hours + W);
        // Start x = T0 + 1d + 3h in [T0 + 1d, T0 + 1d + 6h]: C = 8,640,000 and 14,040,000; C(x) ~ 11,340,000
        // (exactly 10,800,000). C(now) = 189,540,000. (189,540,000 - 11,340,000) / 604,800 = 294.64 (exact: 295.54).
        _assertEq(window.average(), 294, "average");
    }

    function test_average_interpolatesStartBucketUpToLastReport() public {
        window.record(100);
        VM.warp(T0 + 1 days + 1 hours);
        window.record(200);
        VM.warp(T0 + 1 days + 2 hours);
        window.record(300);
        VM.warp(T0 + 1 days + 1 hours + 30 minutes + W);
        // Start x = T0 + 1d + 1.5h in [T0 + 1d, last = T0 + 1d + 2h]: C = 8,640,000 and 9,720,000 (at the last
        // report); C(x) ~ 9,450,000. C(now) = 190,620,000. (190,620,000 - 9,450,000) / 604,800 = 299.55.
        _assertEq(window.average(), 299, "average");
    }

    function test_average_interpolationRoundsDown() public {
        window.record(0);
        VM.warp(T0 + 1);
        window.record(1);
        VM.warp(T0 + 1 days);
        window.record(1);
        VM.warp(T0 + W + 1);
        // Start x = T0 + 1 in [T0 = first, T0 + 6h]: C = 0 and 21,599; C(x) = 21,599 / 21,600 = 0.99995,
        // rounded down to 0 (exactly 0). C(now) = W. (W - 0) / W = 1; rounding C(x) up would give 0.
        _assertEq(window.average(), 1, "average");
    }

    function test_average_revertsOnStaleCheckpoint() public {
        window.record(100);
        VM.warp(T0 + 1 days + 5 hours);
        window.record(200);
        VM.warp(T0 + 1 days + 3 hours + W);
        // Start bucket [T0 + 1d, last = T0 + 1d + 5h] at 100 throughout, so exact:
        // (100 * 7200 + 200 * 597,600) / 604,800 = 198.81
        _assertEq(window.average(), 198, "average");
        window.corruptCheckpoint((B0 + 4) % SLOTS, uint40(B0 + 4 - SLOTS), 1);
        VM.expectRevert(
            abi.encodeWithSelector(OpenInterestWindow.OpenInterestWindowCheckpointMissing.selector, B0 + 4)
        );
        window.average();
    }

    /// @dev The window's start bucket has its checkpoint (so the first report's time is not read) but the next one is
    /// stale: the read reverts rather than interpolate from it.
    function test_average_revertsOnStaleNextCheckpoint() public {
        window.record(100);
        for (uint256 day = 1; day <= 9; ++day) {
            VM.warp(T0 + day * 1 days);
            window.record(100 + day);
        }
        VM.warp(T0 + 9 days + 1 hours);
        // Start T0 + 2d + 1h: bucket B0 + 8 (kept), next B0 + 9, before the last report.
        window.average();
        window.corruptCheckpoint((B0 + 9) % SLOTS, uint40(B0 + 9 - SLOTS), 1);
        VM.expectRevert(
            abi.encodeWithSelector(OpenInterestWindow.OpenInterestWindowCheckpointMissing.selector, B0 + 9)
        );
        window.average();
    }

    // ───────────────────────────────────────────── Fuzz ───────────────────────────────────────────────

    function testFuzz_constantOiAverageIsExact(uint96 value, uint32 offset, uint256 seed) public {
        // Twelve gaps of at most 4 W each after the first report stay below 2^32.
        uint256 time = T0 + _bound(offset, 0, type(uint32).max - T0 - 48 * W);
        VM.warp(time);
        window.record(value);
        for (uint256 i = 0; i < 12; ++i) {
            seed = uint256(keccak256(abi.encode(seed)));
            time += _randomGap(seed, time);
            VM.warp(time);
            if ((seed >> 200) % 3 == 0) window.record(value);
            _assertEq(window.average(), value, "OIW-1 constant value");
        }
    }

    /// @dev The average is a weighted mean of the values live from the start of the interpolated bucket
    /// (or from the first report) to now, so it lies between their minimum and maximum.
    function testFuzz_averageBetweenMinAndMax(uint256 seed) public {
        _playRandomHistory(seed, true);
    }

    /// @dev When the value did not change inside the start bucket, the average is the exact TWAP.
    function testFuzz_averageIsExactTwapWhenStartBucketConstant(uint256 seed) public {
        _playRandomHistory(seed, false);
    }

    /// @dev The same calls cost the same gas after 30 days of daily reports and after `daysOfHistory` days.
    /// Both histories are written in this transaction, so storage is equally warm for both.
    function testFuzz_gasIndependentOfHistory(uint256 daysOfHistory) public {
        daysOfHistory = _bound(daysOfHistory, 30, 200);
        OpenInterestWindowHarness short = new OpenInterestWindowHarness(W);
        for (uint256 day = 0; day <= daysOfHistory; ++day) {
            VM.warp(T0 + day * 1 days + 1 hours);
            window.record(1000 + day);
            if (day + 30 >= daysOfHistory) short.record(1000 + day);
        }
        uint256 end = T0 + daysOfHistory * 1 days;
        uint256[3] memory longGas = _measure(window, end);
        uint256[3] memory shortGas = _measure(short, end);
        for (uint256 i = 0; i < 3; ++i) {
            _assertEq(longGas[i], shortGas[i], "OIW-5 same gas");
        }
    }

    /// @dev Random histories from a random start, near timestamp 1 too (a window reaching back before time 0, and
    /// the start in bucket 0), on a prepared or an unprepared ring. Each report is read at once, at a random later
    /// time, at a whole window after the first report less one second, exactly and plus one, and with the window's
    /// start one second before, on and after a bucket boundary. The gaps include idle ones longer than a window and
    /// reports on bucket boundaries (`_randomGap`).
    function testFuzz_averageMatchesReference(uint256 seed) public {
        uint256 time = seed % 2 == 0 ? T0 + ((seed >> 8) % G) : 1 + ((seed >> 8) % (W + G));
        VM.warp(time);
        window = new OpenInterestWindowHarness(W);
        if ((seed >> 1) % 2 == 0) window.prepare();
        uint256 first = time;
        History memory history = History(new uint256[](24), new uint256[](24), 0);
        for (uint256 i = 0; i < 24; ++i) {
            (seed, time) = _recordRandom(seed, i, time, history);

            uint256 r = uint256(keccak256(abi.encode(seed)));
            _assertSameAsReference(time, time);
            _assertSameAsReference(time + _randomGap(r, time), time);
            // One second before each read time: the start on a boundary (W is a multiple of G) and a whole window.
            uint256 boundaryRead = ((time + ((r >> 64) % (2 * W))) / G) * G;
            for (uint256 offset = 0; offset < 3; ++offset) {
                if (first + W + offset > time) _assertSameAsReference(first + W + offset - 1, time);
                if (boundaryRead + offset > time) _assertSameAsReference(boundaryRead + offset - 1, time);
            }
        }
    }

    // ──────────────────────────────────────────── Helpers ─────────────────────────────────────────────

    /// @dev Reads both averages at `readTime` and compares results or revert data, then returns to `time`.
    function _assertSameAsReference(uint256 readTime, uint256 time) private {
        VM.warp(readTime);
        (bool ok, bytes memory result) = address(window).staticcall(abi.encodeCall(window.average, ()));
        (bool referenceOk, bytes memory referenceResult) = address(window).staticcall(
            abi.encodeCall(window.referenceAverage, ())
        );
        _assertTrue(ok == referenceOk, "OIW-6 both succeed or both revert");
        if (ok) _assertEq(abi.decode(result, (uint256)), abi.decode(referenceResult, (uint256)), "OIW-6 same average");
        else _assertTrue(keccak256(result) == keccak256(referenceResult), "OIW-6 same revert");
        VM.warp(time);
    }

    function _assertCheckpoint(uint256 bucketOfSlot, uint256 bucket, uint256 cumulative) private view {
        (uint256 storedBucket, uint256 storedCumulative) = window.checkpoint(bucketOfSlot % SLOTS);
        _assertEq(storedBucket, bucket, "checkpoint bucket");
        _assertEq(storedCumulative, cumulative, "checkpoint cumulative");
    }

    /// @dev Gas of a record in the same bucket, a record crossing one boundary, and an average, from `end`.
    function _measure(OpenInterestWindowHarness harness, uint256 end) private returns (uint256[3] memory gasUsed) {
        VM.warp(end + 2 hours);
        uint256 before = gasleft();
        harness.record(7);
        gasUsed[0] = before - gasleft();
        VM.warp(end + 6 hours + 1);
        before = gasleft();
        harness.record(8);
        gasUsed[1] = before - gasleft();
        before = gasleft();
        harness.average();
        gasUsed[2] = before - gasleft();
    }

    /// @dev A mix of gaps: same second, inside a bucket, a few buckets, about a window, several windows,
    /// and up to the next boundary exactly.
    function _randomGap(uint256 seed, uint256 time) private pure returns (uint256) {
        uint256 kind = seed % 20;
        uint256 r = seed >> 8;
        if (kind < 2) return 0;
        if (kind < 9) return 1 + (r % G);
        if (kind < 15) return G + (r % (W / 2));
        if (kind < 18) return W / 2 + (r % (W + G));
        if (kind < 19) return W + (r % (3 * W));
        return G - (time % G);
    }

    struct History {
        uint256[] times;
        uint256[] values;
        uint256 count;
    }

    /// @dev The `i`-th report of a random history, after `time`: the next seed, its time and its value, recorded.
    function _recordRandom(
        uint256 seed,
        uint256 i,
        uint256 time,
        History memory history
    ) private returns (uint256, uint256) {
        seed = uint256(keccak256(abi.encode(seed, i)));
        if (i > 0) time += _randomGap(seed, time);
        VM.warp(time);
        uint256 value = _randomValue(seed >> 128, history);
        window.record(value);
        _push(history, time, value);
        return (seed, time);
    }

    /// @dev Plays 24 random reports with a read after each and at a random later time, and checks either
    /// the min/max bound or the exact TWAP against an exact integration of the whole history.
    function _playRandomHistory(uint256 seed, bool checkBounds) private {
        History memory history = History(new uint256[](24), new uint256[](24), 0);
        uint256 time = T0 + (seed % G);
        for (uint256 i = 0; i < 24; ++i) {
            (seed, time) = _recordRandom(seed, i, time, history);
            _check(history, time, checkBounds);

            uint256 readTime = time + _randomGap(uint256(keccak256(abi.encode(seed))), time);
            VM.warp(readTime);
            _check(history, readTime, checkBounds);
            time = readTime;
        }
    }

    function _randomValue(uint256 r, History memory history) private pure returns (uint256) {
        uint256 kind = r % 8;
        if (kind == 0) return 0;
        if (kind == 1) return history.count == 0 ? 0 : history.values[history.count - 1];
        if (kind == 2) return type(uint96).max - ((r >> 8) % 1e6);
        return (r >> 8) % 1e18;
    }

    function _push(History memory history, uint256 time, uint256 value) private pure {
        if (history.count > 0 && history.times[history.count - 1] == time) {
            history.values[history.count - 1] = value;
        } else {
            history.times[history.count] = time;
            history.values[history.count] = value;
            ++history.count;
        }
    }

    function _check(History memory history, uint256 now_, bool checkBounds) private view {
        uint256 averageValue = window.average();
        uint256 first = history.times[0];
        uint256 last = history.times[history.count - 1];
        // [lo, hi): the interpolated start bucket, empty when there is no interpolation.
        uint256 lo = now_ - first < W ? first : now_ - W;
        uint256 hi = lo;
        if (now_ - first >= W && lo < last) {
            lo = ((now_ - W) / G) * G;
            if (lo < first) lo = first;
            hi = ((now_ - W) / G + 1) * G;
            if (hi > last) hi = last;
        }
        if (checkBounds) {
            (uint256 min, uint256 max) = _liveRange(history, lo, now_);
            _assertGe(averageValue, min, "OIW-2 average >= min");
            _assertLe(averageValue, max, "OIW-2 average <= max");
        } else {
            (uint256 min, uint256 max) = _liveRange(history, lo, hi);
            if (min == max) {
                uint256 start = now_ - first < W ? first : now_ - W;
                uint256 exact =
                    now_ == first
                        ? history.values[0]
                        : (_cumulativeAt(history, now_) - _cumulativeAt(history, start)) / (now_ - start);
                _assertEq(averageValue, exact, "OIW-3 exact TWAP");
            }
        }
    }

    /// @dev Min and max of the values live at some time in [from, to] (only the value at `from` if equal).
    function _liveRange(
        History memory history,
        uint256 from,
        uint256 to
    ) private pure returns (uint256 min, uint256 max) {
        min = type(uint256).max;
        for (uint256 i = 0; i < history.count; ++i) {
            bool liveAtFrom = history.times[i] <= from && (i + 1 == history.count || history.times[i + 1] > from);
            bool startsInside = history.times[i] > from && history.times[i] < to;
            if (liveAtFrom || startsInside) {
                if (history.values[i] < min) min = history.values[i];
                if (history.values[i] > max) max = history.values[i];
            }
        }
    }

    /// @dev The documented rule on unbounded integers (C exact from the whole history), for `now_ - W >= first`.
    function _interpolatedAverage(History memory history, uint256 now_) private pure returns (uint256) {
        uint256 x = now_ - W;
        uint256 first = history.times[0];
        uint256 last = history.times[history.count - 1];
        if (x >= last) return history.values[history.count - 1];
        uint256 lo = (x / G) * G;
        if (lo < first) lo = first;
        uint256 hi = (x / G + 1) * G;
        if (hi > last) hi = last;
        uint256 cumulativeLo = _cumulativeAt(history, lo);
        uint256 cumulativeHi = _cumulativeAt(history, hi);
        uint256 cumulativeStart = cumulativeLo + ((cumulativeHi - cumulativeLo) * (x - lo)) / (hi - lo);
        return (_cumulativeAt(history, now_) - cumulativeStart) / W;
    }

    function _cumulativeAt(History memory history, uint256 x) private pure returns (uint256 sum) {
        for (uint256 i = 0; i < history.count && history.times[i] < x; ++i) {
            uint256 end = i + 1 < history.count && history.times[i + 1] < x ? history.times[i + 1] : x;
            sum += history.values[i] * (end - history.times[i]);
        }
    }
}
