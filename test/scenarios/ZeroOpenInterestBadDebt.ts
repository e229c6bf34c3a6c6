// Bad debt when nobody is left to share a loss (docs/behaviour.md section 6: "If the market has no open positions, the loss
// cannot be socialized: it is recorded as bad debt that the fund's next income pays first, with an event").
// Alice holds the market's only position, long 4 at 2,000 on 1,000 USDC. The fund is small: 50 USDC seeded
// plus its half of Alice's 8 USDC fee. The price falls to 1,700: Alice's equity is 992 - 1,200 = -208. Bob
// liquidates her: the fund bears Bob's 34 reward and the 20 it has left towards the 208 (the exchange pays Bob);
// the other 188 cannot be spread (the open base is now zero) and becomes the market's bad debt. Then Carol and Dan
// trade: each fee, whole, stays in the exchange, repaying the bad debt before any split, until it is gone; from
// then on fees are split again. After every step the chain is compared with the scenario book, no token is created
// or lost, and the exchange's books balance.

import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
import { coverOf, coverTuple } from "../../lib/model/waterfall.js";
import { FeeKind, fixedShareModel, SPARK_SHARES } from "../../lib/model/feePolicies.js";
import { scenarioDriver } from "../helpers/scenario.js";
import { usdc, wad } from "../../lib/units.js";

const { ethers, networkHelpers } = await network.create();

/** Spark's policy, the fixture's: half of every fee and penalty to the fund, rounded up. */
const SPARK = fixedShareModel(SPARK_SHARES.tradingFeeShareBps, SPARK_SHARES.penaltyShareBps);

const SEED = usdc(50);

describe("scenario: bad debt with zero open interest", () => {
  async function loneLongFixture() {
    const s = await deployExchange(ethers, { fundSeed: 0n });
    const [alice, bob, carol, dan] = (await ethers.getSigners()).slice(9, 13);
    const d = scenarioDriver(s, SPARK, { alice, bob, carol, dan });
    await d.fundDeposit(s.admin, SEED);
    await d.deposit(alice, usdc(1_000), MARKET_ID);
    await d.trade(alice, wad(4), MARKET_ID);
    expect(d.book.fundBalance).to.equal(usdc(54));
    await d.setPrice(wad(1_700), MARKET_ID);
    return { s, d, alice, bob, carol, dan };
  }

  it("test_badDebt_recordedWhenTheLastPositionGoesBankruptThenRepaidByIncome", async () => {
    const f = await networkHelpers.loadFixture(loneLongFixture);
    const { s, alice, bob, carol, dan } = f;
    const d = f.d.fresh();
    const book = d.book;

    // 1. Bob liquidates Alice, the last open position: reward 34, then 20 of the shortfall (all the fund has
    // left), and 188 of bad debt: there is no open base to spread it over.
    const liq = await d.liquidate(alice, bob, MARKET_ID);
    expect(liq.step.liquidation).to.deep.include({ shortfall: usdc(208), claimedReward: usdc(34) });
    const cover = coverOf({
      reward: usdc(34),
      fundReward: usdc(34),
      fundShortfall: usdc(20),
      paidNow: usdc(54),
      badDebt: usdc(188),
    });
    expect(liq.step.cover).to.deep.equal(cover);
    await expect(liq.tx)
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(alice.address, MARKET_ID, usdc(208), coverTuple(cover));
    await expect(liq.tx)
      .to.emit(s.fund, "InsuranceFundBadDebtRecorded")
      .withArgs(MARKET_ID, alice.address, usdc(188), usdc(188));
    await expect(liq.tx).not.to.emit(s.fund, "InsuranceFundLossSocialized");
    expect((await s.exchange.market(MARKET_ID)).openBaseWad).to.equal(0n);
    expect((await s.fund.market(MARKET_ID)).badDebt).to.equal(usdc(188));
    expect(await s.fund.totalBadDebt()).to.equal(usdc(188));
    expect((await s.fund.health()).badDebt).to.equal(usdc(188));
    expect((await s.exchange.market(MARKET_ID)).badDebtOutstanding).to.equal(usdc(188));
    expect(await s.exchange.badDebtOutstanding()).to.equal(usdc(188));
    expect(await s.fund.fundBalance()).to.equal(0n);
    expect(await s.quote.balanceOf(bob.address)).to.equal(usdc(34));
    // The loss index did not move: nobody owes anything for it.
    expect(await s.fund.lossIndex(MARKET_ID)).to.equal(0n);
    // The exchange holds Alice's 992 and the fund's 54 less Bob's 34: 188 short of the 1,200 it won as counterparty.
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc(1_012));
    expect(await s.exchange.counterpartyRealizedPnl()).to.equal(usdc(1_200));

    // 2. A deposit into the fund does not repay bad debt: only income does.
    await d.fundDeposit(dan, usdc(10));
    expect(await s.fund.totalBadDebt()).to.equal(usdc(188));

    // 3. Carol opens long 100 at 1,700: fee 170, all of it repays bad debt and stays in the exchange. 18 left.
    await d.deposit(carol, usdc(20_000), MARKET_ID);
    const t1 = await d.trade(carol, wad(100), MARKET_ID);
    await expect(t1.tx)
      .to.emit(s.fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.TradingFee, 0n, 0n, usdc(170_000));
    await expect(t1.tx).to.emit(s.fund, "InsuranceFundBadDebtRepaid").withArgs(MARKET_ID, usdc(170), usdc(18));
    expect(await s.fund.totalBadDebt()).to.equal(usdc(18));
    expect(await s.exchange.badDebtOutstanding()).to.equal(usdc(18));
    expect(await s.fund.fundBalance()).to.equal(usdc(10));

    // 4. Dan shorts 100 against her: fee 170, 18 repays the rest of the bad debt, the other 152 is split 76 / 76.
    await d.deposit(dan, usdc(20_000), MARKET_ID);
    const t2 = await d.trade(dan, -wad(100), MARKET_ID);
    await expect(t2.tx)
      .to.emit(s.fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.TradingFee, usdc(76), usdc(76), usdc(340_000));
    await expect(t2.tx).to.emit(s.fund, "InsuranceFundBadDebtRepaid").withArgs(MARKET_ID, usdc(18), 0n);
    expect(await s.fund.totalBadDebt()).to.equal(0n);
    expect((await s.fund.market(MARKET_ID)).badDebt).to.equal(0n);
    expect(await s.exchange.badDebtOutstanding()).to.equal(0n);
    expect(await s.fund.fundBalance()).to.equal(usdc(86));

    // 5. With no bad debt left, the next fee is split in halves and no repayment is emitted.
    const t3 = await d.trade(carol, -wad(50), MARKET_ID);
    await expect(t3.tx)
      .to.emit(s.fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.TradingFee, usdc("42.5"), usdc("42.5"), usdc(255_000));
    await expect(t3.tx).not.to.emit(s.fund, "InsuranceFundBadDebtRepaid");
    expect(await s.fund.fundBalance()).to.equal(usdc("128.5"));
    await d.trade(dan, wad(50), MARKET_ID);
    expect(await s.fund.fundBalance()).to.equal(usdc(171));

    // 6. Everyone closes at 1,700 (no PnL) and leaves. The exchange is left with exactly what it won from Alice
    // as the counterparty: 992 of her collateral + 54 from the fund - 34 to Bob + 188 repaid from fees = 1,200.
    await d.trade(carol, -wad(50), MARKET_ID);
    await d.trade(dan, wad(50), MARKET_ID);
    for (const who of [carol, dan]) {
      await d.withdraw(who, book.account(who.address, MARKET_ID).position.collateral, MARKET_ID);
    }
    expect(await s.exchange.totalCollateral()).to.equal(0n);
    expect(await s.exchange.counterpartyRealizedPnl()).to.equal(usdc(1_200));
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc(1_200));
    // Carol and Dan paid 170 + 85 + 85 of fees each: 680, of which 188 repaid the bad debt and stayed in the
    // exchange; the other 492 was split in halves. The fund: 54 - 54 (paid out) + 10 (Dan's deposit) + 246 = 256.
    expect(await s.quote.balanceOf(carol.address)).to.equal(usdc(20_000 - 340));
    expect(await s.quote.balanceOf(dan.address)).to.equal(usdc(20_000 - 340));
    expect(await s.fund.fundBalance()).to.equal(usdc(256));
    expect(await s.fund.treasuryAccrued()).to.equal(usdc(4 + 246));
  });
});
