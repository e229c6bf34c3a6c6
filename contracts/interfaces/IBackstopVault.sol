// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

/// @notice The vault's exit and income terms, set at deployment and by governance.
/// @param cooldown Seconds from a redeem request until it can be claimed.
/// @param window Seconds after the cooldown during which it can be claimed; after them it lapses.
/// @param streamPeriod Seconds over which each income payment (with what is left of the previous one) vests.
/// @param exitCapBps The most all claims may take out in one UTC day, in basis points of the total assets at the
/// day's first claim (10,000: no cap).
/// @param minimumAssets The assets a cover (slash) always leaves in the vault.
struct BackstopTerms {
    uint64 cooldown;
    uint64 window;
    uint64 streamPeriod;
    uint16 exitCapBps;
    uint128 minimumAssets;
}

/// @notice A controller's open redeem request: its shares, locked in the vault, and their value when requested.
/// @param id The request's id (the first request that opened it; later requests add to it).
/// @param shares The shares still under request.
/// @param assets Their value at the request (reduced pro rata, rounded up, as they are claimed).
/// @param requestedAt When the cooldown started (the last request added to it).
struct RedeemRequestState {
    uint64 id;
    uint64 requestedAt;
    uint128 shares;
    uint256 assets;
}

/// @title IBackstopVault
/// @notice A staked second-loss vault behind the insurance fund (docs/behaviour.md section 11): stakers deposit the
/// quote token and receive shares (ERC-4626); the fund draws on it after its own part of a loss (`cover`, within a
/// per-market limit and never below a minimum of assets) and pays it a share of fees (`notifyIncome`, streamed).
/// Leaving is asynchronous (EIP-7540): `requestRedeem` locks the shares, then after a cooldown and within a window
/// `redeem`/`withdraw` claim them at the smaller of their value at the request and now, within a daily exit cap.
/// `totalAssets` is an internal count: a donation changes no share price.
interface IBackstopVault is IERC4626 {
    // ================================================================ errors

    /// @notice `caller` is not the fund.
    error BackstopVaultNotFund(address caller);
    /// @notice The fund is the zero address.
    error BackstopVaultZeroFund();
    /// @notice A redeem request of zero shares.
    error BackstopVaultZeroShares();
    /// @notice A redeem request for the zero address as controller.
    error BackstopVaultZeroController();
    /// @notice `caller` may not act for `controller` (neither the controller nor its operator).
    error BackstopVaultNotController(address caller, address controller);
    /// @notice `operator` cannot be the caller itself.
    error BackstopVaultSelfOperator(address operator);
    /// @notice Shares cannot be sent to the vault directly (it holds only shares under request).
    error BackstopVaultSharesToVault();
    /// @notice The synchronous previews do not exist for the asynchronous redemption (EIP-7540).
    error BackstopVaultAsyncRedeem();
    /// @notice `controller` has no lapsed request to return.
    error BackstopVaultNoLapsedRequest(address controller);
    /// @notice The vault's tokens do not cover its assets, what is still streaming and `amount` just notified.
    error BackstopVaultIncomeNotReceived(uint256 amount, uint256 balance);
    /// @notice A market's limit below what the vault already paid for it.
    error BackstopVaultLimitBelowPaid(uint256 marketId, uint256 limit, uint256 paid);
    /// @notice Exit terms outside their bounds: a zero window, a cap of 0 or above 10,000 bps, a cooldown or
    /// window above a year.
    error BackstopVaultInvalidExitTerms(uint256 cooldown, uint256 window, uint256 exitCapBps);
    /// @notice A stream period of zero or above a year.
    error BackstopVaultInvalidStreamPeriod(uint256 streamPeriod);

    // ================================================================ events

    /// @notice EIP-7540: `owner`'s `shares` were locked under request `requestId` of `controller` by `sender`.
    event RedeemRequest(
        address indexed controller,
        address indexed owner,
        uint256 indexed requestId,
        address sender,
        uint256 shares
    );
    /// @notice EIP-7540: `controller` allowed or disallowed `operator` to manage its requests.
    event OperatorSet(address indexed controller, address indexed operator, bool approved);
    /// @notice `controller`'s request passed its window unclaimed: its `shares` went back to it.
    event RedeemRequestLapsed(address indexed controller, uint256 indexed requestId, uint256 shares);
    /// @notice The fund asked `requested` for `marketId` and the vault paid it `paid`.
    event Covered(uint256 indexed marketId, uint256 requested, uint256 paid);
    /// @notice The fund paid `amount` of income; `unvested` now streams until `streamEnd`.
    event IncomeNotified(uint256 amount, uint256 unvested, uint256 streamEnd);
    /// @notice Tokens beyond the vault's assets and stream (donations) were sent to the fund.
    event DonationsSwept(uint256 amount);
    /// @notice Governance set `marketId`'s backstop limit.
    event MarketLimitSet(uint256 indexed marketId, uint256 limit);
    /// @notice Governance set the minimum of assets a cover leaves.
    event MinimumAssetsSet(uint256 minimumAssets);
    /// @notice Governance set the exit terms (the cap applies from the next day's first claim).
    event ExitTermsSet(uint256 cooldown, uint256 window, uint256 exitCapBps);
    /// @notice Governance set the stream period (for the next income; an open stream keeps its end).
    event StreamPeriodSet(uint256 streamPeriod);

    // ================================================================ the fund

    /// @notice The insurance fund: the only caller of `cover` and `notifyIncome`, and where covers and swept
    /// donations go.
    function fund() external view returns (address);

    /// @notice What the waterfall may allocate to the backstop for `marketId` now: the smaller of the assets
    /// above the minimum and the market's limit left.
    function coverable(uint256 marketId) external view returns (uint256);

    /// @notice The fund takes the backstop's part of a loss: pays `min(amount, coverable(marketId))` to the fund at
    /// once and charges the market's limit. Never reverts for being short. Only the fund.
    /// @return paid What was transferred to the fund (0 possible).
    function cover(uint256 marketId, uint256 amount) external returns (uint256 paid);

    /// @notice The fund has just transferred `amount` of the quote token to the vault as income: it vests linearly
    /// over `streamPeriod`, with what was still unvested. Only the fund.
    function notifyIncome(uint256 amount) external;

    // ================================================================ leaving (EIP-7540)

    /// @notice Locks `shares` of `owner` in the vault under `controller`'s request. The caller is `owner`, its
    /// operator, or spends its allowance. A lapsed request of `controller` is returned first; an open one is added
    /// to and its cooldown restarts, only by `controller` or its operator. The value at the request is the shares'
    /// value now (rounded down).
    /// @return requestId The request's id.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId);

    /// @notice `controller`'s shares under request still in their cooldown (`requestId` 0 or the request's id).
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);

    /// @notice `controller`'s shares under request in their claim window (`requestId` 0 or the request's id).
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);

    /// @notice Returns the shares of `controller`'s request after its window to `controller`. Anyone may call.
    function reclaimLapsed(address controller) external;

    /// @notice Allows or disallows `operator` to request and claim for the caller (EIP-7540).
    function setOperator(address operator, bool approved) external returns (bool);

    /// @notice Whether `operator` may request and claim for `controller`.
    function isOperator(address controller, address operator) external view returns (bool);

    /// @notice `controller`'s open request, if any.
    function redeemRequest(address controller) external view returns (RedeemRequestState memory);

    /// @notice All shares under request (held by the vault).
    function lockedShares() external view returns (uint256);

    /// @notice What claims may still take out today (the daily exit cap's rest).
    function exitCapLeft() external view returns (uint256);

    // ================================================================ income and limits

    /// @notice Income not vested yet (in the vault's tokens, not in `totalAssets`).
    function unvestedIncome() external view returns (uint256);

    /// @notice `marketId`'s backstop limit and what the vault paid for it so far.
    function marketLimit(uint256 marketId) external view returns (uint256 limit, uint256 paid);

    /// @notice The exit and income terms.
    function terms() external view returns (BackstopTerms memory);

    /// @notice Sends tokens beyond the assets and the stream (donations) to the fund. Anyone may call.
    /// @return amount What was sent.
    function sweepDonations() external returns (uint256 amount);

    // ================================================================ governance

    /// @notice Sets the most the vault will ever pay for `marketId` (never below what it paid). Governance only.
    function setMarketLimit(uint256 marketId, uint128 limit) external;

    /// @notice Sets the assets a cover always leaves in the vault. Governance only.
    function setMinimumAssets(uint128 minimumAssets) external;

    /// @notice Sets the cooldown, the claim window and the daily exit cap (from the next day's first claim).
    /// Requests already open keep their start and follow the new cooldown and window. Governance only.
    function setExitTerms(uint64 cooldown, uint64 window, uint16 exitCapBps) external;

    /// @notice Sets the period over which the next income vests; an open stream keeps its end. Governance only.
    function setStreamPeriod(uint64 streamPeriod) external;
}
