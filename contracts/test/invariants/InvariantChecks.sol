// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {FeeKind, IFeePolicy} from "../../interfaces/IFeePolicy.sol";
import {IFeeSplitter} from "../../interfaces/IFeeSplitter.sol";
import {IOpenInterestTracker} from "../../interfaces/IOpenInterestTracker.sol";
import {IPayoutLimits} from "../../interfaces/IPayoutLimits.sol";
import {BankruptcyClaim, BankruptcyCover, IInsuranceVault, MarketConfig} from "../../interfaces/IInsuranceVault.sol";
import {InvariantsSpec} from "./InvariantsSpec.sol";

/// @title InvariantChecks
/// @notice The check of every invariant in `InvariantsSpec`, as internal functions of the observed values only: the
/// invariant tests feed them what the real fund and exchange show, the broken-component tests what a deliberately
/// broken double shows, so both run the same code. A check reverts with `InvariantViolated(id and sentence)`.
/// Per-event properties come as a predicate (`..._holds`, used by the handler to count violations as they happen)
/// and a check that reverts on it.
abstract contract InvariantChecks is InvariantsSpec {
    /// @notice An invariant did not hold; `invariant` is its id and sentence.
    error InvariantViolated(string invariant);

    /// @dev The loss index's fixed-point scale (`LossIndex.SCALE`).
    uint256 internal constant LOSS_INDEX_SCALE = 1e60;
    /// @dev The precision of the handler's exact shares: 18 decimals below a quote unit.
    uint256 internal constant SHARE_PRECISION = 1e18;
    /// @dev How many different attacks `_attackCalldata` builds.
    uint256 internal constant ATTACKS = 15;
    /// @dev The market id a stranger tries to register.
    uint256 internal constant ATTACK_MARKET_ID = 99;
    /// @dev The market that defers its fees (DEFER-01): its exchange is an account the handler acts as.
    uint256 internal constant DEFER_MARKET_ID = 3;

    // ================================================================ observations

    /// @notice FUND-01: the fund's balance and the ghosts of what came in and went out.
    /// @param rewardsAllocated The fund's parts of the capped rewards (paid now or pending: they left the balance).
    /// @param pendingRejected Pending claims governance rejected: back in the balance.
    struct FundLedger {
        uint256 balance;
        uint256 deposits;
        uint256 fundIncome;
        uint256 rewardsAllocated;
        uint256 shortfallsAllocated;
        uint256 pendingRejected;
        uint256 surplusSwept;
    }

    /// @notice FUND-02: the fund's tokens against its books.
    struct FundTokens {
        uint256 tokenBalance;
        uint256 balance;
        uint256 pending;
        uint256 treasuryAccrued;
        uint256 donations;
        uint256 unaccountedSwept;
    }

    /// @notice FUND-04: the treasury's books and tokens.
    /// @param flushed What flushes sent the treasury (the accrual less the backstop's share).
    /// @param backstopIncome What flushes sent the backstop.
    struct TreasuryLedger {
        uint256 treasuryAccrued;
        uint256 treasuryParts;
        uint256 flushed;
        uint256 backstopIncome;
        uint256 treasuryTokens;
        uint256 surplusSwept;
        uint256 unaccountedSwept;
    }

    /// @notice FUND-04: one flush, with the accrual before it and the backstop's income share.
    /// @param sent What the flush returned (the whole accrual).
    /// @param treasuryReceived The tokens the treasury received.
    /// @param backstopReceived The tokens the backstop received.
    struct Flush {
        uint256 accruedBefore;
        bool succeeded;
        uint256 sent;
        uint256 backstopShareBps;
        uint256 treasuryReceived;
        uint256 backstopReceived;
        uint256 accruedAfter;
    }

    /// @notice FUND-05: one sweep, with the fund's state just before it.
    /// @param strayBefore The tokens beyond balance + pending claims + the treasury's accrual.
    struct Sweep {
        bool paused;
        bool succeeded;
        uint256 balanceBefore;
        uint256 target;
        uint256 badDebt;
        uint256 strayBefore;
        uint256 surplus;
        uint256 unaccounted;
        uint256 balanceAfter;
        uint256 treasuryReceived;
    }

    /// @notice WF-01: one bankrupt liquidation: the state before it, the fund's answer, and the token moves.
    /// @param fundBalance The fund's spendable balance before (pending claims have already left it).
    /// @param earlierPending The market's pending claim before.
    /// @param payoutAvailable What the market's and the fund-wide buckets held before (0 while paused).
    /// @param backstopCoverable What the backstop could cover for the market before (`coverable`; 0 with none).
    /// @param cappedReward min(the reward the exchange asks, the market's absolute cap, its notional cap).
    /// @param openBase The market's open |base| after the bankrupt position closed (summed over positions).
    /// @param liquidatorReceived What the liquidator received beyond its share of the account's own penalty.
    /// @param exchangeReceived What the exchange received, net of what it paid the liquidator and the fee splitter.
    /// @param fundSent What left the fund's tokens, net of what the liquidation's fees and the backstop brought in.
    /// @param backstopAssetsSent The drop of the backstop's `totalAssets`.
    /// @param backstopTokensSent What left the backstop's tokens.
    struct Bankruptcy {
        uint256 fundBalance;
        uint256 limitLeft;
        uint256 backstopCoverable;
        uint256 earlierPending;
        uint256 payoutAvailable;
        uint256 cappedReward;
        uint256 shortfall;
        uint256 openBase;
        BankruptcyCover cover;
        uint256 liquidatorReceived;
        uint256 exchangeReceived;
        uint256 fundSent;
        uint256 backstopAssetsSent;
        uint256 backstopTokensSent;
    }

    /// @notice PAY-01: what one payout bucket let through over one window.
    struct PayoutWindow {
        uint256 capacity;
        uint256 refillPerSecond;
        uint256 elapsed;
        uint256 paid;
    }

    /// @notice PEND-01, per payout: the market's pending claim before, and what the payout took of it and of the
    /// newer allocation.
    struct PendingPayout {
        uint256 earlierPending;
        uint256 earlierPaid;
        uint256 newerPaid;
    }

    /// @notice PEND-01, per market: its pending claim at the fund and in the ghosts, the limit it was charged, and
    /// the backstop's part of the claim and what the backstop paid for the market so far.
    struct MarketPending {
        uint256 pending;
        uint256 expected;
        uint256 limitUsed;
        uint256 fromBackstop;
        uint256 backstopPaid;
    }

    /// @notice PEND-01, fund-wide: the pending claims, and the ghosts of what bankruptcies allocated (F + B) and what
    /// became of it (paid to the exchanges now or later, or rejected).
    struct PendingBooks {
        uint256 totalPending;
        uint256 marketsPending;
        uint256 fundTokens;
        uint256 allocated;
        uint256 paidToExchanges;
        uint256 rejected;
    }

    /// @notice SPLIT-01 and SPLIT-02: one fee as the fund reported it, and the policy's answer for the same state.
    /// @param badDebtBefore The market's bad debt just before the fee.
    struct FeeSplit {
        uint256 amount;
        uint256 badDebtBefore;
        uint256 fundPart;
        uint256 treasuryPart;
        uint256 badDebtRepaid;
        bool policyAnswered;
        uint256 policyFundPart;
        uint256 policyTreasuryPart;
    }

    /// @notice LOSS-01: one market's socialized losses and the charges for them.
    /// @param nonzeroCharges The charges made that were not zero, plus the open positions whose pending charge is not.
    struct LossLedger {
        uint256 socialized;
        uint256 charged;
        uint256 pending;
        uint256 nonzeroCharges;
    }

    /// @notice LOSS-02: one market's loss index now, at the start of the last action, and rebuilt from the losses.
    struct LossIndexObs {
        uint256 previous;
        uint256 current;
        uint256 expected;
    }

    /// @notice LOSS-03: one settlement.
    /// @param exactShare The position's exact share of the losses since it last settled, times `SHARE_PRECISION`,
    /// each loss's term rounded down.
    /// @param terms How many losses were summed (each term's rounding loses less than one).
    struct Settlement {
        uint256 charge;
        uint256 exactShare;
        uint256 terms;
    }

    /// @notice DEBT-01: the bad-debt books of the fund and the exchange.
    struct BadDebtBooks {
        uint256 totalBadDebt;
        uint256 marketsBadDebt;
        uint256 exchangeOutstanding;
        uint256 exchangeMarketsOutstanding;
        uint256 recorded;
        uint256 repaid;
        uint256 recordedWithOpenBase;
    }

    /// @notice EXCH-01: the exchange's solvency terms, and the same terms summed over positions and ghosts.
    /// @param pendingRejected Pending claims of the exchange's markets that governance rejected (the exchange's loss).
    struct ExchangeBooks {
        uint256 tokenBalance;
        uint256 totalCollateral;
        uint256 totalDeficit;
        int256 counterpartyRealizedPnl;
        uint256 houseCapital;
        int256 unsettledSocializedLoss;
        uint256 badDebtOutstanding;
        uint256 pendingClaimsOwed;
        uint256 pendingRejected;
        uint256 houseDeposits;
        uint256 marketsPendingSum;
        uint256 positiveCollateralSum;
        uint256 negativeCollateralSum;
        int256 marketsUnsettledSum;
        uint256 marketsBadDebtSum;
    }

    /// @notice EXCH-01, per market: the exchange's running totals against the positions and the ghosts.
    struct ExchangeMarket {
        uint256 openBase;
        uint256 absBaseSum;
        int256 unsettledSocializedLoss;
        uint256 socialized;
        uint256 charged;
    }

    /// @notice LIQ-01 and LIVE-01: one liquidation attempt and the account's health just before it.
    /// @param exchangeShort It reverted because the exchange's own vault could not pay the liquidator.
    struct LiquidationAttempt {
        bool liquidatable;
        bool bankrupt;
        bool exchangeShort;
        bool succeeded;
    }

    /// @notice GOV-01: one governed call (direct or through the manager) and the governed state around it.
    /// @param ready The same call was scheduled by the governor at least the governance delay before.
    /// @param stateBefore A hash of everything governance decides about the fund's money (`_governedState`).
    struct GovernedCall {
        bool ready;
        bool succeeded;
        bytes32 stateBefore;
        bytes32 stateAfter;
    }

    /// @notice GOV-01: one call that is not governance's (a sweep, an exchange's report or claim).
    /// @param empowered A governed call took effect after its delay (only then may the attacker receive anything).
    struct GovernanceExit {
        bool empowered;
        bool sweep;
        uint256 attackerReceived;
        uint256 balanceBefore;
        uint256 balanceAfter;
        uint256 minFloor;
    }

    /// @notice ISO-01: one market's headroom and what it could still do, after another market's exchange acted.
    /// @param reportedAtCap The market's report of exactly its cap went through.
    /// @param recordedBadDebt The market's claim of a bad debt as large as its own room (128 bits) was recorded.
    struct MarketIsolation {
        uint256 totalOpenInterest;
        uint256 ownOpenInterest;
        uint256 ownCap;
        bool reportedAtCap;
        bool recordedBadDebt;
    }

    /// @notice DEFER-01: the deferred fees of the markets and the fund's money.
    /// @param debt What the markets' exchanges owe (fund and treasury parts), summed.
    /// @param booked, received, dropped The parts booked as debt, received (pulled or netted) and dropped, summed.
    /// @param overCap How many markets owe more than their cap.
    struct DeferralLedger {
        uint256 debt;
        uint256 booked;
        uint256 received;
        uint256 dropped;
        uint256 overCap;
        uint256 tokenBalance;
        uint256 balance;
        uint256 treasuryAccrued;
        uint256 pending;
    }

    // ================================================================ the vault

    function _checkFund01(FundLedger memory ledger) internal pure {
        _holds(
            ledger.balance + ledger.rewardsAllocated + ledger.shortfallsAllocated + ledger.surplusSwept ==
                ledger.deposits + ledger.fundIncome + ledger.pendingRejected,
            FUND_01
        );
    }

    function _checkDefer01(DeferralLedger memory d) internal pure {
        _holds(d.overCap == 0, DEFER_01);
        _holds(d.debt + d.received + d.dropped == d.booked, DEFER_01);
        _holds(d.tokenBalance >= d.balance + d.treasuryAccrued + d.pending, DEFER_01);
    }

    function _checkFund02(FundTokens memory t) internal pure {
        uint256 accounted = t.balance + t.pending + t.treasuryAccrued;
        _holds(t.tokenBalance >= accounted, FUND_02);
        _holds(t.tokenBalance + t.unaccountedSwept == accounted + t.donations, FUND_02);
    }

    function _checkFund03(
        uint256 insuranceLimit,
        uint256 insurancePaid,
        uint256 rewards,
        uint256 shortfalls
    ) internal pure {
        _holds(insurancePaid <= insuranceLimit, FUND_03);
        _holds(insurancePaid == rewards + shortfalls, FUND_03);
    }

    function _checkFund04(TreasuryLedger memory t) internal pure {
        _holds(t.treasuryAccrued + t.flushed + t.backstopIncome == t.treasuryParts, FUND_04);
        _holds(t.treasuryTokens == t.flushed + t.surplusSwept + t.unaccountedSwept, FUND_04);
    }

    /// @dev A flush sends the whole accrual and leaves none: the backstop its share rounded down, the treasury the
    /// rest; it reverts only with none.
    function _flushHolds(Flush memory f) internal pure returns (bool) {
        if (!f.succeeded) return f.accruedBefore == 0;
        uint256 share = Math.mulDiv(f.sent, f.backstopShareBps, 10_000);
        return
            f.sent == f.accruedBefore &&
            f.backstopReceived == share &&
            f.treasuryReceived == f.sent - share &&
            f.accruedAfter == 0;
    }

    function _sweepHolds(Sweep memory s) internal pure returns (bool) {
        uint256 kept = s.target + s.badDebt;
        uint256 expectedSurplus = s.balanceBefore > kept ? s.balanceBefore - kept : 0;
        if (!s.succeeded) return s.paused || (expectedSurplus == 0 && s.strayBefore == 0);
        return
            !s.paused &&
            s.surplus == expectedSurplus &&
            s.unaccounted == s.strayBefore &&
            s.balanceAfter == s.balanceBefore - s.surplus &&
            s.balanceAfter >= Math.min(s.balanceBefore, s.target) &&
            s.treasuryReceived == s.surplus + s.unaccounted;
    }

    function _checkSweep(Sweep memory s) internal pure {
        _holds(_sweepHolds(s), FUND_05);
    }

    // ================================================================ the waterfall

    /// @dev The allocation is predicted from the balance, the limit left and what the backstop could cover only, as
    /// with no buckets and no pause; the timing from the buckets' level before (0 while paused), the market's
    /// earlier claim first.
    function _waterfallHolds(Bankruptcy memory b) internal pure returns (bool) {
        BankruptcyCover memory c = b.cover;
        BankruptcyCover memory p = _predictCover(b);
        uint256 backstopPart = p.backstopReward + p.backstopShortfall;
        bool allocation =
            c.reward == p.reward &&
                c.fundReward == p.fundReward &&
                c.fundShortfall == p.fundShortfall &&
                c.backstopReward == p.backstopReward &&
                c.backstopShortfall == p.backstopShortfall &&
                c.socialized == p.socialized &&
                c.badDebt == p.badDebt;
        bool timing = c.earlierPendingPaid == p.earlierPendingPaid && c.paidNow == p.paidNow && c.pending == p.pending;
        // SPEC 1a's identities, to the unit, on what the fund reported.
        bool identities =
            b.shortfall + c.reward == c.paidNow + c.pending + c.socialized + c.badDebt &&
                c.fundReward + c.fundShortfall + c.backstopReward + c.backstopShortfall == c.paidNow + c.pending;
        uint256 paid = c.earlierPendingPaid + c.paidNow;
        bool tokens =
            b.liquidatorReceived == c.reward &&
                b.fundSent == paid &&
                b.exchangeReceived == paid &&
                b.backstopAssetsSent == backstopPart &&
                b.backstopTokensSent == backstopPart;
        return allocation && timing && identities && tokens;
    }

    /// @dev The cover the waterfall must answer: F within the balance and the limit left, then
    /// B = min(R + S - F, coverable), each reward first; the rest socialized (bad debt with no open base); F + B paid
    /// after the earlier claim within the buckets, the rest pending.
    function _predictCover(Bankruptcy memory b) internal pure returns (BankruptcyCover memory p) {
        uint256 available = Math.min(b.fundBalance, b.limitLeft);
        p.reward = b.cappedReward;
        p.fundReward = Math.min(b.cappedReward, available);
        p.fundShortfall = Math.min(b.shortfall, available - p.fundReward);
        uint256 fundPart = p.fundReward + p.fundShortfall;
        uint256 backstopPart = Math.min(b.cappedReward + b.shortfall - fundPart, b.backstopCoverable);
        p.backstopReward = Math.min(b.cappedReward - p.fundReward, backstopPart);
        p.backstopShortfall = backstopPart - p.backstopReward;
        uint256 allocated = fundPart + backstopPart;
        uint256 rest = b.cappedReward + b.shortfall - allocated;
        (p.socialized, p.badDebt) = b.openBase != 0 ? (rest, uint256(0)) : (uint256(0), rest);
        p.earlierPendingPaid = Math.min(b.earlierPending, b.payoutAvailable);
        p.paidNow = Math.min(allocated, b.payoutAvailable - p.earlierPendingPaid);
        p.pending = allocated - p.paidNow;
    }

    function _checkWaterfall(Bankruptcy memory b) internal pure {
        _holds(_waterfallHolds(b), WF_01);
    }

    // ================================================================ the fee splitter

    function _splitAddsUp(FeeSplit memory f) internal pure returns (bool) {
        return
            f.badDebtRepaid + f.fundPart + f.treasuryPart == f.amount &&
            f.badDebtRepaid == Math.min(f.amount, f.badDebtBefore);
    }

    /// @dev SPLIT-01 over one fee.
    function _checkSplit01(FeeSplit memory f) internal pure {
        _holds(_splitAddsUp(f), SPLIT_01);
    }

    /// @dev SPLIT-01 over all fees: the sums add up too, and no fee broke it.
    function _checkSplit01Totals(
        uint256 amounts,
        uint256 repaid,
        uint256 fundParts,
        uint256 treasuryParts,
        uint256 violations
    ) internal pure {
        _holds(repaid + fundParts + treasuryParts == amounts, SPLIT_01);
        _holds(violations == 0, SPLIT_01);
    }

    /// @dev The policy's answer (`policyFundPart`, `policyTreasuryPart`) must be for `amount - badDebtRepaid`.
    function _splitFollowsPolicy(FeeSplit memory f) internal pure returns (bool) {
        if (f.badDebtRepaid > f.amount) return false;
        uint256 rest = f.amount - f.badDebtRepaid;
        if (rest == 0) return f.fundPart == 0 && f.treasuryPart == 0;
        bool valid = f.policyAnswered && f.policyFundPart <= rest && f.policyTreasuryPart == rest - f.policyFundPart;
        (uint256 fundPart, uint256 treasuryPart) = valid
            ? (f.policyFundPart, f.policyTreasuryPart)
            : (rest, uint256(0));
        return f.fundPart == fundPart && f.treasuryPart == treasuryPart;
    }

    function _checkSplit02(FeeSplit memory f) internal pure {
        _holds(_splitFollowsPolicy(f), SPLIT_02);
    }

    // ================================================================ socialized losses

    function _checkLoss01(LossLedger memory ledger) internal pure {
        uint256 owed = ledger.charged + ledger.pending;
        _holds(owed >= ledger.socialized, LOSS_01);
        _holds(owed <= ledger.socialized + ledger.nonzeroCharges, LOSS_01);
    }

    function _checkLoss02(LossIndexObs memory index) internal pure {
        _holds(index.current >= index.previous, LOSS_02);
        _holds(index.current == index.expected, LOSS_02);
    }

    /// @dev `exactShare / SHARE_PRECISION` is within `terms / SHARE_PRECISION` below the exact share, so the charge
    /// must lie in [exactShare, exactShare + terms + SHARE_PRECISION] (scaled).
    function _settlementHolds(Settlement memory s) internal pure returns (bool) {
        uint256 scaled = s.charge * SHARE_PRECISION;
        return scaled >= s.exactShare && scaled <= s.exactShare + s.terms + SHARE_PRECISION;
    }

    function _checkLoss03(Settlement memory s) internal pure {
        _holds(_settlementHolds(s), LOSS_03);
    }

    // ================================================================ bad debt

    function _checkDebt01(BadDebtBooks memory d) internal pure {
        _holds(d.totalBadDebt == d.marketsBadDebt, DEBT_01);
        _holds(d.exchangeOutstanding == d.totalBadDebt, DEBT_01);
        _holds(d.exchangeMarketsOutstanding == d.marketsBadDebt, DEBT_01);
        _holds(d.recorded >= d.repaid && d.totalBadDebt == d.recorded - d.repaid, DEBT_01);
        _holds(d.recordedWithOpenBase == 0, DEBT_01);
    }

    // ================================================================ access

    /// @dev A stranger's call must revert and leave the fund's fingerprint as it was.
    function _attackRepelled(
        bool succeeded,
        bytes32 fingerprintBefore,
        bytes32 fingerprintAfter
    ) internal pure returns (bool) {
        return !succeeded && fingerprintBefore == fingerprintAfter;
    }

    /// @dev A stranger's call to one of the fund's exchange-only (0-3) or governance (4-14) functions, with arguments
    /// that would move money or take control if the call went through.
    function _attackCalldata(
        uint256 which,
        uint256 marketId,
        uint256 amount,
        address stranger,
        address policy
    ) internal pure returns (bytes memory) {
        if (which == 0) return abi.encodeCall(IFeeSplitter.collectFee, (marketId, FeeKind.TradingFee, amount));
        if (which == 1) return abi.encodeCall(IFeeSplitter.collectFee, (marketId, FeeKind.LiquidationPenalty, amount));
        if (which == 2) {
            BankruptcyClaim memory claim = BankruptcyClaim(stranger, amount, stranger, amount, amount * 10, 1e18);
            return abi.encodeCall(IInsuranceVault.coverBankruptcy, (marketId, claim));
        }
        if (which == 3) return abi.encodeCall(IOpenInterestTracker.recordOpenInterest, (marketId, amount));
        if (which == 4) {
            MarketConfig memory config = MarketConfig(stranger, type(uint128).max, type(uint128).max, 10_000, 2 ** 80);
            return abi.encodeCall(IInsuranceVault.registerMarket, (ATTACK_MARKET_ID, config));
        }
        if (which == 5) return abi.encodeCall(IInsuranceVault.raiseInsuranceLimit, (marketId, type(uint128).max));
        if (which == 6) return abi.encodeCall(IInsuranceVault.setRewardCaps, (marketId, type(uint128).max, 10_000));
        if (which == 7) return abi.encodeCall(IInsuranceVault.setTarget, (1, 0));
        if (which == 8) return abi.encodeCall(IFeeSplitter.setFeePolicy, (IFeePolicy(policy)));
        if (which == 9) return abi.encodeCall(IFeeSplitter.setTreasury, (stranger));
        if (which == 10) return abi.encodeCall(IPayoutLimits.setMarketPayoutLimit, (marketId, 1, 0));
        if (which == 11) return abi.encodeCall(IPayoutLimits.setFundPayoutLimit, (1, 0));
        if (which == 12) return abi.encodeCall(IPayoutLimits.rejectPendingClaim, (marketId));
        if (which == 13) return abi.encodeCall(IInsuranceVault.pause, ());
        return abi.encodeCall(IInsuranceVault.unpause, ());
    }

    function _checkAccess01(uint256 violations) internal pure {
        _holds(violations == 0, ACCESS_01);
    }

    // ================================================================ tokens

    function _checkCons01(
        uint256 minted,
        uint256 totalSupply,
        uint256 held,
        uint256[] memory liquidatorHeld,
        uint256[] memory liquidatorRewarded
    ) internal pure {
        _holds(totalSupply == minted && held == minted, CONS_01);
        for (uint256 i; i < liquidatorHeld.length; ++i) {
            _holds(liquidatorHeld[i] == liquidatorRewarded[i], CONS_01);
        }
    }

    // ================================================================ the reference exchange

    function _checkExch01(ExchangeBooks memory e) internal pure {
        int256 expected =
            int256(e.totalCollateral) -
                int256(e.totalDeficit) +
                e.counterpartyRealizedPnl +
                int256(e.houseCapital) -
                e.unsettledSocializedLoss -
                int256(e.badDebtOutstanding) -
                int256(e.pendingClaimsOwed);
        _holds(int256(e.tokenBalance + e.pendingRejected) == expected, EXCH_01);
        _holds(e.houseCapital == e.houseDeposits, EXCH_01);
        _holds(e.pendingClaimsOwed == e.marketsPendingSum, EXCH_01);
        _holds(e.totalCollateral == e.positiveCollateralSum && e.totalDeficit == e.negativeCollateralSum, EXCH_01);
        _holds(e.unsettledSocializedLoss == e.marketsUnsettledSum, EXCH_01);
        _holds(e.badDebtOutstanding == e.marketsBadDebtSum, EXCH_01);
    }

    function _checkExch01Market(ExchangeMarket memory m) internal pure {
        _holds(m.openBase == m.absBaseSum, EXCH_01);
        _holds(m.unsettledSocializedLoss == int256(m.socialized) - int256(m.charged), EXCH_01);
    }

    function _liquidationHolds(LiquidationAttempt memory a) internal pure returns (bool) {
        if (a.succeeded) return a.liquidatable;
        return !a.liquidatable || a.exchangeShort;
    }

    function _checkLiq01(LiquidationAttempt memory a) internal pure {
        _holds(_liquidationHolds(a), LIQ_01);
    }

    // ================================================================ payout limits, pending claims, liveness

    function _windowHolds(PayoutWindow memory w) internal pure returns (bool) {
        return w.paid <= w.capacity + w.refillPerSecond * w.elapsed;
    }

    function _checkPay01(PayoutWindow memory w) internal pure {
        _holds(_windowHolds(w), PAY_01);
    }

    /// @dev While an earlier claim waits, a payout takes all it can of it before any of the newer allocation.
    function _payoutInOrder(PendingPayout memory p) internal pure returns (bool) {
        return p.earlierPaid >= Math.min(p.earlierPending, p.earlierPaid + p.newerPaid);
    }

    function _checkPend01Order(PendingPayout memory p) internal pure {
        _holds(_payoutInOrder(p), PEND_01);
    }

    /// @dev The backstop's part of the claim is within the claim and what the backstop paid; the rest, the fund's,
    /// within the limit it was charged.
    function _checkPend01Market(MarketPending memory m) internal pure {
        _holds(m.pending == m.expected && m.fromBackstop <= m.pending && m.fromBackstop <= m.backstopPaid, PEND_01);
        _holds(m.pending - m.fromBackstop <= m.limitUsed, PEND_01);
    }

    function _checkPend01Books(PendingBooks memory b) internal pure {
        _holds(b.totalPending == b.marketsPending && b.totalPending <= b.fundTokens, PEND_01);
        _holds(b.allocated == b.paidToExchanges + b.totalPending + b.rejected, PEND_01);
    }

    /// @dev A bankrupt account always leaves the book; only the exchange's own empty vault may stop it.
    function _livenessHolds(LiquidationAttempt memory a) internal pure returns (bool) {
        return !(a.liquidatable && a.bankrupt) || a.succeeded || a.exchangeShort;
    }

    function _checkLive01(LiquidationAttempt memory a) internal pure {
        _holds(_livenessHolds(a), LIVE_01);
    }

    // ================================================================ open interest

    function _checkOi01(uint256 fundMarketOpenInterest, uint256 lastReport) internal pure {
        _holds(fundMarketOpenInterest == lastReport, OI_01);
    }

    function _checkOi01Total(uint256 totalOpenInterest, uint256 marketsSum) internal pure {
        _holds(totalOpenInterest == marketsSum, OI_01);
    }

    function _checkOi02(uint256 average, bool hasHistory, uint256 minRecorded, uint256 maxRecorded) internal pure {
        if (!hasHistory) return _holds(average == 0, OI_02);
        _holds(average >= minRecorded && average <= maxRecorded, OI_02);
    }

    // ================================================================ governance

    function _checkGov01(GovernedCall memory c) internal pure {
        _holds(c.ready || c.stateBefore == c.stateAfter, GOV_01);
    }

    /// @dev Nobody the governor named receives anything before a governed call took effect, and a sweep never
    /// takes the balance below the minimum floor (nor below what it was).
    function _checkGov01Exit(GovernanceExit memory e) internal pure {
        _holds(e.empowered || e.attackerReceived == 0, GOV_01);
        if (e.sweep) _holds(e.balanceAfter >= Math.min(e.balanceBefore, e.minFloor), GOV_01);
    }

    // ================================================================ market isolation

    function _checkIso01(MarketIsolation memory m) internal pure {
        uint256 max = type(uint128).max;
        // Written so that no term can wrap: a broken double may show any values.
        bool headroom =
            m.totalOpenInterest >= m.ownOpenInterest &&
                m.ownCap <= max &&
                m.totalOpenInterest - m.ownOpenInterest <= max - m.ownCap;
        _holds(headroom, ISO_01);
        _holds(m.reportedAtCap && m.recordedBadDebt, ISO_01);
    }

    // ================================================================ shared

    /// @dev Counted violations of a per-event property: none allowed.
    function _checkNoViolations(uint256 violations, string memory invariant) internal pure {
        _holds(violations == 0, invariant);
    }

    function _holds(bool condition, string memory invariant) internal pure {
        if (!condition) revert InvariantViolated(invariant);
    }
}
