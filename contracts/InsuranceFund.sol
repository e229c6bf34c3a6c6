// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBackstopVault} from "./interfaces/IBackstopVault.sol";
import {FeeKind, FundState, IFeePolicy} from "./interfaces/IFeePolicy.sol";
import {IFeeSplitter} from "./interfaces/IFeeSplitter.sol";
import {IFixedSharePolicy} from "./interfaces/IFixedSharePolicy.sol";
import {IFundBackstop} from "./interfaces/IFundBackstop.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {IMarketLifecycle} from "./interfaces/IMarketLifecycle.sol";
import {IOpenInterestTracker} from "./interfaces/IOpenInterestTracker.sol";
import {BucketLevel, IPayoutLimits} from "./interfaces/IPayoutLimits.sol";
import {ISocializedLossLedger} from "./interfaces/ISocializedLossLedger.sol";
import {ITradeSettlement} from "./interfaces/ITradeSettlement.sol";
import {
    BankruptcyClaim,
    BankruptcyCover,
    FundHealth,
    IInsuranceVault,
    MarketConfig,
    MarketInfo
} from "./interfaces/IInsuranceVault.sol";
import {BasisPoints} from "./libraries/BasisPoints.sol";
import {FundTarget} from "./libraries/FundTarget.sol";
import {LossIndex} from "./libraries/LossIndex.sol";
import {MarketLedger} from "./libraries/MarketLedger.sol";
import {OpenInterestWindow} from "./libraries/OpenInterestWindow.sol";
import {PayoutBucket} from "./libraries/PayoutBucket.sol";
import {Waterfall} from "./libraries/Waterfall.sol";

/// @title InsuranceFund
/// @notice The insurance vault, fee splitter, open-interest tracker and socialized-loss ledger of a perp
/// exchange, at one address (see `IInsuranceFund`).
/// @dev One contract rather than four: the exchange-facing hot paths (`collectFee`, `recordOpenInterest`)
/// then check their caller, read the fund's balance and the average open interest, and credit the fund
/// without a single call between contracts; the only external calls on them are the policy's view and
/// the token transfer. Governance (`restricted`) goes through an OpenZeppelin `AccessManager`: a
/// governance role (a timelock or multisig in production) for parameters and a guardian role for pausing.
/// Each market's money lives in `MarketLedger`, the waterfall's arithmetic in `Waterfall`; the fund sequences
/// them: checks, state, events, transfers.
contract InsuranceFund is IInsuranceFund, AccessManaged, ReentrancyGuardTransient {
    using MarketLedger for MarketLedger.State;
    using OpenInterestWindow for OpenInterestWindow.State;
    using PayoutBucket for PayoutBucket.State;
    using SafeERC20 for IERC20;

    // ================================================================ constants

    /// @notice Gas a fee policy may use per answer: enough for any honest view, and it leaves a
    /// liquidation enough gas to finish if a policy loops.
    uint256 public constant POLICY_GAS_LIMIT = 100_000;

    /// @notice The lowest target share `setTarget` accepts: 1 % of the average open interest.
    uint16 public constant MIN_TARGET_SHARE_BPS = 100;

    /// @notice The amount a new policy is probed with when governance sets it.
    uint256 private constant POLICY_PROBE_AMOUNT = 1e6 + 1;

    /// @notice `_fixedTradingFeeBps` when the policy is not a fixed-share one: the fund asks it for every split.
    uint16 private constant NOT_FIXED = type(uint16).max;

    // ================================================================ storage

    IERC20 private immutable _quoteToken;
    uint8 private immutable _quoteDecimals;
    uint256 private immutable _windowSeconds;
    uint128 private immutable _minFloor;

    /// @dev Both change on every fee: one slot, one write. The fixed-share policy's shares ride along, so that a fee
    /// under it reads nothing else of the fund's settings. 112 bits: 5 * 10^33 units, ample for any quote token.
    uint112 private _balance;
    uint112 private _treasuryAccrued;
    uint16 private _fixedTradingFeeBps;
    uint16 private _fixedPenaltyBps;

    uint128 private _floor;
    /// @dev All markets' pending claims: tokens held, reserved, outside `_balance`.
    uint128 private _totalPending;

    /// @dev 256 bits: each market's bad debt fits 128 bits, so their sum can never overflow (market isolation).
    uint256 private _totalBadDebt;

    IFeePolicy private _feePolicy;
    uint16 private _targetShareBps;
    bool private _paused;

    address private _treasury;

    /// @dev Read only by a bankruptcy the fund does not cover in full, and by a flush.
    IBackstopVault private _backstop;
    uint16 private _backstopShareBps;

    /// @dev The active markets' open-interest caps summed: below 2^96, so the platform's open interest is too (the
    /// width `OpenInterestWindow` keeps it in).
    uint256 private _openInterestCapSum;

    mapping(uint256 marketId => MarketLedger.State) private _markets;

    OpenInterestWindow.State private _openInterest;

    PayoutBucket.State private _fundBucket;

    // ================================================================ constructor

    /// @param quoteToken_ The quote token (USDC); its decimals are read once here.
    /// @param authority The `AccessManager` that decides who may call the `restricted` functions.
    /// @param windowSeconds The averaging window of the open interest (7 days = 604,800).
    /// @param targetShareBps_ The target's share of the average open interest (5 % = 500).
    /// @param floor_ The target's floor in quote units (200,000 USDC = 200_000e6).
    /// @param minFloor_ The lowest floor governance may ever set, fixed for the fund's life (<= `floor_`).
    /// @param feePolicy_ The fee policy.
    /// @param treasury_ Where the treasury's income and the surplus go.
    constructor(
        IERC20 quoteToken_,
        address authority,
        uint256 windowSeconds,
        uint16 targetShareBps_,
        uint128 floor_,
        uint128 minFloor_,
        IFeePolicy feePolicy_,
        address treasury_
    ) AccessManaged(authority) {
        if (address(quoteToken_) == address(0) || treasury_ == address(0)) revert InsuranceFundZeroAddress();
        if (!OpenInterestWindow.isValidWindow(windowSeconds)) revert InsuranceFundWindowOutOfBounds(windowSeconds);
        _quoteToken = quoteToken_;
        _quoteDecimals = IERC20Metadata(address(quoteToken_)).decimals();
        _windowSeconds = windowSeconds;
        _minFloor = minFloor_;
        _openInterest.prepare();
        _fundBucket.configure(PayoutBucket.DISABLED, 0);
        _setTarget(targetShareBps_, floor_);
        _setTreasury(treasury_);
        _setFeePolicy(feePolicy_);
    }

    // ================================================================ modifiers

    /// @dev Checks the caller against the market's exchange from storage: no external call.
    modifier onlyExchange(uint256 marketId) {
        _checkExchange(marketId);
        _;
    }

    modifier whenNotPaused() {
        if (_paused) revert InsuranceFundPaused();
        _;
    }

    // ================================================================ anyone

    /// @inheritdoc IInsuranceVault
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert InsuranceFundZeroAmount();
        // Checked before the addition, so that even `2^256 - 1` gets the named error rather than an overflow.
        _balance = _toBalance(_addCapped(_balance, amount));
        emit InsuranceFundDeposited(msg.sender, amount);
        _quoteToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IInsuranceVault
    function sweepSurplus() external nonReentrant whenNotPaused returns (uint256 surplus, uint256 unaccounted) {
        uint256 balance = _balance;
        // Bad debt holds money back: the fund keeps the target plus what it still owes the exchanges.
        uint256 target_ = _target() + _totalBadDebt;
        // Cannot underflow: each subtraction runs only when the minuend is larger. Cannot overflow: three 128-bit
        // amounts.
        unchecked {
            surplus = balance > target_ ? balance - target_ : 0;
            uint256 accounted = balance + _treasuryAccrued + _totalPending;
            uint256 held = _quoteToken.balanceOf(address(this));
            unaccounted = held > accounted ? held - accounted : 0;
        }
        if (surplus == 0 && unaccounted == 0) revert InsuranceFundNoSurplus(balance, target_);
        // Cannot underflow: `surplus <= balance`.
        unchecked {
            _balance = uint112(balance - surplus);
        }
        address treasury_ = _treasury;
        emit InsuranceFundSurplusSwept(treasury_, surplus, unaccounted);
        _quoteToken.safeTransfer(treasury_, surplus + unaccounted);
    }

    /// @inheritdoc IInsuranceVault
    function recoverToken(IERC20 token) external nonReentrant returns (uint256 amount) {
        if (token == _quoteToken) revert InsuranceFundCannotRecoverQuoteToken();
        amount = token.balanceOf(address(this));
        if (amount == 0) revert InsuranceFundZeroAmount();
        address treasury_ = _treasury;
        uint256 quoteHeld = _quoteToken.balanceOf(address(this));
        emit InsuranceFundTokenRecovered(address(token), treasury_, amount);
        token.safeTransfer(treasury_, amount);
        // A token with a second entry point to the quote token's balances (legacy TUSD style) would move the
        // fund itself: undo the whole recovery.
        if (_quoteToken.balanceOf(address(this)) != quoteHeld)
            revert InsuranceFundRecoveryMovedQuoteToken(address(token));
    }

    /// @inheritdoc IFeeSplitter
    function flushTreasury() external nonReentrant returns (uint256 amount) {
        amount = _treasuryAccrued;
        if (amount == 0) revert InsuranceFundNothingToFlush();
        _treasuryAccrued = 0;
        IBackstopVault backstop_ = _backstop;
        // The backstop's share rounds down: the unit goes to the treasury.
        uint256 toBackstop = address(backstop_) == address(0) ? 0 : BasisPoints.mulBpsDown(amount, _backstopShareBps);
        address treasury_ = _treasury;
        // Cannot underflow: `toBackstop <= amount`.
        unchecked {
            emit InsuranceFundTreasuryFlushed(treasury_, amount - toBackstop);
        }
        if (toBackstop != 0) {
            emit InsuranceFundBackstopIncomePaid(address(backstop_), toBackstop);
            _payBackstop(backstop_, toBackstop);
        }
        unchecked {
            if (amount != toBackstop) _quoteToken.safeTransfer(treasury_, amount - toBackstop);
        }
    }

    /// @inheritdoc IPayoutLimits
    function processPendingClaim(uint256 marketId) external nonReentrant whenNotPaused returns (uint256 paid) {
        MarketLedger.State storage m = _knownMarket(marketId);
        uint256 pending = m.pending;
        if (pending == 0) revert InsuranceFundNoPendingClaim(marketId);
        paid = Math.min(pending, _bucketsAvailable(m));
        if (paid == 0) revert InsuranceFundPayoutLimited(marketId, pending);
        (, uint256 pendingAfter) = m.allocate(0, 0, paid);
        m.trackBackstopPending(pendingAfter, 0);
        // Cannot underflow: `paid <= the market's pending claim <= _totalPending`.
        unchecked {
            _totalPending -= uint128(paid);
        }
        _consumeBuckets(m, paid);
        address exchange = m.exchange;
        emit InsuranceFundPendingClaimPaid(marketId, exchange, paid, pendingAfter);
        (uint256 dueFund, uint256 dueTreasury) = _debtDue(m);
        _settleWithExchange(m, marketId, exchange, dueFund, dueTreasury, 0, paid);
    }

    /// @inheritdoc ITradeSettlement
    function pullDeferredFees(uint256 marketId) external nonReentrant returns (uint256 amount) {
        MarketLedger.State storage m = _knownMarket(marketId);
        amount = _receiveDebt(m, marketId, true);
        if (amount == 0) revert InsuranceFundNoDeferredFees(marketId);
    }

    // ================================================================ the exchange

    /// @inheritdoc ITradeSettlement
    function settleTrade(
        uint256 marketId,
        uint256 absBase,
        uint256 settledIndex,
        FeeKind kind,
        uint256 fee,
        uint256 openInterest
    ) external nonReentrant onlyExchange(marketId) returns (uint256 loss, uint256 lossIndex, uint256 badDebtRepaid) {
        MarketLedger.State storage m = _markets[marketId];
        (loss, lossIndex) = _positionLoss(m, marketId, absBase, settledIndex);
        uint256 fundPart;
        uint256 treasuryPart;
        (fundPart, treasuryPart, badDebtRepaid) = _takeFee(m, marketId, kind, fee);
        (uint256 toPull, bool deferred) = _receiveOrDefer(m, marketId, fundPart, treasuryPart);
        _recordOpenInterest(m, marketId, openInterest);
        emit InsuranceFundTradeSettled(marketId, kind, fee, fundPart, treasuryPart, openInterest, deferred);
        if (toPull != 0) _quoteToken.safeTransferFrom(msg.sender, address(this), toPull);
    }

    /// @inheritdoc IInsuranceVault
    function coverBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external nonReentrant onlyExchange(marketId) returns (BankruptcyCover memory cover) {
        (cover, ) = _settleBankruptcy(marketId, claim, 0, false, 0);
    }

    /// @inheritdoc ITradeSettlement
    function settleBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim,
        uint256 penalty,
        uint256 openInterest
    ) external nonReentrant onlyExchange(marketId) returns (BankruptcyCover memory cover, uint256 badDebtRepaid) {
        return _settleBankruptcy(marketId, claim, penalty, true, openInterest);
    }

    /// @inheritdoc IFeeSplitter
    function collectFee(
        uint256 marketId,
        FeeKind kind,
        uint256 amount
    )
        external
        nonReentrant
        onlyExchange(marketId)
        returns (uint256 fundPart, uint256 treasuryPart, uint256 badDebtRepaid)
    {
        MarketLedger.State storage m = _markets[marketId];
        (fundPart, treasuryPart, badDebtRepaid) = _takeFee(m, marketId, kind, amount);
        (uint256 toPull, ) = _receiveOrDefer(m, marketId, fundPart, treasuryPart);
        emit InsuranceFundFeeCollected(marketId, kind, amount, fundPart, treasuryPart, badDebtRepaid);
        if (toPull != 0) _quoteToken.safeTransferFrom(msg.sender, address(this), toPull);
    }

    /// @inheritdoc IOpenInterestTracker
    function recordOpenInterest(uint256 marketId, uint256 openInterest) external onlyExchange(marketId) {
        (bool changed, uint256 total) = _recordOpenInterest(_markets[marketId], marketId, openInterest);
        if (changed) emit InsuranceFundOpenInterestRecorded(marketId, openInterest, total);
    }

    // ================================================================ governance

    /// @inheritdoc IInsuranceVault
    function registerMarket(uint256 marketId, MarketConfig calldata config) external restricted {
        if (config.exchange == address(0)) revert InsuranceFundZeroAddress();
        if (config.rewardCapBps > BasisPoints.MAX_BPS) revert InsuranceFundBpsOutOfBounds(config.rewardCapBps);
        MarketLedger.State storage m = _markets[marketId];
        if (m.isRegistered()) revert InsuranceFundMarketExists(marketId);
        m.register(config);
        emit InsuranceFundMarketRegistered(
            marketId,
            config.exchange,
            config.insuranceLimit,
            config.rewardCap,
            config.rewardCapBps
        );
        _updateCapSum(marketId, 0, config.openInterestCap);
    }

    /// @inheritdoc IMarketLifecycle
    function setOpenInterestCap(uint256 marketId, uint128 openInterestCap) external restricted {
        MarketLedger.State storage m = _activeMarket(marketId);
        if (openInterestCap < m.openInterest) {
            revert InsuranceFundOpenInterestCapBelowOpenInterest(marketId, openInterestCap, m.openInterest);
        }
        uint256 oldCap = m.openInterestCap;
        m.openInterestCap = openInterestCap;
        _updateCapSum(marketId, oldCap, openInterestCap);
    }

    /// @inheritdoc IMarketLifecycle
    function moveMarket(uint256 marketId, address newExchange) external restricted nonReentrant {
        if (newExchange == address(0)) revert InsuranceFundZeroAddress();
        MarketLedger.State storage m = _activeMarket(marketId);
        address oldExchange = m.exchange;
        if (newExchange == oldExchange) revert InsuranceFundSameExchange(marketId, newExchange);
        // The old exchange owes the deferred fees: received (or dropped) before the new one takes the market.
        _receiveDebt(m, marketId, false);
        m.exchange = newExchange;
        emit InsuranceFundMarketMoved(marketId, oldExchange, newExchange);
    }

    /// @inheritdoc IMarketLifecycle
    function retireMarket(uint256 marketId) external restricted nonReentrant {
        MarketLedger.State storage m = _activeMarket(marketId);
        _receiveDebt(m, marketId, false);
        uint256 cap = m.openInterestCap;
        uint256 removed = m.retire();
        if (removed != 0) {
            // Cannot underflow: the total includes the market's open interest.
            uint256 total = _openInterest.current() - removed;
            _openInterest.record(uint128(total), _windowSeconds);
            emit InsuranceFundOpenInterestRecorded(marketId, 0, total);
        }
        emit InsuranceFundMarketRetired(marketId, removed, m.badDebt);
        _updateCapSum(marketId, cap, 0);
    }

    /// @inheritdoc IMarketLifecycle
    function writeOffBadDebt(uint256 marketId) external restricted returns (uint256 amount) {
        MarketLedger.State storage m = _knownMarket(marketId);
        if (!m.retired) revert InsuranceFundMarketNotRetired(marketId);
        amount = m.writeOffBadDebt();
        if (amount == 0) revert InsuranceFundZeroAmount();
        _totalBadDebt -= amount;
        emit InsuranceFundBadDebtWrittenOff(marketId, amount);
    }

    /// @inheritdoc IPayoutLimits
    function rejectPendingClaim(uint256 marketId) external restricted nonReentrant returns (uint256 amount) {
        MarketLedger.State storage m = _knownMarket(marketId);
        if (!m.retired) revert InsuranceFundMarketNotRetired(marketId);
        uint256 fromBackstop;
        (amount, fromBackstop) = m.clearPending();
        if (amount == 0) revert InsuranceFundNoPendingClaim(marketId);
        IBackstopVault backstop_ = _backstop;
        // A backstop removed since keeps nothing here: its part then returns to the fund's balance.
        if (address(backstop_) == address(0)) fromBackstop = 0;
        // Cannot overflow or underflow: the claim leaves the pending total, the fund's part returns to the balance it
        // left, and `fromBackstop <= amount`.
        unchecked {
            _totalPending -= uint128(amount);
        }
        _balance = _toBalance(_balance + amount - fromBackstop);
        emit InsuranceFundPendingClaimRejected(marketId, amount);
        if (fromBackstop != 0) {
            emit InsuranceFundBackstopClaimReturned(marketId, address(backstop_), fromBackstop);
            _payBackstop(backstop_, fromBackstop);
        }
    }

    /// @inheritdoc ITradeSettlement
    function setFeeDeferral(uint256 marketId, uint128 cap) external restricted nonReentrant {
        if (cap >= 1 << 80) revert InsuranceFundDeferralCapTooLarge(cap);
        MarketLedger.State storage m = _activeMarket(marketId);
        _receiveDebt(m, marketId, true);
        m.debt.cap = uint96(cap);
        m.deferred = cap != 0;
        emit InsuranceFundFeeDeferralSet(marketId, cap);
    }

    /// @inheritdoc IFundBackstop
    function setBackstop(IBackstopVault backstop_, uint16 incomeShareBps) external restricted {
        if (incomeShareBps > BasisPoints.MAX_BPS) revert InsuranceFundBpsOutOfBounds(incomeShareBps);
        if (
            address(backstop_) == address(0)
                ? incomeShareBps != 0
                : backstop_.fund() != address(this) || backstop_.asset() != address(_quoteToken)
        ) revert InsuranceFundInvalidBackstop(address(backstop_));
        _backstop = backstop_;
        _backstopShareBps = incomeShareBps;
        emit InsuranceFundBackstopSet(address(backstop_), incomeShareBps);
    }

    /// @inheritdoc IPayoutLimits
    function setMarketPayoutLimit(uint256 marketId, uint128 capacity, uint128 refillPerSecond) external restricted {
        _knownMarket(marketId).bucket.configure(capacity, refillPerSecond);
        emit InsuranceFundMarketPayoutLimitSet(marketId, capacity, refillPerSecond);
    }

    /// @inheritdoc IPayoutLimits
    function setFundPayoutLimit(uint128 capacity, uint128 refillPerSecond) external restricted {
        _fundBucket.configure(capacity, refillPerSecond);
        emit InsuranceFundFundPayoutLimitSet(capacity, refillPerSecond);
    }

    /// @inheritdoc IInsuranceVault
    function raiseInsuranceLimit(uint256 marketId, uint128 newLimit) external restricted {
        MarketLedger.State storage m = _knownMarket(marketId);
        uint128 oldLimit = m.insuranceLimit;
        if (newLimit <= oldLimit) revert InsuranceFundLimitNotRaised(marketId, oldLimit, newLimit);
        m.insuranceLimit = newLimit;
        emit InsuranceFundLimitRaised(marketId, oldLimit, newLimit);
    }

    /// @inheritdoc IInsuranceVault
    function setRewardCaps(uint256 marketId, uint128 rewardCap, uint16 rewardCapBps) external restricted {
        if (rewardCapBps > BasisPoints.MAX_BPS) revert InsuranceFundBpsOutOfBounds(rewardCapBps);
        _knownMarket(marketId).setRewardCaps(rewardCap, rewardCapBps);
        emit InsuranceFundRewardCapsSet(marketId, rewardCap, rewardCapBps);
    }

    /// @inheritdoc IInsuranceVault
    function setTarget(uint16 targetShareBps_, uint128 floor_) external restricted {
        _setTarget(targetShareBps_, floor_);
    }

    /// @inheritdoc IFeeSplitter
    function setFeePolicy(IFeePolicy policy) external restricted {
        _setFeePolicy(policy);
    }

    /// @inheritdoc IFeeSplitter
    function setTreasury(address treasury_) external restricted {
        if (treasury_ == address(0)) revert InsuranceFundZeroAddress();
        _setTreasury(treasury_);
    }

    /// @inheritdoc IInsuranceVault
    function pause() external restricted whenNotPaused {
        _paused = true;
        emit InsuranceFundPausedBy(msg.sender);
    }

    /// @inheritdoc IInsuranceVault
    function unpause() external restricted {
        if (!_paused) revert InsuranceFundNotPaused();
        _paused = false;
        emit InsuranceFundUnpausedBy(msg.sender);
    }

    // ================================================================ views

    /// @inheritdoc IInsuranceVault
    function quoteToken() external view returns (IERC20) {
        return _quoteToken;
    }

    /// @inheritdoc IInsuranceVault
    function quoteDecimals() external view returns (uint8) {
        return _quoteDecimals;
    }

    /// @inheritdoc IInsuranceVault
    function fundBalance() external view returns (uint256) {
        return _balance;
    }

    /// @inheritdoc IInsuranceVault
    function targetSize() external view returns (uint256) {
        return _target();
    }

    /// @inheritdoc IInsuranceVault
    function targetShareBps() external view returns (uint16) {
        return _targetShareBps;
    }

    /// @inheritdoc IInsuranceVault
    function floor() external view returns (uint128) {
        return _floor;
    }

    /// @inheritdoc IMarketLifecycle
    function openInterestCapSum() external view returns (uint256) {
        return _openInterestCapSum;
    }

    /// @inheritdoc IInsuranceVault
    function minFloor() external view returns (uint128) {
        return _minFloor;
    }

    /// @inheritdoc IInsuranceVault
    function totalBadDebt() external view returns (uint256) {
        return _totalBadDebt;
    }

    /// @inheritdoc IInsuranceVault
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IPayoutLimits
    function pendingClaim(uint256 marketId) external view returns (uint256) {
        return _knownMarket(marketId).pending;
    }

    /// @inheritdoc IFundBackstop
    function backstop() external view returns (address) {
        return address(_backstop);
    }

    /// @inheritdoc IFundBackstop
    function backstopIncomeShareBps() external view returns (uint16) {
        return _backstopShareBps;
    }

    /// @inheritdoc IFundBackstop
    function pendingFromBackstop(uint256 marketId) external view returns (uint256) {
        return _knownMarket(marketId).pendingFromBackstop;
    }

    /// @inheritdoc ITradeSettlement
    function deferredFees(
        uint256 marketId
    ) external view returns (uint256 fundPart, uint256 treasuryPart, uint256 cap) {
        MarketLedger.FeeDebt memory d = _knownMarket(marketId).debt;
        return (d.fundPart, d.treasuryPart, d.cap);
    }

    /// @inheritdoc IPayoutLimits
    function totalPending() external view returns (uint256) {
        return _totalPending;
    }

    /// @inheritdoc IPayoutLimits
    function fundBucket() external view returns (BucketLevel memory) {
        return _levelOf(_fundBucket);
    }

    /// @inheritdoc IPayoutLimits
    function marketBucket(uint256 marketId) external view returns (BucketLevel memory) {
        return _levelOf(_knownMarket(marketId).bucket);
    }

    /// @inheritdoc IInsuranceVault
    function market(uint256 marketId) external view returns (MarketInfo memory) {
        return _knownMarket(marketId).info();
    }

    /// @inheritdoc IInsuranceVault
    function health() external view returns (FundHealth memory h) {
        FundState memory state = _fundState();
        h.balance = state.balance;
        h.target = _target(state.averageOpenInterest);
        h.averageOpenInterest = state.averageOpenInterest;
        h.totalOpenInterest = _openInterest.current();
        uint256 effectiveOpenInterest = FundTarget.effectiveOpenInterest(
            state.averageOpenInterest,
            state.floor,
            state.targetShareBps
        );
        h.ratioBps =
            effectiveOpenInterest == 0
                ? type(uint256).max
                : Math.mulDiv(state.balance, BasisPoints.MAX_BPS, effectiveOpenInterest);
        // A broken policy must not hide the rest of the fund's health: its band then reads as 255.
        (bool ok, uint256 band, ) = _askPolicy(_feePolicy, abi.encodeCall(IFeePolicy.band, (state)), 32);
        h.band = ok && band < type(uint8).max ? uint8(band) : type(uint8).max;
        h.badDebt = _totalBadDebt;
        h.treasuryAccrued = _treasuryAccrued;
        h.pending = _totalPending;
    }

    /// @inheritdoc IFeeSplitter
    function feePolicy() external view returns (IFeePolicy) {
        return _feePolicy;
    }

    /// @inheritdoc IFeeSplitter
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IFeeSplitter
    function treasuryAccrued() external view returns (uint256) {
        return _treasuryAccrued;
    }

    /// @inheritdoc IFeeSplitter
    function fundState() external view returns (FundState memory) {
        return _fundState();
    }

    /// @inheritdoc IOpenInterestTracker
    function totalOpenInterest() external view returns (uint256) {
        return _openInterest.current();
    }

    /// @inheritdoc IOpenInterestTracker
    function averageOpenInterest() external view returns (uint256) {
        return _openInterest.average(_windowSeconds);
    }

    /// @inheritdoc IOpenInterestTracker
    function averagingWindow() external view returns (uint256) {
        return _windowSeconds;
    }

    /// @inheritdoc ISocializedLossLedger
    function lossIndex(uint256 marketId) external view returns (uint256) {
        return _knownMarket(marketId).lossIndex;
    }

    /// @inheritdoc ISocializedLossLedger
    function positionLoss(
        uint256 marketId,
        uint256 absBase,
        uint256 settledIndex
    ) external view returns (uint256 loss, uint256 currentIndex) {
        return _positionLoss(_knownMarket(marketId), marketId, absBase, settledIndex);
    }

    // ================================================================ internal

    /// @dev `exchange` and `retired` share a slot: one read.
    function _checkExchange(uint256 marketId) private view {
        MarketLedger.State storage m = _markets[marketId];
        address exchange = m.exchange;
        if (exchange != msg.sender) {
            if (exchange == address(0)) revert InsuranceFundUnknownMarket(marketId);
            revert InsuranceFundNotMarketExchange(marketId, msg.sender);
        }
        if (m.retired) revert InsuranceFundMarketIsRetired(marketId);
    }

    function _knownMarket(uint256 marketId) private view returns (MarketLedger.State storage m) {
        m = _markets[marketId];
        if (!m.isRegistered()) revert InsuranceFundUnknownMarket(marketId);
    }

    /// @dev A registered market that is not retired: what the lifecycle calls act on.
    function _activeMarket(uint256 marketId) private view returns (MarketLedger.State storage m) {
        m = _knownMarket(marketId);
        if (m.retired) revert InsuranceFundMarketIsRetired(marketId);
    }

    /// @dev Replaces a market's cap `oldCap` by `newCap` in the cap sum, which must stay below 2^96.
    function _updateCapSum(uint256 marketId, uint256 oldCap, uint256 newCap) private {
        uint256 capSum = _openInterestCapSum - oldCap + newCap;
        if (capSum > type(uint96).max) revert InsuranceFundOpenInterestCapsTooLarge(capSum);
        _openInterestCapSum = capSum;
        emit InsuranceFundOpenInterestCapSet(marketId, newCap, capSum);
    }

    /// @dev The loss of a position of `absBase` settled at `settledIndex`, and the index to settle it at.
    function _positionLoss(
        MarketLedger.State storage m,
        uint256 marketId,
        uint256 absBase,
        uint256 settledIndex
    ) private view returns (uint256 loss, uint256 currentIndex) {
        currentIndex = m.lossIndex;
        if (settledIndex > currentIndex) revert InsuranceFundIndexAhead(marketId, settledIndex, currentIndex);
        if (settledIndex != currentIndex) loss = LossIndex.owed(absBase, settledIndex, currentIndex);
    }

    /// @dev A fee's way in, before it is received: it repays the market's bad debt first, from the whole fee (the
    /// exchange keeps the repayment), and the policy splits the rest.
    function _takeFee(
        MarketLedger.State storage m,
        uint256 marketId,
        FeeKind kind,
        uint256 amount
    ) private returns (uint256 fundPart, uint256 treasuryPart, uint256 badDebtRepaid) {
        if (amount == 0) return (0, 0, 0);
        // Every part the fund keeps fits 128 bits: refused here rather than wrapped anywhere later.
        if (amount > type(uint128).max) revert InsuranceFundAmountTooLarge(amount);
        uint256 marketBadDebt;
        (badDebtRepaid, marketBadDebt) = m.repayBadDebt(amount);
        if (badDebtRepaid != 0) {
            // Cannot underflow: `badDebtRepaid <= the market's bad debt <= _totalBadDebt`.
            unchecked {
                _totalBadDebt -= badDebtRepaid;
            }
            emit InsuranceFundBadDebtRepaid(marketId, badDebtRepaid, marketBadDebt - badDebtRepaid);
        }
        // Cannot underflow: `badDebtRepaid <= amount`.
        unchecked {
            if (amount != badDebtRepaid) (fundPart, treasuryPart) = _split(kind, amount - badDebtRepaid);
        }
    }

    /// @dev Receives a fee's parts now (`toPull` is what the caller must transfer in), or books them as the market's
    /// debt when it defers its fees and the debt stays within its cap; past the cap the whole debt is due now.
    function _receiveOrDefer(
        MarketLedger.State storage m,
        uint256 marketId,
        uint256 fundPart,
        uint256 treasuryPart
    ) private returns (uint256 toPull, bool deferred) {
        if (fundPart == 0 && treasuryPart == 0) return (0, false);
        if (m.deferred) {
            MarketLedger.FeeDebt memory d = m.debt;
            // Cannot overflow: 80-bit debts plus 128-bit parts.
            unchecked {
                if (m.keepDebt(d.fundPart + fundPart, d.treasuryPart + treasuryPart)) return (0, true);
                if (d.fundPart != 0 || d.treasuryPart != 0) {
                    emit InsuranceFundDeferredFeesReceived(marketId, msg.sender, d.fundPart, d.treasuryPart, false);
                }
                fundPart += d.fundPart;
                treasuryPart += d.treasuryPart;
            }
        }
        _credit(fundPart, treasuryPart);
        return (fundPart + treasuryPart, false);
    }

    /// @dev Receives the market's deferred fees from its exchange: strictly (a failed pull reverts) or, when the market
    /// is retired or moved, leniently (a failed pull drops them: the fund never counted them).
    /// @return amount What was received.
    function _receiveDebt(MarketLedger.State storage m, uint256 marketId, bool strict) private returns (uint256 amount) {
        MarketLedger.FeeDebt memory d = m.debt;
        // Cannot overflow: two 80-bit parts.
        unchecked {
            amount = uint256(d.fundPart) + d.treasuryPart;
        }
        if (amount == 0) return 0;
        m.debt = MarketLedger.FeeDebt(d.cap, 0, 0);
        address exchange = m.exchange;
        if (strict) {
            _quoteToken.safeTransferFrom(exchange, address(this), amount);
        } else if (!_quoteToken.trySafeTransferFrom(exchange, address(this), amount)) {
            emit InsuranceFundDeferredFeesDropped(marketId, exchange, amount);
            return 0;
        }
        // Credited after the transfer (governance or `nonReentrant` callers): only what arrived counts.
        _credit(d.fundPart, d.treasuryPart);
        emit InsuranceFundDeferredFeesReceived(marketId, exchange, d.fundPart, d.treasuryPart, false);
    }

    /// @dev The market's deferred fees, when it defers them: what a payout to its exchange nets against.
    function _debtDue(MarketLedger.State storage m) private view returns (uint256 fundPart, uint256 treasuryPart) {
        if (!m.deferred) return (0, 0);
        MarketLedger.FeeDebt memory d = m.debt;
        return (d.fundPart, d.treasuryPart);
    }

    /// @dev Adds received parts to the balance and the treasury's accrual (each checked to stay within its width).
    function _credit(uint256 fundPart, uint256 treasuryPart) private {
        if (fundPart != 0) _balance = _toBalance(_addCapped(_balance, fundPart));
        if (treasuryPart != 0) _treasuryAccrued = _toBalance(_addCapped(_treasuryAccrued, treasuryPart));
    }

    /// @dev Sets the market's open interest and the platform's; `changed` is false when it is the same.
    function _recordOpenInterest(
        MarketLedger.State storage m,
        uint256 marketId,
        uint256 openInterest
    ) private returns (bool changed, uint256 total) {
        uint256 previous = m.recordOpenInterest(marketId, openInterest);
        if (previous == openInterest) return (false, 0);
        // Cannot underflow: the total includes the market's previous open interest. Within 96 bits: every active
        // market's open interest is at most its cap, and the caps sum below 2^96.
        total = _openInterest.current() - previous + openInterest;
        _openInterest.record(total, _windowSeconds);
        return (true, total);
    }

    /// @dev A bankruptcy (docs/behaviour.md 3.1), with a penalty handed in first and the open interest recorded after
    /// when `withOpenInterest`. What the exchange owes in the call (the penalty's parts, and the market's deferred
    /// fees when it defers them) may be allocated as if in the balance: it settles against the payout by netting
    /// (`_settleWithExchange`). The one call out before the state is written is to the backstop (`_runWaterfall`).
    function _settleBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim,
        uint256 penalty,
        bool withOpenInterest,
        uint256 openInterest
    ) private returns (BankruptcyCover memory cover, uint256 badDebtRepaid) {
        MarketLedger.State storage m = _markets[marketId];
        (uint256 dueFund, uint256 dueTreasury) = _debtDue(m);
        {
            (uint256 fundPart, uint256 treasuryPart, uint256 repaid) = _takeFee(
                m,
                marketId,
                FeeKind.LiquidationPenalty,
                penalty
            );
            badDebtRepaid = repaid;
            if (penalty != 0) {
                emit InsuranceFundFeeCollected(
                    marketId,
                    FeeKind.LiquidationPenalty,
                    penalty,
                    fundPart,
                    treasuryPart,
                    repaid
                );
            }
            // Cannot overflow: 80-bit debts plus 128-bit parts.
            unchecked {
                dueFund += fundPart;
                dueTreasury += treasuryPart;
            }
        }
        Waterfall.Result memory w = _runWaterfall(m, marketId, claim, dueFund);
        cover = Waterfall.toCover(w);
        uint256 rest = w.remainder.reward + w.remainder.shortfall;

        uint256 index;
        (cover.socialized, cover.badDebt, index) = m.absorb(rest, claim.openBase);
        if (cover.badDebt != 0) _totalBadDebt += cover.badDebt;

        // Allocate: F leaves the balance and is charged to the limit at once, paid or not; B arrived from the backstop.
        // Time: what is paid now (the earlier claim first) leaves both buckets; the rest is the market's pending claim.
        uint256 charged = cover.fundReward + cover.fundShortfall;
        uint256 fromBackstop = cover.backstopReward + cover.backstopShortfall;
        uint256 paid = cover.earlierPendingPaid + cover.paidNow;
        if (charged != 0 || fromBackstop != 0 || paid != 0) {
            // Cannot overflow: the new pending total is at most what the fund and the backstop hold.
            unchecked {
                if (cover.pending != cover.earlierPendingPaid) {
                    _totalPending = uint128(_totalPending + cover.pending - cover.earlierPendingPaid);
                }
            }
            (uint256 pendingBefore, ) = m.allocate(charged, charged + fromBackstop, paid);
            // This claim's paid-now part pays the fund's part first, so what waits of B is min(B, pending).
            m.trackBackstopPending(pendingBefore - cover.earlierPendingPaid, Math.min(fromBackstop, cover.pending));
            if (paid != 0) _consumeBuckets(m, paid);
        }
        if (withOpenInterest) {
            (bool changed, uint256 total) = _recordOpenInterest(m, marketId, openInterest);
            if (changed) emit InsuranceFundOpenInterestRecorded(marketId, openInterest, total);
        }

        emit InsuranceFundBankruptcyCovered(marketId, claim.account, claim.liquidator, cover);
        if (cover.socialized != 0) {
            emit InsuranceFundLossSocialized(marketId, claim.account, cover.socialized, claim.openBase, index);
        }
        if (cover.badDebt != 0) {
            emit InsuranceFundBadDebtRecorded(marketId, claim.account, cover.badDebt, m.badDebt);
        }
        _settleWithExchange(m, marketId, msg.sender, dueFund, dueTreasury, charged, paid);
    }

    /// @dev The end of a call that pays the market's exchange: the fund owes it `paid` now and the market's pending
    /// claim; it owes the fund `dueFund` and `dueTreasury`. The smaller side nets against the larger, the fund part
    /// first and the payment now first; what the exchange still owes stays its debt (deferred, within the cap) or is
    /// pulled, what the fund still owes now is transferred: at most one transfer. `charged` (the allocation) leaves
    /// the balance here, once what nets is in: the balance cannot go below zero, since the allocation counted at most
    /// `dueFund` beyond it and at least `min(charged, dueFund)` of it nets (the fund owes at least `charged`).
    function _settleWithExchange(
        MarketLedger.State storage m,
        uint256 marketId,
        address exchange,
        uint256 dueFund,
        uint256 dueTreasury,
        uint256 charged,
        uint256 paid
    ) private {
        uint256 fundIn;
        uint256 treasuryIn;
        uint256 toPull;
        if (dueFund != 0 || dueTreasury != 0) {
            uint256 pending = m.pending;
            uint256 netted = Math.min(paid + pending, dueFund + dueTreasury);
            fundIn = Math.min(netted, dueFund);
            uint256 fromPaid = Math.min(paid, netted);
            // Cannot underflow: each is the smaller of a pair it is taken from.
            unchecked {
                treasuryIn = netted - fundIn;
                paid -= fromPaid;
                if (netted != fromPaid) {
                    uint256 fromPending = netted - fromPaid;
                    m.allocate(0, 0, fromPending);
                    m.trackBackstopPending(pending - fromPending, 0);
                    _totalPending -= uint128(fromPending);
                }
                if (m.deferred && netted != 0) {
                    emit InsuranceFundDeferredFeesReceived(marketId, exchange, fundIn, treasuryIn, true);
                }
                uint256 restFund = dueFund - fundIn;
                uint256 restTreasury = dueTreasury - treasuryIn;
                if (!(m.deferred && m.keepDebt(restFund, restTreasury)) && restFund + restTreasury != 0) {
                    (fundIn, treasuryIn, toPull) = (dueFund, dueTreasury, restFund + restTreasury);
                }
            }
        }
        if (fundIn != charged) _balance = _toBalance(_balance + fundIn - charged);
        if (treasuryIn != 0) _treasuryAccrued = _toBalance(_treasuryAccrued + treasuryIn);
        if (paid != 0) _quoteToken.safeTransfer(exchange, paid);
        else if (toPull != 0) _quoteToken.safeTransferFrom(exchange, address(this), toPull);
    }

    /// @dev Splits `amount` (below 2^128): with a fixed-share policy, the fund splits it itself with the shares the
    /// policy declared when it was set (`mulBpsUp` for the fund, as the policy does); otherwise it asks the policy
    /// and re-checks the answer. A policy that reverts, runs out of its gas, answers too little data or answers
    /// parts that do not add up to `amount` sends the whole amount to the fund: income is never lost and a
    /// liquidation never blocked by a broken policy.
    function _split(FeeKind kind, uint256 amount) private returns (uint256 fundPart, uint256 treasuryPart) {
        uint256 tradingFeeBps = _fixedTradingFeeBps;
        if (tradingFeeBps != NOT_FIXED) {
            uint256 shareBps = kind == FeeKind.TradingFee ? tradingFeeBps : _fixedPenaltyBps;
            // Rounded up (favours the fund); cannot overflow: `amount < 2^128` and `shareBps <= 10_000`.
            unchecked {
                fundPart = Math.ceilDiv(amount * shareBps, BasisPoints.MAX_BPS);
                treasuryPart = amount - fundPart;
            }
            return (fundPart, treasuryPart);
        }
        IFeePolicy policy = _feePolicy;
        (bool ok, uint256 f, uint256 t) = _askPolicy(
            policy,
            abi.encodeCall(IFeePolicy.split, (kind, amount, _fundState())),
            64
        );
        if (ok && f <= amount && t == amount - f) return (f, t);
        emit InsuranceFundPolicyFailed(address(policy), kind, amount);
        return (amount, 0);
    }

    /// @dev Calls a policy view with `POLICY_GAS_LIMIT` gas and reads the first two words of its answer without
    /// trusting it: a revert, running out of gas or an answer shorter than `minAnswerBytes` comes back as
    /// `ok = false` instead of reverting here (as a `try` would when decoding a short answer), and at most
    /// 64 bytes are copied however long the answer is.
    function _askPolicy(
        IFeePolicy policy,
        bytes memory data,
        uint256 minAnswerBytes
    ) private view returns (bool ok, uint256 first, uint256 second) {
        assembly ("memory-safe") {
            // The answer lands in the scratch space (0x00-0x3f), which Solidity leaves free for this; clear it
            // first so that a one-word answer does not leave stale data in the second word.
            mstore(0x00, 0)
            mstore(0x20, 0)
            ok := staticcall(POLICY_GAS_LIMIT, policy, add(data, 0x20), mload(data), 0x00, 0x40)
            ok := and(ok, iszero(lt(returndatasize(), minAnswerBytes)))
            first := mload(0x00)
            second := mload(0x20)
        }
    }

    /// @dev The waterfall's input for `claim` (docs/behaviour.md section 3.1), after its checks: the fund allocates
    /// within its balance and what is left of the market's limit, the capped reward first; the market's earlier
    /// pending claim, then the allocation, are paid within both buckets (nothing while paused). The backstop's
    /// part is 0 here: the caller adds what the backstop covers. The buckets are read only when something could be
    /// paid.
    function _waterfallInput(
        MarketLedger.State storage m,
        BankruptcyClaim calldata claim,
        uint256 dueFund
    ) private view returns (Waterfall.Input memory) {
        if (claim.shortfall == 0 && claim.reward == 0) revert InsuranceFundZeroAmount();
        if (claim.shortfall > type(uint128).max) revert InsuranceFundAmountTooLarge(claim.shortfall);
        if (claim.reward != 0 && claim.liquidator == address(0)) revert InsuranceFundZeroAddress();
        uint256 spendable = _balance + dueFund;
        uint256 limitLeft = m.limitLeft();
        uint256 earlierPending = m.pending;
        bool canPay = earlierPending != 0 || (spendable != 0 && limitLeft != 0);
        return
            Waterfall.Input({
                shortfall: claim.shortfall,
                reward: m.cappedReward(claim.reward, claim.liquidatedNotional),
                fundSpendable: spendable,
                fundLimitLeft: limitLeft,
                backstopSpendable: 0,
                backstopLimitLeft: 0,
                earlierPending: earlierPending,
                payoutAvailable: canPay ? _payoutAvailable(m) : 0
            });
    }

    /// @dev What may be paid now: what both buckets hold, 0 while paused.
    function _payoutAvailable(MarketLedger.State storage m) private view returns (uint256) {
        return _paused ? 0 : _bucketsAvailable(m);
    }

    /// @dev The waterfall for `claim`, the backstop's part included. The one call out before the state is written
    /// is to the backstop (set by governance, bound to this fund), when the fund leaves part of the claim: it transfers
    /// its part B at once, and what arrived is what counts; the timing is then read again, since the buckets were not
    /// read when the fund alone could pay nothing.
    function _runWaterfall(
        MarketLedger.State storage m,
        uint256 marketId,
        BankruptcyClaim calldata claim,
        uint256 dueFund
    ) private returns (Waterfall.Result memory w) {
        Waterfall.Input memory input = _waterfallInput(m, claim, dueFund);
        w = Waterfall.run(input);
        uint256 rest = w.remainder.reward + w.remainder.shortfall;
        if (rest == 0) return w;
        IBackstopVault backstop_ = _backstop;
        if (address(backstop_) == address(0)) return w;
        uint256 received = _takeFromBackstop(backstop_, marketId, rest);
        if (received == 0) return w;
        input.backstopSpendable = received;
        input.backstopLimitLeft = received;
        input.payoutAvailable = _payoutAvailable(m);
        w = Waterfall.run(input);
    }

    /// @dev Asks the backstop to cover up to `wanted` for `marketId` and returns what arrived, at most `wanted`. A
    /// backstop that reverts covers nothing: a liquidation never reverts because of it.
    function _takeFromBackstop(
        IBackstopVault backstop_,
        uint256 marketId,
        uint256 wanted
    ) private returns (uint256 received) {
        uint256 before = _quoteToken.balanceOf(address(this));
        try backstop_.cover(marketId, wanted) {} catch {}
        received = Math.min(_quoteToken.balanceOf(address(this)) - before, wanted);
    }

    /// @dev Sends the backstop `amount` as income, streamed to its stakers.
    function _payBackstop(IBackstopVault backstop_, uint256 amount) private {
        _quoteToken.safeTransfer(address(backstop_), amount);
        backstop_.notifyIncome(amount);
    }

    /// @dev What both buckets let through now: the smaller level.
    function _bucketsAvailable(MarketLedger.State storage m) private view returns (uint256) {
        return Math.min(m.bucket.available(), _fundBucket.available());
    }

    /// @dev Takes `paid` from both buckets; `paid <= _bucketsAvailable(m)`, so each takes all of it.
    function _consumeBuckets(MarketLedger.State storage m, uint256 paid) private {
        m.bucket.consume(paid);
        _fundBucket.consume(paid);
    }

    function _levelOf(PayoutBucket.State storage b) private view returns (BucketLevel memory) {
        return BucketLevel({available: b.available(), capacity: b.capacity, refillPerSecond: b.refillPerSecond});
    }

    function _fundState() private view returns (FundState memory) {
        return
            FundState({
                balance: _balance,
                averageOpenInterest: _openInterest.average(_windowSeconds),
                floor: _floor,
                targetShareBps: _targetShareBps
            });
    }

    function _target() private view returns (uint256) {
        return _target(_openInterest.average(_windowSeconds));
    }

    /// @dev See `FundTarget.targetUp`.
    function _target(uint256 averageOpenInterest_) private view returns (uint256) {
        return FundTarget.targetUp(averageOpenInterest_, _targetShareBps, _floor);
    }

    function _setTarget(uint16 targetShareBps_, uint128 floor_) private {
        if (targetShareBps_ < MIN_TARGET_SHARE_BPS || targetShareBps_ > BasisPoints.MAX_BPS) {
            revert InsuranceFundTargetShareOutOfBounds(targetShareBps_);
        }
        if (floor_ < _minFloor) revert InsuranceFundFloorBelowMinimum(floor_, _minFloor);
        _targetShareBps = targetShareBps_;
        _floor = floor_;
        emit InsuranceFundTargetSet(targetShareBps_, floor_);
    }

    function _setTreasury(address treasury_) private {
        emit InsuranceFundTreasurySet(_treasury, treasury_);
        _treasury = treasury_;
    }

    /// @dev Probes the policy with both kinds before accepting it. A policy that declares fixed shares
    /// (`IFixedSharePolicy`) and splits the probes by them is taken at its word: the fund then splits every fee by
    /// those shares itself, without calling it.
    function _setFeePolicy(IFeePolicy policy) private {
        if (address(policy) == address(0)) revert InsuranceFundZeroAddress();
        FundState memory state = _fundState();
        uint256[2] memory fundParts;
        for (uint256 k; k < 2; ++k) {
            bytes memory probe = abi.encodeCall(IFeePolicy.split, (FeeKind(k), POLICY_PROBE_AMOUNT, state));
            (bool ok, uint256 f, uint256 t) = _askPolicy(policy, probe, 64);
            if (!ok || f > POLICY_PROBE_AMOUNT || t != POLICY_PROBE_AMOUNT - f) {
                revert InsuranceFundInvalidPolicy(address(policy));
            }
            fundParts[k] = f;
        }
        (bool tradingOk, uint256 tradingFeeBps, ) = _askPolicy(
            policy,
            abi.encodeCall(IFixedSharePolicy.tradingFeeShareBps, ()),
            32
        );
        (bool penaltyOk, uint256 penaltyBps, ) = _askPolicy(
            policy,
            abi.encodeCall(IFixedSharePolicy.penaltyShareBps, ()),
            32
        );
        bool fixedShare = tradingOk &&
            penaltyOk &&
            tradingFeeBps <= BasisPoints.MAX_BPS &&
            penaltyBps <= BasisPoints.MAX_BPS &&
            fundParts[0] == BasisPoints.mulBpsUp(POLICY_PROBE_AMOUNT, tradingFeeBps) &&
            fundParts[1] == BasisPoints.mulBpsUp(POLICY_PROBE_AMOUNT, penaltyBps);
        emit InsuranceFundFeePolicySet(address(_feePolicy), address(policy));
        _feePolicy = policy;
        // Cannot truncate: both at most 10,000 when used.
        (_fixedTradingFeeBps, _fixedPenaltyBps) = fixedShare
            ? (uint16(tradingFeeBps), uint16(penaltyBps))
            : (NOT_FIXED, 0);
    }

    /// @dev `a + b`, saturating at `2^256 - 1` instead of overflowing, for `_toBalance` to name the error.
    function _addCapped(uint256 a, uint256 b) private pure returns (uint256) {
        unchecked {
            uint256 sum = a + b;
            return sum < a ? type(uint256).max : sum;
        }
    }

    /// @dev The balance's and the treasury accrual's width.
    function _toBalance(uint256 amount) private pure returns (uint112) {
        if (amount > type(uint112).max) revert InsuranceFundAmountTooLarge(amount);
        return uint112(amount);
    }
}
