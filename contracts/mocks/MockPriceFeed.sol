// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPriceFeed} from "../interfaces/IPriceFeed.sol";

/// @title MockPriceFeed
/// @notice A settable Chainlink-style feed. For local chains and tests only.
contract MockPriceFeed is IPriceFeed {
    uint8 private immutable _decimals;
    int256 private _answer;
    uint80 private _roundId;
    uint256 private _updatedAt;

    constructor(uint8 decimals_, int256 answer) {
        _decimals = decimals_;
        _set(answer);
    }

    /// @notice Sets the price (anyone: it is a mock).
    function setPrice(int256 answer) external {
        _set(answer);
    }

    /// @inheritdoc IPriceFeed
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc IPriceFeed
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }

    function _set(int256 answer) private {
        _answer = answer;
        _updatedAt = block.timestamp;
        ++_roundId;
    }
}
