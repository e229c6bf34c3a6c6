import { expect } from "chai";
import { network } from "hardhat";

import { deployFund, MARKET_ID, registerMarket, seed } from "../lib/fundFixture.js";
import { usdc } from "../lib/units.js";
import { FeeKind } from "../lib/model/feePolicies.js";

const { ethers, networkHelpers } = await network.create();

const BROKEN_BAND = 255n;

/** Each hostile policy, and how to set it to misbehave once it is installed (all start honest). */
const HOSTILE = [
  { name: "OverAllocatingPolicy", mode: undefined, bandBroken: false },
  { name: "MisSummingPolicy", mode: undefined, bandBroken: false },
  { name: "WrappingSumPolicy", mode: undefined, bandBroken: false },
  { name: "GasBurningPolicy", mode: undefined, bandBroken: true },
  { name: "RevertingPolicy", mode: 0n, bandBroken: true }, // custom error
  { name: "RevertingPolicy", mode: 1n, bandBroken: true }, // empty revert
  { name: "RevertingPolicy", mode: 2n, bandBroken: true }, // panic
  { name: "RevertingPolicy", mode: 3n, bandBroken: true }, // 100 kB of revert data
  { name: "MalformedReturnPolicy", mode: 0n, bandBroken: true }, // one-word answer / band 256
] as const;

describe("InsuranceFund with a hostile fee policy", () => {
  async function fundWithFees() {
    const suite = await deployFund(ethers);
    await registerMarket(suite, usdc(1_000_000));
    await seed(suite, usdc(10_000));
    await suite.usdc.mint(suite.exchange.address, usdc(1_000));
    await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, ethers.MaxUint256);
    return suite;
  }

  for (const { name, mode, bandBroken } of HOSTILE) {
    const label = mode === undefined ? name : `${name} (mode ${mode})`;

    it(`test_collectFee_${label}_isCaughtAndEverythingGoesToTheFund`, async () => {
      const suite = await networkHelpers.loadFixture(fundWithFees);
      const { fund, governor, exchange, usdc: token, fundAddress } = suite;
      const policy = await ethers.deployContract(name);
      const policyAddress = await policy.getAddress();
      // Honest (disarmed) while probed by setFeePolicy, then armed.
      await (policy as any).setArmed(false);
      await fund.connect(governor).setFeePolicy(policyAddress);
      if (mode !== undefined) await (policy as any).setMode(mode);
      await (policy as any).setArmed(true);

      for (const kind of [FeeKind.TradingFee, FeeKind.LiquidationPenalty]) {
        await expect(fund.connect(exchange).collectFee(MARKET_ID, kind, 1_001n))
          .to.emit(fund, "InsuranceFundPolicyFailed")
          .withArgs(policyAddress, kind, 1_001n)
          .and.to.emit(fund, "InsuranceFundFeeCollected")
          .withArgs(MARKET_ID, kind, 1_001n, 1_001n, 0n, 0n);
      }
      expect(await fund.fundBalance()).to.equal(usdc(10_000) + 2_002n);
      expect(await fund.treasuryAccrued()).to.equal(0n);
      expect(await token.balanceOf(fundAddress)).to.equal(usdc(10_000) + 2_002n);
      // A policy that fails to answer its band leaves the rest of the health readable.
      const health = await fund.health();
      expect(health.balance).to.equal(usdc(10_000) + 2_002n);
      expect(health.band).to.equal(bandBroken ? BROKEN_BAND : 0n);
    });

    it(`test_setFeePolicy_${label}_armedIsRefused`, async () => {
      const { fund, governor } = await networkHelpers.loadFixture(fundWithFees);
      const policy = await ethers.deployContract(name);
      if (mode !== undefined) await (policy as any).setMode(mode);
      const address = await policy.getAddress();
      await expect(fund.connect(governor).setFeePolicy(address))
        .to.be.revertedWithCustomError(fund, "InsuranceFundInvalidPolicy")
        .withArgs(address);
    });
  }

  it("test_collectFee_validAnswerFollowedByJunkIsTakenCheaply", async () => {
    // A valid 50/50 answer followed by 100 kB of junk: the fund reads the two words it needs and copies no
    // more: copying 100 kB into memory alone would cost over 500,000 gas.
    const suite = await networkHelpers.loadFixture(fundWithFees);
    const { fund, governor, exchange } = suite;
    const policy = await ethers.deployContract("MalformedReturnPolicy");
    await policy.setMode(1n);
    await fund.connect(governor).setFeePolicy(await policy.getAddress());
    const tx = await fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, 1_001n);
    await expect(tx)
      .to.emit(fund, "InsuranceFundFeeCollected")
      .withArgs(MARKET_ID, FeeKind.TradingFee, 1_001n, 501n, 500n, 0n);
    await expect(tx).not.to.emit(fund, "InsuranceFundPolicyFailed");
    expect((await tx.wait())!.gasUsed).to.be.lessThan(200_000n);
    expect((await fund.health()).band).to.equal(0n);
  });

  it("test_collectFee_liquidationGoesThroughAGasBurningPolicyOnAModestGasLimit", async () => {
    const suite = await networkHelpers.loadFixture(fundWithFees);
    const { fund, governor, exchange } = suite;
    const policy = await ethers.deployContract("GasBurningPolicy");
    await policy.setArmed(false);
    await fund.connect(governor).setFeePolicy(await policy.getAddress());
    await policy.setArmed(true);
    // The policy may burn at most POLICY_GAS_LIMIT (100,000); 300,000 gas is plenty for the rest.
    const tx = await fund
      .connect(exchange)
      .collectFee(MARKET_ID, FeeKind.LiquidationPenalty, usdc(1), { gasLimit: 300_000n });
    const receipt = await tx.wait();
    expect(receipt!.status).to.equal(1);
    expect(await fund.fundBalance()).to.equal(usdc(10_001));
  });
});
