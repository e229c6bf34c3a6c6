// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BasisPoints} from "./BasisPoints.sol";

/// @title FundTarget
/// @notice The fund's target size and the open interest its floor stands for (docs/behaviour.md sections 4.4 and
/// 5.2), each rounding named. The fund and the target-bands policy both use them, so the two never disagree.
library FundTarget {
    using BasisPoints for uint256;

    /// @notice max(`targetShareBps` of the average open interest, `floor`). The share is rounded up, which
    /// keeps more in the fund (less surplus).
    function targetUp(
        uint256 averageOpenInterest,
        uint256 targetShareBps,
        uint256 floor
    ) internal pure returns (uint256) {
        return Math.max(averageOpenInterest.mulBpsUp(targetShareBps), floor);
    }

    /// @notice The open interest the floor stands for, `floor * 10_000 / targetShareBps`, rounded up: a ratio
    /// measured against it is never above the true one, which favours the fund's refill. 0 when the share is 0.
    function floorOpenInterestUp(uint256 floor, uint256 targetShareBps) internal pure returns (uint256) {
        if (targetShareBps == 0) return 0;
        return Math.mulDiv(floor, BasisPoints.MAX_BPS, targetShareBps, Math.Rounding.Ceil);
    }

    /// @notice max(average open interest, the floor's open interest rounded up): what the fund's ratio is
    /// measured against.
    function effectiveOpenInterest(
        uint256 averageOpenInterest,
        uint256 floor,
        uint256 targetShareBps
    ) internal pure returns (uint256) {
        return Math.max(averageOpenInterest, floorOpenInterestUp(floor, targetShareBps));
    }
}
