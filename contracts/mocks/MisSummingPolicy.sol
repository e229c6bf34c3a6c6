// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState} from "../interfaces/IFeePolicy.sol";
import {HostilePolicyBase} from "./HostilePolicyBase.sol";

/// @title MisSummingPolicy
/// @notice Armed, answers parts that add up to one unit less than the amount: `fundPart = amount / 2`,
/// `treasuryPart = amount - fundPart - 1`. For `amount >= 1` each part is within the amount (only the sum is
/// wrong); for `amount == 0` the treasury part wraps to `type(uint256).max`.
contract MisSummingPolicy is HostilePolicyBase {
    function _hostileSplit(
        FeeKind,
        uint256 amount,
        FundState calldata
    ) internal pure override returns (uint256 fundPart, uint256 treasuryPart) {
        fundPart = amount / 2;
        // Wraps on purpose for a zero amount: the mock is meant to answer nonsense.
        unchecked {
            treasuryPart = amount - fundPart - 1;
        }
    }
}
