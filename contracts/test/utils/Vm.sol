// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Vm
/// @notice The few cheatcodes of the Solidity test runner (forge-std's `Vm` subset, same ABI) that the tests use.
/// There is no forge-std in this repository: declare here any other cheatcode a test needs.
// solhint-disable-next-line interface-starts-with-i
interface Vm {
    /// @notice A log recorded after `recordLogs`.
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    /// @notice Sets `block.timestamp`.
    function warp(uint256 newTimestamp) external;

    /// @notice Discards the current fuzz input unless `condition` holds.
    function assume(bool condition) external;

    /// @notice The next call is made with `msg.sender == sender`.
    function prank(address sender) external;

    /// @notice Every call until `stopPrank` is made with `msg.sender == sender`.
    function startPrank(address sender) external;

    /// @notice Ends `startPrank`.
    function stopPrank() external;

    /// @notice The next call must revert with exactly this selector (no arguments).
    function expectRevert(bytes4 revertData) external;

    /// @notice The next call must revert with exactly this data.
    function expectRevert(bytes calldata revertData) external;

    /// @notice Starts recording every log emitted from now on.
    function recordLogs() external;

    /// @notice The logs recorded since `recordLogs` or the last call to this (which clears them).
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @dev The cheatcode address: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
Vm constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
