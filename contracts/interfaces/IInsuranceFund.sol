// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IFeeSplitter} from "./IFeeSplitter.sol";
import {IFundBackstop} from "./IFundBackstop.sol";
import {IInsuranceVault} from "./IInsuranceVault.sol";
import {IMarketLifecycle} from "./IMarketLifecycle.sol";
import {IOpenInterestTracker} from "./IOpenInterestTracker.sol";
import {IPayoutLimits} from "./IPayoutLimits.sol";
import {ISocializedLossLedger} from "./ISocializedLossLedger.sol";
import {ITradeSettlement} from "./ITradeSettlement.sol";

/// @title IInsuranceFund
/// @notice Everything an exchange integrates against, at one address:
/// - on every trade and solvent liquidation, one call: `settleTrade` (`ITradeSettlement`): the position's socialized
///   loss, the fee or penalty, the market's new open interest;
/// - on a bankrupt liquidation, one call: `settleBankruptcy(marketId, claim, penalty, oi)`;
/// - the same steps one by one, for exchanges that need them apart: `positionLoss`, `collectFee`,
///   `recordOpenInterest`, `coverBankruptcy`.
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
    IFundBackstop,
    ITradeSettlement
{}
