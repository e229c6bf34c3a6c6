// Spin's thresholds (docs/behaviour.md sections 4.3 to 5.2, `target bands`): R = fund balance / max(7-day average OI, floor / 5 %).
// R < 2 %: 20 % of trading fees and 40 % of penalties to the fund; 2 % <= R < 5 %: penalties only (40 %);
// R >= 5 %: nothing, and the surplus above the target, max(5 % of the average OI, 200,000), may be swept to the
// treasury. The fund starts at its 200,000 USDC floor, which stands for 4,000,000 of OI.
//
// Two whales, Lou (long) and Sam (short), make the open interest of the big market (2,000 USDC per unit):
//
//   hour  OI              7-day average OI (in the first 7 days: the integral / hours since the first report)
//   0     2,000,000       2M: R = 200,000 / 4M (the floor's OI) = 5 %: top band               -> A at hour 2
//   12    8,000,000       crosses 4M at hour 18: R < 5 %: middle band                         -> B at hour 21 (4.57M)
//   24    30,000,000      crosses 10M at hour 30: R < 2 %: low band                           -> C at hour 33 (11.8M)
//   36    0 (they close)  480M·h / t falls: 6.7M at hour 72: middle band again                -> D at hour 72
//                         4.22M at hour 114: R > 5 %; 5 % of it (210,800) is above the floor  -> E: sweep
//   200   0 (Tess closes) the window (hours 32-200) holds 4 hours of the 30M: 0.72M           -> F
//   720   0               nothing open in the last 7 days: average 0, the target is the floor -> sweep the rest
//
// At each checkpoint Tess buys 1 unit (a 2 USDC fee) and a 5x-levered victim is liquidated while solvent in a
// small market (price 100 -> 90: a 4.5 USDC penalty handed to the fee splitter): both splits are checked against
// the policy model, in the band the model of the 7-day average says. In the low band Tess also churns 3 round
// trips of 5,000 units (20 % of 6 x 10,000 USDC of fees refills the fund), and the whales' closing fees too.
//
// The 7-day average the policy sees comes from the open-interest window's model (lib/model/
// openInterestWindow.ts, through the scenario book), fed with the reports at the timestamps the chain mined, and
// is compared with the fund's `averageOpenInterest()` at each checkpoint. The bands and sweeps are placed where the
// window's bucketing cannot change them (inside the first 7 days, where the average is exact, or after 7 idle days,
// where it is zero). After every step the chain is compared with the book, and no token is created or lost.

import { expect } from "chai";
import { network } from "hardhat";

import { deployExchange, feedAnswer, FEED_DECIMALS, MARKET_ID } from "../../lib/exchangeFixture.js";
import { FLOOR } from "../../lib/fundFixture.js";
import { FeeKind, SPIN_BANDS, targetBandsModel } from "../../lib/model/feePolicies.js";
import { BUCKETS } from "../../lib/model/openInterestWindow.js";
import { type Actor, scenarioDriver } from "../helpers/scenario.js";
import { DEFAULT_OPEN_INTEREST_CAP, HOUR, MAX_UINT128, usdc, wad, WEEK } from "../../lib/units.js";

const { ethers, networkHelpers } = await network.create();

const SPIN = targetBandsModel(SPIN_BANDS);
const BIG = MARKET_ID;
const SMALL = 2n;
const [LOW, MIDDLE, TOP] = [0, 1, 2];

describe("scenario: Spin's thresholds", () => {
  async function spinFixture() {
    const policy = await ethers.deployContract("TargetBandsPolicy", [SPIN_BANDS]);
    const s = await deployExchange(ethers, { policy: await policy.getAddress(), fundSeed: 0n });
    const signers = await ethers.getSigners();
    const [lou, sam, tess, kim] = signers.slice(9, 13);
    const victims = signers.slice(13, 19);
    const d = scenarioDriver(s, SPIN, {
      lou,
      sam,
      tess,
      kim,
      ...Object.fromEntries(victims.map((v, i) => [`victim ${i}`, v])),
    });

    // The small market where victims get liquidated, 100 USDC per unit.
    await s.fund.connect(s.governor).registerMarket(SMALL, {
      exchange: s.exchangeAddress,
      insuranceLimit: MAX_UINT128,
      rewardCap: MAX_UINT128,
      rewardCapBps: 10_000n,
      openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
    });
    const smallFeed = await ethers.deployContract("MockPriceFeed", [FEED_DECIMALS, feedAnswer(100)]);
    await s.exchange.listMarket(SMALL, await smallFeed.getAddress(), s.params);
    d.addMarket(SMALL, smallFeed, s.params, wad(100));

    // Spin seeds the floor from its token sale; the whales and Tess put up their margin.
    await d.fundDeposit(s.admin, FLOOR);
    await d.deposit(lou, usdc(4_000_000), BIG);
    await d.deposit(sam, usdc(4_000_000), BIG);
    await d.deposit(tess, usdc(1_200_000), BIG);
    return { s, d, lou, sam, tess, kim, victims };
  }

  it("test_targetBands_theSplitFollowsTheBandsAndTheSurplusIsSweptAboveTheTarget", async () => {
    const f = await networkHelpers.loadFixture(spinFixture);
    const { s, lou, sam, tess, kim } = f;
    const d = f.d.fresh();
    const book = d.book;
    const victims = [...f.victims];

    /** The band the policy model gives for the state a split saw, and the fund's own view of it then. */
    const expectBand = async (state: Parameters<typeof SPIN.band>[0], blockTag: number, band: number) => {
      expect(SPIN.band(state), "the model's band").to.equal(band);
      expect((await s.fund.health({ blockTag })).band, "the fund's band").to.equal(BigInt(band));
    };

    /**
     * Checkpoint: Tess buys 1 unit (fee 2 USDC); a victim opens long 10 at 100 on 200 USDC, the small market
     * falls to 90 (equity 199 - 100 = 99 of 199: ratio 0.497), Kim liquidates (penalty 1 % of 900 = 9: 4.5 to
     * Kim, 4.5 to the splitter), the price goes back to 100. Returns the two splits.
     */
    const checkpoint = async (band: number) => {
      const probe = await d.trade(tess, wad(1), BIG);
      const fee = probe.step.collected!;
      expect(fee.amount).to.equal(usdc(2));
      const block = (await probe.tx.wait())!.blockNumber;
      await expectBand(fee.state, block, band);
      // The fund's 7-day average is the window model's.
      expect(await s.fund.averageOpenInterest({ blockTag: block }), "7-day average").to.equal(
        fee.state.averageOpenInterest,
      );
      const openInterest = await s.exchange.openInterest(BIG);
      await expect(probe.tx)
        .to.emit(s.fund, "InsuranceFundTradeSettled")
        .withArgs(BIG, FeeKind.TradingFee, fee.fundPart, fee.treasuryPart, openInterest);

      const victim = victims.shift()!;
      await d.deposit(victim, usdc(200), SMALL);
      await d.trade(victim, wad(10), SMALL);
      await d.setPrice(wad(90), SMALL);
      const liq = await d.liquidate(victim, kim, SMALL);
      const penalty = liq.step.collected!;
      expect([liq.step.liquidation.bankrupt, penalty.amount]).to.deep.equal([false, usdc("4.5")]);
      await expectBand(penalty.state, (await liq.tx.wait())!.blockNumber, band);
      await expect(liq.tx)
        .to.emit(s.fund, "InsuranceFundTradeSettled")
        .withArgs(SMALL, FeeKind.LiquidationPenalty, penalty.fundPart, penalty.treasuryPart, 0n);
      await d.setPrice(wad(100), SMALL);
      return [
        [fee.fundPart, fee.treasuryPart],
        [penalty.fundPart, penalty.treasuryPart],
      ];
    };

    // The window's 6-hour buckets are aligned on multiples of 6 hours. The story starts 3 hours past a boundary,
    // whatever the clock of the run, so that at F the window's start (hour 32) falls in the bucket of hours 27-33.
    const bucket = WEEK / BUCKETS;
    const boundary = (BigInt(await networkHelpers.time.latest()) / bucket + 1n) * bucket;
    await networkHelpers.time.setNextBlockTimestamp(boundary + 3n * HOUR);

    // Hour 0: the whales open 500 each: 2M of OI. The first report starts the window.
    const first = await d.trade(lou, wad(500), BIG);
    const t0 = first.time;
    await d.trade(sam, -wad(500), BIG);
    const at = (hours: bigint) => networkHelpers.time.increaseTo(t0 + hours * HOUR);

    // A. Hour 2: average 2M, below the floor's 4M: R = 200,000 / 4M = 5 % exactly, the top band: nothing to
    // the fund. (The whales' opening fees went to the treasury too.)
    await at(2n);
    expect(await checkpoint(TOP)).to.deep.equal([
      [0n, usdc(2)],
      [0n, usdc("4.5")],
    ]);
    expect(book.fundBalance).to.equal(FLOOR);

    // Hour 12: they add 1,500 each: 8M. B. Hour 21: the average is (2M x 12 + 8M x 9) / 21 = 4.57M: R = 4.4 %,
    // the middle band: no trading-fee income, 40 % of the penalty (1.8 of 4.5, rounded up).
    await at(12n);
    await d.trade(lou, wad(1_500), BIG);
    await d.trade(sam, -wad(1_500), BIG);
    await at(21n);
    expect(await checkpoint(MIDDLE)).to.deep.equal([
      [0n, usdc(2)],
      [usdc("1.8"), usdc("2.7")],
    ]);

    // Hour 24: 5,500 more each: 30M. C. Hour 33: the average is 11.8M: R = 1.7 %, the low band: 20 % of the fee
    // (0.4 of 2) and 40 % of the penalty.
    await at(24n);
    await d.trade(lou, wad(5_500), BIG);
    await d.trade(sam, -wad(5_500), BIG);
    await at(33n);
    expect(await checkpoint(LOW)).to.deep.equal([
      [usdc("0.4"), usdc("1.6")],
      [usdc("1.8"), usdc("2.7")],
    ]);
    // Tess churns 3 round trips of 5,000 units at 2,000: 6 fees of 10,000, 2,000 of each to the fund.
    const beforeChurn = book.fundBalance;
    for (let i = 0; i < 3; i++) {
      for (const size of [wad(5_000), -wad(5_000)]) {
        const { step } = await d.trade(tess, size, BIG);
        expect(SPIN.band(step.collected!.state)).to.equal(LOW);
        expect([step.collected!.fundPart, step.collected!.treasuryPart]).to.deep.equal([usdc(2_000), usdc(8_000)]);
      }
    }
    expect(book.fundBalance - beforeChurn).to.equal(usdc(12_000));

    // Hour 36: the whales close their 7,500 each: two fees of 15,000, still in the low band: 3,000 each to the fund.
    await at(36n);
    for (const [who, size] of [
      [lou, -wad(7_500)],
      [sam, wad(7_500)],
    ] as [Actor, bigint][]) {
      const { step } = await d.trade(who, size, BIG);
      expect(SPIN.band(step.collected!.state)).to.equal(LOW);
      expect(step.collected!.fundPart).to.equal(usdc(3_000));
    }
    // 200,000 + 1.8 + 0.4 + 1.8 + 12,000 + 6,000 (and the victims' 1 USDC opening fees: 0.2 in the low band).
    expect(book.fundBalance).to.equal(FLOOR + usdc("18004.2"));

    // D. Hour 72: the open interest is 3 units of Tess; the average has fallen to about 480M·h / 72 = 6.7M:
    // R = 3.4 %, the middle band again.
    await at(72n);
    expect(await checkpoint(MIDDLE)).to.deep.equal([
      [0n, usdc(2)],
      [usdc("1.8"), usdc("2.7")],
    ]);

    // E. Hour 114: the average is about 4.22M: 5 % of it, about 210,800, is the target (above the floor), and the
    // fund, at 218,006, is above it: R > 5 %, the top band, and the surplus (about 7,200) goes to the treasury.
    await at(114n);
    expect(await checkpoint(TOP)).to.deep.equal([
      [0n, usdc(2)],
      [0n, usdc("4.5")],
    ]);
    const sweep = await d.sweepSurplus(kim);
    const target = book.target(sweep.time);
    expect(target > FLOOR).to.equal(true);
    expect(target).to.be.within(usdc(210_000), usdc(211_000));
    expect(sweep.surplus).to.equal(FLOOR + usdc("18006.0") - target);
    const sweepBlock = (await sweep.tx.wait())!.blockNumber;
    expect(await s.fund.averageOpenInterest({ blockTag: sweepBlock })).to.equal(book.averageOpenInterest(sweep.time));
    await expect(sweep.tx).to.emit(s.fund, "InsuranceFundSurplusSwept").withArgs(s.treasury.address, sweep.surplus, 0n);
    expect(await s.fund.fundBalance()).to.equal(target);
    expect(await s.quote.balanceOf(s.treasury.address)).to.equal(sweep.surplus);

    // F. Hour 200: the window is the last 7 days, hours 32 to 200. It has forgotten the first 32 hours: of the
    // whales' 480M·h only the last few hours of 30M are in it, where an average since the first report would
    // still be 480M·h / 200 h = 2.4M. Tess closes her 5 units in the top band.
    await at(200n);
    const close = await d.trade(tess, -wad(5), BIG);
    const closeState = close.step.collected!.state;
    expect(SPIN.band(closeState)).to.equal(TOP);
    const closeBlock = (await close.tx.wait())!.blockNumber;
    expect(await s.fund.averageOpenInterest({ blockTag: closeBlock })).to.equal(closeState.averageOpenInterest);
    const sinceFirst = book.openInterest.cumulativeAt(close.time) / (close.time - t0);
    expect(sinceFirst).to.be.within(usdc(2_400_000), usdc(2_410_000));
    // The exact average over hours 32-200 is 30M x 4 h / 168 h (+ Tess's units) = 0.72M. The window interpolates
    // its start inside the bucket of hours 27-33, where the whales' 30M and Tess's 2 units did not change (Tess
    // churns after hour 33): the interpolation is exact, and the average is the exact one, less its rounding.
    const exact = book.openInterest.exactTwap(close.time, WEEK);
    expect(exact).to.be.within(usdc(714_000), usdc(730_000));
    expect(book.openInterest.startBucketIsConstant(close.time, WEEK)).to.equal(true);
    expect(closeState.averageOpenInterest).to.be.within(exact - 1n, exact + 1n);
    expect(book.openInterest.current()).to.equal(0n);

    // A month after the first report, with no open interest for more than a window, the 7-day average is zero:
    // the target is the floor, and the rest of the surplus is swept.
    await at(720n);
    const last = await d.sweepSurplus(kim);
    const lastBlock = (await last.tx.wait())!.blockNumber;
    expect(book.averageOpenInterest(last.time)).to.equal(0n);
    expect(await s.fund.averageOpenInterest({ blockTag: lastBlock })).to.equal(0n);
    expect(book.target(last.time)).to.equal(FLOOR);
    expect(last.surplus).to.equal(target - FLOOR);
    expect(await s.fund.fundBalance()).to.equal(FLOOR);
    await expect(s.fund.sweepSurplus())
      .to.be.revertedWithCustomError(s.fund, "InsuranceFundNoSurplus")
      .withArgs(FLOOR, FLOOR);
  });
});
