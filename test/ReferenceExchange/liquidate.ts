import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
import { coverOf, coverTuple, waterfall } from "../../lib/model/waterfall.js";
import { FeeKind } from "../../lib/model/feePolicies.js";
import * as model from "../../lib/model/exchange.js";
import { MAX_UINT128, usdc, wad } from "../../lib/units.js";
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
  // ================================================================ liquidation

  describe("liquidate", () => {
    it("test_liquidate_revertsForAHealthyAccountAtTheExactRatio", async () => {
      const s = await loadFixture(aliceLongFixture);
      // Liquidatable below equity 0.7 x 992 = 694.4, i.e. a price below 1,925.6.
      await s.setPrice("1925.6");
      await expect(s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeAccountHealthy")
        .withArgs(s.alice.address, MARKET_ID, wad("0.7"));
      await s.setPrice("1925.59999999");
      await s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
      expect((await positionOf(s, s.alice)).base).to.equal(0n);
    });

    it("test_liquidate_revertsWithoutAPosition", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.depositFor(s.alice, usdc(1_000));
      await expect(s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeNoPosition")
        .withArgs(s.alice.address, MARKET_ID);
      await expect(s.exchange.connect(s.dave).liquidate(s.alice.address, 9n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnknownMarket")
        .withArgs(9n);
    });

    it("test_liquidate_solventAccountPaysThePenaltySplit", async () => {
      const s = await loadFixture(aliceLongFixture);
      await s.setPrice(1_900);
      const expected = model.liquidate(await positionOf(s, s.alice), wad(1_900), P, Q);
      // uPnL -400, equity 592; penalty 1 % of 7,600 = 76: 38 to Dave, 38 to the fee splitter (19 / 19).
      expect(expected).to.deep.include({
        realizedPnl: -usdc(400),
        penaltyPaid: usdc(76),
        liquidatorReward: usdc(38),
        collateralAfter: usdc(516),
      });
      const fundBefore = await s.fund.fundBalance();
      const tx = s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeLiquidated")
        .withArgs(s.alice.address, MARKET_ID, s.dave.address, wad(4), wad(1_900), -usdc(400), usdc(76), usdc(38));
      // One call to the fund: the penalty's rest, split 19 / 19, and the market's open interest, now 0.
      await expect(tx)
        .to.emit(s.fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.LiquidationPenalty, usdc(19), usdc(19), 0n);
      expect(await s.fund.totalOpenInterest()).to.equal(0n);
      await expect(tx).not.to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered");
      expect(await positionOf(s, s.alice)).to.deep.equal(model.flat(usdc(516)));
      expect(await s.quote.balanceOf(s.dave.address)).to.equal(usdc(38));
      expect(await s.fund.fundBalance()).to.equal(fundBefore + usdc(19));
      await s.exchange.connect(s.alice).withdraw(MARKET_ID, usdc(516));
      await expectSolvent(s, [s.alice]);
    });

    it("test_liquidate_penaltyIsAtMostWhatTheCollateralHolds", async () => {
      const s = await loadFixture(aliceLongFixture);
      await s.setPrice(1_760); // equity 32, penalty 70.4
      const expected = model.liquidate(await positionOf(s, s.alice), wad(1_760), P, Q);
      expect(expected).to.deep.include({ bankrupt: false, penalty: usdc("70.4"), penaltyPaid: usdc(32) });
      await expect(s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID))
        .to.emit(s.fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.LiquidationPenalty, usdc(8), usdc(8), 0n);
      expect(await s.quote.balanceOf(s.dave.address)).to.equal(usdc(16));
      expect(await positionOf(s, s.alice)).to.deep.equal(model.flat(0n));
      await expectSolvent(s, [s.alice]);
    });

    it("test_liquidate_bankruptAccountSpinsExample", async () => {
      // Spin: Alice's collateral is 1,000 USDC with a uPnL of -1,200; Bob liquidates her; the 1,000 is in the
      // vault already, and the missing 200 plus Bob's reward are borne by the insurance fund, which pays them to
      // the exchange; the exchange pays Bob.
      const s = await deployExchange(ethers, { params: { tradingFeeBps: 0n } });
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      await s.setPrice(1_700);
      const h = await s.exchange.accountHealth(s.alice.address, MARKET_ID);
      expect([h.collateral, h.unrealizedPnl, h.equity, h.bankrupt]).to.deep.equal([
        usdc(1_000),
        -usdc(1_200),
        -usdc(200),
        true,
      ]);
      const expected = model.liquidate(await positionOf(s, s.alice), wad(1_700), s.params, Q);
      // Penalty 1 % of 6,800 = 68; Bob's reward is his half of it, 34.
      expect(expected).to.deep.include({ shortfall: usdc(200), claimedReward: usdc(34), penaltyPaid: 0n });
      const cover = coverOf({ reward: usdc(34), fundReward: usdc(34), fundShortfall: usdc(200), paidNow: usdc(234) });
      const tx = s.exchange.connect(s.bob).liquidate(s.alice.address, MARKET_ID);
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
        .withArgs(s.alice.address, MARKET_ID, usdc(200), coverTuple(cover));
      await expect(tx)
        .to.emit(s.fund, "InsuranceFundBankruptcyCovered")
        .withArgs(MARKET_ID, s.alice.address, s.bob.address, coverTuple(cover));
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeLiquidated")
        .withArgs(s.alice.address, MARKET_ID, s.bob.address, wad(4), wad(1_700), -usdc(1_200), 0n, 0n);
      expect(await s.quote.balanceOf(s.bob.address)).to.equal(usdc(34));
      expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc(1_200));
      expect(await s.fund.fundBalance()).to.equal(usdc(10_000) - usdc(234));
      expect(await positionOf(s, s.alice)).to.deep.equal(model.flat(0n));
      expect(await s.exchange.counterpartyRealizedPnl()).to.equal(usdc(1_200));
      await expectSolvent(s, [s.alice]);
    });

    it("test_liquidate_bankruptAccountWithinTheInsuranceLimit", async () => {
      const s = await deployExchange(ethers, { insuranceLimit: usdc(100) });
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      await openPosition(s, s.bob, usdc(2_000), -wad(3));
      await s.setPrice(1_700);
      const claim = model.liquidate(await positionOf(s, s.alice), wad(1_700), P, Q);
      const cover = waterfall(
        {
          balance: await s.fund.fundBalance(),
          insuranceLimit: usdc(100),
          insurancePaid: 0n,
          rewardCap: MAX_UINT128,
          rewardCapBps: 10_000n,
          earlierPending: 0n,
          payoutAvailable: MAX_UINT128,
        },
        {
          shortfall: claim.shortfall,
          reward: claim.claimedReward,
          liquidatedNotional: claim.notional,
          openBase: wad(3),
        },
      );
      // 100 of limit: the reward (34) first, then 66 of the 208 shortfall; 142 is socialized over Bob's 3.
      expect(cover).to.deep.equal(
        coverOf({
          reward: usdc(34),
          fundReward: usdc(34),
          fundShortfall: usdc(66),
          paidNow: usdc(100),
          socialized: usdc(142),
        }),
      );
      await expect(s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID))
        .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
        .withArgs(s.alice.address, MARKET_ID, usdc(208), coverTuple(cover));
      expect(await s.quote.balanceOf(s.dave.address)).to.equal(usdc(34));
      expect(await s.exchange.unsettledSocializedLoss()).to.equal(usdc(142));
      expect((await s.exchange.market(MARKET_ID)).unsettledSocializedLoss).to.equal(usdc(142));
      await expectSolvent(s, [s.alice, s.bob]);
      // Bob settles it all, rounded up: one unit more than 142.
      const loss = model.positionLoss(wad(3), 0n, model.lossIncrement(usdc(142), wad(3)));
      expect(loss).to.equal(usdc(142) + 1n);
      await s.exchange.settle(s.bob.address, MARKET_ID);
      expect(await s.exchange.unsettledSocializedLoss()).to.equal(-1n);
      await expectSolvent(s, [s.alice, s.bob]);
    });

    it("test_liquidate_bankruptAccountWithNoOpenPositionsLeftIsBadDebtRepaidByIncome", async () => {
      const s = await deployExchange(ethers, { fundSeed: 0n, params: { tradingFeeBps: 0n } });
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      await s.setPrice(1_700);
      // The fund holds nothing and nobody else is open: the 200 and Dave's reward of 34 become the market's bad
      // debt; the exchange pays Dave the 34 at once.
      await expect(s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID))
        .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
        .withArgs(s.alice.address, MARKET_ID, usdc(200), coverTuple(coverOf({ reward: usdc(34), badDebt: usdc(234) })));
      expect(await s.quote.balanceOf(s.dave.address)).to.equal(usdc(34));
      expect(await s.exchange.badDebtOutstanding()).to.equal(usdc(234));
      expect((await s.exchange.market(MARKET_ID)).badDebtOutstanding).to.equal(usdc(234));
      await expectSolvent(s, [s.alice]);

      // The next fee (1.7) repays it, the whole fee before the split, and the exchange keeps it: nothing is pulled.
      await s.exchange.setMarketParams(MARKET_ID, P);
      await s.depositFor(s.bob, usdc(1_000));
      const tx = s.exchange.connect(s.bob).trade(MARKET_ID, wad(1));
      await expect(tx)
        .to.emit(s.fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.TradingFee, 0n, 0n, usdc(1_700));
      await expect(tx).to.emit(s.fund, "InsuranceFundBadDebtRepaid").withArgs(MARKET_ID, usdc("1.7"), usdc("232.3"));
      expect(await s.exchange.badDebtOutstanding()).to.equal(usdc("232.3"));
      expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc(2_000) - usdc(34));
      await expectSolvent(s, [s.alice, s.bob]);
    });

    it("test_liquidate_bankruptGoesThroughWhileTheFundIsPausedAndItsPartWaits", async () => {
      const s = await loadFixture(aliceLongFixture);
      await openPosition(s, s.bob, usdc(1_000), wad(4));
      await s.fund.connect(s.guardian).pause();
      await s.setPrice(1_900); // both solvent and liquidatable
      await s.exchange.connect(s.dave).liquidate(s.bob.address, MARKET_ID);
      const daveBefore = await s.quote.balanceOf(s.dave.address);
      await s.setPrice(1_700); // Alice bankrupt: shortfall 208, reward 34; the fund bears both, pays nothing now
      const cover = coverOf({ reward: usdc(34), fundReward: usdc(34), fundShortfall: usdc(208), pending: usdc(242) });
      await expect(s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID))
        .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
        .withArgs(s.alice.address, MARKET_ID, usdc(208), coverTuple(cover));
      expect(await s.quote.balanceOf(s.dave.address)).to.equal(daveBefore + usdc(34));
      expect(await s.exchange.pendingClaimsOwed()).to.equal(usdc(242));
      await expectSolvent(s, [s.alice, s.bob]);
      await s.fund.connect(s.guardian).unpause();
      await s.fund.processPendingClaim(MARKET_ID);
      expect(await s.exchange.pendingClaimsOwed()).to.equal(0n);
      await expectSolvent(s, [s.alice, s.bob]);
    });

    it("test_liquidate_positiveBankruptcyRatioPaysTheKeeperFromTheAccountFirst", async () => {
      const s = await deployExchange(ethers, { params: { bankruptcyRatioWad: wad("0.1") } });
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      await s.setPrice(1_760); // equity 32 of 992: ratio 0.032, below 0.1
      const expected = model.liquidate(await positionOf(s, s.alice), wad(1_760), s.params, Q);
      // The reward is half the full penalty of 70.4: 35.2; the account pays 32 of it, the fund is asked for 3.2.
      expect(expected).to.deep.include({
        bankrupt: true,
        penaltyPaid: usdc(32),
        liquidatorReward: usdc(32),
        feeToFund: 0n,
        shortfall: 0n,
        claimedReward: usdc("3.2"),
      });
      const tx = s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
      await expect(tx).not.to.emit(s.fund, "InsuranceFundFeeCollected");
      await expect(tx).not.to.emit(s.fund, "InsuranceFundTradeSettled");
      await expect(tx)
        .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
        .withArgs(
          s.alice.address,
          MARKET_ID,
          0n,
          coverTuple(coverOf({ reward: usdc("3.2"), fundReward: usdc("3.2"), paidNow: usdc("3.2") })),
        );
      expect(await s.quote.balanceOf(s.dave.address)).to.equal(usdc("35.2"));
      expect(await positionOf(s, s.alice)).to.deep.equal(model.flat(0n));
      await expectSolvent(s, [s.alice]);
    });

    it("test_liquidate_positiveBankruptcyRatioWithNoRewardSkipsTheFund", async () => {
      const s = await deployExchange(ethers, {
        params: { bankruptcyRatioWad: wad("0.1"), liquidatorShareBps: 0n },
      });
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      await s.setPrice(1_760);
      const tx = s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID);
      await expect(tx).not.to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered");
      await expect(tx).not.to.emit(s.fund, "InsuranceFundBankruptcyCovered");
      await expect(tx)
        .to.emit(s.fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.LiquidationPenalty, usdc(16), usdc(16), 0n);
      await expectSolvent(s, [s.alice]);
    });
  });
});
