// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DualEntryToken
/// @notice A 6-decimal token with a second address that moves the same balances (legacy TUSD style): calling
/// `transfer` on its `secondEntry` moves this token. For tests only.
contract DualEntryToken is ERC20 {
    DualEntryForwarder public immutable secondEntry;

    error DualEntryTokenNotSecondEntry(address caller);

    constructor() ERC20("Dual Entry USD", "DUSD") {
        secondEntry = new DualEntryForwarder(this);
    }

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice The second entry point's transfer: moves `amount` of this token from `from` to `to`.
    function forwardTransfer(address from, address to, uint256 amount) external {
        if (msg.sender != address(secondEntry)) revert DualEntryTokenNotSecondEntry(msg.sender);
        _transfer(from, to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}

/// @notice The second address of `DualEntryToken`: its balances and transfers are the token's own.
contract DualEntryForwarder {
    DualEntryToken private immutable _token;

    constructor(DualEntryToken token) {
        _token = token;
    }

    function balanceOf(address account) external view returns (uint256) {
        return _token.balanceOf(account);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _token.forwardTransfer(msg.sender, to, amount);
        return true;
    }
}
