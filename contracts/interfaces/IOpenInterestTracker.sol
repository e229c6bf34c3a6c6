// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IOpenInterestTracker
/// @notice Keeps the platform's open interest (all markets summed, by notional, in quote-token units) and
/// its time-weighted average over a trailing window (7 days by default). Recording and reading cost the same
/// whatever the length of history (O(1) gas).
/// @dev The window is split into `OpenInterestWindow.BUCKETS` buckets. The cumulative open interest is
/// kept exactly at every bucket boundary; the start of the window, which falls inside a bucket, is
/// interpolated linearly between that bucket's two boundaries. Before a whole window of history exists,
/// the average is over the history there is (from the first report); with no history it is zero.
interface IOpenInterestTracker {
    /// @notice The exchange reported a market's open interest.
    event InsuranceFundOpenInterestRecorded(
        uint256 indexed marketId,
        uint256 marketOpenInterest,
        uint256 totalOpenInterest
    );

    /// @notice The averaging window given at deployment is out of bounds.
    error InsuranceFundWindowOutOfBounds(uint256 windowSeconds);

    /// @notice Records a market's open-interest notional after a change.
    /// @dev Only the market's exchange. O(1).
    /// @param marketId A registered market.
    /// @param openInterest The market's open interest now (sum of longs' and shorts' notional, or the
    /// exchange's own convention, used consistently), in quote-token units.
    function recordOpenInterest(uint256 marketId, uint256 openInterest) external;

    /// @notice The platform's open interest now.
    function totalOpenInterest() external view returns (uint256);

    /// @notice The time-weighted average of the platform's open interest over the trailing window.
    function averageOpenInterest() external view returns (uint256);

    /// @notice The length of the averaging window, in seconds.
    function averagingWindow() external view returns (uint256);
}
