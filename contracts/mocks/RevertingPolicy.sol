// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState} from "../interfaces/IFeePolicy.sol";
import {HostilePolicyBase} from "./HostilePolicyBase.sol";

/// @title RevertingPolicy
/// @notice Armed, reverts in `split` and in `band`, in the way `mode` says: with a custom error, with no data,
/// with a panic (division by zero), or with `HUGE_REVERT_DATA_BYTES` bytes of revert data (a caller that copies
/// the revert data pays for the memory).
contract RevertingPolicy is HostilePolicyBase {
    /// @notice How the policy reverts.
    enum Mode {
        CustomError,
        Empty,
        Panic,
        HugeRevertData
    }

    /// @notice The size of the revert data in `Mode.HugeRevertData`.
    uint256 public constant HUGE_REVERT_DATA_BYTES = 100_000;

    /// @notice The error of `Mode.CustomError`.
    error RevertingPolicyReverted();

    /// @notice The way the policy reverts was changed.
    event RevertingPolicyModeSet(Mode mode);

    Mode private _mode;

    /// @notice Chooses how the policy reverts.
    function setMode(Mode mode_) external {
        _mode = mode_;
        emit RevertingPolicyModeSet(mode_);
    }

    /// @notice How the policy reverts now.
    function mode() external view returns (Mode) {
        return _mode;
    }

    function _hostileSplit(FeeKind, uint256, FundState calldata) internal view override returns (uint256, uint256) {
        _revert();
    }

    function _hostileBand(FundState calldata) internal view override returns (uint8) {
        _revert();
    }

    function _revert() private view {
        Mode mode_ = _mode;
        if (mode_ == Mode.CustomError) revert RevertingPolicyReverted();
        if (mode_ == Mode.Panic) {
            uint256 zero = 0;
            // Division by zero: Panic(0x12).
            zero = 1 / zero;
        }
        uint256 size = mode_ == Mode.HugeRevertData ? HUGE_REVERT_DATA_BYTES : 0;
        // Not memory-safe: it reverts with memory it did not allocate (zeros), and never returns.
        assembly {
            revert(0, size)
        }
    }
}
