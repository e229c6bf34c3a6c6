// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BankruptcyClaim, BankruptcyCover, MarketInfo} from "../../../interfaces/IInsuranceVault.sol";

/// @title UnisolatedFund
/// @notice The open-interest and bad-debt books of the fund as they were on commit 834b281: no per-market
/// open-interest cap, the platform's open interest and total bad debt kept in 128 bits, so one market's report or
/// claim can leave no room for another's. Nothing is paid (an empty fund). The ISO-01 broken-invariant test drives it
/// with a rogue market's sequence and feeds what it shows to the check. For tests only.
/// @dev Function names and signatures follow `IInsuranceFund` where they exist there, so the same probes run on it.
contract UnisolatedFund {
    error UnisolatedFundAmountTooLarge(uint256 amount);
    error UnisolatedFundNotExchange(uint256 marketId, address caller);

    mapping(uint256 marketId => address) private _exchange;
    mapping(uint256 marketId => uint128) private _openInterest;
    mapping(uint256 marketId => uint128) private _badDebt;
    uint128 private _totalOpenInterest;
    uint128 private _totalBadDebt;

    /// @param exchanges The exchange of market 1, 2, ...
    constructor(address[] memory exchanges) {
        for (uint256 i; i < exchanges.length; ++i) {
            _exchange[i + 1] = exchanges[i];
        }
    }

    modifier onlyExchange(uint256 marketId) {
        if (msg.sender != _exchange[marketId]) revert UnisolatedFundNotExchange(marketId, msg.sender);
        _;
    }

    /// @notice 834b281: the new total must fit 128 bits, whichever market pushed it there.
    function recordOpenInterest(uint256 marketId, uint256 openInterest) external onlyExchange(marketId) {
        uint256 total = uint256(_totalOpenInterest) - _openInterest[marketId] + _toAmount(openInterest);
        _totalOpenInterest = _toAmount(total);
        _openInterest[marketId] = uint128(openInterest);
    }

    /// @notice The whole shortfall is socialized over an open base, or else becomes bad debt, summed in 128 bits.
    function coverBankruptcy(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external onlyExchange(marketId) returns (BankruptcyCover memory cover) {
        uint128 shortfall = _toAmount(claim.shortfall);
        if (claim.openBase != 0) {
            cover.socialized = shortfall;
            return cover;
        }
        _badDebt[marketId] = _toAmount(uint256(_badDebt[marketId]) + shortfall);
        _totalBadDebt = _toAmount(uint256(_totalBadDebt) + shortfall);
        cover.badDebt = shortfall;
    }

    function totalOpenInterest() external view returns (uint256) {
        return _totalOpenInterest;
    }

    function totalBadDebt() external view returns (uint256) {
        return _totalBadDebt;
    }

    /// @notice The market's exchange, open interest and bad debt (no cap: `openInterestCap` reads 0).
    function market(uint256 marketId) external view returns (MarketInfo memory info) {
        info.exchange = _exchange[marketId];
        info.openInterest = _openInterest[marketId];
        info.badDebt = _badDebt[marketId];
    }

    function _toAmount(uint256 amount) private pure returns (uint128) {
        if (amount > type(uint128).max) revert UnisolatedFundAmountTooLarge(amount);
        return uint128(amount);
    }
}
