// What every scenario does after a step: compare the chain with the scenario book (lib/model/
// scenarioBook.ts), to the unit, then check that no money was created or lost.
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";

import type { InsuranceFund, MockPriceFeed, MockUSDC, ReferenceExchange } from "../../typechain-types/index.js";
import { expectConserved, expectExchangeSolvent, type TokenBalances } from "./conservation.js";
import { type ExchangeSuite, MARKET_ID, START_PRICE } from "../../lib/exchangeFixture.js";
import { FLOOR, TARGET_SHARE_BPS } from "../../lib/fundFixture.js";
import type { ExchangeParams } from "../../lib/model/exchange.js";
import type { FeePolicyModel } from "../../lib/model/feePolicies.js";
import { type LiquidationStep, ScenarioBook, type TradeStep } from "../../lib/model/scenarioBook.js";
import { MAX_UINT128, wad, WEEK } from "../../lib/units.js";

/** The block timestamp a transaction was mined at (what the fund's open-interest window saw). */
export async function minedAt(tx: ContractTransactionResponse | Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("minedAt: no receipt");
  return BigInt((await receipt.getBlock()).timestamp);
}

export interface ScenarioContracts {
  token: TokenBalances;
  exchange: ReferenceExchange;
  fund: InsuranceFund;
}

/**
 * The chain equals the book: every holder's tokens, every account's position, the exchange's counters, the
 * fund's balance, accrual, bad debt, per-market limit use, loss index and open interest. Then conservation
 * (every holder the book knows, against what the book minted) and the exchange's solvency identity.
 */
export async function expectMatchesBook(
  c: ScenarioContracts,
  book: ScenarioBook,
  step: string,
  names: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const name = (address: string) => names.get(address) ?? address;
  const holders = [...book.wallets.keys()];
  for (const holder of holders) {
    expect(await c.token.balanceOf(holder), `tokens of ${name(holder)}, ${step}`).to.equal(book.balanceOf(holder));
  }

  const accounts = new Set<string>();
  for (const [marketId, m] of book.markets) {
    for (const [who, a] of m.accounts) {
      accounts.add(who);
      const p = await c.exchange.position(who, marketId);
      expect(
        [p.collateral, p.baseWad, p.openNotionalWad, p.settledLossIndex],
        `position of ${name(who)} in ${marketId}, ${step}`,
      ).to.deep.equal([a.position.collateral, a.position.base, a.position.openNotional, a.settledIndex]);
    }
    const em = await c.exchange.market(marketId);
    expect(
      [em.openBaseWad, em.unsettledSocializedLoss, em.badDebtOutstanding],
      `exchange market ${marketId}, ${step}`,
    ).to.deep.equal([m.openBase, m.unsettledSocializedLoss, m.badDebtOutstanding]);
    const fm = await c.fund.market(marketId);
    expect(
      [fm.insurancePaid, fm.badDebt, fm.lossIndex, fm.openInterest, await c.fund.pendingClaim(marketId)],
      `fund market ${marketId}, ${step}`,
    ).to.deep.equal([m.insurancePaid, m.badDebt, m.lossIndex, m.reportedOpenInterest, m.pending]);
  }

  const { totalCollateral, totalDeficit } = book.collateralTotals();
  expect(
    [
      await c.exchange.totalCollateral(),
      await c.exchange.totalDeficit(),
      await c.exchange.counterpartyRealizedPnl(),
      await c.exchange.unsettledSocializedLoss(),
      await c.exchange.badDebtOutstanding(),
      await c.exchange.houseCapital(),
      await c.exchange.pendingClaimsOwed(),
    ],
    `exchange totals, ${step}`,
  ).to.deep.equal([
    totalCollateral,
    totalDeficit,
    book.counterpartyRealizedPnl,
    book.unsettledSocializedLoss(),
    book.badDebtOutstanding(),
    book.houseCapital,
    book.pendingClaimsOwed(),
  ]);
  expect(
    [
      await c.fund.fundBalance(),
      await c.fund.treasuryAccrued(),
      await c.fund.totalBadDebt(),
      await c.fund.totalOpenInterest(),
      await c.fund.totalPending(),
    ],
    `fund, ${step}`,
  ).to.deep.equal([
    book.fundBalance,
    book.treasuryAccrued,
    book.totalBadDebt,
    book.openInterest.current(),
    book.totalPending,
  ]);

  await expectConserved(c.token, holders, book.totalMinted, step);
  await expectExchangeSolvent(c.token, c.exchange, c.fund, [...accounts], [...book.markets.keys()], step);
}

/** A trader, liquidator or seeder: a signer with its address at hand. */
export type Actor = Parameters<ReferenceExchange["connect"]>[0] & { address: string };

/** What the driver needs of the deployed suite (`deployExchange`'s result satisfies it). */
export interface DriverSuite extends ScenarioContracts {
  quote: MockUSDC;
  fund: InsuranceFund;
  /** The exchange's owner (house capital) and the fund's guardian (the pause). */
  admin: Actor;
  guardian: Actor;
}

/**
 * Plays each step on the chain and in the book, then checks that they agree (`expectMatchesBook`): a scenario
 * reads as a list of steps, and every step is followed by the full check, conservation included.
 */
export class ScenarioDriver {
  /**
   * @param names Addresses' names for failure messages and step labels.
   */
  constructor(
    readonly c: DriverSuite,
    readonly book: ScenarioBook,
    readonly feeds: Map<bigint, MockPriceFeed>,
    readonly names: ReadonlyMap<string, string> = new Map(),
  ) {}

  /**
   * Tells the book about a market the scenario registered on the fund and listed on the exchange itself.
   * @param priceWad The feed's price now.
   */
  addMarket(marketId: bigint, feed: MockPriceFeed, params: ExchangeParams, priceWad: bigint): void {
    this.book.addMarket(marketId, params, priceWad);
    this.feeds.set(marketId, feed);
  }

  /** The same chain with a copy of the book: what a test takes from a fixture it loads (see `ScenarioBook.clone`). */
  fresh(): ScenarioDriver {
    return new ScenarioDriver(this.c, this.book.clone(), new Map(this.feeds), this.names);
  }

  private name(who: { address: string }): string {
    return this.names.get(who.address) ?? who.address;
  }

  async check(step: string): Promise<void> {
    await expectMatchesBook(this.c, this.book, step, this.names);
  }

  /** Mints `amount` to `who` and deposits it as collateral. */
  async deposit(who: Actor, amount: bigint, marketId: bigint): Promise<void> {
    await this.c.quote.mint(who.address, amount);
    await this.c.quote.connect(who).approve(await this.c.exchange.getAddress(), amount);
    await this.c.exchange.connect(who).deposit(marketId, amount);
    this.book.mint(who.address, amount);
    this.book.deposit(who.address, marketId, amount);
    await this.check(`${this.name(who)} deposits ${amount} in ${marketId}`);
  }

  async withdraw(who: Actor, amount: bigint, marketId: bigint): Promise<ContractTransactionResponse> {
    const tx = await this.c.exchange.connect(who).withdraw(marketId, amount);
    this.book.withdraw(who.address, marketId, amount);
    await this.check(`${this.name(who)} withdraws ${amount} from ${marketId}`);
    return tx;
  }

  /** Mints `amount` to `from` and deposits it into the fund. */
  async fundDeposit(from: Actor, amount: bigint): Promise<void> {
    await this.c.quote.mint(from.address, amount);
    await this.c.quote.connect(from).approve(await this.c.fund.getAddress(), amount);
    await this.c.fund.connect(from).deposit(amount);
    this.book.mint(from.address, amount);
    this.book.fundDeposit(from.address, amount);
    await this.check(`${this.name(from)} deposits ${amount} into the fund`);
  }

  /** Mints `amount` to the exchange's owner and deposits it as house capital. */
  async depositHouseCapital(amount: bigint): Promise<ContractTransactionResponse> {
    const owner = this.c.admin;
    await this.c.quote.mint(owner.address, amount);
    await this.c.quote.connect(owner).approve(await this.c.exchange.getAddress(), amount);
    const tx = await this.c.exchange.connect(owner).depositHouseCapital(amount);
    this.book.mint(owner.address, amount);
    this.book.depositHouseCapital(owner.address, amount);
    await this.check(`the owner deposits ${amount} of house capital`);
    return tx;
  }

  async withdrawHouseCapital(amount: bigint): Promise<ContractTransactionResponse> {
    const owner = this.c.admin;
    const tx = await this.c.exchange.connect(owner).withdrawHouseCapital(amount, owner.address);
    this.book.withdrawHouseCapital(owner.address, amount);
    await this.check(`the owner withdraws ${amount} of house capital`);
    return tx;
  }

  /** The guardian pauses or resumes the fund's payouts. */
  async setPaused(paused: boolean): Promise<ContractTransactionResponse> {
    const fund = this.c.fund.connect(this.c.guardian);
    const tx = paused ? await fund.pause() : await fund.unpause();
    this.book.setPaused(paused);
    await this.check(paused ? "the fund paused" : "the fund unpaused");
    return tx;
  }

  async processPendingClaim(by: Actor, marketId: bigint): Promise<{ tx: ContractTransactionResponse; paid: bigint }> {
    const tx = await this.c.fund.connect(by).processPendingClaim(marketId);
    const paid = this.book.processPendingClaim(marketId);
    await this.check(`${this.name(by)} processes ${marketId}'s pending claim`);
    return { tx, paid };
  }

  /** Sets the oracle price of a market (an 18-decimal price with at most the feed's decimals). */
  async setPrice(priceWad: bigint, marketId: bigint): Promise<void> {
    const feed = this.feeds.get(marketId);
    if (!feed) throw new Error(`no feed for market ${marketId}`);
    const scale = 10n ** (18n - (await feed.decimals()));
    if (priceWad % scale !== 0n) throw new Error(`price ${priceWad} has more decimals than the feed`);
    await feed.setPrice(priceWad / scale);
    this.book.setPrice(marketId, priceWad);
    await this.check(`price of ${marketId} set to ${priceWad}`);
  }

  async trade(
    who: Actor,
    sizeDeltaWad: bigint,
    marketId: bigint,
  ): Promise<{ tx: ContractTransactionResponse; step: TradeStep; time: bigint }> {
    const tx = await this.c.exchange.connect(who).trade(marketId, sizeDeltaWad);
    const time = await minedAt(tx);
    const step = this.book.trade(who.address, marketId, sizeDeltaWad, time);
    await this.check(`${this.name(who)} trades ${sizeDeltaWad} in ${marketId}`);
    return { tx, step, time };
  }

  async liquidate(
    who: Actor,
    by: Actor,
    marketId: bigint,
  ): Promise<{ tx: ContractTransactionResponse; step: LiquidationStep; time: bigint }> {
    const tx = await this.c.exchange.connect(by).liquidate(who.address, marketId);
    const time = await minedAt(tx);
    const step = this.book.liquidate(who.address, marketId, by.address, time);
    await this.check(`${this.name(by)} liquidates ${this.name(who)} in ${marketId}`);
    return { tx, step, time };
  }

  async settle(who: Actor, by: Actor, marketId: bigint): Promise<{ tx: ContractTransactionResponse; loss: bigint }> {
    const tx = await this.c.exchange.connect(by).settle(who.address, marketId);
    const loss = this.book.settle(who.address, marketId);
    await this.check(`${this.name(by)} settles ${this.name(who)} in ${marketId}`);
    return { tx, loss };
  }

  async flushTreasury(by: Actor): Promise<{ tx: ContractTransactionResponse; amount: bigint }> {
    const tx = await this.c.fund.connect(by).flushTreasury();
    const amount = this.book.flushTreasury();
    await this.check("treasury flushed");
    return { tx, amount };
  }

  async sweepSurplus(by: Actor): Promise<{ tx: ContractTransactionResponse; surplus: bigint; time: bigint }> {
    const tx = await this.c.fund.connect(by).sweepSurplus();
    const time = await minedAt(tx);
    const surplus = this.book.sweepSurplus(time);
    await this.check("surplus swept");
    return { tx, surplus, time };
  }
}

/**
 * The driver of a suite from `deployExchange` (MARKET_ID at 2,000, the fund's default target and window), with a
 * book that knows every holder of the quote token: `actors`, the seeder (signer 0), the treasury, the exchange
 * and the fund. Call it before the first step.
 * @param policy The model of the fund's fee policy.
 * @param actors The story's traders and liquidators, by name.
 * @param insuranceLimit The limit MARKET_ID was registered with.
 */
export function scenarioDriver(
  s: ExchangeSuite,
  policy: FeePolicyModel,
  actors: Readonly<Record<string, Actor>>,
  insuranceLimit = MAX_UINT128,
): ScenarioDriver {
  const book = new ScenarioBook({
    quoteDecimals: 6n,
    policy,
    floor: FLOOR,
    targetShareBps: TARGET_SHARE_BPS,
    windowSeconds: WEEK,
    exchange: s.exchangeAddress,
    fund: s.fundAddress,
    treasury: s.treasury.address,
  });
  book.addMarket(MARKET_ID, s.params, wad(START_PRICE), insuranceLimit);
  const names = new Map<string, string>([
    [s.admin.address, "the seeder"],
    [s.treasury.address, "the treasury"],
    [s.exchangeAddress, "the exchange"],
    [s.fundAddress, "the fund"],
  ]);
  for (const [name, actor] of Object.entries(actors)) names.set(actor.address, name);
  book.track(...names.keys());
  return new ScenarioDriver(
    { token: s.quote, quote: s.quote, exchange: s.exchange, fund: s.fund, admin: s.admin, guardian: s.guardian },
    book,
    new Map([[MARKET_ID, s.feed]]),
    names,
  );
}
