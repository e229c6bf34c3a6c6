// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState} from "../interfaces/IFeePolicy.sol";
import {HostilePolicyBase} from "./HostilePolicyBase.sol";

/// @title WrappingSumPolicy
/// @notice Armed, answers `fundPart = amount + 1` and `treasuryPart = type(uint256).max`: the two parts add up
/// to `amount` modulo 2^256. It catches a fund that checks the sum in unchecked arithmetic (it would accept the
/// split) or with a checked `fundPart + treasuryPart` (it would revert with an overflow, blocking the caller).
contract WrappingSumPolicy is HostilePolicyBase {
    function _hostileSplit(
        FeeKind,
        uint256 amount,
        FundState calldata
    ) internal pure override returns (uint256 fundPart, uint256 treasuryPart) {
        // Wraps on purpose: `amount + 1 + (2^256 - 1) == amount (mod 2^256)`.
        unchecked {
            fundPart = amount + 1;
        }
        treasuryPart = type(uint256).max;
    }
}
