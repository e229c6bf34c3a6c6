import { expect } from "chai";
import { network } from "hardhat";

import { deployFund, MARKET_ID, registerMarket } from "../lib/fundFixture.js";
import { usdc } from "../lib/units.js";
import { FeeKind } from "../lib/model/feePolicies.js";

const { ethers, networkHelpers } = await network.create();

describe("InsuranceFund bad-debt repayment", () => {
  /** A market with no insurance left (limit 0) and 300 USDC of bad debt; the policy sends every fee to the fund. */
  async function marketWithBadDebt() {
    const policy = await ethers.deployContract("MockFeePolicy", [10_000n, 10_000n]);
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

  it("test_collectFee_feeThatOnlyRepaysBadDebtPullsNothing", async () => {
    const { fund, exchange, usdc: token } = await networkHelpers.loadFixture(marketWithBadDebt);
    expect(await fund.totalBadDebt()).to.equal(usdc(300));
    // The exchange holds no tokens and approved nothing: a pull would revert. The whole 100 USDC fee is the
    // fund's part, and all of it repays bad debt, which the exchange keeps.
    await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(100)))
      .to.emit(fund, "InsuranceFundFeeCollected")
      .withArgs(MARKET_ID, FeeKind.TradingFee, usdc(100), usdc(100), 0n, usdc(100))
      .and.to.emit(fund, "InsuranceFundBadDebtRepaid")
      .withArgs(MARKET_ID, usdc(100), usdc(200));
    expect(await token.balanceOf(exchange.address)).to.equal(0n);
    expect(await token.balanceOf(await fund.getAddress())).to.equal(0n);
    expect(await fund.fundBalance()).to.equal(0n);
    expect(await fund.treasuryAccrued()).to.equal(0n);
    expect(await fund.totalBadDebt()).to.equal(usdc(200));
    expect((await fund.market(MARKET_ID)).badDebt).to.equal(usdc(200));
  });
});
