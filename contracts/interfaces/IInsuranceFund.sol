// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IFeeSplitter} from "./IFeeSplitter.sol";
import {IFundBackstop} from "./IFundBackstop.sol";
import {IInsuranceVault} from "./IInsuranceVault.sol";
import {IMarketLifecycle} from "./IMarketLifecycle.sol";
import {IOpenInterestTracker} from "./IOpenInterestTracker.sol";
import {IPayoutLimits} from "./IPayoutLimits.sol";
import {ISocializedLossLedger} from "./ISocializedLossLedger.sol";

/// @title IInsuranceFund
/// @notice Everything an exchange integrates against, at one address:
/// - on every trade: `collectFee(marketId, TradingFee, fee)` and `recordOpenInterest(marketId, oi)`;
/// - on every liquidation: `collectFee(marketId, LiquidationPenalty, penalty)`, and for a bankrupt account
///   `coverBankruptcy(marketId, claim)`;
/// - on every position touch: `positionLoss(marketId, absBase, settledIndex)` before the size changes.
/// Governance registers markets (`IInsuranceVault`), runs their lifecycle (`IMarketLifecycle`) and limits the
/// rate of payouts (`IPayoutLimits`); anyone pays pending claims as the limits refill. A staked backstop may
/// stand behind the fund (`IFundBackstop`).
// solhint-disable-next-line no-empty-blocks
interface IInsuranceFund is
    IInsuranceVault,
    IFeeSplitter,
    IOpenInterestTracker,
    ISocializedLossLedger,
    IMarketLifecycle,
    IPayoutLimits,
    IFundBackstop
{}
