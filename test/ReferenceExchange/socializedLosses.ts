import { expect } from "chai";
import { network } from "hardhat";

import { MARKET_ID } from "../../lib/exchangeFixture.js";
import { coverOf, coverTuple } from "../../lib/model/waterfall.js";
import * as model from "../../lib/model/exchange.js";
import { usdc, wad } from "../../lib/units.js";
import {
  expectSolvent,
  openPosition,
  P,
  positionOf,
  Q,
  referenceExchangeFixtures,
} from "../helpers/referenceExchange.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;
const { crashFixture } = referenceExchangeFixtures(ethers);

describe("ReferenceExchange", () => {
  // ================================================================ socialized losses

  describe("socialized losses", () => {
    /** The crash book at 1,700: Alice is bankrupt (-208) and the fund only has 8.5 USDC of fee income. */
    async function socializedFixture() {
      const s = await crashFixture();
      await s.setPrice(1_700);
      await s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
      return s;
    }

    it("test_liquidate_socializesWhatTheFundCannotPay", async () => {
      const s = await loadFixture(crashFixture);
      await s.setPrice(1_700);
      expect(await s.fund.fundBalance()).to.equal(usdc("8.5"));
      const claim = model.liquidate(await positionOf(s, s.alice), wad(1_700), P, Q);
      expect(claim).to.deep.include({ shortfall: usdc(208), claimedReward: usdc(34), notional: usdc(6_800) });
      // The fund bears 8.5 of the reward (all it has); the reward's other 25.5 and the 208 are socialized: 233.5.
      const index = model.lossIncrement(usdc("233.5"), wad("4.5"));
      const cover = coverOf({
        reward: usdc(34),
        fundReward: usdc("8.5"),
        paidNow: usdc("8.5"),
        socialized: usdc("233.5"),
      });
      const tx = s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
        .withArgs(s.alice.address, MARKET_ID, usdc(208), coverTuple(cover));
      await expect(tx)
        .to.emit(s.fund, "InsuranceFundLossSocialized")
        .withArgs(MARKET_ID, s.alice.address, usdc("233.5"), wad("4.5"), index);
      // One call: the open interest is recorded without an event of its own, as in a trade.
      await expect(tx).not.to.emit(s.fund, "InsuranceFundOpenInterestRecorded");
      await expect(tx).not.to.emit(s.fund, "InsuranceFundTradeSettled");
      expect((await s.fund.market(MARKET_ID)).openInterest).to.equal(usdc(7_650));
      expect(await s.fund.totalOpenInterest()).to.equal(usdc(7_650));
      expect(await s.fund.lossIndex(MARKET_ID)).to.equal(index);
      // Dave is paid his whole reward by the exchange.
      expect(await s.quote.balanceOf(s.dave.address)).to.equal(usdc(34));
      expect(await s.exchange.unsettledSocializedLoss()).to.equal(usdc("233.5"));
      await expectSolvent(s, [s.alice, s.bob, s.carol]);
    });

    it("test_settle_chargesEachPositionItsShareRoundedUp", async () => {
      const s = await loadFixture(socializedFixture);
      const index = await s.fund.lossIndex(MARKET_ID);
      const bobLoss = model.positionLoss(wad(3), 0n, index);
      const carolLoss = model.positionLoss(wad("1.5"), 0n, index);
      // 233.5 x 3 / 4.5 = 155.666.. and 233.5 x 1.5 / 4.5 = 77.833..: each rounded up.
      expect([bobLoss, carolLoss]).to.deep.equal([155_666_667n, 77_833_334n]);
      const bobBefore = await positionOf(s, s.bob);

      // Health views include what the next touch will charge.
      const h = await s.exchange.accountHealth(s.bob.address, MARKET_ID);
      expect(h.pendingLoss).to.equal(bobLoss);
      expect(h.collateral).to.equal(bobBefore.collateral - bobLoss);
      expect(h.unrealizedPnl).to.equal(usdc(900));

      await expect(s.exchange.connect(s.dave).settle(s.bob.address, MARKET_ID))
        .to.emit(s.exchange, "ReferenceExchangeLossSettled")
        .withArgs(s.bob.address, MARKET_ID, bobLoss, index);
      expect(await positionOf(s, s.bob)).to.deep.equal({ ...bobBefore, collateral: bobBefore.collateral - bobLoss });
      expect((await s.exchange.position(s.bob.address, MARKET_ID)).settledLossIndex).to.equal(index);
      // A second settle owes nothing.
      await expect(s.exchange.settle(s.bob.address, MARKET_ID)).not.to.emit(s.exchange, "ReferenceExchangeLossSettled");
      expect(await s.exchange.unsettledSocializedLoss()).to.equal(usdc("233.5") - bobLoss);
      await expectSolvent(s, [s.alice, s.bob, s.carol]);

      await s.exchange.settle(s.carol.address, MARKET_ID);
      // Once all settled, the exchange collected the loss and one unit more (the round-up).
      expect(await s.exchange.unsettledSocializedLoss()).to.equal(-1n);
      await expectSolvent(s, [s.alice, s.bob, s.carol]);
      await expect(s.exchange.settle(s.carol.address, 9n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnknownMarket")
        .withArgs(9n);
    });

    it("test_trade_settlesOnTheOldSizeBeforeChangingIt", async () => {
      const s = await loadFixture(socializedFixture);
      const index = await s.fund.lossIndex(MARKET_ID);
      const loss = model.positionLoss(wad(3), 0n, index);
      const before = await positionOf(s, s.bob);
      const expected = model.trade({ ...before, collateral: before.collateral - loss }, wad("1.5"), wad(1_700), P, Q);
      const tx = s.exchange.connect(s.bob).trade(MARKET_ID, wad("1.5"));
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeLossSettled")
        .withArgs(s.bob.address, MARKET_ID, loss, index);
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.bob.address, MARKET_ID, wad("1.5"), wad(1_700), usdc(450), usdc("2.55"), -wad("1.5"));
      expect(await positionOf(s, s.bob)).to.deep.equal(expected.position);
      await expectSolvent(s, [s.alice, s.bob, s.carol]);
    });

    it("test_trade_aNewPositionPaysNothingOfOlderLosses", async () => {
      const s = await loadFixture(socializedFixture);
      const index = await s.fund.lossIndex(MARKET_ID);
      expect(index).to.not.equal(0n);
      await openPosition(s, s.dave, usdc(1_000), wad(1));
      expect((await s.exchange.position(s.dave.address, MARKET_ID)).settledLossIndex).to.equal(index);
      expect((await s.exchange.accountHealth(s.dave.address, MARKET_ID)).pendingLoss).to.equal(0n);
      await expect(s.exchange.settle(s.dave.address, MARKET_ID)).not.to.emit(
        s.exchange,
        "ReferenceExchangeLossSettled",
      );
    });

    it("test_withdraw_settlesBeforeTheMarginCheck", async () => {
      const s = await loadFixture(socializedFixture);
      const loss = model.positionLoss(wad(3), 0n, await s.fund.lossIndex(MARKET_ID));
      const collateral = (await positionOf(s, s.bob)).collateral - loss;
      // Short 3 at 1,700: notional 5,100 needs 510; profit does not count.
      const max = collateral - usdc(510);
      await expect(s.exchange.connect(s.bob).withdraw(MARKET_ID, max + 1n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInsufficientMargin")
        .withArgs(s.bob.address, MARKET_ID, usdc(510) - 1n, usdc(510));
      await s.exchange.connect(s.bob).withdraw(MARKET_ID, max);
      expect((await positionOf(s, s.bob)).collateral).to.equal(usdc(510));
      await expectSolvent(s, [s.alice, s.bob, s.carol]);
    });

    it("test_settle_aChargeAboveTheCollateralMakesItNegativeAndLiquidatable", async () => {
      const s = await loadFixture(crashFixture);
      // Alice: equity 992 - 4,000 = -3,008, reward 20; the fund bears 8.5 of the reward, the rest is socialized.
      await s.setPrice(1_000);
      await s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
      expect(await s.exchange.unsettledSocializedLoss()).to.equal(usdc("3019.5"));
      const index = await s.fund.lossIndex(MARKET_ID);
      const carolLoss = model.positionLoss(wad("1.5"), 0n, index);
      const carolCollateral = usdc(997) - carolLoss;
      expect(carolCollateral).to.be.lessThan(0n);

      await s.exchange.settle(s.carol.address, MARKET_ID);
      expect((await positionOf(s, s.carol)).collateral).to.equal(carolCollateral);
      expect(await s.exchange.totalDeficit()).to.equal(-carolCollateral);
      const h = await s.exchange.accountHealth(s.carol.address, MARKET_ID);
      expect([h.liquidatable, h.bankrupt, h.marginRatioWad]).to.deep.equal([true, false, -(2n ** 255n)]);
      await expectSolvent(s, [s.alice, s.bob, s.carol]);
      // Negative collateral cannot open more...
      await expect(s.exchange.connect(s.carol).trade(MARKET_ID, -wad("0.1"))).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeInsufficientMargin",
      );
      // ...but closing in profit brings it back.
      const close = model.trade(await positionOf(s, s.carol), wad("1.5"), wad(1_000), P, Q);
      await s.exchange.connect(s.carol).trade(MARKET_ID, wad("1.5"));
      expect(await positionOf(s, s.carol)).to.deep.equal(close.position);
      expect(close.position.collateral).to.be.greaterThan(0n);
      expect(await s.exchange.totalDeficit()).to.equal(0n);

      // Bob is liquidated without an explicit settle: the liquidation charges him first, then closes in profit.
      const bobLoss = model.positionLoss(wad(3), 0n, index);
      const bob = await positionOf(s, s.bob);
      const expected = model.liquidate({ ...bob, collateral: bob.collateral - bobLoss }, wad(1_000), P, Q);
      expect(expected).to.deep.include({ bankrupt: false, penaltyPaid: usdc(30), liquidatorReward: usdc(15) });
      const tx = s.exchange.connect(s.dave).liquidate(s.bob.address, MARKET_ID);
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeLossSettled")
        .withArgs(s.bob.address, MARKET_ID, bobLoss, index);
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeLiquidated")
        .withArgs(s.bob.address, MARKET_ID, s.dave.address, -wad(3), wad(1_000), usdc(3_000), usdc(30), usdc(15));
      expect(await positionOf(s, s.bob)).to.deep.equal(model.flat(expected.collateralAfter));
      expect(await s.exchange.unsettledSocializedLoss()).to.equal(usdc("3019.5") - carolLoss - bobLoss);
      await expectSolvent(s, [s.alice, s.bob, s.carol]);
    });
  });
});
