// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title IncomeStream
/// @notice Income that vests linearly: each payment joins what is still unvested, and the sum vests evenly from now
/// until `now + period`. What has vested is read at any time without a write; `checkpoint` moves it out of the stream
/// (the caller adds it to its assets). Vesting rounds down (the unvested rest waits for the next second); at the end
/// everything has vested.
library IncomeStream {
    /// @param unvested Income not vested at `updatedAt`.
    /// @param updatedAt The last checkpoint.
    /// @param end When everything has vested.
    struct State {
        uint128 unvested;
        uint64 updatedAt;
        uint64 end;
    }

    /// @notice What of the unvested income has vested by `timestamp` (not yet checkpointed).
    function vested(State storage self, uint256 timestamp) internal view returns (uint256) {
        uint256 unvested = self.unvested;
        uint256 end = self.end;
        if (unvested == 0 || timestamp >= end) return unvested;
        uint256 updatedAt = self.updatedAt;
        // timestamp < end and updatedAt < end while anything is unvested, so both differences are positive.
        return (unvested * (timestamp - updatedAt)) / (end - updatedAt);
    }

    /// @notice Takes what has vested by `timestamp` out of the stream.
    /// @return amount The income that vested since the last checkpoint.
    function checkpoint(State storage self, uint256 timestamp) internal returns (uint256 amount) {
        amount = vested(self, timestamp);
        // amount <= unvested, a uint128.
        if (amount != 0) self.unvested -= uint128(amount);
        self.updatedAt = uint64(timestamp);
    }

    /// @notice Adds `amount` to the unvested income (checkpoint first), all of it vesting by `timestamp + period`.
    function add(State storage self, uint256 amount, uint256 timestamp, uint256 period) internal {
        self.unvested += SafeCast.toUint128(amount);
        self.end = SafeCast.toUint64(timestamp + period);
    }
}
