// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PayoutBucket} from "../../libraries/PayoutBucket.sol";
import {PayoutBucketHarness} from "../harnesses/PayoutBucketHarness.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

/// @title PayoutBucketTest
/// @notice Unit and fuzz tests of `PayoutBucket` through `PayoutBucketHarness`. The TypeScript model checks every
/// level and every amount taken over random steps (test/PayoutBucket.ts).
/// Properties (each assertion names its id):
/// - PBK-1 The payouts over any interval of `t` seconds add up to at most `capacity + refillPerSecond * t`.
/// - PBK-2 The level never exceeds the capacity.
/// - PBK-3 `consume` never reverts and takes `min(wanted, available)`; the level then drops by what it took.
/// - PBK-4 `configure` refills up to now at the old rate, then clamps to the new capacity: the level after is
///   `min(level before, new capacity)`, never a refill to full (a never-configured or disabled bucket starts full).
/// - PBK-5 A disabled bucket lets every amount through and its state does not change.
/// @dev The tests keep their own clock (`clock`, absolute times): with viaIR a `block.timestamp` read before a warp
/// may be reused after it.
contract PayoutBucketTest is Assertions {
    uint256 private constant T0 = 1_700_000_000;
    uint128 private constant DISABLED = type(uint128).max;

    PayoutBucketHarness private bucket;
    uint256 private clock;

    function setUp() public {
        clock = T0;
        VM.warp(T0);
        bucket = new PayoutBucketHarness();
    }

    // ─────────────────────────────────────────── Configure ────────────────────────────────────────────

    function test_configure_revertsOnZeroCapacity() public {
        VM.expectRevert(PayoutBucket.PayoutBucketZeroCapacity.selector);
        bucket.configure(0, 0);
    }

    function test_configure_revertsOnRefillAboveCapacity() public {
        VM.expectRevert(abi.encodeWithSelector(PayoutBucket.PayoutBucketRefillAboveCapacity.selector, 100, 101));
        bucket.configure(100, 101);
    }

    function test_configure_newBucketStartsFull() public {
        _assertEq(bucket.available(), 0, "PBK-3 never configured: passes nothing");
        _assertEq(bucket.consume(5), 0, "PBK-3 never configured: takes nothing");
        bucket.configure(1000, 10);
        _assertEq(bucket.available(), 1000, "PBK-4 new bucket full");
    }

    function test_configure_refillsAtOldRateThenClamps() public {
        bucket.configure(1000, 10);
        bucket.consume(900); // level 100
        _advance(20); // level 300 at the old rate
        bucket.configure(250, 1);
        _assertEq(bucket.available(), 250, "PBK-4 clamped to the new capacity");
        bucket.consume(250);
        _advance(20);
        bucket.configure(5000, 100);
        _assertEq(bucket.available(), 20, "PBK-4 refilled at the old rate, not to full");
        _advance(3);
        _assertEq(bucket.available(), 320, "new rate from the change on");
    }

    function test_configure_reenablingStartsFull() public {
        bucket.configure(1000, 10);
        bucket.consume(1000);
        bucket.configure(DISABLED, 0);
        _assertTrue(bucket.isDisabled(), "disabled");
        _advance(1);
        bucket.configure(400, 4);
        _assertEq(bucket.available(), 400, "PBK-4 a disabled bucket had no limit: starts full");
    }

    // ──────────────────────────────────────────── Consume ─────────────────────────────────────────────

    function test_consume_takesWhatIsThereWithoutReverting() public {
        bucket.configure(1000, 10);
        _assertEq(bucket.consume(600), 600, "PBK-3 whole");
        _assertEq(bucket.consume(600), 400, "PBK-3 short bucket: the rest");
        _assertEq(bucket.consume(600), 0, "PBK-3 empty bucket: nothing");
        _advance(7);
        _assertEq(bucket.consume(600), 70, "PBK-3 the refill");
        _advance(1000);
        _assertEq(bucket.available(), 1000, "PBK-2 capped at capacity");
    }

    function test_consume_timestampWrapsInsteadOfReverting() public {
        bucket.configure(1000, 10);
        bucket.consume(1000);
        _warpTo(uint256(type(uint32).max) + 5); // after 2106: 5 modulo 2^32, a gap of 2^32 + 5 - T0 seconds
        _assertEq(bucket.available(), 1000, "refilled across the wrap");
        bucket.consume(1000);
        _advance(3);
        _assertEq(bucket.consume(type(uint256).max), 30, "PBK-3 elapsed across the wrap");
    }

    function test_disabled_passesEverything() public {
        bucket.configure(DISABLED, 123);
        (uint256 tokens, uint256 last, , ) = bucket.state();
        _assertEq(bucket.consume(type(uint256).max), type(uint256).max, "PBK-5 everything");
        _assertEq(bucket.available(), type(uint256).max, "PBK-5 available");
        (uint256 tokensAfter, uint256 lastAfter, , ) = bucket.state();
        _assertEq(tokensAfter, tokens, "PBK-5 tokens unchanged");
        _assertEq(lastAfter, last, "PBK-5 time unchanged");
    }

    // ───────────────────────────────────────────── Fuzz ───────────────────────────────────────────────

    /// @dev PBK-1 to PBK-3 over 24 random steps: after each consume, every interval ending there is checked
    /// against the window limit.
    function testFuzz_randomSteps(uint128 capacity, uint128 refillPerSecond, uint256 seed) public {
        capacity = uint128(_bound(capacity, 1, DISABLED - 1));
        refillPerSecond = uint128(_bound(refillPerSecond, 0, capacity));
        bucket.configure(capacity, refillPerSecond);
        uint256[] memory times = new uint256[](25);
        uint256[] memory paid = new uint256[](25); // paid[i]: cumulative taken after step i
        times[0] = clock;
        for (uint256 i = 1; i <= 24; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            _advance(_randomGap(seed, capacity, refillPerSecond));
            uint256 level = bucket.available();
            _assertLe(level, capacity, "PBK-2 level <= capacity");
            uint256 wanted = _randomWanted(seed >> 64, level);
            uint256 taken = bucket.consume(wanted);
            _assertEq(taken, wanted < level ? wanted : level, "PBK-3 takes min(wanted, level)");
            _assertEq(bucket.available(), level - taken, "PBK-3 level drops by what it took");
            times[i] = clock;
            paid[i] = paid[i - 1] + taken;
            for (uint256 j = 0; j < i; ++j) {
                // Payouts in steps j+1..i happened within [times[j], times[i]].
                _assertLe(
                    paid[i] - paid[j],
                    capacity + uint256(refillPerSecond) * (times[i] - times[j]),
                    "PBK-1 window limit"
                );
            }
        }
    }

    /// @dev PBK-4: a change after some payouts and a gap leaves `min(level before, new capacity)`.
    function testFuzz_configureRefillsThenClamps(
        uint128 capacity,
        uint128 refillPerSecond,
        uint128 newCapacity,
        uint128 newRefill,
        uint256 spent,
        uint32 gap
    ) public {
        capacity = uint128(_bound(capacity, 1, DISABLED - 1));
        refillPerSecond = uint128(_bound(refillPerSecond, 0, capacity));
        newCapacity = uint128(_bound(newCapacity, 1, DISABLED - 1));
        newRefill = uint128(_bound(newRefill, 0, newCapacity));
        bucket.configure(capacity, refillPerSecond);
        bucket.consume(_bound(spent, 0, capacity));
        _advance(gap);
        uint256 before = bucket.available();
        bucket.configure(newCapacity, newRefill);
        uint256 expected = before < newCapacity ? before : newCapacity;
        _assertEq(bucket.available(), expected, "PBK-4 refill then clamp");
        _assertLe(bucket.available(), newCapacity, "PBK-2 level <= capacity");
    }

    /// @dev PBK-5 for any amounts and times.
    function testFuzz_disabledPassesEverything(uint256 a, uint256 b, uint32 gap) public {
        bucket.configure(500, 5);
        bucket.consume(500);
        bucket.configure(DISABLED, 0);
        _assertEq(bucket.consume(a), a, "PBK-5 first amount");
        _advance(gap);
        _assertEq(bucket.consume(b), b, "PBK-5 second amount");
        _assertEq(bucket.available(), type(uint256).max, "PBK-5 available");
    }

    // ──────────────────────────────────────────── Helpers ─────────────────────────────────────────────

    function _advance(uint256 seconds_) private {
        clock += seconds_;
        VM.warp(clock);
    }

    function _warpTo(uint256 time) private {
        clock = time;
        VM.warp(time);
    }

    /// @dev Same second, a few seconds, about the time to refill a tenth or the whole bucket, or a long gap.
    function _randomGap(uint256 seed, uint256 capacity, uint256 rate) private pure returns (uint256) {
        uint256 kind = seed % 8;
        uint256 r = seed >> 8;
        uint256 fill = rate == 0 ? 1 days : capacity / rate + 1;
        if (fill > 30 days) fill = 30 days;
        if (kind < 2) return 0;
        if (kind < 4) return r % 10;
        if (kind < 6) return r % (fill / 10 + 1);
        if (kind < 7) return r % (fill + 1);
        return r % 400 days;
    }

    /// @dev Nothing, a part of the level, exactly the level, just above it, or everything.
    function _randomWanted(uint256 r, uint256 level) private pure returns (uint256) {
        uint256 kind = r % 6;
        if (kind == 0) return 0;
        if (kind == 1) return level == 0 ? 0 : (r >> 8) % level;
        if (kind == 2) return level;
        if (kind == 3) return level + 1 + ((r >> 8) % 1000);
        if (kind == 4) return type(uint256).max;
        return (r >> 8) % (uint256(type(uint128).max) + 1);
    }
}
