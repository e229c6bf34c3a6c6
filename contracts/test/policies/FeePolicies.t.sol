// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeKind, FundState, IFeePolicy} from "../../interfaces/IFeePolicy.sol";
import {Bands} from "../../interfaces/ITargetBandsPolicy.sol";
import {FixedSharePolicy} from "../../policies/FixedSharePolicy.sol";
import {TargetBandsPolicy} from "../../policies/TargetBandsPolicy.sol";

/// @notice Fuzz tests of the two fee policies over random parameters, amounts and fund states.
/// Properties:
/// - FPOL-1 a split adds up to the amount, to the unit, and the fund's part is never above the amount;
/// - FPOL-2 the fund's part is the share rounded up (the fund gets the remainder unit, never more);
/// - FPOL-3 the band is in range: 0 for the fixed share, 0..2 for the target bands;
/// - FPOL-4 more balance never gives a lower band (the same state otherwise);
/// - FPOL-5 more balance never gives the fund a larger part of the same income.
contract FeePoliciesTest {
    /// @notice A property did not hold; `property` names it (id and sentence).
    error FeePoliciesTestPropertyViolated(string property);

    // ---------------------------------------------------------------- constants

    uint256 private constant MAX_BPS = 10_000;
    /// @dev The policies' domain: `amount * 10_000` and `floor * 10_000` fit 256 bits.
    uint256 private constant MAX_DOMAIN = type(uint256).max / MAX_BPS;

    // ---------------------------------------------------------------- tests

    function testFuzz_splitAddsUp(
        uint256 seed,
        bool penalty,
        uint256 amount,
        uint256 balance,
        uint256 averageOpenInterest,
        uint256 floor,
        uint256 targetShareBps
    ) external {
        FeeKind kind = penalty ? FeeKind.LiquidationPenalty : FeeKind.TradingFee;
        amount = _bound(amount, 0, MAX_DOMAIN);
        FundState memory state = _state(balance, averageOpenInterest, floor, targetShareBps);

        (uint16 tradingFeeShareBps, uint16 penaltyShareBps) = _shares(seed);
        FixedSharePolicy fixedShare = new FixedSharePolicy(tradingFeeShareBps, penaltyShareBps);
        (uint256 fundPart, uint256 treasuryPart) = _checkedSplit(fixedShare, kind, amount, state);
        _assertRoundedUp(fundPart, amount, penalty ? penaltyShareBps : tradingFeeShareBps);
        _check(fixedShare.band(state) == 0, "FPOL-3: fixed share has one band");

        TargetBandsPolicy targetBands = new TargetBandsPolicy(_bands(seed));
        (fundPart, treasuryPart) = _checkedSplit(targetBands, kind, amount, state);
        _assertRoundedUp(fundPart, amount, _targetBandsShareBps(targetBands, kind, state));
        _check(targetBands.band(state) <= 2, "FPOL-3: band out of range");
    }

    function testFuzz_bandMonotoneInBalance(
        uint256 seed,
        uint256 balanceA,
        uint256 balanceB,
        uint256 averageOpenInterest,
        uint256 floor,
        uint256 targetShareBps
    ) external {
        TargetBandsPolicy policy = new TargetBandsPolicy(_bands(seed));
        (uint256 lower, uint256 higher) = balanceA <= balanceB ? (balanceA, balanceB) : (balanceB, balanceA);
        FundState memory poorer = _state(lower, averageOpenInterest, floor, targetShareBps);
        FundState memory richer = _state(higher, averageOpenInterest, floor, targetShareBps);
        _check(policy.band(poorer) <= policy.band(richer), "FPOL-4: more balance, lower band");
    }

    function testFuzz_fundPartNonIncreasingInBalance(
        uint256 seed,
        bool penalty,
        uint256 amount,
        uint256 balanceA,
        uint256 balanceB,
        uint256 averageOpenInterest,
        uint256 floor,
        uint256 targetShareBps
    ) external {
        TargetBandsPolicy policy = new TargetBandsPolicy(_monotoneBands(seed));
        FeeKind kind = penalty ? FeeKind.LiquidationPenalty : FeeKind.TradingFee;
        amount = _bound(amount, 0, MAX_DOMAIN);
        (uint256 lower, uint256 higher) = balanceA <= balanceB ? (balanceA, balanceB) : (balanceB, balanceA);
        (uint256 poorerPart, ) = policy.split(kind, amount, _state(lower, averageOpenInterest, floor, targetShareBps));
        (uint256 richerPart, ) = policy.split(kind, amount, _state(higher, averageOpenInterest, floor, targetShareBps));
        _check(richerPart <= poorerPart, "FPOL-5: more balance, more income");
    }

    // ---------------------------------------------------------------- internal

    /// @dev Asks for a split and checks FPOL-1.
    function _checkedSplit(
        IFeePolicy policy,
        FeeKind kind,
        uint256 amount,
        FundState memory state
    ) private view returns (uint256 fundPart, uint256 treasuryPart) {
        (fundPart, treasuryPart) = policy.split(kind, amount, state);
        _check(fundPart <= amount, "FPOL-1: fund part above the amount");
        _check(treasuryPart == amount - fundPart, "FPOL-1: parts do not add up");
    }

    /// @dev FPOL-2: `fundPart == ceil(amount * shareBps / 10_000)`, checked without dividing.
    function _assertRoundedUp(uint256 fundPart, uint256 amount, uint256 shareBps) private pure {
        uint256 exact = amount * shareBps;
        _check(fundPart * MAX_BPS >= exact, "FPOL-2: fund part below its share");
        _check(fundPart == 0 || (fundPart - 1) * MAX_BPS < exact, "FPOL-2: fund part above its share rounded up");
    }

    /// @dev The share the target bands give `kind` in the state's band (the band itself is tested against the
    /// TypeScript model; here only the split's arithmetic).
    function _targetBandsShareBps(
        TargetBandsPolicy policy,
        FeeKind kind,
        FundState memory state
    ) private view returns (uint256) {
        Bands memory bands = policy.bands();
        uint8 band = policy.band(state);
        if (band == 0) return kind == FeeKind.TradingFee ? bands.lowTradingFeeShareBps : bands.lowPenaltyShareBps;
        if (band == 1) return kind == FeeKind.TradingFee ? 0 : bands.midPenaltyShareBps;
        return 0;
    }

    /// @dev A random state within the policies' domain (`floor * 10_000` fits 256 bits); any balance and OI.
    function _state(
        uint256 balance,
        uint256 averageOpenInterest,
        uint256 floor,
        uint256 targetShareBps
    ) private pure returns (FundState memory) {
        return
            FundState({
                balance: balance,
                averageOpenInterest: averageOpenInterest,
                floor: _bound(floor, 0, MAX_DOMAIN),
                targetShareBps: _bound(targetShareBps, 0, MAX_BPS)
            });
    }

    /// @dev Two random shares in [0, 10_000].
    function _shares(uint256 seed) private pure returns (uint16, uint16) {
        return (uint16(_bound(_word(seed, 0), 0, MAX_BPS)), uint16(_bound(_word(seed, 1), 0, MAX_BPS)));
    }

    /// @dev Random valid bands: 0 < lower <= upper <= 10_000, shares in [0, 10_000].
    function _bands(uint256 seed) internal pure returns (Bands memory bands) {
        bands.lowerBandBps = uint16(_bound(_word(seed, 2), 1, MAX_BPS));
        bands.upperBandBps = uint16(_bound(_word(seed, 3), bands.lowerBandBps, MAX_BPS));
        bands.lowTradingFeeShareBps = uint16(_bound(_word(seed, 4), 0, MAX_BPS));
        bands.lowPenaltyShareBps = uint16(_bound(_word(seed, 5), 0, MAX_BPS));
        bands.midPenaltyShareBps = uint16(_bound(_word(seed, 6), 0, MAX_BPS));
    }

    /// @dev Random valid bands whose shares do not grow from band to band (Spin's do not): the low band's penalty
    /// share is at least the middle band's.
    function _monotoneBands(uint256 seed) private pure returns (Bands memory bands) {
        bands = _bands(seed);
        if (bands.lowPenaltyShareBps < bands.midPenaltyShareBps) {
            (bands.lowPenaltyShareBps, bands.midPenaltyShareBps) = (bands.midPenaltyShareBps, bands.lowPenaltyShareBps);
        }
    }

    /// @dev An independent random word from one seed.
    function _word(uint256 seed, uint256 index) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, index)));
    }

    /// @dev Reverts with the property's name unless it holds.
    function _check(bool holds, string memory property) private pure {
        if (!holds) revert FeePoliciesTestPropertyViolated(property);
    }

    /// @dev `x` mapped into [min, max] (min <= max). Values already inside are kept, so the fuzzer's edge values
    /// (0, 1, max) still reach the policies.
    function _bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        if (x >= min && x <= max) return x;
        // Cannot overflow: `max - min < type(uint256).max` here, since x lies outside [min, max].
        unchecked {
            return min + (x % (max - min + 1));
        }
    }
}
