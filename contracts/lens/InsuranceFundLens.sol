// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IBackstopVault} from "../interfaces/IBackstopVault.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {IInsuranceFundLens, MarketLedgerView} from "../interfaces/IInsuranceFundLens.sol";
import {BankruptcyClaim, BankruptcyCover, IInsuranceVault, MarketInfo} from "../interfaces/IInsuranceVault.sol";
import {IMarketLifecycle} from "../interfaces/IMarketLifecycle.sol";
import {LossIndex} from "../libraries/LossIndex.sol";
import {MarketLedger} from "../libraries/MarketLedger.sol";
import {Waterfall} from "../libraries/Waterfall.sol";

/// @title InsuranceFundLens
/// @notice Previews a bankruptcy claim and shows a market's ledger from one fund's views (see `IInsuranceFundLens`).
/// @dev Holds no state but the fund's address. `previewCover` builds the waterfall's input exactly as the fund does
/// (same checks, same capped reward, same buckets) and runs the same `Waterfall` library; the tests compare it with
/// the fund's own answer to the same claim.
contract InsuranceFundLens is IInsuranceFundLens {
    IInsuranceFund private immutable _fund;

    /// @param fund_ The fund to read.
    constructor(IInsuranceFund fund_) {
        if (address(fund_) == address(0)) revert IInsuranceVault.InsuranceFundZeroAddress();
        _fund = fund_;
    }

    /// @inheritdoc IInsuranceFundLens
    function fund() external view returns (IInsuranceFund) {
        return _fund;
    }

    /// @inheritdoc IInsuranceFundLens
    function previewCover(
        uint256 marketId,
        BankruptcyClaim calldata claim
    ) external view returns (BankruptcyCover memory cover) {
        MarketInfo memory m = _fund.market(marketId);
        if (m.retired) revert IMarketLifecycle.InsuranceFundMarketIsRetired(marketId);
        if (claim.shortfall == 0 && claim.reward == 0) revert IInsuranceVault.InsuranceFundZeroAmount();
        if (claim.shortfall > type(uint128).max) revert IInsuranceVault.InsuranceFundAmountTooLarge(claim.shortfall);
        if (claim.reward != 0 && claim.liquidator == address(0)) revert IInsuranceVault.InsuranceFundZeroAddress();

        Waterfall.Input memory input = Waterfall.Input({
            shortfall: claim.shortfall,
            reward: MarketLedger.capReward(claim.reward, claim.liquidatedNotional, m.rewardCap, m.rewardCapBps),
            fundSpendable: _fund.fundBalance(),
            fundLimitLeft: m.insuranceLimit - m.insurancePaid,
            backstopSpendable: 0,
            backstopLimitLeft: 0,
            earlierPending: _fund.pendingClaim(marketId),
            payoutAvailable: _payoutAvailable(marketId)
        });
        address backstop = _fund.backstop();
        if (backstop != address(0)) {
            // A backstop that cannot answer covers nothing, as in `coverBankruptcy`.
            try IBackstopVault(backstop).coverable(marketId) returns (uint256 coverable) {
                input.backstopSpendable = coverable;
                input.backstopLimitLeft = coverable;
            } catch {}
        }
        Waterfall.Result memory w = Waterfall.run(input);
        cover = Waterfall.toCover(w);
        uint256 rest = w.remainder.reward + w.remainder.shortfall;
        if (rest == 0) return cover;
        (, bool absorbed) = LossIndex.socialize(m.lossIndex, rest, claim.openBase);
        if (absorbed) cover.socialized = rest;
        else cover.badDebt = rest;
    }

    /// @inheritdoc IInsuranceFundLens
    function marketLedger(uint256 marketId) external view returns (MarketLedgerView memory v) {
        MarketInfo memory m = _fund.market(marketId);
        v.insuranceLimit = m.insuranceLimit;
        v.limitUsed = m.insurancePaid;
        v.pending = _fund.pendingClaim(marketId);
        v.pendingFromBackstop = _fund.pendingFromBackstop(marketId);
        v.payableNow = Math.min(v.pending, _payoutAvailable(marketId));
        v.badDebt = m.badDebt;
        v.marketBucket = _fund.marketBucket(marketId);
        v.fundBucket = _fund.fundBucket();
        v.retired = m.retired;
    }

    /// @dev What the fund would pay now: what both buckets hold, 0 while paused.
    function _payoutAvailable(uint256 marketId) private view returns (uint256) {
        if (_fund.paused()) return 0;
        return Math.min(_fund.marketBucket(marketId).available, _fund.fundBucket().available);
    }
}
