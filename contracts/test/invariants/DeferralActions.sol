// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind} from "../../interfaces/IFeePolicy.sol";
import {VM} from "../utils/Vm.sol";
import {GhostLedger} from "./GhostLedger.sol";

/// @title DeferralActions
/// @notice The invariant handler's deferred fee pull (DEFER-01), on a market of its own whose exchange is an account
/// that approves the fund: governance sets its cap, the exchange settles trades whose fees are booked or pulled, and
/// keepers pull the debt. The market's open interest stays 0 and it has no bankruptcies, so the reference exchange's
/// invariants see nothing of it; the fund's books (FUND-01, -02, -04, SPLIT-01, -02) see all of it.
abstract contract DeferralActions is GhostLedger {
    /// @dev The largest cap governance sets here: a few fees' worth.
    uint256 internal constant MAX_DEFERRAL_CAP = 2_000e6;

    /// @notice Governance sets the market's cap (0: off); the debt is received first.
    function setFeeDeferral(uint256 capSeed) public action {
        uint256 cap = _bound(capSeed, 0, MAX_DEFERRAL_CAP);
        _topUpDeferExchange(_owed());
        VM.recordLogs();
        VM.prank(_governor);
        _fund.setFeeDeferral(DEFER_MARKET_ID, uint128(cap));
        _process(VM.getRecordedLogs());
        (uint256 fundPart, uint256 treasuryPart, uint256 capAfter) = _fund.deferredFees(DEFER_MARKET_ID);
        _flag(fundPart + treasuryPart == 0 && capAfter == cap, DEFER_01);
    }

    /// @notice The market's exchange settles a trade: the fee is booked while the debt stays within the cap (no token
    /// moves), else the whole debt and the fee arrive in one transfer.
    function deferredTrade(uint256 feeSeed, uint256 kindSeed) external action {
        uint256 fee = _bound(feeSeed, 0, 600e6);
        uint256 before = _owed();
        (, , uint256 cap) = _fund.deferredFees(DEFER_MARKET_ID);
        _topUpDeferExchange(before + fee);
        uint256 exchangeBefore = _usdc.balanceOf(_deferExchange);
        VM.recordLogs();
        VM.prank(_deferExchange);
        _fund.settleTrade(DEFER_MARKET_ID, 0, 0, FeeKind(kindSeed % 2), fee, 0);
        _process(VM.getRecordedLogs());
        uint256 paid = exchangeBefore - _usdc.balanceOf(_deferExchange);
        uint256 owedAfter = _owed();
        // The market never has bad debt: its fee's parts add up to the fee.
        bool booked = fee != 0 && cap != 0 && before + fee <= cap;
        if (fee == 0) _flag(paid == 0 && owedAfter == before, DEFER_01);
        else if (booked) _flag(paid == 0 && owedAfter == before + fee, DEFER_01);
        else _flag(paid == before + fee && owedAfter == 0, DEFER_01);
    }

    /// @notice A keeper pulls the market's debt in one transfer; with none, the pull reverts.
    function pullDeferredFees(uint256 callerSeed) external action {
        uint256 owed = _owed();
        _topUpDeferExchange(owed);
        VM.recordLogs();
        VM.prank(_caller(callerSeed));
        try _fund.pullDeferredFees(DEFER_MARKET_ID) returns (uint256 amount) {
            _process(VM.getRecordedLogs());
            _flag(owed != 0 && amount == owed && _owed() == 0, DEFER_01);
        } catch {
            VM.getRecordedLogs();
            _flag(owed == 0, DEFER_01);
        }
    }

    /// @dev What the market's exchange owes, both parts.
    function _owed() internal view returns (uint256) {
        (uint256 fundPart, uint256 treasuryPart, ) = _fund.deferredFees(DEFER_MARKET_ID);
        return fundPart + treasuryPart;
    }

    /// @dev Mints the market's exchange what it lacks of `amount` (CONS-01 counts it).
    function _topUpDeferExchange(uint256 amount) internal {
        uint256 held = _usdc.balanceOf(_deferExchange);
        if (held < amount) _mint(_deferExchange, amount - held);
    }
}
