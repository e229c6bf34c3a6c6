// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken
/// @notice A hostile 6-decimal token: on every transfer it calls back into a target with preset calldata
/// (for example the insurance fund's `coverBankruptcy` or `sweepSurplus`) and records whether the call
/// went through. For tests only.
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;
    bool private _armed;

    /// @notice Whether the last attack call succeeded, and what it returned or reverted with.
    bool public lastAttackSucceeded;
    bytes public lastAttackResult;
    uint256 public attackCount;

    constructor() ERC20("Reentrant Token", "EVIL") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Calls `target` with `payload` on the next transfers until disarmed.
    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
        _armed = true;
    }

    /// @notice Stops attacking.
    function disarm() external {
        _armed = false;
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_armed && from != address(0)) {
            _armed = false; // one attack per arming, so the attack cannot recurse on itself
            ++attackCount;
            // solhint-disable-next-line avoid-low-level-calls
            (lastAttackSucceeded, lastAttackResult) = _target.call(_payload);
        }
    }
}
