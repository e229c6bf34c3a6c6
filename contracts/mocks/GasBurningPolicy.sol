// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState} from "../interfaces/IFeePolicy.sol";
import {HostilePolicyBase} from "./HostilePolicyBase.sol";

/// @title GasBurningPolicy
/// @notice Armed, loops in `split` and in `band` until it runs out of gas: it uses all the gas it is given.
contract GasBurningPolicy is HostilePolicyBase {
    function _hostileSplit(FeeKind, uint256, FundState calldata) internal pure override returns (uint256, uint256) {
        return (_burn(), 0);
    }

    function _hostileBand(FundState calldata) internal pure override returns (uint8) {
        return uint8(_burn());
    }

    /// @dev Never returns: hashes a word over and over until the call runs out of gas.
    function _burn() private pure returns (uint256 word) {
        while (true) {
            word = uint256(keccak256(abi.encode(word)));
        }
    }
}
