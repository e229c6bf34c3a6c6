// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A backstop that passes the fund's checks when it is set (`fund()`, `asset()`) and then fails: its
/// `coverable` and `cover` revert, or its `cover` claims to have paid without paying. The fund must neither revert
/// a liquidation nor count what did not arrive.
contract RevertingBackstop {
    error RevertingBackstopRefused();

    address public immutable fund;
    address public immutable asset;
    /// @notice true: `cover` and `coverable` revert; false: `cover` returns `amount` and pays nothing.
    bool public reverts = true;

    constructor(address fund_, address asset_) {
        fund = fund_;
        asset = asset_;
    }

    function setReverts(bool reverts_) external {
        reverts = reverts_;
    }

    function coverable(uint256) external view returns (uint256) {
        if (reverts) revert RevertingBackstopRefused();
        return type(uint128).max;
    }

    function cover(uint256, uint256 amount) external view returns (uint256) {
        if (reverts) revert RevertingBackstopRefused();
        return amount;
    }
}
