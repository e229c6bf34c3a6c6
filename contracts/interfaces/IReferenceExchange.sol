// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IInsuranceFund} from "./IInsuranceFund.sol";
import {BankruptcyCover} from "./IInsuranceVault.sol";
import {IPriceFeed} from "./IPriceFeed.sol";

/// @notice A market's risk and fee settings, set by the exchange's owner.
/// @param tradingFeeBps Fee on every trade, in bps of the traded notional.
/// @param liquidationPenaltyBps Penalty on a liquidation, in bps of the liquidated notional.
/// @param liquidatorShareBps The liquidator's part of the penalty, in bps of the penalty.
/// @param initialMarginBps Collateral (and equity) an open position needs after opening, increasing or a
/// withdrawal, in bps of its notional: 1,000 = 10x maximum leverage. In (0, 10,000].
/// @param liquidationRatioWad An account is liquidatable when equity / collateral is below this (0.7e18).
/// @param bankruptcyRatioWad An account is bankrupt when equity / collateral is below this (0: equity < 0).
/// Must be below `liquidationRatioWad`. Above zero it means "too poor to pay its liquidator": the account still
/// pays the penalty, at most its equity, its liquidator first, and the fund is asked only for the rest of the
/// reward; the equity beyond the penalty stays the account's.
/// @param maxPriceAgeSeconds The oldest oracle answer the market accepts (0: no staleness check).
struct MarketParams {
    uint16 tradingFeeBps;
    uint16 liquidationPenaltyBps;
    uint16 liquidatorShareBps;
    uint16 initialMarginBps;
    uint64 liquidationRatioWad;
    uint64 bankruptcyRatioWad;
    uint32 maxPriceAgeSeconds;
}

/// @notice A market as the exchange sees it now.
/// @param feed The market's oracle.
/// @param params Its risk and fee settings.
/// @param openBaseWad The total |base| of all open positions, longs plus shorts (18-decimal): the `openBase`
/// the exchange passes to the fund.
/// @param unsettledSocializedLoss Losses the fund socialized in this market that its positions have not
/// settled yet, in quote units. Negative by a few units once every position settled: each position's charge
/// is rounded up.
/// @param badDebtOutstanding Bad debt the fund recorded for this market (a bankruptcy with no open positions
/// to share it) that income has not repaid yet, in quote units. Equals the fund's `market(id).badDebt`.
struct MarketState {
    IPriceFeed feed;
    MarketParams params;
    uint256 openBaseWad;
    int256 unsettledSocializedLoss;
    uint256 badDebtOutstanding;
}

/// @notice One isolated-margin account: an account's collateral and position in one market.
/// @param collateral Quote units. Negative only after a socialized-loss charge larger than the collateral:
/// the account is then liquidatable.
/// @param baseWad Signed position size, 18-decimal: positive long, negative short, zero flat.
/// @param openNotionalWad What the position cost, signed like `baseWad`, in quote value with 18 decimals
/// (entry price = openNotionalWad / baseWad).
/// @param settledLossIndex The market's loss index the position last settled at.
struct Position {
    int256 collateral;
    int256 baseWad;
    int256 openNotionalWad;
    uint256 settledLossIndex;
}

/// @notice An account's health at the oracle price now, including socialized losses not yet settled.
/// @param collateral Collateral after the pending socialized loss, quote units.
/// @param pendingLoss Socialized loss the next touch will charge, quote units.
/// @param unrealizedPnl The position's PnL at the oracle price, quote units, rounded down.
/// @param equity collateral + unrealizedPnl.
/// @param notional |base| * price in quote units, rounded up (the notional fees and margin use).
/// @param marginRatioWad equity * 1e18 / collateral, rounded towards zero; `type(int256).min` when the
/// collateral is not positive.
/// @param liquidatable An open position with collateral <= 0 or a margin ratio below the liquidation ratio.
/// @param bankrupt An open position with equity < 0 or a margin ratio below the bankruptcy ratio.
struct AccountHealth {
    int256 collateral;
    uint256 pendingLoss;
    int256 unrealizedPnl;
    int256 equity;
    uint256 notional;
    int256 marginRatioWad;
    bool liquidatable;
    bool bankrupt;
}

/// @title IReferenceExchange
/// @notice A small but real perpetual-futures exchange that shows how an exchange integrates the insurance
/// fund. Every call it makes to the fund is marked "FUND:" in these docs.
///
/// The exchange, in one paragraph: accounts deposit the quote token as isolated margin per market (one
/// collateral balance and one position per (account, market)) and trade against the exchange at the oracle
/// price; the exchange is the counterparty of the book's net. A trade pays `tradingFeeBps` of its notional; one
/// call to the fund (FUND: `settleTrade`) charges the position its share of the socialized losses, hands in the
/// fee and reports the market's open interest. The margin ratio is equity / collateral (equity = collateral +
/// unrealized PnL): below `liquidationRatioWad` (0.7) anyone may liquidate; the position's losses are charged
/// first (FUND: `positionLoss`, a view), then the penalty goes partly to the liquidator and the rest to the fund
/// with the open interest (FUND: `settleTrade(LiquidationPenalty)`). Below `bankruptcyRatioWad` (0: negative
/// equity) the account pays what it can and the fund runs the loss waterfall in the same one call (FUND:
/// `settleBankruptcy`) for the shortfall and the rest of the liquidator's reward: it bears them as far as its
/// balance and the market's limit go (paid now or later, as a pending claim) and socializes the rest over the
/// market's open positions, which pay their share as they are next touched (before every size change). The
/// exchange pays the liquidator the whole capped reward at once, from its own tokens.
///
/// Units: money in quote-token units (the token's own decimals); prices and base sizes 18-decimal fixed
/// point; open notional in quote value with 18 decimals. Every rounding favours the exchange (the side that
/// must stay solvent): notionals for fees and margin round up, PnL rounds down.
///
/// Solvency, exactly, for a test or a monitor (no donations assumed):
/// `quote.balanceOf(exchange) == totalCollateral() - totalDeficit() + counterpartyRealizedPnl() + houseCapital()
///     - unsettledSocializedLoss() - badDebtOutstanding() - pendingClaimsOwed()`.
/// The last three are what the open positions, future income and the fund's pending claims owe the exchange for
/// bankruptcies it has already paid for (it pays each liquidator's whole capped reward at once). A pending claim
/// governance rejects (only for a market the fund retired) is the exchange's loss: the identity is then short by
/// it until the owner withdraws that much less house capital.
interface IReferenceExchange {
    // ---------------------------------------------------------------- events

    /// @notice The owner listed a market.
    event ReferenceExchangeMarketListed(uint256 indexed marketId, IPriceFeed indexed feed, MarketParams params);
    /// @notice The owner changed a market's settings.
    event ReferenceExchangeMarketParamsSet(uint256 indexed marketId, MarketParams params);
    /// @notice `account` added `amount` to its collateral in `marketId`.
    event ReferenceExchangeDeposited(address indexed account, uint256 indexed marketId, uint256 amount);
    /// @notice `account` took `amount` of its collateral in `marketId` out.
    event ReferenceExchangeWithdrawn(address indexed account, uint256 indexed marketId, uint256 amount);
    /// @notice A position paid its share of socialized losses (`loss`, quote units) and now stands at
    /// `lossIndex`.
    event ReferenceExchangeLossSettled(
        address indexed account,
        uint256 indexed marketId,
        uint256 loss,
        uint256 lossIndex
    );
    /// @notice `account` traded `sizeDeltaWad` at `priceWad`, realized `realizedPnl` and paid `fee`.
    event ReferenceExchangeTraded(
        address indexed account,
        uint256 indexed marketId,
        int256 sizeDeltaWad,
        uint256 priceWad,
        int256 realizedPnl,
        uint256 fee,
        int256 newSizeWad
    );
    /// @notice `liquidator` closed `account`'s position of `sizeWad` at `priceWad`. `penalty` is what the
    /// account paid; `liquidatorReward` is what the exchange paid the liquidator out of it (for a bankrupt
    /// account, the rest of the liquidator's reward is in `ReferenceExchangeBankruptcyCovered`).
    event ReferenceExchangeLiquidated(
        address indexed account,
        uint256 indexed marketId,
        address indexed liquidator,
        int256 sizeWad,
        uint256 priceWad,
        int256 realizedPnl,
        uint256 penalty,
        uint256 liquidatorReward
    );
    /// @notice The liquidated account was bankrupt: `shortfall` is what its negative equity cost the exchange's
    /// vault; the exchange paid the liquidator `cover.reward` from its own capital, and the fund's waterfall
    /// answered who bears the shortfall and the reward, and what it paid now.
    event ReferenceExchangeBankruptcyCovered(
        address indexed account,
        uint256 indexed marketId,
        uint256 shortfall,
        BankruptcyCover cover
    );
    /// @notice The owner added house capital: the exchange's own money, which pays liquidators at once and lets
    /// winners withdraw while losses are still owed to the exchange.
    event ReferenceExchangeHouseCapitalDeposited(address indexed from, uint256 amount);
    /// @notice The owner took house capital out.
    event ReferenceExchangeHouseCapitalWithdrawn(address indexed to, uint256 amount);

    // ---------------------------------------------------------------- errors

    /// @notice An address that must be set was zero.
    error ReferenceExchangeZeroAddress();
    /// @notice The quote token has more than 18 decimals.
    error ReferenceExchangeUnsupportedDecimals(uint8 decimals);
    /// @notice The fund holds another token than the exchange's quote token.
    error ReferenceExchangeQuoteTokenMismatch(address fundQuoteToken, address quoteToken);
    /// @notice A market is already listed under this id.
    error ReferenceExchangeMarketExists(uint256 marketId);
    /// @notice No market is listed under this id.
    error ReferenceExchangeUnknownMarket(uint256 marketId);
    /// @notice The fund binds this market to another exchange: register it with this one first.
    error ReferenceExchangeNotMarketExchange(uint256 marketId, address registeredExchange);
    /// @notice A share in bps is above 10,000 (or the initial margin is zero).
    error ReferenceExchangeBpsOutOfBounds(uint256 bps);
    /// @notice The ratios break `bankruptcyRatioWad < liquidationRatioWad <= 1e18`.
    error ReferenceExchangeRatiosOutOfBounds(uint256 liquidationRatioWad, uint256 bankruptcyRatioWad);
    /// @notice The oracle answered zero or a negative price (or one below 1e-18 after scaling).
    error ReferenceExchangeInvalidPrice(uint256 marketId, int256 answer);
    /// @notice The oracle's answer is older than the market accepts.
    error ReferenceExchangeStalePrice(uint256 marketId, uint256 updatedAt, uint256 maxPriceAgeSeconds);
    /// @notice An amount that must be positive was zero.
    error ReferenceExchangeZeroAmount();
    /// @notice A trade of zero size.
    error ReferenceExchangeZeroSize();
    /// @notice After opening, increasing or withdrawing, min(collateral, equity) is below the initial margin
    /// the position needs (`required`, quote units; zero without a position).
    error ReferenceExchangeInsufficientMargin(address account, uint256 marketId, int256 margin, uint256 required);
    /// @notice After opening, increasing or withdrawing, the account would be liquidatable.
    error ReferenceExchangeBelowLiquidationRatio(address account, uint256 marketId, int256 marginRatioWad);
    /// @notice A reducing or closing trade would leave negative collateral: the account must be liquidated.
    error ReferenceExchangeNegativeCollateral(address account, uint256 marketId, int256 collateral);
    /// @notice The account has no position in this market.
    error ReferenceExchangeNoPosition(address account, uint256 marketId);
    /// @notice The owner asked for more house capital than there is.
    error ReferenceExchangeHouseCapitalExceeded(uint256 amount, uint256 houseCapital);
    /// @notice The account's margin ratio is not below the liquidation ratio.
    error ReferenceExchangeAccountHealthy(address account, uint256 marketId, int256 marginRatioWad);

    // ---------------------------------------------------------------- the owner

    /// @notice Lists a market. The fund must already bind `marketId` to this exchange.
    /// @param marketId The id shared with the fund.
    /// @param feed The market's Chainlink-style oracle (its decimals are read once, here).
    /// @param params Risk and fee settings.
    function listMarket(uint256 marketId, IPriceFeed feed, MarketParams calldata params) external;

    /// @notice Changes a listed market's settings; open positions are judged by them from now on.
    /// @param marketId A listed market.
    /// @param params Risk and fee settings.
    function setMarketParams(uint256 marketId, MarketParams calldata params) external;

    /// @notice Adds the exchange's own money (approve first). It is no trader's: it pays liquidators their whole
    /// reward at once and bridges what open positions, income and the fund's pending claims still owe the
    /// exchange.
    /// @param amount Quote units, > 0.
    function depositHouseCapital(uint256 amount) external;

    /// @notice Takes house capital out.
    /// @param amount Quote units, > 0 and at most `houseCapital()`.
    /// @param to Where it goes.
    function withdrawHouseCapital(uint256 amount, address to) external;

    // ---------------------------------------------------------------- traders

    /// @notice Adds `amount` of the quote token to the caller's collateral in `marketId` (approve first).
    /// @param marketId A listed market.
    /// @param amount Quote units, > 0.
    function deposit(uint256 marketId, uint256 amount) external;

    /// @notice Takes `amount` of the caller's collateral in `marketId` out. Settles socialized losses first;
    /// with a position open, the account must keep its initial margin and stay above the liquidation ratio.
    /// @param marketId A listed market.
    /// @param amount Quote units, > 0.
    function withdraw(uint256 marketId, uint256 amount) external;

    /// @notice Trades `sizeDeltaWad` of base at the oracle price: opens, increases, reduces, closes or flips
    /// the caller's position. Settles socialized losses on the size held before, realizes the PnL of the part
    /// closed, charges `tradingFeeBps` of the traded notional and reports the market's open interest, all three in
    /// one call to the fund (FUND: `settleTrade(TradingFee)`). Opening, increasing or flipping needs the initial margin
    /// afterwards; reducing or closing needs non-negative collateral afterwards.
    /// @param marketId A listed market.
    /// @param sizeDeltaWad Signed base, 18-decimal: positive buys, negative sells. Non-zero.
    function trade(uint256 marketId, int256 sizeDeltaWad) external;

    // ---------------------------------------------------------------- anyone

    /// @notice Charges a position its share of the market's socialized losses (FUND: `positionLoss`). Anyone
    /// may call it, for any account; it never changes a size.
    /// @param account The account.
    /// @param marketId A listed market.
    function settle(address account, uint256 marketId) external;

    /// @notice Liquidates `account`'s position in `marketId` at the oracle price, when its margin ratio is
    /// below the liquidation ratio. Settles first, then closes the whole position and realizes its PnL.
    /// - Solvent (margin ratio >= bankruptcy ratio): the account pays `liquidationPenaltyBps` of the notional,
    ///   at most what its collateral holds; `liquidatorShareBps` of that is transferred to the caller, the
    ///   rest goes to the fund with the market's open interest (FUND: `settleTrade(LiquidationPenalty)`).
    /// - Bankrupt: the account pays the penalty, at most its equity (nothing when it is negative), the caller's
    ///   reward (`liquidatorShareBps` of the full penalty) first. The fund's waterfall (FUND: `settleBankruptcy`,
    ///   with the penalty's rest and the open interest; `settleTrade` when the account leaves no shortfall and no
    ///   reward to ask for) takes the shortfall and the reward the account could not pay: its part is paid to the
    ///   exchange now or
    ///   later (a pending claim), the rest is socialized or recorded as bad debt. The exchange transfers the
    ///   caller the whole capped reward at once, out of its own tokens. Never reverts because the fund is short,
    ///   limited or paused.
    /// @param account The account to liquidate.
    /// @param marketId A listed market.
    function liquidate(address account, uint256 marketId) external;

    // ---------------------------------------------------------------- views

    /// @notice The quote token.
    function quoteToken() external view returns (IERC20);

    /// @notice The insurance fund this exchange integrates.
    function insuranceFund() external view returns (IInsuranceFund);

    /// @notice A listed market's settings and running totals. Reverts for an unknown market.
    function market(uint256 marketId) external view returns (MarketState memory);

    /// @notice An account's stored collateral and position in a market (before pending socialized losses).
    function position(address account, uint256 marketId) external view returns (Position memory);

    /// @notice An account's health at the oracle price, pending socialized losses included.
    function accountHealth(address account, uint256 marketId) external view returns (AccountHealth memory);

    /// @notice The market's oracle price, 18-decimal.
    function price(uint256 marketId) external view returns (uint256 priceWad);

    /// @notice The market's open interest as reported to the fund: the total |base| of longs and shorts
    /// times the oracle price, in quote units, rounded down.
    function openInterest(uint256 marketId) external view returns (uint256);

    /// @notice The sum of all accounts' positive collateral: what the exchange owes its traders.
    function totalCollateral() external view returns (uint256);

    /// @notice The sum of all accounts' negative collateral (socialized charges above what an account held):
    /// owed to the exchange, and written off if the account ends bankrupt.
    function totalDeficit() external view returns (uint256);

    /// @notice The exchange's realized PnL as the counterparty of every trade: minus the sum of all PnL the
    /// traders realized, in quote units.
    function counterpartyRealizedPnl() external view returns (int256);

    /// @notice All markets' socialized losses not settled yet (negative by the round-up surplus).
    function unsettledSocializedLoss() external view returns (int256);

    /// @notice All markets' bad debt not repaid yet by the fund's income.
    function badDebtOutstanding() external view returns (uint256);

    /// @notice The owner's house capital in the exchange.
    function houseCapital() external view returns (uint256);

    /// @notice What the fund's pending claims of this exchange's markets owe it (read from the fund).
    function pendingClaimsOwed() external view returns (uint256);
}
