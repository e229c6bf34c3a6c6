// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BasisPoints} from "../../libraries/BasisPoints.sol";
import {BasisPointsHarness} from "../harnesses/BasisPointsHarness.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

/// @title BasisPointsTest
/// @notice Unit and fuzz tests of `BasisPoints`.
/// Properties (each assertion names its id):
/// - BPS-1 `mulBpsDown(a, b)` is `floor(a * b / 10_000)` exactly, for every `a` and every `b <= 10_000`.
/// - BPS-2 `mulBpsUp(a, b)` is `ceil(a * b / 10_000)` exactly, for every `a` and every `b <= 10_000`.
/// - BPS-3 The split adds up to the unit: `mulBpsUp(a, b) + mulBpsDown(a, 10_000 - b) == a`.
/// - BPS-4 A share never exceeds the amount: `mulBpsUp(a, b) <= a` for `b <= 10_000`.
contract BasisPointsTest is Assertions {
    uint256 private constant MAX = type(uint256).max;

    BasisPointsHarness private _harness;

    function setUp() public {
        _harness = new BasisPointsHarness();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Unit tests
    // ---------------------------------------------------------------------------------------------------------------

    function test_maxBps_isTenThousand() public view {
        _assertEq(_harness.maxBps(), 10_000, "MAX_BPS");
    }

    function test_mulBpsDown_roundsDown() public pure {
        _assertEq(BasisPoints.mulBpsDown(1, 1), 0, "1 unit at 1 bp");
        _assertEq(BasisPoints.mulBpsDown(9_999, 1), 0, "9,999 units at 1 bp");
        _assertEq(BasisPoints.mulBpsDown(10_000, 1), 1, "10,000 units at 1 bp");
        _assertEq(BasisPoints.mulBpsDown(10_001, 5_000), 5_000, "10,001 units at 50 %");
        _assertEq(BasisPoints.mulBpsDown(3, 3_333), 0, "3 units at 33.33 %");
    }

    function test_mulBpsUp_roundsUp() public pure {
        _assertEq(BasisPoints.mulBpsUp(1, 1), 1, "1 unit at 1 bp");
        _assertEq(BasisPoints.mulBpsUp(10_000, 1), 1, "10,000 units at 1 bp");
        _assertEq(BasisPoints.mulBpsUp(10_001, 1), 2, "10,001 units at 1 bp");
        _assertEq(BasisPoints.mulBpsUp(10_001, 5_000), 5_001, "10,001 units at 50 %");
        _assertEq(BasisPoints.mulBpsUp(3, 3_333), 1, "3 units at 33.33 %");
    }

    function test_mulBps_zeroAmountOrZeroBps() public pure {
        _assertEq(BasisPoints.mulBpsDown(0, 10_000), 0, "down: zero amount");
        _assertEq(BasisPoints.mulBpsUp(0, 10_000), 0, "up: zero amount");
        _assertEq(BasisPoints.mulBpsDown(MAX, 0), 0, "down: zero bps");
        _assertEq(BasisPoints.mulBpsUp(MAX, 0), 0, "up: zero bps");
    }

    function test_mulBps_spinAndSparkShares() public pure {
        // Spark: 50 % of a 1,000.000001 USDC fee; Spin: 20 % of trading fees, 40 % of penalties.
        _assertEq(BasisPoints.mulBpsDown(1_000_000_001, 5_000), 500_000_000, "Spark 50 % down");
        _assertEq(BasisPoints.mulBpsUp(1_000_000_001, 5_000), 500_000_001, "Spark 50 % up");
        _assertEq(BasisPoints.mulBpsUp(123_456_789, 2_000), 24_691_358, "Spin 20 % up");
        _assertEq(BasisPoints.mulBpsDown(123_456_789, 8_000), 98_765_431, "Spin 80 % down");
        _assertEq(BasisPoints.mulBpsUp(7, 4_000), 3, "Spin 40 % of 7 units up");
        _assertEq(BasisPoints.mulBpsDown(7, 6_000), 4, "Spin 60 % of 7 units down");
    }

    /// @notice The whole `uint256` range is exact: `amount * bps` may not fit, the result does.
    function test_mulBps_exactForTheLargestAmounts() public pure {
        _assertEq(BasisPoints.mulBpsDown(MAX, 10_000), MAX, "down: 100 % of max");
        _assertEq(BasisPoints.mulBpsUp(MAX, 10_000), MAX, "up: 100 % of max");
        // max = 2^256 - 1 is odd: half of it is 2^255 - 0.5.
        _assertEq(BasisPoints.mulBpsDown(MAX, 5_000), 2 ** 255 - 1, "down: 50 % of max");
        _assertEq(BasisPoints.mulBpsUp(MAX, 5_000), 2 ** 255, "up: 50 % of max");
        // max = 10,000 * q + 9,935 with q = max / 10,000: 1 bp of it is q + 0.9935.
        _assertEq(BasisPoints.mulBpsDown(MAX, 1), MAX / 10_000, "down: 1 bp of max");
        _assertEq(BasisPoints.mulBpsUp(MAX, 1), MAX / 10_000 + 1, "up: 1 bp of max");
        _assertEq(BasisPoints.mulBpsUp(MAX, 1) + BasisPoints.mulBpsDown(MAX, 9_999), MAX, "split of max");
    }

    /// @notice Above 100 % the result can outgrow `uint256`: the call reverts rather than wrap.
    function test_mulBps_revertsWhenTheResultOverflows() public {
        bytes memory overflow = abi.encodeWithSignature("Panic(uint256)", 0x11);
        VM.expectRevert(overflow);
        _harness.mulBpsDown(MAX, 10_001);
        VM.expectRevert(overflow);
        _harness.mulBpsUp(MAX, 10_001);
    }

    /// @notice Above 100 % the floor can be exactly `type(uint256).max` while the ceiling is one more: the ceiling's
    /// `+ 1` must stay checked.
    function test_mulBpsUp_revertsWhenOnlyTheCeilingOverflows() public {
        // amount * 10,001 = 10,000 * max + 6,512.
        uint256 amount = 115780511186197575666004384570230884764793505315109053134144169590954034236512;
        _assertEq(_harness.mulBpsDown(amount, 10_001), MAX, "floor is max");
        VM.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _harness.mulBpsUp(amount, 10_001);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fuzz tests
    // ---------------------------------------------------------------------------------------------------------------

    /// @notice BPS-1, BPS-2: checked on 512 bits against `10_000 * result` and the remainder of `amount * bps`.
    function testFuzz_mulBpsIsExactFloorAndCeil(uint256 amount, uint256 bps) public pure {
        bps = _bound(bps, 0, 10_000);
        uint256 down = BasisPoints.mulBpsDown(amount, bps);
        uint256 up = BasisPoints.mulBpsUp(amount, bps);
        uint256 remainder = mulmod(amount, bps, 10_000);
        // 10,000 * down + remainder == amount * bps, on 512 bits.
        _assertTrue(_mulLeMulAdd(amount, bps, down, 10_000, remainder), "BPS-1 a*b <= 10000*down + rem");
        _assertTrue(_mulLeMulAdd(down, 10_000, amount, bps, 0), "BPS-1 10000*down <= a*b");
        _assertEq(up, remainder == 0 ? down : down + 1, "BPS-2 up is down plus one unless exact");
    }

    /// @notice BPS-3: the receiving side rounded up and the keeping side rounded down add up to the amount.
    function testFuzz_splitAddsUp(uint256 amount, uint256 bps) public pure {
        bps = _bound(bps, 0, 10_000);
        uint256 share = BasisPoints.mulBpsUp(amount, bps);
        uint256 rest = BasisPoints.mulBpsDown(amount, 10_000 - bps);
        _assertEq(share + rest, amount, "BPS-3 split adds up");
        // And the other way round: the share rounded down, the rest rounded up.
        _assertEq(BasisPoints.mulBpsDown(amount, bps) + BasisPoints.mulBpsUp(amount, 10_000 - bps), amount, "BPS-3");
    }

    /// @notice BPS-4 and monotonicity in the share.
    function testFuzz_shareNeverExceedsAmount(uint256 amount, uint256 bps) public pure {
        bps = _bound(bps, 0, 9_999);
        _assertLe(BasisPoints.mulBpsUp(amount, bps), amount, "BPS-4 up <= amount");
        _assertLe(BasisPoints.mulBpsUp(amount, bps), BasisPoints.mulBpsUp(amount, bps + 1), "up is monotone");
        _assertLe(BasisPoints.mulBpsDown(amount, bps), BasisPoints.mulBpsDown(amount, bps + 1), "down is monotone");
    }

    /// @notice The harness returns what the library does (the TypeScript tests rely on it).
    function testFuzz_harnessMatchesLibrary(uint256 amount, uint256 bps) public view {
        bps = _bound(bps, 0, 10_000);
        _assertEq(_harness.mulBpsDown(amount, bps), BasisPoints.mulBpsDown(amount, bps), "harness down");
        _assertEq(_harness.mulBpsUp(amount, bps), BasisPoints.mulBpsUp(amount, bps), "harness up");
        _assertEq(Math.mulDiv(amount, bps, 10_000), BasisPoints.mulBpsDown(amount, bps), "OZ mulDiv agrees");
    }
}
