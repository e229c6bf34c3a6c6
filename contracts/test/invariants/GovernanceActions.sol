// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {MarketParams} from "../../interfaces/IReferenceExchange.sol";
import {VM} from "../utils/Vm.sol";
import {GhostLedger} from "./GhostLedger.sol";

/// @title GovernanceActions
/// @notice The invariant handler's governance actions: the guardian pauses and resumes payouts, the governor
/// raises limits and sets reward caps, the exchange's owner sets a market's fees, none of which moves the fund's
/// money (ACCESS-01); and strangers call the fund's exchange-only and governance functions, which must revert and
/// change nothing (ACCESS-01).
abstract contract GovernanceActions is GhostLedger {
    // ================================================================ actions: governance

    /// @notice The guardian resumes payouts when paused, and pauses them one time in three otherwise.
    function guardian(uint256 seed) external action moneyNeutral {
        if (_fund.paused()) {
            VM.prank(_guardian);
            _fund.unpause();
        } else if (seed % 3 == 0) {
            VM.prank(_guardian);
            _fund.pause();
        }
    }

    /// @notice Governance raises a market's insurance limit by up to 2,000 USDC.
    function raiseLimit(uint256 marketSeed, uint256 amount) external action moneyNeutral {
        uint256 marketId = _market(marketSeed);
        uint256 limit = _fund.market(marketId).insuranceLimit;
        uint256 newLimit = Math.min(limit + _bound(amount, 1, 2_000e6), type(uint128).max);
        if (newLimit == limit) return;
        VM.prank(_governor);
        _fund.raiseInsuranceLimit(marketId, uint128(newLimit));
    }

    /// @notice Governance sets a market's reward caps (sometimes none).
    function setRewardCaps(uint256 marketSeed, uint256 capSeed, uint256 bpsSeed) external action moneyNeutral {
        uint128 cap = capSeed % 4 == 0 ? type(uint128).max : uint128(_bound(capSeed, 0, 500e6));
        VM.prank(_governor);
        _fund.setRewardCaps(_market(marketSeed), cap, uint16(_bound(bpsSeed, 0, MAX_BPS)));
    }

    /// @notice The exchange's owner changes a market's fee, penalty and liquidator share.
    function setFees(
        uint256 marketSeed,
        uint256 feeSeed,
        uint256 penaltySeed,
        uint256 shareSeed
    ) external action moneyNeutral {
        uint256 marketId = _market(marketSeed);
        MarketParams memory p = _exchange.market(marketId).params;
        p.tradingFeeBps = uint16(_bound(feeSeed, 0, 50));
        p.liquidationPenaltyBps = uint16(_bound(penaltySeed, 0, 300));
        p.liquidatorShareBps = uint16(_bound(shareSeed, 0, MAX_BPS));
        VM.prank(_exchangeOwner);
        _exchange.setMarketParams(marketId, p);
    }

    // ================================================================ actions: strangers

    /// @notice A random address, holding tokens and having approved the fund, calls an exchange-only or
    /// governance function of the fund: it must revert and change nothing (ACCESS-01).
    function strangerAttack(
        uint256 strangerSeed,
        uint256 attackSeed,
        uint256 marketSeed,
        uint256 amount
    ) external action {
        address stranger = address(uint160(uint256(keccak256(abi.encode("stranger", strangerSeed)))));
        if (_isKnown(stranger)) return;
        amount = _bound(amount, 1, 1_000_000e6);
        _mint(stranger, amount);
        if (!_isStranger[stranger]) {
            _isStranger[stranger] = true;
            _strangers.push(stranger);
        }
        VM.prank(stranger);
        _usdc.approve(address(_fund), amount);

        bytes memory data = _attackCalldata(
            attackSeed % ATTACKS,
            _market(marketSeed),
            amount,
            stranger,
            address(_policy)
        );
        bytes32 before = _fundFingerprint();
        VM.prank(stranger);
        // solhint-disable-next-line avoid-low-level-calls
        (bool succeeded, ) = address(_fund).call(data);
        ++_metrics.attacks;
        _flag(_attackRepelled(succeeded, before, _fundFingerprint()), ACCESS_01);
    }
}
