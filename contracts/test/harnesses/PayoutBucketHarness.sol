// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PayoutBucket} from "../../libraries/PayoutBucket.sol";

/// @title PayoutBucketHarness
/// @notice Exposes `PayoutBucket` over one state. Tests only.
contract PayoutBucketHarness {
    using PayoutBucket for PayoutBucket.State;

    /// @notice What the last `consume` took.
    uint256 public lastTaken;

    /// @notice What every `consume` took, added up (modulo 2^256: a disabled bucket passes any amount).
    uint256 public totalTaken;

    PayoutBucket.State private _bucket;

    /// @notice Sets the capacity and the refill rate.
    function configure(uint128 capacity, uint128 refillPerSecond) external {
        _bucket.configure(capacity, refillPerSecond);
    }

    /// @notice Takes up to `wanted`; records what it took.
    function consume(uint256 wanted) external returns (uint256 taken) {
        taken = _bucket.consume(wanted);
        lastTaken = taken;
        unchecked {
            totalTaken += taken; // only read for enabled buckets, whose payouts stay far below 2^256
        }
    }

    /// @notice What `consume` could take now.
    function available() external view returns (uint256) {
        return _bucket.available();
    }

    /// @notice What `consume` could take now, and the time it was read at (for off-chain callers).
    function availableNow() external view returns (uint256 level, uint256 timestamp) {
        return (_bucket.available(), block.timestamp);
    }

    /// @notice Whether the bucket lets every payout through.
    function isDisabled() external view returns (bool) {
        return _bucket.isDisabled();
    }

    /// @notice The stored state.
    function state()
        external
        view
        returns (uint256 tokens, uint256 lastUpdated, uint256 capacity, uint256 refillPerSecond)
    {
        return (_bucket.tokens, _bucket.lastUpdated, _bucket.capacity, _bucket.refillPerSecond);
    }
}
