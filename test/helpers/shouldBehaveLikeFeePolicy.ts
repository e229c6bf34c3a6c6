// The behaviour every fee policy (anything the fund may call through `IFeePolicy`) must show, checked against
// the policy's bigint model: `shouldBehaveLikeFeePolicy(name, deployFixture)` inside a policy's test file.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { expect } from "chai";
import type { BaseContract } from "ethers";

import { amounts, describeState, fundStates, Prng, TWO_128 } from "./feePolicyCases.js";
import { FEE_KINDS, FeeKind, type FeePolicyModel, type FundState } from "../../lib/model/feePolicies.js";

/**
 * The most gas a whole direct call of `split` or `band` may take, the 21,000 base cost and the calldata
 * included. The fund gives a policy at most 100,000 gas per answer; an honest policy stays far below it.
 */
export const FEE_POLICY_CALL_GAS_BUDGET = 60_000n;

/** The policy's calls the suite makes (a typed contract from `ethers.deployContract` satisfies it). */
export interface FeePolicyContract extends BaseContract {
  split(kind: number, amount: bigint, state: FundState): Promise<[bigint, bigint]>;
  band(state: FundState): Promise<bigint>;
}

export interface FeePolicyFixture {
  policy: FeePolicyContract;
  /** The policy's reference model, with the same parameters as the deployed policy. */
  model: FeePolicyModel;
  ethers: HardhatEthers;
  networkHelpers: NetworkHelpers;
  /** Bands the parameters make empty (e.g. the middle band when the lower and upper bounds are equal). */
  unreachableBands?: number[];
}

/** How many random amounts and states each check goes through. */
const RANDOM_AMOUNTS = 24;
const RANDOM_STATES = 24;

const KIND_NAMES: Record<FeeKind, string> = {
  [FeeKind.TradingFee]: "trading fee",
  [FeeKind.LiquidationPenalty]: "liquidation penalty",
};

function describeCase(kind: FeeKind, amount: bigint, state: FundState): string {
  return `${KIND_NAMES[kind]} ${amount} in state ${describeState(state)}`;
}

/** Asks the policy for every case's split: it adds up to the amount, and it is the model's, to the unit. */
async function expectSplitsAddUpAndMatchTheModel(
  policy: FeePolicyContract,
  model: FeePolicyModel,
  cases: { kind: FeeKind; amount: bigint; state: FundState }[],
): Promise<void> {
  const answers = await Promise.all(cases.map((c) => policy.split(c.kind, c.amount, c.state)));
  cases.forEach(({ kind, amount, state }, i) => {
    const [fundPart, treasuryPart] = answers[i];
    const what = describeCase(kind, amount, state);
    expect(fundPart + treasuryPart, `sum, ${what}`).to.equal(amount);
    expect(fundPart <= amount, `fund part within the amount, ${what}`).to.equal(true);
    const expected = model.split(kind, amount, state);
    expect([fundPart, treasuryPart], what).to.deep.equal([expected.fundPart, expected.treasuryPart]);
  });
}

/**
 * @param name The policy's name, for the test titles.
 * @param deployFixture Returns a freshly deployed policy and its model; wrap the deployment in
 * `networkHelpers.loadFixture` (pass a named function) so each test starts from the same snapshot.
 */
export function shouldBehaveLikeFeePolicy(name: string, deployFixture: () => Promise<FeePolicyFixture>): void {
  describe(`behaves like a fee policy: ${name}`, function () {
    it("test_split_matchesModelAndAddsUpForRandomAmountsAndStates", async function () {
      const { policy, model } = await deployFixture();
      const prng = new Prng(`split ${name}`);
      const states = fundStates(prng, RANDOM_STATES);
      const cases = states.flatMap((state) =>
        FEE_KINDS.map((kind) => ({ kind, amount: prng.pick(amounts(prng, RANDOM_AMOUNTS)), state })),
      );
      await expectSplitsAddUpAndMatchTheModel(policy, model, cases);
    });

    it("test_split_addsUpToTheUnitForEveryAmountOfEveryKind", async function () {
      const { policy, model } = await deployFixture();
      const prng = new Prng(`amounts ${name}`);
      const every = amounts(prng, RANDOM_AMOUNTS);
      expect(every).to.include.members([0n, 1n, TWO_128]);
      const states = fundStates(prng, 3);
      const cases = states.flatMap((state) =>
        FEE_KINDS.flatMap((kind) => every.map((amount) => ({ kind, amount, state }))),
      );
      await expectSplitsAddUpAndMatchTheModel(policy, model, cases);
    });

    it("test_split_zeroAmountIsZeroParts", async function () {
      const { policy } = await deployFixture();
      for (const state of fundStates(new Prng(`zero ${name}`), 6)) {
        for (const kind of FEE_KINDS) {
          expect(await policy.split(kind, 0n, state)).to.deep.equal([0n, 0n]);
        }
      }
    });

    it("test_split_isDeterministicWhateverTheCallerAndTheBlock", async function () {
      const { policy, ethers, networkHelpers } = await deployFixture();
      const [first, second] = await ethers.getSigners();
      const to = await policy.getAddress();
      const prng = new Prng(`determinism ${name}`);
      const calls = fundStates(prng, 6).flatMap((state) =>
        FEE_KINDS.flatMap((kind) => [
          policy.interface.encodeFunctionData("split", [kind, prng.logUniform(128), state]),
          policy.interface.encodeFunctionData("band", [state]),
        ]),
      );
      const ask = (from: string) => Promise.all(calls.map((data) => ethers.provider.call({ to, data, from })));
      const before = await ask(first.address);
      expect(await ask(first.address)).to.deep.equal(before);
      expect(await ask(second.address)).to.deep.equal(before);
      await networkHelpers.time.increase(7 * 24 * 60 * 60);
      await networkHelpers.mine(3);
      expect(await ask(first.address)).to.deep.equal(before);
    });

    it("test_band_inRangeAndMatchesModel", async function () {
      const { policy, model, unreachableBands = [] } = await deployFixture();
      const states = fundStates(new Prng(`band ${name}`), 4 * RANDOM_STATES);
      const bands = await Promise.all(states.map((s) => policy.band(s)));
      const seen = new Set<number>();
      states.forEach((state, i) => {
        const band = Number(bands[i]);
        const what = describeState(state);
        expect(band, `band in range, state ${what}`).to.be.within(0, model.bandCount - 1);
        expect(band, `state ${what}`).to.equal(model.band(state));
        seen.add(band);
      });
      // The random states reach every band there is, so the checks above looked at all of them.
      const reachable = [...Array(model.bandCount).keys()].filter((b) => !unreachableBands.includes(b));
      expect([...seen].sort()).to.deep.equal(reachable);
    });

    it("test_splitAndBand_areViewsWithinTheGasBudget", async function () {
      const { policy, ethers } = await deployFixture();
      expect(policy.interface.getFunction("split")?.stateMutability).to.be.oneOf(["view", "pure"]);
      expect(policy.interface.getFunction("band")?.stateMutability).to.be.oneOf(["view", "pure"]);
      const to = await policy.getAddress();
      const prng = new Prng(`gas ${name}`);
      for (const state of fundStates(prng, 8)) {
        for (const data of [
          policy.interface.encodeFunctionData("split", [FeeKind.LiquidationPenalty, TWO_128 - 1n, state]),
          policy.interface.encodeFunctionData("band", [state]),
        ]) {
          const gas = await ethers.provider.estimateGas({ to, data });
          expect(gas <= FEE_POLICY_CALL_GAS_BUDGET, `gas ${gas}`).to.equal(true);
        }
      }
    });
  });
}
