// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BackstopTerms} from "../../interfaces/IBackstopVault.sol";
import {BackstopChecks} from "./BackstopChecks.sol";
import {BackstopHandler} from "./BackstopHandler.sol";

/// @title BackstopInvariantsTest
/// @notice BST-01..04 (InvariantsSpec) over random sequences of the handler's actions on the real vault; the broken
/// vault's tests (BrokenBackstop.t.sol) show that each check can fail.
contract BackstopInvariantsTest is BackstopChecks {
    BackstopHandler internal handler;

    function setUp() public {
        // A short cooldown and window, so that requests are claimed and lapse within a campaign.
        BackstopTerms memory terms = BackstopTerms({
            cooldown: 2 days,
            window: 1 days,
            streamPeriod: 3 days,
            exitCapBps: 2_000,
            minimumAssets: 10_000e6
        });
        handler = new BackstopHandler(terms);
        handler.deposit(0, 100_000e6);
        handler.deposit(1, 50_000e6);
    }

    /// @notice The fuzzer calls the handler only.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_BST_01_tokensCoverAssets() external view {
        checkBst01(
            handler.usdc().balanceOf(address(handler.vault())),
            handler.vault().totalAssets(),
            handler.vault().unvestedIncome()
        );
    }

    function invariant_BST_02_sharesSumToSupply() external view {
        checkBst02(
            handler.holdersShares(),
            handler.vault().balanceOf(address(handler.vault())),
            handler.vault().lockedShares(),
            handler.vault().totalSupply()
        );
    }

    function invariant_BST_03_coverAboveMinimum() external view {
        if (handler.bst03Violations() != 0) checkBst03(handler.badCover());
    }

    function invariant_BST_04_leaverGetsTheSmallerValue() external view {
        if (handler.bst04Violations() != 0) checkBst04(handler.badClaim());
    }
}
