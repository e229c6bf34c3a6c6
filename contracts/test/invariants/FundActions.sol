// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {VM, Vm} from "../utils/Vm.sol";
import {GhostLedger} from "./GhostLedger.sol";

/// @title FundActions
/// @notice The invariant handler's fund actions: keepers sweep the surplus (FUND-05) and flush the treasury's
/// accrual to the treasury and the backstop (FUND-04), the funder deposits (DEBT-01), the donor sends tokens without
/// a deposit, time passes (buckets refill).
abstract contract FundActions is GhostLedger {
    // ================================================================ set-up helpers (not fuzzed)

    /// @notice The staker stakes `amount` in the backstop (minted, so CONS-01 counts it).
    function stakeInBackstop(uint256 amount) external action {
        _mint(_staker, amount);
        VM.startPrank(_staker);
        _usdc.approve(address(_backstop), amount);
        _backstop.deposit(amount, _staker);
        VM.stopPrank();
    }

    // ================================================================ actions: keepers

    /// @notice Anyone sweeps the surplus; checked against the balance, target and stray tokens before (FUND-05).
    function sweep(uint256 callerSeed) external action {
        Sweep memory s;
        s.paused = _fund.paused();
        s.balanceBefore = _fund.fundBalance();
        s.target = _fund.targetSize();
        s.badDebt = _fund.totalBadDebt();
        uint256 held = _usdc.balanceOf(address(_fund));
        uint256 accounted = s.balanceBefore + _fund.totalPending() + _fund.treasuryAccrued();
        s.strayBefore = held > accounted ? held - accounted : 0;
        uint256 treasuryBefore = _usdc.balanceOf(_treasury);

        VM.recordLogs();
        VM.prank(_caller(callerSeed));
        try _fund.sweepSurplus() returns (uint256 surplus, uint256 unaccounted) {
            s.succeeded = true;
            s.surplus = surplus;
            s.unaccounted = unaccounted;
            ++_metrics.sweeps;
        } catch {}
        Vm.Log[] memory logs = VM.getRecordedLogs();
        if (s.succeeded) _process(logs);
        s.balanceAfter = _fund.fundBalance();
        s.treasuryReceived = _usdc.balanceOf(_treasury) - treasuryBefore;
        _flag(_sweepHolds(s), FUND_05);
    }

    /// @notice Anyone flushes the treasury's accrual: the backstop gets its share, the treasury the rest (FUND-04).
    function flush(uint256 callerSeed) external action {
        Flush memory f;
        f.accruedBefore = _fund.treasuryAccrued();
        f.backstopShareBps = _fund.backstop() == address(0) ? 0 : _fund.backstopIncomeShareBps();
        uint256 treasuryBefore = _usdc.balanceOf(_treasury);
        uint256 backstopBefore = _usdc.balanceOf(address(_backstop));
        VM.recordLogs();
        VM.prank(_caller(callerSeed));
        try _fund.flushTreasury() returns (uint256 amount) {
            f.succeeded = true;
            f.sent = amount;
            ++_metrics.flushes;
        } catch {}
        Vm.Log[] memory logs = VM.getRecordedLogs();
        if (f.succeeded) _process(logs);
        f.treasuryReceived = _usdc.balanceOf(_treasury) - treasuryBefore;
        f.backstopReceived = _usdc.balanceOf(address(_backstop)) - backstopBefore;
        f.accruedAfter = _fund.treasuryAccrued();
        _flag(_flushHolds(f), FUND_04);
    }

    // ================================================================ actions: the fund's money

    /// @notice The funder deposits into the fund (how the floor is seeded; never repays bad debt).
    function depositToFund(uint256 amount) public action {
        amount = _bound(amount, 1, 10_000e6);
        _mint(_funder, amount);
        uint256 badDebtBefore = _fund.totalBadDebt();
        VM.recordLogs();
        VM.prank(_funder);
        _fund.deposit(amount);
        _process(VM.getRecordedLogs());
        _g.deposits += amount;
        _flag(_fund.totalBadDebt() == badDebtBefore, DEBT_01);
    }

    /// @notice The donor sends tokens to the fund without a deposit.
    function donate(uint256 amount) external action {
        amount = _bound(amount, 1, 5_000e6);
        _mint(_donor, amount);
        _g.donations += amount;
        VM.prank(_donor);
        _usdc.transfer(address(_fund), amount);
    }

    // ================================================================ actions: time

    /// @notice Time passes: up to three days (from the handler's clock: under viaIR a `block.timestamp` read before
    /// the modifier's warp may be reused).
    function warp(uint256 secondsSeed) external action moneyNeutral {
        _now += _bound(secondsSeed, 1, 3 days);
        VM.warp(_now);
    }
}
