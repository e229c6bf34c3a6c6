// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Waterfall} from "../../libraries/Waterfall.sol";

/// @title WaterfallHarness
/// @notice Exposes the pure `Waterfall` steps as external calls. Tests only.
contract WaterfallHarness {
    /// @notice `Waterfall.run(input)`.
    function run(Waterfall.Input calldata input) external pure returns (Waterfall.Result memory) {
        return Waterfall.run(input);
    }
}
