// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The few cheatcodes the Solidity tests use (no forge-std in this repository). Named `Vm` as in forge-std.
// solhint-disable-next-line interface-starts-with-i
interface Vm {
    function warp(uint256) external;
    function assume(bool) external;
    function prank(address) external;
    function expectRevert(bytes4) external;
    function expectRevert(bytes calldata) external;
}

/// @dev The cheatcode address: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
Vm constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
