// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title InflatingToken
/// @notice A broken 6-decimal token: every transfer between two holders also mints one extra unit to the recipient,
/// so the supply grows without anyone minting. The conservation invariant (CONS-01) must catch it. For tests only.
contract InflatingToken is ERC20 {
    constructor() ERC20("Inflating Token", "INFL") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && to != address(0)) super._update(address(0), to, 1);
    }
}
