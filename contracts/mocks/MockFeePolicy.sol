// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState, IFeePolicy} from "../interfaces/IFeePolicy.sol";

/// @title MockFeePolicy
/// @notice A settable fixed-share policy (fund part rounded down) that also records nothing: for tests of
/// the fund that need to steer the split. For tests only.
contract MockFeePolicy is IFeePolicy {
    uint256 public tradingFeeShareBps;
    uint256 public penaltyShareBps;
    uint8 public bandToReport;

    constructor(uint256 tradingFeeShareBps_, uint256 penaltyShareBps_) {
        setShares(tradingFeeShareBps_, penaltyShareBps_);
    }

    /// @notice Changes the shares (anyone: it is a mock).
    function setShares(uint256 tradingFeeShareBps_, uint256 penaltyShareBps_) public {
        tradingFeeShareBps = tradingFeeShareBps_;
        penaltyShareBps = penaltyShareBps_;
    }

    /// @notice Changes the band `band` reports.
    function setBand(uint8 band_) external {
        bandToReport = band_;
    }

    /// @inheritdoc IFeePolicy
    function split(FeeKind kind, uint256 amount, FundState calldata) external view returns (uint256, uint256) {
        uint256 share = kind == FeeKind.TradingFee ? tradingFeeShareBps : penaltyShareBps;
        uint256 fundPart = (amount * share) / 10_000;
        return (fundPart, amount - fundPart);
    }

    /// @inheritdoc IFeePolicy
    function band(FundState calldata) external view returns (uint8) {
        return bandToReport;
    }
}
