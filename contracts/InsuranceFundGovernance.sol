// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IBackstopVault} from "./interfaces/IBackstopVault.sol";
import {IFeePolicy} from "./interfaces/IFeePolicy.sol";
import {IFundBackstop} from "./interfaces/IFundBackstop.sol";
import {IInsuranceVault, MarketConfig} from "./interfaces/IInsuranceVault.sol";
import {IMarketLifecycle} from "./interfaces/IMarketLifecycle.sol";
import {IOpenInterestTracker} from "./interfaces/IOpenInterestTracker.sol";
import {IPayoutLimits} from "./interfaces/IPayoutLimits.sol";
import {ITradeSettlement} from "./interfaces/ITradeSettlement.sol";
import {BasisPoints} from "./libraries/BasisPoints.sol";
import {MarketLedger} from "./libraries/MarketLedger.sol";
import {OpenInterestWindow} from "./libraries/OpenInterestWindow.sol";
import {PayoutBucket} from "./libraries/PayoutBucket.sol";
import {InsuranceFundBase} from "./InsuranceFundBase.sol";

/// @title InsuranceFundGovernance
/// @notice The insurance fund's governance and cold paths: market lifecycle, limits, settings, the pause, token
/// recovery and the deferred fees' pull. The fund (`InsuranceFund`) deploys it once in its constructor and runs it
/// on its own storage by `DELEGATECALL`, for the functions it declares with the same signatures (see
/// `IInsuranceFund`): called directly, every `restricted` function reverts (it has no authority of its own).
/// @dev Each function is documented where the fund's interfaces declare it.
contract InsuranceFundGovernance is InsuranceFundBase {
    using MarketLedger for MarketLedger.State;
    using OpenInterestWindow for OpenInterestWindow.State;
    using PayoutBucket for PayoutBucket.State;
    using SafeERC20 for IERC20;

    /// @param quoteToken_ The fund's quote token.
    /// @param windowSeconds The fund's averaging window.
    /// @param minFloor_ The fund's lowest floor.
    constructor(
        IERC20 quoteToken_,
        uint256 windowSeconds,
        uint128 minFloor_
    ) InsuranceFundBase(quoteToken_, address(0), windowSeconds, minFloor_) {}

    /// @dev See IInsuranceVault
    function registerMarket(uint256 marketId, MarketConfig calldata config) external restricted {
        if (config.exchange == address(0)) revert IInsuranceVault.InsuranceFundZeroAddress();
        if (config.rewardCapBps > BasisPoints.MAX_BPS)
            revert IInsuranceVault.InsuranceFundBpsOutOfBounds(config.rewardCapBps);
        if (_exchanges[marketId] != address(0)) revert IInsuranceVault.InsuranceFundMarketExists(marketId);
        _exchanges[marketId] = config.exchange;
        _markets[marketId][config.exchange].register(config);
        emit IInsuranceVault.InsuranceFundMarketRegistered(
            marketId,
            config.exchange,
            config.insuranceLimit,
            config.rewardCap,
            config.rewardCapBps
        );
        _updateCapSum(marketId, 0, config.openInterestCap);
    }

    /// @dev See IMarketLifecycle
    function setOpenInterestCap(uint256 marketId, uint128 openInterestCap) external restricted {
        MarketLedger.State storage m = _activeMarket(marketId);
        if (openInterestCap < m.openInterest) {
            revert IMarketLifecycle.InsuranceFundOpenInterestCapBelowOpenInterest(
                marketId,
                openInterestCap,
                m.openInterest
            );
        }
        uint256 oldCap = m.openInterestCap;
        _updateCapSum(marketId, oldCap, openInterestCap);
        // Cannot truncate: the cap sum, which includes it, is below 2^96.
        m.openInterestCap = uint96(openInterestCap);
    }

    /// @dev See IMarketLifecycle
    function moveMarket(uint256 marketId, address newExchange) external restricted nonReentrant {
        if (newExchange == address(0)) revert IInsuranceVault.InsuranceFundZeroAddress();
        MarketLedger.State storage m = _activeMarket(marketId);
        address oldExchange = _exchanges[marketId];
        if (newExchange == oldExchange) revert IMarketLifecycle.InsuranceFundSameExchange(marketId, newExchange);
        // The old exchange owes the deferred fees: received (or dropped) before the new one takes the market.
        _receiveDebt(m, marketId, false);
        // The ledger moves under the new exchange (where nothing is: a market's ledger leaves an exchange only here,
        // and is deleted behind it).
        _markets[marketId][newExchange] = m;
        delete _markets[marketId][oldExchange];
        _exchanges[marketId] = newExchange;
        emit IMarketLifecycle.InsuranceFundMarketMoved(marketId, oldExchange, newExchange);
    }

    /// @dev See IMarketLifecycle
    function retireMarket(uint256 marketId) external restricted nonReentrant {
        MarketLedger.State storage m = _activeMarket(marketId);
        _receiveDebt(m, marketId, false);
        uint256 cap = m.openInterestCap;
        uint256 removed = m.retire();
        if (removed != 0) {
            // Cannot underflow: the total includes the market's open interest.
            uint256 total = _openInterest.recordChange(removed, 0, _windowSeconds);
            emit IOpenInterestTracker.InsuranceFundOpenInterestRecorded(marketId, 0, total);
        }
        emit IMarketLifecycle.InsuranceFundMarketRetired(marketId, removed, m.badDebt);
        _updateCapSum(marketId, cap, 0);
    }

    /// @dev See IMarketLifecycle
    function writeOffBadDebt(uint256 marketId) external restricted returns (uint256 amount) {
        MarketLedger.State storage m = _knownMarket(marketId);
        if (!m.retired) revert IMarketLifecycle.InsuranceFundMarketNotRetired(marketId);
        amount = m.writeOffBadDebt();
        if (amount == 0) revert IInsuranceVault.InsuranceFundZeroAmount();
        _totalBadDebt -= amount;
        emit IMarketLifecycle.InsuranceFundBadDebtWrittenOff(marketId, amount);
    }

    /// @dev See IPayoutLimits
    function rejectPendingClaim(uint256 marketId) external restricted nonReentrant returns (uint256 amount) {
        MarketLedger.State storage m = _knownMarket(marketId);
        if (!m.retired) revert IMarketLifecycle.InsuranceFundMarketNotRetired(marketId);
        uint256 fromBackstop;
        (amount, fromBackstop) = m.clearPending();
        if (amount == 0) revert IPayoutLimits.InsuranceFundNoPendingClaim(marketId);
        IBackstopVault backstop_ = _backstop;
        // A backstop removed since keeps nothing here: its part then returns to the fund's balance.
        if (address(backstop_) == address(0)) fromBackstop = 0;
        // Cannot overflow or underflow: the claim leaves the pending total, the fund's part returns to the balance it
        // left, and `fromBackstop <= amount`.
        unchecked {
            _totalPending -= uint128(amount);
        }
        _balance = _toBalance(_balance + amount - fromBackstop);
        emit IPayoutLimits.InsuranceFundPendingClaimRejected(marketId, amount);
        if (fromBackstop != 0) {
            emit IFundBackstop.InsuranceFundBackstopClaimReturned(marketId, address(backstop_), fromBackstop);
            _payBackstop(backstop_, fromBackstop);
        }
    }

    /// @dev See ITradeSettlement
    function setFeeDeferral(uint256 marketId, uint128 cap) external restricted nonReentrant {
        if (cap >= 1 << 80) revert ITradeSettlement.InsuranceFundDeferralCapTooLarge(cap);
        MarketLedger.State storage m = _activeMarket(marketId);
        _receiveDebt(m, marketId, true);
        m.debt.cap = uint96(cap);
        m.deferred = cap != 0;
        emit ITradeSettlement.InsuranceFundFeeDeferralSet(marketId, cap);
    }

    /// @dev See IFundBackstop
    function setBackstop(IBackstopVault backstop_, uint16 incomeShareBps) external restricted {
        if (incomeShareBps > BasisPoints.MAX_BPS) revert IInsuranceVault.InsuranceFundBpsOutOfBounds(incomeShareBps);
        if (
            address(backstop_) == address(0)
                ? incomeShareBps != 0
                : backstop_.fund() != address(this) || backstop_.asset() != address(_quoteToken)
        ) revert IFundBackstop.InsuranceFundInvalidBackstop(address(backstop_));
        _backstop = backstop_;
        _backstopShareBps = incomeShareBps;
        emit IFundBackstop.InsuranceFundBackstopSet(address(backstop_), incomeShareBps);
    }

    /// @dev See IPayoutLimits
    function setMarketPayoutLimit(uint256 marketId, uint128 capacity, uint128 refillPerSecond) external restricted {
        MarketLedger.State storage m = _knownMarket(marketId);
        m.bucket.configure(capacity, refillPerSecond);
        m.bucketOn = capacity != PayoutBucket.DISABLED;
        emit IPayoutLimits.InsuranceFundMarketPayoutLimitSet(marketId, capacity, refillPerSecond);
    }

    /// @dev See IPayoutLimits
    function setFundPayoutLimit(uint128 capacity, uint128 refillPerSecond) external restricted {
        _fundBucket.configure(capacity, refillPerSecond);
        _fundBucketOn = capacity != PayoutBucket.DISABLED;
        emit IPayoutLimits.InsuranceFundFundPayoutLimitSet(capacity, refillPerSecond);
    }

    /// @dev See IInsuranceVault
    function raiseInsuranceLimit(uint256 marketId, uint128 newLimit) external restricted {
        MarketLedger.State storage m = _knownMarket(marketId);
        uint128 oldLimit = m.insuranceLimit;
        if (newLimit <= oldLimit) revert IInsuranceVault.InsuranceFundLimitNotRaised(marketId, oldLimit, newLimit);
        m.insuranceLimit = newLimit;
        emit IInsuranceVault.InsuranceFundLimitRaised(marketId, oldLimit, newLimit);
    }

    /// @dev See IInsuranceVault
    function setRewardCaps(uint256 marketId, uint128 rewardCap, uint16 rewardCapBps) external restricted {
        if (rewardCapBps > BasisPoints.MAX_BPS) revert IInsuranceVault.InsuranceFundBpsOutOfBounds(rewardCapBps);
        _knownMarket(marketId).setRewardCaps(rewardCap, rewardCapBps);
        emit IInsuranceVault.InsuranceFundRewardCapsSet(marketId, rewardCap, rewardCapBps);
    }

    /// @dev See IInsuranceVault
    function setTarget(uint16 targetShareBps_, uint128 floor_) external restricted {
        _setTarget(targetShareBps_, floor_);
    }

    /// @dev See IFeeSplitter
    function setFeePolicy(IFeePolicy policy) external restricted {
        _setFeePolicy(policy);
    }

    /// @dev See IFeeSplitter
    function setTreasury(address treasury_) external restricted {
        if (treasury_ == address(0)) revert IInsuranceVault.InsuranceFundZeroAddress();
        _setTreasury(treasury_);
    }

    /// @dev See IInsuranceVault
    function pause() external restricted whenNotPaused {
        _paused = true;
        emit IInsuranceVault.InsuranceFundPausedBy(msg.sender);
    }

    /// @dev See IInsuranceVault
    function unpause() external restricted {
        if (!_paused) revert IInsuranceVault.InsuranceFundNotPaused();
        _paused = false;
        emit IInsuranceVault.InsuranceFundUnpausedBy(msg.sender);
    }

    /// @dev See IInsuranceVault
    function recoverToken(IERC20 token) external nonReentrant returns (uint256 amount) {
        if (token == _quoteToken) revert IInsuranceVault.InsuranceFundCannotRecoverQuoteToken();
        amount = token.balanceOf(address(this));
        if (amount == 0) revert IInsuranceVault.InsuranceFundZeroAmount();
        address treasury_ = _treasury;
        uint256 quoteHeld = _quoteToken.balanceOf(address(this));
        emit IInsuranceVault.InsuranceFundTokenRecovered(address(token), treasury_, amount);
        token.safeTransfer(treasury_, amount);
        // A token with a second entry point to the quote token's balances (legacy TUSD style) would move the
        // fund itself: undo the whole recovery.
        if (_quoteToken.balanceOf(address(this)) != quoteHeld)
            revert IInsuranceVault.InsuranceFundRecoveryMovedQuoteToken(address(token));
    }

    /// @dev See ITradeSettlement
    function pullDeferredFees(uint256 marketId) external nonReentrant returns (uint256 amount) {
        MarketLedger.State storage m = _knownMarket(marketId);
        amount = _receiveDebt(m, marketId, true);
        if (amount == 0) revert ITradeSettlement.InsuranceFundNoDeferredFees(marketId);
    }
}
