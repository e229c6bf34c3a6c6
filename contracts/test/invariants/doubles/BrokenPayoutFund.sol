// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BankruptcyCover} from "../../../interfaces/IInsuranceVault.sol";
import {PayoutBucket} from "../../../libraries/PayoutBucket.sol";

/// @title BrokenPayoutFund
/// @notice A toy fund for one market with the real one's payout timing in a few lines (SPEC 1a): the allocation F is
/// decided at once within the balance and the limit left, then paid within one payout bucket (the real
/// `PayoutBucket`), the market's earlier pending claim first, nothing while paused; the rest of F waits as the pending
/// claim, and what F does not cover is socialized. One deliberate bug chosen at deployment (honest with `Bug.None`).
/// The broken-invariant tests run it and feed what it shows to the PAY-01, PEND-01 and LIVE-01 checks. For tests only.
contract BrokenPayoutFund {
    using PayoutBucket for PayoutBucket.State;

    enum Bug {
        None,
        /// PAY-01: a payout takes what it wants, beyond what the bucket holds.
        PaysBeyondBucket,
        /// PEND-01: the newer allocation is paid before the market's earlier pending claim.
        PaysNewerFirst,
        /// LIVE-01: a bankruptcy reverts while payouts are paused (the rule before issue 11).
        RevertsWhilePaused
    }

    error BrokenPayoutFundPaused();

    Bug public immutable bug;
    IERC20 public immutable token;

    uint256 public fundBalance;
    uint256 public limitLeft;
    uint256 public pending;
    bool public paused;
    PayoutBucket.State private _bucket;

    constructor(Bug bug_, IERC20 token_, uint256 limit) {
        bug = bug_;
        token = token_;
        limitLeft = limit;
        _bucket.configure(PayoutBucket.DISABLED, 0);
    }

    function deposit(uint256 amount) external {
        fundBalance += amount;
        token.transferFrom(msg.sender, address(this), amount);
    }

    function setPayoutLimit(uint128 capacity, uint128 refillPerSecond) external {
        _bucket.configure(capacity, refillPerSecond);
    }

    function setPaused(bool paused_) external {
        paused = paused_;
    }

    /// @notice What the bucket would let through now.
    function bucketAvailable() external view returns (uint256) {
        return _bucket.available();
    }

    /// @notice The waterfall for one claim; pays the caller (the exchange).
    function cover(uint256 reward, uint256 shortfall) external returns (BankruptcyCover memory c) {
        if (paused && bug == Bug.RevertsWhilePaused) revert BrokenPayoutFundPaused();
        uint256 available = Math.min(fundBalance, limitLeft);
        c.reward = reward;
        c.fundReward = Math.min(reward, available);
        c.fundShortfall = Math.min(shortfall, available - c.fundReward);
        uint256 allocated = c.fundReward + c.fundShortfall;
        fundBalance -= allocated;
        limitLeft -= allocated;

        uint256 payable_ = paused ? 0 : (bug == Bug.PaysBeyondBucket ? type(uint256).max : _bucket.available());
        if (bug == Bug.PaysNewerFirst) {
            c.paidNow = Math.min(allocated, payable_);
            c.earlierPendingPaid = Math.min(pending, payable_ - c.paidNow);
        } else {
            c.earlierPendingPaid = Math.min(pending, payable_);
            c.paidNow = Math.min(allocated, payable_ - c.earlierPendingPaid);
        }
        c.pending = allocated - c.paidNow;
        pending = pending - c.earlierPendingPaid + c.pending;
        c.socialized = reward + shortfall - allocated;

        uint256 paid = c.earlierPendingPaid + c.paidNow;
        if (paid == 0) return c;
        _bucket.consume(paid);
        token.transfer(msg.sender, paid);
    }
}
