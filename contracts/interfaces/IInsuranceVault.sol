// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice A market's settings as governance registers them.
/// @param exchange The only contract allowed to report this market's fees, open interest and bankruptcies.
/// @param insuranceLimit The most the fund will ever pay for this market's bankruptcies, in total.
/// @param rewardCap The most the fund pays one liquidator for one bankruptcy (`type(uint128).max`: no cap).
/// @param rewardCapBps The same cap as a share of the liquidated notional (10_000: no cap below the notional).
/// @param openInterestCap The most open interest the market may report, in quote units: the caps of all markets
/// sum to less than 2^128, so one market's reports can never overflow the platform's total.
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
/// @param liquidator Who liquidated the account and is owed the reward.
/// @param reward The reward the exchange asks the fund to pay the liquidator (capped by the market's caps).
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

/// @notice What one bankruptcy cost whom. `shortfallPaid + socialized + badDebt == claim.shortfall`.
/// @param rewardPaid Paid by the fund to the liquidator.
/// @param shortfallPaid Paid by the fund to the exchange.
/// @param socialized Added to the market's loss index: the open positions owe it to the exchange.
/// @param badDebt Recorded as the market's bad debt (no open positions to share it), repaid from income.
struct BankruptcyCover {
    uint256 rewardPaid;
    uint256 shortfallPaid;
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
struct FundHealth {
    uint256 balance;
    uint256 target;
    uint256 averageOpenInterest;
    uint256 totalOpenInterest;
    uint256 ratioBps;
    uint8 band;
    uint256 badDebt;
    uint256 treasuryAccrued;
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
    /// @notice Waterfall step 2a: the fund paid a liquidator its reward.
    event InsuranceFundLiquidatorRewarded(
        uint256 indexed marketId,
        address indexed account,
        address indexed liquidator,
        uint256 amount
    );
    /// @notice Waterfall step 2b: the fund paid the exchange's vault part or all of a shortfall.
    event InsuranceFundShortfallCovered(
        uint256 indexed marketId,
        address indexed account,
        address indexed exchange,
        uint256 amount
    );
    /// @notice Waterfall step 3: the uncovered rest was spread over the market's open positions.
    event InsuranceFundLossSocialized(
        uint256 indexed marketId,
        address indexed account,
        uint256 amount,
        uint256 openBase,
        uint256 lossIndex
    );
    /// @notice Waterfall step 3 with no open positions: the rest became the market's bad debt.
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
    /// @notice The guardian paused payouts (bankruptcy cover and surplus sweeps).
    event InsuranceFundPausedBy(address indexed account);
    /// @notice The guardian resumed payouts.
    event InsuranceFundUnpausedBy(address indexed account);

    // ---------------------------------------------------------------- errors

    /// @notice An address that must be set was zero.
    error InsuranceFundZeroAddress();
    /// @notice An amount that must be positive was zero.
    error InsuranceFundZeroAmount();
    /// @notice An amount does not fit the fund's 128-bit accounting.
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

    /// @notice Sends the surplus above the target, plus any quote tokens sent here without a deposit, to
    /// the treasury. Reverts with `InsuranceFundNoSurplus` when there is neither.
    /// @return surplus The accounted surplus swept.
    /// @return unaccounted The stray quote tokens swept.
    function sweepSurplus() external returns (uint256 surplus, uint256 unaccounted);

    /// @notice Sends the whole balance of a token other than the quote token to the treasury.
    /// @param token The stray token.
    /// @return amount What was sent.
    function recoverToken(IERC20 token) external returns (uint256 amount);

    // ---------------------------------------------------------------- the exchange

    /// @notice Runs the loss waterfall for one bankruptcy in `marketId`. Pays the liquidator's reward first
    /// (capped by the market's reward caps), then the shortfall to the calling exchange, both limited by
    /// the fund's balance and what is left of the market's insurance limit; spreads the rest over the
    /// market's open positions (`lossIndex`), or records it as bad debt when `claim.openBase` is zero.
    /// Never reverts because the fund is short or the limit is used up.
    /// @dev Only the market's exchange; reverts while paused. O(1) whatever the number of positions.
    /// @param marketId The market of the bankrupt position.
    /// @param claim What the exchange is owed and whom to reward.
    /// @return cover What was paid to whom, socialized, and recorded as bad debt.
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
    /// fixed at deployment, so no sequence of calls makes more than the surplus above it sweepable.
    function setTarget(uint16 targetShareBps, uint128 floor) external;

    /// @notice The guardian stops payouts: `coverBankruptcy` and `sweepSurplus` revert until unpaused.
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
