// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BrokenDeferralFund
/// @notice A toy of the deferred fee pull with the real one's rules in a few lines (a fee split half and half, the
/// fund's half rounded up, booked as the exchange's debt within the cap, the whole debt pulled past it or by anyone),
/// and one deliberate bug chosen at deployment. Honest with `Bug.None`. For the DEFER-01 broken-invariant test only.
contract BrokenDeferralFund {
    enum Bug {
        None,
        /// DEFER-01: a booked fee is credited to the balance and the treasury's accrual before it arrives.
        CreditsWhenBooking
    }

    error BrokenDeferralFundNotExchange(address caller);

    Bug public immutable bug;
    IERC20 public immutable token;
    address public immutable exchange;
    uint256 public immutable cap;

    uint256 public fundBalance;
    uint256 public treasuryAccrued;
    uint256 public debtFund;
    uint256 public debtTreasury;
    /// @dev The ghosts DEFER-01 reads: booked, received.
    uint256 public booked;
    uint256 public received;

    constructor(Bug bug_, IERC20 token_, address exchange_, uint256 cap_) {
        bug = bug_;
        token = token_;
        exchange = exchange_;
        cap = cap_;
    }

    /// @notice The exchange hands in a fee: booked within the cap, else the whole debt and the fee are pulled.
    function settleTrade(uint256 fee) external {
        if (msg.sender != exchange) revert BrokenDeferralFundNotExchange(msg.sender);
        uint256 fundPart = Math.ceilDiv(fee, 2);
        uint256 treasuryPart = fee - fundPart;
        if (debtFund + debtTreasury + fee <= cap) {
            debtFund += fundPart;
            debtTreasury += treasuryPart;
            booked += fee;
            if (bug == Bug.CreditsWhenBooking) _credit(fundPart, treasuryPart);
            return;
        }
        uint256 owed = debtFund + debtTreasury;
        _credit(debtFund + fundPart, debtTreasury + treasuryPart);
        (debtFund, debtTreasury) = (0, 0);
        received += owed;
        token.transferFrom(exchange, address(this), owed + fee);
    }

    /// @notice Anyone pulls the debt.
    function pullDeferredFees() external returns (uint256 amount) {
        amount = debtFund + debtTreasury;
        if (bug == Bug.None) _credit(debtFund, debtTreasury);
        (debtFund, debtTreasury) = (0, 0);
        received += amount;
        token.transferFrom(exchange, address(this), amount);
    }

    function _credit(uint256 fundPart, uint256 treasuryPart) private {
        fundBalance += fundPart;
        treasuryAccrued += treasuryPart;
    }
}
