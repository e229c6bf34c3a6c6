// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {BackstopVault} from "../../backstop/BackstopVault.sol";
import {BackstopTerms, RedeemRequestState} from "../../interfaces/IBackstopVault.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";
import {BackstopChecks} from "./BackstopChecks.sol";

/// @title BackstopHandler
/// @notice The backstop invariant campaign's handler: it is the vault's fund and governor, and drives four stakers
/// through deposits, requests, claims, transfers and lapses, with covers, income, donations and time between them.
/// Every input is bounded to a call the vault accepts, so any revert is a failure. It counts BST-03 and BST-04
/// violations as they happen and keeps the first of each.
contract BackstopHandler is BackstopChecks, Assertions {
    uint256 internal constant ACTORS = 4;
    uint256 internal constant MARKETS = 2;
    uint256 internal constant START = 1_700_000_000;
    uint64 internal constant GOVERNOR_ROLE = 1;

    MockUSDC public immutable usdc;
    BackstopVault public immutable vault;
    AccessManager public immutable manager;

    /// @dev The clock (under viaIR `block.timestamp` may read stale after a warp: keep our own).
    uint256 public clock = START;

    uint256 public bst03Violations;
    uint256 public bst04Violations;
    CoverObservation internal _badCover;
    ClaimObservation internal _badClaim;

    /// @dev Calls that did something, to show the campaign is not empty.
    uint256 public covers;
    uint256 public claims;
    uint256 public requests;

    constructor(BackstopTerms memory terms) {
        VM.warp(START);
        usdc = new MockUSDC();
        manager = new AccessManager(address(this));
        vault = new BackstopVault(usdc, address(manager), address(this), "Backstop", "bs", terms);
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = BackstopVault.setMarketLimit.selector;
        manager.setTargetFunctionRole(address(vault), selectors, GOVERNOR_ROLE);
        manager.grantRole(GOVERNOR_ROLE, address(this), 0);
        for (uint256 m = 0; m < MARKETS; ++m) vault.setMarketLimit(m, 50_000e6);
    }

    // ================================================================ actions

    function deposit(uint256 actorSeed, uint256 amount) external {
        address actor = actorAt(actorSeed);
        amount = _bound(amount, 1, 1_000_000e6);
        usdc.mint(actor, amount);
        VM.startPrank(actor);
        usdc.approve(address(vault), amount);
        vault.deposit(amount, actor);
        VM.stopPrank();
    }

    function requestRedeem(uint256 actorSeed, uint256 shares) external {
        address actor = actorAt(actorSeed);
        uint256 balance = vault.balanceOf(actor);
        if (_lapsed(actor)) balance += vault.redeemRequest(actor).shares;
        if (balance == 0) return;
        shares = _bound(shares, 1, balance);
        VM.prank(actor);
        vault.requestRedeem(shares, actor, actor);
        ++requests;
    }

    function claim(uint256 actorSeed, uint256 amount, bool byAssets) external {
        address actor = actorAt(actorSeed);
        RedeemRequestState memory request = vault.redeemRequest(actor);
        ClaimObservation memory seen = ClaimObservation({
            paid: 0,
            shares: 0,
            requestAssets: request.assets,
            requestShares: request.shares,
            totalAssets: vault.totalAssets(),
            totalSupply: vault.totalSupply()
        });
        if (byAssets) {
            uint256 max = vault.maxWithdraw(actor);
            if (max == 0) return;
            seen.paid = _bound(amount, 1, max);
            VM.prank(actor);
            seen.shares = vault.withdraw(seen.paid, actor, actor);
        } else {
            uint256 max = vault.maxRedeem(actor);
            if (max == 0) return;
            seen.shares = _bound(amount, 1, max);
            VM.prank(actor);
            seen.paid = vault.redeem(seen.shares, actor, actor);
        }
        ++claims;
        if (!_bst04Holds(seen) && bst04Violations++ == 0) _badClaim = seen;
    }

    function reclaim(uint256 actorSeed) external {
        address actor = actorAt(actorSeed);
        if (_lapsed(actor)) vault.reclaimLapsed(actor);
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 shares) external {
        address from = actorAt(fromSeed);
        uint256 balance = vault.balanceOf(from);
        if (balance == 0) return;
        VM.prank(from);
        vault.transfer(actorAt(toSeed), _bound(shares, 1, balance));
    }

    function cover(uint256 marketSeed, uint256 amount) external {
        uint256 marketId = marketSeed % MARKETS;
        uint256 assetsBefore = vault.totalAssets();
        vault.cover(marketId, _bound(amount, 0, 200_000e6));
        (uint256 limit, uint256 paid) = vault.marketLimit(marketId);
        CoverObservation memory seen = CoverObservation({
            assetsBefore: assetsBefore,
            assetsAfter: vault.totalAssets(),
            minimumAssets: vault.terms().minimumAssets,
            limit: limit,
            paidAfter: paid
        });
        ++covers;
        if (!_bst03Holds(seen) && bst03Violations++ == 0) _badCover = seen;
    }

    function raiseLimit(uint256 marketSeed, uint256 raise) external {
        uint256 marketId = marketSeed % MARKETS;
        (uint256 limit, ) = vault.marketLimit(marketId);
        vault.setMarketLimit(marketId, uint128(limit + _bound(raise, 0, 100_000e6)));
    }

    function notifyIncome(uint256 amount) external {
        amount = _bound(amount, 0, 100_000e6);
        usdc.mint(address(vault), amount);
        vault.notifyIncome(amount);
    }

    function donate(uint256 amount) external {
        usdc.mint(address(vault), _bound(amount, 1, 100_000e6));
    }

    function sweep() external {
        vault.sweepDonations();
    }

    function warp(uint256 seconds_) external {
        clock += _bound(seconds_, 1, 3 days);
        VM.warp(clock);
    }

    // ================================================================ views

    function actorAt(uint256 seed) public pure returns (address) {
        return address(uint160(0xA1 + (seed % ACTORS)));
    }

    /// @notice The actors' shares (the only holders besides the vault).
    function holdersShares() external view returns (uint256 sum) {
        for (uint256 i = 0; i < ACTORS; ++i) sum += vault.balanceOf(actorAt(i));
    }

    function badCover() external view returns (CoverObservation memory) {
        return _badCover;
    }

    function badClaim() external view returns (ClaimObservation memory) {
        return _badClaim;
    }

    function _lapsed(address actor) internal view returns (bool) {
        return
            vault.redeemRequest(actor).shares != 0 &&
            vault.pendingRedeemRequest(0, actor) == 0 &&
            vault.claimableRedeemRequest(0, actor) == 0;
    }
}
