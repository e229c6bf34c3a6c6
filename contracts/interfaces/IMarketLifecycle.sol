// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IMarketLifecycle
/// @notice What governance does with a market after registering it: cap its open interest, move it to a new
/// exchange contract, retire it, and write off a retired market's bad debt. Every call is governance's and waits
/// for the governance delay.
/// @dev Markets are isolated: a market's open interest is capped (`MarketConfig.openInterestCap`), the caps of
/// all markets sum to less than 2^96, and the platform totals never overflow, so nothing one market's exchange
/// reports or claims can make another market's call revert. A retired market's exchange can no longer report or
/// claim anything; its loss index stays readable so its positions can still settle.
interface IMarketLifecycle {
    // ---------------------------------------------------------------- events

    /// @notice A market's open-interest cap was set (at registration too).
    event InsuranceFundOpenInterestCapSet(uint256 indexed marketId, uint256 openInterestCap, uint256 capSum);
    /// @notice Governance moved a market to a new exchange contract; what it owes and is owed stays with it.
    event InsuranceFundMarketMoved(uint256 indexed marketId, address indexed oldExchange, address indexed newExchange);
    /// @notice Governance retired a market: its open interest left the platform total at once.
    event InsuranceFundMarketRetired(uint256 indexed marketId, uint256 openInterestRemoved, uint256 badDebt);
    /// @notice Governance wrote off a retired market's bad debt as its exchange's loss.
    event InsuranceFundBadDebtWrittenOff(uint256 indexed marketId, uint256 amount);

    // ---------------------------------------------------------------- errors

    /// @notice The market is retired: its exchange can no longer report or claim.
    error InsuranceFundMarketIsRetired(uint256 marketId);
    /// @notice Only a retired market's bad debt can be written off.
    error InsuranceFundMarketNotRetired(uint256 marketId);
    /// @notice A report above the market's open-interest cap.
    error InsuranceFundOpenInterestAboveCap(uint256 marketId, uint256 openInterest, uint256 openInterestCap);
    /// @notice The caps of all markets would sum to 2^96 or more.
    error InsuranceFundOpenInterestCapsTooLarge(uint256 capSum);
    /// @notice A cap below the market's open interest now.
    error InsuranceFundOpenInterestCapBelowOpenInterest(
        uint256 marketId,
        uint256 openInterestCap,
        uint256 openInterest
    );
    /// @notice The market is already bound to that exchange.
    error InsuranceFundSameExchange(uint256 marketId, address exchange);

    // ---------------------------------------------------------------- governance

    /// @notice Sets a market's open-interest cap.
    /// @param marketId A registered, active market.
    /// @param openInterestCap In quote units; at least the market's open interest now, and the caps of all
    /// markets stay below 2^96.
    function setOpenInterestCap(uint256 marketId, uint128 openInterestCap) external;

    /// @notice Binds a market to a new exchange contract (an exchange upgrade). Its limit and what was paid, its
    /// bad debt, open interest and loss index stay with the market: the new exchange takes them over.
    /// @param marketId A registered, active market.
    /// @param newExchange The only contract allowed to report for the market from now on.
    function moveMarket(uint256 marketId, address newExchange) external;

    /// @notice Retires a market: its exchange can no longer report fees, open interest or bankruptcies; its open
    /// interest leaves the platform total at once (the 7-day average forgets it over the window) and its cap
    /// leaves the cap sum; its bad debt stays on record until written off.
    /// @param marketId A registered, active market.
    function retireMarket(uint256 marketId) external;

    /// @notice Writes off a retired market's bad debt: its exchange bears it, and it no longer counts in the
    /// fund's total bad debt.
    /// @param marketId A retired market with bad debt.
    /// @return amount The bad debt written off.
    function writeOffBadDebt(uint256 marketId) external returns (uint256 amount);

    // ---------------------------------------------------------------- views

    /// @notice The sum of the active markets' open-interest caps (always below 2^96).
    function openInterestCapSum() external view returns (uint256);
}
