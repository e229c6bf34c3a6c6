// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind} from "./IFeePolicy.sol";
import {BankruptcyClaim, BankruptcyCover} from "./IInsuranceVault.sol";

/// @title ITradeSettlement
/// @notice The exchange's one call per trade or liquidation, and the opt-in deferred fee pull.
///
/// `settleTrade` does in one call what `positionLoss`, `collectFee` and `recordOpenInterest` do in three, in the
/// order an exchange needs them: it tells the position what it owes of the losses socialized since it last settled,
/// hands in the trade's fee (or a solvent liquidation's penalty) and records the market's new open interest.
/// `settleBankruptcy` is the bankrupt liquidation's one call: the penalty the account paid, the waterfall and the
/// new open interest. The separate calls stay: an exchange that marks open interest to the price without a trade,
/// books fees in batches or reads a position's loss in a view still needs them, and they share the code.
///
/// Deferred fee pull (opt-in per market, `setFeeDeferral`): instead of a `transferFrom` on every fee, the fee's
/// parts are booked as the exchange's debt to the fund, by part (the fund's, the treasury's; the backstop's income is
/// the share of the treasury's that `flushTreasury` sends it, as for a pulled fee). The debt is received in one
/// transfer: by anyone (`pullDeferredFees`), by the fee that would take it past the market's cap, by netting against
/// what the fund pays that exchange (its fund part first), and before the market is retired, moved or its deferral
/// changed. Until received, no part counts: the fund's balance, the treasury's accrual, the backstop's income and
/// the surplus exclude it, and a fee policy sees the balance without it. One exception, by design: a bankruptcy in the
/// market may allocate the market's own fund-part debt as if it were in the balance, since it settles by netting
/// against that very payout, with no transfer (traders are not socialized while their exchange owes the fund).
/// Exposure: at most the market's cap of income is unreceived at any time; the exchange's failure to pay it never
/// costs the fund's balance anything it counted.
interface ITradeSettlement {
    // ---------------------------------------------------------------- events

    /// @notice One trade or solvent liquidation settled, its fee's parts received with the call: `fundPart` joined
    /// the balance and `treasuryPart` the treasury's accrual. The fee was `fundPart + treasuryPart` plus what it
    /// repaid of the market's bad debt (`InsuranceFundBadDebtRepaid`, which the exchange kept); the market's open
    /// interest is now `openInterest`.
    event InsuranceFundTradeSettled(
        uint256 indexed marketId,
        FeeKind kind,
        uint256 fundPart,
        uint256 treasuryPart,
        uint256 openInterest
    );

    /// @notice One trade or solvent liquidation settled in a market that defers its fees: the fee's parts were booked
    /// as the exchange's debt, not received (`InsuranceFundDeferredFeesReceived` says when they are). Otherwise as
    /// `InsuranceFundTradeSettled`.
    event InsuranceFundTradeFeeDeferred(
        uint256 indexed marketId,
        FeeKind kind,
        uint256 fundPart,
        uint256 treasuryPart,
        uint256 openInterest
    );

    /// @notice Governance set the market's fee deferral: a cap of 0 turns it off.
    event InsuranceFundFeeDeferralSet(uint256 indexed marketId, uint256 cap);

    /// @notice The market's deferred fees were received: `fundPart` joined the balance and `treasuryPart` the
    /// treasury's accrual. `netted` is true when they were set off against a payout to the exchange instead of
    /// transferred.
    event InsuranceFundDeferredFeesReceived(
        uint256 indexed marketId,
        address indexed exchange,
        uint256 fundPart,
        uint256 treasuryPart,
        bool netted
    );

    /// @notice Retiring or moving the market could not pull its deferred fees from its exchange: they were dropped.
    /// The fund never counted them, so its balance is unchanged.
    event InsuranceFundDeferredFeesDropped(uint256 indexed marketId, address indexed exchange, uint256 amount);

    // ---------------------------------------------------------------- errors

    /// @notice A deferral cap must stay below 2^80 (the debt's width).
    error InsuranceFundDeferralCapTooLarge(uint256 cap);
    /// @notice The market's exchange owes no deferred fees.
    error InsuranceFundNoDeferredFees(uint256 marketId);

    // ---------------------------------------------------------------- the exchange

    /// @notice Settles one trade (or a solvent liquidation): the position's socialized loss, the fee and the
    /// market's new open interest. The fee first repays the market's bad debt (the exchange keeps that part); the
    /// policy splits the rest, which is pulled from the caller (approve the fund first) or, with the market's fee
    /// deferral on, booked as the caller's debt.
    /// @dev Only the market's exchange. Works while paused. Equivalent to `positionLoss(marketId, absBase,
    /// settledIndex)`, `collectFee(marketId, kind, fee)` and `recordOpenInterest(marketId, openInterest)` in that
    /// order, with one event instead of two (`InsuranceFundTradeSettled`, or `InsuranceFundTradeFeeDeferred` when the
    /// parts are booked; `InsuranceFundBadDebtRepaid` when it repays). A zero fee hands in nothing.
    /// @param marketId A registered, active market.
    /// @param absBase The position's |base| before the trade (18-decimal); 0 for a new position.
    /// @param settledIndex The loss index the position last settled at.
    /// @param kind Trading fee or liquidation penalty.
    /// @param fee Quote-token units.
    /// @param openInterest The market's open interest after the trade (see `recordOpenInterest`).
    /// @return loss What the position owes for the losses socialized since `settledIndex`, rounded up.
    /// @return lossIndex The index to store as the position's new settled index.
    /// @return badDebtRepaid min(fee, the market's bad debt): the exchange keeps it as repayment.
    function settleTrade(
        uint256 marketId,
        uint256 absBase,
        uint256 settledIndex,
        FeeKind kind,
        uint256 fee,
        uint256 openInterest
    ) external returns (uint256 loss, uint256 lossIndex, uint256 badDebtRepaid);

    /// @notice A bankrupt liquidation's one call: hands in the `penalty` the account paid (after the exchange's
    /// own liquidator took its part), runs the waterfall for `claim` and records the market's new open interest.
    /// @dev Only the market's exchange. Equivalent to `collectFee(marketId, LiquidationPenalty, penalty)`,
    /// `coverBankruptcy(marketId, claim)` and `recordOpenInterest(marketId, openInterest)` in that order, with the
    /// events of the first two (the open interest is in the market's state, as after `settleTrade`) and one
    /// transfer: the penalty (what is left of it after bad debt) nets against what the fund pays the exchange now,
    /// and is booked as debt when the market defers its fees. Never reverts for lack of money, a payout limit, a
    /// pause or the deferral cap.
    /// @return cover As `coverBankruptcy`.
    /// @return badDebtRepaid As `collectFee`, for the penalty.
    function settleBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim,
        uint256 penalty,
        uint256 openInterest
    ) external returns (BankruptcyCover memory cover, uint256 badDebtRepaid);

    // ---------------------------------------------------------------- anyone

    /// @notice Receives the market's deferred fees from its exchange in one `transferFrom`.
    /// @return amount What was received (fund part plus treasury part).
    function pullDeferredFees(uint256 marketId) external returns (uint256 amount);

    // ---------------------------------------------------------------- governance

    /// @notice Turns the market's fee deferral on with `cap` (the most its exchange may owe), changes the cap, or
    /// turns it off with 0. The debt is received first.
    function setFeeDeferral(uint256 marketId, uint128 cap) external;

    // ---------------------------------------------------------------- views

    /// @notice What the market's exchange owes the fund in deferred fees, by part, and the market's cap (0: off).
    function deferredFees(uint256 marketId) external view returns (uint256 fundPart, uint256 treasuryPart, uint256 cap);
}
