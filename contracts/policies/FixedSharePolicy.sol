// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState, IFeePolicy} from "../interfaces/IFeePolicy.sol";
import {IFixedSharePolicy} from "../interfaces/IFixedSharePolicy.sol";
import {BasisPoints} from "../libraries/BasisPoints.sol";

/// @title FixedSharePolicy
/// @notice Spark's fee split: a fixed share of each trading fee and of each liquidation penalty to the fund.
/// @dev Rounding: the fund's part is `mulBpsUp(amount, shareBps)`, rounded up, which favours the fund (the odd
/// unit of a 50/50 split goes to the fund); the treasury gets exactly the rest, so the parts always add up.
/// Exact for every `amount <= type(uint256).max / 10_000` (the fund's amounts fit 128 bits); above that the
/// product overflows and `split` reverts, which the fund treats as a failed policy.
contract FixedSharePolicy is IFixedSharePolicy {
    using BasisPoints for uint256;

    // ---------------------------------------------------------------- storage

    uint16 private immutable _tradingFeeShareBps;
    uint16 private immutable _penaltyShareBps;

    // ---------------------------------------------------------------- constructor

    /// @param tradingFeeShareBps_ The fund's share of each trading fee, in bps, <= 10,000 (Spark: 5000).
    /// @param penaltyShareBps_ The fund's share of each liquidation penalty, in bps, <= 10,000 (Spark: 5000).
    constructor(uint16 tradingFeeShareBps_, uint16 penaltyShareBps_) {
        if (tradingFeeShareBps_ > BasisPoints.MAX_BPS) revert FixedSharePolicyBpsOutOfBounds(tradingFeeShareBps_);
        if (penaltyShareBps_ > BasisPoints.MAX_BPS) revert FixedSharePolicyBpsOutOfBounds(penaltyShareBps_);
        _tradingFeeShareBps = tradingFeeShareBps_;
        _penaltyShareBps = penaltyShareBps_;
        emit FixedSharePolicyConfigured(tradingFeeShareBps_, penaltyShareBps_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IFixedSharePolicy
    function tradingFeeShareBps() external view returns (uint16) {
        return _tradingFeeShareBps;
    }

    /// @inheritdoc IFixedSharePolicy
    function penaltyShareBps() external view returns (uint16) {
        return _penaltyShareBps;
    }

    /// @inheritdoc IFeePolicy
    /// @dev The fund's state is not looked at: the share is fixed.
    function split(
        FeeKind kind,
        uint256 amount,
        FundState calldata
    ) external view returns (uint256 fundPart, uint256 treasuryPart) {
        uint256 shareBps = kind == FeeKind.TradingFee ? _tradingFeeShareBps : _penaltyShareBps;
        // Rounded up: favours the fund.
        fundPart = amount.mulBpsUp(shareBps);
        // Cannot underflow: `shareBps <= 10_000`, so `fundPart <= amount`.
        unchecked {
            treasuryPart = amount - fundPart;
        }
    }

    /// @inheritdoc IFeePolicy
    /// @dev A single band: always 0.
    function band(FundState calldata) external pure returns (uint8) {
        return 0;
    }
}
