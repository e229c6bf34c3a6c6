// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPriceFeed
/// @notice The Chainlink-style price feed the reference exchange reads (`AggregatorV3Interface` subset).
interface IPriceFeed {
    /// @notice The number of decimals of `answer`.
    function decimals() external view returns (uint8);

    /// @notice The latest price.
    /// @return roundId The round of the answer.
    /// @return answer The price, with `decimals()` decimals.
    /// @return startedAt When the round started.
    /// @return updatedAt When the answer was written.
    /// @return answeredInRound The round the answer was computed in.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
