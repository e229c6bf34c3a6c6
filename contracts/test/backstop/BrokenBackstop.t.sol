// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

import {BackstopTerms, RedeemRequestState} from "../../interfaces/IBackstopVault.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";
import {VM} from "../utils/Vm.sol";
import {BackstopChecks} from "./BackstopChecks.sol";
import {BrokenBackstopVault} from "./doubles/BrokenBackstopVault.sol";

/// @title BrokenBackstopTest
/// @notice Every BST invariant can fail: each test runs one story on the honest vault, whose observation must pass the
/// check, and on a vault with the matching bug, whose observation the same check must reject with that id.
contract BrokenBackstopTest is BackstopChecks {
    uint64 internal constant GOVERNOR_ROLE = 1;
    uint256 internal constant MARKET_ID = 1;
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB1);

    MockUSDC internal usdc;
    AccessManager internal manager;
    /// @dev Our own clock: under viaIR a `block.timestamp` read after a warp may be stale.
    uint256 internal clock = 1_700_000_000;

    function setUp() public {
        VM.warp(clock);
        usdc = new MockUSDC();
        manager = new AccessManager(address(this));
        manager.grantRole(GOVERNOR_ROLE, address(this), 0);
    }

    function test_BST_01_catchesCoverNotDebited() external {
        (uint256 tokens, uint256 assets, uint256 unvested) = _coverTokens(BrokenBackstopVault.Bug.None);
        this.checkBst01(tokens, assets, unvested);
        (tokens, assets, unvested) = _coverTokens(BrokenBackstopVault.Bug.DebitsNothing);
        _expectViolation(BST_01);
        this.checkBst01(tokens, assets, unvested);
    }

    function test_BST_02_catchesSharesNotLocked() external {
        (uint256 holders, uint256 held, uint256 locked, uint256 supply) = _request(BrokenBackstopVault.Bug.None);
        this.checkBst02(holders, held, locked, supply);
        (holders, held, locked, supply) = _request(BrokenBackstopVault.Bug.LocksNothing);
        _expectViolation(BST_02);
        this.checkBst02(holders, held, locked, supply);
    }

    function test_BST_03_catchesMinimumIgnored() external {
        this.checkBst03(_coverAll(BrokenBackstopVault.Bug.None));
        CoverObservation memory broken = _coverAll(BrokenBackstopVault.Bug.IgnoresMinimum);
        _expectViolation(BST_03);
        this.checkBst03(broken);
    }

    function test_BST_04_catchesRequestValuePaidAfterALoss() external {
        this.checkBst04(_claimAfterLoss(BrokenBackstopVault.Bug.None));
        ClaimObservation memory broken = _claimAfterLoss(BrokenBackstopVault.Bug.PaysRequestValue);
        _expectViolation(BST_04);
        this.checkBst04(broken);
    }

    // ================================================================ stories

    function _deploy(BrokenBackstopVault.Bug bug) internal returns (BrokenBackstopVault vault) {
        BackstopTerms memory terms = BackstopTerms({
            cooldown: 10 days,
            window: 2 days,
            streamPeriod: 7 days,
            exitCapBps: 10_000,
            minimumAssets: 1_000e6
        });
        vault = new BrokenBackstopVault(usdc, address(manager), address(this), terms, bug);
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = vault.setMarketLimit.selector;
        manager.setTargetFunctionRole(address(vault), selectors, GOVERNOR_ROLE);
        vault.setMarketLimit(MARKET_ID, 1_000_000e6);
        _deposit(vault, ALICE, 10_000e6);
        _deposit(vault, BOB, 10_000e6);
    }

    function _deposit(BrokenBackstopVault vault, address who, uint256 amount) internal {
        usdc.mint(who, amount);
        VM.startPrank(who);
        usdc.approve(address(vault), amount);
        vault.deposit(amount, who);
        VM.stopPrank();
    }

    function _coverTokens(BrokenBackstopVault.Bug bug) internal returns (uint256, uint256, uint256) {
        BrokenBackstopVault vault = _deploy(bug);
        vault.cover(MARKET_ID, 5_000e6);
        return (usdc.balanceOf(address(vault)), vault.totalAssets(), vault.unvestedIncome());
    }

    function _request(BrokenBackstopVault.Bug bug) internal returns (uint256, uint256, uint256, uint256) {
        BrokenBackstopVault vault = _deploy(bug);
        uint256 shares = vault.balanceOf(ALICE) / 2;
        VM.prank(ALICE);
        vault.requestRedeem(shares, ALICE, ALICE);
        uint256 holders = vault.balanceOf(ALICE) + vault.balanceOf(BOB);
        return (holders, vault.balanceOf(address(vault)), vault.lockedShares(), vault.totalSupply());
    }

    function _coverAll(BrokenBackstopVault.Bug bug) internal returns (CoverObservation memory seen) {
        BrokenBackstopVault vault = _deploy(bug);
        seen.assetsBefore = vault.totalAssets();
        vault.cover(MARKET_ID, type(uint256).max);
        seen.assetsAfter = vault.totalAssets();
        seen.minimumAssets = vault.terms().minimumAssets;
        (seen.limit, seen.paidAfter) = vault.marketLimit(MARKET_ID);
    }

    function _claimAfterLoss(BrokenBackstopVault.Bug bug) internal returns (ClaimObservation memory seen) {
        BrokenBackstopVault vault = _deploy(bug);
        uint256 shares = vault.balanceOf(ALICE);
        VM.prank(ALICE);
        vault.requestRedeem(shares, ALICE, ALICE);
        vault.cover(MARKET_ID, 8_000e6);
        clock += 10 days;
        VM.warp(clock);
        RedeemRequestState memory request = vault.redeemRequest(ALICE);
        seen.requestAssets = request.assets;
        seen.requestShares = request.shares;
        seen.totalAssets = vault.totalAssets();
        seen.totalSupply = vault.totalSupply();
        seen.shares = shares;
        VM.prank(ALICE);
        seen.paid = vault.redeem(shares, ALICE, ALICE);
    }

    function _expectViolation(string memory invariant) internal {
        VM.expectRevert(abi.encodeWithSelector(InvariantViolated.selector, invariant));
    }
}
