// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BasisPoints
/// @notice Shares of an amount in basis points (1 bp = 0.01 %, 10,000 = 100 %), each rounding named.
/// @dev Exact for every `amount`: the product is taken on 512 bits, so `amount * bps` may exceed `uint256` as long
/// as the result does not (it never does for `bps <= MAX_BPS`; above that the call reverts rather than wrap).
library BasisPoints {
    /// @notice 100 %.
    uint256 internal constant MAX_BPS = 10_000;

    /// @notice `amount * bps / 10_000`, rounded down (favours whoever keeps the rest).
    function mulBpsDown(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return Math.mulDiv(amount, bps, MAX_BPS);
    }

    /// @notice `amount * bps / 10_000`, rounded up (favours whoever receives the share).
    function mulBpsUp(uint256 amount, uint256 bps) internal pure returns (uint256) {
        uint256 down = mulBpsDown(amount, bps);
        // The ceiling is the floor plus one unless the division is exact. The `+ 1` stays checked: with
        // `bps > MAX_BPS` the floor can be `type(uint256).max` and the ceiling one above it.
        return mulmod(amount, bps, MAX_BPS) == 0 ? down : down + 1;
    }
}
