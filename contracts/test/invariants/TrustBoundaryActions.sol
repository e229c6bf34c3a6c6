// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {InsuranceFund} from "../../InsuranceFund.sol";
import {IInsuranceFund} from "../../interfaces/IInsuranceFund.sol";
import {BankruptcyClaim, BankruptcyCover, MarketConfig, MarketInfo} from "../../interfaces/IInsuranceVault.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";
import {FixedSharePolicy} from "../../policies/FixedSharePolicy.sol";
import {governedSelectors} from "../utils/Governance.sol";
import {VM} from "../utils/Vm.sol";
import {InvariantChecks} from "./InvariantChecks.sol";

/// @title TrustBoundaryActions
/// @notice The stage and the moves of GOV-01 and ISO-01, shared by their fuzz suite (`TrustBoundaries.t.sol`) and
/// their broken-invariant tests, so both observe the same way. The stage is the drain's of 834b281: 500,000 USDC in
/// the fund and 10,000,000 of open interest for a whole window (target 500,000, no surplus), a minimum floor of
/// 200,000, an honest market 1 and a rogue market 2 whose cap takes all the room the honest one leaves.
abstract contract TrustBoundaryActions is InvariantChecks {
    /// @notice The fund and the manager of one stage.
    struct Stage {
        MockUSDC usdc;
        IInsuranceFund fund;
        AccessManager manager;
    }

    /// @notice A probe's outcome, carried out of the probe by its revert (which undoes the probe).
    error TrustBoundaryProbed(bool reportedAtCap, bool recordedBadDebt);
    /// @notice Only this contract may probe.
    error TrustBoundaryProbeNotSelf(address caller);

    uint64 internal constant BOUNDARY_GOVERNOR_ROLE = 1;
    uint32 internal constant GOVERNANCE_DELAY = 2 days;
    uint128 internal constant MIN_FLOOR = 200_000e6;
    uint256 internal constant STAGE_BALANCE = 500_000e6;
    uint256 internal constant STAGE_OPEN_INTEREST = 10_000_000e6;

    uint256 internal constant HONEST_MARKET = 1;
    uint256 internal constant ROGUE_MARKET = 2;
    /// @dev The market the governor may register for the attacker.
    uint256 internal constant ATTACKER_MARKET = 3;
    uint128 internal constant HONEST_CAP = 2 ** 90;
    /// @dev All the room the honest market's cap leaves below 2^96 (the caps' sum must stay below it).
    uint128 internal constant ROGUE_CAP = type(uint96).max - HONEST_CAP;

    address internal constant BOUNDARY_GOVERNOR = address(0x6001);
    address internal constant HONEST_EXCHANGE = address(0xE001);
    address internal constant ROGUE_EXCHANGE = address(0xBAD2);
    /// @dev Whom a hostile governor would name as treasury, exchange or market.
    address internal constant ATTACKER = address(0xBAD3);
    address internal constant BOUNDARY_TREASURY = address(0x7E01);
    address internal constant SWEEPER = address(0x5EE9);

    /// @dev How many governed calls `_governedCall` builds.
    uint256 internal constant GOVERNED_CALLS = 10;

    /// @dev The tests' own clock: with viaIR the optimizer may reuse a `block.timestamp` read before a warp, so the
    /// time a test warps to and compares with is kept here (0 until the first `_advance`).
    uint256 internal clock;

    // ================================================================ the stage

    /// @dev Deploys the stage; the governor's calls wait `governorDelay` (the old wiring: 0). It registers both
    /// markets before its delay is set (raising a member's delay takes effect at once).
    function _deployStage(uint32 governorDelay) internal returns (Stage memory s) {
        s.usdc = new MockUSDC();
        s.manager = new AccessManager(address(this));
        s.fund = IInsuranceFund(
            address(
                new InsuranceFund(
                    IERC20(address(s.usdc)),
                    address(s.manager),
                    7 days,
                    500,
                    MIN_FLOOR,
                    MIN_FLOOR,
                    new FixedSharePolicy(5_000, 5_000),
                    BOUNDARY_TREASURY
                )
            )
        );
        s.manager.setTargetFunctionRole(address(s.fund), governedSelectors(), BOUNDARY_GOVERNOR_ROLE);
        s.manager.grantRole(BOUNDARY_GOVERNOR_ROLE, BOUNDARY_GOVERNOR, 0);
        VM.startPrank(BOUNDARY_GOVERNOR);
        s.fund.registerMarket(
            HONEST_MARKET,
            MarketConfig(HONEST_EXCHANGE, 1_000_000e6, type(uint128).max, 10_000, HONEST_CAP)
        );
        s.fund.registerMarket(
            ROGUE_MARKET,
            MarketConfig(ROGUE_EXCHANGE, 100_000e6, type(uint128).max, 10_000, ROGUE_CAP)
        );
        VM.stopPrank();
        if (governorDelay != 0) s.manager.grantRole(BOUNDARY_GOVERNOR_ROLE, BOUNDARY_GOVERNOR, governorDelay);
        s.usdc.mint(address(this), STAGE_BALANCE);
        s.usdc.approve(address(s.fund), STAGE_BALANCE);
        s.fund.deposit(STAGE_BALANCE);
        VM.prank(HONEST_EXCHANGE);
        s.fund.recordOpenInterest(HONEST_MARKET, STAGE_OPEN_INTEREST);
        _advance(7 days + 1);
    }

    /// @dev Moves time forward by `seconds_` from the test's clock (started at the block's time).
    function _advance(uint256 seconds_) internal {
        if (clock == 0) clock = block.timestamp;
        clock += seconds_;
        VM.warp(clock);
    }

    // ================================================================ governance (GOV-01)

    /// @dev One of the governed calls a hostile governor would make, with arguments from `seed`.
    function _governedCall(uint256 seed) internal pure returns (bytes memory) {
        uint256 kind = seed % GOVERNED_CALLS;
        uint256 x = seed >> 8;
        if (kind == 0) return abi.encodeCall(InsuranceFund.setTreasury, (ATTACKER));
        // The drain's target: the lowest share and the minimum floor.
        if (kind == 1) return abi.encodeCall(InsuranceFund.setTarget, (100, MIN_FLOOR));
        if (kind == 2)
            return abi.encodeCall(InsuranceFund.setTarget, (uint16(x % 12_000), uint128((x >> 16) % (2 * MIN_FLOOR))));
        if (kind == 3) {
            return
                abi.encodeCall(
                    InsuranceFund.registerMarket,
                    (ATTACKER_MARKET, MarketConfig(ATTACKER, type(uint128).max, type(uint128).max, 10_000, 2 ** 64))
                );
        }
        if (kind == 4) return abi.encodeCall(InsuranceFund.raiseInsuranceLimit, (1 + (x % 3), type(uint128).max));
        if (kind == 5) return abi.encodeCall(InsuranceFund.moveMarket, (1 + (x % 3), ATTACKER));
        if (kind == 6) return abi.encodeCall(InsuranceFund.retireMarket, (1 + (x % 3)));
        if (kind == 7) return abi.encodeCall(InsuranceFund.setOpenInterestCap, (1 + (x % 3), uint128(x >> 8)));
        if (kind == 8) return abi.encodeCall(InsuranceFund.writeOffBadDebt, (1 + (x % 3)));
        return abi.encodeCall(InsuranceFund.setRewardCaps, (1 + (x % 3), uint128(x >> 8), uint16((x >> 4) % 10_001)));
    }

    /// @dev The governor calls the fund with `data`, directly or through the manager's `execute`.
    function _governedAttempt(
        Stage memory s,
        bytes memory data,
        bool throughManager,
        bool ready
    ) internal returns (GovernedCall memory c) {
        c.ready = ready;
        c.stateBefore = _governedState(s);
        VM.prank(BOUNDARY_GOVERNOR);
        if (throughManager) {
            try s.manager.execute(address(s.fund), data) {
                c.succeeded = true;
            } catch {}
        } else {
            // solhint-disable-next-line avoid-low-level-calls
            (c.succeeded, ) = address(s.fund).call(data);
        }
        c.stateAfter = _governedState(s);
    }

    /// @dev Everything governance decides about the fund's money: balance and tokens, treasury, target and its
    /// parameters, fee policy, caps, bad debt, every market's books, and what the attacker holds.
    function _governedState(Stage memory s) internal view returns (bytes32) {
        IInsuranceFund f = s.fund;
        bytes32 money = keccak256(
            abi.encode(
                f.fundBalance(),
                s.usdc.balanceOf(address(f)),
                s.usdc.balanceOf(ATTACKER),
                f.treasury(),
                f.treasuryAccrued(),
                address(f.feePolicy())
            )
        );
        bytes32 target = keccak256(
            abi.encode(
                f.targetSize(),
                f.targetShareBps(),
                f.floor(),
                f.totalOpenInterest(),
                f.openInterestCapSum(),
                f.totalBadDebt()
            )
        );
        bytes memory markets;
        for (uint256 id = 1; id <= ATTACKER_MARKET; ++id) {
            try f.market(id) returns (MarketInfo memory m) {
                markets = abi.encode(markets, m);
            } catch {}
        }
        return keccak256(abi.encode(money, target, keccak256(markets)));
    }

    /// @dev The drain of 834b281: the governor calls setTreasury(attacker) and the lowest target directly (observed
    /// as one governed change, not ready), then a stranger sweeps.
    function _drain(Stage memory s) internal returns (GovernedCall memory calls, GovernanceExit memory sweep) {
        calls = _governedAttempt(s, abi.encodeCall(InsuranceFund.setTreasury, (ATTACKER)), false, false);
        GovernedCall memory target = _governedAttempt(s, _governedCall(1), false, false);
        calls.succeeded = calls.succeeded || target.succeeded;
        calls.stateAfter = target.stateAfter;
        sweep = _exitAttempt(s, SWEEPER, abi.encodeCall(InsuranceFund.sweepSurplus, ()), false);
    }

    /// @dev `caller` calls the fund with `data` (not a governed call); what the attacker received and the balance
    /// moved.
    function _exitAttempt(
        Stage memory s,
        address caller,
        bytes memory data,
        bool empowered
    ) internal returns (GovernanceExit memory e) {
        e.empowered = empowered;
        e.sweep = bytes4(data) == InsuranceFund.sweepSurplus.selector;
        e.minFloor = s.fund.minFloor();
        e.balanceBefore = s.fund.fundBalance();
        uint256 attackerBefore = s.usdc.balanceOf(ATTACKER);
        VM.prank(caller);
        // solhint-disable-next-line avoid-low-level-calls
        (bool succeeded, ) = address(s.fund).call(data);
        succeeded; // a revert is allowed: what moved is observed either way
        e.balanceAfter = s.fund.fundBalance();
        e.attackerReceived = s.usdc.balanceOf(ATTACKER) - attackerBefore;
    }

    // ================================================================ isolation (ISO-01)

    /// @dev The rogue exchange reports `amount` of open interest for its market (any amount; a revert is allowed).
    function _rogueReport(IInsuranceFund f, uint256 amount) internal {
        VM.prank(ROGUE_EXCHANGE);
        try f.recordOpenInterest(ROGUE_MARKET, amount) {} catch {}
    }

    /// @dev The rogue exchange claims a bankruptcy of `shortfall` with `openBase` open (a revert is allowed).
    function _rogueClaim(IInsuranceFund f, uint256 shortfall, uint256 reward, uint256 openBase) internal {
        VM.prank(ROGUE_EXCHANGE);
        try f.coverBankruptcy(ROGUE_MARKET, _claim(ROGUE_EXCHANGE, shortfall, reward, openBase)) {} catch {}
    }

    /// @dev A claim by `exchange` that names itself as the account and the liquidator.
    function _claim(
        address exchange,
        uint256 shortfall,
        uint256 reward,
        uint256 openBase
    ) internal pure returns (BankruptcyClaim memory) {
        return BankruptcyClaim(exchange, shortfall, exchange, reward, reward, openBase);
    }

    /// @dev What market `marketId` (exchange `exchange`, cap `cap`) could still do: its headroom, and a probe of a
    /// report at its cap and of a bad debt as large as its own room, undone after.
    function _observeIsolation(
        IInsuranceFund f,
        uint256 marketId,
        address exchange,
        uint256 cap
    ) internal returns (MarketIsolation memory m) {
        m.totalOpenInterest = f.totalOpenInterest();
        m.ownOpenInterest = f.market(marketId).openInterest;
        m.ownCap = cap;
        try this.probeMarket(f, marketId, exchange, cap) {} catch (bytes memory reason) {
            if (reason.length == 68 && bytes4(reason) == TrustBoundaryProbed.selector) {
                assembly ("memory-safe") {
                    mstore(add(m, 0x60), mload(add(reason, 0x24)))
                    mstore(add(m, 0x80), mload(add(reason, 0x44)))
                }
            }
        }
    }

    /// @notice Probes a market's calls and reverts with the outcome, so the probe leaves no trace. Self only.
    function probeMarket(IInsuranceFund f, uint256 marketId, address exchange, uint256 cap) external {
        if (msg.sender != address(this)) revert TrustBoundaryProbeNotSelf(msg.sender);
        bool reportedAtCap;
        bool recordedBadDebt;
        VM.prank(exchange);
        try f.recordOpenInterest(marketId, cap) {
            reportedAtCap = f.market(marketId).openInterest == cap;
        } catch {}
        uint256 badDebtBefore = f.market(marketId).badDebt;
        uint256 room = type(uint128).max - badDebtBefore;
        VM.prank(exchange);
        try f.coverBankruptcy(marketId, BankruptcyClaim(exchange, room, address(0), 0, 0, 0)) returns (
            BankruptcyCover memory cover
        ) {
            recordedBadDebt = cover.badDebt != 0 && f.market(marketId).badDebt == badDebtBefore + cover.badDebt;
        } catch {}
        revert TrustBoundaryProbed(reportedAtCap, recordedBadDebt);
    }
}
