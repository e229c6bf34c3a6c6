// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IBackstopVault} from "./IBackstopVault.sol";

/// @title IFundBackstop
/// @notice The fund's side of the staked backstop (docs/behaviour.md 3.2 and 11): after the fund's own part F of a
/// bankruptcy, the backstop bears B = min(R + S - F, what it can cover for the market), and before anything is
/// socialized; B is taken from the vault at once and joins the same timing as F (the buckets and the pause delay it,
/// it waits in the market's pending claim). The backstop earns a share of the treasury's income, sent with each
/// `flushTreasury` and streamed to its stakers by the vault.
/// @dev With no backstop set (the default) nothing here is called and a trade costs what it did. The vault is set by
/// governance and must name this fund as its `fund()` and hold the fund's quote token.
interface IFundBackstop {
    // ---------------------------------------------------------------- events

    /// @notice Governance set the backstop (zero: none) and its share of the treasury's income.
    event InsuranceFundBackstopSet(address indexed backstop, uint256 incomeShareBps);
    /// @notice A flush sent the backstop its share of the treasury's income.
    event InsuranceFundBackstopIncomePaid(address indexed backstop, uint256 amount);
    /// @notice A rejected pending claim returned the backstop's part of it to the backstop (as streamed income).
    event InsuranceFundBackstopClaimReturned(uint256 indexed marketId, address indexed backstop, uint256 amount);

    // ---------------------------------------------------------------- errors

    /// @notice The backstop is not bound to this fund or does not hold its quote token.
    error InsuranceFundInvalidBackstop(address backstop);

    // ---------------------------------------------------------------- governance

    /// @notice Sets the backstop vault and its share of the treasury's income. The accrual already held is split at
    /// the next flush with the new share.
    /// @param backstop A vault whose `fund()` is this fund and whose `asset()` is the quote token; zero removes it.
    /// @param incomeShareBps The backstop's share of each flush of the treasury's income, <= 10,000 (0 with no
    /// backstop).
    function setBackstop(IBackstopVault backstop, uint16 incomeShareBps) external;

    // ---------------------------------------------------------------- views

    /// @notice The backstop vault (zero: none).
    function backstop() external view returns (address);

    /// @notice The backstop's share of the treasury's income, in bps.
    function backstopIncomeShareBps() external view returns (uint16);

    /// @notice The part of a market's pending claim that the backstop paid in (returned to it if the claim is
    /// rejected). The pending claim is paid to the exchange in order, the fund's part of it first.
    function pendingFromBackstop(uint256 marketId) external view returns (uint256);
}
