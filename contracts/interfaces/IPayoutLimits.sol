// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BankruptcyClaim, BankruptcyCover} from "./IInsuranceVault.sol";

/// @notice A payout bucket as the views show it: what it could pay now, of what it holds at most.
/// @param available What may be paid now: the level refilled up to this block (`type(uint256).max` while
/// disabled).
/// @param capacity The most it holds (`type(uint128).max`: disabled, no limit).
/// @param refillPerSecond Quote units it regains per second, up to `capacity`.
struct BucketLevel {
    uint256 available;
    uint256 capacity;
    uint256 refillPerSecond;
}

/// @notice One market's ledger at the fund, for exchanges and operators, in one read.
/// @param insuranceLimit The most the fund will ever allocate to the market's bankruptcies.
/// @param limitUsed What the fund allocated so far (paid or pending): the limit charged.
/// @param pending The market's pending claim: allocated, reserved, not yet paid to its exchange.
/// @param payableNow What of `pending` the buckets would let through now (0 while paused).
/// @param badDebt The market's unpaid bad debt.
/// @param marketBucket The market's payout bucket.
/// @param fundBucket The fund-wide payout bucket every market shares.
/// @param retired Whether the market is retired (only then may governance reject its pending claim).
struct MarketLedgerView {
    uint256 insuranceLimit;
    uint256 limitUsed;
    uint256 pending;
    uint256 payableNow;
    uint256 badDebt;
    BucketLevel marketBucket;
    BucketLevel fundBucket;
    bool retired;
}

/// @title IPayoutLimits
/// @notice When the fund pays what a bankruptcy allocated to it (docs/behaviour.md 3.3): at once,
/// up to a per-market and a fund-wide payout rate limit (token buckets); the rest becomes the market's pending
/// claim, owed to its exchange and paid first as the buckets refill. While paused, everything allocated waits
/// as pending. Limits and the pause change when a loss is paid, never who bears it.
/// @dev A pending claim is reserved: it has left the fund's balance (it is not spendable, never swept, never
/// socialized, never repaid from fees) and counts in the exchange's solvency identity as owed to it. Anyone may
/// call `processPendingClaim`; each market's claim is one amount paid in order, before any newer payout of the
/// market. Buckets are registered disabled (no limit); the deploy suite configures them.
interface IPayoutLimits {
    // ---------------------------------------------------------------- events

    /// @notice Governance set a market's payout bucket (`capacity == type(uint128).max`: no limit).
    event InsuranceFundMarketPayoutLimitSet(uint256 indexed marketId, uint256 capacity, uint256 refillPerSecond);
    /// @notice Governance set the fund-wide payout bucket (`capacity == type(uint128).max`: no limit).
    event InsuranceFundFundPayoutLimitSet(uint256 capacity, uint256 refillPerSecond);
    /// @notice Part of a market's pending claim was paid to its exchange (outside `coverBankruptcy`, which
    /// reports it in its cover).
    event InsuranceFundPendingClaimPaid(
        uint256 indexed marketId,
        address indexed exchange,
        uint256 amount,
        uint256 pendingLeft
    );
    /// @notice Governance rejected a retired market's pending claim: its exchange bears it, and the reservation
    /// returned to the fund's balance.
    event InsuranceFundPendingClaimRejected(uint256 indexed marketId, uint256 amount);

    // ---------------------------------------------------------------- errors

    /// @notice The market has no pending claim.
    error InsuranceFundNoPendingClaim(uint256 marketId);
    /// @notice The buckets hold nothing for the market's pending claim now; try again after they refill.
    error InsuranceFundPayoutLimited(uint256 marketId, uint256 pending);

    // ---------------------------------------------------------------- anyone

    /// @notice Pays as much of the market's pending claim as the buckets allow now to the market's exchange.
    /// @dev Reverts while paused, with `InsuranceFundNoPendingClaim` when there is none and with
    /// `InsuranceFundPayoutLimited` when the buckets hold nothing for it. A retired market's claim is still paid
    /// (until governance rejects it); a moved market's is paid to its current exchange.
    /// @param marketId A registered market.
    /// @return paid What was transferred to the exchange.
    function processPendingClaim(uint256 marketId) external returns (uint256 paid);

    // ---------------------------------------------------------------- governance

    /// @notice Sets a market's payout bucket. The level first refills up to now at the old rate, then is clamped
    /// to the new capacity: a change never refills the bucket (a disabled bucket that is enabled starts full).
    /// @param marketId A registered market.
    /// @param capacity Quote units, > 0; `type(uint128).max` lifts the limit.
    /// @param refillPerSecond Quote units per second, <= `capacity`.
    function setMarketPayoutLimit(uint256 marketId, uint128 capacity, uint128 refillPerSecond) external;

    /// @notice Sets the fund-wide payout bucket, shared by every market; the same rules as a market's.
    /// @param capacity Quote units, > 0; `type(uint128).max` lifts the limit.
    /// @param refillPerSecond Quote units per second, <= `capacity`.
    function setFundPayoutLimit(uint128 capacity, uint128 refillPerSecond) external;

    /// @notice Rejects a retired market's pending claim: its exchange bears it, the reservation returns to the
    /// fund's balance. The limit it was charged stays charged.
    /// @param marketId A retired market with a pending claim.
    /// @return amount The claim rejected.
    function rejectPendingClaim(uint256 marketId) external returns (uint256 amount);

    // ---------------------------------------------------------------- views

    /// @notice A market's pending claim.
    function pendingClaim(uint256 marketId) external view returns (uint256);

    /// @notice All markets' pending claims: tokens the fund holds reserved, outside its balance.
    function totalPending() external view returns (uint256);

    /// @notice The fund-wide payout bucket.
    function fundBucket() external view returns (BucketLevel memory);

    /// @notice A market's limit used, pending claim, bad debt and both buckets, in one read.
    function marketLedger(uint256 marketId) external view returns (MarketLedgerView memory);

    /// @notice What `coverBankruptcy(marketId, claim)` would do now, with no state change: the allocation, what
    /// would be paid now and what would wait, and where the remainder would go. The claim gets the same checks
    /// and errors as `coverBankruptcy`; the caller is not checked (anyone may preview).
    /// @param marketId A registered market.
    /// @param claim The claim as the exchange would send it.
    function previewCover(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external view returns (BankruptcyCover memory);
}
