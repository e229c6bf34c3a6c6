import { expect } from "chai";
import { network } from "hardhat";

import { mulBpsDown, mulBpsUp, splitUp } from "../lib/model/basisPoints.js";
import { Prng } from "../lib/prng.js";
import { MAX_BPS, MAX_UINT256 } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

describe("BasisPoints", () => {
  async function deployHarness() {
    return ethers.deployContract("BasisPointsHarness");
  }

  it("test_mulBps_edgeCasesMatchModel", async () => {
    const harness = await networkHelpers.loadFixture(deployHarness);
    const cases: [bigint, bigint, bigint, bigint][] = [
      // [amount, bps, down, up]
      [0n, 10_000n, 0n, 0n],
      [MAX_UINT256, 0n, 0n, 0n],
      [1n, 1n, 0n, 1n],
      [10_000n, 1n, 1n, 1n],
      [10_001n, 5_000n, 5_000n, 5_001n],
      [1_000_000_001n, 5_000n, 500_000_000n, 500_000_001n], // Spark: 50 % of 1,000.000001 USDC
      [123_456_789n, 2_000n, 24_691_357n, 24_691_358n], // Spin: 20 % of 123.456789 USDC
      [MAX_UINT256, 10_000n, MAX_UINT256, MAX_UINT256],
      [MAX_UINT256, 5_000n, 2n ** 255n - 1n, 2n ** 255n],
      [MAX_UINT256, 1n, MAX_UINT256 / 10_000n, MAX_UINT256 / 10_000n + 1n],
    ];
    for (const [amount, bps, down, up] of cases) {
      expect(mulBpsDown(amount, bps), `model down(${amount}, ${bps})`).to.equal(down);
      expect(mulBpsUp(amount, bps), `model up(${amount}, ${bps})`).to.equal(up);
      expect(await harness.mulBpsDown(amount, bps), `down(${amount}, ${bps})`).to.equal(down);
      expect(await harness.mulBpsUp(amount, bps), `up(${amount}, ${bps})`).to.equal(up);
    }
  });

  it("test_mulBps_revertsOnlyWhenTheResultOverflows", async () => {
    const harness = await networkHelpers.loadFixture(deployHarness);
    await expect(harness.mulBpsDown(MAX_UINT256, MAX_BPS + 1n)).to.be.revertedWithPanic(0x11);
    expect(() => mulBpsDown(MAX_UINT256, MAX_BPS + 1n)).to.throw(RangeError);
    // amount * 10,001 = 10,000 * max + 6,512: the floor is max, the ceiling one above it.
    const amount = 115780511186197575666004384570230884764793505315109053134144169590954034236512n;
    expect(await harness.mulBpsDown(amount, 10_001n)).to.equal(MAX_UINT256);
    await expect(harness.mulBpsUp(amount, 10_001n)).to.be.revertedWithPanic(0x11);
    expect(() => mulBpsUp(amount, 10_001n)).to.throw(RangeError);
  });

  it("test_mulBps_randomAmountsMatchModelAndSplitAddsUp", async () => {
    const harness = await networkHelpers.loadFixture(deployHarness);
    const rng = new Prng(42);
    for (let i = 0; i < 200; i++) {
      // Amounts of every size, up to the largest uint256 (where amount * bps no longer fits in 256 bits).
      const amount = rng.chance(1, 4) ? rng.between(MAX_UINT256 / MAX_BPS, MAX_UINT256) : rng.magnitude(0, 77);
      const bps = rng.chance(1, 5) ? rng.pick([0n, 1n, 5_000n, 9_999n, 10_000n]) : rng.between(0n, MAX_BPS);
      expect(await harness.mulBpsDown(amount, bps), `down(${amount}, ${bps})`).to.equal(mulBpsDown(amount, bps));
      expect(await harness.mulBpsUp(amount, bps), `up(${amount}, ${bps})`).to.equal(mulBpsUp(amount, bps));
      const { share, rest } = splitUp(amount, bps);
      expect(share + rest, `split(${amount}, ${bps})`).to.equal(amount);
      expect((await harness.mulBpsUp(amount, bps)) + (await harness.mulBpsDown(amount, MAX_BPS - bps))).to.equal(
        amount,
      );
    }
  });
});
