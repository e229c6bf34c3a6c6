import { expect } from "chai";
import { network } from "hardhat";

import { MARKET_ID } from "../../lib/exchangeFixture.js";
import { FeeKind } from "../../lib/model/feePolicies.js";
import * as model from "../../lib/model/exchange.js";
import { usdc, WAD, wad } from "../../lib/units.js";
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
const { aliceLongFixture, exchangeFixture } = referenceExchangeFixtures(ethers);

describe("ReferenceExchange", () => {
  // ================================================================ trading

  describe("trade", () => {
    it("test_trade_opensLongChargesTheFeeAndReportsOpenInterest", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.depositFor(s.alice, usdc(1_000));
      const expected = model.trade(model.flat(usdc(1_000)), wad(4), wad(2_000), P, Q);
      // The spec's numbers: 0.1 % of 4 x 2,000 = 8 USDC, split 50 / 50 by the fixed-share policy.
      expect(expected.fee).to.equal(usdc(8));
      const tx = s.exchange.connect(s.alice).trade(MARKET_ID, wad(4));
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.alice.address, MARKET_ID, wad(4), wad(2_000), 0n, usdc(8), wad(4));
      // One call to the fund: the fee, split 4 / 4, and the market's open interest.
      await expect(tx)
        .to.emit(s.fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.TradingFee, usdc(4), usdc(4), usdc(8_000));
      await expect(tx).not.to.emit(s.fund, "InsuranceFundFeeCollected");
      expect(await s.fund.totalOpenInterest()).to.equal(usdc(8_000));
      expect(await positionOf(s, s.alice)).to.deep.equal(expected.position);
      expect(expected.position).to.deep.equal({ collateral: usdc(992), base: wad(4), openNotional: wad(8_000) });
      expect(await s.fund.fundBalance()).to.equal(usdc(10_000) + usdc(4));
      expect(await s.fund.treasuryAccrued()).to.equal(usdc(4));
      expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc(992));
      expect((await s.exchange.market(MARKET_ID)).openBaseWad).to.equal(wad(4));
      expect(await s.exchange.openInterest(MARKET_ID)).to.equal(usdc(8_000));
      expect((await s.exchange.position(s.alice.address, MARKET_ID)).settledLossIndex).to.equal(0n);
      await expectSolvent(s, [s.alice]);
    });

    it("test_trade_increasesAtANewPrice", async () => {
      const s = await loadFixture(exchangeFixture);
      await openPosition(s, s.alice, usdc(2_000), wad(4));
      await s.setPrice(2_100);
      const expected = model.trade(await positionOf(s, s.alice), wad(2), wad(2_100), P, Q);
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, wad(2)))
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.alice.address, MARKET_ID, wad(2), wad(2_100), 0n, usdc("4.2"), wad(6));
      expect(await positionOf(s, s.alice)).to.deep.equal(expected.position);
      expect(expected.position).to.deep.equal({
        collateral: usdc(1_992) - usdc("4.2"),
        base: wad(6),
        openNotional: wad(12_200),
      });
      expect((await s.fund.market(MARKET_ID)).openInterest).to.equal(usdc(12_600));
      await expectSolvent(s, [s.alice]);
    });

    it("test_trade_reducesAndRealizesTheClosedPartsPnl", async () => {
      const s = await loadFixture(aliceLongFixture);
      await s.setPrice(2_100);
      const expected = model.trade(await positionOf(s, s.alice), -wad(1), wad(2_100), P, Q);
      // 1 x (2,100 - 2,000) = +100; fee 2.1; 3 left at a cost of 6,000.
      expect(expected.realizedPnl).to.equal(usdc(100));
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, -wad(1)))
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.alice.address, MARKET_ID, -wad(1), wad(2_100), usdc(100), usdc("2.1"), wad(3));
      expect(await positionOf(s, s.alice)).to.deep.equal(expected.position);
      expect(expected.position).to.deep.equal({
        collateral: usdc(992) + usdc(100) - usdc("2.1"),
        base: wad(3),
        openNotional: wad(6_000),
      });
      expect((await s.fund.market(MARKET_ID)).openInterest).to.equal(usdc(6_300));
      expect(await s.exchange.counterpartyRealizedPnl()).to.equal(-usdc(100));
      await expectSolvent(s, [s.alice]);
    });

    it("test_trade_closesAndRealizesTheLoss", async () => {
      const s = await loadFixture(aliceLongFixture);
      await s.setPrice(1_900);
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, -wad(4)))
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.alice.address, MARKET_ID, -wad(4), wad(1_900), -usdc(400), usdc("7.6"), 0n);
      expect(await positionOf(s, s.alice)).to.deep.equal(model.flat(usdc(992) - usdc(400) - usdc("7.6")));
      expect((await s.fund.market(MARKET_ID)).openInterest).to.equal(0n);
      expect((await s.exchange.market(MARKET_ID)).openBaseWad).to.equal(0n);
      // She can take everything out.
      await s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc("584.4"));
      await expectSolvent(s, [s.alice]);
    });

    it("test_trade_flipsLongToShort", async () => {
      const s = await loadFixture(exchangeFixture);
      await openPosition(s, s.alice, usdc(2_000), wad(4));
      await s.setPrice(2_100);
      const expected = model.trade(await positionOf(s, s.alice), -wad(6), wad(2_100), P, Q);
      // Closes 4 (+400), opens short 2 at 2,100; the fee is on all 6 traded (12.6).
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, -wad(6)))
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.alice.address, MARKET_ID, -wad(6), wad(2_100), usdc(400), usdc("12.6"), -wad(2));
      expect(await positionOf(s, s.alice)).to.deep.equal(expected.position);
      expect(expected.position).to.deep.equal({
        collateral: usdc(1_992) + usdc(400) - usdc("12.6"),
        base: -wad(2),
        openNotional: -wad(4_200),
      });
      expect((await s.fund.market(MARKET_ID)).openInterest).to.equal(usdc(4_200));
      // The short profits when the price falls.
      await s.setPrice(2_000);
      expect((await s.exchange.accountHealth(s.alice.address, MARKET_ID)).unrealizedPnl).to.equal(usdc(200));
      await expectSolvent(s, [s.alice]);
    });

    it("test_trade_flipNeedsTheInitialMarginOfTheNewSide", async () => {
      const s = await loadFixture(aliceLongFixture); // collateral 992
      // Flipping to short 5 needs 1,000 of margin; after the 18 USDC fee on 9 x 2,000 only 974 is left.
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, -wad(9)))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInsufficientMargin")
        .withArgs(s.alice.address, MARKET_ID, usdc(974), usdc(1_000));
    });

    it("test_trade_shortProfitsWhenThePriceFalls", async () => {
      const s = await loadFixture(exchangeFixture);
      await openPosition(s, s.bob, usdc(1_000), -wad(3));
      await s.setPrice(1_800);
      await expect(s.exchange.connect(s.bob).trade(MARKET_ID, wad(3)))
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.bob.address, MARKET_ID, wad(3), wad(1_800), usdc(600), usdc("5.4"), 0n);
      expect(await positionOf(s, s.bob)).to.deep.equal(model.flat(usdc(994) + usdc(600) - usdc("5.4")));
      await expectSolvent(s, [s.bob]);
    });

    it("test_trade_roundsTheFeeUpAndThePnlDown", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.depositFor(s.alice, usdc(1_000));
      await s.depositFor(s.bob, usdc(1_000));
      const size = wad("0.123456789012345678");
      await s.setPrice("1234.56789012");
      const p0 = wad("1234.56789012");
      const openLong = model.trade(model.flat(usdc(1_000)), size, p0, P, Q);
      // Exact notional 152.41578753.. USDC: the fee is 0.15241578.. rounded up to 0.152416.
      expect(model.notionalUp(size, p0, Q)).to.equal(152_415_788n);
      expect(openLong.fee).to.equal(152_416n);
      await s.exchange.connect(s.alice).trade(MARKET_ID, size);
      await s.exchange.connect(s.bob).trade(MARKET_ID, -size);
      expect(await positionOf(s, s.alice)).to.deep.equal(openLong.position);
      const openShort = model.trade(model.flat(usdc(1_000)), -size, p0, P, Q);
      expect(await positionOf(s, s.bob)).to.deep.equal(openShort.position);

      // Close both at a price that leaves fractions of a unit: each side's PnL rounds down.
      const p1 = wad("1300.00000001");
      await s.setPrice("1300.00000001");
      const exact = size * (p1 - p0); // long PnL in units of 1e-36 USDC-wad
      const scale = WAD * Q;
      const closeLong = model.trade(openLong.position, -size, p1, P, Q);
      const closeShort = model.trade(openShort.position, size, p1, P, Q);
      expect(closeLong.realizedPnl).to.equal(model.floorDiv(exact, scale));
      expect(closeShort.realizedPnl).to.equal(model.floorDiv(-exact, scale));
      expect(closeLong.realizedPnl + closeShort.realizedPnl).to.equal(-1n); // the exchange keeps the unit
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, -size))
        .to.emit(s.exchange, "ReferenceExchangeTraded")
        .withArgs(s.alice.address, MARKET_ID, -size, p1, closeLong.realizedPnl, closeLong.fee, 0n);
      await s.exchange.connect(s.bob).trade(MARKET_ID, size);
      expect(await positionOf(s, s.alice)).to.deep.equal(closeLong.position);
      expect(await positionOf(s, s.bob)).to.deep.equal(closeShort.position);
      await expectSolvent(s, [s.alice, s.bob]);
    });

    it("test_trade_partialClosesEachRoundDownOnceAndReleaseTheWholeCost", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.depositFor(s.alice, usdc(1_000));
      await s.setPrice("1999.99999999");
      const p0 = wad("1999.99999999");
      let expected = model.trade(model.flat(usdc(1_000)), wad(3), p0, P, Q);
      await s.exchange.connect(s.alice).trade(MARKET_ID, wad(3));
      // Three closes of a third at 2,000.33333333: each realizes 0.33333334 USDC, rounded down to 0.333333.
      await s.setPrice("2000.33333333");
      const p1 = wad("2000.33333333");
      let realized = 0n;
      for (const part of [wad(1), wad(1), wad(1)]) {
        expected = model.trade(expected.position, -part, p1, P, Q);
        expect(expected.realizedPnl).to.equal(333_333n);
        realized += expected.realizedPnl;
        await s.exchange.connect(s.alice).trade(MARKET_ID, -part);
        expect(await positionOf(s, s.alice)).to.deep.equal(expected.position);
      }
      // The whole cost is released, and the exact 1.00000002 USDC was paid as 0.999999: under one unit per
      // realization, kept by the exchange.
      expect(expected.position.openNotional).to.equal(0n);
      expect(realized).to.equal(999_999n);
      expect(await s.exchange.counterpartyRealizedPnl()).to.equal(-999_999n);
      await expectSolvent(s, [s.alice]);
    });

    it("test_trade_revertsAboveTheMaximumLeverage", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.depositFor(s.alice, usdc(1_000));
      // 4.951 x 2,000 = 9,902: fee 9.902 leaves 990.098 against the 990.2 the position needs.
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, wad("4.951")))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInsufficientMargin")
        .withArgs(s.alice.address, MARKET_ID, usdc("990.098"), usdc("990.2"));
      // 4.95 x 2,000 = 9,900: fee 9.9 leaves 990.1 against 990.
      await s.exchange.connect(s.alice).trade(MARKET_ID, wad("4.95"));
      expect((await positionOf(s, s.alice)).collateral).to.equal(usdc("990.1"));
    });

    it("test_trade_revertsForZeroSizeOrUnknownMarket", async () => {
      const s = await loadFixture(aliceLongFixture);
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, 0n)).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroSize",
      );
      await expect(s.exchange.connect(s.alice).trade(9n, wad(1)))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnknownMarket")
        .withArgs(9n);
    });

    it("test_trade_reducingNeedsOnlyNonNegativeCollateral", async () => {
      const s = await loadFixture(aliceLongFixture);
      await s.setPrice(1_800); // equity 192 of 992: liquidatable, yet she may reduce
      expect((await s.exchange.accountHealth(s.alice.address, MARKET_ID)).liquidatable).to.equal(true);
      await s.exchange.connect(s.alice).trade(MARKET_ID, -wad(1));
      expect((await positionOf(s, s.alice)).collateral).to.equal(usdc(992) - usdc(200) - usdc("1.8"));
      // Below zero equity, closing would leave negative collateral: only a liquidation may close it.
      await s.setPrice(1_700);
      const p = await positionOf(s, s.alice);
      const close = model.trade(p, -wad(3), wad(1_700), P, Q);
      expect(close.position.collateral).to.equal(usdc("790.2") - usdc(900) - usdc("5.1"));
      expect(close.position.collateral).to.be.lessThan(0n);
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, -wad(3)))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeNegativeCollateral")
        .withArgs(s.alice.address, MARKET_ID, close.position.collateral);
    });

    it("test_trade_increaseRevertsWhileLiquidatable", async () => {
      const s = await loadFixture(exchangeFixture);
      await openPosition(s, s.alice, usdc(10_000), wad(4)); // collateral 9,992
      await s.setPrice(1_200); // uPnL -3,200: ratio 0.6797.., while the initial margin is met
      const after = model.trade(await positionOf(s, s.alice), wad("0.001"), wad(1_200), P, Q);
      const eq = model.equity(after.position, wad(1_200), Q);
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, wad("0.001")))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeBelowLiquidationRatio")
        .withArgs(s.alice.address, MARKET_ID, (eq * wad(1)) / after.position.collateral);
    });

    it("test_trade_reportsTheOpenInterestOfBothSides", async () => {
      const s = await loadFixture(exchangeFixture);
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      await openPosition(s, s.bob, usdc(1_000), -wad(3));
      expect((await s.fund.market(MARKET_ID)).openInterest).to.equal(usdc(14_000));
      await s.setPrice(2_100);
      await openPosition(s, s.carol, usdc(1_000), wad(1));
      // (4 + 3 + 1) x 2,100.
      expect((await s.fund.market(MARKET_ID)).openInterest).to.equal(usdc(16_800));
      expect(await s.fund.totalOpenInterest()).to.equal(usdc(16_800));
      expect(await s.exchange.openInterest(MARKET_ID)).to.equal(usdc(16_800));
      await expectSolvent(s, [s.alice, s.bob, s.carol]);
    });
  });
});
