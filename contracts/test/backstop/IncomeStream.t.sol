// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IncomeStream} from "../../backstop/IncomeStream.sol";
import {Assertions} from "../utils/Assertions.sol";

/// @title IncomeStreamTest
/// @notice Fuzz tests of `IncomeStream` (the backstop's income vesting), on a stream in this contract's storage; the
/// times are arguments, so no warp is needed. The vault's model test (test/backstop/BackstopVault.ts) checks the
/// vested income at every step of random sequences.
/// Properties (each assertion names its id):
/// - ISTR-1 Without checkpoints, what has vested at `t` is `floor(amount * (t - start) / period)`: monotone, never
///   above the amount, all of it at the end.
/// - ISTR-2 With checkpoints at any times, the income vested so far never runs ahead of the straight line, lags it
///   by less than one unit per checkpoint, and is all of it at the end.
/// - ISTR-3 A payment joins what is still unvested, and the sum vests over a whole period from the payment.
contract IncomeStreamTest is Assertions {
    using IncomeStream for IncomeStream.State;

    uint256 private constant T0 = 1_700_000_000;

    IncomeStream.State private stream;

    function testFuzz_ISTR1_vestsOnAStraightLine(uint256 amount, uint256 period, uint256 t1, uint256 t2) public {
        amount = _bound(amount, 0, type(uint128).max);
        period = _bound(period, 1, 365 days);
        t1 = _bound(t1, T0, T0 + 2 * period);
        t2 = _bound(t2, t1, T0 + 2 * period);
        stream.checkpoint(T0);
        stream.add(amount, T0, period);
        uint256 v1 = stream.vested(t1);
        uint256 v2 = stream.vested(t2);
        uint256 line = t1 >= T0 + period ? amount : (amount * (t1 - T0)) / period;
        _assertEq(v1, line, "ISTR-1 vested on the line");
        _assertLe(v1, v2, "ISTR-1 monotone");
        _assertLe(v2, amount, "ISTR-1 never above the amount");
        _assertEq(stream.vested(T0 + period), amount, "ISTR-1 all of it at the end");
    }

    function testFuzz_ISTR2_checkpointsLagByLessThanAUnitEach(
        uint256 amount,
        uint256 period,
        uint256[8] memory gaps
    ) public {
        amount = _bound(amount, 0, type(uint128).max);
        period = _bound(period, 1, 365 days);
        stream.checkpoint(T0);
        stream.add(amount, T0, period);
        uint256 taken;
        uint256 t = T0;
        for (uint256 i = 0; i < gaps.length; ++i) {
            t += _bound(gaps[i], 0, period / 4 + 1);
            taken += stream.checkpoint(t);
            uint256 line = t >= T0 + period ? amount : (amount * (t - T0)) / period;
            _assertLe(taken, line, "ISTR-2 never ahead of the line");
            _assertGe(taken + i + 1, line, "ISTR-2 behind by less than a unit per checkpoint");
            _assertEq(taken + stream.unvested, amount, "ISTR-2 nothing lost");
        }
        taken += stream.checkpoint(T0 + period);
        _assertEq(taken, amount, "ISTR-2 all of it at the end");
    }

    function testFuzz_ISTR3_aPaymentJoinsTheRest(uint256 first, uint256 second, uint256 period, uint256 at) public {
        // Together within the stream's 128 bits.
        first = _bound(first, 0, type(uint128).max / 2);
        second = _bound(second, 0, type(uint128).max / 2);
        period = _bound(period, 1, 365 days);
        at = _bound(at, T0, T0 + 2 * period);
        stream.checkpoint(T0);
        stream.add(first, T0, period);
        uint256 vestedBefore = stream.checkpoint(at);
        uint256 rest = first - vestedBefore;
        stream.add(second, at, period);
        _assertEq(stream.unvested, rest + second, "ISTR-3 the rest and the payment");
        _assertEq(stream.end, at + period, "ISTR-3 a whole period from the payment");
        _assertEq(stream.vested(at), 0, "ISTR-3 nothing more vested at once");
        _assertEq(stream.vested(at + period), rest + second, "ISTR-3 all of it a period later");
    }
}
