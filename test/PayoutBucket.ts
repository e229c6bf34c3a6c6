import { expect } from "chai";
import { network } from "hardhat";

import { DISABLED, PayoutBucketModel } from "../lib/model/payoutBucket.js";
import { Prng } from "../lib/prng.js";
import { DAY, HOUR, MAX_UINT128, MAX_UINT256, USDC } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

async function deployBucket() {
  return ethers.deployContract("PayoutBucketHarness");
}
// The TypeChain type, without naming the folder TypeChain writes to.
type PayoutBucketHarness = Awaited<ReturnType<typeof deployBucket>>;

/** Reads the level in the latest block, and checks the block is at `now`. */
async function levelAt(harness: PayoutBucketHarness, now: bigint): Promise<bigint> {
  const [level, timestamp] = await harness.availableNow();
  expect(timestamp).to.equal(now);
  return level;
}

describe("PayoutBucket", function () {
  describe("against the model over random steps", function () {
    const SEQUENCES = 6;
    const STEPS = 60;
    const totals = { consumes: 0, short: 0, configures: 0, refused: 0 };
    after(function () {
      // A few hundred steps in all, with short buckets and governance changes among them.
      expect(totals.consumes).to.be.greaterThan(250);
      expect(totals.short).to.be.greaterThan(40);
      expect(totals.configures).to.be.greaterThan(20);
      expect(totals.refused).to.be.greaterThan(3);
      if (process.env.PAYOUT_BUCKET_STATS) console.log(JSON.stringify(totals));
    });

    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      it(`matches the model exactly: sequence ${sequence}`, async function () {
        const random = new Prng(`payout-bucket-${sequence}`);
        const harness = await networkHelpers.loadFixture(deployBucket);
        const model = new PayoutBucketModel();

        const randomConfiguration = (): [bigint, bigint] => {
          const kind = random.int(10);
          if (kind === 0) return [DISABLED, random.below(1000n)];
          if (kind === 1) return [MAX_UINT128 - 1n, random.below(MAX_UINT128)]; // the largest enabled bucket
          if (kind === 2) {
            const capacity = random.between(1n, 10n ** 12n);
            return random.chance(1, 2) ? [0n, 0n] : [capacity, capacity + 1n + random.below(100n)]; // refused
          }
          const capacity = random.between(1n, 10n ** BigInt(random.int(14) + 1)); // up to 100 million USDC
          return [capacity, random.below(capacity / BigInt(1 + random.int(100_000)) + 1n)];
        };
        const randomWanted = (level: bigint): bigint => {
          const kind = random.int(6);
          if (kind === 0) return 0n;
          if (kind === 1 && level > 0n && level < MAX_UINT256) return random.below(level);
          if (kind === 2 && level < MAX_UINT256) return level;
          if (kind === 3 && level < MAX_UINT256 - 1000n) return level + 1n + random.below(1000n);
          if (kind === 4) return MAX_UINT256;
          return random.magnitude(0, 15);
        };

        let time = BigInt(await networkHelpers.time.latest()) + 100n;
        const capacity = random.between(1000n, 10n ** 12n);
        const refillPerSecond = random.below(capacity / 1000n);
        await networkHelpers.time.setNextBlockTimestamp(time);
        await harness.configure(capacity, refillPerSecond);
        model.configure(time, capacity, refillPerSecond);
        expect(await levelAt(harness, time)).to.equal(model.available(time));

        for (let step = 0; step < STEPS; step++) {
          const gapKind = random.int(5);
          time += gapKind === 0 ? 1n : gapKind < 3 ? random.between(1n, 600n) : random.between(1n, 3n * DAY);
          await networkHelpers.time.setNextBlockTimestamp(time);
          if (random.chance(1, 6)) {
            const [newCapacity, newRefill] = randomConfiguration();
            let refused = false;
            try {
              model.configure(time, newCapacity, newRefill);
            } catch (error) {
              refused = true;
              await expect(harness.configure(newCapacity, newRefill)).to.be.revertedWithCustomError(
                harness,
                (error as Error).message,
              );
              await networkHelpers.mine(); // the reverted call mined no block at `time`
              totals.refused++;
            }
            if (!refused) {
              await harness.configure(newCapacity, newRefill);
              totals.configures++;
            }
          } else {
            const wanted = randomWanted(model.available(time));
            const expected = model.consume(time, wanted);
            await harness.consume(wanted);
            expect(await harness.lastTaken()).to.equal(expected, `taken at step ${step}`);
            if (expected < wanted) totals.short++;
            totals.consumes++;
          }
          expect(await levelAt(harness, time)).to.equal(model.available(time), `level at step ${step}`);
          const state = await harness.state();
          expect([state[2], state[3]]).to.deep.equal([model.capacity, model.refillPerSecond]);
          if (!model.disabled) expect(state[0]).to.be.at.most(model.capacity);
        }
      });
    }
  });

  describe("the drain bound", function () {
    it("takes at least 9 days to pay 1,000,000 USDC through a 100,000 USDC bucket refilled per day", async function () {
      const harness = await networkHelpers.loadFixture(deployBucket);
      const model = new PayoutBucketModel();
      const capacity = 100_000n * USDC;
      const refillPerSecond = capacity / DAY; // 1,157,407 units: rounded down, slower than 100,000 USDC a day
      const target = 1_000_000n * USDC;

      let time = BigInt(await networkHelpers.time.latest()) + 100n;
      await networkHelpers.time.setNextBlockTimestamp(time);
      await harness.configure(capacity, refillPerSecond);
      model.configure(time, capacity, refillPerSecond);

      // As fast as possible: everything still owed, every hour (the bucket never fills up in an hour, so no
      // refill is lost to the cap), and the last payout at the first second the rest is there.
      time += 1n;
      const start = time;
      let paid = 0n;
      for (;;) {
        await networkHelpers.time.setNextBlockTimestamp(time);
        await harness.consume(target - paid);
        const taken = model.consume(time, target - paid);
        expect(await harness.lastTaken()).to.equal(taken);
        paid += taken;
        if (paid === target) break;
        const next = time + HOUR;
        time = target - paid <= capacity ? minimum(next, model.timeWhenAvailable(time, target - paid)) : next;
      }
      const elapsed = time - start;
      expect(await harness.totalTaken()).to.equal(target);
      expect(elapsed).to.be.at.least(9n * DAY);
      // (1,000,000 - 100,000) USDC / 1,157,407 per second = 777,600.27 s: the 777,601st second.
      expect(elapsed).to.equal(9n * DAY + 1n);
    });
  });
});

function minimum(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
