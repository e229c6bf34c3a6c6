// The safety rails (docs/behaviour.md sections 2 and 9): "a guardian can pause payouts" (and a bankrupt
// liquidation then queues the fund's part as a pending claim), "only the exchange registered for a market
// can report its fees, OI and bankruptcies", "every bad input gets a custom error that names the problem, and
// changes nothing". One book on Spark's policy, after a 15 % crash:
//
//   trader  position (at 2,000)  collateral  at 1,700
//   Alice   long 4                1,000       equity 992 - 1,200 = -208: bankrupt
//   Bob     long 4                2,000       equity 1,992 - 1,200 = 792, ratio 0.398: liquidatable, solvent
//   Carol   short 8               4,000       equity 3,984 + 2,400 = 6,384, ratio 1.602: healthy
//
// Each rail is tried, and after each failed attempt the chain is compared with the scenario book, which did not
// move: not a unit went anywhere.

import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
import { coverOf } from "../../lib/model/waterfall.js";
import * as model from "../../lib/model/exchange.js";
import { FeeKind, fixedShareModel, SPARK_SHARES } from "../../lib/model/feePolicies.js";
import { scenarioDriver } from "../helpers/scenario.js";
import { usdc, WAD, wad } from "../../lib/units.js";

const { ethers, networkHelpers } = await network.create();

/** Spark's policy, the fixture's: half of every fee and penalty to the fund, rounded up. */
const SPARK = fixedShareModel(SPARK_SHARES.tradingFeeShareBps, SPARK_SHARES.penaltyShareBps);

const SEED = usdc(10_000);
const UNKNOWN = 9n;

/** Spin's bankruptcy of Alice (shortfall 208, reward 34 on 6,800 liquidated), claimed with Mallory as liquidator. */
function claimForMallory(account: string, liquidator: string) {
  return {
    account,
    shortfall: usdc(208),
    liquidator,
    reward: usdc(34),
    liquidatedNotional: usdc(6_800),
    openBase: wad(12),
  };
}

describe("scenario: safety rails", () => {
  async function crashFixture() {
    const s = await deployExchange(ethers, { fundSeed: 0n });
    const [alice, bob, carol, dave, kim, mallory] = (await ethers.getSigners()).slice(9, 15);
    const d = scenarioDriver(s, SPARK, { alice, bob, carol, dave, kim, mallory });
    await d.fundDeposit(s.admin, SEED);
    for (const [who, collateral, size] of [
      [alice, usdc(1_000), wad(4)],
      [bob, usdc(2_000), wad(4)],
      [carol, usdc(4_000), -wad(8)],
    ] as const) {
      await d.deposit(who, collateral, MARKET_ID);
      await d.trade(who, size, MARKET_ID);
    }
    await d.setPrice(wad(1_700), MARKET_ID);
    return { s, d, alice, bob, carol, dave, kim, mallory };
  }

  /** A fixture's chain with a fresh copy of its book. */
  async function load() {
    const f = await networkHelpers.loadFixture(crashFixture);
    return { ...f, d: f.d.fresh() };
  }

  it("test_pause_bankruptLiquidationQueuesWhileSolventLiquidationsAndTradesGoOn", async () => {
    const { s, d, alice, bob, dave, kim, mallory } = await load();

    // Only the guardian pauses.
    await expect(s.fund.connect(mallory).pause())
      .to.be.revertedWithCustomError(s.fund, "AccessManagedUnauthorized")
      .withArgs(mallory.address);
    const pause = await d.setPaused(true);
    await expect(pause).to.emit(s.fund, "InsuranceFundPausedBy").withArgs(s.guardian.address);
    expect(await s.fund.paused()).to.equal(true);
    await expect(s.fund.connect(kim).sweepSurplus()).to.be.revertedWithCustomError(s.fund, "InsuranceFundPaused");
    await d.check("paused: sweep reverted");

    // Alice is bankrupt: her liquidation goes through. The fund bears her 208 and Kim's 34 as before, but pays
    // nothing now: the 242 is the market's pending claim. The exchange pays Kim his 34 at once.
    const bankrupt = await d.liquidate(alice, kim, MARKET_ID);
    expect(bankrupt.step.cover).to.deep.equal(
      coverOf({ reward: usdc(34), fundReward: usdc(34), fundShortfall: usdc(208), pending: usdc(242) }),
    );
    expect(await s.quote.balanceOf(kim.address)).to.equal(usdc(34));
    expect(await s.fund.pendingClaim(MARKET_ID)).to.equal(usdc(242));
    expect(await s.exchange.pendingClaimsOwed()).to.equal(usdc(242));
    await expect(s.fund.processPendingClaim(MARKET_ID)).to.be.revertedWithCustomError(s.fund, "InsuranceFundPaused");

    // Bob is liquidatable but solvent: the liquidation goes through, and the fund still collects its half of the
    // penalty (income is not a payout). 1 % of 6,800 = 68: 34 to Kim, 17 + 17.
    const solvent = await d.liquidate(bob, kim, MARKET_ID);
    expect(solvent.step.liquidation).to.deep.include({ bankrupt: false, penaltyPaid: usdc(68), feeToFund: usdc(34) });
    expect(solvent.step.collected).to.deep.include({ fundPart: usdc(17), treasuryPart: usdc(17) });
    expect(await s.quote.balanceOf(kim.address)).to.equal(usdc(68));

    // Trading goes on: Dave opens long 1 at 1,700 and pays 1.7 of fee, half of it to the fund.
    await d.deposit(dave, usdc(500), MARKET_ID);
    const trade = await d.trade(dave, wad(1), MARKET_ID);
    const openInterest = await s.exchange.openInterest(MARKET_ID);
    await expect(trade.tx)
      .to.emit(s.fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.TradingFee, usdc("0.85"), usdc("0.85"), openInterest);

    // The guardian resumes payouts; anyone then has the pending claim paid to the exchange.
    const unpause = await d.setPaused(false);
    await expect(unpause).to.emit(s.fund, "InsuranceFundUnpausedBy").withArgs(s.guardian.address);
    await expect(s.fund.connect(s.guardian).unpause()).to.be.revertedWithCustomError(s.fund, "InsuranceFundNotPaused");
    const processed = await d.processPendingClaim(mallory, MARKET_ID);
    expect(processed.paid).to.equal(usdc(242));
    expect(await s.exchange.pendingClaimsOwed()).to.equal(0n);
  });

  it("test_unknownMarket_exchangeAndFundNameTheMarketAndChangeNothing", async () => {
    const { s, d, alice, kim, mallory } = await load();
    const unknownOnExchange = async (call: Promise<unknown>) =>
      expect(call).to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnknownMarket").withArgs(UNKNOWN);
    const unknownOnFund = async (call: Promise<unknown>) =>
      expect(call).to.be.revertedWithCustomError(s.fund, "InsuranceFundUnknownMarket").withArgs(UNKNOWN);

    // The exchange: every entry point and view of an unlisted market.
    await unknownOnExchange(s.exchange.connect(alice).deposit(UNKNOWN, usdc(1)));
    await unknownOnExchange(s.exchange.connect(alice).withdraw(UNKNOWN, usdc(1)));
    await unknownOnExchange(s.exchange.connect(alice).trade(UNKNOWN, wad(1)));
    await unknownOnExchange(s.exchange.connect(kim).settle(alice.address, UNKNOWN));
    await unknownOnExchange(s.exchange.connect(kim).liquidate(alice.address, UNKNOWN));
    await unknownOnExchange(s.exchange.market(UNKNOWN));
    await unknownOnExchange(s.exchange.price(UNKNOWN));
    await unknownOnExchange(s.exchange.openInterest(UNKNOWN));
    await unknownOnExchange(s.exchange.accountHealth(alice.address, UNKNOWN));
    await unknownOnExchange(s.exchange.setMarketParams(UNKNOWN, s.params));
    // Listing a market the fund does not know is refused by the fund.
    await unknownOnFund(s.exchange.listMarket(UNKNOWN, await s.feed.getAddress(), s.params));

    // The fund: views, the exchange's calls (nobody is bound to the market, so the market is what is wrong) and
    // governance.
    await unknownOnFund(s.fund.market(UNKNOWN));
    await unknownOnFund(s.fund.lossIndex(UNKNOWN));
    await unknownOnFund(s.fund.positionLoss(UNKNOWN, wad(1), 0n));
    await unknownOnFund(s.fund.connect(mallory).collectFee(UNKNOWN, FeeKind.TradingFee, usdc(1)));
    await unknownOnFund(s.fund.connect(mallory).recordOpenInterest(UNKNOWN, usdc(1)));
    await unknownOnFund(
      s.fund.connect(mallory).coverBankruptcy(UNKNOWN, claimForMallory(alice.address, mallory.address)),
    );
    await unknownOnFund(s.fund.connect(s.governor).raiseInsuranceLimit(UNKNOWN, usdc(1)));
    await unknownOnFund(s.fund.connect(s.governor).setRewardCaps(UNKNOWN, usdc(1), 1n));
    await d.check("after every call on an unknown market");
  });

  it("test_hostileToken_reentrancyIsStoppedAndBalancesAreAsIfItWasNotTried", async () => {
    const token = await ethers.deployContract("ReentrantToken");
    const s = await deployExchange(ethers, { token: await token.getAddress(), fundSeed: 0n });
    const [alice, bob, kim] = (await ethers.getSigners()).slice(9, 12);
    const d = scenarioDriver(s, SPARK, { alice, bob, kim });
    const reentrancy = s.exchange.interface.getError("ReentrancyGuardReentrantCall")!.selector;
    expect(s.fund.interface.getError("ReentrancyGuardReentrantCall")!.selector).to.equal(reentrancy);
    const attack = async () => [
      await token.attackCount(),
      await token.lastAttackSucceeded(),
      await token.lastAttackResult(),
    ];

    // 1. Depositing into the fund: the token calls back `flushTreasury` while the fund is pulling the deposit.
    // The fund's guard stops it; the deposit is booked once.
    await d.fundDeposit(s.admin, SEED); // the treasury has nothing yet: first a fee
    await d.deposit(alice, usdc(1_000), MARKET_ID);
    await d.trade(alice, wad(4), MARKET_ID);
    expect(d.book.treasuryAccrued).to.equal(usdc(4));
    await token.arm(s.fundAddress, s.fund.interface.encodeFunctionData("flushTreasury"));
    await d.fundDeposit(s.admin, usdc(1_000));
    expect(await attack()).to.deep.equal([1n, false, reentrancy]);

    // 2. Depositing into the exchange: the token calls back `settle(Alice)` during the transfer in. The
    // exchange's guard stops it. (Called directly, the same `settle` goes through: only the reentry is refused.)
    await token.arm(s.exchangeAddress, s.exchange.interface.encodeFunctionData("settle", [alice.address, MARKET_ID]));
    await d.deposit(bob, usdc(2_000), MARKET_ID);
    expect(await attack()).to.deep.equal([2n, false, reentrancy]);
    await d.settle(alice, kim, MARKET_ID);

    // 3. A bankrupt liquidation: while the fund pays the exchange, the token calls back `flushTreasury` on the
    // fund (its guard is held by `coverBankruptcy`), then the liquidation finishes exactly as the book says.
    await d.trade(bob, -wad(4), MARKET_ID);
    await d.setPrice(wad(1_700), MARKET_ID);
    await token.arm(s.fundAddress, s.fund.interface.encodeFunctionData("flushTreasury"));
    const bankrupt = await d.liquidate(alice, kim, MARKET_ID);
    expect(bankrupt.step.cover).to.deep.include({ fundReward: usdc(34), fundShortfall: usdc(208) });
    expect(await attack()).to.deep.equal([3n, false, reentrancy]);

    // 4. A solvent liquidation: while the exchange pays Kim's share of the penalty, the token calls back
    // `liquidate(Alice)` on the exchange, a second liquidation of the same account; the exchange's guard stops it.
    await d.deposit(alice, usdc(1_000), MARKET_ID);
    await d.trade(alice, -wad(4), MARKET_ID); // short 4 at 1,700, fee 6.8
    await d.setPrice(wad(1_900), MARKET_ID); // equity 993.2 - 800 = 193.2, ratio 0.19: solvent, liquidatable
    await token.arm(
      s.exchangeAddress,
      s.exchange.interface.encodeFunctionData("liquidate", [alice.address, MARKET_ID]),
    );
    const solvent = await d.liquidate(alice, kim, MARKET_ID);
    expect(solvent.step.liquidation).to.deep.include({ bankrupt: false, liquidatorReward: usdc(38) });
    expect(await attack()).to.deep.equal([4n, false, reentrancy]);

    // The treasury's income, which the attacker tried to flush from inside, leaves only when asked.
    await d.flushTreasury(kim);
  });

  it("test_liquidate_healthyAccountRevertsWithItsRatioAndNothingMoves", async () => {
    const { s, d, carol, dave, kim } = await load();
    // Carol's short: collateral 4,000 - 16 of fee = 3,984, equity 3,984 + 2,400 = 6,384; ratio equity / collateral,
    // rounded towards zero.
    const collateral = usdc(4_000) - usdc(16);
    const equity = collateral + usdc(2_400);
    const ratio = (equity * WAD) / collateral;
    expect(ratio).to.equal(1_602_409_638_554_216_867n);
    await expect(s.exchange.connect(kim).liquidate(carol.address, MARKET_ID))
      .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeAccountHealthy")
      .withArgs(carol.address, MARKET_ID, ratio);
    // Dave has no position at all.
    await expect(s.exchange.connect(kim).liquidate(dave.address, MARKET_ID))
      .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeNoPosition")
      .withArgs(dave.address, MARKET_ID);
    await d.check("after liquidating a healthy account and an empty one");
  });

  it("test_exchangeOnlyFunctions_revertForAStrangerAndChangeNothing", async () => {
    const { s, d, alice, mallory } = await load();
    const notTheExchange = async (call: Promise<unknown>) =>
      expect(call)
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundNotMarketExchange")
        .withArgs(MARKET_ID, mallory.address);

    // Mallory tries to hand in a fee (it would be pulled from her), to move the open interest, and to claim a
    // bankruptcy payout to herself.
    await s.quote.mint(mallory.address, usdc(100));
    await s.quote.connect(mallory).approve(s.fundAddress, usdc(100));
    d.book.mint(mallory.address, usdc(100));
    await notTheExchange(s.fund.connect(mallory).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(100)));
    await notTheExchange(s.fund.connect(mallory).recordOpenInterest(MARKET_ID, usdc(1)));
    await notTheExchange(
      s.fund.connect(mallory).coverBankruptcy(MARKET_ID, claimForMallory(alice.address, mallory.address)),
    );
    // The exchange's owner is not the exchange either, nor is a second exchange on the same fund.
    await expect(s.fund.connect(s.admin).recordOpenInterest(MARKET_ID, 0n))
      .to.be.revertedWithCustomError(s.fund, "InsuranceFundNotMarketExchange")
      .withArgs(MARKET_ID, s.admin.address);
    const rival = await ethers.deployContract("ReferenceExchange", [
      await s.quote.getAddress(),
      s.fundAddress,
      mallory.address,
    ]);
    await expect(rival.connect(mallory).listMarket(MARKET_ID, await s.feed.getAddress(), s.params))
      .to.be.revertedWithCustomError(rival, "ReferenceExchangeNotMarketExchange")
      .withArgs(MARKET_ID, s.exchangeAddress);
    // Nor can she govern.
    await expect(s.fund.connect(mallory).raiseInsuranceLimit(MARKET_ID, usdc(1)))
      .to.be.revertedWithCustomError(s.fund, "AccessManagedUnauthorized")
      .withArgs(mallory.address);
    await d.check("after the stranger's calls");
    expect(await s.quote.balanceOf(mallory.address)).to.equal(usdc(100));
  });
});
