// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {InvariantsSpec} from "../invariants/InvariantsSpec.sol";

/// @title BackstopChecks
/// @notice The checks of BST-01..04 as functions of observed values only: the invariant campaign feeds them what the
/// real vault shows, the broken-vault tests what a deliberately broken vault shows. A check reverts with
/// `InvariantViolated(id and sentence)`; the per-event ones (BST-03, BST-04) also come as a predicate that the
/// handler uses to count violations as they happen.
abstract contract BackstopChecks is InvariantsSpec {
    /// @notice An invariant did not hold; `invariant` is its id and sentence.
    error InvariantViolated(string invariant);

    /// @dev ERC-4626's virtual shares with the vault's 6-decimal offset.
    uint256 internal constant VIRTUAL_SHARES = 1e6;

    /// @notice What one cover showed: the assets before and after, the minimum, the market's limit and paid after.
    struct CoverObservation {
        uint256 assetsBefore;
        uint256 assetsAfter;
        uint256 minimumAssets;
        uint256 limit;
        uint256 paidAfter;
    }

    /// @notice What one claim showed: what it paid for how many shares, the request before it, the vault before it.
    struct ClaimObservation {
        uint256 paid;
        uint256 shares;
        uint256 requestAssets;
        uint256 requestShares;
        uint256 totalAssets;
        uint256 totalSupply;
    }

    function checkBst01(uint256 tokens, uint256 totalAssets, uint256 unvested) public pure {
        if (tokens < totalAssets + unvested) revert InvariantViolated(BST_01);
    }

    function checkBst02(uint256 holders, uint256 vaultShares, uint256 locked, uint256 supply) public pure {
        if (holders + locked != supply || vaultShares != locked) revert InvariantViolated(BST_02);
    }

    function checkBst03(CoverObservation memory cover) public pure {
        if (!_bst03Holds(cover)) revert InvariantViolated(BST_03);
    }

    function checkBst04(ClaimObservation memory claim) public pure {
        if (!_bst04Holds(claim)) revert InvariantViolated(BST_04);
    }

    function _bst03Holds(CoverObservation memory cover) internal pure returns (bool) {
        uint256 floor = Math.min(cover.assetsBefore, cover.minimumAssets);
        return cover.assetsAfter >= floor && cover.paidAfter <= cover.limit;
    }

    function _bst04Holds(ClaimObservation memory claim) internal pure returns (bool) {
        if (claim.shares == 0) return claim.paid == 0;
        uint256 atRequest = Math.mulDiv(claim.shares, claim.requestAssets, claim.requestShares);
        uint256 atExit = Math.mulDiv(claim.shares, claim.totalAssets + 1, claim.totalSupply + VIRTUAL_SHARES);
        return claim.paid <= Math.min(atRequest, atExit);
    }
}
