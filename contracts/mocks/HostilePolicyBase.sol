// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState, IFeePolicy} from "../interfaces/IFeePolicy.sol";
import {BasisPoints} from "../libraries/BasisPoints.sol";

/// @title HostilePolicyBase
/// @notice Base of the broken fee policies the fund's tests use. A hostile policy is armed when deployed and
/// misbehaves in `split` (and where it says so, in `band`). Disarmed, it answers an honest 50/50 split (the
/// odd unit to the fund) and band 0, so a test can get it past the fund's probe in `setFeePolicy`, then arm
/// it to show that the fund catches it at run time.
/// @dev Test-only: anyone may arm or disarm it.
abstract contract HostilePolicyBase is IFeePolicy {
    using BasisPoints for uint256;

    /// @notice The policy was armed or disarmed.
    event HostilePolicyArmed(bool armed);

    bool private _armed = true;

    /// @notice Arms (`true`) or disarms (`false`) the policy.
    function setArmed(bool armed_) external {
        _armed = armed_;
        emit HostilePolicyArmed(armed_);
    }

    /// @notice Whether the policy misbehaves now.
    function armed() external view returns (bool) {
        return _armed;
    }

    /// @inheritdoc IFeePolicy
    function split(
        FeeKind kind,
        uint256 amount,
        FundState calldata state
    ) external view returns (uint256 fundPart, uint256 treasuryPart) {
        if (!_armed) {
            fundPart = amount.mulBpsUp(5_000);
            return (fundPart, amount - fundPart);
        }
        return _hostileSplit(kind, amount, state);
    }

    /// @inheritdoc IFeePolicy
    function band(FundState calldata state) external view returns (uint8) {
        if (!_armed) return 0;
        return _hostileBand(state);
    }

    /// @dev The armed answer of `split`.
    function _hostileSplit(
        FeeKind kind,
        uint256 amount,
        FundState calldata state
    ) internal view virtual returns (uint256 fundPart, uint256 treasuryPart);

    /// @dev The armed answer of `band`: 0 unless the mock says otherwise.
    function _hostileBand(FundState calldata) internal view virtual returns (uint8) {
        return 0;
    }
}
