import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "./helpers/exchangeFixture.js";
import { usdc } from "./helpers/units.js";

const { ethers, networkHelpers } = await network.create();

const WAD = 10n ** 18n;

describe("ReferenceExchange edges", () => {
  async function exchangeFixture() {
    return deployExchange(ethers);
  }

  it("test_constructor_revertsForAQuoteTokenAbove18Decimals", async () => {
    const { exchange, fundAddress, admin } = await networkHelpers.loadFixture(exchangeFixture);
    const token = await ethers.deployContract("MockDecimalsToken", [19n]);
    await expect(ethers.deployContract("ReferenceExchange", [await token.getAddress(), fundAddress, admin.address]))
      .to.be.revertedWithCustomError(exchange, "ReferenceExchangeUnsupportedDecimals")
      .withArgs(19n);
  });

  it("test_accountHealth_flatAccountIsItsCollateral", async () => {
    const s = await networkHelpers.loadFixture(exchangeFixture);
    await s.depositFor(s.alice, usdc(1_000));
    const h = await s.exchange.accountHealth(s.alice.address, MARKET_ID);
    // No position: no pending loss, no PnL, no notional; the margin ratio is equity / collateral = 1.
    expect(h.collateral).to.equal(usdc(1_000));
    expect(h.pendingLoss).to.equal(0n);
    expect(h.unrealizedPnl).to.equal(0n);
    expect(h.equity).to.equal(usdc(1_000));
    expect(h.notional).to.equal(0n);
    expect(h.marginRatioWad).to.equal(WAD);
    expect(h.liquidatable).to.equal(false);
    expect(h.bankrupt).to.equal(false);
    // An account that never deposited: no collateral, so the ratio is the documented minimum.
    const empty = await s.exchange.accountHealth(s.bob.address, MARKET_ID);
    expect(empty.collateral).to.equal(0n);
    expect(empty.marginRatioWad).to.equal(-(2n ** 255n));
    expect(empty.liquidatable).to.equal(false);
  });
});
