// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {LossIndex} from "../../libraries/LossIndex.sol";
import {LossIndexHarness} from "../harnesses/LossIndexHarness.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

/// @title LossIndexTest
/// @notice Unit and fuzz tests of `LossIndex` against docs/behaviour.md section 6. With `S = SCALE = 1e60`, socializing
/// `loss` over `openBase` adds `ceil(loss * S / openBase)`; a position of |base| `b` that settled at `s` owes `ceil(b *
/// (index - s) / S)`. Its exact share of a loss is the rational `loss * b / openBase`. Properties (each assertion names
/// its id):
/// - LIDX-1 Once every position settled, the sum charged is at least the sum of the losses absorbed.
/// - LIDX-2 A position pays at least its exact share, and for a single loss at most one unit above it when
///   `b * openBase <= S`: `charge * openBase <= loss * b + openBase`. Between two settlements of a position
///   spanning `n` losses over the same open base, the same holds when `n * b * openBase <= S`.
/// - LIDX-3 A position opened at index `I` owes nothing until the index moves, and then only for the newer losses.
/// - LIDX-4 Without open base a loss is not absorbed and the index does not move; a loss the index has no headroom
///   for is not absorbed either (no revert, no overflow); otherwise the increment is exactly the rounded-up quotient.
/// - LIDX-5 A charge is exactly `ceil(b * (index - s) / S)`.
/// What cannot hold in general (pinned by the unit tests below, not weakened in the fuzz tests):
/// - beyond `b * openBase <= S` one loss can charge a position a sliver more than one unit above its share
///   (`test_owed_canExceedOneUnitAboveShareBeyondTheBound`);
/// - across several losses between two settlements a charge can exceed the exact share plus one by less than
///   `n * b / S` (`test_owed_acrossTwoLossesCanExceedOneUnitAboveShareBySliver`; why: `LossIndex.sol`'s header).
///   The TypeScript model checks that general bound exactly (test/LossIndex.ts).
contract LossIndexTest is Assertions {
    uint256 private constant S = 1e60;
    uint256 private constant MAX = type(uint256).max;
    uint256 private constant MAX_POSITIONS = 20;
    /// @dev Largest single position in the multi-position fuzz tests: 20 of them stay below 1e30 of open base.
    uint256 private constant MAX_POSITION_BASE = 1e28;

    LossIndexHarness private _harness;

    function setUp() public {
        _harness = new LossIndexHarness();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Unit tests: socialize
    // ---------------------------------------------------------------------------------------------------------------

    function test_scale_is1e60() public view {
        _assertEq(_harness.scale(), 1e60, "SCALE");
    }

    /// @notice Spin-sized: 60 USDC over a 3 ETH long and a 1 ETH short charges 45 and 15 USDC exactly.
    function test_socialize_spinExample() public view {
        (uint256 index, bool absorbed) = _harness.socialize(0, 60e6, 4e18);
        _assertTrue(absorbed, "absorbed");
        _assertEq(index, 15e48, "index: 60e6 * 1e60 / 4e18");
        _assertEq(_harness.owed(3e18, 0, index), 45e6, "long pays 45 USDC");
        _assertEq(_harness.owed(1e18, 0, index), 15e6, "short pays 15 USDC");
    }

    /// @notice One unit over three positions of one wei each: the increment and each charge round up.
    function test_socialize_roundsTheIncrementUp() public view {
        (uint256 index, bool absorbed) = _harness.socialize(0, 1, 3);
        _assertTrue(absorbed, "absorbed");
        _assertEq(index, 333333333333333333333333333333333333333333333333333333333334, "ceil(1e60 / 3)");
        // Each pays 1 for an exact share of 1/3: 3 units collected for a loss of 1 (LIDX-1, LIDX-2).
        _assertEq(_harness.owed(1, 0, index), 1, "one wei of base pays one unit");
        _assertEq(_harness.owed(3, 0, index), 2, "three wei of base (held at once) pay ceil(1.000...002) = 2");
    }

    function test_socialize_notAbsorbedWithoutOpenBase() public view {
        (uint256 index, bool absorbed) = _harness.socialize(123, 5, 0);
        _assertTrue(!absorbed, "LIDX-4 not absorbed");
        _assertEq(index, 123, "LIDX-4 index unchanged");
        (index, absorbed) = _harness.socialize(MAX, MAX, 0);
        _assertTrue(!absorbed, "LIDX-4 not absorbed at max");
        _assertEq(index, MAX, "LIDX-4 index unchanged at max");
    }

    function test_socialize_zeroLossAbsorbedWithoutMovingTheIndex() public view {
        (uint256 index, bool absorbed) = _harness.socialize(7, 0, 1e18);
        _assertTrue(absorbed, "absorbed");
        _assertEq(index, 7, "index unchanged");
        (index, absorbed) = _harness.socialize(MAX, 0, 1);
        _assertTrue(absorbed, "absorbed at max");
        _assertEq(index, MAX, "index unchanged at max");
    }

    /// @notice Below `SCALE` open base: 5 USDC over 1 ETH adds 5e6 * 1e42; the index can reach `max` exactly.
    function test_socialize_fillsTheHeadroomExactlyBelowScale() public view {
        uint256 increment = 5e6 * 1e42;
        (uint256 index, bool absorbed) = _harness.socialize(MAX - increment, 5e6, 1e18);
        _assertTrue(absorbed, "LIDX-4 fits exactly");
        _assertEq(index, MAX, "LIDX-4 index at max");
        (index, absorbed) = _harness.socialize(MAX - increment + 1, 5e6, 1e18);
        _assertTrue(!absorbed, "LIDX-4 one short of headroom");
        _assertEq(index, MAX - increment + 1, "LIDX-4 index unchanged");
    }

    /// @notice At or above `SCALE` open base the increment is at most the loss.
    function test_socialize_fillsTheHeadroomExactlyAtOrAboveScale() public view {
        (uint256 index, bool absorbed) = _harness.socialize(MAX - 1_000, 1_000, S);
        _assertTrue(absorbed, "LIDX-4 increment == loss at SCALE");
        _assertEq(index, MAX, "LIDX-4 index at max");
        (index, absorbed) = _harness.socialize(MAX - 1_000, 1_001, S);
        _assertTrue(!absorbed, "LIDX-4 one unit too many");
        _assertEq(index, MAX - 1_000, "LIDX-4 index unchanged");
        // max = 2^256 - 1 is a multiple of 3: spreading it over 3 * SCALE adds exactly max / 3.
        (index, absorbed) = _harness.socialize(0, MAX, 3 * S);
        _assertTrue(absorbed, "LIDX-4 max loss over 3 * SCALE");
        _assertEq(index, MAX / 3, "LIDX-4 max / 3");
        (index, absorbed) = _harness.socialize(MAX - MAX / 3 + 1, MAX, 3 * S);
        _assertTrue(!absorbed, "LIDX-4 one short of max / 3");
        _assertEq(index, MAX - MAX / 3 + 1, "LIDX-4 index unchanged");
        // Above SCALE the increment rounds up too: 1 unit over 2 * SCALE adds ceil(0.5) = 1.
        (index, absorbed) = _harness.socialize(0, 1, 2 * S);
        _assertEq(index, 1, "ceil(1 / 2)");
        (index, absorbed) = _harness.socialize(0, 1, MAX);
        _assertEq(index, 1, "ceil(1e60 / max)");
    }

    /// @notice Over 1 ETH of open base from a zero index, the largest loss is `floor(max / 1e42)` units.
    function test_socialize_largestLossThatFits() public view {
        uint256 largest = 115792089237316195423570985008687907; // floor((2^256 - 1) / 1e42)
        (uint256 index, bool absorbed) = _harness.socialize(0, largest, 1e18);
        _assertTrue(absorbed, "LIDX-4 largest loss absorbed");
        _assertEq(index, largest * 1e42, "LIDX-4 increment");
        (index, absorbed) = _harness.socialize(0, largest + 1, 1e18);
        _assertTrue(!absorbed, "LIDX-4 one more unit is not");
        _assertEq(index, 0, "LIDX-4 index unchanged");
    }

    function test_socialize_hugeLossOverTinyBaseReturnsNotAbsorbed() public view {
        (uint256 index, bool absorbed) = _harness.socialize(0, MAX, 1);
        _assertTrue(!absorbed && index == 0, "LIDX-4 max loss over one wei");
        (index, absorbed) = _harness.socialize(0, MAX, S - 1);
        _assertTrue(!absorbed && index == 0, "LIDX-4 max loss over SCALE - 1");
        (index, absorbed) = _harness.socialize(0, MAX / S + 1, 1);
        _assertTrue(!absorbed && index == 0, "LIDX-4 smallest loss that overflows over one wei");
        (index, absorbed) = _harness.socialize(0, MAX / S, 1);
        _assertTrue(absorbed && index == (MAX / S) * S, "LIDX-4 largest loss that fits over one wei");
        (index, absorbed) = _harness.socialize(MAX, 1, MAX);
        _assertTrue(!absorbed && index == MAX, "LIDX-4 no headroom at max");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Unit tests: owed
    // ---------------------------------------------------------------------------------------------------------------

    function test_owed_zeroWhenTheIndexDidNotMove() public view {
        _assertEq(_harness.owed(MAX, 12345, 12345), 0, "LIDX-3 unmoved index, largest base");
        _assertEq(_harness.owed(0, 0, MAX), 0, "no base, largest move");
    }

    function test_owed_roundsUp() public view {
        _assertEq(_harness.owed(1, 0, 1), 1, "1e-60 rounds up to 1");
        _assertEq(_harness.owed(1, 0, S), 1, "exactly 1");
        _assertEq(_harness.owed(1, 0, S + 1), 2, "just above 1");
        _assertEq(_harness.owed(2, 5, 5 + S / 2), 1, "exact, from a non-zero settled index");
    }

    function test_owed_revertsWhenSettledAheadOfTheIndex() public {
        VM.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _harness.owed(1, 2, 1);
    }

    /// @notice Right at `b * openBase <= S` (here `S - 1`), with the exact share `1 / openBase` below a whole unit:
    /// the increment's round-up does not reach the next unit (LIDX-2 is tight, not broken).
    function test_owed_oneUnitAboveShareAtTheBound() public view {
        uint256 openBase = 1e30 + 1;
        uint256 absBase = 1e30 - 1;
        uint256 loss = 500000000000000000000000000001; // absBase * loss == -1 mod openBase
        (uint256 index, bool absorbed) = _harness.socialize(0, loss, openBase);
        _assertTrue(absorbed, "absorbed");
        uint256 charge = _harness.owed(absBase, 0, index);
        // Exact share: 500000000000000000000000000000 - 1 / openBase.
        _assertEq(charge, 500000000000000000000000000000, "LIDX-2 charge is the share rounded up");
        _assertTrue(_mulLeMulAdd(charge, openBase, loss, absBase, openBase), "LIDX-2 at most one unit above");
    }

    /// @notice Documents why the NatSpec's condition `absBase * openBase <= SCALE` is needed: just beyond it
    /// (`b * openBase ~ 2 * S`), the increment's round-up carries the charge past the next whole unit.
    function test_owed_canExceedOneUnitAboveShareBeyondTheBound() public view {
        uint256 openBase = 2e30 + 1;
        uint256 absBase = 1e30 + 1;
        uint256 loss = 2e30 - 1;
        (uint256 index, bool absorbed) = _harness.socialize(0, loss, openBase);
        _assertTrue(absorbed, "absorbed");
        _assertEq(index, 999999999999999999999999999999000000000000000000000000000001, "index");
        uint256 charge = _harness.owed(absBase, 0, index);
        // Exact share: 1e30 - 1 / openBase; the charge is 1 + 1 / openBase above it.
        _assertEq(charge, 1e30 + 1, "charge");
        _assertTrue(!_mulLeMulAdd(charge, openBase, loss, absBase, openBase), "exceeds share + 1 beyond the bound");
        _assertEq(charge * openBase - (loss * absBase + openBase), 1, "by exactly 1 / openBase");
    }

    /// @notice Documents the general limit across several losses between two settlements. Open base 1e30 - 1
    /// (below 1e30) and a position of 3/4 of it (rounded down) stay within `b * openBase <= S`, yet two losses of 1
    /// and 3 units charge 4 on an exact share of `3 - 1 / openBase`: one unit plus `1 / openBase` above it, less than
    /// the increments' combined round-up `2 * b / S`. Settling after each loss would also charge 1 + 3 = 4.
    function test_owed_acrossTwoLossesCanExceedOneUnitAboveShareBySliver() public view {
        uint256 openBase = 1e30 - 1;
        uint256 absBase = 749999999999999999999999999999; // 4 * absBase == 3 * openBase - 1
        (uint256 index, bool absorbed) = _harness.socialize(0, 1, openBase);
        _assertTrue(absorbed, "first loss absorbed");
        _assertEq(index, 1e30 + 2, "ceil(1e60 / (1e30 - 1))");
        _assertEq(_harness.owed(absBase, 0, index), 1, "share 0.75 of the first loss, rounded up");
        uint256 settledAfterFirst = index;
        (index, absorbed) = _harness.socialize(index, 3, openBase);
        _assertTrue(absorbed, "second loss absorbed");
        _assertEq(index, 4e30 + 6, "plus ceil(3e60 / (1e30 - 1))");
        _assertEq(_harness.owed(absBase, settledAfterFirst, index), 3, "share 2.25 of the second loss, rounded up");
        uint256 charge = _harness.owed(absBase, 0, index);
        _assertEq(charge, 4, "charge across both losses");
        // One unit above the exact share would be charge * openBase <= 4 * absBase + openBase; it misses by one.
        _assertEq(charge * openBase, 4 * absBase + openBase + 1, "exceeds share + 1 by 1 / openBase");
        // The general bound holds: charge < share + 1 + 2 * absBase / S, i.e. (here) S < 2 * absBase * openBase.
        _assertTrue(S < 2 * absBase * openBase, "within the increments' round-up");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fuzz tests
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice LIDX-4 on the whole input range: not absorbed exactly when there is no open base or the rounded-up
    /// increment exceeds the headroom; otherwise the increment is `ceil(loss * S / openBase)`. Never reverts.
    function testFuzz_socializeIsCeilOrNotAbsorbed(uint256 index, uint256 loss, uint256 openBase) public pure {
        _checkSocialize(index, loss, openBase);
    }

    /// @notice LIDX-4 near the top of the index, with tiny, near-`SCALE` and above-`SCALE` open base.
    function testFuzz_socializeNeverOverflowsNearMax(uint256 headroom, uint256 loss, uint256 openBase) public pure {
        headroom = _bound(headroom, 0, 2 ** 160);
        uint256 shape = openBase % 4;
        if (shape == 0) openBase = _bound(openBase, 1, 1e6);
        else if (shape == 1) openBase = _bound(openBase, S - 1e6, S + 1e6);
        else if (shape == 2) openBase = _bound(openBase, S, MAX);
        else openBase = _bound(openBase, 1, S);
        _checkSocialize(MAX - headroom, loss, openBase);
    }

    /// @notice LIDX-5: `owed` is the exact ceiling, checked on 512 bits.
    function testFuzz_owedIsCeil(uint256 absBase, uint256 settledIndex, uint256 index) public pure {
        absBase = _bound(absBase, 0, 2 ** 160); // b * (index - s) / S < 2^217: the charge fits in uint256
        if (settledIndex > index) (settledIndex, index) = (index, settledIndex);
        uint256 charge = LossIndex.owed(absBase, settledIndex, index);
        uint256 delta = index - settledIndex;
        _assertTrue(_mulLeMulAdd(absBase, delta, charge, S, 0), "LIDX-5 charge * S >= b * delta");
        if (charge > 0) {
            _assertTrue(!_mulLeMulAdd(absBase, delta, charge - 1, S, 0), "LIDX-5 (charge - 1) * S < b * delta");
        }
    }

    /// @notice LIDX-1 with up to 20 positions over up to 10 losses; between losses positions settle, then open,
    /// resize or close; the open base at each loss is the sum of the sizes then. Also bounds the over-collection:
    /// at most one unit per settlement that had something to pay (each charge is below share + 1 + n * b / S, and
    /// here the `n * b / S` slivers add up to less than one unit in all).
    function testFuzz_sumOfChargesCoversLoss(uint256 seed, uint256 positionCount, uint256 lossCount) public pure {
        uint256 n = _bound(positionCount, 1, MAX_POSITIONS);
        uint256 rounds = _bound(lossCount, 1, 10);
        uint256[] memory sizes = new uint256[](n);
        uint256[] memory settled = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) sizes[i] = _size(_hash(seed, 0, i));

        uint256 index;
        uint256 charged;
        uint256 absorbedLosses;
        uint256 payingSettlements;
        for (uint256 r = 0; r < rounds; ++r) {
            uint256 openBase;
            for (uint256 i = 0; i < n; ++i) {
                uint256 h = _hash(seed, r + 1, i);
                if (r > 0 && h % 3 == 0) {
                    // The position is touched: it settles on the size it held, then changes size.
                    uint256 charge = LossIndex.owed(sizes[i], settled[i], index);
                    if (sizes[i] > 0 && index > settled[i]) ++payingSettlements;
                    charged += charge;
                    settled[i] = index;
                    sizes[i] = _size(h >> 2);
                }
                openBase += sizes[i];
            }
            uint256 loss = _loss(_hash(seed, r + 1, MAX_POSITIONS));
            (uint256 newIndex, bool absorbed) = LossIndex.socialize(index, loss, openBase);
            if (absorbed) {
                absorbedLosses += loss;
                index = newIndex;
            } else {
                _assertEq(newIndex, index, "LIDX-4 index unchanged");
                _assertTrue(openBase == 0 || !_mulLeMulAdd(loss, S, MAX - index, openBase, 0), "LIDX-4 only if full");
            }
        }
        for (uint256 i = 0; i < n; ++i) {
            if (sizes[i] > 0 && index > settled[i]) ++payingSettlements;
            charged += LossIndex.owed(sizes[i], settled[i], index);
        }
        _assertGe(charged, absorbedLosses, "LIDX-1 sum of charges covers the losses");
        _assertLe(charged, absorbedLosses + payingSettlements, "LIDX-2 at most one unit per paying settlement");
    }

    /// @notice LIDX-2 for one loss over up to 20 positions whose open base stays below 1e30, from any index.
    function testFuzz_noPositionPaysMoreThanOneUnitAboveShare(
        uint256 seed,
        uint256 positionCount,
        uint256 loss,
        uint256 startIndex
    ) public pure {
        uint256 n = _bound(positionCount, 1, MAX_POSITIONS);
        uint256[] memory sizes = new uint256[](n);
        uint256 openBase;
        for (uint256 i = 0; i < n; ++i) {
            sizes[i] = _size(_hash(seed, 0, i));
            openBase += sizes[i];
        }
        if (openBase == 0) sizes[0] = openBase = 1;
        // Increment <= loss * S <= 1e15 * 1e60 < 2^250; a start below 2^250 leaves room for it.
        loss = _bound(loss, 0, openBase * 1e15);
        startIndex = _bound(startIndex, 0, 2 ** 250);
        (uint256 index, bool absorbed) = LossIndex.socialize(startIndex, loss, openBase);
        _assertTrue(absorbed, "absorbed");
        uint256 charged;
        for (uint256 i = 0; i < n; ++i) {
            uint256 charge = LossIndex.owed(sizes[i], startIndex, index);
            charged += charge;
            _assertTrue(_mulLeMulAdd(loss, sizes[i], charge, openBase, 0), "LIDX-2 charge >= exact share");
            _assertTrue(_mulLeMulAdd(charge, openBase, loss, sizes[i], openBase), "LIDX-2 charge <= share + 1");
        }
        _assertGe(charged, loss, "LIDX-1 sum covers the loss");
        _assertLe(charged, loss + n, "LIDX-2 summed");
    }

    /// @notice LIDX-2 at the library's stated bound `absBase * openBase <= S`, any open base up to `S`, the position
    /// often exactly at the bound.
    function testFuzz_noPositionPaysMoreThanOneUnitAboveShareAtTheBound(
        uint256 absBase,
        uint256 openBase,
        uint256 loss
    ) public pure {
        openBase = _bound(openBase, 1, S);
        uint256 largest = Math.min(openBase, S / openBase);
        absBase = absBase % 2 == 0 ? largest : _bound(absBase, 1, largest);
        loss = _bound(loss, 0, Math.mulDiv(2 ** 250, openBase, S));
        (uint256 index, bool absorbed) = LossIndex.socialize(0, loss, openBase);
        _assertTrue(absorbed, "absorbed");
        uint256 charge = LossIndex.owed(absBase, 0, index);
        _assertTrue(_mulLeMulAdd(loss, absBase, charge, openBase, 0), "LIDX-2 charge >= exact share");
        _assertTrue(_mulLeMulAdd(charge, openBase, loss, absBase, openBase), "LIDX-2 charge <= share + 1");
    }

    /// @notice LIDX-2 across up to 8 losses between two settlements, over the same open base (nobody else traded
    /// in between), when `n * b * openBase <= S`. With a changing open base the bound can be exceeded by a sliver:
    /// see `test_owed_acrossTwoLossesCanExceedOneUnitAboveShareBySliver` and the TypeScript model.
    function testFuzz_noPositionPaysMoreThanOneUnitAboveShareAcrossLosses(
        uint256 absBase,
        uint256 openBase,
        uint256 seed,
        uint256 lossCount
    ) public pure {
        uint256 n = _bound(lossCount, 1, 8);
        openBase = _bound(openBase, 1, S / n);
        uint256 largest = Math.min(openBase, S / (n * openBase));
        absBase = absBase % 2 == 0 ? largest : _bound(absBase, 1, largest);
        uint256 lossCap = Math.mulDiv(2 ** 250, openBase, S) / n;
        uint256 index;
        uint256 losses;
        for (uint256 k = 0; k < n; ++k) {
            uint256 loss = _bound(_hash(seed, k, 0), 0, lossCap);
            if (k % 3 == 1) loss = _bound(loss, 1, 1e6); // small losses among large ones
            losses += loss;
            bool absorbed;
            (index, absorbed) = LossIndex.socialize(index, loss, openBase);
            _assertTrue(absorbed, "absorbed");
        }
        uint256 charge = LossIndex.owed(absBase, 0, index);
        _assertTrue(_mulLeMulAdd(losses, absBase, charge, openBase, 0), "LIDX-2 charge >= exact share");
        _assertTrue(_mulLeMulAdd(charge, openBase, losses, absBase, openBase), "LIDX-2 charge <= share + 1");
    }

    /// @notice LIDX-3: a position opened after some losses owes nothing for them, and for a newer loss exactly what
    /// its size owes on that loss's increment alone.
    function testFuzz_newPositionPaysNothingForOlderLosses(uint256 seed, uint256 absBase, uint256 newLoss) public pure {
        uint256 index;
        uint256 oldBase = _size(_hash(seed, 0, 0)) + 1;
        for (uint256 k = 0; k < 5; ++k) {
            (uint256 next, bool absorbed) = LossIndex.socialize(index, _loss(_hash(seed, k + 1, 0)), oldBase);
            if (absorbed) index = next;
        }
        absBase = _bound(absBase, 0, MAX_POSITION_BASE);
        uint256 openedAt = index;
        _assertEq(LossIndex.owed(absBase, openedAt, index), 0, "LIDX-3 nothing for older losses");

        uint256 openBase = oldBase + absBase;
        newLoss = _bound(newLoss, 0, openBase * 1e15);
        (uint256 newIndex, bool newAbsorbed) = LossIndex.socialize(index, newLoss, openBase);
        if (!newAbsorbed) {
            // The older losses used up the headroom: nothing moved, nothing is owed.
            _assertEq(newIndex, index, "LIDX-4 index unchanged");
            _assertEq(LossIndex.owed(absBase, openedAt, newIndex), 0, "LIDX-3 still nothing");
            return;
        }
        uint256 charge = LossIndex.owed(absBase, openedAt, newIndex);
        (uint256 alone, ) = LossIndex.socialize(0, newLoss, openBase);
        _assertEq(charge, LossIndex.owed(absBase, 0, alone), "LIDX-3 pays for the newer loss only");
        _assertTrue(_mulLeMulAdd(newLoss, absBase, charge, openBase, 0), "LIDX-2 charge >= exact share");
        _assertTrue(_mulLeMulAdd(charge, openBase, newLoss, absBase, openBase), "LIDX-2 charge <= share + 1");
    }

    /// @notice The harness returns what the library does (the TypeScript tests rely on it).
    function testFuzz_harnessMatchesLibrary(
        uint256 index,
        uint256 loss,
        uint256 openBase,
        uint256 absBase
    ) public view {
        (uint256 expectedIndex, bool expectedAbsorbed) = LossIndex.socialize(index, loss, openBase);
        (uint256 newIndex, bool absorbed) = _harness.socialize(index, loss, openBase);
        _assertEq(newIndex, expectedIndex, "harness index");
        _assertTrue(absorbed == expectedAbsorbed, "harness absorbed");
        absBase = _bound(absBase, 0, 2 ** 160);
        _assertEq(_harness.owed(absBase, 0, index), LossIndex.owed(absBase, 0, index), "harness owed");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------------

    function _checkSocialize(uint256 index, uint256 loss, uint256 openBase) private pure {
        (uint256 newIndex, bool absorbed) = LossIndex.socialize(index, loss, openBase);
        if (openBase == 0) {
            _assertTrue(!absorbed, "LIDX-4 not absorbed without open base");
            _assertEq(newIndex, index, "LIDX-4 index unchanged without open base");
            return;
        }
        // ceil(loss * S / openBase) <= headroom  <=>  loss * S <= headroom * openBase.
        bool fits = _mulLeMulAdd(loss, S, MAX - index, openBase, 0);
        _assertTrue(absorbed == fits, "LIDX-4 absorbed exactly when the increment fits");
        if (!absorbed) {
            _assertEq(newIndex, index, "LIDX-4 index unchanged when full");
            return;
        }
        uint256 increment = newIndex - index;
        _assertTrue(_mulLeMulAdd(loss, S, increment, openBase, 0), "LIDX-4 increment * openBase >= loss * S");
        if (increment > 0) {
            _assertTrue(!_mulLeMulAdd(loss, S, increment - 1, openBase, 0), "LIDX-4 increment is the least such");
        }
    }

    function _hash(uint256 seed, uint256 round, uint256 i) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, round, i)));
    }

    /// @notice A position size up to `MAX_POSITION_BASE`, its order of magnitude drawn first (so one wei, dust,
    /// whole contracts and the largest all occur); zero (closed) about one time in 29.
    function _size(uint256 h) private pure returns (uint256) {
        uint256 digits = h % 29; // 0 ..= 28
        return Math.min((h >> 8) % (10 ** digits), MAX_POSITION_BASE);
    }

    /// @notice A loss from 0 to 1e30 units, its order of magnitude drawn first; exactly 1 unit one time in 8.
    function _loss(uint256 h) private pure returns (uint256) {
        if (h % 8 == 0) return 1;
        uint256 digits = (h >> 3) % 31; // 0 ..= 30
        return (h >> 16) % (10 ** digits + 1);
    }
}
