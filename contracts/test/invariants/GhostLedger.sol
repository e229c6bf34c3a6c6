// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {FeeKind, FundState} from "../../interfaces/IFeePolicy.sol";
import {IFeeSplitter} from "../../interfaces/IFeeSplitter.sol";
import {BankruptcyCover, IInsuranceVault} from "../../interfaces/IInsuranceVault.sol";
import {IReferenceExchange} from "../../interfaces/IReferenceExchange.sol";
import {VM, Vm} from "../utils/Vm.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @title GhostLedger
/// @notice The invariant handler's books: the ghosts (running sums over the run and per market), the metrics, and
/// the per-event properties counted in `violations(id)`. It reads the fund's and the exchange's events for what
/// they decided and rebuilds the socialized losses a position owes; the actions call it, never the other way round.
abstract contract GhostLedger is HandlerBase {
    // ================================================================ types

    /// @notice Running sums over the whole run.
    struct Ghosts {
        uint256 minted;
        uint256 deposits;
        uint256 donations;
        uint256 fundIncome;
        uint256 rewardsPaid;
        uint256 shortfallsPaid;
        uint256 surplusSwept;
        uint256 unaccountedSwept;
        uint256 feeAmounts;
        uint256 fundParts;
        uint256 treasuryParts;
        uint256 flushed;
        uint256 badDebtRecorded;
        uint256 badDebtRepaid;
        uint256 badDebtRecordedWithOpenBase;
        bool hasOpenInterestHistory;
        uint256 minTotalOpenInterest;
        uint256 maxTotalOpenInterest;
    }

    /// @notice Running sums per market.
    struct MarketGhosts {
        uint256 rewardsPaid;
        uint256 shortfallsPaid;
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
        uint256 socializations;
        uint256 badDebts;
        uint256 badDebtRepayments;
        uint256 nonzeroSettlements;
        uint256 sweeps;
        uint256 flushes;
        uint256 attacks;
        uint256 pausedLiquidations;
    }

    /// @dev What the events of one action said.
    struct Effects {
        uint256 charge;
        uint256 rewardPaid;
        uint256 shortfallPaid;
        uint256 socialized;
        uint256 badDebt;
        bool covered;
        uint256 claimShortfall;
        uint256 keeperReward;
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
    mapping(bytes32 invariant => uint256) internal _violations;

    /// @dev The fund's state at the start of the current action: what a fee policy saw (SPLIT-02).
    FundState internal _stateBefore;

    // ================================================================ constructor

    constructor() {
        for (uint256 i; i < MARKETS; ++i) _mg[_marketIds[i]].lossIndexAtStart = _fund.lossIndex(_marketIds[i]);
    }

    // ================================================================ modifiers

    /// @dev Keeps time monotone, snapshots what the checks compare against, and after the action records the
    /// total open interest for OI-02.
    modifier action() {
        if (block.timestamp < _now) VM.warp(_now);
        for (uint256 i; i < MARKETS; ++i) _mg[_marketIds[i]].lossIndexAtStart = _fund.lossIndex(_marketIds[i]);
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
        uint256 fixedHolders = TRADERS + LIQUIDATORS + 5;
        list = new address[](fixedHolders + _strangers.length);
        uint256 n;
        for (uint256 i; i < TRADERS; ++i) list[n++] = _traders[i];
        for (uint256 i; i < LIQUIDATORS; ++i) list[n++] = _liquidators[i];
        list[n++] = _funder;
        list[n++] = _donor;
        list[n++] = address(_exchange);
        list[n++] = address(_fund);
        list[n++] = _treasury;
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
            _processFee(log);
        } else if (topic == IInsuranceVault.InsuranceFundBankruptcyCovered.selector) {
            BankruptcyCover memory cover = abi.decode(log.data, (BankruptcyCover));
            MarketGhosts storage mg = _mg[uint256(log.topics[1])];
            mg.rewardsPaid += cover.fundReward;
            mg.shortfallsPaid += cover.fundShortfall;
            _g.rewardsPaid += cover.fundReward;
            _g.shortfallsPaid += cover.fundShortfall;
            e.rewardPaid += cover.fundReward;
            e.shortfallPaid += cover.fundShortfall;
        } else if (topic == IInsuranceVault.InsuranceFundLossSocialized.selector) {
            (uint256 amount, , ) = abi.decode(log.data, (uint256, uint256, uint256));
            _processSocialized(uint256(log.topics[1]), amount);
            e.socialized += amount;
        } else if (topic == IInsuranceVault.InsuranceFundBadDebtRecorded.selector) {
            (uint256 amount, ) = abi.decode(log.data, (uint256, uint256));
            _g.badDebtRecorded += amount;
            if (absBaseSum(uint256(log.topics[1])) != 0) ++_g.badDebtRecordedWithOpenBase;
            ++_metrics.badDebts;
            e.badDebt += amount;
        } else if (topic == IInsuranceVault.InsuranceFundSurplusSwept.selector) {
            (uint256 surplus, uint256 unaccounted) = abi.decode(log.data, (uint256, uint256));
            _g.surplusSwept += surplus;
            _g.unaccountedSwept += unaccounted;
        } else if (topic == IFeeSplitter.InsuranceFundTreasuryFlushed.selector) {
            _g.flushed += abi.decode(log.data, (uint256));
        }
    }

    function _processFee(Vm.Log memory log) internal {
        FeeSplit memory f;
        (f.amount, f.fundPart, f.treasuryPart, f.badDebtRepaid) = abi.decode(
            log.data,
            (uint256, uint256, uint256, uint256)
        );
        FeeKind kind = FeeKind(uint8(uint256(log.topics[2])));
        try _policy.split(kind, f.amount, _stateBefore) returns (uint256 fundPart, uint256 treasuryPart) {
            (f.policyAnswered, f.policyFundPart, f.policyTreasuryPart) = (true, fundPart, treasuryPart);
        } catch {}
        _flag(_splitAddsUp(f), SPLIT_01);
        _flag(_splitFollowsPolicy(f), SPLIT_02);
        _g.feeAmounts += f.amount;
        _g.fundParts += f.fundPart;
        _g.treasuryParts += f.treasuryPart;
        // A repayment above the fund part is a SPLIT-01 violation (flagged above); keep the books from underflowing.
        _g.fundIncome += f.fundPart - Math.min(f.badDebtRepaid, f.fundPart);
        _g.badDebtRepaid += f.badDebtRepaid;
        if (f.badDebtRepaid != 0) ++_metrics.badDebtRepayments;
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
        } else if (topic == IReferenceExchange.ReferenceExchangeBankruptcyCovered.selector) {
            e.covered = true;
            BankruptcyCover memory cover;
            (e.claimShortfall, cover) = abi.decode(log.data, (uint256, BankruptcyCover));
            // The exchange pays its liquidator the whole capped reward (the liquidation's event came first).
            _rewardsTo[_lastLiquidator] += cover.reward;
            e.keeperReward = cover.reward;
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
