import { expect } from "chai";
import { network } from "hardhat";

import { Prng } from "../lib/prng.js";
import { waterfall, type WaterfallInput, waterfallSteps } from "../lib/model/waterfall.js";

const { ethers, networkHelpers } = await network.create();

const MAX_AMOUNT = 2n ** 128n - 1n;
const USDC = 10n ** 6n;
const UNLIMITED = 2n ** 256n - 1n;

describe("Waterfall", () => {
  async function deployHarness() {
    return ethers.deployContract("WaterfallHarness");
  }
  type Harness = Awaited<ReturnType<typeof deployHarness>>;

  function input(fields: Partial<WaterfallInput>): WaterfallInput {
    return {
      shortfall: 0n,
      reward: 0n,
      fundSpendable: 0n,
      fundLimitLeft: 0n,
      backstopSpendable: 0n,
      backstopLimitLeft: 0n,
      earlierPending: 0n,
      payoutAvailable: UNLIMITED,
      ...fields,
    };
  }

  /** Runs the harness and checks every output field against the model, and the conservation identity. */
  async function expectSteps(harness: Harness, x: WaterfallInput, label: string) {
    const expected = waterfallSteps(x);
    const r = await harness.run(x);
    const actual = {
      allocation: {
        fundReward: r.allocation.fundReward,
        fundShortfall: r.allocation.fundShortfall,
        backstopReward: r.allocation.backstopReward,
        backstopShortfall: r.allocation.backstopShortfall,
      },
      timing: { earlierPaid: r.timing.earlierPaid, paidNow: r.timing.paidNow, pending: r.timing.pending },
      remainder: { reward: r.remainder.reward, shortfall: r.remainder.shortfall },
    };
    expect(actual, label).to.deep.equal(expected);
    expect(
      actual.timing.paidNow + actual.timing.pending + actual.remainder.reward + actual.remainder.shortfall,
      `${label}: S + R == paid now + pending + remainder`,
    ).to.equal(x.shortfall + x.reward);
    expect(
      actual.timing.earlierPaid + actual.timing.paidNow <= x.payoutAvailable,
      `${label}: paid within what is available`,
    ).to.equal(true);
    // Timing never changes who bears what: the same claim with no earlier claim and no limit allocates the same.
    const free = waterfallSteps({ ...x, earlierPending: 0n, payoutAvailable: UNLIMITED });
    expect(actual.allocation, `${label}: allocation independent of timing`).to.deep.equal(free.allocation);
    expect(actual.remainder, `${label}: remainder independent of timing`).to.deep.equal(free.remainder);
    return expected;
  }

  describe("boundaries", () => {
    const cases: [string, Partial<WaterfallInput>][] = [
      ["test_run_zeroFund", { shortfall: 200n * USDC, reward: 10n * USDC, fundLimitLeft: 1_000n * USDC }],
      ["test_run_zeroLimitLeft", { shortfall: 200n * USDC, reward: 10n * USDC, fundSpendable: 1_000n * USDC }],
      ["test_run_rewardAlone", { reward: 10n * USDC, fundSpendable: 1_000n * USDC, fundLimitLeft: 1_000n * USDC }],
      ["test_run_rewardAloneShort", { reward: 10n * USDC, fundSpendable: 4n * USDC, fundLimitLeft: 1_000n * USDC }],
      ["test_run_exactlyEnough", { shortfall: 200n, reward: 10n, fundSpendable: 210n, fundLimitLeft: 210n }],
      ["test_run_oneUnitShort", { shortfall: 200n, reward: 10n, fundSpendable: 209n, fundLimitLeft: 210n }],
      ["test_run_limitOneUnitShort", { shortfall: 200n, reward: 10n, fundSpendable: 210n, fundLimitLeft: 209n }],
      ["test_run_nothingOwed", { fundSpendable: 1n, fundLimitLeft: 1n }],
      [
        "test_run_maxAmounts",
        { shortfall: MAX_AMOUNT, reward: MAX_AMOUNT, fundSpendable: MAX_AMOUNT, fundLimitLeft: MAX_AMOUNT },
      ],
      [
        "test_run_backstopAfterFund",
        {
          shortfall: 200n,
          reward: 10n,
          fundSpendable: 5n,
          fundLimitLeft: 1_000n,
          backstopSpendable: 100n,
          backstopLimitLeft: 50n,
        },
      ],
      [
        "test_run_limitedPaysTheEarlierClaimFirst",
        {
          shortfall: 200n,
          reward: 10n,
          fundSpendable: 1_000n,
          fundLimitLeft: 1_000n,
          earlierPending: 30n,
          payoutAvailable: 100n,
        },
      ],
      [
        "test_run_pausedPaysNothing",
        {
          shortfall: 200n,
          reward: 10n,
          fundSpendable: 1_000n,
          fundLimitLeft: 1_000n,
          earlierPending: 30n,
          payoutAvailable: 0n,
        },
      ],
      [
        "test_run_earlierClaimTakesAll",
        {
          shortfall: 200n,
          reward: 10n,
          fundSpendable: 1_000n,
          fundLimitLeft: 1_000n,
          earlierPending: 300n,
          payoutAvailable: 250n,
        },
      ],
    ];
    for (const [name, fields] of cases) {
      it(name, async () => {
        const harness = await networkHelpers.loadFixture(deployHarness);
        await expectSteps(harness, input(fields), name);
      });
    }

    it("test_run_reachesTheSpecWaterfall: with no backstop the steps pay what the spec's waterfall pays", async () => {
      const harness = await networkHelpers.loadFixture(deployHarness);
      const state = { balance: 15n, insuranceLimit: 1_000n, insurancePaid: 0n, rewardCap: 10n, rewardCapBps: 10_000n };
      const claim = { shortfall: 200n, reward: 30n, liquidatedNotional: 1_000n, openBase: 0n };
      const cover = waterfall(state, claim);
      const steps = await expectSteps(
        harness,
        input({ shortfall: 200n, reward: 10n, fundSpendable: 15n, fundLimitLeft: 1_000n }),
        "spec",
      );
      expect(steps.allocation.fundReward).to.equal(cover.fundReward);
      expect(steps.allocation.fundShortfall).to.equal(cover.fundShortfall);
      expect(steps.remainder.reward + steps.remainder.shortfall).to.equal(cover.socialized + cover.badDebt);
    });
  });

  describe("seeded random cases", () => {
    const CASES = 300;
    it(`testFuzz_run_matchesModel: ${CASES} cases (seed "waterfall")`, async () => {
      const harness = await networkHelpers.loadFixture(deployHarness);
      const rng = new Prng("waterfall");
      // Mostly amounts of similar size, so that every branch (short fund, short limit, enough) is taken; some
      // zeros and some up to 128 bits.
      const amount = () =>
        rng.chance(1, 8) ? 0n : rng.chance(1, 10) ? rng.below(MAX_AMOUNT + 1n) : rng.magnitude(1, 10);
      for (let i = 0; i < CASES; i++) {
        const x = input({
          shortfall: amount(),
          reward: amount(),
          fundSpendable: amount(),
          fundLimitLeft: amount(),
          ...(rng.chance(1, 3) ? { backstopSpendable: amount(), backstopLimitLeft: amount() } : {}),
          ...(rng.chance(1, 2) ? { earlierPending: amount(), payoutAvailable: amount() } : {}),
        });
        await expectSteps(harness, x, `case ${i}`);
      }
    });
  });
});
