// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IBackstopVault} from "./interfaces/IBackstopVault.sol";
import {FeeKind, FundState, IFeePolicy} from "./interfaces/IFeePolicy.sol";
import {IFeeSplitter} from "./interfaces/IFeeSplitter.sol";
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
import {InsuranceFundBase} from "./InsuranceFundBase.sol";
import {InsuranceFundGovernance} from "./InsuranceFundGovernance.sol";

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
contract InsuranceFund is IInsuranceFund, InsuranceFundBase {
    using MarketLedger for MarketLedger.State;
    using OpenInterestWindow for OpenInterestWindow.State;
    using PayoutBucket for PayoutBucket.State;
    using SafeERC20 for IERC20;

    // ================================================================ storage

    uint8 private immutable _quoteDecimals;

    /// @dev The governance half (`InsuranceFundGovernance`), run on this storage by `DELEGATECALL`.
    address private immutable _governance;

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
    ) InsuranceFundBase(quoteToken_, authority, windowSeconds, minFloor_) {
        if (address(quoteToken_) == address(0) || treasury_ == address(0)) revert InsuranceFundZeroAddress();
        if (!OpenInterestWindow.isValidWindow(windowSeconds)) revert InsuranceFundWindowOutOfBounds(windowSeconds);
        _quoteDecimals = IERC20Metadata(address(quoteToken_)).decimals();
        _governance = address(new InsuranceFundGovernance(quoteToken_, windowSeconds, minFloor_));
        _openInterest.prepare();
        _fundBucket.configure(PayoutBucket.DISABLED, 0);
        _setTarget(targetShareBps_, floor_);
        _setTreasury(treasury_);
        _setFeePolicy(feePolicy_);
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
            _balance = uint96(balance - surplus);
        }
        address treasury_ = _treasury;
        emit InsuranceFundSurplusSwept(treasury_, surplus, unaccounted);
        _quoteToken.safeTransfer(treasury_, surplus + unaccounted);
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
        paid = Math.min(pending, _bucketsAvailable(m, m.bucketOn, _fundBucketOn));
        if (paid == 0) revert InsuranceFundPayoutLimited(marketId, pending);
        (, uint256 pendingAfter) = m.allocate(0, 0, paid);
        m.trackBackstopPending(pendingAfter, 0);
        // Cannot underflow: `paid <= the market's pending claim <= _totalPending`.
        unchecked {
            _totalPending -= uint128(paid);
        }
        _consumeBuckets(m, paid);
        address exchange = _exchanges[marketId];
        emit InsuranceFundPendingClaimPaid(marketId, exchange, paid, pendingAfter);
        (uint256 debtFund, uint256 debtTreasury) = _debtOf(m, m.deferred);
        _settleWithExchange(m, marketId, exchange, debtFund, debtTreasury, 0, 0, 0, paid);
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
    ) external nonReentrant returns (uint256 loss, uint256 currentIndex, uint256 badDebtRepaid) {
        (MarketLedger.State storage m, bool hasBadDebt, bool defers) = _exchangeMarket(marketId);
        (loss, currentIndex) = _positionLoss(m, marketId, absBase, settledIndex);
        uint256 fundPart;
        uint256 treasuryPart;
        (fundPart, treasuryPart, badDebtRepaid) = _takeFee(m, marketId, kind, fee, hasBadDebt);
        (uint256 toPull, bool deferred) = _receiveOrDefer(m, marketId, fundPart, treasuryPart, defers);
        _recordOpenInterest(m, marketId, openInterest);
        if (deferred) emit InsuranceFundTradeFeeDeferred(marketId, kind, fundPart, treasuryPart, openInterest);
        else emit InsuranceFundTradeSettled(marketId, kind, fundPart, treasuryPart, openInterest);
        if (toPull != 0) _quoteToken.safeTransferFrom(msg.sender, address(this), toPull);
    }

    /// @inheritdoc IInsuranceVault
    function coverBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external nonReentrant returns (BankruptcyCover memory cover) {
        (MarketLedger.State storage m, bool hasBadDebt, bool deferred) = _exchangeMarket(marketId);
        (cover, ) = _settleBankruptcy(m, hasBadDebt, deferred, marketId, claim, 0, false, 0);
    }

    /// @inheritdoc ITradeSettlement
    function settleBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim,
        uint256 penalty,
        uint256 openInterest
    ) external nonReentrant returns (BankruptcyCover memory cover, uint256 badDebtRepaid) {
        (MarketLedger.State storage m, bool hasBadDebt, bool deferred) = _exchangeMarket(marketId);
        return _settleBankruptcy(m, hasBadDebt, deferred, marketId, claim, penalty, true, openInterest);
    }

    /// @inheritdoc IFeeSplitter
    function collectFee(
        uint256 marketId,
        FeeKind kind,
        uint256 amount
    ) external nonReentrant returns (uint256 fundPart, uint256 treasuryPart, uint256 badDebtRepaid) {
        (MarketLedger.State storage m, bool hasBadDebt, bool defers) = _exchangeMarket(marketId);
        if (amount == 0) return (0, 0, 0);
        (fundPart, treasuryPart, badDebtRepaid) = _takeFee(m, marketId, kind, amount, hasBadDebt);
        (uint256 toPull, ) = _receiveOrDefer(m, marketId, fundPart, treasuryPart, defers);
        emit InsuranceFundFeeCollected(marketId, kind, amount, fundPart, treasuryPart, badDebtRepaid);
        if (toPull != 0) _quoteToken.safeTransferFrom(msg.sender, address(this), toPull);
    }

    /// @inheritdoc IOpenInterestTracker
    function recordOpenInterest(uint256 marketId, uint256 openInterest) external {
        (MarketLedger.State storage m, , ) = _exchangeMarket(marketId);
        (bool changed, uint256 total) = _recordOpenInterest(m, marketId, openInterest);
        if (changed) emit InsuranceFundOpenInterestRecorded(marketId, openInterest, total);
    }

    // ================================================================ governance (InsuranceFundGovernance)

    /// @inheritdoc IInsuranceVault
    function registerMarket(uint256, MarketConfig calldata) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IMarketLifecycle
    function setOpenInterestCap(uint256, uint128) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IMarketLifecycle
    function moveMarket(uint256, address) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IMarketLifecycle
    function retireMarket(uint256) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IMarketLifecycle
    function writeOffBadDebt(uint256) external returns (uint256 /* amount */) {
        _delegateToGovernance();
    }

    /// @inheritdoc IPayoutLimits
    function rejectPendingClaim(uint256) external returns (uint256 /* amount */) {
        _delegateToGovernance();
    }

    /// @inheritdoc ITradeSettlement
    function setFeeDeferral(uint256, uint128) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IFundBackstop
    function setBackstop(IBackstopVault, uint16) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IPayoutLimits
    function setMarketPayoutLimit(uint256, uint128, uint128) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IPayoutLimits
    function setFundPayoutLimit(uint128, uint128) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IInsuranceVault
    function raiseInsuranceLimit(uint256, uint128) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IInsuranceVault
    function setRewardCaps(uint256, uint128, uint16) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IInsuranceVault
    function setTarget(uint16, uint128) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IFeeSplitter
    function setFeePolicy(IFeePolicy) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IFeeSplitter
    function setTreasury(address) external {
        _delegateToGovernance();
    }

    /// @inheritdoc IInsuranceVault
    function pause() external {
        _delegateToGovernance();
    }

    /// @inheritdoc IInsuranceVault
    function unpause() external {
        _delegateToGovernance();
    }

    /// @inheritdoc IInsuranceVault
    function recoverToken(IERC20) external returns (uint256 /* amount */) {
        _delegateToGovernance();
    }

    /// @inheritdoc ITradeSettlement
    function pullDeferredFees(uint256) external returns (uint256 /* amount */) {
        _delegateToGovernance();
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
        return _knownMarket(marketId).info(_exchanges[marketId]);
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
        // The exchange's own market first: an exchange reads the loss before its call that settles it, which then
        // finds the market's slots warm.
        MarketLedger.State storage m = _markets[marketId][msg.sender];
        if (!m.registered) m = _knownMarket(marketId);
        return _positionLoss(m, marketId, absBase, settledIndex);
    }

    // ================================================================ internal

    /// @dev The caller's market: its ledger under `msg.sender`, registered only if the caller is the market's
    /// exchange, and active. The market's exchange is read only to name the error. The flags a fee needs come from
    /// the same read of the ledger's first slot.
    function _exchangeMarket(
        uint256 marketId
    ) private view returns (MarketLedger.State storage m, bool hasBadDebt, bool deferred) {
        m = _markets[marketId][msg.sender];
        (bool registered, bool retired) = (m.registered, m.retired);
        (hasBadDebt, deferred) = (m.hasBadDebt, m.deferred);
        if (!registered) {
            if (_exchanges[marketId] == address(0)) revert InsuranceFundUnknownMarket(marketId);
            revert InsuranceFundNotMarketExchange(marketId, msg.sender);
        }
        if (retired) revert InsuranceFundMarketIsRetired(marketId);
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

    /// @dev A fee's way in, before it is received: it repays the market's bad debt first (when `hasBadDebt`, the
    /// market's flag), from the whole fee (the exchange keeps the repayment), and the policy splits the rest.
    function _takeFee(
        MarketLedger.State storage m,
        uint256 marketId,
        FeeKind kind,
        uint256 amount,
        bool hasBadDebt
    ) private returns (uint256 fundPart, uint256 treasuryPart, uint256 badDebtRepaid) {
        if (amount == 0) return (0, 0, 0);
        // Every part the fund keeps fits 128 bits: refused here rather than wrapped anywhere later.
        if (amount > type(uint128).max) revert InsuranceFundAmountTooLarge(amount);
        uint256 marketBadDebt;
        if (hasBadDebt) (badDebtRepaid, marketBadDebt) = m.repayBadDebt(amount);
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
    /// debt when it defers its fees (`defers`, the market's flag) and the debt stays within its cap; past the cap the
    /// whole debt is due now.
    function _receiveOrDefer(
        MarketLedger.State storage m,
        uint256 marketId,
        uint256 fundPart,
        uint256 treasuryPart,
        bool defers
    ) private returns (uint256 toPull, bool deferred) {
        if (fundPart == 0 && treasuryPart == 0) return (0, false);
        if (defers) {
            MarketLedger.FeeDebt memory d = m.debt;
            // Cannot overflow: 80-bit debts plus 128-bit parts.
            unchecked {
                if (m.keepDebt(d.cap, d.fundPart + fundPart, d.treasuryPart + treasuryPart)) return (0, true);
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
        total = _openInterest.recordChange(previous, openInterest, _windowSeconds);
        return (true, total);
    }

    /// @dev A bankruptcy (docs/behaviour.md 3.1), with a penalty handed in first and the open interest recorded after
    /// when `withOpenInterest`. What the exchange owes in the call (the penalty's parts, and the market's deferred
    /// fees when it defers them) may be allocated as if in the balance: it settles against the payout by netting
    /// (`_settleWithExchange`). The one call out before the state is written is to the backstop (`_runWaterfall`).
    /// `m` is the caller's market, `hasBadDebt` and `deferred` its flags (`_exchangeMarket`).
    function _settleBankruptcy(
        MarketLedger.State storage m,
        bool hasBadDebt,
        bool deferred,
        uint256 marketId,
        BankruptcyClaim calldata claim,
        uint256 penalty,
        bool withOpenInterest,
        uint256 openInterest
    ) private returns (BankruptcyCover memory cover, uint256 badDebtRepaid) {
        uint256 fundPart;
        uint256 treasuryPart;
        (fundPart, treasuryPart, badDebtRepaid) = _takePenalty(m, marketId, penalty, hasBadDebt);
        (uint256 debtFund, uint256 debtTreasury) = _debtOf(m, deferred);
        uint256 rest;
        // Cannot overflow: an 80-bit debt and a 128-bit part.
        (cover, rest) = _runWaterfall(m, marketId, claim, debtFund + fundPart);

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
        // The market's new open interest is in its state (`market`), as after `settleTrade`: no event of its own.
        if (withOpenInterest) _recordOpenInterest(m, marketId, openInterest);

        emit InsuranceFundBankruptcyCovered(marketId, claim.account, claim.liquidator, cover);
        if (cover.socialized != 0) {
            emit InsuranceFundLossSocialized(marketId, claim.account, cover.socialized, claim.openBase, index);
        }
        if (cover.badDebt != 0) {
            emit InsuranceFundBadDebtRecorded(marketId, claim.account, cover.badDebt, m.badDebt);
        }
        _settleWithExchange(m, marketId, msg.sender, debtFund, debtTreasury, fundPart, treasuryPart, charged, paid);
    }

    /// @dev A bankrupt liquidation's penalty, handed in: bad debt first, then the split.
    function _takePenalty(
        MarketLedger.State storage m,
        uint256 marketId,
        uint256 penalty,
        bool hasBadDebt
    ) private returns (uint256 fundPart, uint256 treasuryPart, uint256 badDebtRepaid) {
        if (penalty == 0) return (0, 0, 0);
        (fundPart, treasuryPart, badDebtRepaid) = _takeFee(
            m,
            marketId,
            FeeKind.LiquidationPenalty,
            penalty,
            hasBadDebt
        );
        emit InsuranceFundFeeCollected(
            marketId,
            FeeKind.LiquidationPenalty,
            penalty,
            fundPart,
            treasuryPart,
            badDebtRepaid
        );
    }

    /// @dev The market's deferred fees when it defers them (`deferred`, its flag as the caller read it): what a payout
    /// to its exchange nets against; else 0.
    function _debtOf(
        MarketLedger.State storage m,
        bool deferred
    ) private view returns (uint256 debtFund, uint256 debtTreasury) {
        if (deferred) {
            MarketLedger.FeeDebt memory d = m.debt;
            (debtFund, debtTreasury) = (d.fundPart, d.treasuryPart);
        }
    }

    /// @dev The end of a call that pays the market's exchange: the fund owes it `paid` now and the market's pending
    /// claim; it owes the fund its earlier debt (`debtFund`, `debtTreasury`) and this call's parts (`fundPart`,
    /// `treasuryPart`). The smaller side nets against the larger, the fund part first and the payment now first; what
    /// the exchange still owes stays its debt (deferred, within the cap) or is pulled, what the fund still owes now is
    /// transferred: at most one transfer. `charged` (the allocation) leaves the balance here, once what nets is in:
    /// the balance cannot go below zero, since the allocation counted at most the due fund part beyond it and at least
    /// `min(charged, that part)` of it nets (the fund owes `charged` or more).
    function _settleWithExchange(
        MarketLedger.State storage m,
        uint256 marketId,
        address exchange,
        uint256 debtFund,
        uint256 debtTreasury,
        uint256 fundPart,
        uint256 treasuryPart,
        uint256 charged,
        uint256 paid
    ) private {
        (uint256 fundIn, uint256 treasuryIn, uint256 toPull) = (0, 0, 0);
        // Cannot overflow: 80-bit debts and 128-bit parts.
        uint256 dueFund = debtFund + fundPart;
        uint256 dueTreasury = debtTreasury + treasuryPart;
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
                // The earlier debt's share of what nets: this call's parts count as received first.
                uint256 debtFundIn = fundIn - Math.min(fundIn, fundPart);
                uint256 debtTreasuryIn = treasuryIn - Math.min(treasuryIn, treasuryPart);
                if (debtFundIn != 0 || debtTreasuryIn != 0) {
                    emit InsuranceFundDeferredFeesReceived(marketId, exchange, debtFundIn, debtTreasuryIn, true);
                }
                uint256 restFund = dueFund - fundIn;
                uint256 restTreasury = dueTreasury - treasuryIn;
                if (!(m.deferred && m.keepDebt(m.debt.cap, restFund, restTreasury)) && restFund + restTreasury != 0) {
                    (debtFundIn, debtTreasuryIn) = (debtFund - debtFundIn, debtTreasury - debtTreasuryIn);
                    if (debtFundIn != 0 || debtTreasuryIn != 0) {
                        emit InsuranceFundDeferredFeesReceived(marketId, exchange, debtFundIn, debtTreasuryIn, false);
                    }
                    (fundIn, treasuryIn, toPull) = (dueFund, dueTreasury, restFund + restTreasury);
                }
            }
        }
        _settleBalances(fundIn, charged, treasuryIn);
        if (paid != 0) _quoteToken.safeTransfer(exchange, paid);
        else if (toPull != 0) _quoteToken.safeTransferFrom(exchange, address(this), toPull);
    }

    /// @dev The balance gains `fundIn` and loses `charged` (the caller's bound keeps it from going below zero), and the
    /// treasury's accrual gains `treasuryIn`: one write of their shared slot, none when nothing changes.
    function _settleBalances(uint256 fundIn, uint256 charged, uint256 treasuryIn) private {
        if (fundIn == charged && treasuryIn == 0) return;
        (_balance, _treasuryAccrued) = (
            _toBalance(_balance + fundIn - charged),
            _toBalance(_addCapped(_treasuryAccrued, treasuryIn))
        );
    }

    /// @dev Splits `amount` (below 2^128): with a fixed-share policy, the fund splits it itself with the shares the
    /// policy declared when it was set (`mulBpsUp` for the fund, as the policy does); otherwise it asks the policy
    /// and re-checks the answer. A policy that reverts, runs out of its gas, answers too little data or answers
    /// parts that do not add up to `amount` sends the whole amount to the fund: income is never lost and a
    /// liquidation never blocked by a broken policy.
    function _split(FeeKind kind, uint256 amount) private returns (uint256 fundPart, uint256 treasuryPart) {
        // One read of the balance slot: the fixed shares, or the balance and the target share a policy is told.
        (uint256 tradingFeeBps, uint256 penaltyBps, uint256 balance, uint256 targetShareBps_) = (
            _fixedTradingFeeBps,
            _fixedPenaltyBps,
            _balance,
            _targetShareBps
        );
        if (tradingFeeBps != NOT_FIXED) {
            uint256 shareBps = kind == FeeKind.TradingFee ? tradingFeeBps : penaltyBps;
            // Rounded up (favours the fund); cannot overflow: `amount < 2^128` and `shareBps <= 10_000`.
            unchecked {
                fundPart = Math.ceilDiv(amount * shareBps, BasisPoints.MAX_BPS);
                treasuryPart = amount - fundPart;
            }
            return (fundPart, treasuryPart);
        }
        (IFeePolicy policy, uint256 floor_) = (_feePolicy, _floor);
        FundState memory state = FundState({
            balance: balance,
            averageOpenInterest: _openInterest.average(_windowSeconds),
            floor: floor_,
            targetShareBps: targetShareBps_
        });
        (bool ok, uint256 f, uint256 t) = _askPolicy(
            policy,
            abi.encodeCall(IFeePolicy.split, (kind, amount, state)),
            64
        );
        if (ok && f <= amount && t == amount - f) return (f, t);
        emit InsuranceFundPolicyFailed(address(policy), kind, amount);
        return (amount, 0);
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
        // One read of each slot: the balance with the pause and the fund-wide bucket's flag, the market's reward cap
        // in basis points with its bucket's flag, and its reward cap with its pending claim.
        (uint256 balance, bool paused, bool fundBucketOn) = (_balance, _paused, _fundBucketOn);
        (uint256 rewardCapBps, bool bucketOn) = (m.rewardCapBps, m.bucketOn);
        (uint256 rewardCap, uint256 earlierPending) = (m.rewardCap, m.pending);
        uint256 spendable = balance + dueFund;
        uint256 limitLeft = m.limitLeft();
        bool canPay = !paused && (earlierPending != 0 || (spendable != 0 && limitLeft != 0));
        return
            Waterfall.Input({
                shortfall: claim.shortfall,
                reward: MarketLedger.capReward(claim.reward, claim.liquidatedNotional, rewardCap, rewardCapBps),
                fundSpendable: spendable,
                fundLimitLeft: limitLeft,
                backstopSpendable: 0,
                backstopLimitLeft: 0,
                earlierPending: earlierPending,
                payoutAvailable: canPay ? _bucketsAvailable(m, bucketOn, fundBucketOn) : 0
            });
    }

    /// @dev What may be paid now: what both buckets hold, 0 while paused.
    function _payoutAvailable(MarketLedger.State storage m) private view returns (uint256) {
        return _paused ? 0 : _bucketsAvailable(m, m.bucketOn, _fundBucketOn);
    }

    /// @dev The waterfall for `claim`, the backstop's part included, written into the cover, with what neither the fund
    /// nor the backstop covers (`rest`). The one call out before the state is written is to the backstop (set by
    /// governance, bound to this fund), when the fund leaves part of the claim: it transfers its part B at once, and
    /// what arrived is what counts; the timing is then read again, since the buckets were not read when the fund alone
    /// could pay nothing.
    function _runWaterfall(
        MarketLedger.State storage m,
        uint256 marketId,
        BankruptcyClaim calldata claim,
        uint256 dueFund
    ) private returns (BankruptcyCover memory cover, uint256 rest) {
        Waterfall.Input memory input = _waterfallInput(m, claim, dueFund);
        rest = Waterfall.runInto(input, cover);
        if (rest == 0) return (cover, 0);
        IBackstopVault backstop_ = _backstop;
        if (address(backstop_) == address(0)) return (cover, rest);
        uint256 received = _takeFromBackstop(backstop_, marketId, rest);
        if (received == 0) return (cover, rest);
        input.backstopSpendable = received;
        input.backstopLimitLeft = received;
        input.payoutAvailable = _payoutAvailable(m);
        rest = Waterfall.runInto(input, cover);
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

    /// @dev What both buckets let through now: the smaller level. A bucket that is off (disabled) is not read: its
    /// flag, as the caller read it (`bucketOn`: the market's, `fundBucketOn`: the fund-wide one), says so.
    function _bucketsAvailable(
        MarketLedger.State storage m,
        bool bucketOn,
        bool fundBucketOn
    ) private view returns (uint256) {
        return
            Math.min(
                bucketOn ? m.bucket.available() : type(uint256).max,
                fundBucketOn ? _fundBucket.available() : type(uint256).max
            );
    }

    /// @dev Takes `paid` from both buckets; `paid <= _bucketsAvailable(m)`, so each takes all of it.
    function _consumeBuckets(MarketLedger.State storage m, uint256 paid) private {
        if (m.bucketOn) m.bucket.consume(paid);
        if (_fundBucketOn) _fundBucket.consume(paid);
    }

    function _levelOf(PayoutBucket.State storage b) private view returns (BucketLevel memory) {
        return BucketLevel({available: b.available(), capacity: b.capacity, refillPerSecond: b.refillPerSecond});
    }

    /// @dev Runs the call as it came on the governance half, on this storage, and returns or reverts as it did.
    function _delegateToGovernance() private {
        address governance = _governance;
        assembly ("memory-safe") {
            let data := mload(0x40)
            calldatacopy(data, 0, calldatasize())
            let ok := delegatecall(gas(), governance, data, calldatasize(), 0, 0)
            returndatacopy(data, 0, returndatasize())
            if iszero(ok) {
                revert(data, returndatasize())
            }
            return(data, returndatasize())
        }
    }
}
