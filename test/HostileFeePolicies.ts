// The broken fee policies in contracts/mocks/ do what they say, so that the fund's tests that use them show
// what they claim: disarmed, each one is an honest 50/50 policy; armed, each one breaks in its own way.
import { expect } from "chai";
import { network } from "hardhat";

import { FeeKind, fixedShareModel, fundState } from "../lib/model/feePolicies.js";
import { MAX_UINT256, usdc } from "../lib/units.js";
import { type FeePolicyContract, shouldBehaveLikeFeePolicy } from "./helpers/shouldBehaveLikeFeePolicy.js";

const { ethers, networkHelpers } = await network.create();

const STATE = fundState({ balance: usdc(100_000), averageOpenInterest: usdc(10_000_000) });
const HOSTILE = [
  "OverAllocatingPolicy",
  "MisSummingPolicy",
  "WrappingSumPolicy",
  "RevertingPolicy",
  "GasBurningPolicy",
  "MalformedReturnPolicy",
] as const;

async function deployAll() {
  const [overAllocating, misSumming, wrappingSum, reverting, gasBurning, malformed] = await Promise.all(
    HOSTILE.map((name) => ethers.deployContract(name)),
  );
  return { overAllocating, misSumming, wrappingSum, reverting, gasBurning, malformed };
}

/** The revert data of a call that reverts, as hex (the provider's error carries it). */
async function revertData(to: string, data: string): Promise<string> {
  try {
    await ethers.provider.call({ to, data });
  } catch (error) {
    return (error as { data: string }).data;
  }
  throw new Error("the call did not revert");
}

describe("hostile fee policies (mocks)", function () {
  for (const name of HOSTILE) {
    async function deployDisarmed() {
      // A name from a list gives an untyped contract: every mock implements IFeePolicy.
      const policy = (await ethers.deployContract(name)) as unknown as FeePolicyContract;
      await (await ethers.getContractAt("HostilePolicyBase", await policy.getAddress())).setArmed(false);
      return { policy, model: fixedShareModel(5_000n, 5_000n), ethers, networkHelpers };
    }
    Object.defineProperty(deployDisarmed, "name", { value: `deployDisarmed${name}` });
    shouldBehaveLikeFeePolicy(`${name}, disarmed`, () => networkHelpers.loadFixture(deployDisarmed));
  }

  it("test_setArmed_startsArmedAndToggles", async function () {
    const { overAllocating } = await networkHelpers.loadFixture(deployAll);
    expect(await overAllocating.armed()).to.equal(true);
    await expect(overAllocating.setArmed(false)).to.emit(overAllocating, "HostilePolicyArmed").withArgs(false);
    expect(await overAllocating.split(FeeKind.TradingFee, 11n, STATE)).to.deep.equal([6n, 5n]);
    await expect(overAllocating.setArmed(true)).to.emit(overAllocating, "HostilePolicyArmed").withArgs(true);
    expect(await overAllocating.split(FeeKind.TradingFee, 11n, STATE)).to.deep.equal([12n, 0n]);
  });

  it("test_OverAllocatingPolicy_givesTheFundOneUnitMoreThanTheAmount", async function () {
    const { overAllocating } = await networkHelpers.loadFixture(deployAll);
    expect(await overAllocating.split(FeeKind.TradingFee, 0n, STATE)).to.deep.equal([1n, 0n]);
    expect(await overAllocating.split(FeeKind.LiquidationPenalty, 1_000_001n, STATE)).to.deep.equal([1_000_002n, 0n]);
    await expect(overAllocating.split(FeeKind.TradingFee, MAX_UINT256, STATE)).to.be.revertedWithPanic(0x11);
    expect(await overAllocating.band(STATE)).to.equal(0n);
  });

  it("test_MisSummingPolicy_answersPartsOneUnitShort", async function () {
    const { misSumming } = await networkHelpers.loadFixture(deployAll);
    expect(await misSumming.split(FeeKind.TradingFee, 1_000_001n, STATE)).to.deep.equal([500_000n, 500_000n]);
    expect(await misSumming.split(FeeKind.LiquidationPenalty, 10n, STATE)).to.deep.equal([5n, 4n]);
    expect(await misSumming.split(FeeKind.TradingFee, 1n, STATE)).to.deep.equal([0n, 0n]);
    expect(await misSumming.split(FeeKind.TradingFee, 0n, STATE)).to.deep.equal([0n, MAX_UINT256]);
  });

  it("test_WrappingSumPolicy_answersPartsThatAddUpOnlyModulo2To256", async function () {
    const { wrappingSum } = await networkHelpers.loadFixture(deployAll);
    const [fundPart, treasuryPart] = await wrappingSum.split(FeeKind.TradingFee, 1_000_001n, STATE);
    expect([fundPart, treasuryPart]).to.deep.equal([1_000_002n, MAX_UINT256]);
    expect((fundPart + treasuryPart) % (1n << 256n)).to.equal(1_000_001n);
  });

  it("test_RevertingPolicy_revertsInEachMode", async function () {
    const { reverting } = await networkHelpers.loadFixture(deployAll);
    const to = await reverting.getAddress();
    const splitData = reverting.interface.encodeFunctionData("split", [FeeKind.TradingFee, 1_000_001n, STATE]);
    const bandData = reverting.interface.encodeFunctionData("band", [STATE]);
    const customError = reverting.interface.encodeErrorResult("RevertingPolicyReverted", []);
    const panic = reverting.interface.encodeErrorResult("Panic(uint256)", [0x12]);
    // Mode 0: the custom error (the default).
    await expect(reverting.split(FeeKind.TradingFee, 1n, STATE)).to.be.revertedWithCustomError(
      reverting,
      "RevertingPolicyReverted",
    );
    await expect(reverting.band(STATE)).to.be.revertedWithCustomError(reverting, "RevertingPolicyReverted");
    expect(await revertData(to, splitData)).to.equal(customError);
    // Mode 1: no revert data.
    await expect(reverting.setMode(1)).to.emit(reverting, "RevertingPolicyModeSet").withArgs(1);
    expect(await revertData(to, splitData)).to.equal("0x");
    expect(await revertData(to, bandData)).to.equal("0x");
    // Mode 2: a panic.
    await reverting.setMode(2);
    await expect(reverting.split(FeeKind.TradingFee, 1n, STATE)).to.be.revertedWithPanic(0x12);
    expect(await revertData(to, bandData)).to.equal(panic);
    // Mode 3: 100,000 bytes of revert data.
    await reverting.setMode(3);
    expect(await reverting.HUGE_REVERT_DATA_BYTES()).to.equal(100_000n);
    expect((await revertData(to, splitData)).length).to.equal(2 + 2 * 100_000);
    expect((await revertData(to, bandData)).length).to.equal(2 + 2 * 100_000);
  });

  it("test_GasBurningPolicy_usesAllTheGasItIsGiven", async function () {
    const { gasBurning } = await networkHelpers.loadFixture(deployAll);
    const to = await gasBurning.getAddress();
    for (const data of [
      gasBurning.interface.encodeFunctionData("split", [FeeKind.TradingFee, 1_000_001n, STATE]),
      gasBurning.interface.encodeFunctionData("band", [STATE]),
    ]) {
      for (const gasLimit of [100_000n, 1_000_000n]) {
        let failed = false;
        try {
          await ethers.provider.call({ to, data, gasLimit });
        } catch {
          failed = true;
        }
        expect(failed, `gas limit ${gasLimit}`).to.equal(true);
      }
    }
  });

  it("test_MalformedReturnPolicy_shortAnswersDoNotDecode", async function () {
    const { malformed } = await networkHelpers.loadFixture(deployAll);
    const to = await malformed.getAddress();
    const split = await ethers.provider.call({
      to,
      data: malformed.interface.encodeFunctionData("split", [FeeKind.TradingFee, 1_000_001n, STATE]),
    });
    expect(split).to.equal(ethers.toBeHex(1_000_001n, 32));
    const band = await ethers.provider.call({
      to,
      data: malformed.interface.encodeFunctionData("band", [STATE]),
    });
    expect(band).to.equal(ethers.toBeHex(256n, 32));
    let failed = false;
    try {
      await malformed.split(FeeKind.TradingFee, 1_000_001n, STATE);
    } catch {
      failed = true;
    }
    expect(failed, "ethers decoded a one-word split").to.equal(true);
  });

  it("test_MalformedReturnPolicy_longAnswersCarryJunk", async function () {
    const { malformed } = await networkHelpers.loadFixture(deployAll);
    await expect(malformed.setMode(1)).to.emit(malformed, "MalformedReturnPolicyModeSet").withArgs(1);
    const to = await malformed.getAddress();
    const split = await ethers.provider.call({
      to,
      data: malformed.interface.encodeFunctionData("split", [FeeKind.TradingFee, 1_000_001n, STATE]),
    });
    expect(await malformed.LONG_RETURN_DATA_BYTES()).to.equal(100_000n);
    expect(split.length).to.equal(2 + 2 * (64 + 100_000));
    expect(split.slice(0, 2 + 128)).to.equal(
      ethers.concat([ethers.toBeHex(500_001n, 32), ethers.toBeHex(500_000n, 32)]),
    );
    const band = await ethers.provider.call({
      to,
      data: malformed.interface.encodeFunctionData("band", [STATE]),
    });
    expect(band.length).to.equal(2 + 2 * (32 + 100_000));
    expect(BigInt(band.slice(0, 66))).to.equal(0n);
  });
});
