// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title NaiveBackstopVault
/// @notice The backstop as a plain ERC-4626 would build it: no decimals offset, `totalAssets` is the token balance,
/// redemption is immediate, income is a plain transfer and a cover takes what the fund asks for. The attack tests
/// (test/backstop/attacks.ts) show each attack succeeding here and failing on `BackstopVault`. For tests only.
contract NaiveBackstopVault is ERC4626 {
    using SafeERC20 for IERC20;

    error NaiveBackstopVaultNotFund(address caller);

    address public immutable fund;

    constructor(IERC20 asset_, address fund_) ERC20("Naive backstop", "nbUSDC") ERC4626(asset_) {
        fund = fund_;
    }

    /// @dev Shares at the pro-rata price, the first deposit 1:1: no virtual shares or assets.
    function _convertToShares(uint256 assets, Math.Rounding rounding) internal view override returns (uint256) {
        uint256 supply = totalSupply();
        return supply == 0 ? assets : Math.mulDiv(assets, supply, totalAssets(), rounding);
    }

    function _convertToAssets(uint256 shares, Math.Rounding rounding) internal view override returns (uint256) {
        uint256 supply = totalSupply();
        return supply == 0 ? shares : Math.mulDiv(shares, totalAssets(), supply, rounding);
    }

    /// @notice Pays the fund up to `amount` at once.
    function cover(uint256 amount) external returns (uint256 paid) {
        if (msg.sender != fund) revert NaiveBackstopVaultNotFund(msg.sender);
        paid = Math.min(amount, IERC20(asset()).balanceOf(address(this)));
        IERC20(asset()).safeTransfer(fund, paid);
    }
}
