// Spin's example, end to end through the reference exchange (docs/behaviour.md section 3):
// "Alice's collateral is 1000.00 USDC with an unrealized PnL of -1200.00 USDC. Bob liquidates her position,
// 1000.00 USDC is in the vault already and the insufficient amount of 200.00 USDC for the vault + reward for
// the liquidator is being repaid by the Insurance Fund."
// Spin's example has no trading fee, so this market charges none; Carol takes the other side of Alice's trade
// so that the book is balanced, and at the end she takes her profit out: the exchange is then left with
// exactly nothing, which is what "the vault is made whole" means to the unit.

import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, MARKET_ID } from "../../lib/exchangeFixture.js";
import { coverOf, coverTuple } from "../../lib/model/waterfall.js";
import * as model from "../../lib/model/exchange.js";
import { usdc, wad } from "../../lib/units.js";

const { ethers, networkHelpers } = await network.create();

const SEED = usdc(200_000); // Spin's floor, seeded from the token sale

describe("scenario: Spin's example", () => {
  async function spinFixture(fundSeed: bigint) {
    const s = await deployExchange(ethers, { fundSeed, params: { tradingFeeBps: 0n } });
    // Alice deposits 1,000 USDC and goes long 4 at 2,000 (8,000 of notional: 8x). Carol shorts 4 against her.
    await s.depositFor(s.alice, usdc(1_000));
    await s.exchange.connect(s.alice).trade(MARKET_ID, wad(4));
    await s.depositFor(s.carol, usdc(1_000));
    await s.exchange.connect(s.carol).trade(MARKET_ID, -wad(4));
    // The price falls 300: Alice's uPnL is 4 x -300 = -1,200, her equity -200 (margin ratio -0.2).
    await s.setPrice(1_700);
    return s;
  }

  const funded = () => spinFixture(SEED);
  const empty = () => spinFixture(0n);

  it("test_spinExample_theFundPaysThe200AndBobsReward", async () => {
    const s = await networkHelpers.loadFixture(funded);
    const h = await s.exchange.accountHealth(s.alice.address, MARKET_ID);
    expect([h.collateral, h.unrealizedPnl, h.equity, h.marginRatioWad]).to.deep.equal([
      usdc(1_000),
      -usdc(1_200),
      -usdc(200),
      -wad("0.2"),
    ]);
    expect([h.liquidatable, h.bankrupt]).to.deep.equal([true, true]);

    // Bob liquidates. The penalty is 1 % of 6,800 = 68; his share, 50 %, is the reward: 34.
    const liq = model.liquidate(
      { collateral: usdc(1_000), base: wad(4), openNotional: wad(8_000) },
      wad(1_700),
      s.params,
      model.quoteToWad(6n),
    );
    expect(liq).to.deep.include({ shortfall: usdc(200), claimedReward: usdc(34) });
    // The fund bears both and pays the 234 to the exchange, which pays Bob his 34.
    await expect(s.exchange.connect(s.bob).liquidate(s.alice.address, MARKET_ID))
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(
        s.alice.address,
        MARKET_ID,
        usdc(200),
        coverTuple(coverOf({ reward: usdc(34), fundReward: usdc(34), fundShortfall: usdc(200), paidNow: usdc(234) })),
      );

    // Balances to the unit.
    expect(await s.quote.balanceOf(s.alice.address)).to.equal(0n);
    expect((await s.exchange.position(s.alice.address, MARKET_ID)).collateral).to.equal(0n);
    expect(await s.quote.balanceOf(s.bob.address)).to.equal(usdc(34));
    expect(await s.fund.fundBalance()).to.equal(SEED - usdc(234));
    expect(await s.quote.balanceOf(s.fundAddress)).to.equal(SEED - usdc(234));
    expect(await s.quote.balanceOf(s.treasury.address)).to.equal(0n);
    expect(await s.fund.treasuryAccrued()).to.equal(0n);
    // Alice's 1,000 + Carol's 1,000 + the fund's 200.
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc(2_200));
    expect((await s.fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(234));

    // Carol closes her short in profit (+1,200) and takes everything out: the vault was made whole.
    await s.exchange.connect(s.carol).trade(MARKET_ID, wad(4));
    await s.exchange.connect(s.carol).withdraw(MARKET_ID, usdc(2_200));
    expect(await s.quote.balanceOf(s.carol.address)).to.equal(usdc(2_200));
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(0n);
    expect(await s.exchange.totalCollateral()).to.equal(0n);
    expect(await s.exchange.unsettledSocializedLoss()).to.equal(0n);
    expect(await s.exchange.badDebtOutstanding()).to.equal(0n);
  });

  it("test_spinExample_withAnEmptyFundCarolBearsTheLoss", async () => {
    const s = await networkHelpers.loadFixture(empty);
    // The fund has nothing: the exchange still pays Bob his 34, and the 200 with the 34 is spread over the open 4
    // (Carol's short).
    await expect(s.exchange.connect(s.bob).liquidate(s.alice.address, MARKET_ID))
      .to.emit(s.exchange, "ReferenceExchangeBankruptcyCovered")
      .withArgs(
        s.alice.address,
        MARKET_ID,
        usdc(200),
        coverTuple(coverOf({ reward: usdc(34), socialized: usdc(234) })),
      );
    expect(await s.quote.balanceOf(s.bob.address)).to.equal(usdc(34));
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(usdc(2_000) - usdc(34));

    // Carol's next touch charges her 234 (4 x 58.5 per unit, exact), then she closes at +1,200.
    const h = await s.exchange.accountHealth(s.carol.address, MARKET_ID);
    expect([h.pendingLoss, h.collateral, h.unrealizedPnl]).to.deep.equal([usdc(234), usdc(766), usdc(1_200)]);
    await s.exchange.connect(s.carol).trade(MARKET_ID, wad(4));
    expect((await s.exchange.position(s.carol.address, MARKET_ID)).collateral).to.equal(usdc(1_966));
    await s.exchange.connect(s.carol).withdraw(MARKET_ID, usdc(1_966));
    expect(await s.quote.balanceOf(s.carol.address)).to.equal(usdc(1_966));
    expect(await s.quote.balanceOf(s.exchangeAddress)).to.equal(0n);
    expect(await s.exchange.unsettledSocializedLoss()).to.equal(0n);
    expect(await s.fund.fundBalance()).to.equal(0n);
  });
});
