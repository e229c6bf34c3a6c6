import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import { backstopBehind } from "../lib/backstopFixture.js";
import { claimFor, deployFund, FLOOR, type FundSuite, MARKET_ID, registerMarket, seed } from "../lib/fundFixture.js";
import { DeferredMarket } from "../lib/model/deferredFees.js";
import { FeeKind, fixedShareModel, fundState } from "../lib/model/feePolicies.js";
import { socialize } from "../lib/model/lossIndex.js";
import { waterfall } from "../lib/model/waterfall.js";
import { MAX_UINT128, usdc, wad } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

const CAP = usdc(1_000);
const LIMIT = usdc(10_000);
const SPARK = fixedShareModel(5_000n, 5_000n);

/** The trading fee's split the model expects (Spark: half to the fund, rounded up). */
const parts = (fee: bigint) => SPARK.split(FeeKind.TradingFee, fee, fundState({ balance: 0n }));

/** A Spark fund with an empty balance, two markets, the exchange funded and approving; market 1 defers its fees. */
async function deferringFund() {
  const policy = await ethers.deployContract("FixedSharePolicy", [5_000, 5_000]);
  const suite = await deployFund(ethers, { policy: await policy.getAddress() });
  await registerMarket(suite, LIMIT);
  await registerMarket(suite, LIMIT, 2n);
  await suite.usdc.mint(suite.exchange.address, usdc(1_000_000));
  await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, ethers.MaxUint256);
  await suite.fund.connect(suite.governor).setFeeDeferral(MARKET_ID, CAP);
  return suite;
}

/** The same, the fund seeded to exactly its floor (the target with no open interest). */
async function deferringFundAtTarget() {
  const suite = await deferringFund();
  await seed(suite, FLOOR);
  return suite;
}

/** The fund's counted money, its tokens, the exchange's tokens and the market's debt. */
async function snapshot(suite: FundSuite) {
  const { fund, usdc: token, exchange } = suite;
  const [fundPart, treasuryPart, cap] = await fund.deferredFees(MARKET_ID);
  return {
    balance: await fund.fundBalance(),
    treasuryAccrued: await fund.treasuryAccrued(),
    pending: await fund.totalPending(),
    held: await token.balanceOf(suite.fundAddress),
    exchangeHeld: await token.balanceOf(exchange.address),
    debt: { fundPart, treasuryPart },
    cap,
  };
}

/** The model's view must be the fund's: balance, accrual, pending, tokens, debt, cap. */
async function expectModel(suite: FundSuite, model: DeferredMarket, exchangeStart: bigint) {
  const s = await snapshot(suite);
  expect(s.balance).to.equal(model.balance, "balance");
  expect(s.treasuryAccrued).to.equal(model.treasuryAccrued, "treasury accrual");
  expect(s.pending).to.equal(model.pending, "pending");
  expect(s.held).to.equal(model.held, "tokens held");
  expect(s.exchangeHeld - exchangeStart).to.equal(model.exchangeDelta, "exchange's tokens");
  expect(s.debt).to.deep.equal(model.debt, "debt");
  expect(s.cap).to.equal(model.cap, "cap");
  expect(model.holds()).to.equal(true);
}

/** The quote token's transfers in a transaction. */
async function transfersIn(suite: FundSuite, tx: Promise<ContractTransactionResponse> | ContractTransactionResponse) {
  const receipt = await (await tx).wait();
  const token = suite.usdc;
  return receipt!.logs.flatMap((log) => {
    if (log.address.toLowerCase() !== suite.usdc.target.toString().toLowerCase()) return [];
    const parsed = token.interface.parseLog(log);
    return parsed?.name === "Transfer" ? [{ from: parsed.args[0], to: parsed.args[1], value: parsed.args[2] }] : [];
  });
}

function trade(suite: FundSuite, fee: bigint, marketId = MARKET_ID) {
  return suite.fund.connect(suite.exchange).settleTrade(marketId, 0n, 0n, FeeKind.TradingFee, fee, 0n);
}

/** A model of market 1 after `deferringFund` (plus a balance of `balance`). */
function modelOf(balance = 0n) {
  const model = new DeferredMarket({ balance });
  model.setCap(CAP);
  return model;
}

describe("InsuranceFund deferred fees", () => {
  describe("setFeeDeferral", () => {
    it("test_setFeeDeferral_isRestrictedAndBoundedAndNeedsAnActiveMarket", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, governor, alice } = suite;
      await expect(fund.connect(alice).setFeeDeferral(MARKET_ID, 1n))
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(alice.address);
      await expect(fund.connect(governor).setFeeDeferral(MARKET_ID, 2n ** 80n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundDeferralCapTooLarge")
        .withArgs(2n ** 80n);
      await expect(fund.connect(governor).setFeeDeferral(9n, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(9n);
      await fund.connect(governor).retireMarket(2n);
      await expect(fund.connect(governor).setFeeDeferral(2n, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundMarketIsRetired")
        .withArgs(2n);
      await expect(fund.connect(governor).setFeeDeferral(MARKET_ID, 2n ** 80n - 1n))
        .to.emit(fund, "InsuranceFundFeeDeferralSet")
        .withArgs(MARKET_ID, 2n ** 80n - 1n);
      expect((await fund.deferredFees(MARKET_ID))[2]).to.equal(2n ** 80n - 1n);
    });

    for (const [label, newCap] of [
      ["change", CAP * 2n],
      ["off", 0n],
    ] as const) {
      it(`test_setFeeDeferral_${label}ReceivesTheDebtFirst`, async () => {
        const suite = await networkHelpers.loadFixture(deferringFund);
        const { fund, governor, exchange } = suite;
        const start = (await snapshot(suite)).exchangeHeld;
        const model = modelOf();
        model.fee(parts(usdc(301)).fundPart, parts(usdc(301)).treasuryPart);
        await trade(suite, usdc(301));
        const tx = fund.connect(governor).setFeeDeferral(MARKET_ID, newCap);
        await expect(tx)
          .to.emit(fund, "InsuranceFundDeferredFeesReceived")
          .withArgs(MARKET_ID, exchange.address, model.debt.fundPart, model.debt.treasuryPart, false)
          .and.to.emit(fund, "InsuranceFundFeeDeferralSet")
          .withArgs(MARKET_ID, newCap);
        expect(model.setCap(newCap)).to.equal(usdc(301));
        await expectModel(suite, model, start);
        // Off: the next fee is pulled at once.
        const next = parts(usdc(10));
        const outcome = model.fee(next.fundPart, next.treasuryPart);
        await expect(trade(suite, usdc(10)))
          .to.emit(fund, outcome.deferred ? "InsuranceFundTradeFeeDeferred" : "InsuranceFundTradeSettled")
          .withArgs(MARKET_ID, FeeKind.TradingFee, next.fundPart, next.treasuryPart, 0n);
        expect(outcome.deferred).to.equal(newCap !== 0n);
        await expectModel(suite, model, start);
      });
    }

    it("test_setFeeDeferral_revertsWhenTheExchangeCannotPayItsDebt", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, governor, exchange, usdc: token } = suite;
      await trade(suite, usdc(100));
      await token.connect(exchange).approve(suite.fundAddress, 0n);
      await expect(fund.connect(governor).setFeeDeferral(MARKET_ID, 0n)).to.be.revertedWithCustomError(
        token,
        "ERC20InsufficientAllowance",
      );
    });
  });

  describe("booking and pulling", () => {
    it("test_settleTrade_booksWithinTheCapWithoutMovingTokens", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund } = suite;
      const start = (await snapshot(suite)).exchangeHeld;
      const model = modelOf();
      for (const fee of [1n, usdc(3) + 1n, usdc(250), 7n]) {
        const p = parts(fee);
        expect(model.fee(p.fundPart, p.treasuryPart).deferred).to.equal(true);
        const tx = trade(suite, fee);
        await expect(tx)
          .to.emit(fund, "InsuranceFundTradeFeeDeferred")
          .withArgs(MARKET_ID, FeeKind.TradingFee, p.fundPart, p.treasuryPart, 0n);
        expect(await transfersIn(suite, tx)).to.deep.equal([]);
        await expectModel(suite, model, start);
      }
      expect(model.balance).to.equal(0n);
    });

    it("test_settleTrade_aFeeExactlyOnTheCapBooksAndOneUnitMorePullsEverything", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange } = suite;
      const start = (await snapshot(suite)).exchangeHeld;
      const model = modelOf();
      await trade(suite, usdc(400));
      model.fee(parts(usdc(400)).fundPart, parts(usdc(400)).treasuryPart);
      // 600 more: exactly the cap of 1,000. Booked.
      await trade(suite, usdc(600));
      expect(model.fee(parts(usdc(600)).fundPart, parts(usdc(600)).treasuryPart).deferred).to.equal(true);
      expect(model.owed()).to.equal(CAP);
      await expectModel(suite, model, start);
      // One unit more: the whole 1,000 and the unit in one transfer.
      const debt = model.debt;
      const outcome = model.fee(1n, 0n);
      expect(outcome.pulled).to.equal(CAP + 1n);
      const tx = trade(suite, 1n);
      await expect(tx)
        .to.emit(fund, "InsuranceFundDeferredFeesReceived")
        .withArgs(MARKET_ID, exchange.address, debt.fundPart, debt.treasuryPart, false)
        .and.to.emit(fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.TradingFee, 1n, 0n, 0n);
      expect(await transfersIn(suite, tx)).to.deep.equal([
        { from: exchange.address, to: suite.fundAddress, value: CAP + 1n },
      ]);
      await expectModel(suite, model, start);
    });

    it("test_collectFee_defersAsSettleTradeDoes", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange } = suite;
      const start = (await snapshot(suite)).exchangeHeld;
      const model = modelOf();
      const p = parts(usdc(5));
      model.fee(p.fundPart, p.treasuryPart);
      expect(
        await transfersIn(suite, fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(5))),
      ).to.deep.equal([]);
      await expectModel(suite, model, start);
    });

    it("test_pullDeferredFees_anyonePullsTheDebtInOneTransfer", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange, alice } = suite;
      const start = (await snapshot(suite)).exchangeHeld;
      const model = modelOf();
      await expect(fund.connect(alice).pullDeferredFees(MARKET_ID))
        .to.be.revertedWithCustomError(fund, "InsuranceFundNoDeferredFees")
        .withArgs(MARKET_ID);
      await expect(fund.connect(alice).pullDeferredFees(9n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(9n);
      await trade(suite, usdc(123) + 1n);
      model.fee(parts(usdc(123) + 1n).fundPart, parts(usdc(123) + 1n).treasuryPart);
      const debt = model.debt;
      expect(await fund.connect(alice).pullDeferredFees.staticCall(MARKET_ID)).to.equal(model.owed());
      const tx = fund.connect(alice).pullDeferredFees(MARKET_ID);
      await expect(tx)
        .to.emit(fund, "InsuranceFundDeferredFeesReceived")
        .withArgs(MARKET_ID, exchange.address, debt.fundPart, debt.treasuryPart, false);
      const amount = model.pull();
      expect(await transfersIn(suite, tx)).to.deep.equal([
        { from: exchange.address, to: suite.fundAddress, value: amount },
      ]);
      await expectModel(suite, model, start);
      await expect(fund.connect(alice).pullDeferredFees(MARKET_ID)).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundNoDeferredFees",
      );
    });
  });

  describe("netting against payouts", () => {
    it("test_coverBankruptcy_netsTheDebtFundPartFirstAndTheRestStays", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange } = suite;
      await seed(suite, usdc(5_000));
      const start = (await snapshot(suite)).exchangeHeld;
      const model = modelOf(usdc(5_000));
      await trade(suite, usdc(400));
      model.fee(usdc(200), usdc(200));
      // A 250 claim paid now: 200 of fund part then 50 of treasury part net; 150 of treasury part stays owed.
      const claim = claimFor(suite, { shortfall: usdc(250) });
      const netting = model.payOut(usdc(250), usdc(250));
      expect(netting).to.deep.include({ fundIn: usdc(200), treasuryIn: usdc(50), paidOut: 0n, pulled: 0n });
      const tx = fund.connect(exchange).coverBankruptcy(MARKET_ID, claim);
      await expect(tx)
        .to.emit(fund, "InsuranceFundDeferredFeesReceived")
        .withArgs(MARKET_ID, exchange.address, usdc(200), usdc(50), true);
      expect(await transfersIn(suite, tx)).to.deep.equal([]);
      await expectModel(suite, model, start);
      expect(model.debt).to.deep.equal({ fundPart: 0n, treasuryPart: usdc(150) });
      // A larger payout: the 150 nets, the rest is transferred to the exchange.
      const second = model.payOut(usdc(400), usdc(400));
      expect(second.paidOut).to.equal(usdc(250));
      const tx2 = fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(400) }));
      await expect(tx2)
        .to.emit(fund, "InsuranceFundDeferredFeesReceived")
        .withArgs(MARKET_ID, exchange.address, 0n, usdc(150), true);
      expect(await transfersIn(suite, tx2)).to.deep.equal([
        { from: suite.fundAddress, to: exchange.address, value: usdc(250) },
      ]);
      await expectModel(suite, model, start);
    });

    it("test_processPendingClaim_netsTheDebtAgainstThePendingClaim", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange, guardian, alice } = suite;
      await seed(suite, usdc(5_000));
      const start = (await snapshot(suite)).exchangeHeld;
      const model = modelOf(usdc(5_000));
      // Paused: the claim waits whole (nothing owed yet to net against).
      await fund.connect(guardian).pause();
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(300) }));
      model.balance -= usdc(300);
      model.pending = usdc(300);
      await fund.connect(guardian).unpause();
      await trade(suite, usdc(100) + 1n);
      const p = parts(usdc(100) + 1n);
      model.fee(p.fundPart, p.treasuryPart);
      await expectModel(suite, model, start);
      // The pending 300 pays: the debt (fund part first) nets, the rest is transferred.
      const tx = fund.connect(alice).processPendingClaim(MARKET_ID);
      await expect(tx)
        .to.emit(fund, "InsuranceFundDeferredFeesReceived")
        .withArgs(MARKET_ID, exchange.address, p.fundPart, p.treasuryPart, true);
      model.pending = 0n;
      const netting = model.payOut(usdc(300), 0n);
      expect(await transfersIn(suite, tx)).to.deep.equal([
        { from: suite.fundAddress, to: exchange.address, value: netting.paidOut },
      ]);
      await expectModel(suite, model, start);
    });

    it("test_coverBankruptcy_countsTheMarketsFundPartDebtAsSpendable", async () => {
      // An empty balance: without the 300 of fund-part debt the whole 200 claim would be socialized.
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange } = suite;
      const start = (await snapshot(suite)).exchangeHeld;
      const model = modelOf();
      await trade(suite, usdc(600));
      model.fee(usdc(300), usdc(300));
      const claim = claimFor(suite, { shortfall: usdc(200), openBase: wad(10) });
      const state = { insuranceLimit: LIMIT, insurancePaid: 0n, rewardCap: MAX_UINT128, rewardCapBps: 10_000n };
      const claimModel = { ...claim, shortfall: usdc(200), reward: 0n };
      expect(waterfall({ ...state, balance: model.balance }, claimModel).socialized).to.equal(usdc(200));
      const cover = waterfall({ ...state, balance: model.spendable() }, claimModel);
      expect(cover).to.deep.include({ fundShortfall: usdc(200), paidNow: usdc(200), socialized: 0n });
      const indexBefore = await fund.lossIndex(MARKET_ID);
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, claim))
        .to.emit(fund, "InsuranceFundDeferredFeesReceived")
        .withArgs(MARKET_ID, exchange.address, usdc(200), 0n, true)
        .and.not.to.emit(fund, "InsuranceFundLossSocialized");
      model.payOut(cover.paidNow, usdc(200));
      expect(await fund.lossIndex(MARKET_ID)).to.equal(indexBefore);
      expect(socialize(indexBefore, usdc(200), wad(10)).index).to.not.equal(indexBefore);
      await expectModel(suite, model, start);
      expect(model.debt).to.deep.equal({ fundPart: usdc(100), treasuryPart: usdc(300) });
    });

    // Failed before the fix: settleBankruptcy pulled the old debt with the penalty in one transfer but emitted no
    // InsuranceFundDeferredFeesReceived for the old debt, unlike settleTrade's pull past the cap.
    it("test_settleBankruptcy_pullingTheDebtPastTheCapEmitsItsReceipt", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange, governor } = suite;
      // A market with no insurance: the fund allocates nothing, so nothing nets.
      await fund.connect(governor).registerMarket(4n, {
        exchange: exchange.address,
        insuranceLimit: 0n,
        rewardCap: MAX_UINT128,
        rewardCapBps: 10_000n,
        openInterestCap: 0n,
      });
      await fund.connect(governor).setFeeDeferral(4n, usdc(100));
      await trade(suite, usdc(100), 4n);
      const before = await suite.usdc.balanceOf(exchange.address);
      // 50 + 50 owed (the cap) and the penalty's 50 + 50: 200 pulled in one transfer, the old debt's receipt unsaid.
      const claim = claimFor(suite, { shortfall: usdc(500), openBase: wad(10) });
      await expect(fund.connect(exchange).settleBankruptcy(4n, claim, usdc(100), 0n))
        .to.emit(fund, "InsuranceFundDeferredFeesReceived")
        .withArgs(4n, exchange.address, usdc(50), usdc(50), false);
      expect(before - (await suite.usdc.balanceOf(exchange.address))).to.equal(usdc(200));
      expect(await fund.fundBalance()).to.equal(usdc(100));
    });

    it("test_coverBankruptcy_anotherMarketsDebtIsNotSpendable", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, exchange, governor } = suite;
      await fund.connect(governor).setFeeDeferral(2n, CAP);
      await trade(suite, usdc(600), 2n);
      // Market 1 owes nothing; market 2's 300 of fund part is not market 1's to allocate.
      await expect(
        fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(200), openBase: wad(10) })),
      )
        .to.emit(fund, "InsuranceFundLossSocialized")
        .withArgs(MARKET_ID, suite.carol.address, usdc(200), wad(10), socialize(0n, usdc(200), wad(10)).index);
    });
  });

  describe("retire and move", () => {
    for (const action of ["retireMarket", "moveMarket"] as const) {
      const act = (suite: FundSuite) =>
        action === "retireMarket"
          ? suite.fund.connect(suite.governor).retireMarket(MARKET_ID)
          : suite.fund.connect(suite.governor).moveMarket(MARKET_ID, suite.alice.address);

      it(`test_${action}_receivesTheDebtFirst`, async () => {
        const suite = await networkHelpers.loadFixture(deferringFund);
        const start = (await snapshot(suite)).exchangeHeld;
        const model = modelOf();
        await trade(suite, usdc(77));
        model.fee(parts(usdc(77)).fundPart, parts(usdc(77)).treasuryPart);
        const debt = model.debt;
        await expect(act(suite))
          .to.emit(suite.fund, "InsuranceFundDeferredFeesReceived")
          .withArgs(MARKET_ID, suite.exchange.address, debt.fundPart, debt.treasuryPart, false);
        model.settleBeforeLeaving(true);
        await expectModel(suite, model, start);
      });

      it(`test_${action}_dropsTheDebtWhenTheExchangeCannotPay`, async () => {
        const suite = await networkHelpers.loadFixture(deferringFund);
        const start = (await snapshot(suite)).exchangeHeld;
        const model = modelOf();
        await trade(suite, usdc(77));
        model.fee(parts(usdc(77)).fundPart, parts(usdc(77)).treasuryPart);
        await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, 0n);
        await expect(act(suite))
          .to.emit(suite.fund, "InsuranceFundDeferredFeesDropped")
          .withArgs(MARKET_ID, suite.exchange.address, usdc(77))
          .and.not.to.emit(suite.fund, "InsuranceFundDeferredFeesReceived");
        expect(model.settleBeforeLeaving(false)).to.deep.equal({ received: 0n, dropped: usdc(77) });
        await expectModel(suite, model, start);
      });
    }
  });

  describe("unreceived money is never counted", () => {
    it("test_sweepSurplus_neverTakesTheDebt", async () => {
      const suite = await networkHelpers.loadFixture(deferringFundAtTarget);
      const { fund, alice } = suite;
      await trade(suite, usdc(900));
      expect(await fund.fundBalance()).to.equal(FLOOR);
      // At its target with 450 of fund part owed: no surplus, and no unaccounted tokens either.
      await expect(fund.connect(alice).sweepSurplus())
        .to.be.revertedWithCustomError(fund, "InsuranceFundNoSurplus")
        .withArgs(FLOOR, FLOOR);
      // Received, it is surplus.
      await fund.connect(alice).pullDeferredFees(MARKET_ID);
      expect(await fund.connect(alice).sweepSurplus.staticCall()).to.deep.equal([usdc(450), 0n]);
    });

    it("test_fundStateAndHealth_excludeTheDebt", async () => {
      const suite = await networkHelpers.loadFixture(deferringFundAtTarget);
      const { fund } = suite;
      await trade(suite, usdc(900));
      expect((await fund.fundState()).balance).to.equal(FLOOR);
      const health = await fund.health();
      expect(health.balance).to.equal(FLOOR);
      expect(health.treasuryAccrued).to.equal(0n);
      expect(health.ratioBps).to.equal(500n);
    });

    it("test_flushTreasury_sendsOnlyReceivedPartsAndTheBackstopsShareOfThem", async () => {
      const suite = await networkHelpers.loadFixture(deferringFund);
      const { fund, usdc: token, alice, treasury } = suite;
      const { vault } = await backstopBehind(ethers, suite, usdc(10_000));
      // Only booked: nothing to flush.
      await trade(suite, usdc(500));
      await expect(fund.connect(alice).flushTreasury()).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundNothingToFlush",
      );
      // 30 pulled at once (market 2 does not defer), 250 still owed by market 1: the flush sends 30, 6 of it to the
      // backstop.
      await trade(suite, usdc(60), 2n);
      const model = modelOf();
      model.treasuryAccrued = usdc(30);
      const flush = model.flush(2_000n);
      const treasuryBefore = await token.balanceOf(treasury.address);
      await expect(fund.connect(alice).flushTreasury())
        .to.emit(fund, "InsuranceFundBackstopIncomePaid")
        .withArgs(await vault.getAddress(), flush.toBackstop);
      expect(flush.toBackstop).to.equal(usdc(6));
      expect((await token.balanceOf(treasury.address)) - treasuryBefore).to.equal(flush.toTreasury);
      expect((await fund.deferredFees(MARKET_ID))[1]).to.equal(usdc(250));
    });
  });
});
