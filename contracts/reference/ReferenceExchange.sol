// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {FeeKind} from "../interfaces/IFeePolicy.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {BankruptcyClaim, BankruptcyCover} from "../interfaces/IInsuranceVault.sol";
import {IPriceFeed} from "../interfaces/IPriceFeed.sol";
import {
    AccountHealth,
    IReferenceExchange,
    MarketParams,
    MarketState,
    Position
} from "../interfaces/IReferenceExchange.sol";

/// @title ReferenceExchange
/// @notice The reference perpetual-futures exchange: how an exchange calls the insurance fund. It imports only
/// the fund's interfaces; its calls to it are marked `FUND:`: one state-changing call per trade or liquidation
/// (`settleTrade`, `settleBankruptcy`), and the views `positionLoss` and `lossIndex` where a position settles alone.
/// @dev Design choices, each the simplest one that is correct:
/// - Isolated margin: collateral and one position per (account, market). The margin ratio of the seeds,
///   equity / collateral, is then about one position, and a bankruptcy uses up exactly that collateral.
/// - The exchange is the counterparty of every trade, at the oracle price; its realized PnL as counterparty
///   is tracked (`counterpartyRealizedPnl`) so that its solvency is an exact identity (see the interface).
/// - Positions keep their open notional (their cost, 18-decimal quote value) rather than an entry price:
///   reducing realizes the closed part's share of it.
/// - Rounding always favours the exchange: notionals for fees, penalties and margin round up; a position's
///   value and its realized or unrealized PnL round down (towards minus infinity); the cost booked when a
///   position opens rounds up. Only the liquidator's share of a penalty rounds down (the fund keeps the unit).
/// - A socialized-loss charge can exceed an account's collateral: its collateral goes negative (counted in
///   `totalDeficit`), it becomes liquidatable, and a trade that does not bring it back to zero reverts.
/// - The liquidator's reward is transferred to the liquidator's wallet at once: out of the account's penalty
///   first, and for a bankrupt account the rest (capped by the fund) out of the exchange's own tokens, which the
///   fund, the open positions or income pay back (docs/behaviour.md 3.1). House capital keeps that liquid.
/// - Open interest reported to the fund: the total |base| of longs and shorts times the oracle price, in
///   quote units rounded down, sent after every trade and liquidation (the price moves it too).
/// Order in every entry point: checks, settle (the only accumulator), compute, write, emit, then the call to the
/// fund. A trade settles inside that call: it computes the fee and the open interest (neither depends on the
/// loss), calls the fund, then writes the loss it returns and checks the margin. Counters that depend on the
/// fund's answer (the loss, bad debt repaid, the cover) are written after the call; every entry point is
/// `nonReentrant` and the fund is the trusted module bound to the market.
contract ReferenceExchange is IReferenceExchange, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    // ---------------------------------------------------------------- constants

    /// @notice 18-decimal fixed point: the unit of prices and base sizes.
    uint256 private constant WAD = 1e18;
    /// @notice 100 % in basis points.
    uint256 private constant MAX_BPS = 10_000;

    // ---------------------------------------------------------------- storage

    /// @notice A listed market; the fields after `params` are those of `MarketState`.
    /// @param feed The oracle (zero for an unlisted id).
    /// @param priceToWad 10^(18 - feed decimals): turns an answer into an 18-decimal price.
    struct Market {
        IPriceFeed feed;
        uint256 priceToWad;
        MarketParams params;
        uint256 openBaseWad;
        int256 unsettledSocializedLoss;
        uint256 badDebtOutstanding;
    }

    /// @notice A liquidation's numbers, in memory to keep the stack small. Money in quote units.
    /// @param penalty The full penalty: liquidationPenaltyBps of `notional`, rounded up.
    /// @param penaltyPaid What the account paid of it (to the liquidator and the fee splitter).
    /// @param liquidatorReward What the exchange paid the liquidator out of `penaltyPaid`.
    /// @param shortfall A bankrupt account's negative equity: what it cost the exchange's vault.
    /// @param reward What a bankrupt account's liquidator is still owed beyond `liquidatorReward`, asked of the
    /// fund: liquidatorShareBps of `penalty`, rounded down, less what the account paid of it.
    /// @param bankrupt Below the bankruptcy ratio: what the account cannot pay goes to the fund's waterfall.
    struct Liquidation {
        int256 baseWad;
        uint256 priceWad;
        int256 realizedPnl;
        uint256 notional;
        uint256 penalty;
        uint256 penaltyPaid;
        uint256 liquidatorReward;
        uint256 shortfall;
        uint256 reward;
        bool bankrupt;
    }

    IERC20 private immutable _quoteToken;
    IInsuranceFund private immutable _fund;
    /// @notice 10^(18 - quote decimals): one quote unit in 18-decimal quote value.
    uint256 private immutable _quoteToWad;

    mapping(uint256 marketId => Market) private _markets;
    mapping(address account => mapping(uint256 marketId => Position)) private _positions;

    uint256 private _totalCollateral;
    uint256 private _totalDeficit;
    int256 private _counterpartyRealizedPnl;
    int256 private _unsettledSocializedLoss;
    uint256 private _badDebtOutstanding;
    uint256 private _houseCapital;
    /// @dev The listed markets, for the pending-claims view only.
    uint256[] private _marketIds;

    // ---------------------------------------------------------------- constructor

    /// @param quoteToken_ The collateral and settlement token; the fund must hold the same one.
    /// @param fund The insurance fund.
    /// @param owner_ Lists markets and sets their parameters (two-step ownership transfer).
    constructor(IERC20 quoteToken_, IInsuranceFund fund, address owner_) Ownable(owner_) {
        if (address(quoteToken_) == address(0) || address(fund) == address(0)) revert ReferenceExchangeZeroAddress();
        uint8 decimals = IERC20Metadata(address(quoteToken_)).decimals();
        if (decimals > 18) revert ReferenceExchangeUnsupportedDecimals(decimals);
        address fundQuoteToken = address(fund.quoteToken());
        if (fundQuoteToken != address(quoteToken_)) {
            revert ReferenceExchangeQuoteTokenMismatch(fundQuoteToken, address(quoteToken_));
        }
        _quoteToken = quoteToken_;
        _fund = fund;
        _quoteToWad = 10 ** (18 - decimals);
        // The fund pulls every fee and penalty with `transferFrom`: approve it once, for good.
        quoteToken_.forceApprove(address(fund), type(uint256).max);
    }

    // ---------------------------------------------------------------- the owner

    /// @inheritdoc IReferenceExchange
    function listMarket(uint256 marketId, IPriceFeed feed, MarketParams calldata params) external onlyOwner {
        if (address(feed) == address(0)) revert ReferenceExchangeZeroAddress();
        Market storage m = _markets[marketId];
        if (address(m.feed) != address(0)) revert ReferenceExchangeMarketExists(marketId);
        // The fund only takes reports for a market from the exchange it binds the market to: check it now
        // rather than at the first trade (reverts with `InsuranceFundUnknownMarket` if not registered).
        address registered = _fund.market(marketId).exchange;
        if (registered != address(this)) revert ReferenceExchangeNotMarketExchange(marketId, registered);
        uint8 feedDecimals = feed.decimals();
        if (feedDecimals > 18) revert ReferenceExchangeUnsupportedDecimals(feedDecimals);
        _validateParams(params);

        m.feed = feed;
        m.priceToWad = 10 ** (18 - feedDecimals);
        m.params = params;
        _marketIds.push(marketId);
        emit ReferenceExchangeMarketListed(marketId, feed, params);
    }

    /// @inheritdoc IReferenceExchange
    function setMarketParams(uint256 marketId, MarketParams calldata params) external onlyOwner {
        Market storage m = _listedMarket(marketId);
        _validateParams(params);
        m.params = params;
        emit ReferenceExchangeMarketParamsSet(marketId, params);
    }

    /// @inheritdoc IReferenceExchange
    function depositHouseCapital(uint256 amount) external onlyOwner nonReentrant {
        if (amount == 0) revert ReferenceExchangeZeroAmount();
        _houseCapital += amount;
        emit ReferenceExchangeHouseCapitalDeposited(msg.sender, amount);
        _quoteToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IReferenceExchange
    function withdrawHouseCapital(uint256 amount, address to) external onlyOwner nonReentrant {
        if (amount == 0) revert ReferenceExchangeZeroAmount();
        if (to == address(0)) revert ReferenceExchangeZeroAddress();
        uint256 houseCapital_ = _houseCapital;
        if (amount > houseCapital_) revert ReferenceExchangeHouseCapitalExceeded(amount, houseCapital_);
        _houseCapital = houseCapital_ - amount;
        emit ReferenceExchangeHouseCapitalWithdrawn(to, amount);
        _quoteToken.safeTransfer(to, amount);
    }

    // ---------------------------------------------------------------- traders

    /// @inheritdoc IReferenceExchange
    function deposit(uint256 marketId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ReferenceExchangeZeroAmount();
        _listedMarket(marketId);
        Position storage p = _positions[msg.sender][marketId];

        _setCollateral(p, p.collateral + amount.toInt256());
        emit ReferenceExchangeDeposited(msg.sender, marketId, amount);

        _quoteToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IReferenceExchange
    function withdraw(uint256 marketId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ReferenceExchangeZeroAmount();
        Market storage m = _listedMarket(marketId);
        Position storage p = _positions[msg.sender][marketId];
        _settle(msg.sender, marketId, p);

        _setCollateral(p, p.collateral - amount.toInt256());
        // A flat account needs no price (it can leave even when the oracle is down).
        uint256 priceWad = p.baseWad == 0 ? 0 : _price(marketId, m);
        _requireInitialMargin(msg.sender, marketId, m, p, priceWad);
        emit ReferenceExchangeWithdrawn(msg.sender, marketId, amount);

        _quoteToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IReferenceExchange
    function trade(uint256 marketId, int256 sizeDeltaWad) external nonReentrant {
        if (sizeDeltaWad == 0) revert ReferenceExchangeZeroSize();
        Market storage m = _listedMarket(marketId);
        uint256 priceWad = _price(marketId, m);
        Position storage p = _positions[msg.sender][marketId];

        int256 oldBaseWad = p.baseWad;
        int256 newBaseWad = oldBaseWad + sizeDeltaWad;
        (int256 realizedPnl, int256 openNotionalWad, bool opens) = _resize(
            oldBaseWad,
            sizeDeltaWad,
            p.openNotionalWad,
            priceWad
        );

        // Fee: tradingFeeBps of the traded notional, both rounded up (fees favour the exchange).
        uint256 fee = Math.mulDiv(
            _notionalUp(SignedMath.abs(sizeDeltaWad), priceWad),
            m.params.tradingFeeBps,
            MAX_BPS,
            Math.Rounding.Ceil
        );
        uint256 openBaseWad = m.openBaseWad - SignedMath.abs(oldBaseWad) + SignedMath.abs(newBaseWad);

        // FUND: `settleTrade`, one call: the position's socialized loss on the size it held before this trade, the
        // fee (the fund pulls `fee - badDebtRepaid` and leaves the rest here) and the market's new open interest.
        // Neither the fee nor the open interest depends on the loss, so both are known before the call.
        (uint256 loss, uint256 lossIndex, uint256 badDebtRepaid) = _fund.settleTrade(
            marketId,
            SignedMath.abs(oldBaseWad),
            p.settledLossIndex,
            FeeKind.TradingFee,
            fee,
            _openInterest(openBaseWad, priceWad)
        );
        _chargeLoss(msg.sender, marketId, m, p, loss, lossIndex);

        p.baseWad = newBaseWad;
        p.openNotionalWad = openNotionalWad;
        _setCollateral(p, p.collateral + realizedPnl - fee.toInt256());
        m.openBaseWad = openBaseWad;
        _counterpartyRealizedPnl -= realizedPnl;
        _repayBadDebt(m, badDebtRepaid);

        // New exposure (open, increase, flip) needs the initial margin; reducing only needs to stay solvent.
        if (opens) {
            _requireInitialMargin(msg.sender, marketId, m, p, priceWad);
        } else if (p.collateral < 0) {
            revert ReferenceExchangeNegativeCollateral(msg.sender, marketId, p.collateral);
        }
        emit ReferenceExchangeTraded(msg.sender, marketId, sizeDeltaWad, priceWad, realizedPnl, fee, newBaseWad);
    }

    // ---------------------------------------------------------------- anyone

    /// @inheritdoc IReferenceExchange
    function settle(address account, uint256 marketId) external nonReentrant {
        _listedMarket(marketId);
        _settle(account, marketId, _positions[account][marketId]);
    }

    /// @inheritdoc IReferenceExchange
    function liquidate(address account, uint256 marketId) external nonReentrant {
        Market storage m = _listedMarket(marketId);
        Position storage p = _positions[account][marketId];
        Liquidation memory liq;
        liq.baseWad = p.baseWad;
        if (liq.baseWad == 0) revert ReferenceExchangeNoPosition(account, marketId);
        liq.priceWad = _price(marketId, m);
        // FUND: `positionLoss` (a view) first: the position pays its share of earlier losses on its full size, before
        // the penalty, which depends on what is left.
        _settle(account, marketId, p);

        int256 collateral = p.collateral;
        liq.realizedPnl = _toQuoteDown(_valueWad(liq.baseWad, liq.priceWad, Math.Rounding.Floor) - p.openNotionalWad);
        int256 equity = collateral + liq.realizedPnl;
        if (!_isBelowRatio(collateral, equity, m.params.liquidationRatioWad)) {
            revert ReferenceExchangeAccountHealthy(account, marketId, _marginRatioWad(collateral, equity));
        }
        liq.bankrupt = _isBankrupt(collateral, equity, m.params.bankruptcyRatioWad);
        uint256 absBaseWad = SignedMath.abs(liq.baseWad);
        liq.notional = _notionalUp(absBaseWad, liq.priceWad);
        // The full penalty, rounded up (it is charged to the account).
        liq.penalty = Math.mulDiv(liq.notional, m.params.liquidationPenaltyBps, MAX_BPS, Math.Rounding.Ceil);

        // Close the position: its PnL is realized into the account's collateral, which then pays.
        p.baseWad = 0;
        p.openNotionalWad = 0;
        m.openBaseWad -= absBaseWad;
        _counterpartyRealizedPnl -= liq.realizedPnl;
        _chargeLiquidation(p, m.params, equity, liq);
        emit ReferenceExchangeLiquidated(
            account,
            marketId,
            msg.sender,
            liq.baseWad,
            liq.priceWad,
            liq.realizedPnl,
            liq.penaltyPaid,
            liq.liquidatorReward
        );

        _payLiquidation(account, marketId, m, p.settledLossIndex, liq);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IReferenceExchange
    function quoteToken() external view returns (IERC20) {
        return _quoteToken;
    }

    /// @inheritdoc IReferenceExchange
    function insuranceFund() external view returns (IInsuranceFund) {
        return _fund;
    }

    /// @inheritdoc IReferenceExchange
    function market(uint256 marketId) external view returns (MarketState memory) {
        Market storage m = _listedMarket(marketId);
        return MarketState(m.feed, m.params, m.openBaseWad, m.unsettledSocializedLoss, m.badDebtOutstanding);
    }

    /// @inheritdoc IReferenceExchange
    function position(address account, uint256 marketId) external view returns (Position memory) {
        return _positions[account][marketId];
    }

    /// @inheritdoc IReferenceExchange
    function accountHealth(address account, uint256 marketId) external view returns (AccountHealth memory h) {
        Market storage m = _listedMarket(marketId);
        Position memory p = _positions[account][marketId];
        h.collateral = p.collateral;
        h.equity = p.collateral;
        if (p.baseWad != 0) {
            (h.pendingLoss, ) = _fund.positionLoss(marketId, SignedMath.abs(p.baseWad), p.settledLossIndex);
            h.collateral -= h.pendingLoss.toInt256();
            uint256 priceWad = _price(marketId, m);
            h.unrealizedPnl = _toQuoteDown(_valueWad(p.baseWad, priceWad, Math.Rounding.Floor) - p.openNotionalWad);
            h.equity = h.collateral + h.unrealizedPnl;
            h.notional = _notionalUp(SignedMath.abs(p.baseWad), priceWad);
            h.liquidatable = _isBelowRatio(h.collateral, h.equity, m.params.liquidationRatioWad);
            h.bankrupt = _isBankrupt(h.collateral, h.equity, m.params.bankruptcyRatioWad);
        }
        h.marginRatioWad = _marginRatioWad(h.collateral, h.equity);
    }

    /// @inheritdoc IReferenceExchange
    function price(uint256 marketId) external view returns (uint256) {
        return _price(marketId, _listedMarket(marketId));
    }

    /// @inheritdoc IReferenceExchange
    function openInterest(uint256 marketId) external view returns (uint256) {
        Market storage m = _listedMarket(marketId);
        return _openInterest(m.openBaseWad, _price(marketId, m));
    }

    /// @inheritdoc IReferenceExchange
    function totalCollateral() external view returns (uint256) {
        return _totalCollateral;
    }

    /// @inheritdoc IReferenceExchange
    function totalDeficit() external view returns (uint256) {
        return _totalDeficit;
    }

    /// @inheritdoc IReferenceExchange
    function counterpartyRealizedPnl() external view returns (int256) {
        return _counterpartyRealizedPnl;
    }

    /// @inheritdoc IReferenceExchange
    function unsettledSocializedLoss() external view returns (int256) {
        return _unsettledSocializedLoss;
    }

    /// @inheritdoc IReferenceExchange
    function badDebtOutstanding() external view returns (uint256) {
        return _badDebtOutstanding;
    }

    /// @inheritdoc IReferenceExchange
    function houseCapital() external view returns (uint256) {
        return _houseCapital;
    }

    /// @inheritdoc IReferenceExchange
    function pendingClaimsOwed() external view returns (uint256 owed) {
        uint256 count = _marketIds.length;
        for (uint256 i; i < count; ++i) {
            owed += _fund.pendingClaim(_marketIds[i]);
        }
    }

    // ---------------------------------------------------------------- internal: the fund

    /// @dev FUND: `positionLoss` (a view) tells a position its share of the losses socialized since it last settled,
    /// on the size it held all that time, and the index to store. A flat position owes nothing and just moves to the
    /// current index, so that a position opened next pays nothing of older losses.
    function _settle(address account, uint256 marketId, Position storage p) private {
        uint256 absBaseWad = SignedMath.abs(p.baseWad);
        if (absBaseWad == 0) {
            p.settledLossIndex = _fund.lossIndex(marketId);
            return;
        }
        (uint256 loss, uint256 lossIndex) = _fund.positionLoss(marketId, absBaseWad, p.settledLossIndex);
        _chargeLoss(account, marketId, _markets[marketId], p, loss, lossIndex);
    }

    /// @dev Charges a position the socialized loss the fund said it owes (`positionLoss` or `settleTrade`) and stores
    /// the index it settled at.
    function _chargeLoss(
        address account,
        uint256 marketId,
        Market storage m,
        Position storage p,
        uint256 loss,
        uint256 lossIndex
    ) private {
        p.settledLossIndex = lossIndex;
        if (loss == 0) return;
        // The charge may take the collateral below zero: the account is then liquidatable.
        _setCollateral(p, p.collateral - loss.toInt256());
        m.unsettledSocializedLoss -= loss.toInt256();
        _unsettledSocializedLoss -= loss.toInt256();
        emit ReferenceExchangeLossSettled(account, marketId, loss, lossIndex);
    }

    /// @dev The fund pulled `fee - badDebtRepaid` of a fee or penalty: it first repays this market's bad debt, and
    /// that much stays in this vault, where the bankruptcy left a hole.
    function _repayBadDebt(Market storage m, uint256 badDebtRepaid) private {
        if (badDebtRepaid == 0) return;
        // The fund's bad debt for this market is the one this exchange reported, so the two are equal; the
        // clamp only keeps a misbehaving fund from blocking trades.
        badDebtRepaid = Math.min(badDebtRepaid, m.badDebtOutstanding);
        m.badDebtOutstanding -= badDebtRepaid;
        _badDebtOutstanding -= badDebtRepaid;
    }

    /// @dev FUND: `settleBankruptcy` hands in the penalty's rest, runs the waterfall and records the open interest:
    /// it says which part of the shortfall and of the capped reward the fund bears (paid to this vault now, or
    /// pending: the fund pays it later, to this vault), which the open positions bear (`socialized`, paid as they
    /// settle) and which is bad debt (repaid from the market's next fees). The penalty nets against what the fund
    /// pays now (or the rest is pulled): this vault's tokens change by the same net as a pull and a payment would.
    /// Never reverts for lack of money, a payout limit or a pause. The exchange then pays the liquidator the whole
    /// capped reward from its own tokens.
    function _settleBankruptcy(
        address account,
        uint256 marketId,
        Market storage m,
        Liquidation memory liq,
        uint256 penaltyRest,
        uint256 openInterest_
    ) private {
        (BankruptcyCover memory cover, uint256 badDebtRepaid) = _fund.settleBankruptcy(
            marketId,
            BankruptcyClaim({
                account: account,
                shortfall: liq.shortfall,
                liquidator: msg.sender,
                reward: liq.reward,
                liquidatedNotional: liq.notional,
                openBase: m.openBaseWad
            }),
            penaltyRest,
            openInterest_
        );
        // The penalty repaid the earlier bad debt before this bankruptcy added its own.
        _repayBadDebt(m, badDebtRepaid);
        m.unsettledSocializedLoss += cover.socialized.toInt256();
        _unsettledSocializedLoss += cover.socialized.toInt256();
        m.badDebtOutstanding += cover.badDebt;
        _badDebtOutstanding += cover.badDebt;
        emit ReferenceExchangeBankruptcyCovered(account, marketId, liq.shortfall, cover);
        if (cover.reward != 0) _quoteToken.safeTransfer(msg.sender, cover.reward);
    }

    // ---------------------------------------------------------------- internal: liquidation

    /// @dev Who pays what out of a liquidated account whose position is closed and whose `equity` is its
    /// collateral plus the realized PnL. Writes the collateral left.
    /// - Solvent: the penalty, at most the equity; the liquidator's share of it rounds down.
    /// - Bankrupt (waterfall step 1): the account pays the penalty, at most its equity, and the liquidator's
    ///   reward (liquidatorShareBps of the full penalty, rounded down) comes out of that first; what the account
    ///   cannot pay of the reward is asked of the fund, and a negative equity is the shortfall. Above a zero
    ///   bankruptcy ratio the equity beyond the penalty stays the account's.
    function _chargeLiquidation(
        Position storage p,
        MarketParams storage params,
        int256 equity,
        Liquidation memory liq
    ) private {
        if (equity > 0) liq.penaltyPaid = Math.min(liq.penalty, uint256(equity));
        if (!liq.bankrupt) {
            liq.liquidatorReward = Math.mulDiv(liq.penaltyPaid, params.liquidatorShareBps, MAX_BPS);
        } else {
            if (equity < 0) liq.shortfall = uint256(-equity);
            uint256 reward = Math.mulDiv(liq.penalty, params.liquidatorShareBps, MAX_BPS);
            liq.liquidatorReward = Math.min(reward, liq.penaltyPaid);
            liq.reward = reward - liq.liquidatorReward;
        }
        _setCollateral(p, equity > 0 ? equity - liq.penaltyPaid.toInt256() : int256(0));
    }

    /// @dev The liquidation's transfers, after its state is written: the liquidator's share of the account's
    /// penalty, then one call to the fund with the penalty's rest and the market's new open interest: a bankrupt
    /// account's claim goes to the waterfall with it (`settleBankruptcy`), otherwise `settleTrade` (no size: the
    /// position's loss was charged before the penalty, at `settledLossIndex`).
    function _payLiquidation(
        address account,
        uint256 marketId,
        Market storage m,
        uint256 settledLossIndex,
        Liquidation memory liq
    ) private {
        if (liq.liquidatorReward != 0) _quoteToken.safeTransfer(msg.sender, liq.liquidatorReward);
        // Cannot underflow: the liquidator's share is at most what the account paid.
        uint256 penaltyRest = liq.penaltyPaid - liq.liquidatorReward;
        uint256 openInterest_ = _openInterest(m.openBaseWad, liq.priceWad);
        // FUND: the waterfall, when the account left a shortfall or could not pay its liquidator in full.
        if (liq.shortfall != 0 || liq.reward != 0) {
            _settleBankruptcy(account, marketId, m, liq, penaltyRest, openInterest_);
            return;
        }
        // FUND: the penalty's rest to the fee splitter and the open interest.
        (, , uint256 badDebtRepaid) = _fund.settleTrade(
            marketId,
            0,
            settledLossIndex,
            FeeKind.LiquidationPenalty,
            penaltyRest,
            openInterest_
        );
        _repayBadDebt(m, badDebtRepaid);
    }

    // ---------------------------------------------------------------- internal: accounts

    /// @dev Every collateral change goes through here, to keep the totals of positive and negative parts.
    function _setCollateral(Position storage p, int256 newCollateral) private {
        int256 oldCollateral = p.collateral;
        if (oldCollateral > 0) _totalCollateral -= uint256(oldCollateral);
        else _totalDeficit -= uint256(-oldCollateral);
        if (newCollateral > 0) _totalCollateral += uint256(newCollateral);
        else _totalDeficit += uint256(-newCollateral);
        p.collateral = newCollateral;
    }

    /// @dev After opening, increasing or withdrawing: min(collateral, equity) must cover the initial margin
    /// (unrealized profit does not count, unrealized loss does), and an open position must stay above the
    /// liquidation ratio.
    function _requireInitialMargin(
        address account,
        uint256 marketId,
        Market storage m,
        Position storage p,
        uint256 priceWad
    ) private view {
        int256 collateral = p.collateral;
        int256 equity = collateral;
        uint256 required;
        if (p.baseWad != 0) {
            equity += _toQuoteDown(_valueWad(p.baseWad, priceWad, Math.Rounding.Floor) - p.openNotionalWad);
            // Rounded up (favours the exchange).
            required = Math.mulDiv(
                _notionalUp(SignedMath.abs(p.baseWad), priceWad),
                m.params.initialMarginBps,
                MAX_BPS,
                Math.Rounding.Ceil
            );
        }
        int256 margin = SignedMath.min(collateral, equity);
        if (margin < required.toInt256()) {
            revert ReferenceExchangeInsufficientMargin(account, marketId, margin, required);
        }
        // `required > 0` for an open position, so the collateral is positive here.
        if (p.baseWad != 0 && _isBelowRatio(collateral, equity, m.params.liquidationRatioWad)) {
            revert ReferenceExchangeBelowLiquidationRatio(account, marketId, _marginRatioWad(collateral, equity));
        }
    }

    // ---------------------------------------------------------------- internal: markets and prices

    function _listedMarket(uint256 marketId) private view returns (Market storage m) {
        m = _markets[marketId];
        if (address(m.feed) == address(0)) revert ReferenceExchangeUnknownMarket(marketId);
    }

    function _validateParams(MarketParams calldata params) private pure {
        if (params.tradingFeeBps > MAX_BPS) revert ReferenceExchangeBpsOutOfBounds(params.tradingFeeBps);
        if (params.liquidationPenaltyBps > MAX_BPS) {
            revert ReferenceExchangeBpsOutOfBounds(params.liquidationPenaltyBps);
        }
        if (params.liquidatorShareBps > MAX_BPS) revert ReferenceExchangeBpsOutOfBounds(params.liquidatorShareBps);
        if (params.initialMarginBps == 0 || params.initialMarginBps > MAX_BPS) {
            revert ReferenceExchangeBpsOutOfBounds(params.initialMarginBps);
        }
        if (params.bankruptcyRatioWad >= params.liquidationRatioWad || params.liquidationRatioWad > WAD) {
            revert ReferenceExchangeRatiosOutOfBounds(params.liquidationRatioWad, params.bankruptcyRatioWad);
        }
    }

    /// @dev The oracle's answer as an 18-decimal price; zero or negative answers, and stale ones when the
    /// market sets a maximum age, revert. (A production exchange on an L2 also checks the sequencer feed.)
    function _price(uint256 marketId, Market storage m) private view returns (uint256 priceWad) {
        (, int256 answer, , uint256 updatedAt, ) = m.feed.latestRoundData();
        if (answer <= 0) revert ReferenceExchangeInvalidPrice(marketId, answer);
        uint256 maxAge = m.params.maxPriceAgeSeconds;
        if (maxAge != 0 && updatedAt + maxAge < block.timestamp) {
            revert ReferenceExchangeStalePrice(marketId, updatedAt, maxAge);
        }
        priceWad = uint256(answer) * m.priceToWad;
    }

    /// @dev The reported open interest: |base| of longs and shorts times the price, in quote units, rounded
    /// down (a report, not a charge).
    function _openInterest(uint256 openBaseWad, uint256 priceWad) private view returns (uint256) {
        return Math.mulDiv(openBaseWad, priceWad, WAD * _quoteToWad);
    }

    // ---------------------------------------------------------------- internal: position math

    /// @dev |base| * price in quote units, rounded up: the notional fees, penalties and margins use.
    function _notionalUp(uint256 absBaseWad, uint256 priceWad) private view returns (uint256) {
        return Math.mulDiv(absBaseWad, priceWad, WAD * _quoteToWad, Math.Rounding.Ceil);
    }

    /// @dev base * price, signed like base, in 18-decimal quote value. `Floor` rounds towards minus infinity
    /// (a position's value: PnL rounds down), `Ceil` towards plus infinity (the cost booked on opening).
    function _valueWad(int256 baseWad, uint256 priceWad, Math.Rounding rounding) private pure returns (int256) {
        // A negative value rounds towards minus infinity when its magnitude rounds up, and the other way round.
        bool negative = baseWad < 0;
        bool magnitudeUp = negative == (rounding == Math.Rounding.Floor);
        uint256 magnitude = Math.mulDiv(
            SignedMath.abs(baseWad),
            priceWad,
            WAD,
            magnitudeUp ? Math.Rounding.Ceil : Math.Rounding.Floor
        );
        return negative ? -magnitude.toInt256() : magnitude.toInt256();
    }

    /// @dev The closed part's share of the open notional, rounded towards plus infinity so that the PnL realized
    /// now rounds down; the remaining cost keeps the difference, and the final close realizes it exactly.
    function _closedCost(
        int256 openNotionalWad,
        int256 closedBaseWad,
        int256 oldBaseWad
    ) private pure returns (int256) {
        if (closedBaseWad == oldBaseWad) return openNotionalWad;
        bool negative = openNotionalWad < 0;
        uint256 magnitude = Math.mulDiv(
            SignedMath.abs(openNotionalWad),
            SignedMath.abs(closedBaseWad),
            SignedMath.abs(oldBaseWad),
            negative ? Math.Rounding.Floor : Math.Rounding.Ceil
        );
        return negative ? -magnitude.toInt256() : magnitude.toInt256();
    }

    /// @dev A trade of `sizeDeltaWad` on a position of `oldBaseWad` with `openNotionalWad`: the PnL it realizes, the
    /// position's new open notional, and whether it opens new size. The trade splits into the part that closes the
    /// old position and the part that opens new size: increase: closes nothing; reduce or close: closes -delta;
    /// flip: closes all, opens old + delta.
    function _resize(
        int256 oldBaseWad,
        int256 sizeDeltaWad,
        int256 openNotionalWad,
        uint256 priceWad
    ) private view returns (int256 realizedPnl, int256 newOpenNotionalWad, bool opens) {
        int256 closedBaseWad = _closedBase(oldBaseWad, sizeDeltaWad);
        int256 openedBaseWad = sizeDeltaWad + closedBaseWad;
        newOpenNotionalWad = openNotionalWad;
        if (closedBaseWad != 0) {
            int256 closedCostWad = _closedCost(openNotionalWad, closedBaseWad, oldBaseWad);
            realizedPnl = _toQuoteDown(_valueWad(closedBaseWad, priceWad, Math.Rounding.Floor) - closedCostWad);
            newOpenNotionalWad -= closedCostWad;
        }
        if (openedBaseWad != 0) newOpenNotionalWad += _valueWad(openedBaseWad, priceWad, Math.Rounding.Ceil);
        opens = openedBaseWad != 0;
    }

    /// @dev The part of `oldBaseWad` a trade of `sizeDeltaWad` closes, signed like `oldBaseWad`: zero when the
    /// trade increases (same sign, or no position), `-sizeDeltaWad` on a reduce or close, all on a flip.
    function _closedBase(int256 oldBaseWad, int256 sizeDeltaWad) private pure returns (int256) {
        if (oldBaseWad == 0 || (oldBaseWad > 0) == (sizeDeltaWad > 0)) return 0;
        return SignedMath.abs(sizeDeltaWad) >= SignedMath.abs(oldBaseWad) ? oldBaseWad : -sizeDeltaWad;
    }

    /// @dev 18-decimal quote value to quote units, rounded towards minus infinity (favours the exchange).
    function _toQuoteDown(int256 valueWad) private view returns (int256 amount) {
        int256 scale = int256(_quoteToWad);
        amount = valueWad / scale; // truncates towards zero
        if (valueWad < 0 && amount * scale != valueWad) --amount;
    }

    /// @dev equity / collateral below `ratioWad`; a non-positive collateral is below every ratio.
    function _isBelowRatio(int256 collateral, int256 equity, uint256 ratioWad) private pure returns (bool) {
        return collateral <= 0 || equity * int256(WAD) < int256(ratioWad) * collateral;
    }

    /// @dev Negative equity, or equity / collateral below `ratioWad` (> 0). An account whose collateral a
    /// socialized charge took below zero but whose profit covers it is not bankrupt: it can pay its way.
    function _isBankrupt(int256 collateral, int256 equity, uint256 ratioWad) private pure returns (bool) {
        return equity < 0 || (collateral > 0 && equity * int256(WAD) < int256(ratioWad) * collateral);
    }

    /// @dev equity * 1e18 / collateral, rounded towards zero; `type(int256).min` for a non-positive collateral.
    function _marginRatioWad(int256 collateral, int256 equity) private pure returns (int256) {
        if (collateral <= 0) return type(int256).min;
        return (equity * int256(WAD)) / collateral;
    }
}
