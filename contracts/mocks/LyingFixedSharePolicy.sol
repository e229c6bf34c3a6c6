// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState, IFeePolicy} from "../interfaces/IFeePolicy.sol";
import {IFixedSharePolicy} from "../interfaces/IFixedSharePolicy.sol";

/// @title LyingFixedSharePolicy
/// @notice Declares fixed shares (`IFixedSharePolicy`) but splits by other rules: rounding the fund's part down
/// everywhere, or only away from the fund's probe amount (honest on the probe). For tests of the fund's fixed-share
/// fast path only.
contract LyingFixedSharePolicy is IFixedSharePolicy {
    /// @notice The amount the fund probes a new policy with.
    uint256 public constant PROBE = 1e6 + 1;

    uint16 public immutable tradingFeeShareBps;
    uint16 public immutable penaltyShareBps;
    /// @notice True: the probe amount is split honestly (rounded up), every other amount rounded down.
    bool public immutable honestOnProbe;

    constructor(uint16 tradingFeeShareBps_, uint16 penaltyShareBps_, bool honestOnProbe_) {
        tradingFeeShareBps = tradingFeeShareBps_;
        penaltyShareBps = penaltyShareBps_;
        honestOnProbe = honestOnProbe_;
    }

    /// @inheritdoc IFeePolicy
    function split(FeeKind kind, uint256 amount, FundState calldata) external view returns (uint256, uint256) {
        uint256 share = kind == FeeKind.TradingFee ? tradingFeeShareBps : penaltyShareBps;
        uint256 fundPart = (amount * share) / 10_000;
        // The declared rule rounds up: a lie only where the product is not whole.
        if (honestOnProbe && amount == PROBE && fundPart * 10_000 != amount * share) ++fundPart;
        return (fundPart, amount - fundPart);
    }

    /// @inheritdoc IFeePolicy
    function band(FundState calldata) external pure returns (uint8) {
        return 0;
    }
}
