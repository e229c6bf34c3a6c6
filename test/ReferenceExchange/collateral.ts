import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
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
  // ================================================================ house capital

  describe("house capital", () => {
    it("test_houseCapital_depositedAndWithdrawnByTheOwnerWithinWhatThereIs", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.quote.mint(s.admin.address, usdc(500));
      await s.quote.connect(s.admin).approve(s.exchangeAddress, usdc(500));
      await expect(s.exchange.connect(s.admin).depositHouseCapital(0n)).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroAmount",
      );
      await s.exchange.connect(s.admin).depositHouseCapital(usdc(500));
      await expectSolvent(s, []);
      await expect(s.exchange.connect(s.admin).withdrawHouseCapital(0n, s.bob.address)).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroAmount",
      );
      await expect(
        s.exchange.connect(s.admin).withdrawHouseCapital(usdc(1), ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeZeroAddress");
      await expect(s.exchange.connect(s.alice).withdrawHouseCapital(usdc(1), s.alice.address))
        .to.be.revertedWithCustomError(s.exchange, "OwnableUnauthorizedAccount")
        .withArgs(s.alice.address);
      await expect(s.exchange.connect(s.admin).withdrawHouseCapital(usdc(200), s.bob.address))
        .to.emit(s.exchange, "ReferenceExchangeHouseCapitalWithdrawn")
        .withArgs(s.bob.address, usdc(200));
      expect(await s.exchange.houseCapital()).to.equal(usdc(300));
      expect(await s.quote.balanceOf(s.bob.address)).to.equal(usdc(200));
      await expectSolvent(s, []);
    });
  });

  // ================================================================ deposit and withdraw

  describe("deposit / withdraw", () => {
    it("test_deposit_creditsCollateralAndEmits", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.quote.mint(s.alice.address, usdc(1_000));
      await s.quote.connect(s.alice).approve(s.exchangeAddress, usdc(1_000));
      await expect(s.exchange.connect(s.alice).deposit(MARKET_ID, usdc(600)))
        .to.emit(s.exchange, "ReferenceExchangeDeposited")
        .withArgs(s.alice.address, MARKET_ID, usdc(600));
      expect(await positionOf(s, s.alice)).to.deep.equal(model.flat(usdc(600)));
      expect(await s.quote.balanceOf(s.alice.address)).to.equal(usdc(400));
      await expectSolvent(s, [s.alice]);
    });

    it("test_deposit_revertsForZeroAmountOrUnknownMarket", async () => {
      const s = await loadFixture(exchangeFixture);
      await expect(s.exchange.connect(s.alice).deposit(MARKET_ID, 0n)).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroAmount",
      );
      await expect(s.exchange.connect(s.alice).deposit(9n, 1n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnknownMarket")
        .withArgs(9n);
    });

    it("test_deposit_rejectsReentryFromTheToken", async () => {
      const evil = await ethers.deployContract("ReentrantToken");
      const s = await deployExchange(ethers, { token: await evil.getAddress(), fundSeed: 0n });
      await evil.mint(s.alice.address, usdc(10));
      await evil.connect(s.alice).approve(s.exchangeAddress, usdc(10));
      await evil.arm(
        s.exchangeAddress,
        s.exchange.interface.encodeFunctionData("settle", [s.alice.address, MARKET_ID]),
      );
      await s.exchange.connect(s.alice).deposit(MARKET_ID, usdc(10));
      expect(await evil.attackCount()).to.equal(1n);
      expect(await evil.lastAttackSucceeded()).to.equal(false);
      expect(await evil.lastAttackResult()).to.equal(
        s.exchange.interface.getError("ReentrancyGuardReentrantCall")!.selector,
      );
    });

    it("test_withdraw_flatAccountUpToItsCollateral", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.depositFor(s.alice, usdc(100));
      await expect(s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(100) + 1n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInsufficientMargin")
        .withArgs(s.alice.address, MARKET_ID, -1n, 0n);
      await expect(s.exchange.connect(s.alice).withdraw(MARKET_ID, 0n)).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroAmount",
      );
      // A flat account needs no price: it can leave while the oracle is broken.
      await s.feed.setPrice(0n);
      await expect(s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(100)))
        .to.emit(s.exchange, "ReferenceExchangeWithdrawn")
        .withArgs(s.alice.address, MARKET_ID, usdc(100));
      expect(await s.quote.balanceOf(s.alice.address)).to.equal(usdc(100));
      await expectSolvent(s, [s.alice]);
    });

    it("test_withdraw_keepsTheInitialMargin", async () => {
      const s = await loadFixture(aliceLongFixture);
      // Collateral 992, notional 8,000, initial margin 10 %: 800 must stay.
      const p = await positionOf(s, s.alice);
      expect(p.collateral).to.equal(usdc(992));
      expect(model.initialMargin(p, wad(2_000), P, Q)).to.equal(usdc(800));
      await expect(s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(192) + 1n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInsufficientMargin")
        .withArgs(s.alice.address, MARKET_ID, usdc(800) - 1n, usdc(800));
      await s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(192));
      expect((await positionOf(s, s.alice)).collateral).to.equal(usdc(800));
      await expectSolvent(s, [s.alice]);
    });

    it("test_withdraw_countsUnrealizedLossButNotProfit", async () => {
      const s = await loadFixture(aliceLongFixture);
      await s.depositFor(s.alice, usdc(1_000)); // collateral 1,992
      // Up 100: uPnL +400 does not count; notional 8,400 needs 840.
      await s.setPrice(2_100);
      await expect(s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(1_152) + 1n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInsufficientMargin")
        .withArgs(s.alice.address, MARKET_ID, usdc(840) - 1n, usdc(840));
      // Down 50: uPnL -200 counts; notional 7,800 needs 780; equity 1,792.
      await s.setPrice(1_950);
      await expect(s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(1_012) + 1n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInsufficientMargin")
        .withArgs(s.alice.address, MARKET_ID, usdc(780) - 1n, usdc(780));
      await s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(1_012));
      expect((await positionOf(s, s.alice)).collateral).to.equal(usdc(980));
    });

    it("test_withdraw_revertsWhenItWouldLeaveTheAccountLiquidatable", async () => {
      const s = await loadFixture(exchangeFixture);
      await openPosition(s, s.alice, usdc(10_000), wad(1)); // collateral 9,998
      await s.setPrice(1_000); // uPnL -1,000; the initial margin (100) is far away
      // equity / collateral >= 0.7 holds down to a collateral of 3,333.33.., i.e. a withdrawal of 6,664.
      const collateral = usdc(9_998) - usdc(6_665);
      const ratio = ((collateral - usdc(1_000)) * wad(1)) / collateral;
      await expect(s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(6_665)))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeBelowLiquidationRatio")
        .withArgs(s.alice.address, MARKET_ID, ratio);
      await s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(6_664));
      expect((await s.exchange.accountHealth(s.alice.address, MARKET_ID)).liquidatable).to.equal(false);
    });

    it("test_accountHealth_flatAccountIsItsCollateral", async () => {
      const s = await loadFixture(exchangeFixture);
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
});
