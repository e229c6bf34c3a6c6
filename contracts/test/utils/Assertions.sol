// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Assertions
/// @notice The few assertions and input shapers the Solidity tests share (no forge-std in this repository).
abstract contract Assertions {
    /// @notice An assertion named `what` failed: `actual` is not what was `expected` (or the bound it broke).
    error AssertionFailed(string what, uint256 actual, uint256 expected);

    function _assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailed(what, actual, expected);
    }

    function _assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what, 0, 1);
    }

    function _assertLe(uint256 actual, uint256 bound, string memory what) internal pure {
        if (actual > bound) revert AssertionFailed(what, actual, bound);
    }

    function _assertGe(uint256 actual, uint256 bound, string memory what) internal pure {
        if (actual < bound) revert AssertionFailed(what, actual, bound);
    }

    /// @notice `x` mapped into `[min, max]` (inclusive) without rejecting inputs.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min == 0 && max == type(uint256).max) return x;
        return min + (x % (max - min + 1));
    }

    /// @notice Whether `a * b <= c * d + e`, computed on 512 bits (no product can overflow).
    function _mulLeMulAdd(uint256 a, uint256 b, uint256 c, uint256 d, uint256 e) internal pure returns (bool) {
        (uint256 leftHigh, uint256 leftLow) = Math.mul512(a, b);
        (uint256 rightHigh, uint256 rightLow) = Math.mul512(c, d);
        uint256 sumLow;
        // Wraps on purpose: the carry is recovered from the comparison below.
        unchecked {
            sumLow = rightLow + e;
        }
        if (sumLow < rightLow) {
            // A carry out of the right side's 512 bits means it exceeds every left side.
            if (rightHigh == type(uint256).max) return true;
            ++rightHigh;
        }
        return leftHigh < rightHigh || (leftHigh == rightHigh && leftLow <= sumLow);
    }
}
