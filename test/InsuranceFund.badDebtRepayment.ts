import { expect } from "chai";
import { network } from "hardhat";

import { deployFund, MARKET_ID, registerMarket } from "../lib/fundFixture.js";
import { usdc } from "../lib/units.js";
import { FeeKind } from "../lib/model/feePolicies.js";

const { ethers, networkHelpers } = await network.create();

describe("InsuranceFund bad-debt repayment", () => {
  /** A market with no insurance left (limit 0) and 300 USDC of bad debt, under a policy sending `shareBps` of
   * every fee to the fund. */
  async function marketWithBadDebtUnder(shareBps: bigint) {
    const policy = await ethers.deployContract("MockFeePolicy", [shareBps, shareBps]);
    const suite = await deployFund(ethers, { policy: await policy.getAddress() });
    await registerMarket(suite, 0n);
    await suite.fund.connect(suite.exchange).coverBankruptcy(MARKET_ID, {
      account: suite.carol.address,
      shortfall: usdc(300),
      liquidator: suite.bob.address,
      reward: 0n,
      liquidatedNotional: usdc(10_000),
      openBase: 0n,
    });
    return suite;
  }

  /** The policy sends every fee to the fund. */
  const marketWithBadDebt = () => marketWithBadDebtUnder(10_000n);
  /** The policy sends every fee to the treasury (Spin's top band). */
  const marketWithBadDebtAndNoFundShare = () => marketWithBadDebtUnder(0n);

  it("test_collectFee_feeThatOnlyRepaysBadDebtPullsNothing", async () => {
    const { fund, exchange, usdc: token } = await networkHelpers.loadFixture(marketWithBadDebt);
    expect(await fund.totalBadDebt()).to.equal(usdc(300));
    // The exchange holds no tokens and approved nothing: a pull would revert. The whole 100 USDC fee repays bad
    // debt before any split, and the exchange keeps it: nothing is left for the policy.
    await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(100)))
      .to.emit(fund, "InsuranceFundFeeCollected")
      .withArgs(MARKET_ID, FeeKind.TradingFee, usdc(100), 0n, 0n, usdc(100))
      .and.to.emit(fund, "InsuranceFundBadDebtRepaid")
      .withArgs(MARKET_ID, usdc(100), usdc(200));
    expect(await token.balanceOf(exchange.address)).to.equal(0n);
    expect(await token.balanceOf(await fund.getAddress())).to.equal(0n);
    expect(await fund.fundBalance()).to.equal(0n);
    expect(await fund.treasuryAccrued()).to.equal(0n);
    expect(await fund.totalBadDebt()).to.equal(usdc(200));
    expect((await fund.market(MARKET_ID)).badDebt).to.equal(usdc(200));
  });

  it("test_collectFee_badDebtIsRepaidFromTheWholeFeeEvenWhenThePolicyGivesTheFundNothing", async () => {
    const { fund, exchange, treasury, usdc: token } = await networkHelpers.loadFixture(marketWithBadDebtAndNoFundShare);
    const fundAddress = await fund.getAddress();
    // Before: the fund's part (0 here) repaid bad debt, so a policy giving the fund nothing never repaid any.
    await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(100)))
      .to.emit(fund, "InsuranceFundFeeCollected")
      .withArgs(MARKET_ID, FeeKind.TradingFee, usdc(100), 0n, 0n, usdc(100));
    expect(await fund.totalBadDebt()).to.equal(usdc(200));

    // A fee above the bad debt left: 200 repays it, the policy splits the other 50 (all to the treasury), and
    // only those 50 are pulled: amount == badDebtRepaid + fundPart + treasuryPart.
    await token.mint(exchange.address, usdc(50));
    await token.connect(exchange).approve(fundAddress, usdc(50));
    await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.LiquidationPenalty, usdc(250)))
      .to.emit(fund, "InsuranceFundFeeCollected")
      .withArgs(MARKET_ID, FeeKind.LiquidationPenalty, usdc(250), 0n, usdc(50), usdc(200))
      .and.to.emit(fund, "InsuranceFundBadDebtRepaid")
      .withArgs(MARKET_ID, usdc(200), 0n);
    expect(await fund.totalBadDebt()).to.equal(0n);
    expect(await fund.treasuryAccrued()).to.equal(usdc(50));
    expect(await token.balanceOf(exchange.address)).to.equal(0n);
    expect(await token.balanceOf(fundAddress)).to.equal(usdc(50));
    expect(treasury.address).to.not.equal(exchange.address);
  });
});
