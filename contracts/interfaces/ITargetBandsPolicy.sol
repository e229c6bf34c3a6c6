// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FundState, IFeePolicy} from "./IFeePolicy.sol";

/// @notice The parameters of Spin's target bands, all in bps (Spin: 200, 500, 2000, 4000, 4000).
/// @param lowerBandBps The ratio R below which the fund is in the low band (2 % = 200); in (0, upperBandBps].
/// @param upperBandBps The ratio R from which the fund is in the top band and gets nothing (5 % = 500).
/// @param lowTradingFeeShareBps The fund's share of trading fees in the low band (20 % = 2000).
/// @param lowPenaltyShareBps The fund's share of liquidation penalties in the low band (40 % = 4000).
/// @param midPenaltyShareBps The fund's share of liquidation penalties in the middle band (40 % = 4000); the
/// middle band gets no trading-fee income.
struct Bands {
    uint16 lowerBandBps;
    uint16 upperBandBps;
    uint16 lowTradingFeeShareBps;
    uint16 lowPenaltyShareBps;
    uint16 midPenaltyShareBps;
}

/// @title ITargetBandsPolicy
/// @notice Spin's fee split, by the fund's ratio R = balance / effective open interest, where the effective
/// open interest is the larger of the average open interest and the open interest the floor stands for
/// (`floor / targetShareBps`, rounded up). Band 0 (R < lower): `lowTradingFeeShareBps` of trading fees and
/// `lowPenaltyShareBps` of penalties to the fund; band 1 (lower <= R < upper): no trading-fee income,
/// `midPenaltyShareBps` of penalties; band 2 (R >= upper and the balance at least the floor, or no open
/// interest and no floor at all): nothing to the fund. A ratio exactly on a boundary belongs to the band above
/// it. The fund's part is rounded up.
/// @dev A fund below its floor (`FundState.floor`) is never in band 2, whatever the fund's target share: at most
/// band 1. With `upperBandBps >= targetShareBps` (Spin: 5 % and 5 %) R alone already ensures it; the explicit
/// rule makes it hold for every target share governance may set. Above the floor's open interest the bands are
/// exactly Spin's.
interface ITargetBandsPolicy is IFeePolicy {
    /// @notice The policy was deployed with these bands (they never change).
    event TargetBandsPolicyConfigured(Bands bands);

    /// @notice A parameter in basis points is above 10,000 (or the lower band is zero).
    error TargetBandsPolicyBpsOutOfBounds(uint256 bps);
    /// @notice The lower band is above the upper band.
    error TargetBandsPolicyBandsInverted(uint256 lower, uint256 upper);

    /// @notice The policy's parameters.
    function bands() external view returns (Bands memory);

    /// @notice The open interest R is measured against: max(average open interest, the floor's open interest),
    /// where the floor's open interest is `floor * 10_000 / targetShareBps` rounded up (it is zero when
    /// `targetShareBps` is zero). Rounding up makes R smaller: it favours the fund's refill.
    /// @param state The fund's state.
    /// @return openInterest In quote-token units; zero only when the average open interest and the floor are.
    function effectiveOpenInterest(FundState calldata state) external view returns (uint256 openInterest);
}
