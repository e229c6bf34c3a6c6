// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BankruptcyCover} from "../interfaces/IInsuranceVault.sol";

/// @title Waterfall
/// @notice Who bears one bankruptcy's loss and when it is paid, as pure arithmetic in the three steps of
/// docs/behaviour.md section 3.1: allocate (the fund's part F, then the backstop's part B, each reward first), time
/// (what of F + B is paid now and what waits as a pending claim), remainder (what neither covers). The caller reads its
/// state into an `Input`, runs `run` and writes the `Result` back (the fund runs `runInto`, the same steps written
/// straight into its `BankruptcyCover`); where the remainder goes (the loss index or the
/// market's bad debt) is the market ledger's decision.
/// @dev Inputs and outputs are structs so that a mechanism adds a field instead of changing a signature. The
/// timing inputs never reach the allocation: rate limits and the pause change when a loss is paid, never who
/// bears it. Identities, for every input: `shortfall + reward == paidNow + pending + remainder.reward +
/// remainder.shortfall`, and `earlierPaid + paidNow <= payoutAvailable`.
library Waterfall {
    // ─────────────────────────────────────────── Types ───────────────────────────────────────────

    /// @notice One claim and what can pay it.
    /// @param shortfall S: what the bankrupt account owes the exchange beyond its collateral.
    /// @param reward R: the liquidator's reward, already capped by the market.
    /// @param fundSpendable The fund's balance it may spend.
    /// @param fundLimitLeft What is left of the market's insurance limit at the fund.
    /// @param backstopSpendable The backstop's assets above its minimum (0 while there is no backstop).
    /// @param backstopLimitLeft What is left of the market's limit at the backstop (0 while there is no backstop).
    /// @param earlierPending The market's pending claim before this one: paid first.
    /// @param payoutAvailable What may be paid now: the smaller bucket's level, 0 while paused.
    struct Input {
        uint256 shortfall;
        uint256 reward;
        uint256 fundSpendable;
        uint256 fundLimitLeft;
        uint256 backstopSpendable;
        uint256 backstopLimitLeft;
        uint256 earlierPending;
        uint256 payoutAvailable;
    }

    /// @notice Who bears what: F = `fundReward + fundShortfall`, B = `backstopReward + backstopShortfall`.
    struct Allocation {
        uint256 fundReward;
        uint256 fundShortfall;
        uint256 backstopReward;
        uint256 backstopShortfall;
    }

    /// @notice When the allocated part is paid: `paidNow + pending == F + B`, after `earlierPaid` of the market's
    /// earlier pending claim.
    struct Timing {
        uint256 earlierPaid;
        uint256 paidNow;
        uint256 pending;
    }

    /// @notice What neither the fund nor the backstop covers, U = R + S - F - B, by its origin.
    /// @param reward The part of the capped reward nobody covers.
    /// @param shortfall The part of the shortfall nobody covers.
    /// Both are socialized in the market, or become its bad debt.
    struct Remainder {
        uint256 reward;
        uint256 shortfall;
    }

    /// @notice The three steps' outputs.
    struct Result {
        Allocation allocation;
        Timing timing;
        Remainder remainder;
    }

    // ─────────────────────────────────────────── Steps ───────────────────────────────────────────

    /// @notice All three steps, each writing its part of `result` in place (no memory allocated beyond it).
    function run(Input memory input) internal pure returns (Result memory result) {
        allocate(input, result.allocation);
        time(input, result.allocation, result.timing);
        remainder(input, result.allocation, result.remainder);
    }

    /// @notice Allocate: F = min(R + S, fund spendable, fund limit left), reward first; then
    /// B = min(R + S - F, backstop spendable, backstop limit left), reward first. Writes `a`.
    function allocate(Input memory input, Allocation memory a) internal pure {
        (a.fundReward, a.fundShortfall, a.backstopReward, a.backstopShortfall) = _allocate(input);
    }

    /// @notice Time: the market's earlier pending claim is paid first, then F + B, together at most
    /// `payoutAvailable`; what of F + B is not paid now is pending. Writes `t`.
    function time(Input memory input, Allocation memory a, Timing memory t) internal pure {
        (t.earlierPaid, t.paidNow, t.pending) = _time(
            input,
            a.fundReward + a.fundShortfall + a.backstopReward + a.backstopShortfall
        );
    }

    /// @notice Remainder: what the allocation left of the reward and of the shortfall. Writes `u`.
    function remainder(Input memory input, Allocation memory a, Remainder memory u) internal pure {
        // Cannot underflow: `allocate` takes at most R of the reward and S of the shortfall in all.
        unchecked {
            u.reward = input.reward - a.fundReward - a.backstopReward;
            u.shortfall = input.shortfall - a.fundShortfall - a.backstopShortfall;
        }
    }

    /// @notice The cover a result makes, before the remainder is placed (its `socialized` and `badDebt` are 0).
    function toCover(Result memory w) internal pure returns (BankruptcyCover memory cover) {
        // The capped reward R: what the allocation took of it plus what it left.
        cover.reward = w.allocation.fundReward + w.allocation.backstopReward + w.remainder.reward;
        cover.fundReward = w.allocation.fundReward;
        cover.fundShortfall = w.allocation.fundShortfall;
        cover.backstopReward = w.allocation.backstopReward;
        cover.backstopShortfall = w.allocation.backstopShortfall;
        cover.paidNow = w.timing.paidNow;
        cover.pending = w.timing.pending;
        cover.earlierPendingPaid = w.timing.earlierPaid;
    }

    /// @notice All three steps written straight into `cover`, as `toCover(run(input))` would write them (its
    /// `socialized` and `badDebt` are left as they are): the fund's one memory struct for a bankruptcy.
    /// @return rest What neither the fund nor the backstop covers: `remainder.reward + remainder.shortfall`.
    function runInto(Input memory input, BankruptcyCover memory cover) internal pure returns (uint256 rest) {
        (uint256 fundReward, uint256 fundShortfall, uint256 backstopReward, uint256 backstopShortfall) = _allocate(
            input
        );
        uint256 reward = input.reward;
        (cover.reward, cover.fundReward, cover.fundShortfall, cover.backstopReward, cover.backstopShortfall) = (
            reward,
            fundReward,
            fundShortfall,
            backstopReward,
            backstopShortfall
        );
        (cover.earlierPendingPaid, cover.paidNow, cover.pending) = _time(
            input,
            fundReward + fundShortfall + backstopReward + backstopShortfall
        );
        uint256 rewardLeft;
        uint256 shortfallLeft;
        // Cannot underflow: as in `remainder`.
        unchecked {
            rewardLeft = reward - fundReward - backstopReward;
            shortfallLeft = input.shortfall - fundShortfall - backstopShortfall;
        }
        rest = rewardLeft + shortfallLeft;
    }

    // ─────────────────────────────────────────── Internal ──────────────────────────────────────────

    /// @dev The allocation step's four parts: F's reward and shortfall, then B's.
    function _allocate(
        Input memory input
    )
        private
        pure
        returns (uint256 fundReward, uint256 fundShortfall, uint256 backstopReward, uint256 backstopShortfall)
    {
        (fundReward, fundShortfall) = _part(
            input.reward,
            input.shortfall,
            Math.min(input.fundSpendable, input.fundLimitLeft)
        );
        // Cannot underflow: each part is at most what it takes from.
        unchecked {
            (backstopReward, backstopShortfall) = _part(
                input.reward - fundReward,
                input.shortfall - fundShortfall,
                Math.min(input.backstopSpendable, input.backstopLimitLeft)
            );
        }
    }

    /// @dev The timing step for `allocated` (F + B): the earlier claim's paid part, then this claim's paid and pending
    /// parts.
    function _time(
        Input memory input,
        uint256 allocated
    ) private pure returns (uint256 earlierPaid, uint256 paidNow, uint256 pending) {
        earlierPaid = Math.min(input.earlierPending, input.payoutAvailable);
        // Cannot underflow: `earlierPaid <= payoutAvailable` and `paidNow <= allocated`.
        unchecked {
            paidNow = Math.min(allocated, input.payoutAvailable - earlierPaid);
            pending = allocated - paidNow;
        }
    }

    /// @dev Up to `available` of `reward + shortfall`, the reward first.
    function _part(
        uint256 reward,
        uint256 shortfall,
        uint256 available
    ) private pure returns (uint256 rewardPart, uint256 shortfallPart) {
        rewardPart = Math.min(reward, available);
        // Cannot underflow: `rewardPart <= available`.
        unchecked {
            shortfallPart = Math.min(shortfall, available - rewardPart);
        }
    }
}
