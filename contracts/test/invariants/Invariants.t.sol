// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InsuranceFund} from "../../InsuranceFund.sol";
import {BackstopVault} from "../../backstop/BackstopVault.sol";
import {BackstopTerms} from "../../interfaces/IBackstopVault.sol";
import {IFeePolicy} from "../../interfaces/IFeePolicy.sol";
import {IInsuranceFund} from "../../interfaces/IInsuranceFund.sol";
import {MarketConfig, MarketInfo} from "../../interfaces/IInsuranceVault.sol";
import {IReferenceExchange, MarketParams, MarketState} from "../../interfaces/IReferenceExchange.sol";
import {Bands} from "../../interfaces/ITargetBandsPolicy.sol";
import {MockPriceFeed} from "../../mocks/MockPriceFeed.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";
import {FixedSharePolicy} from "../../policies/FixedSharePolicy.sol";
import {TargetBandsPolicy} from "../../policies/TargetBandsPolicy.sol";
import {ReferenceExchange} from "../../reference/ReferenceExchange.sol";
import {governedSelectors} from "../utils/Governance.sol";
import {VM} from "../utils/Vm.sol";
import {InsuranceHandler} from "./InsuranceHandler.sol";
import {InvariantChecks} from "./InvariantChecks.sol";

/// @title InvariantsTestBase
/// @notice The invariant suite of `InvariantsSpec` over the real `InsuranceFund` and `ReferenceExchange`, driven by
/// `InsuranceHandler`: two markets (ETH-like at 2,000 and a 30-dollar coin), each with an insurance limit small
/// enough that crashes use it up, a 7-day averaging window, a 2,000 USDC floor, an open book to start from, market
/// 1's payout bucket small enough to bind (the handler resets both markets' and the fund-wide bucket), the
/// exchange's house capital, from which it pays its keepers, and a staked backstop behind the fund (4,000 USDC of
/// stake, per-market limits of 1,500 and 3,000 USDC that crashes use up, 20 % of the treasury's income).
/// Runs and depth come from `test.solidity.invariant` in hardhat.config.ts (`INVARIANT_RUNS`, `INVARIANT_DEPTH`);
/// `failOnRevert` is on, so any revert the handler does not expect fails the run too.
/// @dev The same suite runs once per fee policy (the concrete contracts below). To run this file alone, build
/// first (`npx hardhat build`): the fuzzer reads the handler's ABI from the contracts' artifacts, which
/// `npx hardhat test solidity <file>` does not write (it builds the test file's own artifacts only).
abstract contract InvariantsTestBase is InvariantChecks {
    /// @notice forge-std's `StdInvariant.FuzzSelector`: the handler's functions the fuzzer calls.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint64 internal constant GOVERNOR_ROLE = 1;
    uint64 internal constant GUARDIAN_ROLE = 2;
    uint256 internal constant WINDOW_SECONDS = 7 days;
    uint16 internal constant TARGET_SHARE_BPS = 500;
    uint128 internal constant FLOOR = 2_000e6;
    uint16 internal constant BACKSTOP_SHARE_BPS = 2_000;

    address internal constant GOVERNOR = address(0x60);
    address internal constant GUARDIAN = address(0x6A);
    address internal constant EXCHANGE_OWNER = address(0xE0);
    address internal constant TREASURY = address(0x7E);

    MockUSDC internal usdc;
    IFeePolicy internal policy;
    IInsuranceFund internal fund;
    IReferenceExchange internal exchange;
    BackstopVault internal backstop;
    InsuranceHandler internal handler;
    uint256[] internal marketIds;

    // ---------------------------------------------------------------- set-up

    function setUp() public {
        VM.warp(1_700_000_000);
        usdc = new MockUSDC();
        policy = _deployPolicy();
        AccessManager manager = new AccessManager(address(this));
        fund = new InsuranceFund(
            IERC20(address(usdc)),
            address(manager),
            WINDOW_SECONDS,
            TARGET_SHARE_BPS,
            FLOOR,
            FLOOR,
            policy,
            TREASURY
        );
        backstop = _deployBackstop(manager);
        _grantRoles(manager);
        exchange = new ReferenceExchange(IERC20(address(usdc)), fund, EXCHANGE_OWNER);

        InsuranceHandler.Deployment memory d;
        (d.usdc, d.fund, d.exchange, d.policy, d.backstop) = (usdc, fund, exchange, policy, backstop);
        (d.governor, d.guardian, d.exchangeOwner, d.treasury, d.admin) = (
            GOVERNOR,
            GUARDIAN,
            EXCHANGE_OWNER,
            TREASURY,
            address(this)
        );
        // Market 1: ETH-like at 2,000, 10x, limit 3,000 USDC, no reward caps.
        d.marketIds[0] = 1;
        d.feeds[0] = new MockPriceFeed(8, 2_000e8);
        _listMarket(1, d.feeds[0], 3_000e6, type(uint128).max, 10_000, _params(10, 100, 5_000, 1_000, 0.7e18));
        // Market 2: a 30-dollar coin, 20x, limit 6,000 USDC, reward capped at 150 USDC and 0.5 % of the notional.
        d.marketIds[1] = 2;
        d.feeds[1] = new MockPriceFeed(8, 30e8);
        _listMarket(2, d.feeds[1], 6_000e6, 150e6, 50, _params(5, 150, 3_000, 500, 0.75e18));
        marketIds.push(1);
        marketIds.push(2);
        _setBackstop();

        handler = new InsuranceHandler(d);
        // The floor's seed, and a leveraged book to start from: in market 1 an 8x long alone (a crash there that
        // nobody else traded into leaves no open base: bad debt), in market 2 a 15x long and a 15x short.
        handler.depositToFund(4_000e6);
        handler.openPosition(0, 0, 5_000e6, 20e18);
        handler.openPosition(2, 1, 4_000e6, 2_000e18);
        handler.openPosition(3, 1, 2_000e6, -1_000e18);
        // 400 USDC at once, then about 0.1 USDC a second (8,640 a day).
        handler.setMarketPayoutLimit(0, 1, 400e6, 0.1e6);
        handler.depositHouseCapital(50_000e6);
        _stakeAndListDeferringMarket();
    }

    /// @dev The fee policy under test.
    function _deployPolicy() internal virtual returns (IFeePolicy);

    /// @notice The fuzzer calls the handler only.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice The handler's actions (its views and set-up helper are left out).
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        // Trades, price moves and liquidations are listed twice: the fuzzer draws from this list, so it calls them
        // twice as often.
        bytes4[] memory selectors = new bytes4[](26);
        selectors[0] = handler.depositCollateral.selector;
        selectors[1] = handler.withdrawCollateral.selector;
        selectors[2] = handler.trade.selector;
        selectors[3] = handler.settle.selector;
        selectors[4] = handler.liquidate.selector;
        selectors[5] = handler.sweep.selector;
        selectors[6] = handler.flush.selector;
        selectors[7] = handler.depositToFund.selector;
        selectors[8] = handler.donate.selector;
        selectors[9] = handler.movePrice.selector;
        selectors[10] = handler.warp.selector;
        selectors[11] = handler.setFees.selector;
        selectors[12] = handler.guardian.selector;
        selectors[13] = handler.raiseLimit.selector;
        selectors[14] = handler.setRewardCaps.selector;
        selectors[15] = handler.strangerAttack.selector;
        selectors[16] = handler.trade.selector;
        selectors[17] = handler.movePrice.selector;
        selectors[18] = handler.liquidate.selector;
        selectors[19] = handler.setMarketPayoutLimit.selector;
        selectors[20] = handler.setFundPayoutLimit.selector;
        selectors[21] = handler.processPendingClaim.selector;
        selectors[22] = handler.depositHouseCapital.selector;
        selectors[23] = handler.setFeeDeferral.selector;
        selectors[24] = handler.deferredTrade.selector;
        selectors[25] = handler.pullDeferredFees.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    // ---------------------------------------------------------------- invariants: the vault

    function invariant_FUND_01_accountedBalance() external view {
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        _checkFund01(
            FundLedger({
                balance: fund.fundBalance(),
                deposits: g.deposits,
                fundIncome: g.fundIncome,
                rewardsAllocated: g.rewardsAllocated,
                shortfallsAllocated: g.shortfallsAllocated,
                pendingRejected: g.pendingRejected,
                surplusSwept: g.surplusSwept
            })
        );
    }

    function invariant_FUND_02_tokensCoverBooks() external view {
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        _checkFund02(
            FundTokens({
                tokenBalance: usdc.balanceOf(address(fund)),
                balance: fund.fundBalance(),
                pending: fund.totalPending(),
                treasuryAccrued: fund.treasuryAccrued(),
                donations: g.donations,
                unaccountedSwept: g.unaccountedSwept
            })
        );
    }

    function invariant_FUND_03_insuranceLimit() external view {
        for (uint256 i; i < marketIds.length; ++i) {
            MarketInfo memory info = fund.market(marketIds[i]);
            InsuranceHandler.MarketGhosts memory mg = handler.marketGhosts(marketIds[i]);
            _checkFund03(info.insuranceLimit, info.insurancePaid, mg.rewardsAllocated, mg.shortfallsAllocated);
        }
    }

    function invariant_FUND_04_treasury() external view {
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        _checkFund04(
            TreasuryLedger({
                treasuryAccrued: fund.treasuryAccrued(),
                treasuryParts: g.treasuryIncome,
                flushed: g.flushed,
                backstopIncome: g.backstopIncome,
                treasuryTokens: usdc.balanceOf(TREASURY),
                surplusSwept: g.surplusSwept,
                unaccountedSwept: g.unaccountedSwept
            })
        );
        _checkNoViolations(handler.violations(FUND_04), FUND_04);
    }

    function invariant_DEFER_01_deferredFees() external view {
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        DeferralLedger memory d;
        for (uint256 id = 1; id <= DEFER_MARKET_ID; ++id) {
            (uint256 fundPart, uint256 treasuryPart, uint256 cap) = fund.deferredFees(id);
            d.debt += fundPart + treasuryPart;
            if (fundPart + treasuryPart > cap) ++d.overCap;
        }
        (d.booked, d.received, d.dropped) = (g.deferredBooked, g.deferredReceived, g.deferredDropped);
        d.tokenBalance = usdc.balanceOf(address(fund));
        d.balance = fund.fundBalance();
        d.treasuryAccrued = fund.treasuryAccrued();
        d.pending = fund.totalPending();
        _checkDefer01(d);
        _checkNoViolations(handler.violations(DEFER_01), DEFER_01);
    }

    /// @notice The deferral actions do what DEFER-01's campaign relies on: a fee within the cap books, the fee past it
    /// pulls the whole debt, a keeper's pull with none reverts (caught).
    function test_DEFER_01_handlerBooksPullsAndRefuses() external {
        handler.deferredTrade(300e6, 0);
        handler.deferredTrade(150e6, 1);
        _holds(handler.metrics().deferredBookings == 2, DEFER_01);
        handler.deferredTrade(100e6, 0);
        _holds(handler.metrics().deferredPulls == 1, DEFER_01);
        handler.pullDeferredFees(0);
        handler.deferredTrade(10e6, 0);
        handler.pullDeferredFees(1);
        _holds(handler.metrics().deferredPulls == 2, DEFER_01);
        this.invariant_DEFER_01_deferredFees();
        this.invariant_FUND_01_accountedBalance();
        this.invariant_FUND_04_treasury();
    }

    function invariant_FUND_05_sweeps() external view {
        _checkNoViolations(handler.violations(FUND_05), FUND_05);
    }

    // ---------------------------------------------------------------- invariants: waterfall and splitter

    function invariant_WF_01_waterfallOrder() external view {
        _checkNoViolations(handler.violations(WF_01), WF_01);
    }

    function invariant_SPLIT_01_partsAddUp() external view {
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        _checkSplit01Totals(g.feeAmounts, g.badDebtRepaid, g.fundParts, g.treasuryParts, handler.violations(SPLIT_01));
    }

    function invariant_SPLIT_02_policyObeyed() external view {
        _checkNoViolations(handler.violations(SPLIT_02), SPLIT_02);
    }

    // ---------------------------------------------------------------- invariants: socialized losses and bad debt

    function invariant_LOSS_01_chargesCoverLosses() external view {
        for (uint256 i; i < marketIds.length; ++i) {
            InsuranceHandler.MarketGhosts memory mg = handler.marketGhosts(marketIds[i]);
            (uint256 pending, uint256 nonzero) = handler.pendingCharges(marketIds[i]);
            _checkLoss01(
                LossLedger({
                    socialized: mg.socialized,
                    charged: mg.charged,
                    pending: pending,
                    nonzeroCharges: mg.nonzeroCharges + nonzero
                })
            );
        }
    }

    function invariant_LOSS_02_lossIndex() external view {
        for (uint256 i; i < marketIds.length; ++i) {
            InsuranceHandler.MarketGhosts memory mg = handler.marketGhosts(marketIds[i]);
            _checkLoss02(
                LossIndexObs({
                    previous: mg.lossIndexAtStart,
                    current: fund.lossIndex(marketIds[i]),
                    expected: mg.expectedLossIndex
                })
            );
        }
        _checkNoViolations(handler.violations(LOSS_02), LOSS_02);
    }

    function invariant_LOSS_03_chargePerPosition() external view {
        _checkNoViolations(handler.violations(LOSS_03), LOSS_03);
    }

    function invariant_DEBT_01_badDebt() external view {
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        BadDebtBooks memory d;
        d.totalBadDebt = fund.totalBadDebt();
        d.exchangeOutstanding = exchange.badDebtOutstanding();
        for (uint256 i; i < marketIds.length; ++i) {
            d.marketsBadDebt += fund.market(marketIds[i]).badDebt;
            d.exchangeMarketsOutstanding += exchange.market(marketIds[i]).badDebtOutstanding;
        }
        (d.recorded, d.repaid, d.recordedWithOpenBase) = (
            g.badDebtRecorded,
            g.badDebtRepaid,
            g.badDebtRecordedWithOpenBase
        );
        _checkDebt01(d);
        _checkNoViolations(handler.violations(DEBT_01), DEBT_01);
    }

    // ---------------------------------------------------------------- invariants: access and tokens

    function invariant_ACCESS_01_strangersRepelled() external view {
        _checkAccess01(handler.violations(ACCESS_01));
    }

    function invariant_CONS_01_tokensConserved() external view {
        address[] memory list = handler.holders();
        uint256 held;
        for (uint256 i; i < list.length; ++i) held += usdc.balanceOf(list[i]);
        (address[] memory liquidators, uint256[] memory rewarded) = handler.liquidatorRewards();
        uint256[] memory liquidatorHeld = new uint256[](liquidators.length);
        for (uint256 i; i < liquidators.length; ++i) liquidatorHeld[i] = usdc.balanceOf(liquidators[i]);
        _checkCons01(handler.ghosts().minted, usdc.totalSupply(), held, liquidatorHeld, rewarded);
    }

    // ---------------------------------------------------------------- invariants: the exchange

    function invariant_EXCH_01_solvency() external view {
        ExchangeBooks memory e;
        e.tokenBalance = usdc.balanceOf(address(exchange));
        e.totalCollateral = exchange.totalCollateral();
        e.totalDeficit = exchange.totalDeficit();
        e.counterpartyRealizedPnl = exchange.counterpartyRealizedPnl();
        e.houseCapital = exchange.houseCapital();
        e.unsettledSocializedLoss = exchange.unsettledSocializedLoss();
        e.badDebtOutstanding = exchange.badDebtOutstanding();
        e.pendingClaimsOwed = exchange.pendingClaimsOwed();
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        (e.pendingRejected, e.houseDeposits) = (g.pendingRejected, g.houseDeposits);
        address[] memory traders = handler.traders();
        for (uint256 i; i < marketIds.length; ++i) {
            for (uint256 t; t < traders.length; ++t) {
                int256 collateral = exchange.position(traders[t], marketIds[i]).collateral;
                if (collateral > 0) e.positiveCollateralSum += uint256(collateral);
                else e.negativeCollateralSum += uint256(-collateral);
            }
            MarketState memory m = exchange.market(marketIds[i]);
            e.marketsUnsettledSum += m.unsettledSocializedLoss;
            e.marketsBadDebtSum += m.badDebtOutstanding;
            e.marketsPendingSum += fund.pendingClaim(marketIds[i]);
            InsuranceHandler.MarketGhosts memory mg = handler.marketGhosts(marketIds[i]);
            _checkExch01Market(
                ExchangeMarket({
                    openBase: m.openBaseWad,
                    absBaseSum: handler.absBaseSum(marketIds[i]),
                    unsettledSocializedLoss: m.unsettledSocializedLoss,
                    socialized: mg.socialized,
                    charged: mg.charged
                })
            );
        }
        _checkExch01(e);
    }

    function invariant_LIQ_01_liquidations() external view {
        _checkNoViolations(handler.violations(LIQ_01), LIQ_01);
    }

    // ---------------------------------------------------------------- invariants: payout timing

    function invariant_PAY_01_payoutWindows() external view {
        _checkNoViolations(handler.violations(PAY_01), PAY_01);
    }

    function invariant_PEND_01_pendingClaims() external view {
        uint256 sum;
        for (uint256 i; i < marketIds.length; ++i) {
            uint256 pending = fund.pendingClaim(marketIds[i]);
            (, uint256 backstopPaid) = backstop.marketLimit(marketIds[i]);
            _checkPend01Market(
                MarketPending({
                    pending: pending,
                    expected: handler.marketGhosts(marketIds[i]).pending,
                    limitUsed: fund.market(marketIds[i]).insurancePaid,
                    fromBackstop: fund.pendingFromBackstop(marketIds[i]),
                    backstopPaid: backstopPaid
                })
            );
            sum += pending;
        }
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        _checkPend01Books(
            PendingBooks({
                totalPending: fund.totalPending(),
                marketsPending: sum,
                fundTokens: usdc.balanceOf(address(fund)),
                allocated: g.rewardsAllocated + g.shortfallsAllocated + g.backstopAllocated,
                paidToExchanges: g.paidToExchanges,
                rejected: g.pendingRejected
            })
        );
        _checkNoViolations(handler.violations(PEND_01), PEND_01);
    }

    function invariant_LIVE_01_bankruptLiquidationsGoThrough() external view {
        _checkNoViolations(handler.violations(LIVE_01), LIVE_01);
    }

    // ---------------------------------------------------------------- invariants: open interest

    function invariant_OI_01_reports() external view {
        uint256 sum;
        for (uint256 i; i < marketIds.length; ++i) {
            uint256 reported = fund.market(marketIds[i]).openInterest;
            _checkOi01(reported, handler.marketGhosts(marketIds[i]).lastReportedOpenInterest);
            sum += reported;
        }
        _checkOi01Total(fund.totalOpenInterest(), sum);
    }

    function invariant_OI_02_averageWithinRange() external view {
        InsuranceHandler.Ghosts memory g = handler.ghosts();
        _checkOi02(
            fund.averageOpenInterest(),
            g.hasOpenInterestHistory,
            g.minTotalOpenInterest,
            g.maxTotalOpenInterest
        );
    }

    // ---------------------------------------------------------------- internal

    function _deployBackstop(AccessManager manager) internal returns (BackstopVault) {
        return
            new BackstopVault(
                IERC20(address(usdc)),
                address(manager),
                address(fund),
                "Backstop",
                "BST",
                BackstopTerms({
                    cooldown: 7 days,
                    window: 2 days,
                    streamPeriod: 7 days,
                    exitCapBps: 1_000,
                    minimumAssets: 0
                })
            );
    }

    /// @dev The backstop's limits: its limit binds before its stake in market 1, its stake before its limit in market
    /// 2 (once market 1 has taken some); then the fund is told of it.
    function _setBackstop() internal {
        VM.startPrank(GOVERNOR);
        backstop.setMarketLimit(1, 1_500e6);
        backstop.setMarketLimit(2, 3_000e6);
        fund.setBackstop(backstop, BACKSTOP_SHARE_BPS);
        VM.stopPrank();
    }

    function _grantRoles(AccessManager manager) internal {
        bytes4[] memory governed = governedSelectors();
        bytes4[] memory guarded = new bytes4[](2);
        guarded[0] = InsuranceFund.pause.selector;
        guarded[1] = InsuranceFund.unpause.selector;
        manager.setTargetFunctionRole(address(fund), governed, GOVERNOR_ROLE);
        manager.setTargetFunctionRole(address(fund), guarded, GUARDIAN_ROLE);
        bytes4[] memory backstopGoverned = new bytes4[](1);
        backstopGoverned[0] = BackstopVault.setMarketLimit.selector;
        manager.setTargetFunctionRole(address(backstop), backstopGoverned, GOVERNOR_ROLE);
        manager.grantRole(GOVERNOR_ROLE, GOVERNOR, 0);
        manager.grantRole(GUARDIAN_ROLE, GUARDIAN, 0);
    }

    /// @dev The backstop's stake; market 3 defers its fees (DEFER-01): its exchange is an account; no insurance, no
    /// open interest.
    function _stakeAndListDeferringMarket() internal {
        handler.stakeInBackstop(4_000e6);
        MarketConfig memory deferring = MarketConfig(handler.deferExchange(), 0, 0, 0, 0);
        VM.prank(GOVERNOR);
        fund.registerMarket(DEFER_MARKET_ID, deferring);
        handler.setFeeDeferral(500e6);
    }

    function _listMarket(
        uint256 marketId,
        MockPriceFeed feed,
        uint128 insuranceLimit,
        uint128 rewardCap,
        uint16 rewardCapBps,
        MarketParams memory params
    ) internal {
        VM.prank(GOVERNOR);
        fund.registerMarket(
            marketId,
            MarketConfig(address(exchange), insuranceLimit, rewardCap, rewardCapBps, 2 ** 80)
        );
        VM.prank(EXCHANGE_OWNER);
        exchange.listMarket(marketId, feed, params);
    }

    function _params(
        uint16 tradingFeeBps,
        uint16 liquidationPenaltyBps,
        uint16 liquidatorShareBps,
        uint16 initialMarginBps,
        uint64 liquidationRatioWad
    ) internal pure returns (MarketParams memory) {
        return
            MarketParams({
                tradingFeeBps: tradingFeeBps,
                liquidationPenaltyBps: liquidationPenaltyBps,
                liquidatorShareBps: liquidatorShareBps,
                initialMarginBps: initialMarginBps,
                liquidationRatioWad: liquidationRatioWad,
                bankruptcyRatioWad: 0,
                maxPriceAgeSeconds: 0
            });
    }
}

/// @notice The suite under Spark's policy: half of every fee and penalty to the fund.
contract InvariantsFixedShareTest is InvariantsTestBase {
    function _deployPolicy() internal override returns (IFeePolicy) {
        return new FixedSharePolicy(5_000, 5_000);
    }
}

/// @notice The suite under Spin's target bands: 2 % / 5 %, 20 % of fees and 40 % of penalties when low.
contract InvariantsTargetBandsTest is InvariantsTestBase {
    function _deployPolicy() internal override returns (IFeePolicy) {
        return new TargetBandsPolicy(Bands(200, 500, 2_000, 4_000, 4_000));
    }
}
