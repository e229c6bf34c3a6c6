// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title LossIndex
/// @notice The socialized-loss index of one market: the cumulative loss per unit of |base|, scaled by
/// `SCALE`. Both roundings favour the exchange's solvency (the side that collects the loss):
/// - an increment is rounded up, so `openBase * increment / SCALE >= loss`;
/// - a position's charge is rounded up, so the sum of charges is at least the loss once all have settled.
/// A position pays at most one unit above its exact share `loss * absBase / openBase` as long as
/// `absBase * openBase <= SCALE` (the rounding error of the increment, `absBase / SCALE`, then stays below
/// the distance from the exact share to the next whole unit, at least `1 / openBase`): with
/// `SCALE = 1e60` that holds for any market whose open base stays below 1e30 (10^12 whole contracts).
/// That bound is per loss. A position that settles once for `n` losses pays less than its exact share plus one
/// plus `n * absBase / SCALE` (each rise's round-up is below one index unit). The sliver (below 1e-29 of a unit for
/// ten losses on a position below 1e30) can carry a charge past `share + 1` only when the share sits that close below
/// a whole unit, which takes an open base that changed between the losses or `n * absBase * openBase > SCALE`; no
/// index of finite precision avoids it (see `LossIndex.t.sol`).
library LossIndex {
    /// @notice The index's fixed-point scale.
    uint256 internal constant SCALE = 1e60;

    /// @notice The index after spreading `loss` over `openBase`, or `absorbed = false` when the loss cannot
    /// be spread (no open base, or the index has no headroom left for it).
    /// @param index The index now.
    /// @param loss Quote-token units to spread.
    /// @param openBase The market's total open |base|, 18-decimal.
    function socialize(
        uint256 index,
        uint256 loss,
        uint256 openBase
    ) internal pure returns (uint256 newIndex, bool absorbed) {
        if (openBase == 0) return (index, false);
        uint256 headroom = type(uint256).max - index;
        // Below `SCALE` open base the increment can outgrow the headroom: compare the loss with the largest
        // loss the headroom takes (the quotient is at most `headroom`, so it cannot overflow). At or above
        // `SCALE` the increment is at most `loss` and the check after the division suffices.
        if (openBase < SCALE && loss > Math.mulDiv(headroom, openBase, SCALE)) return (index, false);
        uint256 increment = Math.mulDiv(loss, SCALE, openBase, Math.Rounding.Ceil);
        if (increment > headroom) return (index, false);
        // Cannot overflow: `increment <= headroom`.
        unchecked {
            return (index + increment, true);
        }
    }

    /// @notice What a position of `absBase` owes for the index moving from `settledIndex` to `index`,
    /// rounded up.
    function owed(uint256 absBase, uint256 settledIndex, uint256 index) internal pure returns (uint256) {
        return Math.mulDiv(absBase, index - settledIndex, SCALE, Math.Rounding.Ceil);
    }
}
