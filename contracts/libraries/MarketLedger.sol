// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IInsuranceVault, MarketConfig, MarketInfo} from "../interfaces/IInsuranceVault.sol";
import {IMarketLifecycle} from "../interfaces/IMarketLifecycle.sol";
import {BasisPoints} from "./BasisPoints.sol";
import {LossIndex} from "./LossIndex.sol";
import {PayoutBucket} from "./PayoutBucket.sol";

/// @title MarketLedger
/// @notice One market's money at the fund: its insurance limit and what it allocated, pending claim, payout
/// bucket, reward caps, bad debt, open interest and loss index; and the per-market steps of the waterfall and of
/// fee income. The market's exchange is not in it: the fund keeps each ledger under its market and exchange, so
/// that finding the ledger under the caller is the exchange check (see `InsuranceFundBase._markets`).
/// @dev Laid out so that each hot path reads few slots: a trade needs the flags, the open interest and its cap
/// (slot 0) and the loss index; the bad debt only when its flag is set, the deferred fees only when the market
/// defers them. A bankruptcy reads the limit and charges it in slot 2, and
/// reads the reward cap and moves the pending claim in slot 3: both slots hold a setting that registration
/// made non-zero in practice, so a market's first bankruptcy or pending claim rewrites a slot rather than
/// filling an empty one. Amounts fit 128 bits: the fund casts what it hands in, and an amount that would
/// outgrow 128 bits reverts with the fund's `InsuranceFundAmountTooLarge` (the ledger is the fund's storage,
/// so its callers see the fund's error).
library MarketLedger {
    using BasisPoints for uint256;

    // ─────────────────────────────────────────── Storage ───────────────────────────────────────────

    /// @notice What a market's exchange owes the fund in deferred fees, by part, and the most it may owe (0: the
    /// market pulls every fee). One slot: a deferred fee reads and writes it once, and the cap keeps it non-zero
    /// while the deferral is on, so booking a fee after a pull rewrites a slot rather than filling an empty one.
    struct FeeDebt {
        uint96 cap;
        uint80 fundPart;
        uint80 treasuryPart;
    }

    /// @notice One market's state.
    /// @param registered Whether the market is registered (under this exchange).
    /// @param openInterest The market's open interest; 96 bits, as its cap: the caps sum below 2^96.
    /// @param hasBadDebt Whether `badDebt` is non-zero: a fee reads that slot only then.
    /// @param deferred Whether the market defers its fees (`debt.cap != 0`).
    /// @param bucketOn Whether the market's payout bucket is on (not disabled): a payout reads the bucket only then.
    /// @param insurancePaid What the fund allocated to the market so far (paid or pending): the limit charged.
    /// @param pending What the fund allocated and has not paid yet: owed to the market's exchange, reserved.
    /// @param backstopPending Whether `pendingFromBackstop` is non-zero: a bankruptcy or payment reads that slot only
    /// then.
    /// @param pendingFromBackstop The part of `pending` the backstop paid in (0 whenever `backstopPending` is false):
    /// the fund's part of a pending claim is paid out first, so this is what a rejection returns to the backstop.
    /// @param debt The exchange's deferred fees.
    struct State {
        uint16 rewardCapBps;
        bool registered;
        bool retired;
        bool backstopPending;
        bool hasBadDebt;
        bool deferred;
        bool bucketOn;
        uint96 openInterest;
        uint96 openInterestCap;
        uint128 insuranceLimit;
        uint128 insurancePaid;
        uint128 rewardCap;
        uint128 pending;
        uint128 badDebt;
        uint128 pendingFromBackstop;
        uint256 lossIndex;
        FeeDebt debt;
        PayoutBucket.State bucket;
    }

    // ─────────────────────────────────────────── Governance ──────────────────────────────────────────

    /// @notice Registers the market with `config` and a disabled payout bucket; the caller checked that it was not
    /// registered, and the cap sum it checks (below 2^96) reverts a cap that does not fit 96 bits.
    function register(State storage self, MarketConfig calldata config) internal {
        self.registered = true;
        self.rewardCapBps = config.rewardCapBps;
        self.insuranceLimit = config.insuranceLimit;
        self.rewardCap = config.rewardCap;
        self.openInterestCap = uint96(config.openInterestCap);
        PayoutBucket.configure(self.bucket, PayoutBucket.DISABLED, 0);
    }

    /// @notice Sets both reward caps.
    function setRewardCaps(State storage self, uint128 rewardCap, uint16 rewardCapBps) internal {
        self.rewardCap = rewardCap;
        self.rewardCapBps = rewardCapBps;
    }

    // ─────────────────────────────────────────── Waterfall ───────────────────────────────────────────

    /// @notice The reward the fund recognises, `min(reward, rewardCap, rewardCapBps of liquidatedNotional)`: the
    /// exchange's ask within the market's absolute and notional caps, the notional cap rounded down (favours
    /// the fund).
    function capReward(
        uint256 reward,
        uint256 liquidatedNotional,
        uint256 rewardCap,
        uint256 rewardCapBps
    ) internal pure returns (uint256) {
        return Math.min(reward, Math.min(rewardCap, liquidatedNotional.mulBpsDown(rewardCapBps)));
    }

    /// @notice What is left of the market's insurance limit.
    function limitLeft(State storage self) internal view returns (uint256) {
        return self.insuranceLimit - self.insurancePaid;
    }

    /// @notice Allocates `allocated` to the market, of which `charged` (the fund's part) is charged to its limit
    /// (`charged <= limitLeft`), and moves its pending claim: `paid` of the earlier claim and this allocation leaves
    /// now, the rest stays owed.
    /// @return pendingBefore The pending claim before.
    /// @return pendingAfter The pending claim after: `pendingBefore + allocated - paid`.
    function allocate(
        State storage self,
        uint256 charged,
        uint256 allocated,
        uint256 paid
    ) internal returns (uint256 pendingBefore, uint256 pendingAfter) {
        pendingBefore = self.pending;
        // Cannot overflow: `charged <= insuranceLimit - insurancePaid`, and the pending claim is at most what the fund
        // and the backstop allocated. Cannot underflow: `paid <= pendingBefore + allocated` (the waterfall's timing).
        unchecked {
            pendingAfter = pendingBefore + allocated - paid;
            if (charged != 0) self.insurancePaid += uint128(charged);
        }
        if (pendingAfter != pendingBefore) self.pending = uint128(pendingAfter);
    }

    /// @notice Keeps the backstop's part of the pending claim after a payment left `pendingLeft` of the earlier
    /// claim (paid in order, the fund's part first) and a new allocation added `newFromBackstop` of the backstop's
    /// part that waits. Reads nothing when the backstop has no part and none is added.
    function trackBackstopPending(State storage self, uint256 pendingLeft, uint256 newFromBackstop) internal {
        if (!self.backstopPending && newFromBackstop == 0) return;
        uint256 fromBackstop = Math.min(self.pendingFromBackstop, pendingLeft) + newFromBackstop;
        // Cannot truncate: at most the pending claim.
        self.pendingFromBackstop = uint128(fromBackstop);
        self.backstopPending = fromBackstop != 0;
    }

    /// @notice Clears the market's pending claim.
    /// @return amount The pending claim it had.
    /// @return fromBackstop The part of it the backstop paid in.
    function clearPending(State storage self) internal returns (uint256 amount, uint256 fromBackstop) {
        amount = self.pending;
        self.pending = 0;
        if (self.backstopPending) {
            fromBackstop = self.pendingFromBackstop;
            self.pendingFromBackstop = 0;
            self.backstopPending = false;
        }
    }

    /// @notice Where the waterfall's non-zero remainder `rest` would go now: the loss index, or the market's bad debt
    /// when the market has no open base (or its index has no headroom left for it).
    /// @return absorbed Whether the index takes it.
    /// @return index The loss index after the step.
    function previewAbsorb(
        State storage self,
        uint256 rest,
        uint256 openBase
    ) internal view returns (bool absorbed, uint256 index) {
        (index, absorbed) = LossIndex.socialize(self.lossIndex, rest, openBase);
    }

    /// @notice The waterfall's remainder: adds `rest` to the loss index, or records it as the market's bad debt
    /// (see `previewAbsorb`).
    /// @return socialized `rest` if the index took it, else 0.
    /// @return badDebt `rest` if it became bad debt, else 0.
    /// @return index The loss index after the step (0 when `rest` is 0: nothing to report).
    function absorb(
        State storage self,
        uint256 rest,
        uint256 openBase
    ) internal returns (uint256 socialized, uint256 badDebt, uint256 index) {
        if (rest == 0) return (0, 0, 0);
        bool absorbed;
        (absorbed, index) = previewAbsorb(self, rest, openBase);
        if (absorbed) {
            self.lossIndex = index;
            return (rest, 0, index);
        }
        self.badDebt = _toAmount(self.badDebt + rest);
        self.hasBadDebt = true;
        return (0, rest, index);
    }

    // ─────────────────────────────────────────── Income ──────────────────────────────────────────────

    /// @notice Repays the market's bad debt from `income` first; the caller checked `hasBadDebt` (the flag it read
    /// with the market's first slot), so that a market without bad debt never reads its slot.
    /// @return repaid min(income, bad debt).
    /// @return before The bad debt before the repayment.
    function repayBadDebt(State storage self, uint256 income) internal returns (uint256 repaid, uint256 before) {
        before = self.badDebt;
        repaid = Math.min(income, before);
        // Cannot underflow: `repaid <= before`.
        unchecked {
            self.badDebt = uint128(before - repaid);
        }
        if (repaid == before) self.hasBadDebt = false;
    }

    // ─────────────────────────────────────────── Deferred fees ───────────────────────────────────────

    /// @notice Keeps `fundPart` and `treasuryPart` as the debt, if they are within the market's `cap` (the caller has
    /// read it); else leaves the debt at 0.
    /// @return kept Whether they were kept; if not, the caller receives them now.
    function keepDebt(
        State storage self,
        uint256 cap,
        uint256 fundPart,
        uint256 treasuryPart
    ) internal returns (bool kept) {
        // Cannot overflow: two 128-bit amounts.
        unchecked {
            kept = fundPart + treasuryPart <= cap;
        }
        // Cannot truncate: each part is at most the cap, below 2^80.
        self.debt = kept ? FeeDebt(uint96(cap), uint80(fundPart), uint80(treasuryPart)) : FeeDebt(uint96(cap), 0, 0);
    }

    // ─────────────────────────────────────────── Open interest ───────────────────────────────────────

    /// @notice Sets the market's open interest to `openInterest`, which may not rise above the market's cap.
    /// @return previous The open interest before; nothing is written when it is the same.
    function recordOpenInterest(
        State storage self,
        uint256 marketId,
        uint256 openInterest
    ) internal returns (uint256 previous) {
        previous = self.openInterest;
        if (previous == openInterest) return previous;
        // The cap is read only when the open interest rises: a report that lowers it always goes through.
        if (openInterest > previous && openInterest > self.openInterestCap) {
            revert IMarketLifecycle.InsuranceFundOpenInterestAboveCap(marketId, openInterest, self.openInterestCap);
        }
        // Cannot truncate: `openInterest <= max(previous, cap)`, both 96-bit.
        self.openInterest = uint96(openInterest);
    }

    // ─────────────────────────────────────────── Lifecycle ───────────────────────────────────────────

    /// @notice Retires the market and clears its open interest.
    /// @return openInterest The open interest it had, for the platform total to drop.
    function retire(State storage self) internal returns (uint256 openInterest) {
        openInterest = self.openInterest;
        self.retired = true;
        self.openInterest = 0;
    }

    /// @notice Clears the market's bad debt.
    /// @return amount The bad debt it had.
    function writeOffBadDebt(State storage self) internal returns (uint256 amount) {
        amount = self.badDebt;
        self.badDebt = 0;
        self.hasBadDebt = false;
    }

    // ─────────────────────────────────────────── Views ───────────────────────────────────────────────

    /// @notice The market as the fund's getter shows it, run by `exchange`.
    function info(State storage self, address exchange) internal view returns (MarketInfo memory) {
        return
            MarketInfo({
                exchange: exchange,
                insuranceLimit: self.insuranceLimit,
                insurancePaid: self.insurancePaid,
                rewardCap: self.rewardCap,
                rewardCapBps: self.rewardCapBps,
                badDebt: self.badDebt,
                openInterest: self.openInterest,
                lossIndex: self.lossIndex,
                openInterestCap: self.openInterestCap,
                retired: self.retired
            });
    }

    // ─────────────────────────────────────────── Internal ────────────────────────────────────────────

    function _toAmount(uint256 amount) private pure returns (uint128) {
        if (amount > type(uint128).max) revert IInsuranceVault.InsuranceFundAmountTooLarge(amount);
        return uint128(amount);
    }
}
