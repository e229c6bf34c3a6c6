// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {VM, Vm} from "../utils/Vm.sol";
import {GhostLedger} from "./GhostLedger.sol";

/// @title PayoutActions
/// @notice The invariant handler's payout-timing actions: governance sets a market's and the fund-wide payout
/// buckets (small, so they bind; sometimes lifted), anyone pays a market's pending claim as the buckets refill
/// (PEND-01), the exchange's owner adds house capital (the exchange pays its keepers from it). The guardian's pause
/// and the passing of time are `GovernanceActions.guardian` and `FundActions.warp`. The handler never retires a
/// market, so no pending claim is rejected here (the ghosts count rejections all the same).
abstract contract PayoutActions is GhostLedger {
    // ================================================================ constants

    /// @dev A bucket holds at most this much (the markets' limits are 3,000 and 6,000 USDC: it binds).
    uint256 internal constant MAX_BUCKET = 1_500e6;
    /// @dev An enabled bucket refills in an hour at the fastest.
    uint256 internal constant MIN_REFILL_SECONDS = 1 hours;

    // ================================================================ actions: governance

    /// @notice Governance sets a market's payout bucket (one time in five it lifts the limit).
    function setMarketPayoutLimit(
        uint256 marketSeed,
        uint256 modeSeed,
        uint256 capacitySeed,
        uint256 refillSeed
    ) external action moneyNeutral {
        (uint128 capacity, uint128 refill) = _bucketSettings(modeSeed, capacitySeed, refillSeed);
        uint256 marketId = _market(marketSeed);
        VM.recordLogs();
        VM.prank(_governor);
        _fund.setMarketPayoutLimit(marketId, capacity, refill);
        _process(VM.getRecordedLogs());
    }

    /// @notice Governance sets the fund-wide payout bucket (one time in five it lifts the limit).
    function setFundPayoutLimit(
        uint256 modeSeed,
        uint256 capacitySeed,
        uint256 refillSeed
    ) external action moneyNeutral {
        (uint128 capacity, uint128 refill) = _bucketSettings(modeSeed, capacitySeed, refillSeed);
        VM.recordLogs();
        VM.prank(_governor);
        _fund.setFundPayoutLimit(capacity, refill);
        _process(VM.getRecordedLogs());
    }

    // ================================================================ actions: anyone

    /// @notice Anyone pays a market's pending claim: exactly min(pending, both buckets' levels) goes to the market's
    /// exchange, and it reverts only while paused or when that is zero (PEND-01).
    function processPendingClaim(uint256 callerSeed, uint256 marketSeed) external action {
        uint256 marketId = _market(marketSeed);
        uint256 payable_ =
            _fund.paused()
                ? 0
                : Math.min(
                    _fund.pendingClaim(marketId),
                    Math.min(_fund.marketBucket(marketId).available, _fund.fundBucket().available)
                );
        uint256 exchangeBefore = _usdc.balanceOf(address(_exchange));
        uint256 fundBefore = _usdc.balanceOf(address(_fund));
        bool succeeded;
        uint256 paid;
        VM.recordLogs();
        VM.prank(_caller(callerSeed));
        try _fund.processPendingClaim(marketId) returns (uint256 amount) {
            (succeeded, paid) = (true, amount);
        } catch {}
        Vm.Log[] memory logs = VM.getRecordedLogs();
        if (!succeeded) return _flag(payable_ == 0, PEND_01);
        _process(logs);
        _flag(
            paid == payable_ &&
                paid != 0 &&
                _usdc.balanceOf(address(_exchange)) == exchangeBefore + paid &&
                _usdc.balanceOf(address(_fund)) + paid == fundBefore,
            PEND_01
        );
    }

    // ================================================================ actions: the exchange's owner

    /// @notice The exchange's owner adds house capital.
    function depositHouseCapital(uint256 amount) public action moneyNeutral {
        amount = _bound(amount, 1, 50_000e6);
        _mint(_exchangeOwner, amount);
        VM.startPrank(_exchangeOwner);
        _usdc.approve(address(_exchange), amount);
        VM.recordLogs();
        _exchange.depositHouseCapital(amount);
        VM.stopPrank();
        _process(VM.getRecordedLogs());
    }

    // ================================================================ internal

    /// @dev Four times in five a bucket of 1..1,500 USDC refilling in an hour or more (sometimes never), else none.
    function _bucketSettings(
        uint256 modeSeed,
        uint256 capacitySeed,
        uint256 refillSeed
    ) internal pure returns (uint128 capacity, uint128 refill) {
        if (modeSeed % 5 == 0) return (type(uint128).max, 0);
        capacity = uint128(_bound(capacitySeed, 1, MAX_BUCKET));
        refill = uint128(_bound(refillSeed, 0, capacity / MIN_REFILL_SECONDS));
    }
}
