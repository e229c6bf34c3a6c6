// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice A market's settings as governance registers them.
/// @param exchange The only contract allowed to report this market's fees, open interest and bankruptcies.
/// @param insuranceLimit The most the fund will ever pay for this market's bankruptcies, in total.
/// @param rewardCap The most reward the fund recognises for one bankruptcy (`type(uint128).max`: no cap).
/// @param rewardCapBps The same cap as a share of the liquidated notional (10_000: no cap below the notional).
/// @param openInterestCap The most open interest the market may report, in quote units: the caps of all markets
/// sum to less than 2^96, so one market's reports can never overflow the platform's total.
struct MarketConfig {
    address exchange;
    uint128 insuranceLimit;
    uint128 rewardCap;
    uint16 rewardCapBps;
    uint128 openInterestCap;
}

/// @notice A market as the fund sees it now.
struct MarketInfo {
    address exchange;
    uint128 insuranceLimit;
    uint128 insurancePaid;
    uint128 rewardCap;
    uint16 rewardCapBps;
    uint128 badDebt;
    uint128 openInterest;
    uint256 lossIndex;
    uint128 openInterestCap;
    bool retired;
}

/// @notice What the exchange reports when it liquidates a bankrupt account, after the account's own
/// collateral has been used up (step 1 of the waterfall happens inside the exchange).
/// @param account The bankrupt account (for events only).
/// @param shortfall What the exchange's vault is still owed: the negative equity left after the collateral.
/// @param liquidator Who liquidated the account (for events only: the exchange pays it).
/// @param reward The reward the exchange pays its liquidator and asks the fund to bear (capped by the market's caps).
/// @param liquidatedNotional The notional of the liquidated position, for the reward cap in bps.
/// @param openBase The market's total open |base| (18-decimal) after the bankrupt position was closed: the
/// positions that will share whatever the fund cannot cover.
struct BankruptcyClaim {
    address account;
    uint256 shortfall;
    address liquidator;
    uint256 reward;
    uint256 liquidatedNotional;
    uint256 openBase;
}

/// @notice What one bankruptcy cost whom (docs/behaviour.md 3.1). The exchange pays its liquidator the whole
/// capped `reward` at once, from its own capital, and is paid back by the fund (now or as a pending claim), by
/// the open positions (socialized) or by income (bad debt). Identities, to the unit:
/// `claim.shortfall + reward == fundReward + fundShortfall + backstopReward + backstopShortfall + socialized +
/// badDebt` and `fundReward + fundShortfall + backstopReward + backstopShortfall == paidNow + pending`.
/// @param reward R: the liquidator's reward the fund recognises, `claim.reward` within the market's caps.
/// @param fundReward The fund's part F of the reward (allocated: charged to the limit, left the balance).
/// @param fundShortfall The fund's part F of the shortfall.
/// @param backstopReward The backstop's part B of the reward (0 while the fund has no backstop).
/// @param backstopShortfall The backstop's part B of the shortfall (0 while the fund has no backstop).
/// @param paidNow Of this claim's F + B, transferred to the exchange now (after `earlierPendingPaid`).
/// @param pending Of this claim's F + B, added to the market's pending claim (buckets or the pause held it).
/// @param earlierPendingPaid The market's earlier pending claim, paid to the exchange first in the same transfer.
/// @param socialized The remainder added to the market's loss index: the open positions owe it to the exchange.
/// @param badDebt The remainder recorded as the market's bad debt (no open positions to share it).
struct BankruptcyCover {
    uint256 reward;
    uint256 fundReward;
    uint256 fundShortfall;
    uint256 backstopReward;
    uint256 backstopShortfall;
    uint256 paidNow;
    uint256 pending;
    uint256 earlierPendingPaid;
    uint256 socialized;
    uint256 badDebt;
}

/// @notice The fund's health in one read.
/// @param balance The accounted balance (donations excluded).
/// @param target max(targetShareBps of the average open interest, floor).
/// @param averageOpenInterest Time-weighted average of the platform's open interest over the window.
/// @param totalOpenInterest The platform's open interest now.
/// @param ratioBps balance / max(average OI, floor / target share), in bps, rounded down
/// (`type(uint256).max` when both are zero).
/// @param band The fee policy's band for this state (255 if the policy failed to answer).
/// @param badDebt The sum of all markets' unpaid bad debt.
/// @param treasuryAccrued The treasury's income held by the fund until the next flush.
/// @param pending All markets' pending claims: held by the fund, reserved, outside `balance`.
struct FundHealth {
    uint256 balance;
    uint256 target;
    uint256 averageOpenInterest;
    uint256 totalOpenInterest;
    uint256 ratioBps;
    uint8 band;
    uint256 badDebt;
    uint256 treasuryAccrued;
    uint256 pending;
}

/// @title IInsuranceVault
/// @notice The insurance vault: holds the quote token, runs the loss waterfall for bankruptcies within each
/// market's insurance limit, and lets anyone deposit or sweep the surplus above the target to the
/// treasury. There is no other way out: no owner withdrawal.
/// @dev Accounting is internal: `balanceOf` never drives a decision, so a donation changes nothing
/// (it can only leave as surplus, to the treasury). Fee-on-transfer and rebasing tokens are not supported.
interface IInsuranceVault {
    // ---------------------------------------------------------------- events

    /// @notice Someone added `amount` to the fund.
    event InsuranceFundDeposited(address indexed from, uint256 amount);
    /// @notice Governance registered a market and bound it to its exchange.
    event InsuranceFundMarketRegistered(
        uint256 indexed marketId,
        address indexed exchange,
        uint256 insuranceLimit,
        uint256 rewardCap,
        uint256 rewardCapBps
    );
    /// @notice Governance raised a market's insurance limit.
    event InsuranceFundLimitRaised(uint256 indexed marketId, uint256 oldLimit, uint256 newLimit);
    /// @notice Governance changed a market's liquidator-reward caps.
    event InsuranceFundRewardCapsSet(uint256 indexed marketId, uint256 rewardCap, uint256 rewardCapBps);
    /// @notice A bankruptcy went through the waterfall: who bears what of it and what was paid now (the transfer
    /// to the exchange is `cover.earlierPendingPaid + cover.paidNow`).
    event InsuranceFundBankruptcyCovered(
        uint256 indexed marketId,
        address indexed account,
        address indexed liquidator,
        BankruptcyCover cover
    );
    /// @notice Waterfall remainder: the uncovered rest was spread over the market's open positions.
    event InsuranceFundLossSocialized(
        uint256 indexed marketId,
        address indexed account,
        uint256 amount,
        uint256 openBase,
        uint256 lossIndex
    );
    /// @notice Waterfall remainder with no open positions: the rest became the market's bad debt.
    event InsuranceFundBadDebtRecorded(
        uint256 indexed marketId,
        address indexed account,
        uint256 amount,
        uint256 marketBadDebt
    );
    /// @notice Someone sent the surplus above the target (and any unaccounted tokens) to the treasury.
    event InsuranceFundSurplusSwept(address indexed treasury, uint256 surplus, uint256 unaccounted);
    /// @notice Someone sent another token that was sent here by mistake to the treasury.
    event InsuranceFundTokenRecovered(address indexed token, address indexed treasury, uint256 amount);
    /// @notice Governance changed the target's share of the average open interest and its floor.
    event InsuranceFundTargetSet(uint256 targetShareBps, uint256 floor);
    /// @notice The guardian paused payouts: bankruptcies queue as pending claims, sweeps stop.
    event InsuranceFundPausedBy(address indexed account);
    /// @notice The guardian resumed payouts.
    event InsuranceFundUnpausedBy(address indexed account);

    // ---------------------------------------------------------------- errors

    /// @notice An address that must be set was zero.
    error InsuranceFundZeroAddress();
    /// @notice An amount that must be positive was zero.
    error InsuranceFundZeroAmount();
    /// @notice An amount does not fit the fund's accounting: 128 bits for a fee or a claim, 96 for the balance, the
    /// treasury's accrual and the floor.
    error InsuranceFundAmountTooLarge(uint256 amount);
    /// @notice A share in basis points is above 10,000 (or zero where zero makes no sense).
    error InsuranceFundBpsOutOfBounds(uint256 bps);
    /// @notice No market is registered under this id.
    error InsuranceFundUnknownMarket(uint256 marketId);
    /// @notice A market is already registered under this id.
    error InsuranceFundMarketExists(uint256 marketId);
    /// @notice The caller is not the exchange registered for this market.
    error InsuranceFundNotMarketExchange(uint256 marketId, address caller);
    /// @notice An insurance limit can only be raised.
    error InsuranceFundLimitNotRaised(uint256 marketId, uint256 currentLimit, uint256 requestedLimit);
    /// @notice Payouts are paused by the guardian.
    error InsuranceFundPaused();
    /// @notice Unpause was called while not paused.
    error InsuranceFundNotPaused();
    /// @notice There is nothing above the target to sweep.
    error InsuranceFundNoSurplus(uint256 balance, uint256 target);
    /// @notice The quote token cannot be recovered as a stray token; use `sweepSurplus`.
    error InsuranceFundCannotRecoverQuoteToken();
    /// @notice A recovery moved quote tokens out of the fund (a token with a second entry point to the quote
    /// token's balances); nothing was recovered.
    error InsuranceFundRecoveryMovedQuoteToken(address token);
    /// @notice A floor below the minimum fixed at deployment.
    error InsuranceFundFloorBelowMinimum(uint256 floor, uint256 minFloor);
    /// @notice A target share outside [`MIN_TARGET_SHARE_BPS`, 10,000].
    error InsuranceFundTargetShareOutOfBounds(uint256 targetShareBps);

    // ---------------------------------------------------------------- anyone

    /// @notice Adds `amount` of the quote token to the fund (this is how its floor is seeded).
    /// @dev Pulls with `transferFrom`: approve the fund first. If the fund has recorded bad debt, a deposit
    /// does not repay it (only income does).
    /// @param amount Quote-token units, > 0.
    function deposit(uint256 amount) external;

    /// @notice Sends the surplus, max(0, balance - target - total bad debt), plus any quote tokens sent here
    /// without a deposit (beyond the balance, the pending claims and the treasury's accrual), to
    /// the treasury. Reverts with `InsuranceFundNoSurplus` when there is neither.
    /// @return surplus The accounted surplus swept.
    /// @return unaccounted The stray quote tokens swept.
    function sweepSurplus() external returns (uint256 surplus, uint256 unaccounted);

    /// @notice Sends the whole balance of a token other than the quote token to the treasury.
    /// @param token The stray token.
    /// @return amount What was sent.
    function recoverToken(IERC20 token) external returns (uint256 amount);

    // ---------------------------------------------------------------- the exchange

    /// @notice Runs the loss waterfall for one bankruptcy in `marketId` (docs/behaviour.md 3.1). Allocate: the
    /// fund's part F = min(reward + shortfall, its balance, the market's limit left), the capped reward first,
    /// charged to the limit and taken from the balance at once. Time: the market's earlier pending claim, then F,
    /// are paid to the calling exchange up to what the market's and the fund-wide payout buckets hold (nothing
    /// while paused); the rest of F becomes the market's pending claim. Remainder: what F does not cover, of the
    /// reward and of the shortfall, is spread over the market's open positions (`lossIndex`), or recorded as bad
    /// debt when `claim.openBase` is zero. The exchange pays its liquidator `cover.reward` itself.
    /// @dev Only the market's exchange. Never reverts because the fund is short, the limit used up, a bucket
    /// empty or payouts paused: a bankrupt account always leaves the book. O(1) whatever the number of positions.
    /// @param marketId The market of the bankrupt position.
    /// @param claim What the exchange is owed and the reward it asks for its liquidator.
    /// @return cover Who bears what, what was paid now and what waits.
    function coverBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external returns (BankruptcyCover memory cover);

    // ---------------------------------------------------------------- governance

    /// @notice Registers a market and binds it to the exchange allowed to report for it.
    /// @param marketId Any id the exchange uses; must not be registered yet.
    /// @param config Exchange, insurance limit and reward caps.
    function registerMarket(uint256 marketId, MarketConfig calldata config) external;

    /// @notice Raises a market's insurance limit (it can never be lowered below what it is).
    /// @param marketId A registered market.
    /// @param newLimit The new limit, >= the current one.
    function raiseInsuranceLimit(uint256 marketId, uint128 newLimit) external;

    /// @notice Sets the caps on a single liquidator reward in a market.
    /// @param marketId A registered market.
    /// @param rewardCap Absolute cap (`type(uint128).max`: none).
    /// @param rewardCapBps Cap in bps of the liquidated notional, <= 10,000.
    function setRewardCaps(uint256 marketId, uint128 rewardCap, uint16 rewardCapBps) external;

    /// @notice Sets the target: max(`targetShareBps` of the average open interest, `floor`).
    /// @param targetShareBps In [`MIN_TARGET_SHARE_BPS`, 10,000].
    /// @param floor Quote-token units, >= `minFloor()`: no governance call can lower the floor below the minimum
    /// fixed at deployment, so no sequence of calls makes more than the surplus above it sweepable; at most
    /// 2^96 - 1, the balance's width (else `InsuranceFundAmountTooLarge`).
    function setTarget(uint16 targetShareBps, uint128 floor) external;

    /// @notice The guardian stops payouts until unpaused: `coverBankruptcy` still runs but pays nothing (what it
    /// would pay waits as the market's pending claim), `processPendingClaim` and `sweepSurplus` revert. Trades,
    /// fees and liquidations go on.
    function pause() external;

    /// @notice The guardian resumes payouts.
    function unpause() external;

    // ---------------------------------------------------------------- views

    /// @notice The quote token.
    function quoteToken() external view returns (IERC20);

    /// @notice The quote token's decimals, read once at deployment.
    function quoteDecimals() external view returns (uint8);

    /// @notice The fund's accounted balance (donations excluded).
    function fundBalance() external view returns (uint256);

    /// @notice max(targetShareBps of the average open interest, floor).
    function targetSize() external view returns (uint256);

    /// @notice The target's share of the average open interest, in bps.
    function targetShareBps() external view returns (uint16);

    /// @notice The target's floor.
    function floor() external view returns (uint128);

    /// @notice The lowest floor `setTarget` accepts, fixed at deployment.
    function minFloor() external view returns (uint128);

    /// @notice The sum of all markets' unpaid bad debt.
    function totalBadDebt() external view returns (uint256);

    /// @notice Whether payouts are paused.
    function paused() external view returns (bool);

    /// @notice A market's settings and running totals. Reverts for an unknown market.
    function market(uint256 marketId) external view returns (MarketInfo memory);

    /// @notice The fund's health in one call.
    function health() external view returns (FundHealth memory);
}
