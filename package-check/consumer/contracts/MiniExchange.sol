// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FeeKind} from "perp-insurance/contracts/interfaces/IFeePolicy.sol";
import {IInsuranceFund} from "perp-insurance/contracts/interfaces/IInsuranceFund.sol";
import {BankruptcyClaim, BankruptcyCover} from "perp-insurance/contracts/interfaces/IInsuranceVault.sol";

/// @notice A consumer's own exchange, as small as an integration gets: it imports only the package's interfaces,
/// hands in trading fees, reports its open interest and claims a bankrupt position's shortfall.
contract MiniExchange {
    IInsuranceFund public immutable fund;
    IERC20 public immutable quote;
    uint256 public immutable marketId;
    uint256 public openInterest;
    BankruptcyCover public lastCover;

    constructor(IInsuranceFund fund_, uint256 marketId_) {
        fund = fund_;
        quote = fund_.quoteToken();
        marketId = marketId_;
        quote.approve(address(fund_), type(uint256).max);
    }

    /// @notice A trade of `notional` paying `fee` (pulled from the trader).
    function trade(uint256 notional, uint256 fee) external {
        quote.transferFrom(msg.sender, address(this), fee);
        fund.collectFee(marketId, FeeKind.TradingFee, fee);
        openInterest += notional;
        fund.recordOpenInterest(marketId, openInterest);
    }

    /// @notice Closes `account`'s bankrupt position of `notional`, `shortfall` short; the caller liquidated it and
    /// is paid the capped reward by the exchange, which the fund pays back.
    function liquidateBankrupt(address account, uint256 notional, uint256 shortfall, uint256 reward) external {
        openInterest -= notional;
        fund.recordOpenInterest(marketId, openInterest);
        BankruptcyCover memory cover = fund.coverBankruptcy(
            marketId,
            BankruptcyClaim({
                account: account,
                shortfall: shortfall,
                liquidator: msg.sender,
                reward: reward,
                liquidatedNotional: notional,
                openBase: 0
            })
        );
        lastCover = cover;
        quote.transfer(msg.sender, cover.reward);
    }
}
