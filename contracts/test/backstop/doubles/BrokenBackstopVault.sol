// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BackstopVault} from "../../../backstop/BackstopVault.sol";
import {BackstopTerms, RedeemRequestState} from "../../../interfaces/IBackstopVault.sol";

/// @title BrokenBackstopVault
/// @notice The real vault with one deliberate bug chosen at deployment (honest with `Bug.None`): the broken-invariant
/// tests run it and feed what it shows to the BST checks, to prove that each check catches its bug. For tests only.
contract BrokenBackstopVault is BackstopVault {
    enum Bug {
        None,
        /// BST-01: a cover or a claim pays out tokens without debiting the assets.
        DebitsNothing,
        /// BST-02: a request counts the shares as locked but leaves them with their owner.
        LocksNothing,
        /// BST-03: a cover ignores the minimum of assets.
        IgnoresMinimum,
        /// BST-04: a claim pays the value at the request even after a loss.
        PaysRequestValue
    }

    Bug public immutable bug;

    constructor(
        IERC20 asset_,
        address authority,
        address fund_,
        BackstopTerms memory initialTerms,
        Bug bug_
    ) BackstopVault(asset_, authority, fund_, "Broken backstop", "bbUSDC", initialTerms) {
        bug = bug_;
    }

    function coverable(uint256 marketId) public view override returns (uint256) {
        if (bug != Bug.IgnoresMinimum) return super.coverable(marketId);
        (uint256 limit, uint256 paid) = this.marketLimit(marketId);
        return Math.min(totalAssets(), limit - paid);
    }

    function _debit(uint256 amount) internal override {
        if (bug != Bug.DebitsNothing) super._debit(amount);
    }

    function _lock(address owner, uint256 shares) internal override {
        if (bug != Bug.LocksNothing) super._lock(owner, shares);
    }

    function _exitPrice(
        RedeemRequestState storage request
    ) internal view override returns (uint256 priceAssets, uint256 priceShares) {
        if (bug == Bug.PaysRequestValue) return (request.assets, request.shares);
        return super._exitPrice(request);
    }
}
