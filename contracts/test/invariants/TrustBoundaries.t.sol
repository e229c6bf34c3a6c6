// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IInsuranceFund} from "../../interfaces/IInsuranceFund.sol";
import {VM} from "../utils/Vm.sol";
import {TrustBoundaryActions} from "./TrustBoundaryActions.sol";

/// @title TrustBoundariesTest
/// @notice GOV-01 and ISO-01 as stateful fuzz tests on the real fund: each run is a random sequence of at most
/// `MAX_STEPS` moves (one per seed) from the drain's stage of `TrustBoundaryActions`, with the governor's calls
/// delayed by two days, and the check runs after every move. Kept apart from the handler campaigns of
/// `Invariants.t.sol`, whose ghosts assume every market is the reference exchange's and an undelayed governor.
/// Runs come from `test.solidity.fuzz` in hardhat.config.ts (`FUZZ_RUNS`).
contract TrustBoundariesTest is TrustBoundaryActions {
    /// @notice A governed call the governor scheduled.
    struct Scheduled {
        bytes32 dataHash;
        uint256 scheduledAt;
        bool consumed;
    }

    uint256 internal constant MAX_STEPS = 8;

    Stage internal stage;
    Scheduled[] internal scheduled;
    bytes[] internal scheduledData;
    /// @dev A governed call took effect after its delay: from then on the attacker may have been given money.
    bool internal empowered;

    function setUp() public {
        VM.warp(1_700_000_000);
        stage = _deployStage(GOVERNANCE_DELAY);
    }

    // ================================================================ GOV-01

    /// @dev The governor schedules, executes and calls directly any governed call (treasury to the attacker, the
    /// drain's target, a market for the attacker, a higher limit, a move to the attacker, retirements...), time
    /// passes, strangers sweep and the attacker reports and claims as an exchange.
    function testFuzz_GOV_01_governanceWaitsAndKeepsTheMinimumFloor(uint256[] calldata seeds) external {
        assert(stage.fund.targetSize() == stage.fund.fundBalance());
        uint256 steps = Math.min(seeds.length, MAX_STEPS);
        for (uint256 i; i < steps; ++i) {
            _governanceMove(seeds[i]);
        }
    }

    function _governanceMove(uint256 seed) internal {
        uint256 move = seed % 6;
        uint256 x = seed >> 8;
        if (move == 0) return _schedule(_governedCall(x));
        if (move == 1) return _execute(x);
        if (move == 2) return _governed(_governedCall(x), false);
        if (move == 3) return _advance(x % 3 days);
        if (move == 4) return _exit(SWEEPER, abi.encodeCall(stage.fund.sweepSurplus, ()));
        // The attacker acts as the exchange of a market the governor may have given it.
        uint256 marketId = x % 2 == 0 ? HONEST_MARKET : ATTACKER_MARKET;
        if ((x >> 1) % 2 == 0) {
            return _exit(ATTACKER, abi.encodeCall(stage.fund.recordOpenInterest, (marketId, (x >> 2) % (2 ** 64))));
        }
        uint256 amount = uint128(x >> 2);
        _exit(ATTACKER, abi.encodeCall(stage.fund.coverBankruptcy, (marketId, _claim(ATTACKER, amount, amount, 0))));
    }

    function _schedule(bytes memory data) internal {
        VM.prank(BOUNDARY_GOVERNOR);
        try stage.manager.schedule(address(stage.fund), data, 0) {
            scheduled.push(Scheduled(keccak256(data), clock, false));
            scheduledData.push(data);
        } catch {}
    }

    function _execute(uint256 x) internal {
        if (scheduledData.length == 0) return;
        _governed(scheduledData[x % scheduledData.length], true);
    }

    /// @dev One governed call; `ready` when the same call was scheduled at least the delay before and not consumed.
    function _governed(bytes memory data, bool throughManager) internal {
        bytes32 dataHash = keccak256(data);
        (bool ready, uint256 index) = _ready(dataHash);
        GovernedCall memory c = _governedAttempt(stage, data, throughManager, ready);
        _checkGov01(c);
        if (c.succeeded && ready) {
            scheduled[index].consumed = true;
            empowered = true;
        }
    }

    function _ready(bytes32 dataHash) internal view returns (bool ready, uint256 index) {
        for (uint256 i; i < scheduled.length; ++i) {
            Scheduled memory op = scheduled[i];
            if (op.dataHash == dataHash && !op.consumed && clock >= op.scheduledAt + GOVERNANCE_DELAY) {
                return (true, i);
            }
        }
    }

    function _exit(address caller, bytes memory data) internal {
        _checkGov01Exit(_exitAttempt(stage, caller, data, empowered));
    }

    // ================================================================ ISO-01

    /// @dev The rogue market's exchange reports and claims anything (any amount, any open base, the amounts that
    /// froze market 1 on 834b281 among them); after each move market 1 must still report its cap and record its
    /// own bad debt.
    function testFuzz_ISO_01_aRogueMarketCannotFreezeAnother(uint256[] calldata seeds) external {
        _isolationCampaign(stage.fund, seeds);
    }

    function _isolationCampaign(IInsuranceFund f, uint256[] calldata seeds) internal {
        uint256 steps = Math.min(seeds.length, MAX_STEPS);
        for (uint256 i; i < steps; ++i) {
            _rogueMove(f, seeds[i]);
            _checkIso01(_observeIsolation(f, HONEST_MARKET, HONEST_EXCHANGE, HONEST_CAP));
        }
    }

    function _rogueMove(IInsuranceFund f, uint256 seed) internal {
        uint256 amount = _rogueAmount(f, seed);
        uint256 other = uint256(keccak256(abi.encode(seed)));
        uint256 move = seed % 3;
        if (move == 0) return _rogueReport(f, amount);
        if (move == 1) return _rogueClaim(f, amount, other % 2 == 0 ? 0 : other, other % 3 == 0 ? 0 : other);
        _advance(other % 7 days);
    }

    /// @dev Any amount, and often one of the edges: what fills the platform's 2^96 - 1, the rogue's cap, 2^128 - 1,
    /// 2^256 - 1.
    function _rogueAmount(IInsuranceFund f, uint256 seed) internal view returns (uint256) {
        uint256 edge = (seed >> 2) % 6;
        uint256 room = type(uint96).max - f.totalOpenInterest();
        if (edge == 0) return room;
        if (edge == 1) return ROGUE_CAP;
        if (edge == 2) return type(uint128).max;
        if (edge == 3) return type(uint256).max;
        return seed >> 8;
    }
}
