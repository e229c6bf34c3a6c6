// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {FeeKind, FundState} from "../../interfaces/IFeePolicy.sol";
import {IFeeSplitter} from "../../interfaces/IFeeSplitter.sol";
import {IFundBackstop} from "../../interfaces/IFundBackstop.sol";
import {BankruptcyCover, IInsuranceVault} from "../../interfaces/IInsuranceVault.sol";
import {IPayoutLimits} from "../../interfaces/IPayoutLimits.sol";
import {IReferenceExchange} from "../../interfaces/IReferenceExchange.sol";
import {ITradeSettlement} from "../../interfaces/ITradeSettlement.sol";
import {VM, Vm} from "../utils/Vm.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title GhostLedger
/// @notice The invariant handler's books: the ghosts (running sums over the run and per market), the metrics, and
/// the per-event properties counted in `violations(id)`. It reads the fund's and the exchange's events for what
/// they decided and rebuilds the socialized losses a position owes, each market's pending claim and each payout
/// bucket's windows; the actions call it, never the other way round.
abstract contract GhostLedger is HandlerBase {
    // ================================================================ constants

    /// @dev The fund-wide bucket's key among the buckets' ghosts (market ids are small).
    uint256 internal constant FUND_BUCKET = type(uint256).max;
    /// @dev `PayoutBucket.DISABLED`: a bucket with this capacity lets everything through.
    uint256 internal constant BUCKET_DISABLED = type(uint128).max;

    // ================================================================ types

    /// @notice Running sums over the whole run.
    /// @param backstopAllocated The backstop's parts B of the bankruptcies (paid now or pending, as the fund's).
    /// @param backstopIncome The backstop's shares of the treasury's flushes.
    struct Ghosts {
        uint256 minted;
        uint256 deposits;
        uint256 donations;
        uint256 fundIncome;
        uint256 rewardsAllocated;
        uint256 shortfallsAllocated;
        uint256 backstopAllocated;
        uint256 paidToExchanges;
        uint256 pendingRejected;
        uint256 houseDeposits;
        uint256 surplusSwept;
        uint256 unaccountedSwept;
        uint256 feeAmounts;
        uint256 fundParts;
        uint256 treasuryParts;
        /// @dev The treasury parts received (pulled with the fee, or later with the deferred debt): FUND-04.
        uint256 treasuryIncome;
        /// @dev DEFER-01: fee parts booked as an exchange's debt, received later (pulled or netted), dropped.
        uint256 deferredBooked;
        uint256 deferredReceived;
        uint256 deferredDropped;
        uint256 flushed;
        uint256 backstopIncome;
        uint256 badDebtRecorded;
        uint256 badDebtRepaid;
        uint256 badDebtRecordedWithOpenBase;
        bool hasOpenInterestHistory;
        uint256 minTotalOpenInterest;
        uint256 maxTotalOpenInterest;
    }

    /// @notice Running sums per market.
    /// @param pending The market's pending claim rebuilt from the events: allocated - paid - rejected.
    /// @param badDebt The market's bad debt, read at each action's start and moved by its events (SPLIT-01).
    struct MarketGhosts {
        uint256 rewardsAllocated;
        uint256 shortfallsAllocated;
        uint256 pending;
        uint256 badDebt;
        uint256 socialized;
        uint256 charged;
        uint256 nonzeroCharges;
        uint256 expectedLossIndex;
        uint256 lossIndexAtStart;
        uint256 lastReportedOpenInterest;
    }

    /// @notice How often each interesting thing happened (to tune the suite: a run that never crashes tests little).
    struct Metrics {
        uint256 trades;
        uint256 failedTrades;
        uint256 liquidations;
        uint256 bankruptcies;
        uint256 limitBound;
        uint256 backstopCovers;
        uint256 socializations;
        uint256 badDebts;
        uint256 badDebtRepayments;
        uint256 nonzeroSettlements;
        uint256 sweeps;
        uint256 flushes;
        uint256 attacks;
        uint256 pausedLiquidations;
        uint256 pendingCreated;
        uint256 pendingPayments;
        uint256 bucketConfigs;
        uint256 bucketBound;
        uint256 deferredBookings;
        uint256 deferredPulls;
    }

    /// @notice One payout bucket since it was last configured (PAY-01): its settings and its payouts.
    /// @param paidBefore For each payout, what the bucket had let through since the configure before it.
    struct BucketGhost {
        uint256 capacity;
        uint256 refillPerSecond;
        uint256 configuredAt;
        uint256 paidSinceConfigure;
        uint256[] times;
        uint256[] paidBefore;
    }

    /// @dev What the events of one action said.
    /// @param fundCovered The fund ran the waterfall (its event), `cover` its answer.
    /// @param covered The exchange reported a bankruptcy, for `claimShortfall`.
    /// @param penaltyShare What the exchange paid the liquidator out of the account's own penalty.
    /// @param feesPulled What the fund pulled from the exchange for fees (amount - bad debt repaid).
    struct Effects {
        uint256 charge;
        uint256 socialized;
        uint256 badDebt;
        BankruptcyCover cover;
        uint256 claimShortfall;
        uint256 penaltyShare;
        uint256 feesPulled;
        bool fundCovered;
        bool covered;
    }

    /// @dev A position about to be settled: its exact share of the losses since it last settled (LOSS-03).
    struct Touch {
        address account;
        uint256 marketId;
        uint256 exactShare;
        uint256 terms;
    }

    /// @dev One socialized loss and the open base it was spread over.
    struct Loss {
        uint256 amount;
        uint256 openBase;
    }

    // ================================================================ storage

    Ghosts internal _g;
    Metrics internal _metrics;
    mapping(uint256 marketId => MarketGhosts) internal _mg;
    mapping(uint256 marketId => Loss[]) internal _losses;
    mapping(address account => mapping(uint256 marketId => uint256)) internal _nextLoss;
    mapping(address liquidator => uint256) internal _rewardsTo;
    /// @dev The liquidator of the liquidation whose events are being read (its bankruptcy event follows).
    address internal _lastLiquidator;
    /// @dev What the last `InsuranceFundBadDebtRepaid` repaid: a settled trade's event gives the fee's parts, and the
    /// repayment comes before it in the same call.
    uint256 internal _repaidBeforeTrade;
    mapping(bytes32 invariant => uint256) internal _violations;
    mapping(uint256 bucket => BucketGhost) internal _buckets;

    /// @dev The fund's state at the start of the current action: what a fee policy saw (SPLIT-02).
    FundState internal _stateBefore;

    // ================================================================ constructor

    constructor() {
        for (uint256 i; i < MARKETS; ++i) _mg[_marketIds[i]].lossIndexAtStart = _fund.lossIndex(_marketIds[i]);
    }

    // ================================================================ modifiers

    /// @dev Keeps time monotone (`_now` is the action's time, which the bucket ghosts use), snapshots what the checks
    /// compare against, and after the action records the total open interest for OI-02.
    modifier action() {
        if (block.timestamp < _now) VM.warp(_now);
        else _now = block.timestamp;
        for (uint256 i; i < MARKETS; ++i) {
            MarketGhosts storage mg = _mg[_marketIds[i]];
            mg.lossIndexAtStart = _fund.lossIndex(_marketIds[i]);
            mg.badDebt = _fund.market(_marketIds[i]).badDebt;
        }
        _stateBefore = _fund.fundState();
        _;
        _recordOpenInterestHistory();
    }

    /// @dev ACCESS-01: the action must not move the fund's money.
    modifier moneyNeutral() {
        bytes32 before = _fundMoney();
        _;
        _flag(_fundMoney() == before, ACCESS_01);
    }

    // ================================================================ views for the tests

    /// @notice The run's ghosts.
    function ghosts() external view returns (Ghosts memory) {
        return _g;
    }

    /// @notice A market's ghosts.
    function marketGhosts(uint256 marketId) external view returns (MarketGhosts memory) {
        return _mg[marketId];
    }

    /// @notice The run's metrics.
    function metrics() external view returns (Metrics memory) {
        return _metrics;
    }

    /// @notice How many times a per-event property failed so far.
    /// @param invariant The invariant's constant (id and sentence).
    function violations(string calldata invariant) external view returns (uint256) {
        return _violations[keccak256(bytes(invariant))];
    }

    /// @notice The liquidators and the rewards paid to each (by the fund's waterfall and the exchange's penalty).
    function liquidatorRewards() external view returns (address[] memory list, uint256[] memory rewarded) {
        list = new address[](LIQUIDATORS);
        rewarded = new uint256[](LIQUIDATORS);
        for (uint256 i; i < LIQUIDATORS; ++i) {
            list[i] = _liquidators[i];
            rewarded[i] = _rewardsTo[_liquidators[i]];
        }
    }

    /// @notice Every address the handler ever minted to or that can hold tokens: the CONS-01 holders.
    function holders() external view returns (address[] memory list) {
        uint256 fixedHolders = TRADERS + LIQUIDATORS + 9;
        list = new address[](fixedHolders + _strangers.length);
        uint256 n;
        for (uint256 i; i < TRADERS; ++i) list[n++] = _traders[i];
        for (uint256 i; i < LIQUIDATORS; ++i) list[n++] = _liquidators[i];
        list[n++] = _funder;
        list[n++] = _donor;
        list[n++] = _exchangeOwner;
        list[n++] = address(_exchange);
        list[n++] = address(_fund);
        list[n++] = _treasury;
        list[n++] = _staker;
        list[n++] = address(_backstop);
        list[n++] = _deferExchange;
        for (uint256 i; i < _strangers.length; ++i) list[n++] = _strangers[i];
    }

    /// @notice The socialized-loss charges every open position of a market would pay if settled now, and how many
    /// of them are not zero (LOSS-01).
    function pendingCharges(uint256 marketId) external view returns (uint256 pending, uint256 nonzero) {
        for (uint256 i; i < TRADERS; ++i) {
            uint256 absBase = SignedMath.abs(_exchange.position(_traders[i], marketId).baseWad);
            if (absBase == 0) continue;
            (uint256 loss, ) = _fund.positionLoss(
                marketId,
                absBase,
                _exchange.position(_traders[i], marketId).settledLossIndex
            );
            pending += loss;
            if (loss != 0) ++nonzero;
        }
    }

    // ================================================================ internal: events

    /// @dev Reads one action's logs into the ghosts and checks the per-event properties.
    function _process(Vm.Log[] memory logs) internal returns (Effects memory e) {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(_fund)) _processFundLog(logs[i], e);
            else if (logs[i].emitter == address(_exchange)) _processExchangeLog(logs[i], e);
        }
    }

    function _processFundLog(Vm.Log memory log, Effects memory e) internal {
        bytes32 topic = log.topics[0];
        if (topic == IFeeSplitter.InsuranceFundFeeCollected.selector) {
            _processFee(log, e);
        } else if (topic == IInsuranceVault.InsuranceFundBankruptcyCovered.selector) {
            e.fundCovered = true;
            e.cover = abi.decode(log.data, (BankruptcyCover));
            _processCover(uint256(log.topics[1]), e.cover);
        } else if (topic == IPayoutLimits.InsuranceFundPendingClaimPaid.selector) {
            (uint256 amount, ) = abi.decode(log.data, (uint256, uint256));
            _processPendingPaid(uint256(log.topics[1]), amount);
        } else if (topic == IPayoutLimits.InsuranceFundPendingClaimRejected.selector) {
            uint256 amount = abi.decode(log.data, (uint256));
            MarketGhosts storage mg = _mg[uint256(log.topics[1])];
            mg.pending -= Math.min(amount, mg.pending);
            _g.pendingRejected += amount;
        } else if (topic == IPayoutLimits.InsuranceFundMarketPayoutLimitSet.selector) {
            (uint256 capacity, uint256 refill) = abi.decode(log.data, (uint256, uint256));
            _configureBucket(uint256(log.topics[1]), capacity, refill);
        } else if (topic == IPayoutLimits.InsuranceFundFundPayoutLimitSet.selector) {
            (uint256 capacity, uint256 refill) = abi.decode(log.data, (uint256, uint256));
            _configureBucket(FUND_BUCKET, capacity, refill);
        } else if (topic == IInsuranceVault.InsuranceFundLossSocialized.selector) {
            (uint256 amount, , ) = abi.decode(log.data, (uint256, uint256, uint256));
            _processSocialized(uint256(log.topics[1]), amount);
            e.socialized += amount;
        } else if (topic == IInsuranceVault.InsuranceFundBadDebtRecorded.selector) {
            (uint256 amount, ) = abi.decode(log.data, (uint256, uint256));
            _g.badDebtRecorded += amount;
            _mg[uint256(log.topics[1])].badDebt += amount;
            if (absBaseSum(uint256(log.topics[1])) != 0) ++_g.badDebtRecordedWithOpenBase;
            ++_metrics.badDebts;
            e.badDebt += amount;
        } else if (topic == IInsuranceVault.InsuranceFundSurplusSwept.selector) {
            (uint256 surplus, uint256 unaccounted) = abi.decode(log.data, (uint256, uint256));
            _g.surplusSwept += surplus;
            _g.unaccountedSwept += unaccounted;
        } else if (topic == IFeeSplitter.InsuranceFundTreasuryFlushed.selector) {
            _g.flushed += abi.decode(log.data, (uint256));
        } else if (topic == IFundBackstop.InsuranceFundBackstopIncomePaid.selector) {
            _g.backstopIncome += abi.decode(log.data, (uint256));
        } else {
            _processTradeLog(log, topic, e);
        }
    }

    /// @dev The events of a settled trade and of the deferred fee pull.
    function _processTradeLog(Vm.Log memory log, bytes32 topic, Effects memory e) internal {
        if (topic == IFeeSplitter.InsuranceFundBadDebtRepaid.selector) {
            (_repaidBeforeTrade, ) = abi.decode(log.data, (uint256, uint256));
        } else if (topic == ITradeSettlement.InsuranceFundTradeSettled.selector) {
            _processTradeSettled(log, false, e);
        } else if (topic == ITradeSettlement.InsuranceFundTradeFeeDeferred.selector) {
            _processTradeSettled(log, true, e);
        } else if (topic == ITradeSettlement.InsuranceFundDeferredFeesReceived.selector) {
            _processDeferredReceived(log);
        } else if (topic == ITradeSettlement.InsuranceFundDeferredFeesDropped.selector) {
            _g.deferredDropped += abi.decode(log.data, (uint256));
        }
    }

    /// @dev SPLIT-01 and SPLIT-02 against the market's bad debt just before the fee and the policy's answer for
    /// what the repayment left.
    function _processFee(Vm.Log memory log, Effects memory e) internal {
        _repaidBeforeTrade = 0;
        FeeSplit memory f;
        (f.amount, f.fundPart, f.treasuryPart, f.badDebtRepaid) = abi.decode(
            log.data,
            (uint256, uint256, uint256, uint256)
        );
        _processSplit(uint256(log.topics[1]), FeeKind(uint8(uint256(log.topics[2]))), f, true, e);
    }

    /// @dev `settleTrade`'s one event: the fee is its parts plus the repayment just before it; booked parts are not
    /// income.
    function _processTradeSettled(Vm.Log memory log, bool deferred, Effects memory e) internal {
        FeeSplit memory f;
        FeeKind kind;
        (kind, f.fundPart, f.treasuryPart, ) = abi.decode(log.data, (FeeKind, uint256, uint256, uint256));
        f.badDebtRepaid = _repaidBeforeTrade;
        _repaidBeforeTrade = 0;
        f.amount = f.fundPart + f.treasuryPart + f.badDebtRepaid;
        _processSplit(uint256(log.topics[1]), kind, f, !deferred, e);
        if (deferred) {
            _g.deferredBooked += f.fundPart + f.treasuryPart;
            ++_metrics.deferredBookings;
        }
    }

    /// @dev Deferred fees arrived: now they are income. Netting against a pending claim (a payout to a deferring
    /// market) is not driven: the deferring market has no bankruptcies, so each receipt here was pulled.
    function _processDeferredReceived(Vm.Log memory log) internal {
        (uint256 fundPart, uint256 treasuryPart, ) = abi.decode(log.data, (uint256, uint256, bool));
        _g.fundIncome += fundPart;
        _g.treasuryIncome += treasuryPart;
        _g.deferredReceived += fundPart + treasuryPart;
        ++_metrics.deferredPulls;
    }

    /// @dev One fee's split, `received` or booked as the exchange's debt (then income only when it arrives).
    function _processSplit(
        uint256 marketId,
        FeeKind kind,
        FeeSplit memory f,
        bool received,
        Effects memory e
    ) internal {
        MarketGhosts storage mg = _mg[marketId];
        f.badDebtBefore = mg.badDebt;
        // A repayment above the amount or the bad debt is a SPLIT-01 violation (flagged below); the books saturate.
        uint256 rest = f.amount - Math.min(f.badDebtRepaid, f.amount);
        if (rest != 0) {
            try _policy.split(kind, rest, _stateBefore) returns (uint256 fundPart, uint256 treasuryPart) {
                (f.policyAnswered, f.policyFundPart, f.policyTreasuryPart) = (true, fundPart, treasuryPart);
            } catch {}
        }
        _flag(_splitAddsUp(f), SPLIT_01);
        _flag(_splitFollowsPolicy(f), SPLIT_02);
        mg.badDebt -= Math.min(f.badDebtRepaid, mg.badDebt);
        _g.feeAmounts += f.amount;
        _g.fundParts += f.fundPart;
        _g.treasuryParts += f.treasuryPart;
        _g.badDebtRepaid += f.badDebtRepaid;
        if (received) {
            _g.fundIncome += f.fundPart;
            _g.treasuryIncome += f.treasuryPart;
            e.feesPulled += rest;
        }
        if (f.badDebtRepaid != 0) ++_metrics.badDebtRepayments;
    }

    /// @dev The waterfall's answer: F leaves the balance and joins the market's books, B arrived from the backstop;
    /// what was paid (the earlier claim first, PEND-01) goes through both buckets (PAY-01); the rest of F + B waits
    /// as pending.
    function _processCover(uint256 marketId, BankruptcyCover memory cover) internal {
        MarketGhosts storage mg = _mg[marketId];
        mg.rewardsAllocated += cover.fundReward;
        mg.shortfallsAllocated += cover.fundShortfall;
        _g.rewardsAllocated += cover.fundReward;
        _g.shortfallsAllocated += cover.fundShortfall;
        _g.backstopAllocated += cover.backstopReward + cover.backstopShortfall;
        if (cover.backstopReward + cover.backstopShortfall != 0) ++_metrics.backstopCovers;
        _flag(_payoutInOrder(PendingPayout(mg.pending, cover.earlierPendingPaid, cover.paidNow)), PEND_01);
        // An earlier payout above the claim is PEND-01's (caught by the per-market check); the ghost saturates.
        mg.pending = mg.pending - Math.min(cover.earlierPendingPaid, mg.pending) + cover.pending;
        if (cover.pending != 0) ++_metrics.pendingCreated;
        _recordPayout(marketId, cover.earlierPendingPaid + cover.paidNow);
    }

    function _processPendingPaid(uint256 marketId, uint256 amount) internal {
        MarketGhosts storage mg = _mg[marketId];
        mg.pending -= Math.min(amount, mg.pending);
        ++_metrics.pendingPayments;
        _recordPayout(marketId, amount);
    }

    // ================================================================ internal: payout buckets (PAY-01)

    function _configureBucket(uint256 key, uint256 capacity, uint256 refillPerSecond) internal {
        BucketGhost storage b = _buckets[key];
        (b.capacity, b.refillPerSecond, b.configuredAt, b.paidSinceConfigure) = (capacity, refillPerSecond, _now, 0);
        delete b.times;
        delete b.paidBefore;
        ++_metrics.bucketConfigs;
    }

    /// @dev A payout to the market's exchange went through the market's bucket and the fund-wide one.
    function _recordPayout(uint256 marketId, uint256 amount) internal {
        if (amount == 0) return;
        _g.paidToExchanges += amount;
        _recordBucketPayout(_buckets[marketId], amount);
        _recordBucketPayout(_buckets[FUND_BUCKET], amount);
    }

    /// @dev PAY-01 over the windows that end now and start at the bucket's last configure or at any payout since
    /// (that payout included): at each of those moments the level was at most the capacity.
    function _recordBucketPayout(BucketGhost storage b, uint256 amount) internal {
        if (b.capacity == 0 || b.capacity == BUCKET_DISABLED) return;
        b.times.push(_now);
        b.paidBefore.push(b.paidSinceConfigure);
        uint256 paid = b.paidSinceConfigure + amount;
        b.paidSinceConfigure = paid;
        uint256 capacity = b.capacity;
        uint256 refill = b.refillPerSecond;
        _flag(_windowHolds(PayoutWindow(capacity, refill, _now - b.configuredAt, paid)), PAY_01);
        uint256 count = b.times.length;
        for (uint256 j; j < count; ++j) {
            _flag(_windowHolds(PayoutWindow(capacity, refill, _now - b.times[j], paid - b.paidBefore[j])), PAY_01);
        }
        if (paid == capacity + refill * (_now - b.configuredAt)) ++_metrics.bucketBound;
    }

    /// @dev LOSS-02's rebuilt index uses the open base summed over the positions, not the one the exchange sent.
    function _processSocialized(uint256 marketId, uint256 amount) internal {
        uint256 openBase = absBaseSum(marketId);
        MarketGhosts storage mg = _mg[marketId];
        mg.socialized += amount;
        ++_metrics.socializations;
        if (openBase == 0) {
            // Socialized over nothing: nobody will ever pay it, and the index cannot be rebuilt.
            _flag(false, LOSS_02);
            return;
        }
        _losses[marketId].push(Loss(amount, openBase));
        mg.expectedLossIndex += Math.mulDiv(amount, LOSS_INDEX_SCALE, openBase, Math.Rounding.Ceil);
    }

    function _processExchangeLog(Vm.Log memory log, Effects memory e) internal {
        bytes32 topic = log.topics[0];
        if (topic == IReferenceExchange.ReferenceExchangeLossSettled.selector) {
            (uint256 loss, ) = abi.decode(log.data, (uint256, uint256));
            MarketGhosts storage mg = _mg[uint256(log.topics[2])];
            mg.charged += loss;
            if (loss != 0) {
                ++mg.nonzeroCharges;
                ++_metrics.nonzeroSettlements;
            }
            e.charge += loss;
        } else if (topic == IReferenceExchange.ReferenceExchangeLiquidated.selector) {
            (, , , , uint256 liquidatorReward) = abi.decode(log.data, (int256, uint256, int256, uint256, uint256));
            _lastLiquidator = address(uint160(uint256(log.topics[3])));
            _rewardsTo[_lastLiquidator] += liquidatorReward;
            e.penaltyShare += liquidatorReward;
        } else if (topic == IReferenceExchange.ReferenceExchangeBankruptcyCovered.selector) {
            e.covered = true;
            BankruptcyCover memory cover;
            (e.claimShortfall, cover) = abi.decode(log.data, (uint256, BankruptcyCover));
            // The exchange pays its liquidator the whole capped reward (the liquidation's event came first).
            _rewardsTo[_lastLiquidator] += cover.reward;
        } else if (topic == IReferenceExchange.ReferenceExchangeHouseCapitalDeposited.selector) {
            _g.houseDeposits += abi.decode(log.data, (uint256));
        } else if (topic == IReferenceExchange.ReferenceExchangeHouseCapitalWithdrawn.selector) {
            _g.houseDeposits -= abi.decode(log.data, (uint256));
        }
    }

    // ================================================================ internal: socialized losses

    /// @dev LOSS-03: the exact share a position owes before it is touched, from the losses since it last settled.
    function _beginTouch(address account, uint256 marketId) internal view returns (Touch memory t) {
        t.account = account;
        t.marketId = marketId;
        uint256 absBase = SignedMath.abs(_exchange.position(account, marketId).baseWad);
        if (absBase == 0) return t;
        Loss[] storage losses = _losses[marketId];
        for (uint256 j = _nextLoss[account][marketId]; j < losses.length; ++j) {
            t.exactShare += Math.mulDiv(losses[j].amount * SHARE_PRECISION, absBase, losses[j].openBase);
            ++t.terms;
        }
    }

    function _endTouch(Touch memory t, uint256 charge) internal {
        _flag(_settlementHolds(Settlement(charge, t.exactShare, t.terms)), LOSS_03);
        _nextLoss[t.account][t.marketId] = _losses[t.marketId].length;
    }

    // ================================================================ internal: records

    /// @dev OI-01: what the exchange must have reported after a trade or liquidation, computed from the positions.
    function _recordReport(uint256 marketId) internal {
        _mg[marketId].lastReportedOpenInterest = Math.mulDiv(
            absBaseSum(marketId),
            _exchange.price(marketId),
            BASE_PRICE_TO_QUOTE
        );
    }

    function _recordOpenInterestHistory() internal {
        uint256 total = _fund.totalOpenInterest();
        if (!_g.hasOpenInterestHistory) {
            if (total == 0) return;
            _g.hasOpenInterestHistory = true;
            _g.minTotalOpenInterest = total;
            _g.maxTotalOpenInterest = total;
            return;
        }
        if (total < _g.minTotalOpenInterest) _g.minTotalOpenInterest = total;
        if (total > _g.maxTotalOpenInterest) _g.maxTotalOpenInterest = total;
    }

    function _flag(bool holds, string memory invariant) internal {
        if (!holds) ++_violations[keccak256(bytes(invariant))];
    }

    function _mint(address to, uint256 amount) internal {
        _usdc.mint(to, amount);
        _g.minted += amount;
    }
}
