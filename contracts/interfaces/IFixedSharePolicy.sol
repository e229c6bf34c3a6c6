// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IFeePolicy} from "./IFeePolicy.sol";

/// @title IFixedSharePolicy
/// @notice Spark's fee split: a fixed share of every trading fee and of every liquidation penalty goes to the
/// insurance fund (50 % and 50 % in Spark), whatever the fund's state; the rest goes to the treasury. The
/// fund's part is rounded up, so the odd unit of an odd amount goes to the fund. One band only: `band` is 0.
interface IFixedSharePolicy is IFeePolicy {
    /// @notice The policy was deployed with these shares (they never change).
    /// @param tradingFeeShareBps The fund's share of each trading fee, in bps.
    /// @param penaltyShareBps The fund's share of each liquidation penalty, in bps.
    event FixedSharePolicyConfigured(uint16 tradingFeeShareBps, uint16 penaltyShareBps);

    /// @notice A share in basis points is above 10,000.
    error FixedSharePolicyBpsOutOfBounds(uint256 bps);

    /// @notice The fund's share of each trading fee, in bps.
    function tradingFeeShareBps() external view returns (uint16);

    /// @notice The fund's share of each liquidation penalty, in bps.
    function penaltyShareBps() external view returns (uint16);
}
