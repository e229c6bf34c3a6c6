// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {IBackstopVault} from "../../interfaces/IBackstopVault.sol";
import {IFeePolicy} from "../../interfaces/IFeePolicy.sol";
import {IInsuranceFund} from "../../interfaces/IInsuranceFund.sol";
import {IInsuranceVault} from "../../interfaces/IInsuranceVault.sol";
import {IReferenceExchange} from "../../interfaces/IReferenceExchange.sol";
import {MockPriceFeed} from "../../mocks/MockPriceFeed.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";
import {VM} from "../utils/Vm.sol";
import {InvariantChecks} from "./InvariantChecks.sol";

/// @title HandlerBase
/// @notice The invariant handler's world: the deployment it drives, its actors (four traders, two liquidators, a
/// funder, a donor, the backstop's staker and the strangers met so far), time, and the input helpers every action
/// uses. No ghosts, no actions: `GhostLedger` keeps the books, the `*Actions` contracts act, `InsuranceHandler` puts
/// them together.
abstract contract HandlerBase is InvariantChecks {
    // ================================================================ constants

    uint256 internal constant TRADERS = 4;
    uint256 internal constant LIQUIDATORS = 2;
    uint256 internal constant MARKETS = 2;
    uint256 internal constant MAX_BPS = 10_000;
    /// @dev An 18-decimal base times an 18-decimal price, to 6-decimal quote units.
    uint256 internal constant BASE_PRICE_TO_QUOTE = 1e30;
    /// @dev The oracle's bounds (8 decimals): crashes happen, the price never reaches zero.
    int256 internal constant MIN_ANSWER = 1e8;
    int256 internal constant MAX_ANSWER = 100_000e8;

    // ================================================================ types

    /// @notice What the test's `setUp` deployed.
    struct Deployment {
        MockUSDC usdc;
        IInsuranceFund fund;
        IReferenceExchange exchange;
        IFeePolicy policy;
        IBackstopVault backstop;
        MockPriceFeed[MARKETS] feeds;
        uint256[MARKETS] marketIds;
        address governor;
        address guardian;
        address exchangeOwner;
        address treasury;
        address admin;
    }

    // ================================================================ storage

    MockUSDC internal immutable _usdc;
    IInsuranceFund internal immutable _fund;
    IReferenceExchange internal immutable _exchange;
    IFeePolicy internal immutable _policy;
    /// @dev The staked backstop behind the fund (zero: none).
    IBackstopVault internal immutable _backstop;
    address internal immutable _governor;
    address internal immutable _guardian;
    address internal immutable _exchangeOwner;
    address internal immutable _treasury;
    address internal immutable _admin;
    address internal immutable _funder;
    address internal immutable _donor;
    address internal immutable _staker;
    /// @dev The exchange of the market that defers its fees (DEFER-01): an account, which approves the fund.
    address internal immutable _deferExchange;

    MockPriceFeed[MARKETS] internal _feeds;
    uint256[MARKETS] internal _marketIds;
    address[TRADERS] internal _traders;
    address[LIQUIDATORS] internal _liquidators;
    address[] internal _strangers;
    mapping(address who => bool) internal _isStranger;

    /// @dev The latest timestamp the handler warped to: time never runs backwards between actions.
    uint256 internal _now;

    // ================================================================ constructor

    constructor(Deployment memory d) {
        _usdc = d.usdc;
        _fund = d.fund;
        _exchange = d.exchange;
        _policy = d.policy;
        _backstop = d.backstop;
        _governor = d.governor;
        _guardian = d.guardian;
        _exchangeOwner = d.exchangeOwner;
        _treasury = d.treasury;
        _admin = d.admin;
        _funder = _actor("funder");
        _donor = _actor("donor");
        _staker = _actor("staker");
        _deferExchange = _actor("deferExchange");
        _feeds = d.feeds;
        _marketIds = d.marketIds;
        for (uint256 i; i < TRADERS; ++i) {
            _traders[i] = _actor(string.concat("trader", _digit(i)));
            VM.prank(_traders[i]);
            _usdc.approve(address(_exchange), type(uint256).max);
        }
        for (uint256 i; i < LIQUIDATORS; ++i) _liquidators[i] = _actor(string.concat("liquidator", _digit(i)));
        VM.prank(_funder);
        _usdc.approve(address(_fund), type(uint256).max);
        VM.prank(_deferExchange);
        _usdc.approve(address(_fund), type(uint256).max);
        _now = block.timestamp;
    }

    // ================================================================ views for the tests

    /// @notice The market ids.
    function marketIds() external view returns (uint256[] memory ids) {
        ids = new uint256[](MARKETS);
        for (uint256 i; i < MARKETS; ++i) ids[i] = _marketIds[i];
    }

    /// @notice The deferring market's exchange (an account).
    function deferExchange() external view returns (address) {
        return _deferExchange;
    }

    /// @notice The traders.
    function traders() external view returns (address[] memory list) {
        list = new address[](TRADERS);
        for (uint256 i; i < TRADERS; ++i) list[i] = _traders[i];
    }

    /// @notice The open |base| of a market summed over its positions.
    function absBaseSum(uint256 marketId) public view returns (uint256 sum) {
        for (uint256 i; i < TRADERS; ++i) sum += SignedMath.abs(_exchange.position(_traders[i], marketId).baseWad);
    }

    // ================================================================ internal: the fund's state

    /// @dev The fund's money: its books and its tokens.
    function _fundMoney() internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _fund.fundBalance(),
                    _fund.totalPending(),
                    _fund.treasuryAccrued(),
                    _usdc.balanceOf(address(_fund))
                )
            );
    }

    /// @dev Everything a stranger's call could change on the fund.
    function _fundFingerprint() internal view returns (bytes32 h) {
        h = keccak256(
            abi.encode(
                _fundMoney(),
                _fund.paused(),
                _fund.treasury(),
                _fund.feePolicy(),
                _fund.targetShareBps(),
                _fund.floor(),
                _fund.totalOpenInterest(),
                _fund.totalBadDebt()
            )
        );
        h = keccak256(abi.encode(h, _fund.fundBucket()));
        for (uint256 i; i < MARKETS; ++i) {
            uint256 id = _marketIds[i];
            h = keccak256(abi.encode(h, _fund.market(id), _fund.pendingClaim(id), _fund.marketBucket(id)));
        }
        // A market registered under the attack's id would show here.
        (bool registered, ) = address(_fund).staticcall(abi.encodeCall(IInsuranceVault.market, (ATTACK_MARKET_ID)));
        h = keccak256(abi.encode(h, registered));
    }

    // ================================================================ internal: inputs and actors

    function _trader(uint256 seed) internal view returns (address) {
        return _traders[seed % TRADERS];
    }

    function _market(uint256 seed) internal view returns (uint256) {
        return _marketIds[seed % MARKETS];
    }

    /// @dev A keeper: one of the liquidators, the funder or the donor (none gains from sweeping or flushing).
    function _caller(uint256 seed) internal view returns (address) {
        uint256 k = seed % (LIQUIDATORS + 2);
        if (k < LIQUIDATORS) return _liquidators[k];
        return k == LIQUIDATORS ? _funder : _donor;
    }

    function _isKnown(address who) internal view returns (bool) {
        if (
            who == address(0) ||
            who == address(VM) ||
            who == address(this) ||
            who == address(_usdc) ||
            who == address(_fund) ||
            who == address(_exchange) ||
            who == address(_policy) ||
            who == _governor ||
            who == _guardian ||
            who == _exchangeOwner ||
            who == _treasury ||
            who == _admin ||
            who == _funder ||
            who == _donor ||
            who == _staker ||
            who == _deferExchange ||
            who == address(_backstop)
        ) return true;
        for (uint256 i; i < TRADERS; ++i) if (who == _traders[i]) return true;
        for (uint256 i; i < LIQUIDATORS; ++i) if (who == _liquidators[i]) return true;
        return false;
    }

    function _actor(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("perp-insurance actor", name)))));
    }

    function _digit(uint256 i) internal pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + i))));
    }

    /// @dev `x` mapped into [min, max]; values already inside are kept so the fuzzer's edge values reach the system.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (x >= min && x <= max) return x;
        // Cannot overflow: `max - min < type(uint256).max` here, since x lies outside [min, max].
        unchecked {
            return min + (x % (max - min + 1));
        }
    }
}
