// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISocializedLossLedger
/// @notice Per market, a cumulative loss-per-unit-of-base index. Socializing a loss adds
/// `loss * LOSS_INDEX_SCALE / openBase` (rounded up) to the index: O(1) whatever the number of positions.
/// A position of |base| `absBase` that last settled at index `settledIndex` owes
/// `absBase * (lossIndex - settledIndex) / LOSS_INDEX_SCALE` (rounded up) to its exchange.
/// @dev The exchange keeps each position's `settledIndex`. When it touches a position (trade, close,
/// liquidation, explicit settle), it first charges `positionLoss` on the size the position held, then
/// stores the returned index. A new position starts at the current index and owes nothing for older losses.
/// Both roundings favour the exchange's solvency: after every position settled, the sum charged is at
/// least the loss, and no position pays more than one unit above its exact share of a loss (for a market
/// whose open base stays below 1e30; the bound and its derivation: `LossIndex.sol`'s header).
interface ISocializedLossLedger {
    /// @notice A position claims to have settled at an index the market has not reached.
    error InsuranceFundIndexAhead(uint256 marketId, uint256 settledIndex, uint256 currentIndex);

    /// @notice The market's cumulative loss per unit of base, scaled by `LOSS_INDEX_SCALE`.
    /// @param marketId A registered market.
    function lossIndex(uint256 marketId) external view returns (uint256);

    /// @notice What a position owes for losses socialized since it last settled. Changes nothing.
    /// @param marketId A registered market.
    /// @param absBase The position's |base| (18-decimal) during that time.
    /// @param settledIndex The index the position last settled at.
    /// @return loss Quote-token units the position owes, rounded up.
    /// @return currentIndex The index to store as the position's new `settledIndex`.
    function positionLoss(
        uint256 marketId,
        uint256 absBase,
        uint256 settledIndex
    ) external view returns (uint256 loss, uint256 currentIndex);
}
