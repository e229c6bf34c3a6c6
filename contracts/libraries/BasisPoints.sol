// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title BasisPoints
/// @notice Shares of an amount in basis points (1 bp = 0.01 %, 10,000 = 100 %), each rounding named.
library BasisPoints {
    /// @notice 100 %.
    uint256 internal constant MAX_BPS = 10_000;

    /// @notice `amount * bps / 10_000`, rounded down (favours whoever keeps the rest).
    function mulBpsDown(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return (amount * bps) / MAX_BPS;
    }

    /// @notice `amount * bps / 10_000`, rounded up (favours whoever receives the share).
    function mulBpsUp(uint256 amount, uint256 bps) internal pure returns (uint256) {
        uint256 product = amount * bps;
        // Cannot underflow: the subtraction only runs when `product` is non-zero.
        unchecked {
            return product == 0 ? 0 : (product - 1) / MAX_BPS + 1;
        }
    }
}
