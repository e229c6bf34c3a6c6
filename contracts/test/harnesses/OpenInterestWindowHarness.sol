// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOpenInterestTracker} from "../../interfaces/IOpenInterestTracker.sol";
import {OpenInterestWindow} from "../../libraries/OpenInterestWindow.sol";
import {OpenInterestWindowReference} from "../libraries/OpenInterestWindowReference.sol";

/// @title OpenInterestWindowHarness
/// @notice Exposes `OpenInterestWindow` over one state with a window fixed at deployment. Tests only.
contract OpenInterestWindowHarness {
    using OpenInterestWindow for OpenInterestWindow.State;

    /// @notice The averaging window, in seconds.
    uint256 public immutable windowSeconds;

    OpenInterestWindow.State private _window;

    constructor(uint256 windowSeconds_) {
        if (!OpenInterestWindow.isValidWindow(windowSeconds_)) {
            revert IOpenInterestTracker.InsuranceFundWindowOutOfBounds(windowSeconds_);
        }
        windowSeconds = windowSeconds_;
    }

    /// @notice Fills the ring with placeholders (as the fund's constructor does). Before the first record.
    function prepare() external {
        _window.prepare();
    }

    /// @notice Records `value` at `block.timestamp`.
    function record(uint256 value) external {
        _window.record(value, windowSeconds);
    }

    /// @notice Records each of `values` in turn, all at `block.timestamp` (several reports in one block).
    function recordBatch(uint256[] calldata values) external {
        for (uint256 i = 0; i < values.length; ++i) {
            _window.record(values[i], windowSeconds);
        }
    }

    /// @notice The average at `block.timestamp`.
    function average() external view returns (uint256) {
        return _window.average(windowSeconds);
    }

    /// @notice The average at `block.timestamp` by the reference read over the same state, to compare with `average`.
    function referenceAverage() external view returns (uint256) {
        return OpenInterestWindowReference.average(_window, windowSeconds);
    }

    /// @notice The average and the time it was read at (for off-chain callers, whose calls run in a block
    /// they do not choose).
    function averageNow() external view returns (uint256 averageValue, uint256 timestamp) {
        return (_window.average(windowSeconds), block.timestamp);
    }

    /// @notice The value since the last report.
    function current() external view returns (uint256) {
        return _window.current();
    }

    /// @notice Whether there has been a report.
    function hasHistory() external view returns (bool) {
        return _window.hasHistory();
    }

    /// @notice Time of the first report.
    function firstTimestamp() external view returns (uint256) {
        return _window.firstTimestamp();
    }

    /// @notice Time of the last report.
    function lastTimestamp() external view returns (uint256) {
        return _window.lastTimestamp();
    }

    /// @notice C at the last report, modulo 2^128.
    function cumulative() external view returns (uint256) {
        return _window.head.cumulative;
    }

    /// @notice The checkpoint in ring slot `slot` (C modulo 2^128).
    function checkpoint(uint256 slot) external view returns (uint256 bucket, uint256 cumulativeValue) {
        OpenInterestWindow.Boundary storage boundary = _window.ring[slot];
        return (boundary.bucket, boundary.cumulative);
    }

    /// @notice Overwrites ring slot `slot`, to show that a stale checkpoint is detected.
    function corruptCheckpoint(uint256 slot, uint40 bucket, uint128 cumulativeValue) external {
        _window.ring[slot] = OpenInterestWindow.Boundary(bucket, cumulativeValue);
    }
}
