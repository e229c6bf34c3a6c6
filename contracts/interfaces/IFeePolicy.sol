// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Which kind of income the exchange hands in.
enum FeeKind {
    TradingFee,
    LiquidationPenalty
}

/// @notice What a fee policy may look at to decide the fund's share. All money is in quote-token units.
/// @param balance The fund's accounted balance (never `balanceOf`), including income not yet flushed.
/// @param averageOpenInterest The platform's time-weighted average open interest over the trailing window.
/// @param floor The fund's minimum target size.
/// @param targetShareBps The target size as a share of the average open interest (5 % = 500).
struct FundState {
    uint256 balance;
    uint256 averageOpenInterest;
    uint256 floor;
    uint256 targetShareBps;
}

/// @title IFeePolicy
/// @notice A fee-split policy: a tiny view plug-in that decides how much of a fee or penalty goes to the
/// insurance fund and how much to the treasury. The fund re-checks every answer: when a policy reverts,
/// or its two parts do not add up to the amount, the whole amount goes to the fund and the fund emits
/// `InsuranceFundPolicyFailed`, so a broken policy can never lose money nor block a liquidation.
interface IFeePolicy {
    /// @notice Splits `amount` of income of the given kind.
    /// @param kind Trading fee or liquidation penalty.
    /// @param amount The income, in quote-token units.
    /// @param state The fund's state as the fund sees it now.
    /// @return fundPart The part that goes to the insurance fund.
    /// @return treasuryPart The part that goes to the treasury; `fundPart + treasuryPart == amount`.
    function split(
        FeeKind kind,
        uint256 amount,
        FundState calldata state
    ) external view returns (uint256 fundPart, uint256 treasuryPart);

    /// @notice The policy's band for a fund state, for health displays (0 for single-band policies).
    /// @param state The fund's state.
    /// @return band 0 = below the lower band (refilling fastest), and so on upwards.
    function band(FundState calldata state) external view returns (uint8 band);
}
