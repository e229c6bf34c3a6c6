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
import {IFundBackstop} from "./interfaces/IFundBackstop.sol";
import {IInsuranceFund} from "./interfaces/IInsuranceFund.sol";
import {IMarketLifecycle} from "./interfaces/IMarketLifecycle.sol";
import {IOpenInterestTracker} from "./interfaces/IOpenInterestTracker.sol";
import {BucketLevel, IPayoutLimits} from "./interfaces/IPayoutLimits.sol";
import {ISocializedLossLedger} from "./interfaces/ISocializedLossLedger.sol";
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

    // ================================================================ storage

    IERC20 private immutable _quoteToken;
    uint8 private immutable _quoteDecimals;
    uint256 private immutable _windowSeconds;
    uint128 private immutable _minFloor;

    /// @dev Both change on every fee: one slot, one write.
    uint128 private _balance;
    uint128 private _treasuryAccrued;

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

    /// @dev The active markets' open-interest caps summed: below 2^128, so the platform's open interest is too.
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
        _balance = _toAmount(_addCapped(_balance, amount));
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
            _balance = uint128(balance - surplus);
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
        m.allocate(0, 0, paid);
        m.trackBackstopPending(pending - paid, 0);
        // Cannot underflow: `paid <= the market's pending claim <= _totalPending`.
        unchecked {
            _totalPending -= uint128(paid);
        }
        _consumeBuckets(m, paid);
        address exchange = m.exchange;
        emit InsuranceFundPendingClaimPaid(marketId, exchange, paid, pending - paid);
        _quoteToken.safeTransfer(exchange, paid);
    }

    // ================================================================ the exchange

    /// @inheritdoc IInsuranceVault
    /// @dev The one call out before the state is written is to the backstop (`_runWaterfall`).
    function coverBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external nonReentrant onlyExchange(marketId) returns (BankruptcyCover memory cover) {
        MarketLedger.State storage m = _markets[marketId];
        Waterfall.Result memory w = _runWaterfall(m, marketId, claim);
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
            // Cannot underflow: `charged <= _balance`; `earlierPendingPaid` is part of the total pending.
            unchecked {
                _balance -= uint128(charged);
                if (cover.pending != cover.earlierPendingPaid) {
                    _totalPending = uint128(_totalPending + cover.pending - cover.earlierPendingPaid);
                }
            }
            (uint256 pendingBefore, ) = m.allocate(charged, charged + fromBackstop, paid);
            // This claim's paid-now part pays the fund's part first, so what waits of B is min(B, pending).
            m.trackBackstopPending(pendingBefore - cover.earlierPendingPaid, Math.min(fromBackstop, cover.pending));
            if (paid != 0) _consumeBuckets(m, paid);
        }

        emit InsuranceFundBankruptcyCovered(marketId, claim.account, claim.liquidator, cover);
        if (cover.socialized != 0) {
            emit InsuranceFundLossSocialized(marketId, claim.account, cover.socialized, claim.openBase, index);
        }
        if (cover.badDebt != 0) {
            emit InsuranceFundBadDebtRecorded(marketId, claim.account, cover.badDebt, m.badDebt);
        }
        if (paid != 0) _quoteToken.safeTransfer(msg.sender, paid);
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
        if (amount == 0) return (0, 0, 0);

        // Bad debt first, from the whole fee: the exchange keeps the repayment, the policy splits the rest.
        uint256 marketBadDebt;
        (badDebtRepaid, marketBadDebt) = _markets[marketId].repayBadDebt(amount);
        if (marketBadDebt != 0) {
            // Cannot underflow: `badDebtRepaid <= the market's bad debt <= _totalBadDebt`.
            unchecked {
                _totalBadDebt -= badDebtRepaid;
            }
            emit InsuranceFundBadDebtRepaid(marketId, badDebtRepaid, marketBadDebt - badDebtRepaid);
        }
        // Cannot underflow: `badDebtRepaid <= amount`.
        uint256 rest;
        unchecked {
            rest = amount - badDebtRepaid;
        }
        if (rest != 0) {
            (fundPart, treasuryPart) = _split(kind, rest);
            // The sums are checked (`_toAmount`) and saturate rather than wrap before the check.
            _balance = _toAmount(_addCapped(_balance, fundPart));
            _treasuryAccrued = _toAmount(_addCapped(_treasuryAccrued, treasuryPart));
        }

        emit InsuranceFundFeeCollected(marketId, kind, amount, fundPart, treasuryPart, badDebtRepaid);
        if (rest != 0) _quoteToken.safeTransferFrom(msg.sender, address(this), rest);
    }

    /// @inheritdoc IOpenInterestTracker
    function recordOpenInterest(uint256 marketId, uint256 openInterest) external onlyExchange(marketId) {
        uint256 previous = _markets[marketId].recordOpenInterest(marketId, openInterest);
        if (previous == openInterest) return;
        // Cannot truncate: every active market's open interest is at most its cap, and the caps sum below 2^128.
        uint256 total = _openInterest.current() - previous + openInterest;
        _openInterest.record(uint128(total), _windowSeconds);
        emit InsuranceFundOpenInterestRecorded(marketId, openInterest, total);
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
    function moveMarket(uint256 marketId, address newExchange) external restricted {
        if (newExchange == address(0)) revert InsuranceFundZeroAddress();
        MarketLedger.State storage m = _activeMarket(marketId);
        address oldExchange = m.exchange;
        if (newExchange == oldExchange) revert InsuranceFundSameExchange(marketId, newExchange);
        m.exchange = newExchange;
        emit InsuranceFundMarketMoved(marketId, oldExchange, newExchange);
    }

    /// @inheritdoc IMarketLifecycle
    function retireMarket(uint256 marketId) external restricted {
        MarketLedger.State storage m = _activeMarket(marketId);
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
            _balance += uint128(amount - fromBackstop);
        }
        emit InsuranceFundPendingClaimRejected(marketId, amount);
        if (fromBackstop != 0) {
            emit InsuranceFundBackstopClaimReturned(marketId, address(backstop_), fromBackstop);
            _payBackstop(backstop_, fromBackstop);
        }
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
        currentIndex = _knownMarket(marketId).lossIndex;
        if (settledIndex > currentIndex) revert InsuranceFundIndexAhead(marketId, settledIndex, currentIndex);
        loss = LossIndex.owed(absBase, settledIndex, currentIndex);
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

    /// @dev Replaces a market's cap `oldCap` by `newCap` in the cap sum, which must stay below 2^128.
    function _updateCapSum(uint256 marketId, uint256 oldCap, uint256 newCap) private {
        uint256 capSum = _openInterestCapSum - oldCap + newCap;
        if (capSum > type(uint128).max) revert InsuranceFundOpenInterestCapsTooLarge(capSum);
        _openInterestCapSum = capSum;
        emit InsuranceFundOpenInterestCapSet(marketId, newCap, capSum);
    }

    /// @dev Asks the policy for the split and re-checks it. A policy that reverts, runs out of its gas, answers
    /// too little data or answers parts that do not add up to `amount` sends the whole amount to the fund:
    /// income is never lost and a liquidation never blocked by a broken policy.
    function _split(FeeKind kind, uint256 amount) private returns (uint256 fundPart, uint256 treasuryPart) {
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
        BankruptcyClaim calldata claim
    ) private view returns (Waterfall.Input memory) {
        if (claim.shortfall == 0 && claim.reward == 0) revert InsuranceFundZeroAmount();
        if (claim.shortfall > type(uint128).max) revert InsuranceFundAmountTooLarge(claim.shortfall);
        if (claim.reward != 0 && claim.liquidator == address(0)) revert InsuranceFundZeroAddress();
        uint256 spendable = _balance;
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
        BankruptcyClaim calldata claim
    ) private returns (Waterfall.Result memory w) {
        Waterfall.Input memory input = _waterfallInput(m, claim);
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

    /// @dev Probes the policy with both kinds before accepting it.
    function _setFeePolicy(IFeePolicy policy) private {
        if (address(policy) == address(0)) revert InsuranceFundZeroAddress();
        FundState memory state = _fundState();
        for (uint256 k; k < 2; ++k) {
            bytes memory probe = abi.encodeCall(IFeePolicy.split, (FeeKind(k), POLICY_PROBE_AMOUNT, state));
            (bool ok, uint256 f, uint256 t) = _askPolicy(policy, probe, 64);
            if (!ok || f > POLICY_PROBE_AMOUNT || t != POLICY_PROBE_AMOUNT - f) {
                revert InsuranceFundInvalidPolicy(address(policy));
            }
        }
        emit InsuranceFundFeePolicySet(address(_feePolicy), address(policy));
        _feePolicy = policy;
    }

    /// @dev `a + b`, saturating at `2^256 - 1` instead of overflowing, for `_toAmount` to name the error.
    function _addCapped(uint256 a, uint256 b) private pure returns (uint256) {
        unchecked {
            uint256 sum = a + b;
            return sum < a ? type(uint256).max : sum;
        }
    }

    function _toAmount(uint256 amount) private pure returns (uint128) {
        if (amount > type(uint128).max) revert InsuranceFundAmountTooLarge(amount);
        return uint128(amount);
    }
}
