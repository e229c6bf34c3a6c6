// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PayoutBucket
/// @notice A token bucket that limits payouts over a rolling window (per market and fund-wide): it holds up to
/// `capacity` quote-token units and refills at `refillPerSecond`, so the payouts over any interval of `t`
/// seconds add up to at most `capacity + refillPerSecond * t`. The fund keeps one per market and one fund-wide
/// (docs/behaviour.md 3.3).
/// @dev Shaped on Chainlink CCIP's `RateLimiter`, with three differences a liquidation needs:
/// - `consume` never reverts for a short bucket: it takes what the bucket holds and the caller keeps the rest
///   as pending. A bucket that was never configured has capacity 0 and passes nothing.
/// - Disabled is `capacity == type(uint128).max` (no flag): `consume` and `available` then read one slot.
/// - `configure` refills up to now at the old rate, then clamps to the new capacity: a governance change never
///   refills the bucket. A bucket that had no limit (never configured, or disabled) starts full, as in CCIP.
///
/// Rounding: the refill is `elapsed * refillPerSecond` capped at capacity, with no division, so it is exact;
/// a rate in units per day rounds down to units per second off-chain, which favours the fund (a slower refill).
/// Overflow: `elapsed < 2^32` and `refillPerSecond < 2^128`, so the refill is below 2^160 and `tokens + refill`
/// below 2^161: nothing overflows 256 bits. Timestamps are kept modulo 2^32 and `elapsed` is their wrapping
/// difference, exact for gaps under 136 years, so no timestamp ever makes a call revert (after 2106 included).
library PayoutBucket {
    // ─────────────────────────────────────────── Constants ───────────────────────────────────────────

    /// @notice The capacity of a disabled bucket, which lets every payout through.
    uint128 internal constant DISABLED = type(uint128).max;

    // ───────────────────────────────────────────── Errors ─────────────────────────────────────────────

    /// @notice A capacity of 0 would block every payout for good (and 0 marks a never-configured bucket).
    error PayoutBucketZeroCapacity();

    /// @notice An enabled bucket refills at most its capacity per second.
    error PayoutBucketRefillAboveCapacity(uint256 capacity, uint256 refillPerSecond);

    // ──────────────────────────────────────────── Storage ─────────────────────────────────────────────

    /// @notice The bucket, in two slots: what `consume` writes ({tokens, lastUpdated}) apart from what only
    /// governance writes ({capacity, refillPerSecond}), so a payout rewrites one slot and a disabled bucket is
    /// one read.
    /// @param tokens The level at `lastUpdated`, in quote-token units; never above `capacity`.
    /// @param lastUpdated `block.timestamp` modulo 2^32 when `tokens` was written.
    /// @param capacity The most the bucket holds; `DISABLED` for no limit, 0 if never configured.
    /// @param refillPerSecond Units added per second, up to `capacity` (ignored while disabled).
    struct State {
        uint128 tokens;
        uint32 lastUpdated;
        uint128 capacity;
        uint128 refillPerSecond;
    }

    // ───────────────────────────────────────────── Write ──────────────────────────────────────────────

    /// @notice Sets the capacity and refill rate. The level first refills up to now at the old rate, then is
    /// clamped to the new capacity; a bucket that was never configured or was disabled starts full.
    /// @param capacity The new capacity, non-zero; `DISABLED` lifts the limit.
    /// @param refillPerSecond The new rate, at most `capacity`.
    function configure(State storage self, uint128 capacity, uint128 refillPerSecond) internal {
        if (capacity == 0) revert PayoutBucketZeroCapacity();
        if (refillPerSecond > capacity) revert PayoutBucketRefillAboveCapacity(capacity, refillPerSecond);
        uint256 oldCapacity = self.capacity;
        uint256 level = oldCapacity == 0 || oldCapacity == DISABLED ? capacity : _refilled(self, oldCapacity);
        if (level > capacity) level = capacity;
        self.tokens = uint128(level); // <= capacity < 2^128
        self.lastUpdated = uint32(block.timestamp); // modulo 2^32 on purpose
        self.capacity = capacity;
        self.refillPerSecond = refillPerSecond;
    }

    /// @notice Takes up to `wanted` from the bucket and returns what it took: `min(wanted, available)`. Never
    /// reverts; the caller keeps `wanted - taken` for later. A disabled bucket takes all and writes nothing.
    function consume(State storage self, uint256 wanted) internal returns (uint256 taken) {
        uint256 capacity = self.capacity;
        if (capacity == DISABLED) return wanted;
        uint256 level = _refilled(self, capacity);
        taken = wanted < level ? wanted : level;
        // Nothing taken: leaving the old level and time gives the same refill later (the cap is the same).
        if (taken == 0) return 0;
        self.tokens = uint128(level - taken); // <= capacity < 2^128
        self.lastUpdated = uint32(block.timestamp); // modulo 2^32 on purpose
    }

    // ────────────────────────────────────────────── Views ─────────────────────────────────────────────

    /// @notice What `consume` could take now: the level refilled up to `block.timestamp`, capped at capacity;
    /// `type(uint256).max` while disabled.
    function available(State storage self) internal view returns (uint256) {
        uint256 capacity = self.capacity;
        if (capacity == DISABLED) return type(uint256).max;
        return _refilled(self, capacity);
    }

    /// @notice Whether the bucket lets every payout through.
    function isDisabled(State storage self) internal view returns (bool) {
        return self.capacity == DISABLED;
    }

    // ──────────────────────────────────────────── Internal ────────────────────────────────────────────

    /// @dev The level now: `tokens + elapsed * refillPerSecond`, capped at `capacity`. Below 2^161 before the
    /// cap (see the header).
    function _refilled(State storage self, uint256 capacity) private view returns (uint256 level) {
        uint32 elapsed;
        unchecked {
            // Wrapping difference of two timestamps modulo 2^32: the gap itself while it is under 2^32 seconds.
            elapsed = uint32(block.timestamp) - self.lastUpdated;
        }
        level = self.tokens + uint256(elapsed) * self.refillPerSecond;
        if (level > capacity) level = capacity;
    }
}
