// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BasisPoints} from "../../libraries/BasisPoints.sol";

/// @title BasisPointsHarness
/// @notice Exposes the pure `BasisPoints` functions as external calls. Tests only.
contract BasisPointsHarness {
    /// @notice `BasisPoints.MAX_BPS`.
    function maxBps() external pure returns (uint256) {
        return BasisPoints.MAX_BPS;
    }

    /// @notice `BasisPoints.mulBpsDown(amount, bps)`.
    function mulBpsDown(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BasisPoints.mulBpsDown(amount, bps);
    }

    /// @notice `BasisPoints.mulBpsUp(amount, bps)`.
    function mulBpsUp(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BasisPoints.mulBpsUp(amount, bps);
    }
}
