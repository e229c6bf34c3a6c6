// Liquidations never stop (issue 11, SPEC section 1a, docs/behaviour.md 3.1): the four sequences that broke them,
// each played through the reference exchange and the fund, step by step against the scenario book, with the
// exchange's solvency identity (house capital and pending claims counted) and conservation checked after every
// step.
//
//   a. the market's limit is used up: the next keeper is still paid its whole capped reward, by the exchange, and
//      the reward's unpaid part is socialized with the shortfall;
//   b. a bankruptcy ratio above 0: the account pays the penalty, not its whole equity, its keeper first, and the
//      fund is asked for nothing when the equity covers the reward;
//   c. a one-sided crash: the winners can all withdraw once the owner deposited house capital;
//   d. a paused fund: a bankrupt liquidation goes through, the fund's part waits as a pending claim, and is paid
//      to the exchange after the unpause.

import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
import { coverOf, coverTuple } from "../../lib/model/waterfall.js";
import { fixedShareModel, SPARK_SHARES } from "../../lib/model/feePolicies.js";
import { usdc, wad } from "../../lib/units.js";
import { scenarioDriver } from "../helpers/scenario.js";

const { ethers } = await network.create();

/** Spark's policy, the fixture's: half of every fee and penalty to the fund, rounded up. */
const SPARK = fixedShareModel(SPARK_SHARES.tradingFeeShareBps, SPARK_SHARES.penaltyShareBps);

const SEED = usdc(10_000);

/** The fixture's suite with an empty fund, a driver over the named actors, and the fund seeded through it. */
async function story(options: Parameters<typeof deployExchange>[1] & { insuranceLimit?: bigint } = {}) {
  const s = await deployExchange(ethers, { ...options, fundSeed: 0n });
  const [alice, bob, carol, kim] = (await ethers.getSigners()).slice(9, 13);
  const d = scenarioDriver(s, SPARK, { alice, bob, carol, kim }, options.insuranceLimit);
  await d.fundDeposit(s.admin, SEED);
  return { s, d, alice, bob, carol, kim };
}

describe("scenario: liquidations never stop", () => {
  it("test_limitUsedUp_theNextKeeperIsPaidItsWholeRewardAndTheRestIsSocialized", async () => {
    const { s, d, alice, bob, carol, kim } = await story({ insuranceLimit: usdc(150) });
    await d.deposit(bob, usdc(10_000), MARKET_ID);
    await d.trade(bob, -wad(10), MARKET_ID);
    await d.deposit(alice, usdc(1_000), MARKET_ID);
    await d.trade(alice, wad(4), MARKET_ID);

    // 1. At 1,700 Alice is bankrupt: shortfall 208, reward 34. The limit of 150 takes the reward and 116 of the
    // shortfall; the other 92 is socialized over Bob's 10. The limit is used up.
    await d.setPrice(wad(1_700), MARKET_ID);
    const first = await d.liquidate(alice, kim, MARKET_ID);
    expect(first.step.cover).to.deep.equal(
      coverOf({
        reward: usdc(34),
        fundReward: usdc(34),
        fundShortfall: usdc(116),
        paidNow: usdc(150),
        socialized: usdc(92),
      }),
    );
    expect((await s.fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(150));

    // 2. Carol opens long 4 at 1,700 on 839.84 (833.04 after the 6.8 fee); at 1,480 her equity is -46.96 and her
    // keeper asks a capped reward of 1 % x 5,920 / 2 = 29.6. The fund bears nothing of it now; the exchange pays
    // Kim the whole 29.6 anyway, and the 29.6 with the 46.96 is socialized over Bob's 10: 76.56.
    await d.deposit(carol, usdc("839.84"), MARKET_ID);
    await d.trade(carol, wad(4), MARKET_ID);
    await d.setPrice(wad(1_480), MARKET_ID);
    const kimBefore = await s.quote.balanceOf(kim.address);
    const second = await d.liquidate(carol, kim, MARKET_ID);
    expect(second.step.liquidation).to.deep.include({ shortfall: usdc("46.96"), claimedReward: usdc("29.6") });
    const cover = coverOf({ reward: usdc("29.6"), socialized: usdc("76.56") });
    expect(second.step.cover).to.deep.equal(cover);
    await expect(second.tx)
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(carol.address, MARKET_ID, usdc("46.96"), coverTuple(cover));
    await expect(second.tx)
      .to.emit(s.fund, "InsuranceFundBankruptcyCovered")
      .withArgs(MARKET_ID, carol.address, kim.address, coverTuple(cover));
    expect(await s.quote.balanceOf(kim.address)).to.equal(kimBefore + usdc("29.6"));
    // Shortfall + reward == paid now + pending + socialized + bad debt, to the unit.
    expect(usdc("46.96") + cover.reward).to.equal(cover.paidNow + cover.pending + cover.socialized + cover.badDebt);
    expect(await s.exchange.unsettledSocializedLoss()).to.equal(usdc(92) + usdc("76.56"));
  });

  it("test_positiveBankruptcyRatio_chargesThePenaltyNotTheWholeEquity", async () => {
    const { s, d, alice, kim } = await story({ params: { bankruptcyRatioWad: wad("0.5") } });
    // Alice goes long 10 at 2,000 on 10,000 (9,980 after the 20 fee). At 1,500 her equity is 9,980 - 5,000 =
    // 4,980: a ratio of 0.499, below the bankruptcy ratio of 0.5. The penalty is 1 % of 15,000 = 150.
    await d.deposit(alice, usdc(10_000), MARKET_ID);
    await d.trade(alice, wad(10), MARKET_ID);
    await d.setPrice(wad(1_500), MARKET_ID);
    const h = await s.exchange.accountHealth(alice.address, MARKET_ID);
    expect([h.equity, h.bankrupt]).to.deep.equal([usdc(4_980), true]);

    // She pays the 150, not her whole 4,980: Kim's 75 out of it first, the other 75 to the fee splitter; the fund
    // is asked for nothing, and the rest of her equity stays hers.
    const liq = await d.liquidate(alice, kim, MARKET_ID);
    expect(liq.step.liquidation).to.deep.include({
      bankrupt: true,
      penaltyPaid: usdc(150),
      liquidatorReward: usdc(75),
      feeToFund: usdc(75),
      shortfall: 0n,
      claimedReward: 0n,
      collateralAfter: usdc(4_830),
    });
    expect(liq.step.cover).to.equal(undefined);
    await expect(liq.tx).not.to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered");
    await expect(liq.tx).not.to.emit(s.fund, "InsuranceFundBankruptcyCovered");
    expect(await s.quote.balanceOf(kim.address)).to.equal(usdc(75));
    await d.withdraw(alice, usdc(4_830), MARKET_ID);
  });

  it("test_oneSidedCrash_winnersAllWithdrawOnceTheOwnerDepositedHouseCapital", async () => {
    const { s, d, alice, bob } = await story();
    // Everyone is short: Alice 4 on 1,000, Bob 2 on 1,000, at 2,000; the exchange is the counterparty of it all.
    await d.deposit(alice, usdc(1_000), MARKET_ID);
    await d.trade(alice, -wad(4), MARKET_ID);
    await d.deposit(bob, usdc(1_000), MARKET_ID);
    await d.trade(bob, -wad(2), MARKET_ID);

    // The price falls to 1,700 and both close in profit: 1,200 and 600, less 6.8 and 3.4 of fees. The exchange
    // owes them 2,185.2 + 1,592.6 but holds only their collateral less the fees it handed in: 1,977.8.
    await d.setPrice(wad(1_700), MARKET_ID);
    await d.trade(alice, wad(4), MARKET_ID);
    await d.trade(bob, wad(2), MARKET_ID);
    expect(await s.exchange.counterpartyRealizedPnl()).to.equal(-usdc(1_800));
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc("1977.8"));
    await expect(s.exchange.connect(alice).withdraw(MARKET_ID, usdc("2185.2")))
      .to.be.revertedWithCustomError(s.quote, "ERC20InsufficientBalance")
      .withArgs(s.exchangeAddress, usdc("1977.8"), usdc("2185.2"));
    await d.check("Alice's withdrawal reverted");

    // The owner deposits 1,800 of house capital: the identity counts it, and both withdraw everything.
    const deposited = await d.depositHouseCapital(usdc(1_800));
    await expect(deposited)
      .to.emit(s.exchange, "ReferenceExchangeHouseCapitalDeposited")
      .withArgs(s.admin.address, usdc(1_800));
    expect(await s.exchange.houseCapital()).to.equal(usdc(1_800));
    await d.withdraw(alice, usdc("2185.2"), MARKET_ID);
    await d.withdraw(bob, usdc("1592.6"), MARKET_ID);
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(0n);

    // Only the owner moves house capital, and never more than there is.
    await expect(s.exchange.connect(bob).depositHouseCapital(1n)).to.be.revertedWithCustomError(
      s.exchange,
      "OwnableUnauthorizedAccount",
    );
    await expect(s.exchange.connect(s.admin).withdrawHouseCapital(usdc(1_800) + 1n, s.admin.address))
      .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeHouseCapitalExceeded")
      .withArgs(usdc(1_800) + 1n, usdc(1_800));
    await d.check("after the refused house-capital calls");
  });

  it("test_pausedFund_aBankruptLiquidationQueuesAndIsPaidAfterTheUnpause", async () => {
    const { s, d, alice, bob, kim } = await story();
    await d.deposit(bob, usdc(2_000), MARKET_ID);
    await d.trade(bob, -wad(4), MARKET_ID);
    await d.deposit(alice, usdc(1_000), MARKET_ID);
    await d.trade(alice, wad(4), MARKET_ID);
    await d.setPaused(true);

    // At 1,700 Alice is bankrupt (shortfall 208, reward 34). The liquidation goes through while paused: the fund
    // bears both as if it were not paused, pays nothing now, and the 242 is the market's pending claim; the
    // exchange pays Kim his 34 at once.
    await d.setPrice(wad(1_700), MARKET_ID);
    const liq = await d.liquidate(alice, kim, MARKET_ID);
    const cover = coverOf({ reward: usdc(34), fundReward: usdc(34), fundShortfall: usdc(208), pending: usdc(242) });
    expect(liq.step.cover).to.deep.equal(cover);
    await expect(liq.tx)
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(alice.address, MARKET_ID, usdc(208), coverTuple(cover));
    expect(await s.quote.balanceOf(kim.address)).to.equal(usdc(34));
    expect(await s.fund.pendingClaim(MARKET_ID)).to.equal(usdc(242));
    expect(await s.fund.totalPending()).to.equal(usdc(242));
    expect(await s.exchange.pendingClaimsOwed()).to.equal(usdc(242));
    await expect(s.fund.connect(kim).processPendingClaim(MARKET_ID)).to.be.revertedWithCustomError(
      s.fund,
      "InsuranceFundPaused",
    );

    // After the unpause anyone has the claim paid to the exchange.
    await d.setPaused(false);
    const processed = await d.processPendingClaim(kim, MARKET_ID);
    expect(processed.paid).to.equal(usdc(242));
    await expect(processed.tx)
      .to.emit(s.fund, "InsuranceFundPendingClaimPaid")
      .withArgs(MARKET_ID, s.exchangeAddress, usdc(242), 0n);
    expect(await s.exchange.pendingClaimsOwed()).to.equal(0n);

    // Bob closes in profit and takes everything out.
    await d.trade(bob, wad(4), MARKET_ID);
    await d.withdraw(bob, d.book.account(bob.address, MARKET_ID).position.collateral, MARKET_ID);
  });
});
