import { expect } from "chai";
import { network } from "hardhat";

import { claimFor, deployFund, type FundSuite, MARKET_ID, registerMarket, seed } from "../lib/fundFixture.js";
import { DeferredMarket } from "../lib/model/deferredFees.js";
import {
  FeeKind,
  type FeePolicyModel,
  fixedShareModel,
  fundState,
  SPIN_BANDS,
  targetBandsModel,
} from "../lib/model/feePolicies.js";
import { owed, socialize } from "../lib/model/lossIndex.js";
import { OpenInterestHistory } from "../lib/model/openInterestWindow.js";
import { waterfall } from "../lib/model/waterfall.js";
import { Prng } from "../lib/prng.js";
import { DAY, HOUR, MAX_UINT128, usdc, wad, WEEK } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

const MAX_UINT96 = 2n ** 96n - 1n;
const LIMIT = usdc(1_000);
const SEED = usdc(79_000);
const BAD_DEBT = usdc(500);
const SOCIALIZED = usdc(700);
const OPEN_BASE = wad(10);

/** A `FundState` struct result as a plain object a call takes. */
const plainState = (s: { balance: bigint; averageOpenInterest: bigint; floor: bigint; targetShareBps: bigint }) => ({
  balance: s.balance,
  averageOpenInterest: s.averageOpenInterest,
  floor: s.floor,
  targetShareBps: s.targetShareBps,
});

/** Everything `settleTrade` may change, read from the fund. */
async function endState(suite: FundSuite) {
  const { fund, usdc: token, exchange } = suite;
  const m = await fund.market(MARKET_ID);
  return {
    balance: await fund.fundBalance(),
    treasuryAccrued: await fund.treasuryAccrued(),
    totalBadDebt: await fund.totalBadDebt(),
    marketBadDebt: m.badDebt,
    marketOpenInterest: m.openInterest,
    totalOpenInterest: await fund.totalOpenInterest(),
    averageOpenInterest: await fund.averageOpenInterest(),
    lossIndex: await fund.lossIndex(MARKET_ID),
    pending: await fund.totalPending(),
    held: await token.balanceOf(suite.fundAddress),
    exchangeHeld: await token.balanceOf(exchange.address),
  };
}

/** The model's side of a market after the fixture: bad debt, a socialized loss and the fund's balance. */
class TradeModel {
  balance = SEED - LIMIT;
  treasuryAccrued = 0n;
  badDebt = BAD_DEBT;
  index = socialize(0n, SOCIALIZED, OPEN_BASE).index;
  openInterest = 0n;
  readonly history = new OpenInterestHistory();

  constructor(readonly policy: FeePolicyModel) {}

  /** One trade at `time`: the loss, the fee's repayment and split (the policy sees the state before it), the OI. */
  trade(time: bigint, absBase: bigint, settledIndex: bigint, kind: FeeKind, fee: bigint, openInterest: bigint) {
    const loss = owed(absBase, settledIndex, this.index);
    const repaid = fee < this.badDebt ? fee : this.badDebt;
    this.badDebt -= repaid;
    const state = fundState({ balance: this.balance, averageOpenInterest: this.average(time) });
    const split = fee === repaid ? { fundPart: 0n, treasuryPart: 0n } : this.policy.split(kind, fee - repaid, state);
    this.balance += split.fundPart;
    this.treasuryAccrued += split.treasuryPart;
    if (openInterest !== this.openInterest) this.history.record(time, openInterest);
    this.openInterest = openInterest;
    return { loss, repaid, ...split };
  }

  average(time: bigint): bigint {
    return this.history.reports.length === 0 ? 0n : this.history.average(time, WEEK);
  }
}

/** A fund with one market: 500 USDC of bad debt (no open base), then 700 USDC socialized over 10 base. */
async function marketUnder(policyAddress: string) {
  const suite = await deployFund(ethers, { policy: policyAddress });
  await registerMarket(suite, LIMIT);
  await registerMarket(suite, LIMIT, 2n);
  await seed(suite, SEED);
  await suite.fund
    .connect(suite.exchange)
    .coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: LIMIT + BAD_DEBT, openBase: 0n }));
  await suite.fund
    .connect(suite.exchange)
    .coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: SOCIALIZED, openBase: OPEN_BASE }));
  await suite.usdc.mint(suite.exchange.address, MAX_UINT128);
  await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, ethers.MaxUint256);
  return suite;
}

/** Two identical funds: one settles by `settleTrade`, the other by the three separate calls. */
async function twinFunds(policyName: "FixedSharePolicy" | "TargetBandsPolicy") {
  const policy =
    policyName === "FixedSharePolicy"
      ? await ethers.deployContract("FixedSharePolicy", [5_000, 5_000])
      : await ethers.deployContract("TargetBandsPolicy", [SPIN_BANDS]);
  const address = await policy.getAddress();
  const one = await marketUnder(address);
  const three = await marketUnder(address);
  const start = (BigInt(await networkHelpers.time.latest()) / DAY + 1n) * DAY;
  return { one, three, start };
}

const twinsUnderFixedShare = () => twinFunds("FixedSharePolicy");
const twinsUnderTargetBands = () => twinFunds("TargetBandsPolicy");

/** A fixed-share fund (the given shares) whose market has no bad debt, the exchange funded and approving. */
async function fastPathFund(tradingFeeShareBps: bigint, penaltyShareBps: bigint) {
  const policy = await ethers.deployContract("FixedSharePolicy", [tradingFeeShareBps, penaltyShareBps]);
  const suite = await deployFund(ethers, { policy: await policy.getAddress() });
  await registerMarket(suite, LIMIT);
  await suite.usdc.mint(suite.exchange.address, MAX_UINT128);
  await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, ethers.MaxUint256);
  return { ...suite, fixedPolicy: policy };
}

const oddSharesFund = () => fastPathFund(3_333n, 7_777n);
const sparkFund = () => fastPathFund(5_000n, 5_000n);

describe("InsuranceFund trade settlement", () => {
  for (const [name, fixture, policyModel] of [
    ["FixedSharePolicy 5000/5000", twinsUnderFixedShare, fixedShareModel(5_000n, 5_000n)],
    ["TargetBandsPolicy (Spin)", twinsUnderTargetBands, targetBandsModel(SPIN_BANDS)],
  ] as const) {
    it(`test_settleTrade_equalsPositionLossCollectFeeAndRecordOpenInterest_${name}`, async () => {
      const { one, three, start } = await networkHelpers.loadFixture(fixture);
      const model = new TradeModel(policyModel);
      const rng = new Prng(`settleTrade ${name}`);
      // Fees large enough to repay the bad debt within a few trades and to move Spin's band (79,000 of a 4,000,000
      // floor OI is 1.975 %: below the lower band until about 1,000 of fund parts arrive).
      let time = start;
      let bands = new Set<number>();
      for (let i = 0; i < 24; i++) {
        time += rng.between(1n, 8n * HOUR);
        const kind = rng.chance(1, 4) ? FeeKind.LiquidationPenalty : FeeKind.TradingFee;
        const fee = i % 7 === 6 ? 0n : rng.between(1n, usdc(3_000));
        const openInterest = rng.between(0n, usdc(10_000_000));
        const absBase = rng.between(0n, wad(5));
        const settledIndex = rng.chance(1, 2) ? 0n : model.index;
        bands.add(policyModel.band(fundState({ balance: model.balance, averageOpenInterest: model.average(time) })));
        const expected = model.trade(time, absBase, settledIndex, kind, fee, openInterest);

        const [loss, lossIndex, repaid] = await one.fund
          .connect(one.exchange)
          .settleTrade.staticCall(MARKET_ID, absBase, settledIndex, kind, fee, openInterest);
        expect([loss, lossIndex, repaid]).to.deep.equal([expected.loss, model.index, expected.repaid]);
        const [threeLoss, threeIndex] = await three.fund.positionLoss(MARKET_ID, absBase, settledIndex);
        expect([threeLoss, threeIndex]).to.deep.equal([expected.loss, model.index]);

        // Both funds' calls in one block: the same timestamp for the split and for the open interest.
        await networkHelpers.mine(1, { interval: 0 });
        await ethers.provider.send("evm_setAutomine", [false]);
        const gas = { gasLimit: 2_000_000n };
        const txs = [
          await one.fund
            .connect(one.exchange)
            .settleTrade(MARKET_ID, absBase, settledIndex, kind, fee, openInterest, gas),
          await three.fund.connect(three.exchange).collectFee(MARKET_ID, kind, fee, gas),
          await three.fund.connect(three.exchange).recordOpenInterest(MARKET_ID, openInterest, gas),
        ];
        await networkHelpers.time.setNextBlockTimestamp(time);
        await networkHelpers.mine();
        await ethers.provider.send("evm_setAutomine", [true]);
        for (const tx of txs) expect((await tx.wait())?.status).to.equal(1);

        const [a, b] = [await endState(one), await endState(three)];
        expect(a).to.deep.equal(b);
        expect(a.balance).to.equal(model.balance);
        expect(a.treasuryAccrued).to.equal(model.treasuryAccrued);
        expect(a.totalBadDebt).to.equal(model.badDebt);
        expect(a.marketBadDebt).to.equal(model.badDebt);
        expect(a.marketOpenInterest).to.equal(model.openInterest);
        expect(a.totalOpenInterest).to.equal(model.openInterest);
        expect(a.averageOpenInterest).to.equal(model.average(time));
        expect(a.held).to.equal(model.balance + model.treasuryAccrued);
      }
      expect(model.badDebt).to.equal(0n);
      if (name.startsWith("Target")) expect(bands.size).to.be.greaterThan(1);
      bands = new Set();
    });
  }

  it("test_settleTrade_emitsOneEventWithItsArgs", async () => {
    const { one } = await networkHelpers.loadFixture(twinsUnderFixedShare);
    const { fund, exchange } = one;
    // The first fee repays the bad debt: the trade event and the repayment, nothing else.
    const first = await (
      await fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, usdc(600), usdc(1_000))
    ).wait();
    const names = (receipt: typeof first) =>
      receipt!.logs.flatMap((log) => {
        const parsed = fund.interface.parseLog(log);
        return parsed === null ? [] : [parsed.name];
      });
    expect(names(first)).to.deep.equal(["InsuranceFundBadDebtRepaid", "InsuranceFundTradeSettled"]);
    // An odd fee with the open interest unchanged: still one event, the fund's part rounded up.
    const tx = fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.LiquidationPenalty, 7n, usdc(1_000));
    await expect(tx)
      .to.emit(fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.LiquidationPenalty, 4n, 3n, usdc(1_000));
    expect(names(await (await tx).wait())).to.deep.equal(["InsuranceFundTradeSettled"]);
  });

  it("test_settleTrade_repaysBadDebtFirstFromTheWholeFee", async () => {
    const { one } = await networkHelpers.loadFixture(twinsUnderFixedShare);
    const { fund, exchange } = one;
    const before = await endState(one);
    // 300 of the 500 of bad debt: the exchange keeps it all, nothing is split or pulled.
    await expect(fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, usdc(300), 0n))
      .to.emit(fund, "InsuranceFundBadDebtRepaid")
      .withArgs(MARKET_ID, usdc(300), usdc(200))
      .and.to.emit(fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.TradingFee, 0n, 0n, 0n);
    // 201: 200 repays the rest, 1 unit splits (the fund's half rounded up: the whole unit).
    await expect(fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, usdc(200) + 1n, 0n))
      .to.emit(fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.TradingFee, 1n, 0n, 0n);
    const after = await endState(one);
    expect(after.totalBadDebt).to.equal(0n);
    expect(after.balance - before.balance).to.equal(1n);
    expect(before.exchangeHeld - after.exchangeHeld).to.equal(1n);
  });

  it("test_settleTrade_zeroFeeHandsInNothing", async () => {
    const { one } = await networkHelpers.loadFixture(twinsUnderFixedShare);
    const { fund, exchange } = one;
    const before = await endState(one);
    await expect(fund.connect(exchange).settleTrade(MARKET_ID, wad(1), 0n, FeeKind.TradingFee, 0n, usdc(5)))
      .to.emit(fund, "InsuranceFundTradeSettled")
      .withArgs(MARKET_ID, FeeKind.TradingFee, 0n, 0n, usdc(5))
      .and.not.to.emit(fund, "InsuranceFundBadDebtRepaid");
    const after = await endState(one);
    expect({ ...after, marketOpenInterest: 0n, totalOpenInterest: 0n, averageOpenInterest: 0n }).to.deep.equal({
      ...before,
      marketOpenInterest: 0n,
      totalOpenInterest: 0n,
      averageOpenInterest: 0n,
    });
    expect(after.marketOpenInterest).to.equal(usdc(5));
  });

  it("test_settleTrade_revertsChangeNothing", async () => {
    const { one } = await networkHelpers.loadFixture(twinsUnderFixedShare);
    const { fund, exchange, alice, governor } = one;
    await fund.connect(governor).setOpenInterestCap(MARKET_ID, usdc(1_000_000));
    await fund.connect(governor).retireMarket(2n);
    const index = await fund.lossIndex(MARKET_ID);
    const before = await endState(one);
    const fee = usdc(10);
    const cases = [
      [fund.connect(exchange).settleTrade(9n, 0n, 0n, FeeKind.TradingFee, fee, 0n), "InsuranceFundUnknownMarket", [9n]],
      [
        fund.connect(alice).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, fee, 0n),
        "InsuranceFundNotMarketExchange",
        [MARKET_ID, alice.address],
      ],
      [
        fund.connect(exchange).settleTrade(2n, 0n, 0n, FeeKind.TradingFee, fee, 0n),
        "InsuranceFundMarketIsRetired",
        [2n],
      ],
      [
        fund.connect(exchange).settleTrade(MARKET_ID, wad(1), index + 1n, FeeKind.TradingFee, fee, 0n),
        "InsuranceFundIndexAhead",
        [MARKET_ID, index + 1n, index],
      ],
      [
        fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, MAX_UINT128 + 1n, 0n),
        "InsuranceFundAmountTooLarge",
        [MAX_UINT128 + 1n],
      ],
      [
        fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, fee, usdc(1_000_000) + 1n),
        "InsuranceFundOpenInterestAboveCap",
        [MARKET_ID, usdc(1_000_000) + 1n, usdc(1_000_000)],
      ],
    ] as const;
    for (const [call, error, args] of cases) {
      await expect(call)
        .to.be.revertedWithCustomError(fund, error)
        .withArgs(...args);
    }
    expect(await endState(one)).to.deep.equal(before);
  });

  describe("the fixed-share fast path", () => {
    it("test_settleTrade_fastPathRoundsTheFundsPartUpAsFixedSharePolicy", async () => {
      const { fund, exchange, fixedPolicy } = await networkHelpers.loadFixture(oddSharesFund);
      const model = fixedShareModel(3_333n, 7_777n);
      const rng = new Prng("fast path");
      const amounts = [1n, 2n, 3n, 9_999n, 10_001n, 2n ** 64n + 1n];
      // Up to 2^86 each: 300 of them stay within the balance's 96 bits.
      while (amounts.length < 300) amounts.push(rng.below(rng.chance(1, 2) ? 10n ** 9n : 2n ** 86n) + 1n);
      const state = plainState(await fund.fundState());
      let balance = 0n;
      let treasuryAccrued = 0n;
      for (const [i, amount] of amounts.entries()) {
        const kind = i % 2 === 0 ? FeeKind.TradingFee : FeeKind.LiquidationPenalty;
        const expected = model.split(kind, amount, fundState({ balance: 0n }));
        const [policyFund, policyTreasury] = await fixedPolicy.split(kind, amount, state);
        expect([policyFund, policyTreasury]).to.deep.equal([expected.fundPart, expected.treasuryPart]);
        await expect(fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, kind, amount, 0n))
          .to.emit(fund, "InsuranceFundTradeSettled")
          .withArgs(MARKET_ID, kind, expected.fundPart, expected.treasuryPart, 0n);
        balance += expected.fundPart;
        treasuryAccrued += expected.treasuryPart;
      }
      expect(await fund.fundBalance()).to.equal(balance);
      expect(await fund.treasuryAccrued()).to.equal(treasuryAccrued);
      // 2^128 - 1: the fund's part is exact to the unit, and the balance's 96-bit width refuses it by name.
      const top = model.split(FeeKind.TradingFee, MAX_UINT128, fundState({ balance: 0n }));
      expect(top.fundPart).to.equal((MAX_UINT128 * 3_333n + 9_999n) / 10_000n);
      expect(balance + top.fundPart).to.be.greaterThan(MAX_UINT96);
      await expect(fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, MAX_UINT128, 0n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundAmountTooLarge")
        .withArgs(balance + top.fundPart);
    });

    it("test_settleTrade_aPolicyThatSplitsOtherwiseThanItDeclaresIsAsked", async () => {
      const suite = await networkHelpers.loadFixture(sparkFund);
      const { fund, exchange, governor } = suite;
      const liar = await ethers.deployContract("LyingFixedSharePolicy", [5_000, 5_000, false]);
      await fund.connect(governor).setFeePolicy(await liar.getAddress());
      // Declared 50 % rounded up (2 of 3 to the fund); the policy rounds down: its own split is used.
      await expect(fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, 3n, 0n))
        .to.emit(fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.TradingFee, 1n, 2n, 0n);
      await expect(fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.LiquidationPenalty, 1n, 0n))
        .to.emit(fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.LiquidationPenalty, 0n, 1n, 0n);
    });

    it("test_settleTrade_aPolicyHonestOnlyOnTheProbeIsTakenAtItsWord", async () => {
      // The fund checks the declaration on one probe amount (1,000,001) per kind: a policy that splits that amount
      // by its declared shares and every other amount otherwise is split by the declared shares (governance's
      // choice of policy is trusted; documented here so that a change of the probe shows).
      const suite = await networkHelpers.loadFixture(sparkFund);
      const { fund, exchange, governor } = suite;
      const liar = await ethers.deployContract("LyingFixedSharePolicy", [5_000, 5_000, true]);
      expect((await liar.split(FeeKind.TradingFee, 3n, plainState(await fund.fundState())))[0]).to.equal(1n);
      await fund.connect(governor).setFeePolicy(await liar.getAddress());
      await expect(fund.connect(exchange).settleTrade(MARKET_ID, 0n, 0n, FeeKind.TradingFee, 3n, 0n))
        .to.emit(fund, "InsuranceFundTradeSettled")
        .withArgs(MARKET_ID, FeeKind.TradingFee, 2n, 1n, 0n);
    });
  });

  describe("settleBankruptcy", () => {
    /** Two identical Spark funds with a seeded market (limit `limit`), the exchange funded and approving. */
    async function twinBankruptcyFunds(limit: bigint, balance: bigint) {
      const policy = await ethers.deployContract("FixedSharePolicy", [5_000, 5_000]);
      const make = async () => {
        const suite = await deployFund(ethers, { policy: await policy.getAddress() });
        await registerMarket(suite, limit);
        if (balance !== 0n) await seed(suite, balance);
        await suite.usdc.mint(suite.exchange.address, usdc(1_000_000));
        await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, ethers.MaxUint256);
        return suite;
      };
      return { one: await make(), three: await make() };
    }

    const twinsWithRoom = () => twinBankruptcyFunds(usdc(10_000), usdc(5_000));
    const twinsWithLittleLimit = () => twinBankruptcyFunds(usdc(10), usdc(5_000));

    /** Runs `settleBankruptcy` on one fund and collectFee + coverBankruptcy + recordOpenInterest on its twin. */
    async function bothWays(
      one: FundSuite,
      three: FundSuite,
      claim: ReturnType<typeof claimFor>,
      penalty: bigint,
      openInterest: bigint,
    ) {
      const before = await endState(one);
      await one.fund.connect(one.exchange).settleBankruptcy(MARKET_ID, claim, penalty, openInterest);
      await three.fund.connect(three.exchange).collectFee(MARKET_ID, FeeKind.LiquidationPenalty, penalty);
      await three.fund.connect(three.exchange).coverBankruptcy(MARKET_ID, claim);
      await three.fund.connect(three.exchange).recordOpenInterest(MARKET_ID, openInterest);
      const a = await endState(one);
      const b = await endState(three);
      return { before, a, b };
    }

    it("test_settleBankruptcy_paidNowAbovePenaltyNetsIt", async () => {
      const { one, three } = await networkHelpers.loadFixture(twinsWithRoom);
      const claim = claimFor(one, { shortfall: usdc(1_000), reward: usdc(50) });
      const penalty = usdc(100);
      const parts = { fundPart: usdc(50), treasuryPart: usdc(50) };
      // The model: the penalty's fund part counted spendable, 1,050 paid now, netted against the 100.
      const model = new DeferredMarket({ balance: usdc(5_000) });
      const cover = waterfall(
        {
          balance: model.spendable(parts.fundPart),
          insuranceLimit: usdc(10_000),
          insurancePaid: 0n,
          rewardCap: MAX_UINT128,
          rewardCapBps: 10_000n,
        },
        claim,
      );
      expect(cover.paidNow).to.equal(usdc(1_050));
      const netting = model.payOut(cover.paidNow, cover.fundReward + cover.fundShortfall, parts);
      const { before, a, b } = await bothWays(one, three, claim, penalty, usdc(2_000));
      expect(a).to.deep.equal(b);
      expect(a.exchangeHeld - before.exchangeHeld).to.equal(cover.paidNow - penalty);
      expect(netting.paidOut).to.equal(cover.paidNow - penalty);
      expect(a.balance).to.equal(model.balance);
      expect(a.treasuryAccrued).to.equal(model.treasuryAccrued);
      expect(a.held - before.held).to.equal(penalty - cover.paidNow);
    });

    it("test_settleBankruptcy_paidNowBelowPenaltyPullsTheRest", async () => {
      // 10 USDC of limit left: the fund pays 10 now; the 100 of penalty parts net 10 and 90 is pulled.
      const { one, three } = await networkHelpers.loadFixture(twinsWithLittleLimit);
      const claim = claimFor(one, { shortfall: usdc(500) });
      const model = new DeferredMarket({ balance: usdc(5_000) });
      const netting = model.payOut(usdc(10), usdc(10), { fundPart: usdc(50), treasuryPart: usdc(50) });
      expect(netting.pulled).to.equal(usdc(90));
      const { before, a, b } = await bothWays(one, three, claim, usdc(100), 0n);
      expect(a).to.deep.equal(b);
      expect(before.exchangeHeld - a.exchangeHeld).to.equal(usdc(90));
      expect(a.balance).to.equal(model.balance);
      expect(a.treasuryAccrued).to.equal(model.treasuryAccrued);
      expect(a.lossIndex).to.equal(socialize(0n, usdc(490), wad(10)).index);
    });

    it("test_settleBankruptcy_neverRevertsForAPause", async () => {
      const { one } = await networkHelpers.loadFixture(twinsWithRoom);
      const { fund, exchange, guardian } = one;
      await fund.connect(guardian).pause();
      const claim = claimFor(one, { shortfall: usdc(1_000) });
      const before = await endState(one);
      // Nothing is paid now: 1,000 waits as the pending claim, and the penalty's 100 nets against it (fund part
      // first), so nothing moves.
      const model = new DeferredMarket({ balance: usdc(5_000), pending: usdc(1_000) });
      const netting = model.payOut(0n, usdc(1_000), { fundPart: usdc(50), treasuryPart: usdc(50) });
      await expect(fund.connect(exchange).settleBankruptcy(MARKET_ID, claim, usdc(100), usdc(3)))
        .to.emit(fund, "InsuranceFundBankruptcyCovered")
        .and.not.to.emit(fund, "InsuranceFundOpenInterestRecorded");
      expect((await fund.market(MARKET_ID)).openInterest).to.equal(usdc(3));
      const after = await endState(one);
      expect(after.exchangeHeld).to.equal(before.exchangeHeld);
      expect(after.held).to.equal(before.held);
      expect(netting.fromPending).to.equal(usdc(100));
      expect(after.pending).to.equal(model.pending);
      expect(after.balance).to.equal(model.balance);
      expect(after.treasuryAccrued).to.equal(model.treasuryAccrued);
    });
  });
});
