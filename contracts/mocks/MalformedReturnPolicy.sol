// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState} from "../interfaces/IFeePolicy.sol";
import {HostilePolicyBase} from "./HostilePolicyBase.sol";

/// @title MalformedReturnPolicy
/// @notice Armed, answers without reverting but with return data that does not decode as the interface says,
/// in the way `mode` says:
/// - `Short`: `split` returns one word (`amount`) instead of two; `band` returns the word 256, not a uint8.
///   A caller that decodes the answer (a `try ... returns (...)`) reverts in its own frame: `catch` does not
///   catch a decoding failure.
/// - `Long`: `split` returns a valid 50/50 answer followed by `LONG_RETURN_DATA_BYTES` bytes of junk (a caller
///   that copies all the return data pays for the memory); `band` returns 0 followed by the same junk.
contract MalformedReturnPolicy is HostilePolicyBase {
    /// @notice How the answer is malformed.
    enum Mode {
        Short,
        Long
    }

    /// @notice The size of the junk after the answer in `Mode.Long`.
    uint256 public constant LONG_RETURN_DATA_BYTES = 100_000;

    /// @notice The way the answer is malformed was changed.
    event MalformedReturnPolicyModeSet(Mode mode);

    Mode private _mode;

    /// @notice Chooses how the answer is malformed.
    function setMode(Mode mode_) external {
        _mode = mode_;
        emit MalformedReturnPolicyModeSet(mode_);
    }

    /// @notice How the answer is malformed now.
    function mode() external view returns (Mode) {
        return _mode;
    }

    function _hostileSplit(
        FeeKind,
        uint256 amount,
        FundState calldata
    ) internal view override returns (uint256, uint256) {
        if (_mode == Mode.Short) _returnWords(amount, 0, 32);
        uint256 fundPart = amount / 2 + (amount % 2);
        _returnWords(fundPart, amount - fundPart, 64 + LONG_RETURN_DATA_BYTES);
    }

    function _hostileBand(FundState calldata) internal view override returns (uint8) {
        if (_mode == Mode.Short) _returnWords(256, 0, 32);
        _returnWords(0, 0, 32 + LONG_RETURN_DATA_BYTES);
    }

    /// @dev Ends the call, returning `size` bytes of memory from offset 0 after writing two words there. Memory
    /// past the two words is whatever is there (zeros): the junk.
    function _returnWords(uint256 first, uint256 second, uint256 size) private pure {
        assembly {
            mstore(0, first)
            mstore(32, second)
            return(0, size)
        }
    }
}
