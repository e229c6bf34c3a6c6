// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LossIndex} from "../../libraries/LossIndex.sol";

/// @title LossIndexHarness
/// @notice Exposes the pure `LossIndex` functions as external calls. Tests only.
contract LossIndexHarness {
    /// @notice The index's fixed-point scale, `LossIndex.SCALE`.
    function scale() external pure returns (uint256) {
        return LossIndex.SCALE;
    }

    /// @notice `LossIndex.socialize(index, loss, openBase)`.
    function socialize(
        uint256 index,
        uint256 loss,
        uint256 openBase
    ) external pure returns (uint256 newIndex, bool absorbed) {
        return LossIndex.socialize(index, loss, openBase);
    }

    /// @notice `LossIndex.owed(absBase, settledIndex, index)`.
    function owed(uint256 absBase, uint256 settledIndex, uint256 index) external pure returns (uint256) {
        return LossIndex.owed(absBase, settledIndex, index);
    }
}
