// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInsuranceFund} from "./IInsuranceFund.sol";
import {BankruptcyClaim, BankruptcyCover} from "./IInsuranceVault.sol";
import {BucketLevel} from "./IPayoutLimits.sol";

/// @notice One market's ledger at the fund, for exchanges and operators, in one read.
/// @param insuranceLimit The most the fund will ever allocate to the market's bankruptcies.
/// @param limitUsed What the fund allocated so far (paid or pending): the limit charged.
/// @param pending The market's pending claim: allocated, reserved, not yet paid to its exchange.
/// @param pendingFromBackstop The part of `pending` the backstop paid in.
/// @param payableNow What of `pending` the buckets would let through now (0 while paused).
/// @param badDebt The market's unpaid bad debt.
/// @param marketBucket The market's payout bucket.
/// @param fundBucket The fund-wide payout bucket every market shares.
/// @param retired Whether the market is retired (only then may governance reject its pending claim).
struct MarketLedgerView {
    uint256 insuranceLimit;
    uint256 limitUsed;
    uint256 pending;
    uint256 pendingFromBackstop;
    uint256 payableNow;
    uint256 badDebt;
    BucketLevel marketBucket;
    BucketLevel fundBucket;
    bool retired;
}

/// @title IInsuranceFundLens
/// @notice Read-only views over one fund that an exchange or an operator wants in one call: what a bankruptcy claim
/// would get now, and a market's whole ledger. A separate contract, so that the fund's bytecode keeps room for what
/// moves money; it reads the fund's own views and runs the same libraries (`Waterfall`, `LossIndex`).
interface IInsuranceFundLens {
    /// @notice The fund it reads.
    function fund() external view returns (IInsuranceFund);

    /// @notice What `coverBankruptcy(marketId, claim)` would do now, with no state change: the allocation (the
    /// backstop's part from its `coverable`), what would be paid now and what would wait, and where the remainder
    /// would go. The claim gets the same checks and errors as `coverBankruptcy` (the fund's errors); the caller is
    /// not checked.
    /// @param marketId A registered market, not retired.
    /// @param claim The claim as the exchange would send it.
    function previewCover(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external view returns (BankruptcyCover memory cover);

    /// @notice A market's limit used, pending claim, bad debt and both buckets, in one read.
    /// @param marketId A registered market.
    function marketLedger(uint256 marketId) external view returns (MarketLedgerView memory);
}
