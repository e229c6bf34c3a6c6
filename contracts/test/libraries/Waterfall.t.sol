// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BankruptcyCover} from "../../interfaces/IInsuranceVault.sol";
import {Waterfall} from "../../libraries/Waterfall.sol";
import {Assertions} from "../utils/Assertions.sol";

/// @title WaterfallTest
/// @notice Unit and fuzz tests of `Waterfall` against docs/behaviour.md section 3.1. With shortfall S, capped reward R,
/// the fund's room `min(spendable, limit left)` and the backstop's likewise (each term bounded to 128 bits, as the
/// fund's amounts are). Properties (each assertion names its id):
/// - WFL-1 Conservation: `S + R == paidNow + pending + remainder.reward + remainder.shortfall`.
/// - WFL-2 The fund's part F = min(R + S, its room), the reward first: the fund pays shortfall only once the
///   reward is paid in full.
/// - WFL-3 The backstop's part B = min(R + S - F, its room), the reward first.
/// - WFL-4 Time: the earlier pending claim is paid first, `earlierPaid = min(earlierPending, available)`; then
///   `paidNow = min(F + B, available - earlierPaid)` and `paidNow + pending == F + B`.
/// - WFL-5 Remainder: U = R + S - F - B; the shortfall's rest is what neither covered of S.
/// - WFL-6 Timing never changes who bears what: the allocation and the remainder are those of the same claim with
///   no earlier claim and no limit on payouts.
/// - WFL-7 `runInto` writes the cover `toCover(run(input))` makes, leaves `socialized` and `badDebt` as they were,
///   and returns the remainder `U`.
contract WaterfallTest is Assertions {
    uint256 private constant MAX_AMOUNT = type(uint128).max;

    // ---------------------------------------------------------------------------------------------------------------
    // Unit tests
    // ---------------------------------------------------------------------------------------------------------------

    function test_run_zeroFundLeavesEverything() public pure {
        Waterfall.Result memory r = Waterfall.run(_input(200, 10, 0, 1_000, 0, 0));
        _assertEq(r.timing.paidNow, 0, "WFL-2 nothing paid");
        _assertEq(r.remainder.reward, 10, "WFL-5 reward rest");
        _assertEq(r.remainder.shortfall, 200, "WFL-5 shortfall rest");
    }

    function test_run_zeroLimitLeftLeavesEverything() public pure {
        Waterfall.Result memory r = Waterfall.run(_input(200, 10, 1_000, 0, 0, 0));
        _assertEq(r.timing.paidNow, 0, "WFL-2 nothing paid");
        _assertEq(r.remainder.shortfall, 200, "WFL-5 shortfall rest");
    }

    function test_run_rewardAloneWithinRoom() public pure {
        Waterfall.Result memory r = Waterfall.run(_input(0, 10, 1_000, 1_000, 0, 0));
        _assertEq(r.allocation.fundReward, 10, "WFL-2 reward paid");
        _assertEq(r.allocation.fundShortfall, 0, "WFL-2 no shortfall");
        _assertEq(r.timing.paidNow, 10, "WFL-4 paid now");
    }

    function test_run_rewardFirstWhenShort() public pure {
        Waterfall.Result memory r = Waterfall.run(_input(200, 10, 15, 1_000, 0, 0));
        _assertEq(r.allocation.fundReward, 10, "WFL-2 reward first");
        _assertEq(r.allocation.fundShortfall, 5, "WFL-2 the rest to the shortfall");
        _assertEq(r.remainder.shortfall, 195, "WFL-5 shortfall rest");
    }

    function test_run_exactlyEnough() public pure {
        Waterfall.Result memory r = Waterfall.run(_input(200, 10, 210, 210, 0, 0));
        _assertEq(r.timing.paidNow, 210, "WFL-2 all paid");
        _assertEq(r.remainder.reward + r.remainder.shortfall, 0, "WFL-5 nothing left");
    }

    function test_run_backstopTakesWhatTheFundLeaves() public pure {
        Waterfall.Result memory r = Waterfall.run(_input(200, 10, 5, 1_000, 100, 50));
        _assertEq(r.allocation.fundReward, 5, "WFL-2 fund reward");
        _assertEq(r.allocation.backstopReward, 5, "WFL-3 backstop reward first");
        _assertEq(r.allocation.backstopShortfall, 45, "WFL-3 backstop within its limit");
        _assertEq(r.remainder.shortfall, 155, "WFL-5 shortfall rest");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fuzz tests
    // ---------------------------------------------------------------------------------------------------------------

    function test_run_limitedPaysTheEarlierClaimFirst() public pure {
        Waterfall.Input memory input = _input(200, 10, 1_000, 1_000, 0, 0);
        input.earlierPending = 30;
        input.payoutAvailable = 100;
        Waterfall.Result memory r = Waterfall.run(input);
        _assertEq(r.timing.earlierPaid, 30, "WFL-4 the earlier claim first");
        _assertEq(r.timing.paidNow, 70, "WFL-4 then this one, within what is available");
        _assertEq(r.timing.pending, 140, "WFL-4 the rest waits");
        _assertEq(r.allocation.fundReward + r.allocation.fundShortfall, 210, "WFL-6 allocated in full");
    }

    function test_run_pausedPaysNothing() public pure {
        Waterfall.Input memory input = _input(200, 10, 1_000, 1_000, 0, 0);
        input.earlierPending = 30;
        input.payoutAvailable = 0;
        Waterfall.Result memory r = Waterfall.run(input);
        _assertEq(r.timing.earlierPaid + r.timing.paidNow, 0, "WFL-4 nothing paid");
        _assertEq(r.timing.pending, 210, "WFL-4 all of it waits");
    }

    function testFuzz_run_timingNeverChangesTheAllocation(
        uint256 shortfall,
        uint256 reward,
        uint256 fundRoom,
        uint256 earlierPending,
        uint256 payoutAvailable
    ) public pure {
        Waterfall.Input memory input = _roomInput(shortfall, reward, fundRoom, 0);
        Waterfall.Result memory free = Waterfall.run(input);
        input.earlierPending = _bound(earlierPending, 0, MAX_AMOUNT);
        input.payoutAvailable = _bound(payoutAvailable, 0, type(uint256).max);
        Waterfall.Result memory timed = Waterfall.run(input);
        _assertEq(timed.allocation.fundReward, free.allocation.fundReward, "WFL-6 fund reward");
        _assertEq(timed.allocation.fundShortfall, free.allocation.fundShortfall, "WFL-6 fund shortfall");
        _assertEq(timed.remainder.reward, free.remainder.reward, "WFL-6 reward rest");
        _assertEq(timed.remainder.shortfall, free.remainder.shortfall, "WFL-6 shortfall rest");
        uint256 allocated = timed.allocation.fundReward + timed.allocation.fundShortfall;
        _assertEq(
            timed.timing.earlierPaid,
            Math.min(input.earlierPending, input.payoutAvailable),
            "WFL-4 the earlier claim first"
        );
        _assertEq(
            timed.timing.paidNow,
            Math.min(allocated, input.payoutAvailable - timed.timing.earlierPaid),
            "WFL-4 then this one"
        );
        _assertEq(timed.timing.paidNow + timed.timing.pending, allocated, "WFL-4 paid now + pending == F + B");
    }

    function testFuzz_run_identities(
        uint256 shortfall,
        uint256 reward,
        uint256 fundSpendable,
        uint256 fundLimitLeft,
        uint256 backstopSpendable,
        uint256 backstopLimitLeft
    ) public pure {
        Waterfall.Input memory input = _input(
            _bound(shortfall, 0, MAX_AMOUNT),
            _bound(reward, 0, MAX_AMOUNT),
            _bound(fundSpendable, 0, MAX_AMOUNT),
            _bound(fundLimitLeft, 0, MAX_AMOUNT),
            _bound(backstopSpendable, 0, MAX_AMOUNT),
            _bound(backstopLimitLeft, 0, MAX_AMOUNT)
        );
        Waterfall.Result memory r = Waterfall.run(input);
        Waterfall.Allocation memory a = r.allocation;
        uint256 owed = input.shortfall + input.reward;
        uint256 fundPart = a.fundReward + a.fundShortfall;
        uint256 backstopPart = a.backstopReward + a.backstopShortfall;

        _assertEq(
            r.timing.paidNow + r.timing.pending + r.remainder.reward + r.remainder.shortfall,
            owed,
            "WFL-1 S + R == paid now + pending + remainder"
        );
        _assertEq(
            fundPart,
            Math.min(owed, Math.min(input.fundSpendable, input.fundLimitLeft)),
            "WFL-2 F = min(R + S, room)"
        );
        _assertTrue(a.fundShortfall == 0 || a.fundReward == input.reward, "WFL-2 reward first");
        _assertEq(
            backstopPart,
            Math.min(owed - fundPart, Math.min(input.backstopSpendable, input.backstopLimitLeft)),
            "WFL-3 B = min(R + S - F, room)"
        );
        _assertTrue(a.backstopShortfall == 0 || a.fundReward + a.backstopReward == input.reward, "WFL-3 reward first");
        _assertEq(r.timing.paidNow + r.timing.pending, fundPart + backstopPart, "WFL-4 paid now + pending == F + B");
        _assertEq(r.timing.pending, 0, "WFL-4 nothing pending with no limit");
        _assertEq(
            r.remainder.reward + r.remainder.shortfall,
            owed - fundPart - backstopPart,
            "WFL-5 U = R + S - F - B"
        );
        _assertEq(
            r.remainder.shortfall,
            input.shortfall - a.fundShortfall - a.backstopShortfall,
            "WFL-5 the shortfall's rest"
        );
    }

    function testFuzz_runInto_isToCoverOfRun(
        uint256 shortfall,
        uint256 reward,
        uint256 fundRoom,
        uint256 backstopRoom,
        uint256 earlierPending,
        uint256 payoutAvailable
    ) public pure {
        Waterfall.Input memory input = _roomInput(shortfall, reward, fundRoom, backstopRoom);
        input.earlierPending = _bound(earlierPending, 0, MAX_AMOUNT);
        input.payoutAvailable = _bound(payoutAvailable, 0, type(uint256).max);
        Waterfall.Result memory r = Waterfall.run(input);
        BankruptcyCover memory expected = Waterfall.toCover(r);
        BankruptcyCover memory cover;
        (cover.socialized, cover.badDebt) = (7, 11);
        uint256 rest = Waterfall.runInto(input, cover);
        _assertEq(rest, r.remainder.reward + r.remainder.shortfall, "WFL-7 the remainder");
        _assertEq(cover.reward, expected.reward, "WFL-7 reward");
        _assertEq(cover.fundReward, expected.fundReward, "WFL-7 fund reward");
        _assertEq(cover.fundShortfall, expected.fundShortfall, "WFL-7 fund shortfall");
        _assertEq(cover.backstopReward, expected.backstopReward, "WFL-7 backstop reward");
        _assertEq(cover.backstopShortfall, expected.backstopShortfall, "WFL-7 backstop shortfall");
        _assertEq(cover.paidNow, expected.paidNow, "WFL-7 paid now");
        _assertEq(cover.pending, expected.pending, "WFL-7 pending");
        _assertEq(cover.earlierPendingPaid, expected.earlierPendingPaid, "WFL-7 earlier paid");
        _assertEq(cover.socialized, 7, "WFL-7 socialized untouched");
        _assertEq(cover.badDebt, 11, "WFL-7 bad debt untouched");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    /// @dev A claim bounded to 128 bits whose fund and backstop are limited by their room alone (limits left at max).
    function _roomInput(
        uint256 shortfall,
        uint256 reward,
        uint256 fundRoom,
        uint256 backstopRoom
    ) private pure returns (Waterfall.Input memory) {
        return
            _input(
                _bound(shortfall, 0, MAX_AMOUNT),
                _bound(reward, 0, MAX_AMOUNT),
                _bound(fundRoom, 0, MAX_AMOUNT),
                MAX_AMOUNT,
                _bound(backstopRoom, 0, MAX_AMOUNT),
                MAX_AMOUNT
            );
    }

    function _input(
        uint256 shortfall,
        uint256 reward,
        uint256 fundSpendable,
        uint256 fundLimitLeft,
        uint256 backstopSpendable,
        uint256 backstopLimitLeft
    ) private pure returns (Waterfall.Input memory) {
        return
            Waterfall.Input({
                shortfall: shortfall,
                reward: reward,
                fundSpendable: fundSpendable,
                fundLimitLeft: fundLimitLeft,
                backstopSpendable: backstopSpendable,
                backstopLimitLeft: backstopLimitLeft,
                earlierPending: 0,
                payoutAvailable: type(uint256).max
            });
    }
}
