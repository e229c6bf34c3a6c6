// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {MarketInfo} from "../../interfaces/IInsuranceVault.sol";
import {AccountHealth, MarketParams} from "../../interfaces/IReferenceExchange.sol";
import {MockPriceFeed} from "../../mocks/MockPriceFeed.sol";
import {VM, Vm} from "../utils/Vm.sol";
import {GhostLedger} from "./GhostLedger.sol";

/// @title ExchangeActions
/// @notice The invariant handler's exchange actions: traders deposit, withdraw and trade, keepers settle and
/// liquidate, the oracle moves prices. A liquidation is checked against the account's health (LIQ-01, LIVE-01) and a
/// bankruptcy against the waterfall predicted from the state before (WF-01).
abstract contract ExchangeActions is GhostLedger {
    // ================================================================ types

    /// @dev Token balances around a liquidation, and the backstop's assets.
    struct Balances {
        uint256 liquidator;
        uint256 exchange;
        uint256 fund;
        uint256 backstop;
        uint256 backstopAssets;
    }

    // ================================================================ set-up helpers (not fuzzed)

    /// @notice Deposits `collateral` for trader `traderIndex` in market `marketIndex` and trades `sizeWad`.
    function openPosition(
        uint256 traderIndex,
        uint256 marketIndex,
        uint256 collateral,
        int256 sizeWad
    ) external action {
        address trader = _traders[traderIndex];
        uint256 marketId = _marketIds[marketIndex];
        _depositCollateral(trader, marketId, collateral);
        _trade(trader, marketId, sizeWad);
    }

    // ================================================================ actions: traders

    /// @notice A trader adds collateral in a market.
    function depositCollateral(uint256 actorSeed, uint256 marketSeed, uint256 amount) external action moneyNeutral {
        _depositCollateral(_trader(actorSeed), _market(marketSeed), _bound(amount, 1e6, 20_000e6));
    }

    /// @notice A trader takes collateral out (settles first; may be refused for margin or by an empty vault).
    function withdrawCollateral(uint256 actorSeed, uint256 marketSeed, uint256 amount) external action moneyNeutral {
        address trader = _trader(actorSeed);
        uint256 marketId = _market(marketSeed);
        int256 collateral = _exchange.position(trader, marketId).collateral;
        if (collateral <= 0) return;
        amount = _bound(amount, 1, uint256(collateral));
        Touch memory t = _beginTouch(trader, marketId);
        VM.recordLogs();
        VM.prank(trader);
        try _exchange.withdraw(marketId, amount) {
            _endTouch(t, _process(VM.getRecordedLogs()).charge);
        } catch {
            VM.getRecordedLogs();
        }
    }

    /// @notice A trader opens, increases, reduces, closes or flips a position (`kindSeed` picks which), with a size
    /// bounded by its margin; a trader short of collateral deposits first.
    function trade(uint256 actorSeed, uint256 marketSeed, uint256 kindSeed, uint256 sizeSeed) external action {
        address trader = _trader(actorSeed);
        uint256 marketId = _market(marketSeed);
        int256 sizeWad = _tradeSize(trader, marketId, kindSeed, sizeSeed);
        if (sizeWad != 0) _trade(trader, marketId, sizeWad);
    }

    // ================================================================ actions: keepers

    /// @notice Anyone settles a position's socialized losses.
    function settle(uint256 callerSeed, uint256 actorSeed, uint256 marketSeed) external action moneyNeutral {
        address account = _trader(actorSeed);
        uint256 marketId = _market(marketSeed);
        Touch memory t = _beginTouch(account, marketId);
        VM.recordLogs();
        VM.prank(_liquidators[callerSeed % LIQUIDATORS]);
        _exchange.settle(account, marketId);
        _endTouch(t, _process(VM.getRecordedLogs()).charge);
    }

    /// @notice A liquidator liquidates a liquidatable account (or, one time in four, whichever account the seed
    /// names, healthy or not), and the outcome is checked against the account's health (LIQ-01; a bankrupt account's
    /// revert is a LIVE-01 violation, not swallowed) and, for a bankrupt account, against the waterfall predicted
    /// from the state before (WF-01).
    function liquidate(uint256 liquidatorSeed, uint256 targetSeed) external action {
        address liquidator = _liquidators[liquidatorSeed % LIQUIDATORS];
        (address account, uint256 marketId) = _pickTarget(targetSeed);
        AccountHealth memory h = _exchange.accountHealth(account, marketId);
        LiquidationAttempt memory a = LiquidationAttempt({
            liquidatable: h.liquidatable,
            bankrupt: h.bankrupt,
            exchangeShort: false,
            succeeded: false
        });
        bool paused = _fund.paused();
        Bankruptcy memory b = _predictBankruptcy(marketId, h);
        Balances memory before = _balances(liquidator);
        Touch memory t = _beginTouch(account, marketId);

        VM.recordLogs();
        VM.prank(liquidator);
        try _exchange.liquidate(account, marketId) {
            a.succeeded = true;
        } catch (bytes memory reason) {
            a.exchangeShort = _isExchangeShort(reason);
        }
        Vm.Log[] memory logs = VM.getRecordedLogs();
        _flag(_liquidationHolds(a), LIQ_01);
        _flag(_livenessHolds(a), LIVE_01);
        if (!a.succeeded) return;
        if (a.bankrupt && paused) ++_metrics.pausedLiquidations;

        ++_metrics.liquidations;
        Effects memory e = _process(logs);
        _endTouch(t, e.charge);
        _recordReport(marketId);
        if (a.bankrupt) {
            _checkBankruptcy(b, e, before, liquidator, marketId);
        } else {
            // A solvent liquidation never reaches the waterfall.
            _flag(!e.covered && !e.fundCovered && e.socialized + e.badDebt == 0, WF_01);
        }
    }

    // ================================================================ actions: the market

    /// @notice The oracle moves a market's price by -30 % .. +20 % (crashes happen), within [1, 100,000].
    function movePrice(uint256 marketSeed, uint256 moveSeed) external action moneyNeutral {
        MockPriceFeed feed = _feeds[marketSeed % MARKETS];
        (, int256 answer, , , ) = feed.latestRoundData();
        int256 moveBps = int256(_bound(moveSeed, 0, 5_000)) - 3_000;
        int256 next = (answer * (int256(MAX_BPS) + moveBps)) / int256(MAX_BPS);
        feed.setPrice(next < MIN_ANSWER ? MIN_ANSWER : (next > MAX_ANSWER ? MAX_ANSWER : next));
    }

    // ================================================================ internal: trades

    function _depositCollateral(address trader, uint256 marketId, uint256 amount) internal {
        _mint(trader, amount);
        VM.prank(trader);
        _exchange.deposit(marketId, amount);
    }

    function _trade(address trader, uint256 marketId, int256 sizeWad) internal {
        Touch memory t = _beginTouch(trader, marketId);
        VM.recordLogs();
        VM.prank(trader);
        try _exchange.trade(marketId, sizeWad) {
            ++_metrics.trades;
            _endTouch(t, _process(VM.getRecordedLogs()).charge);
            _recordReport(marketId);
        } catch {
            ++_metrics.failedTrades;
            VM.getRecordedLogs();
        }
    }

    /// @dev A size for the trade kind the seed picks: 0 open or increase within the margin, 1 reduce, 2 close,
    /// 3 flip, 4 any size up to 50 base either way. A flat position always opens.
    function _tradeSize(
        address trader,
        uint256 marketId,
        uint256 kindSeed,
        uint256 sizeSeed
    ) internal returns (int256) {
        int256 baseWad = _exchange.position(trader, marketId).baseWad;
        uint256 kind = kindSeed % 5;
        uint256 absBase = SignedMath.abs(baseWad);
        int256 sign = baseWad > 0 ? int256(1) : int256(-1);
        if (baseWad == 0 || kind == 0) {
            uint256 size = _openSize(trader, marketId, sizeSeed);
            if (baseWad == 0) sign = sizeSeed % 2 == 0 ? int256(1) : int256(-1);
            return sign * int256(size);
        }
        if (kind == 1) return absBase < 2 ? -baseWad : -sign * int256(_bound(sizeSeed, 1, absBase - 1));
        if (kind == 2) return -baseWad;
        if (kind == 3) return -baseWad - sign * int256(_bound(sizeSeed, 1, absBase));
        int256 raw = int256(_bound(sizeSeed >> 1, 1, 50e18));
        return sizeSeed % 2 == 0 ? raw : -raw;
    }

    /// @dev New size worth 30 %..100 % of what 90 % of the margin allows (leveraged books crash); deposits first
    /// when the collateral is low.
    function _openSize(address trader, uint256 marketId, uint256 sizeSeed) internal returns (uint256) {
        if (_exchange.position(trader, marketId).collateral < 50e6) {
            _depositCollateral(trader, marketId, _bound(sizeSeed >> 128, 100e6, 20_000e6));
        }
        AccountHealth memory h = _exchange.accountHealth(trader, marketId);
        int256 margin = SignedMath.min(h.collateral, h.equity);
        if (margin <= 0) return 0;
        uint256 maxNotional =
            (uint256(margin) * MAX_BPS * 9) / (uint256(_exchange.market(marketId).params.initialMarginBps) * 10);
        if (maxNotional <= h.notional) return 0;
        uint256 room = maxNotional - h.notional;
        uint256 notional = _bound(sizeSeed >> 8, (room * 3) / 10 + 1, room);
        return Math.mulDiv(notional, BASE_PRICE_TO_QUOTE, _exchange.price(marketId));
    }

    // ================================================================ internal: liquidations and bankruptcies

    /// @dev Three times in four the first liquidatable account from the seed's; otherwise the seed's own account.
    function _pickTarget(uint256 seed) internal view returns (address account, uint256 marketId) {
        uint256 pairs = TRADERS * MARKETS;
        if ((seed >> 128) % 4 != 0) {
            for (uint256 i; i < pairs; ++i) {
                uint256 k = ((seed % pairs) + i) % pairs;
                (account, marketId) = (_traders[k / MARKETS], _marketIds[k % MARKETS]);
                if (_exchange.accountHealth(account, marketId).liquidatable) return (account, marketId);
            }
        }
        uint256 j = seed % pairs;
        return (_traders[j / MARKETS], _marketIds[j % MARKETS]);
    }

    /// @dev WF-01's prediction from the state before the liquidation: the allocation's inputs (balance, limit left,
    /// what the backstop can cover) and the timing's (the market's pending claim, both buckets' levels, the pause). The
    /// reward asked of the fund is the liquidator's share of the penalty less what the account's own equity paid of it.
    function _predictBankruptcy(uint256 marketId, AccountHealth memory h) internal view returns (Bankruptcy memory b) {
        MarketInfo memory info = _fund.market(marketId);
        MarketParams memory p = _exchange.market(marketId).params;
        b.fundBalance = _fund.fundBalance();
        // Saturating: a market paid above its limit is FUND-03's to report, not a reason for the handler to revert.
        b.limitLeft = info.insuranceLimit > info.insurancePaid ? info.insuranceLimit - info.insurancePaid : 0;
        b.backstopCoverable = address(_backstop) == address(0) ? 0 : _backstop.coverable(marketId);
        b.earlierPending = _fund.pendingClaim(marketId);
        b.payoutAvailable =
            _fund.paused() ? 0 : Math.min(_fund.marketBucket(marketId).available, _fund.fundBucket().available);
        uint256 penalty = Math.mulDiv(h.notional, p.liquidationPenaltyBps, MAX_BPS, Math.Rounding.Ceil);
        uint256 penaltyPaid = h.equity > 0 ? Math.min(penalty, uint256(h.equity)) : 0;
        uint256 share = Math.mulDiv(penalty, p.liquidatorShareBps, MAX_BPS);
        uint256 ask = share - Math.min(share, penaltyPaid);
        b.cappedReward = Math.min(ask, Math.min(info.rewardCap, (h.notional * info.rewardCapBps) / MAX_BPS));
        b.shortfall = h.equity < 0 ? uint256(-h.equity) : 0;
    }

    function _checkBankruptcy(
        Bankruptcy memory b,
        Effects memory e,
        Balances memory before,
        address liquidator,
        uint256 marketId
    ) internal {
        ++_metrics.bankruptcies;
        Balances memory afterwards = _balances(liquidator);
        b.openBase = absBaseSum(marketId);
        b.cover = e.cover;
        uint256 received = afterwards.liquidator - before.liquidator;
        b.liquidatorReceived = received - Math.min(received, e.penaltyShare);
        b.backstopTokensSent = _drop(before.backstop, afterwards.backstop);
        b.backstopAssetsSent = _drop(before.backstopAssets, afterwards.backstopAssets);
        // A rise of the backstop's tokens brought the fund nothing (and fails the check on its own).
        uint256 fromBackstop = b.backstopTokensSent == type(uint256).max ? 0 : b.backstopTokensSent;
        uint256 fundIn = before.fund + e.feesPulled + fromBackstop;
        b.fundSent = fundIn >= afterwards.fund ? fundIn - afterwards.fund : type(uint256).max;
        // What the exchange got from the fund: its change, plus what it paid the liquidator and the fee splitter.
        uint256 exchangeOut = afterwards.exchange + received + e.feesPulled;
        b.exchangeReceived = exchangeOut >= before.exchange ? exchangeOut - before.exchange : type(uint256).max;
        if (e.cover.fundReward + e.cover.fundShortfall < b.cappedReward + b.shortfall) ++_metrics.limitBound;
        // The claim the exchange made is the account's negative equity, as its health said before; the socialized
        // and bad-debt events say what the cover says.
        _flag(e.covered && e.fundCovered && e.claimShortfall == b.shortfall, WF_01);
        _flag(e.socialized == e.cover.socialized && e.badDebt == e.cover.badDebt, WF_01);
        _flag(_waterfallHolds(b), WF_01);
    }

    /// @dev A solvent liquidation may fail when the exchange's vault cannot pay the liquidator its share.
    function _isExchangeShort(bytes memory reason) internal view returns (bool) {
        if (reason.length < 4 + 32 || bytes4(reason) != IERC20Errors.ERC20InsufficientBalance.selector) return false;
        address sender;
        assembly ("memory-safe") {
            sender := mload(add(reason, 36))
        }
        return sender == address(_exchange);
    }

    function _balances(address liquidator) internal view returns (Balances memory) {
        bool hasBackstop = address(_backstop) != address(0);
        return
            Balances({
                liquidator: _usdc.balanceOf(liquidator),
                exchange: _usdc.balanceOf(address(_exchange)),
                fund: _usdc.balanceOf(address(_fund)),
                backstop: _usdc.balanceOf(address(_backstop)),
                backstopAssets: hasBackstop ? _backstop.totalAssets() : 0
            });
    }

    /// @dev What left between two readings; a rise reads as the largest amount, which no check expects.
    function _drop(uint256 before, uint256 afterwards) internal pure returns (uint256) {
        return before >= afterwards ? before - afterwards : type(uint256).max;
    }
}
