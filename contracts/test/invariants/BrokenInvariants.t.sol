// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {InsuranceFund} from "../../InsuranceFund.sol";
import {BackstopVault} from "../../backstop/BackstopVault.sol";
import {BackstopTerms} from "../../interfaces/IBackstopVault.sol";
import {FeeKind, FundState, IFeePolicy} from "../../interfaces/IFeePolicy.sol";
import {IInsuranceFund} from "../../interfaces/IInsuranceFund.sol";
import {BankruptcyCover, MarketConfig} from "../../interfaces/IInsuranceVault.sol";
import {InflatingToken} from "../../mocks/InflatingToken.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";
import {OverAllocatingPolicy} from "../../mocks/OverAllocatingPolicy.sol";
import {FixedSharePolicy} from "../../policies/FixedSharePolicy.sol";
import {VM} from "../utils/Vm.sol";
import {BrokenDeferralFund} from "./doubles/BrokenDeferralFund.sol";
import {BrokenExchange} from "./doubles/BrokenExchange.sol";
import {BrokenFund} from "./doubles/BrokenFund.sol";
import {BrokenPayoutFund} from "./doubles/BrokenPayoutFund.sol";
import {UnisolatedFund} from "./doubles/UnisolatedFund.sol";
import {TrustBoundaryActions} from "./TrustBoundaryActions.sol";

/// @title BrokenInvariantsTest
/// @notice Every invariant of `InvariantsSpec` can fail: for each, a deliberately broken component (a fund double, an
/// exchange double on the real fund, a hostile policy or token) is run, and what it shows is fed to the same check
/// function the invariant suite uses, which must revert with that invariant's id. Each test also runs the honest
/// version of the component through the same check, which must pass: the check tells the two apart.
contract BrokenInvariantsTest is TrustBoundaryActions {
    /// @dev OI-02's story starts here (1 January 2024).
    uint256 internal constant OI_02_START = 1_704_067_200;
    /// @dev PEND-01's story starts here (1 February 2024).
    uint256 internal constant PEND_01_START = 1_706_745_600;

    uint256 internal constant MARKET_ID = 1;
    address internal constant EXCHANGE = address(0xE1);
    address internal constant LIQUIDATOR = address(0x11);
    address internal constant TRADER_A = address(0xA1);
    address internal constant TRADER_B = address(0xB1);
    address internal constant TRADER_C = address(0xC1);

    MockUSDC internal usdc;
    FixedSharePolicy internal halfAndHalf;
    uint256 internal treasuries;

    function setUp() public {
        VM.warp(1_700_000_000);
        usdc = new MockUSDC();
        halfAndHalf = new FixedSharePolicy(5_000, 5_000);
    }

    // ================================================================ the vault

    function test_FUND_01_catchesDepositCreditedTwice() external {
        this.checkFund01(_depositLedger(BrokenFund.Bug.None));
        FundLedger memory broken = _depositLedger(BrokenFund.Bug.DepositCreditsTwice);
        _expectViolation(FUND_01);
        this.checkFund01(broken);
    }

    function test_FUND_02_catchesPayoutNotDebited() external {
        this.checkFund02(_payoutTokens(BrokenFund.Bug.None));
        FundTokens memory broken = _payoutTokens(BrokenFund.Bug.PaysWithoutDebit);
        _expectViolation(FUND_02);
        this.checkFund02(broken);
    }

    function test_DEFER_01_catchesBookedFeeCredited() external {
        this.checkDefer01(_bookThenPull(BrokenDeferralFund.Bug.None, false));
        this.checkDefer01(_bookThenPull(BrokenDeferralFund.Bug.None, true));
        DeferralLedger memory broken = _bookThenPull(BrokenDeferralFund.Bug.CreditsWhenBooking, false);
        _expectViolation(DEFER_01);
        this.checkDefer01(broken);
    }

    function test_FUND_03_catchesLimitNotChecked() external {
        (uint256 limit, uint256 paid, uint256 shortfalls) = _coverOverLimit(BrokenFund.Bug.None);
        this.checkFund03(limit, paid, 0, shortfalls);
        (limit, paid, shortfalls) = _coverOverLimit(BrokenFund.Bug.IgnoresLimit);
        _expectViolation(FUND_03);
        this.checkFund03(limit, paid, 0, shortfalls);
    }

    function test_FUND_04_catchesFlushKeepingTheAccrual() external {
        (TreasuryLedger memory honest, bool honestFlush) = _feeAndFlush(BrokenFund.Bug.None);
        this.checkFund04(honest);
        assert(honestFlush);
        (TreasuryLedger memory broken, bool brokenFlush) = _feeAndFlush(BrokenFund.Bug.FlushKeepsAccrual);
        assert(!brokenFlush);
        _expectViolation(FUND_04);
        this.checkFund04(broken);
    }

    function test_FUND_05_catchesSweepBelowTarget() external {
        this.checkSweep(_sweep(BrokenFund.Bug.None));
        Sweep memory broken = _sweep(BrokenFund.Bug.SweepsEverything);
        _expectViolation(FUND_05);
        this.checkSweep(broken);
    }

    // ================================================================ the waterfall and the splitter

    function test_WF_01_catchesShortfallAllocatedBeforeReward() external {
        this.checkWaterfall(_bankruptcy(BrokenFund.Bug.None));
        Bankruptcy memory broken = _bankruptcy(BrokenFund.Bug.ShortfallFirst);
        _expectViolation(WF_01);
        this.checkWaterfall(broken);
    }

    /// @dev With a backstop behind the fund, the double that books B to its own balance and socializes the whole
    /// rest after F shows the same token moves at the backstop but not the cover WF-01 predicts.
    function test_WF_01_catchesBackstopPartBookedToTheBalance() external {
        Bankruptcy memory honest = _bankruptcyWithBackstop(BrokenFund.Bug.None);
        this.checkWaterfall(honest);
        assert(honest.cover.backstopShortfall == 15e6 && honest.cover.socialized == 5e6);
        Bankruptcy memory broken = _bankruptcyWithBackstop(BrokenFund.Bug.BooksBackstopPartToBalance);
        // The broken double took B from the backstop too.
        assert(broken.backstopAssetsSent == 15e6 && broken.backstopTokensSent == 15e6);
        _expectViolation(WF_01);
        this.checkWaterfall(broken);
    }

    /// @dev The real fund falls back to 100 % fund on the over-allocating policy; a fund that trusts it does not.
    function test_SPLIT_01_catchesUncheckedOverAllocation() external {
        OverAllocatingPolicy policy = new OverAllocatingPolicy();
        FeeSplit memory real = _realFundSplit(policy, 100e6);
        this.checkSplit01(real);
        this.checkSplit02(real);
        FeeSplit memory broken = _toySplit(BrokenFund.Bug.TrustsPolicy, policy, 100e6);
        this.checkSplit01Totals(real.amount, real.badDebtRepaid, real.fundPart, real.treasuryPart, 0);
        _expectViolation(SPLIT_01);
        this.checkSplit01(broken);
        _expectViolation(SPLIT_01);
        this.checkSplit01Totals(broken.amount, broken.badDebtRepaid, broken.fundPart, broken.treasuryPart, 0);
    }

    /// @dev 30 USDC of bad debt, a 100 USDC fee split half and half: the whole fee repays 30 first and the policy
    /// splits 70 (35 / 35); a fund that repays from its part after the split (50 / 50, 30 of the 50 kept by the
    /// exchange) reports parts that add up to 130, and asked the policy about 100.
    function test_SPLIT_01_catchesRepaymentFromTheFundPart() external {
        FeeSplit memory honest = _toySplitWithBadDebt(BrokenFund.Bug.None, 30e6, 100e6);
        assert(honest.badDebtRepaid == 30e6 && honest.fundPart == 35e6);
        this.checkSplit01(honest);
        this.checkSplit02(honest);
        FeeSplit memory broken = _toySplitWithBadDebt(BrokenFund.Bug.RepaysFromFundPart, 30e6, 100e6);
        _expectViolation(SPLIT_01);
        this.checkSplit01(broken);
        _expectViolation(SPLIT_02);
        this.checkSplit02(broken);
    }

    /// @dev Swapped parts still add up (SPLIT-01 holds) but are not the policy's answer.
    function test_SPLIT_02_catchesSwappedParts() external {
        this.checkSplit02(_toySplit(BrokenFund.Bug.None, halfAndHalf, 101));
        FeeSplit memory broken = _toySplit(BrokenFund.Bug.SwapsParts, halfAndHalf, 101);
        this.checkSplit01(broken);
        _expectViolation(SPLIT_02);
        this.checkSplit02(broken);
    }

    // ================================================================ socialized losses and bad debt

    function test_LOSS_01_catchesExchangeSkippingCharges() external {
        this.checkLoss01(_settledLedger(BrokenExchange.Bug.None));
        LossLedger memory broken = _settledLedger(BrokenExchange.Bug.SkipsCharge);
        _expectViolation(LOSS_01);
        this.checkLoss01(broken);
    }

    function test_LOSS_02_catchesOpenBaseCountingTheBankrupt() external {
        this.checkLoss02(_lossIndex(BrokenExchange.Bug.None));
        LossIndexObs memory broken = _lossIndex(BrokenExchange.Bug.OpenBaseIncludesBankrupt);
        _expectViolation(LOSS_02);
        this.checkLoss02(broken);
    }

    /// @dev A decreasing index is caught too (the double cannot lower the real fund's index: fed directly).
    function test_LOSS_02_catchesDecreasingIndex() external {
        _expectViolation(LOSS_02);
        this.checkLoss02(LossIndexObs({previous: 2, current: 1, expected: 1}));
    }

    function test_LOSS_03_catchesChargeOnTheNewSize() external {
        this.checkLoss03(_increaseSettlement(BrokenExchange.Bug.None));
        Settlement memory broken = _increaseSettlement(BrokenExchange.Bug.ChargesNewSize);
        _expectViolation(LOSS_03);
        this.checkLoss03(broken);
    }

    function test_DEBT_01_catchesBadDebtWithOpenPositions() external {
        this.checkDebt01(_badDebtBooks(BrokenExchange.Bug.None));
        BadDebtBooks memory broken = _badDebtBooks(BrokenExchange.Bug.ReportsZeroOpenBase);
        _expectViolation(DEBT_01);
        this.checkDebt01(broken);
    }

    // ================================================================ access and tokens

    /// @dev Every attack is repelled by the real fund; the unguarded double lets a stranger hand in a fee.
    function test_ACCESS_01_catchesUnguardedExchangeFunction() external {
        (IInsuranceFund fund, ) = _realFund(halfAndHalf, EXCHANGE, 1_000e6);
        address stranger = address(0x5757);
        usdc.mint(stranger, 1_000e6);
        VM.prank(stranger);
        usdc.approve(address(fund), 1_000e6);
        uint256 violations;
        for (uint256 which; which < ATTACKS; ++which) {
            bytes memory data = _attackCalldata(which, MARKET_ID, 100e6, stranger, address(halfAndHalf));
            if (!_attack(address(fund), stranger, data)) ++violations;
        }
        this.checkAccess01(violations);

        bytes memory fee = _attackCalldata(0, MARKET_ID, 100e6, stranger, address(halfAndHalf));
        BrokenFund guarded = _toyFund(BrokenFund.Bug.None, halfAndHalf, 0, 0);
        BrokenFund unguarded = _toyFund(BrokenFund.Bug.Unguarded, halfAndHalf, 0, 0);
        VM.prank(stranger);
        usdc.approve(address(guarded), 100e6);
        VM.prank(stranger);
        usdc.approve(address(unguarded), 100e6);
        this.checkAccess01(_attack(address(guarded), stranger, fee) ? 0 : 1);
        uint256 brokenViolations = _attack(address(unguarded), stranger, fee) ? 0 : 1;
        _expectViolation(ACCESS_01);
        this.checkAccess01(brokenViolations);
    }

    function test_CONS_01_catchesTokenMintingOnTransfer() external {
        (uint256 minted, uint256 supply, uint256 held) = _depositConservation(address(usdc));
        uint256[] memory none = new uint256[](0);
        this.checkCons01(minted, supply, held, none, none);
        (minted, supply, held) = _depositConservation(address(new InflatingToken()));
        _expectViolation(CONS_01);
        this.checkCons01(minted, supply, held, none, none);
    }

    /// @dev A liquidator that did not get the reward the events promised is caught too.
    function test_CONS_01_catchesUnpaidLiquidator() external {
        uint256[] memory held = new uint256[](1);
        uint256[] memory rewarded = new uint256[](1);
        (held[0], rewarded[0]) = (0, 5e6);
        _expectViolation(CONS_01);
        this.checkCons01(0, 0, 0, held, rewarded);
    }

    // ================================================================ the exchange

    function test_EXCH_01_catchesWithdrawalNotDebited() external {
        this.checkExch01(_withdrawalBooks(BrokenExchange.Bug.None));
        ExchangeBooks memory broken = _withdrawalBooks(BrokenExchange.Bug.WithdrawWithoutDebit);
        _expectViolation(EXCH_01);
        this.checkExch01(broken);
    }

    function test_LIQ_01_catchesHealthyAccountLiquidated() external {
        this.checkLiq01(_liquidateHealthy(BrokenExchange.Bug.None));
        LiquidationAttempt memory broken = _liquidateHealthy(BrokenExchange.Bug.LiquidatesHealthy);
        _expectViolation(LIQ_01);
        this.checkLiq01(broken);
    }

    /// @dev And a liquidatable account the exchange refuses (its vault not short) is caught.
    function test_LIQ_01_catchesRefusedLiquidation() external {
        _expectViolation(LIQ_01);
        this.checkLiq01(
            LiquidationAttempt({liquidatable: true, bankrupt: true, exchangeShort: false, succeeded: false})
        );
    }

    // ================================================================ payout limits, pending claims, liveness

    /// @dev A bucket of 100 USDC refilling 1 a second, 1,000 in the fund, two shortfalls of 80 in the same second:
    /// the honest fund pays 80 then 20 (60 wait); one that pays beyond the bucket pays 160 in zero seconds.
    function test_PAY_01_catchesPayoutBeyondTheBucket() external {
        this.checkPay01(_twoPayoutsAtOnce(BrokenPayoutFund.Bug.None));
        PayoutWindow memory broken = _twoPayoutsAtOnce(BrokenPayoutFund.Bug.PaysBeyondBucket);
        assert(broken.paid == 160e6);
        _expectViolation(PAY_01);
        this.checkPay01(broken);
    }

    /// @dev A bucket of 100 USDC refilling 1 a second: a shortfall of 150 leaves 50 pending; 60 seconds later a
    /// shortfall of 30 finds 60 in the bucket: the honest fund pays the 50 first, then 10 of the 30; one that pays
    /// the newer claim first pays 30 of it and 30 of the 50.
    function test_PEND_01_catchesNewerClaimPaidFirst() external {
        this.checkPend01Order(_payoutAfterPending(BrokenPayoutFund.Bug.None));
        PendingPayout memory broken = _payoutAfterPending(BrokenPayoutFund.Bug.PaysNewerFirst);
        assert(broken.earlierPaid == 30e6 && broken.newerPaid == 30e6);
        _expectViolation(PEND_01);
        this.checkPend01Order(broken);
    }

    /// @dev The books side of PEND-01: a pending claim above what the events left, or above the limit charged; a
    /// total that is not the markets' sum or that the fund's tokens do not hold; an allocation that is neither paid,
    /// pending nor rejected (80 allocated, 30 paid, 50 pending is honest).
    function test_PEND_01_catchesPendingBooksOff() external {
        this.checkPend01Market(
            MarketPending({pending: 50, expected: 50, limitUsed: 80, fromBackstop: 0, backstopPaid: 0})
        );
        this.checkPend01Books(_pendingBooks(50, 50, 50, 30));
        // The backstop's 10 of a 90 claim leave the fund's 80 within the limit charged, but not 10 more than it paid.
        this.checkPend01Market(
            MarketPending({pending: 90, expected: 90, limitUsed: 80, fromBackstop: 10, backstopPaid: 10})
        );
        _expectViolation(PEND_01);
        this.checkPend01Market(
            MarketPending({pending: 90, expected: 90, limitUsed: 80, fromBackstop: 10, backstopPaid: 5})
        );
        _expectViolation(PEND_01);
        this.checkPend01Market(
            MarketPending({pending: 50, expected: 40, limitUsed: 80, fromBackstop: 0, backstopPaid: 0})
        );
        _expectViolation(PEND_01);
        this.checkPend01Market(
            MarketPending({pending: 90, expected: 90, limitUsed: 80, fromBackstop: 0, backstopPaid: 0})
        );
        _expectViolation(PEND_01);
        this.checkPend01Books(_pendingBooks(60, 50, 100, 20));
        _expectViolation(PEND_01);
        this.checkPend01Books(_pendingBooks(50, 50, 49, 30));
        _expectViolation(PEND_01);
        this.checkPend01Books(_pendingBooks(50, 50, 50, 20));
    }

    /// @dev While paused, the honest fund takes the bankruptcy (its allocation waits as pending); the fund that
    /// reverts while paused leaves the bankrupt account on the book.
    function test_LIVE_01_catchesBankruptcyRevertingWhilePaused() external {
        (LiquidationAttempt memory honest, uint256 honestPending) = _pausedBankruptcy(BrokenPayoutFund.Bug.None);
        assert(honest.succeeded && honestPending == 70e6);
        this.checkLive01(honest);
        (LiquidationAttempt memory broken, ) = _pausedBankruptcy(BrokenPayoutFund.Bug.RevertsWhilePaused);
        assert(!broken.succeeded);
        _expectViolation(LIVE_01);
        this.checkLive01(broken);
    }

    // ================================================================ open interest

    function test_OI_01_catchesMissingReport() external {
        (uint256 reported, uint256 expected) = _openInterestReport(BrokenExchange.Bug.None);
        this.checkOi01(reported, expected);
        (reported, expected) = _openInterestReport(BrokenExchange.Bug.SkipsOpenInterestReport);
        _expectViolation(OI_01);
        this.checkOi01(reported, expected);
    }

    function test_OI_02_catchesAverageOverTheFullWindowTooEarly() external {
        // Absolute times only: under the IR pipeline a `block.timestamp` read once may be re-read after a warp.
        this.checkOi02(_twoDayAverage(BrokenFund.Bug.None, OI_02_START), true, 1_000e6, 3_000e6);
        uint256 broken = _twoDayAverage(BrokenFund.Bug.AverageOverFullWindow, OI_02_START + 10 days);
        _expectViolation(OI_02);
        this.checkOi02(broken, true, 1_000e6, 3_000e6);
    }

    // ================================================================ governance and market isolation

    /// @dev The drain of 834b281 on the real fund: the governor calls setTreasury(attacker) and the drain's target
    /// directly, then a stranger sweeps. With the delay both calls revert and nothing moves; with the old wiring
    /// (the governor's calls not delayed) the treasury and the target change at once and the attacker is paid.
    function test_GOV_01_catchesGovernorWithoutDelay() external {
        (GovernedCall memory honestCalls, GovernanceExit memory honestSweep) = _drain(_deployStage(GOVERNANCE_DELAY));
        assert(!honestCalls.succeeded);
        this.checkGov01(honestCalls);
        this.checkGov01Exit(honestSweep);
        (GovernedCall memory brokenCalls, GovernanceExit memory brokenSweep) = _drain(_deployStage(0));
        assert(brokenCalls.succeeded && brokenSweep.attackerReceived == STAGE_BALANCE - MIN_FLOOR);
        _expectViolation(GOV_01);
        this.checkGov01(brokenCalls);
        _expectViolation(GOV_01);
        this.checkGov01Exit(brokenSweep);
    }

    /// @dev A fund whose floor is not kept: its sweep takes the whole balance, below the minimum floor (60 USDC).
    function test_GOV_01_catchesSweepBelowTheMinimumFloor() external {
        this.checkGov01Exit(_floorSweep(BrokenFund.Bug.None));
        GovernanceExit memory broken = _floorSweep(BrokenFund.Bug.SweepsEverything);
        _expectViolation(GOV_01);
        this.checkGov01Exit(broken);
    }

    /// @dev The rogue market's report and claim of 834b281 (filling 2^128 - 1 of open interest; a bad debt of
    /// 2^128 - 1 with no open base): on the real fund they revert for the rogue market alone, on the fund whose
    /// platform totals are 128-bit and whose markets have no cap each leaves market 1 unable to act.
    function test_ISO_01_catchesPlatformTotalsIn128Bits() external {
        Stage memory s = _deployStage(GOVERNANCE_DELAY);
        _rogueReport(s.fund, type(uint128).max - s.fund.totalOpenInterest());
        this.checkIso01(_observeIsolation(s.fund, HONEST_MARKET, HONEST_EXCHANGE, HONEST_CAP));
        _rogueClaim(s.fund, type(uint128).max, 0, 0);
        assert(s.fund.market(ROGUE_MARKET).badDebt != 0);
        this.checkIso01(_observeIsolation(s.fund, HONEST_MARKET, HONEST_EXCHANGE, HONEST_CAP));

        MarketIsolation memory afterReport = _unisolated(true);
        _expectViolation(ISO_01);
        this.checkIso01(afterReport);
        MarketIsolation memory afterClaim = _unisolated(false);
        assert(afterClaim.reportedAtCap && !afterClaim.recordedBadDebt);
        _expectViolation(ISO_01);
        this.checkIso01(afterClaim);
    }

    // ================================================================ the checks, callable (for expectRevert)

    function checkFund01(FundLedger calldata ledger) external pure {
        _checkFund01(ledger);
    }

    function checkDefer01(DeferralLedger calldata d) external pure {
        _checkDefer01(d);
    }

    function checkFund02(FundTokens calldata t) external pure {
        _checkFund02(t);
    }

    function checkFund03(uint256 limit, uint256 paid, uint256 rewards, uint256 shortfalls) external pure {
        _checkFund03(limit, paid, rewards, shortfalls);
    }

    function checkFund04(TreasuryLedger calldata t) external pure {
        _checkFund04(t);
    }

    function checkSweep(Sweep calldata s) external pure {
        _checkSweep(s);
    }

    function checkWaterfall(Bankruptcy calldata b) external pure {
        _checkWaterfall(b);
    }

    function checkSplit01(FeeSplit calldata f) external pure {
        _checkSplit01(f);
    }

    function checkSplit01Totals(
        uint256 amounts,
        uint256 repaid,
        uint256 fundParts,
        uint256 treasuryParts,
        uint256 violations
    ) external pure {
        _checkSplit01Totals(amounts, repaid, fundParts, treasuryParts, violations);
    }

    function checkSplit02(FeeSplit calldata f) external pure {
        _checkSplit02(f);
    }

    function checkLoss01(LossLedger calldata ledger) external pure {
        _checkLoss01(ledger);
    }

    function checkLoss02(LossIndexObs calldata index) external pure {
        _checkLoss02(index);
    }

    function checkLoss03(Settlement calldata s) external pure {
        _checkLoss03(s);
    }

    function checkDebt01(BadDebtBooks calldata d) external pure {
        _checkDebt01(d);
    }

    function checkAccess01(uint256 violations) external pure {
        _checkAccess01(violations);
    }

    function checkCons01(
        uint256 minted,
        uint256 supply,
        uint256 held,
        uint256[] calldata liquidatorHeld,
        uint256[] calldata liquidatorRewarded
    ) external pure {
        _checkCons01(minted, supply, held, liquidatorHeld, liquidatorRewarded);
    }

    function checkExch01(ExchangeBooks calldata e) external pure {
        _checkExch01(e);
    }

    function checkLiq01(LiquidationAttempt calldata a) external pure {
        _checkLiq01(a);
    }

    function checkPay01(PayoutWindow calldata w) external pure {
        _checkPay01(w);
    }

    function checkPend01Order(PendingPayout calldata p) external pure {
        _checkPend01Order(p);
    }

    function checkPend01Market(MarketPending calldata m) external pure {
        _checkPend01Market(m);
    }

    function checkPend01Books(PendingBooks calldata b) external pure {
        _checkPend01Books(b);
    }

    function checkLive01(LiquidationAttempt calldata a) external pure {
        _checkLive01(a);
    }

    function checkOi01(uint256 reported, uint256 expected) external pure {
        _checkOi01(reported, expected);
    }

    function checkOi02(uint256 average, bool hasHistory, uint256 minRecorded, uint256 maxRecorded) external pure {
        _checkOi02(average, hasHistory, minRecorded, maxRecorded);
    }

    function checkGov01(GovernedCall calldata c) external pure {
        _checkGov01(c);
    }

    function checkGov01Exit(GovernanceExit calldata e) external pure {
        _checkGov01Exit(e);
    }

    function checkIso01(MarketIsolation calldata m) external pure {
        _checkIso01(m);
    }

    // ================================================================ scenarios on the fund double

    /// @dev FUND-01: 100 USDC deposited.
    function _depositLedger(BrokenFund.Bug bug) internal returns (FundLedger memory ledger) {
        BrokenFund f = _toyFund(bug, halfAndHalf, 0, 0);
        f.deposit(100e6);
        ledger.balance = f.fundBalance();
        ledger.deposits = 100e6;
    }

    /// @dev FUND-02: 100 USDC deposited, then a 30 USDC reward paid.
    function _payoutTokens(BrokenFund.Bug bug) internal returns (FundTokens memory t) {
        BrokenFund f = _toyFund(bug, halfAndHalf, type(uint128).max, 0);
        f.deposit(100e6);
        VM.prank(EXCHANGE);
        f.cover(30e6, 0);
        t.tokenBalance = usdc.balanceOf(address(f));
        t.balance = f.fundBalance();
        t.treasuryAccrued = f.treasuryAccrued();
    }

    /// @dev DEFER-01: a 30 USDC fee booked within a 100 USDC cap (then pulled, when `pull`), as the ledger sees it.
    function _bookThenPull(BrokenDeferralFund.Bug bug, bool pull) internal returns (DeferralLedger memory d) {
        BrokenDeferralFund f = new BrokenDeferralFund(bug, IERC20(address(usdc)), EXCHANGE, 100e6);
        usdc.mint(EXCHANGE, 30e6);
        VM.prank(EXCHANGE);
        usdc.approve(address(f), type(uint256).max);
        VM.prank(EXCHANGE);
        f.settleTrade(30e6);
        if (pull) f.pullDeferredFees();
        d.debt = f.debtFund() + f.debtTreasury();
        if (d.debt > f.cap()) d.overCap = 1;
        (d.booked, d.received) = (f.booked(), f.received());
        d.tokenBalance = usdc.balanceOf(address(f));
        d.balance = f.fundBalance();
        d.treasuryAccrued = f.treasuryAccrued();
    }

    /// @dev FUND-03: a limit of 50 USDC, 100 USDC in the fund, a shortfall of 80 USDC.
    function _coverOverLimit(BrokenFund.Bug bug) internal returns (uint256 limit, uint256 paid, uint256 shortfalls) {
        BrokenFund f = _toyFund(bug, halfAndHalf, 50e6, 0);
        f.deposit(100e6);
        VM.prank(EXCHANGE);
        shortfalls = f.cover(0, 80e6).fundShortfall;
        return (f.insuranceLimit(), f.insurancePaid(), shortfalls);
    }

    /// @dev FUND-04: a 10 USDC fee split half and half, then a flush.
    function _feeAndFlush(BrokenFund.Bug bug) internal returns (TreasuryLedger memory t, bool flushHolds) {
        BrokenFund f = _toyFund(bug, halfAndHalf, 0, 0);
        address treasury = f.treasury();
        VM.prank(EXCHANGE);
        (, uint256 treasuryPart, ) = f.collectFee(MARKET_ID, FeeKind.TradingFee, 10e6);
        uint256 accruedBefore = f.treasuryAccrued();
        uint256 sent = f.flushTreasury();
        uint256 received = usdc.balanceOf(treasury);
        t.treasuryAccrued = f.treasuryAccrued();
        t.treasuryParts = treasuryPart;
        t.flushed = sent;
        t.treasuryTokens = received;
        flushHolds = _flushHolds(Flush(accruedBefore, true, sent, 0, received, 0, t.treasuryAccrued));
    }

    /// @dev FUND-05: 100 USDC in the fund, a target of 60 USDC.
    function _sweep(BrokenFund.Bug bug) internal returns (Sweep memory s) {
        BrokenFund f = _toyFund(bug, halfAndHalf, 0, 60e6);
        f.deposit(100e6);
        s.balanceBefore = f.fundBalance();
        s.target = f.targetSize();
        (s.surplus, s.unaccounted) = f.sweepSurplus();
        s.succeeded = true;
        s.balanceAfter = f.fundBalance();
        s.treasuryReceived = usdc.balanceOf(f.treasury());
    }

    /// @dev What WF-01's toy bankruptcies state: 50 USDC in the fund, no limit and no buckets, a capped reward of 30
    /// USDC and a shortfall of 40 USDC over one unit of open base.
    function _toyClaim(Bankruptcy memory b) internal pure {
        (b.fundBalance, b.limitLeft, b.payoutAvailable, b.cappedReward, b.shortfall, b.openBase) = (
            50e6,
            type(uint128).max,
            type(uint256).max,
            30e6,
            40e6,
            1
        );
    }

    /// @dev WF-01: 50 USDC in the fund, a capped reward of 30 USDC and a shortfall of 40 USDC; no buckets, so all
    /// of F is paid now (the rest is spread over open positions). The honest fund allocates 30 + 20.
    function _bankruptcy(BrokenFund.Bug bug) internal returns (Bankruptcy memory b) {
        BrokenFund f = _toyFund(bug, halfAndHalf, type(uint128).max, 0);
        f.deposit(50e6);
        _toyClaim(b);
        uint256 exchangeBefore = usdc.balanceOf(EXCHANGE);
        VM.prank(EXCHANGE);
        b.cover = f.cover(30e6, 40e6);
        // The exchange pays its keeper the capped reward (not the double's part).
        b.liquidatorReceived = b.cover.reward;
        b.exchangeReceived = usdc.balanceOf(EXCHANGE) - exchangeBefore;
        b.fundSent = 50e6 - usdc.balanceOf(address(f));
    }

    /// @dev WF-01 with a backstop: as `_bankruptcy`, and behind the double a backstop with 100 USDC of stake and a
    /// limit of 15 USDC for the market: F = 30 + 20, B = 15 of the shortfall, 5 socialized.
    function _bankruptcyWithBackstop(BrokenFund.Bug bug) internal returns (Bankruptcy memory b) {
        BrokenFund f = _toyFund(bug, halfAndHalf, type(uint128).max, 0);
        BackstopVault vault = new BackstopVault(
            IERC20(address(usdc)),
            address(new AccessManager(address(this))),
            address(f),
            "Backstop",
            "BST",
            BackstopTerms({
                cooldown: 1 days,
                window: 1 days,
                streamPeriod: 1 days,
                exitCapBps: 10_000,
                minimumAssets: 0
            })
        );
        vault.setMarketLimit(MARKET_ID, 15e6);
        usdc.approve(address(vault), 100e6);
        vault.deposit(100e6, address(this));
        f.setBackstop(vault, MARKET_ID);
        f.deposit(50e6);
        _toyClaim(b);
        b.backstopCoverable = vault.coverable(MARKET_ID);
        (uint256 vaultTokens, uint256 vaultAssets) = (usdc.balanceOf(address(vault)), vault.totalAssets());
        uint256 exchangeBefore = usdc.balanceOf(EXCHANGE);
        VM.prank(EXCHANGE);
        b.cover = f.cover(30e6, 40e6);
        b.liquidatorReceived = b.cover.reward;
        b.exchangeReceived = usdc.balanceOf(EXCHANGE) - exchangeBefore;
        b.backstopTokensSent = vaultTokens - usdc.balanceOf(address(vault));
        b.backstopAssetsSent = vaultAssets - vault.totalAssets();
        b.fundSent = 50e6 + b.backstopTokensSent - usdc.balanceOf(address(f));
    }

    /// @dev SPLIT: one fee of `amount` handed in to the fund double, which holds `badDebt` of bad debt.
    function _toySplitWithBadDebt(
        BrokenFund.Bug bug,
        uint256 badDebt,
        uint256 amount
    ) internal returns (FeeSplit memory s) {
        BrokenFund f = _toyFund(bug, halfAndHalf, 0, 0);
        f.recordBadDebt(badDebt);
        s.badDebtBefore = badDebt;
        (s.policyFundPart, s.policyTreasuryPart) = halfAndHalf.split(
            FeeKind.TradingFee,
            amount - badDebt,
            _toyState(f)
        );
        s.policyAnswered = true;
        s.amount = amount;
        VM.prank(EXCHANGE);
        (s.fundPart, s.treasuryPart, s.badDebtRepaid) = f.collectFee(MARKET_ID, FeeKind.TradingFee, amount);
    }

    // ================================================================ scenarios on the payout double

    /// @dev PAY-01: a bucket of 100 USDC refilling 1 a second, then two shortfalls of 80 in the same second; the
    /// window is that second.
    function _twoPayoutsAtOnce(BrokenPayoutFund.Bug bug) internal returns (PayoutWindow memory w) {
        BrokenPayoutFund f = _payoutFund(bug, 1_000e6);
        f.setPayoutLimit(100e6, 1e6);
        (w.capacity, w.refillPerSecond) = (100e6, 1e6);
        BankruptcyCover memory first = f.cover(0, 80e6);
        BankruptcyCover memory second = f.cover(0, 80e6);
        w.paid = first.earlierPendingPaid + first.paidNow + second.earlierPendingPaid + second.paidNow;
    }

    /// @dev PEND-01: 150 of which 100 is paid at once, then 30 sixty seconds later (absolute times: see OI-02).
    function _payoutAfterPending(BrokenPayoutFund.Bug bug) internal returns (PendingPayout memory p) {
        VM.warp(PEND_01_START);
        BrokenPayoutFund f = _payoutFund(bug, 1_000e6);
        f.setPayoutLimit(100e6, 1e6);
        f.cover(0, 150e6);
        p.earlierPending = f.pending();
        VM.warp(PEND_01_START + 60);
        BankruptcyCover memory c = f.cover(0, 30e6);
        (p.earlierPaid, p.newerPaid) = (c.earlierPendingPaid, c.paidNow);
    }

    /// @dev LIVE-01: a liquidatable bankrupt account's claim of 20 (reward) + 50 (shortfall) while paused.
    function _pausedBankruptcy(
        BrokenPayoutFund.Bug bug
    ) internal returns (LiquidationAttempt memory a, uint256 pending) {
        BrokenPayoutFund f = _payoutFund(bug, 1_000e6);
        f.setPaused(true);
        (a.liquidatable, a.bankrupt) = (true, true);
        try f.cover(20e6, 50e6) returns (BankruptcyCover memory c) {
            a.succeeded = true;
            pending = c.pending;
        } catch {}
    }

    /// @dev PEND-01's fund-wide books after 80 allocated, nothing rejected.
    function _pendingBooks(
        uint256 totalPending,
        uint256 marketsPending,
        uint256 fundTokens,
        uint256 paid
    ) internal pure returns (PendingBooks memory) {
        return PendingBooks(totalPending, marketsPending, fundTokens, 80, paid, 0);
    }

    /// @dev A payout double with `balance` deposited by this contract (its exchange) and no insurance limit.
    function _payoutFund(BrokenPayoutFund.Bug bug, uint256 balance) internal returns (BrokenPayoutFund f) {
        f = new BrokenPayoutFund(bug, IERC20(address(usdc)), type(uint128).max);
        usdc.mint(address(this), balance);
        usdc.approve(address(f), balance);
        f.deposit(balance);
    }

    /// @dev SPLIT: one fee of `amount` handed in to the fund double.
    function _toySplit(BrokenFund.Bug bug, IFeePolicy policy, uint256 amount) internal returns (FeeSplit memory s) {
        BrokenFund f = _toyFund(bug, policy, 0, 0);
        (s.policyFundPart, s.policyTreasuryPart) = policy.split(FeeKind.TradingFee, amount, _toyState(f));
        s.policyAnswered = true;
        s.amount = amount;
        VM.prank(EXCHANGE);
        (s.fundPart, s.treasuryPart, s.badDebtRepaid) = f.collectFee(MARKET_ID, FeeKind.TradingFee, amount);
    }

    /// @dev OI-02: 1,000 USDC of open interest for a day, then 3,000 for a day.
    /// @dev `start` is the time now, passed in: under viaIR `block.timestamp` may be read once per test, before
    /// any warp.
    function _twoDayAverage(BrokenFund.Bug bug, uint256 start) internal returns (uint256) {
        VM.warp(start);
        BrokenFund f = _toyFund(bug, halfAndHalf, 0, 0);
        VM.startPrank(EXCHANGE);
        f.recordOpenInterest(MARKET_ID, 1_000e6);
        VM.warp(start + 1 days);
        f.recordOpenInterest(MARKET_ID, 3_000e6);
        VM.stopPrank();
        VM.warp(start + 2 days);
        return f.averageOpenInterest();
    }

    /// @dev GOV-01: 100 USDC in the fund double, its target (here its minimum floor) 60 USDC, a sweep.
    function _floorSweep(BrokenFund.Bug bug) internal returns (GovernanceExit memory e) {
        Sweep memory s = _sweep(bug);
        e.empowered = true;
        e.sweep = true;
        (e.balanceBefore, e.balanceAfter, e.minFloor) = (s.balanceBefore, s.balanceAfter, s.target);
    }

    /// @dev ISO-01: the 834b281 books, market 1 at the stage's open interest, then the rogue market's report (or
    /// claim) that fills 2^128 - 1; what market 1 can still do.
    function _unisolated(bool report) internal returns (MarketIsolation memory) {
        address[] memory exchanges = new address[](2);
        (exchanges[0], exchanges[1]) = (HONEST_EXCHANGE, ROGUE_EXCHANGE);
        IInsuranceFund f = IInsuranceFund(address(new UnisolatedFund(exchanges)));
        VM.prank(HONEST_EXCHANGE);
        f.recordOpenInterest(HONEST_MARKET, STAGE_OPEN_INTEREST);
        if (report) _rogueReport(f, type(uint128).max - f.totalOpenInterest());
        else _rogueClaim(f, type(uint128).max, 0, 0);
        return _observeIsolation(f, HONEST_MARKET, HONEST_EXCHANGE, HONEST_CAP);
    }

    // ================================================================ scenarios on the real fund

    /// @dev SPLIT: one fee of `amount` handed in to the real fund, with a policy that is armed after it is set.
    function _realFundSplit(OverAllocatingPolicy policy, uint256 amount) internal returns (FeeSplit memory s) {
        policy.setArmed(false);
        (IInsuranceFund fund, ) = _realFund(policy, EXCHANGE, 0);
        policy.setArmed(true);
        (s.policyFundPart, s.policyTreasuryPart) = policy.split(FeeKind.TradingFee, amount, fund.fundState());
        s.policyAnswered = true;
        s.amount = amount;
        usdc.mint(EXCHANGE, amount);
        VM.prank(EXCHANGE);
        usdc.approve(address(fund), amount);
        VM.prank(EXCHANGE);
        (s.fundPart, s.treasuryPart, s.badDebtRepaid) = fund.collectFee(MARKET_ID, FeeKind.TradingFee, amount);
    }

    /// @dev LOSS-01: A holds 1, B 3, C 4; C goes bankrupt for 100 USDC with an empty fund; A and B settle.
    function _settledLedger(BrokenExchange.Bug bug) internal returns (LossLedger memory ledger) {
        (BrokenExchange ex, IInsuranceFund fund, BankruptcyCover memory cover) = _bookWithBankruptcy(bug, 4e18);
        ex.settle(TRADER_A);
        ex.settle(TRADER_B);
        ledger.socialized = cover.socialized;
        ledger.charged = ex.charged();
        for (uint256 i; i < 2; ++i) {
            address who = i == 0 ? TRADER_A : TRADER_B;
            (uint256 absBase, uint256 settledIndex, ) = ex.positions(who);
            (uint256 pending, ) = fund.positionLoss(MARKET_ID, absBase, settledIndex);
            ledger.pending += pending;
            if (pending != 0) ++ledger.nonzeroCharges;
        }
        ledger.nonzeroCharges += 2; // A's and B's charges, 25 and 75 USDC when honest
    }

    /// @dev LOSS-02: the same bankruptcy; the index rebuilt from the 4 base still open.
    function _lossIndex(BrokenExchange.Bug bug) internal returns (LossIndexObs memory index) {
        (, IInsuranceFund fund, BankruptcyCover memory cover) = _bookWithBankruptcy(bug, 4e18);
        index.current = fund.lossIndex(MARKET_ID);
        index.expected = Math.mulDiv(cover.socialized, LOSS_INDEX_SCALE, 4e18, Math.Rounding.Ceil);
    }

    /// @dev LOSS-03: after the bankruptcy A (1 base, exact share 25 USDC) increases to 2 base.
    function _increaseSettlement(BrokenExchange.Bug bug) internal returns (Settlement memory s) {
        (BrokenExchange ex, , BankruptcyCover memory cover) = _bookWithBankruptcy(bug, 4e18);
        ex.setPosition(TRADER_A, 2e18);
        s.charge = ex.lastCharge();
        s.exactShare = Math.mulDiv(cover.socialized * SHARE_PRECISION, 1e18, 4e18);
        s.terms = 1;
    }

    /// @dev DEBT-01: the same bankruptcy, A and B still open.
    function _badDebtBooks(BrokenExchange.Bug bug) internal returns (BadDebtBooks memory d) {
        (BrokenExchange ex, IInsuranceFund fund, BankruptcyCover memory cover) = _bookWithBankruptcy(bug, 4e18);
        d.totalBadDebt = fund.totalBadDebt();
        d.marketsBadDebt = fund.market(MARKET_ID).badDebt;
        d.exchangeOutstanding = ex.badDebt();
        d.exchangeMarketsOutstanding = ex.badDebt();
        d.recorded = cover.badDebt;
        if (cover.badDebt != 0 && ex.openBase() != 0) d.recordedWithOpenBase = 1;
    }

    /// @dev OI-01: A opens 3 base at 2,000: 6,000 USDC of open interest.
    function _openInterestReport(BrokenExchange.Bug bug) internal returns (uint256 reported, uint256 expected) {
        (BrokenExchange ex, IInsuranceFund fund) = _realExchange(bug);
        ex.setPosition(TRADER_A, 3e18);
        return (fund.market(MARKET_ID).openInterest, Math.mulDiv(3e18, ex.PRICE_WAD(), 1e30));
    }

    /// @dev EXCH-01: 1,000 USDC deposited, 400 withdrawn.
    function _withdrawalBooks(BrokenExchange.Bug bug) internal returns (ExchangeBooks memory e) {
        (BrokenExchange ex, ) = _realExchange(bug);
        usdc.mint(address(this), 1_000e6);
        usdc.approve(address(ex), 1_000e6);
        ex.deposit(1_000e6);
        ex.withdraw(400e6);
        (, , int256 collateral) = ex.positions(address(this));
        e.tokenBalance = usdc.balanceOf(address(ex));
        e.totalCollateral = ex.totalCollateral();
        e.positiveCollateralSum = uint256(collateral);
    }

    /// @dev LIQ-01: A holds 1 base on zero collateral, which the toy exchange deems healthy.
    function _liquidateHealthy(BrokenExchange.Bug bug) internal returns (LiquidationAttempt memory a) {
        (BrokenExchange ex, ) = _realExchange(bug);
        ex.setPosition(TRADER_A, 1e18);
        a.liquidatable = ex.liquidatable(TRADER_A);
        try ex.liquidate(TRADER_A) {
            a.succeeded = true;
        } catch {}
    }

    /// @dev CONS-01: 1,000 minted, 400 deposited into a real fund on `token`; the holders are this and the fund.
    function _depositConservation(address token) internal returns (uint256 minted, uint256 supply, uint256 held) {
        MockUSDC t = MockUSDC(token);
        AccessManager manager = new AccessManager(address(this));
        InsuranceFund fund = new InsuranceFund(
            IERC20(token),
            address(manager),
            7 days,
            500,
            0,
            0,
            halfAndHalf,
            _treasury()
        );
        t.mint(address(this), 1_000e6);
        minted = 1_000e6;
        t.approve(address(fund), 400e6);
        fund.deposit(400e6);
        supply = t.totalSupply();
        held = t.balanceOf(address(this)) + t.balanceOf(address(fund));
    }

    // ================================================================ deployments

    /// @dev The book of the socialized-loss scenarios: A holds 1 base, B 3, C `cBase`; C goes bankrupt for 100 USDC
    /// and the fund, empty, pays nothing.
    function _bookWithBankruptcy(
        BrokenExchange.Bug bug,
        uint256 cBase
    ) internal returns (BrokenExchange ex, IInsuranceFund fund, BankruptcyCover memory cover) {
        (ex, fund) = _realExchange(bug);
        ex.setPosition(TRADER_A, 1e18);
        ex.setPosition(TRADER_B, 3e18);
        ex.setPosition(TRADER_C, cBase);
        cover = ex.bankrupt(TRADER_C, 100e6);
    }

    /// @dev The real fund with a market bound to a fresh exchange double (no insurance limit: the fund stays empty).
    function _realExchange(BrokenExchange.Bug bug) internal returns (BrokenExchange ex, IInsuranceFund fund) {
        AccessManager manager;
        (fund, manager) = _realFund(halfAndHalf, address(0), 0);
        ex = new BrokenExchange(bug, fund, MARKET_ID);
        fund.registerMarket(MARKET_ID, MarketConfig(address(ex), 0, type(uint128).max, 10_000, 2 ** 80));
    }

    /// @dev The real fund on MockUSDC; this contract is the AccessManager's admin, so it governs. Registers
    /// MARKET_ID for `exchange` unless it is zero.
    function _realFund(
        IFeePolicy policy,
        address exchange,
        uint128 limit
    ) internal returns (IInsuranceFund fund, AccessManager manager) {
        manager = new AccessManager(address(this));
        fund = new InsuranceFund(IERC20(address(usdc)), address(manager), 7 days, 500, 0, 0, policy, _treasury());
        if (exchange != address(0)) {
            fund.registerMarket(MARKET_ID, MarketConfig(exchange, limit, type(uint128).max, 10_000, 2 ** 80));
        }
    }

    /// @dev A fund double with 1,000 USDC for this contract and for EXCHANGE, both approved.
    function _toyFund(
        BrokenFund.Bug bug,
        IFeePolicy policy,
        uint256 limit,
        uint256 target
    ) internal returns (BrokenFund f) {
        f = new BrokenFund(bug, IERC20(address(usdc)), policy, EXCHANGE, _treasury(), limit, target);
        usdc.mint(address(this), 1_000e6);
        usdc.approve(address(f), type(uint256).max);
        usdc.mint(EXCHANGE, 1_000e6);
        VM.prank(EXCHANGE);
        usdc.approve(address(f), type(uint256).max);
    }

    function _toyState(BrokenFund f) internal view returns (FundState memory) {
        return
            FundState({balance: f.fundBalance(), averageOpenInterest: 0, floor: f.targetSize(), targetShareBps: 500});
    }

    /// @dev A stranger's call: true when it reverted and left the target's money as it was.
    function _attack(address target, address stranger, bytes memory data) internal returns (bool repelled) {
        bytes32 before = _money(target);
        VM.prank(stranger);
        // solhint-disable-next-line avoid-low-level-calls
        (bool succeeded, ) = target.call(data);
        return _attackRepelled(succeeded, before, _money(target));
    }

    /// @dev The tokens, `fundBalance()` and `treasuryAccrued()` of the real fund or the double (both have them).
    function _money(address target) internal view returns (bytes32) {
        BrokenFund f = BrokenFund(target);
        return keccak256(abi.encode(usdc.balanceOf(target), f.fundBalance(), f.treasuryAccrued()));
    }

    /// @dev A fresh treasury address per fund, so that what one receives is not mixed with another's.
    function _treasury() internal returns (address) {
        return address(uint160(0x7E0000 + ++treasuries));
    }

    function _expectViolation(string memory invariant) internal {
        VM.expectRevert(abi.encodeWithSelector(InvariantViolated.selector, invariant));
    }
}
