// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {FeeKind, FundState, IFeePolicy} from "../interfaces/IFeePolicy.sol";
import {Bands, ITargetBandsPolicy} from "../interfaces/ITargetBandsPolicy.sol";
import {BasisPoints} from "../libraries/BasisPoints.sol";
import {FundTarget} from "../libraries/FundTarget.sol";

/// @title TargetBandsPolicy
/// @notice Spin's fee split by the fund's ratio R = balance / effective open interest (see
/// `ITargetBandsPolicy`): the lower the ratio, the more income goes to the fund.
/// @dev Two roundings, both favouring the fund:
/// - the floor's open interest `floor * 10_000 / targetShareBps` is rounded up, which makes R smaller (it can
///   only move the fund to a lower band, never to a higher one);
/// - the fund's part is `mulBpsUp(amount, shareBps)`, rounded up; the treasury gets exactly the rest.
/// R is never computed: the bands are decided by cross-multiplication in 512 bits
/// (`balance * 10_000 < lowerBandBps * effectiveOpenInterest`), exact for any balance and open interest.
/// `band` reverts only if the floor's open interest does not fit 256 bits (the fund's floor is a uint128);
/// `split` also reverts if `amount * 10_000` overflows (the fund's amounts fit 128 bits). The fund treats a
/// revert as a failed policy.
contract TargetBandsPolicy is ITargetBandsPolicy {
    using BasisPoints for uint256;

    // ---------------------------------------------------------------- constants

    /// @notice R below `lowerBandBps`: the fund refills fastest.
    uint8 internal constant BAND_LOW = 0;
    /// @notice `lowerBandBps <= R < upperBandBps`: penalties only.
    uint8 internal constant BAND_MID = 1;
    /// @notice R at or above `upperBandBps`: nothing to the fund.
    uint8 internal constant BAND_HIGH = 2;

    // ---------------------------------------------------------------- storage

    // Immutable, so one per field (an immutable cannot be a struct).
    uint16 private immutable _lowerBandBps;
    uint16 private immutable _upperBandBps;
    uint16 private immutable _lowTradingFeeShareBps;
    uint16 private immutable _lowPenaltyShareBps;
    uint16 private immutable _midPenaltyShareBps;

    // ---------------------------------------------------------------- constructor

    /// @param bands_ The bands; every field <= 10,000 and 0 < `lowerBandBps` <= `upperBandBps`.
    constructor(Bands memory bands_) {
        if (bands_.lowerBandBps == 0 || bands_.lowerBandBps > BasisPoints.MAX_BPS) {
            revert TargetBandsPolicyBpsOutOfBounds(bands_.lowerBandBps);
        }
        _checkBps(bands_.upperBandBps);
        _checkBps(bands_.lowTradingFeeShareBps);
        _checkBps(bands_.lowPenaltyShareBps);
        _checkBps(bands_.midPenaltyShareBps);
        if (bands_.lowerBandBps > bands_.upperBandBps) {
            revert TargetBandsPolicyBandsInverted(bands_.lowerBandBps, bands_.upperBandBps);
        }
        _lowerBandBps = bands_.lowerBandBps;
        _upperBandBps = bands_.upperBandBps;
        _lowTradingFeeShareBps = bands_.lowTradingFeeShareBps;
        _lowPenaltyShareBps = bands_.lowPenaltyShareBps;
        _midPenaltyShareBps = bands_.midPenaltyShareBps;
        emit TargetBandsPolicyConfigured(bands_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IFeePolicy
    function split(
        FeeKind kind,
        uint256 amount,
        FundState calldata state
    ) external view returns (uint256 fundPart, uint256 treasuryPart) {
        uint8 band_ = _band(state);
        uint256 shareBps;
        if (band_ == BAND_LOW) {
            shareBps = kind == FeeKind.TradingFee ? _lowTradingFeeShareBps : _lowPenaltyShareBps;
        } else if (band_ == BAND_MID) {
            shareBps = kind == FeeKind.TradingFee ? 0 : _midPenaltyShareBps;
        }
        // In BAND_HIGH `shareBps` stays 0: everything goes to the treasury.
        // Rounded up: favours the fund.
        fundPart = amount.mulBpsUp(shareBps);
        // Cannot underflow: `shareBps <= 10_000`, so `fundPart <= amount`.
        unchecked {
            treasuryPart = amount - fundPart;
        }
    }

    /// @inheritdoc IFeePolicy
    function band(FundState calldata state) external view returns (uint8) {
        return _band(state);
    }

    /// @inheritdoc ITargetBandsPolicy
    function bands() external view returns (Bands memory) {
        return
            Bands({
                lowerBandBps: _lowerBandBps,
                upperBandBps: _upperBandBps,
                lowTradingFeeShareBps: _lowTradingFeeShareBps,
                lowPenaltyShareBps: _lowPenaltyShareBps,
                midPenaltyShareBps: _midPenaltyShareBps
            });
    }

    /// @inheritdoc ITargetBandsPolicy
    function effectiveOpenInterest(FundState calldata state) external pure returns (uint256) {
        return _effectiveOpenInterest(state);
    }

    // ---------------------------------------------------------------- internal

    /// @dev The band of `state`: R < lower is band 0, lower <= R < upper band 1, R >= upper band 2, where
    /// `R < x` is `balance * 10_000 < x * effectiveOpenInterest`. With no effective open interest both
    /// comparisons are false (`balance * 10_000 < 0` never holds), so the fund is in band 2, without a division.
    function _band(FundState calldata state) private view returns (uint8) {
        uint256 openInterest = _effectiveOpenInterest(state);
        if (_productLessThan(state.balance, BasisPoints.MAX_BPS, _lowerBandBps, openInterest)) return BAND_LOW;
        if (_productLessThan(state.balance, BasisPoints.MAX_BPS, _upperBandBps, openInterest)) return BAND_MID;
        // A fund below its floor is never in the top band, whatever the target share governance chose (with a
        // share above the upper band, R alone could put it there and stop its refill).
        if (state.balance < state.floor) return BAND_MID;
        return BAND_HIGH;
    }

    /// @dev See `FundTarget.effectiveOpenInterest` (the floor's open interest rounded up: favours the fund's refill).
    function _effectiveOpenInterest(FundState calldata state) private pure returns (uint256) {
        return FundTarget.effectiveOpenInterest(state.averageOpenInterest, state.floor, state.targetShareBps);
    }

    /// @dev `a * b < c * d`, exactly (512-bit products).
    function _productLessThan(uint256 a, uint256 b, uint256 c, uint256 d) private pure returns (bool) {
        (uint256 leftHigh, uint256 leftLow) = Math.mul512(a, b);
        (uint256 rightHigh, uint256 rightLow) = Math.mul512(c, d);
        return leftHigh < rightHigh || (leftHigh == rightHigh && leftLow < rightLow);
    }

    /// @dev Reverts unless `bps <= 10_000`.
    function _checkBps(uint256 bps) private pure {
        if (bps > BasisPoints.MAX_BPS) revert TargetBandsPolicyBpsOutOfBounds(bps);
    }
}
