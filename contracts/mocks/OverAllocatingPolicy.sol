// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState} from "../interfaces/IFeePolicy.sol";
import {HostilePolicyBase} from "./HostilePolicyBase.sol";

/// @title OverAllocatingPolicy
/// @notice Armed, gives the fund one unit more than it was handed: `fundPart = amount + 1`, `treasuryPart = 0`
/// (and reverts with an overflow for `amount == type(uint256).max`).
contract OverAllocatingPolicy is HostilePolicyBase {
    function _hostileSplit(
        FeeKind,
        uint256 amount,
        FundState calldata
    ) internal pure override returns (uint256, uint256) {
        return (amount + 1, 0);
    }
}
