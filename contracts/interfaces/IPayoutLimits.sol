// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

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

/// @title IPayoutLimits
/// @notice When the fund pays what a bankruptcy allocated to it (docs/behaviour.md 3.3): at once,
/// up to a per-market and a fund-wide payout rate limit (token buckets); the rest becomes the market's pending
/// claim, owed to its exchange and paid first as the buckets refill. While paused, everything allocated waits
/// as pending. Limits and the pause change when a loss is paid, never who bears it.
/// @dev A pending claim is reserved: it has left the fund's balance (it is not spendable, never swept, never
/// socialized, never repaid from fees) and counts in the exchange's solvency identity as owed to it. Anyone may
/// call `processPendingClaim`; each market's claim is one amount paid in order, before any newer payout of the
/// market. Buckets are registered disabled (no limit); the deploy suite configures them. `IInsuranceFundLens`
/// previews a claim and shows a market's whole ledger.
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

    /// @notice A market's payout bucket.
    function marketBucket(uint256 marketId) external view returns (BucketLevel memory);
}
