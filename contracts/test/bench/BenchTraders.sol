// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IReferenceExchange} from "../../interfaces/IReferenceExchange.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";

/// @title BenchTrader
/// @notice One trader account of the gas benchmark (scripts/lib/bench/). Its constructor mints itself collateral,
/// deposits it and opens a position through the exchange's own external functions, as `msg.sender`: the
/// position is an account's like any other. Benchmarks only.
contract BenchTrader {
    /// @param exchange The reference exchange.
    /// @param token The exchange's quote token, a mock anyone can mint.
    /// @param marketId A listed market.
    /// @param collateral Deposited, quote units.
    /// @param sizeWad Traded, signed 18-decimal base.
    constructor(IReferenceExchange exchange, MockUSDC token, uint256 marketId, uint256 collateral, int256 sizeWad) {
        token.mint(address(this), collateral);
        token.approve(address(exchange), collateral);
        exchange.deposit(marketId, collateral);
        exchange.trade(marketId, sizeWad);
    }
}

/// @title BenchTraderFactory
/// @notice Creates `BenchTrader`s, many per transaction, so that the benchmark can open 10,000 positions in a
/// few hundred blocks instead of 20,000 (the in-process chain's time per block grows with its state). Every
/// position still goes through the exchange's `deposit` and `trade`. Trader `k` (from 1) is at this
/// contract's CREATE address for nonce `k`. Benchmarks only.
contract BenchTraderFactory {
    /// @notice Creates `count` traders, each depositing `collateral` and trading `sizeWad`.
    function create(
        IReferenceExchange exchange,
        MockUSDC token,
        uint256 marketId,
        uint256 collateral,
        int256 sizeWad,
        uint256 count
    ) external {
        for (uint256 i; i < count; ++i) {
            new BenchTrader(exchange, token, marketId, collateral, sizeWad);
        }
    }
}
