// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState, IFeePolicy} from "./IFeePolicy.sol";

/// @title IFeeSplitter
/// @notice Where the exchange hands in its trading fees and liquidation penalties. Each fee first repays the
/// market's bad debt, from the whole fee (the exchange keeps that much); the fee policy splits the rest: the
/// fund's part joins its balance at once, the treasury's part accrues and leaves with `flushTreasury`.
/// @dev One `transferFrom` per fee (exchange -> fund) and no push to the treasury on the hot path: the
/// treasury's income is accrued and flushed by anyone, in one transfer, whenever they like.
interface IFeeSplitter {
    // ---------------------------------------------------------------- events

    /// @notice The exchange handed in `amount == badDebtRepaid + fundPart + treasuryPart`: `badDebtRepaid` stayed
    /// with the exchange, `fundPart` joined the fund's balance and `treasuryPart` accrued to the treasury.
    event InsuranceFundFeeCollected(
        uint256 indexed marketId,
        FeeKind indexed kind,
        uint256 amount,
        uint256 fundPart,
        uint256 treasuryPart,
        uint256 badDebtRepaid
    );
    /// @notice Income repaid part of a market's bad debt.
    event InsuranceFundBadDebtRepaid(uint256 indexed marketId, uint256 amount, uint256 remaining);
    /// @notice The policy reverted or answered a split that does not add up: the whole amount went to the
    /// fund.
    event InsuranceFundPolicyFailed(address indexed policy, FeeKind indexed kind, uint256 amount);
    /// @notice Governance swapped the fee policy.
    event InsuranceFundFeePolicySet(address indexed oldPolicy, address indexed newPolicy);
    /// @notice Governance changed the treasury.
    event InsuranceFundTreasurySet(address indexed oldTreasury, address indexed newTreasury);
    /// @notice Someone sent the accrued treasury income to the treasury.
    event InsuranceFundTreasuryFlushed(address indexed treasury, uint256 amount);

    // ---------------------------------------------------------------- errors

    /// @notice A policy failed its probe when it was set (it reverted or its split did not add up).
    error InsuranceFundInvalidPolicy(address policy);
    /// @notice There is no accrued treasury income to flush.
    error InsuranceFundNothingToFlush();

    // ---------------------------------------------------------------- the exchange

    /// @notice Hands in a trading fee or a liquidation penalty of `marketId`. Pulls `amount` minus any bad
    /// debt it repays from the caller (approve the fund first).
    /// @dev Only the market's exchange. Works while paused (income is not a payout).
    /// @param marketId A registered market.
    /// @param kind Trading fee or liquidation penalty.
    /// @param amount Quote-token units; zero is a no-op that returns zeros.
    /// @return fundPart The fund's part of what was left after the repayment.
    /// @return treasuryPart The treasury's part of it.
    /// @return badDebtRepaid min(amount, the market's bad debt): the exchange keeps it as repayment.
    function collectFee(
        uint256 marketId,
        FeeKind kind,
        uint256 amount
    ) external returns (uint256 fundPart, uint256 treasuryPart, uint256 badDebtRepaid);

    // ---------------------------------------------------------------- anyone

    /// @notice Sends the accrued treasury income to the treasury.
    /// @return amount What was sent.
    function flushTreasury() external returns (uint256 amount);

    // ---------------------------------------------------------------- governance

    /// @notice Swaps the fee policy. The new policy is probed with both fee kinds first.
    /// @param policy A contract implementing `IFeePolicy`.
    function setFeePolicy(IFeePolicy policy) external;

    /// @notice Changes where the treasury's income and the surplus go. Accrued income goes to the new one.
    /// @param treasury Non-zero.
    function setTreasury(address treasury) external;

    // ---------------------------------------------------------------- views

    /// @notice The current fee policy.
    function feePolicy() external view returns (IFeePolicy);

    /// @notice Where the treasury's income and the surplus go.
    function treasury() external view returns (address);

    /// @notice Treasury income held until the next flush.
    function treasuryAccrued() external view returns (uint256);

    /// @notice What a fee policy sees now.
    function fundState() external view returns (FundState memory);
}
