// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IBackstopVault} from "./interfaces/IBackstopVault.sol";
import {FeeKind, FundState, IFeePolicy} from "./interfaces/IFeePolicy.sol";
import {IFeeSplitter} from "./interfaces/IFeeSplitter.sol";
import {IFixedSharePolicy} from "./interfaces/IFixedSharePolicy.sol";
import {IInsuranceVault} from "./interfaces/IInsuranceVault.sol";
import {IMarketLifecycle} from "./interfaces/IMarketLifecycle.sol";
import {ITradeSettlement} from "./interfaces/ITradeSettlement.sol";
import {BasisPoints} from "./libraries/BasisPoints.sol";
import {FundTarget} from "./libraries/FundTarget.sol";
import {MarketLedger} from "./libraries/MarketLedger.sol";
import {OpenInterestWindow} from "./libraries/OpenInterestWindow.sol";
import {PayoutBucket} from "./libraries/PayoutBucket.sol";

/// @title InsuranceFundBase
/// @notice The insurance fund's storage, and the steps that both of its code halves take: `InsuranceFund` (the
/// exchange-facing hot paths, anyone's calls and the views) and `InsuranceFundGovernance` (governance and the cold
/// paths), which the fund runs on its own storage by `DELEGATECALL`. One base, so one storage layout for both.
/// @dev Two halves because one contract no longer fits EIP-170's 24,576 bytes with its hot paths compiled for
/// speed. State is `internal` rather than private for that reason only: nothing else derives from this base.
// The fund's state: one variable per concern, packed where a hot path reads them together.
// solhint-disable-next-line max-states-count
abstract contract InsuranceFundBase is AccessManaged, ReentrancyGuardTransient {
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
    uint256 internal constant POLICY_PROBE_AMOUNT = 1e6 + 1;

    /// @notice `_fixedTradingFeeBps` when the policy is not a fixed-share one: the fund asks it for every split.
    uint16 internal constant NOT_FIXED = type(uint16).max;

    // ================================================================ storage

    IERC20 internal immutable _quoteToken;
    uint256 internal immutable _windowSeconds;
    uint128 internal immutable _minFloor;

    /// @dev Both change on every fee: one slot, one write. The settings a fee reads ride along: the target share (a
    /// policy sees it), the fixed-share policy's shares (so that a fee under it reads nothing else of the fund's
    /// settings), and the pause and the fund-wide bucket's flag, so that a bankruptcy reads them with the balance.
    /// 96 bits: 7.9 * 10^28 units, 7.9 * 10^10 tokens of 18 decimals.
    uint96 internal _balance;
    uint96 internal _treasuryAccrued;
    uint16 internal _targetShareBps;
    uint16 internal _fixedTradingFeeBps;
    uint16 internal _fixedPenaltyBps;
    bool internal _paused;
    /// @dev Whether the fund-wide payout bucket is on (not disabled): a payout reads that bucket only then.
    bool internal _fundBucketOn;

    /// @dev The policy and the floor, which a policy is told, in one slot: a fee asking the policy reads the balance
    /// slot and this one. The floor fits 96 bits, as the balance does.
    IFeePolicy internal _feePolicy;
    uint96 internal _floor;

    /// @dev 256 bits: each market's bad debt fits 128 bits, so their sum can never overflow (market isolation).
    uint256 internal _totalBadDebt;

    address internal _treasury;

    /// @dev Read only by a bankruptcy the fund does not cover in full, and by a flush.
    IBackstopVault internal _backstop;
    uint16 internal _backstopShareBps;

    /// @dev The active markets' open-interest caps summed: below 2^96, so the platform's open interest is too (the
    /// width `OpenInterestWindow` keeps it in).
    uint128 internal _openInterestCapSum;
    /// @dev All markets' pending claims: tokens held, reserved, outside `_balance`. Beside the cap sum, which
    /// registering a market makes non-zero, so that the first pending claim rewrites a slot rather than filling one.
    uint128 internal _totalPending;

    /// @dev Each market's exchange (0: not registered).
    mapping(uint256 marketId => address exchange) internal _exchanges;

    /// @dev Each market's ledger, under the market and its exchange: an exchange's call finds its market's ledger
    /// under `msg.sender`, registered only if the caller is the market's exchange, so that the check reads no slot of
    /// its own. Moving a market moves its ledger to the new exchange.
    mapping(uint256 marketId => mapping(address exchange => MarketLedger.State)) internal _markets;

    OpenInterestWindow.State internal _openInterest;

    PayoutBucket.State internal _fundBucket;

    // ================================================================ constructor

    /// @param quoteToken_ The quote token.
    /// @param authority The `AccessManager` (the governance half is built with none: it runs only on the fund's
    /// storage, where the fund's authority is).
    /// @param windowSeconds The averaging window of the open interest.
    /// @param minFloor_ The lowest floor governance may ever set.
    constructor(
        IERC20 quoteToken_,
        address authority,
        uint256 windowSeconds,
        uint128 minFloor_
    ) AccessManaged(authority) {
        _quoteToken = quoteToken_;
        _windowSeconds = windowSeconds;
        _minFloor = minFloor_;
    }

    // ================================================================ internal

    modifier whenNotPaused() {
        if (_paused) revert IInsuranceVault.InsuranceFundPaused();
        _;
    }

    function _knownMarket(uint256 marketId) internal view returns (MarketLedger.State storage m) {
        address exchange = _exchanges[marketId];
        if (exchange == address(0)) revert IInsuranceVault.InsuranceFundUnknownMarket(marketId);
        m = _markets[marketId][exchange];
    }

    /// @dev A registered market that is not retired: what the lifecycle calls act on.
    function _activeMarket(uint256 marketId) internal view returns (MarketLedger.State storage m) {
        m = _knownMarket(marketId);
        if (m.retired) revert IMarketLifecycle.InsuranceFundMarketIsRetired(marketId);
    }

    /// @dev Replaces a market's cap `oldCap` by `newCap` in the cap sum, which must stay below 2^96.
    function _updateCapSum(uint256 marketId, uint256 oldCap, uint256 newCap) internal {
        uint256 capSum = _openInterestCapSum - oldCap + newCap;
        if (capSum > type(uint96).max) revert IMarketLifecycle.InsuranceFundOpenInterestCapsTooLarge(capSum);
        // Cannot truncate: below 2^96.
        _openInterestCapSum = uint128(capSum);
        emit IMarketLifecycle.InsuranceFundOpenInterestCapSet(marketId, newCap, capSum);
    }

    /// @dev Receives the market's deferred fees from its exchange: strictly (a failed pull reverts) or, when the market
    /// is retired or moved, leniently (a failed pull drops them: the fund never counted them).
    /// @return amount What was received.
    function _receiveDebt(
        MarketLedger.State storage m,
        uint256 marketId,
        bool strict
    ) internal returns (uint256 amount) {
        MarketLedger.FeeDebt memory d = m.debt;
        // Cannot overflow: two 80-bit parts.
        unchecked {
            amount = uint256(d.fundPart) + d.treasuryPart;
        }
        if (amount == 0) return 0;
        m.debt = MarketLedger.FeeDebt(d.cap, 0, 0);
        address exchange = _exchanges[marketId];
        if (strict) {
            _quoteToken.safeTransferFrom(exchange, address(this), amount);
        } else if (!_quoteToken.trySafeTransferFrom(exchange, address(this), amount)) {
            emit ITradeSettlement.InsuranceFundDeferredFeesDropped(marketId, exchange, amount);
            return 0;
        }
        // Credited after the transfer (governance or `nonReentrant` callers): only what arrived counts.
        _credit(d.fundPart, d.treasuryPart);
        emit ITradeSettlement.InsuranceFundDeferredFeesReceived(marketId, exchange, d.fundPart, d.treasuryPart, false);
    }

    /// @dev Adds received parts to the balance and the treasury's accrual (each checked to stay within its width).
    /// Both in one write of their shared slot.
    function _credit(uint256 fundPart, uint256 treasuryPart) internal {
        (_balance, _treasuryAccrued) = (
            _toBalance(_addCapped(_balance, fundPart)),
            _toBalance(_addCapped(_treasuryAccrued, treasuryPart))
        );
    }

    /// @dev Calls a policy view with `POLICY_GAS_LIMIT` gas and reads the first two words of its answer without
    /// trusting it: a revert, running out of gas or an answer shorter than `minAnswerBytes` comes back as
    /// `ok = false` instead of reverting here (as a `try` would when decoding a short answer), and at most
    /// 64 bytes are copied however long the answer is.
    function _askPolicy(
        IFeePolicy policy,
        bytes memory data,
        uint256 minAnswerBytes
    ) internal view returns (bool ok, uint256 first, uint256 second) {
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

    function _fundState() internal view returns (FundState memory) {
        return
            FundState({
                balance: _balance,
                averageOpenInterest: _openInterest.average(_windowSeconds),
                floor: _floor,
                targetShareBps: _targetShareBps
            });
    }

    function _target() internal view returns (uint256) {
        return _target(_openInterest.average(_windowSeconds));
    }

    /// @dev See `FundTarget.targetUp`.
    function _target(uint256 averageOpenInterest_) internal view returns (uint256) {
        return FundTarget.targetUp(averageOpenInterest_, _targetShareBps, _floor);
    }

    function _setTarget(uint16 targetShareBps_, uint128 floor_) internal {
        if (targetShareBps_ < MIN_TARGET_SHARE_BPS || targetShareBps_ > BasisPoints.MAX_BPS) {
            revert IInsuranceVault.InsuranceFundTargetShareOutOfBounds(targetShareBps_);
        }
        if (floor_ < _minFloor) revert IInsuranceVault.InsuranceFundFloorBelowMinimum(floor_, _minFloor);
        if (floor_ > type(uint96).max) revert IInsuranceVault.InsuranceFundAmountTooLarge(floor_);
        _targetShareBps = targetShareBps_;
        _floor = uint96(floor_);
        emit IInsuranceVault.InsuranceFundTargetSet(targetShareBps_, floor_);
    }

    function _setTreasury(address treasury_) internal {
        emit IFeeSplitter.InsuranceFundTreasurySet(_treasury, treasury_);
        _treasury = treasury_;
    }

    /// @dev Probes the policy with both kinds before accepting it. A policy that declares fixed shares
    /// (`IFixedSharePolicy`) and splits the probes by them is taken at its word: the fund then splits every fee by
    /// those shares itself, without calling it.
    function _setFeePolicy(IFeePolicy policy) internal {
        if (address(policy) == address(0)) revert IInsuranceVault.InsuranceFundZeroAddress();
        FundState memory state = _fundState();
        uint256[2] memory fundParts;
        for (uint256 k; k < 2; ++k) {
            bytes memory probe = abi.encodeCall(IFeePolicy.split, (FeeKind(k), POLICY_PROBE_AMOUNT, state));
            (bool ok, uint256 f, uint256 t) = _askPolicy(policy, probe, 64);
            if (!ok || f > POLICY_PROBE_AMOUNT || t != POLICY_PROBE_AMOUNT - f) {
                revert IFeeSplitter.InsuranceFundInvalidPolicy(address(policy));
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
        bool fixedShare =
            tradingOk &&
                penaltyOk &&
                tradingFeeBps <= BasisPoints.MAX_BPS &&
                penaltyBps <= BasisPoints.MAX_BPS &&
                fundParts[0] == BasisPoints.mulBpsUp(POLICY_PROBE_AMOUNT, tradingFeeBps) &&
                fundParts[1] == BasisPoints.mulBpsUp(POLICY_PROBE_AMOUNT, penaltyBps);
        emit IFeeSplitter.InsuranceFundFeePolicySet(address(_feePolicy), address(policy));
        _feePolicy = policy;
        // Cannot truncate: both at most 10,000 when used.
        (_fixedTradingFeeBps, _fixedPenaltyBps) = fixedShare
            ? (uint16(tradingFeeBps), uint16(penaltyBps))
            : (NOT_FIXED, 0);
    }

    /// @dev Sends the backstop `amount` as income, streamed to its stakers.
    function _payBackstop(IBackstopVault backstop_, uint256 amount) internal {
        _quoteToken.safeTransfer(address(backstop_), amount);
        backstop_.notifyIncome(amount);
    }

    /// @dev `a + b`, saturating at `2^256 - 1` instead of overflowing, for `_toBalance` to name the error.
    function _addCapped(uint256 a, uint256 b) internal pure returns (uint256) {
        unchecked {
            uint256 sum = a + b;
            return sum < a ? type(uint256).max : sum;
        }
    }

    /// @dev The balance's and the treasury accrual's width.
    function _toBalance(uint256 amount) internal pure returns (uint96) {
        if (amount > type(uint96).max) revert IInsuranceVault.InsuranceFundAmountTooLarge(amount);
        return uint96(amount);
    }
}
