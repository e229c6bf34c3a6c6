// A stateful bigint model of the whole system a scenario drives: the reference exchange's accounts (one isolated
// position per account and market), the insurance fund's books, and every holder's quote-token balance. It only
// sequences the rules of the topic models (exchange.ts for positions and liquidations, bankruptcyCover.ts for
// bankruptcies, feePolicies.ts for the fee split, lossIndex.ts for socialized losses, openInterestWindow.ts for the
// 7-day average open interest) in the order docs/behaviour.md and the
// exchange's NatSpec give them; it never reads a contract. A scenario applies each step to the chain and to the
// book, then compares the two.

import * as ex from "./exchange.js";
import { FeeKind, type FeePolicyModel, type FundState } from "./feePolicies.js";
import * as lossIndex from "./lossIndex.js";
import { OpenInterestHistory } from "./openInterestWindow.js";
import { type BankruptcyCover, waterfall } from "./waterfall.js";
import { MAX_BPS, MAX_UINT128 } from "../units.js";

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** One account in one market: its position and the loss index it last settled at. */
export interface BookAccount {
  position: ex.ModelPosition;
  settledIndex: bigint;
}

/** One market as both sides see it: the exchange's (price, open base, accounts) and the fund's (limit, index). */
export interface BookMarket {
  params: ex.ExchangeParams;
  price: bigint;
  openBase: bigint;
  accounts: Map<string, BookAccount>;
  /** The exchange's counters. */
  unsettledSocializedLoss: bigint;
  badDebtOutstanding: bigint;
  /** The fund's counters. */
  insuranceLimit: bigint;
  insurancePaid: bigint;
  rewardCap: bigint;
  rewardCapBps: bigint;
  badDebt: bigint;
  /** The market's pending claim: allocated by the fund, not paid to the exchange yet. */
  pending: bigint;
  lossIndex: bigint;
  /** The open interest last reported to the fund. */
  reportedOpenInterest: bigint;
}

/** The market's bad debt the fee repaid first, and the policy's split of the rest. */
export interface Collected {
  /** What the policy saw. */
  state: FundState;
  kind: FeeKind;
  /** The whole fee: `badDebtRepaid + fundPart + treasuryPart`. */
  amount: bigint;
  fundPart: bigint;
  treasuryPart: bigint;
  badDebtRepaid: bigint;
}

export interface TradeStep {
  loss: bigint;
  fee: bigint;
  realizedPnl: bigint;
  position: ex.ModelPosition;
  collected?: Collected;
  openInterest: bigint;
}

export interface LiquidationStep {
  loss: bigint;
  liquidation: ex.LiquidationResult;
  collected?: Collected;
  cover?: BankruptcyCover;
  /** What the exchange transferred to the liquidator in all: out of the account's penalty, then the cover's reward. */
  keeperPaid: bigint;
  openInterest: bigint;
}

export interface BookOptions {
  quoteDecimals: bigint;
  policy: FeePolicyModel;
  floor: bigint;
  targetShareBps: bigint;
  windowSeconds: bigint;
  exchange: string;
  fund: string;
  treasury: string;
}

export class ScenarioBook {
  readonly q: bigint;
  readonly markets = new Map<bigint, BookMarket>();
  /** Every holder's quote-token balance. */
  readonly wallets = new Map<string, bigint>();
  totalMinted = 0n;

  /** The exchange's realized PnL as the counterparty of every trade, and its owner's house capital. */
  counterpartyRealizedPnl = 0n;
  houseCapital = 0n;

  /** The fund's accounted balance, the treasury's accrual, and the bad debt of all markets. */
  fundBalance = 0n;
  treasuryAccrued = 0n;
  totalBadDebt = 0n;
  /** All markets' pending claims (reserved, outside the balance), and whether the guardian paused payouts. */
  totalPending = 0n;
  paused = false;
  /** The platform's open interest as the fund recorded it, report by report. */
  readonly openInterest = new OpenInterestHistory();

  constructor(readonly options: BookOptions) {
    this.q = ex.quoteToWad(options.quoteDecimals);
  }

  /**
   * A deep copy. A fixture's book is shared by every test that loads the fixture (loadFixture returns the same
   * object after reverting the chain), so each test plays on a copy.
   */
  clone(): ScenarioBook {
    const c = new ScenarioBook(this.options);
    for (const [id, m] of this.markets) {
      const accounts = new Map<string, BookAccount>();
      for (const [who, a] of m.accounts)
        accounts.set(who, { position: { ...a.position }, settledIndex: a.settledIndex });
      c.markets.set(id, { ...m, accounts });
    }
    for (const [who, balance] of this.wallets) c.wallets.set(who, balance);
    c.totalMinted = this.totalMinted;
    c.counterpartyRealizedPnl = this.counterpartyRealizedPnl;
    c.houseCapital = this.houseCapital;
    c.totalPending = this.totalPending;
    c.paused = this.paused;
    c.fundBalance = this.fundBalance;
    c.treasuryAccrued = this.treasuryAccrued;
    c.totalBadDebt = this.totalBadDebt;
    for (const r of this.openInterest.reports) c.openInterest.record(r.time, r.value);
    return c;
  }

  // ---------------------------------------------------------------- set-up

  addMarket(
    marketId: bigint,
    params: ex.ExchangeParams,
    price: bigint,
    insuranceLimit = MAX_UINT128,
    rewardCap = MAX_UINT128,
    rewardCapBps = 10_000n,
  ): void {
    this.markets.set(marketId, {
      params,
      price,
      openBase: 0n,
      accounts: new Map(),
      unsettledSocializedLoss: 0n,
      badDebtOutstanding: 0n,
      insuranceLimit,
      insurancePaid: 0n,
      rewardCap,
      rewardCapBps,
      badDebt: 0n,
      pending: 0n,
      lossIndex: 0n,
      reportedOpenInterest: 0n,
    });
  }

  market(marketId: bigint): BookMarket {
    const m = this.markets.get(marketId);
    if (!m) throw new Error(`model: unknown market ${marketId}`);
    return m;
  }

  account(who: string, marketId: bigint): BookAccount {
    const m = this.market(marketId);
    let a = m.accounts.get(who);
    if (!a) {
      a = { position: ex.flat(0n), settledIndex: 0n };
      m.accounts.set(who, a);
    }
    return a;
  }

  setPrice(marketId: bigint, price: bigint): void {
    this.market(marketId).price = price;
  }

  // ---------------------------------------------------------------- tokens

  balanceOf(who: string): bigint {
    return this.wallets.get(who) ?? 0n;
  }

  /** Lists holders the conservation check must count, with what they hold now (zero if new). */
  track(...holders: string[]): void {
    for (const h of holders) this.wallets.set(h, this.balanceOf(h));
  }

  mint(to: string, amount: bigint): void {
    this.wallets.set(to, this.balanceOf(to) + amount);
    this.totalMinted += amount;
  }

  private transfer(from: string, to: string, amount: bigint): void {
    if (amount === 0n) return;
    const balance = this.balanceOf(from);
    if (balance < amount) throw new Error(`model: ${from} holds ${balance}, cannot send ${amount}`);
    this.wallets.set(from, balance - amount);
    this.wallets.set(to, this.balanceOf(to) + amount);
  }

  // ---------------------------------------------------------------- the fund

  /** The fund's average open interest over the trailing window at `time` (the library's interpolation). */
  averageOpenInterest(time: bigint): bigint {
    return this.openInterest.average(time, this.options.windowSeconds);
  }

  /** What a fee policy sees at `time`. */
  fundState(time: bigint): FundState {
    return {
      balance: this.fundBalance,
      averageOpenInterest: this.averageOpenInterest(time),
      floor: this.options.floor,
      targetShareBps: this.options.targetShareBps,
    };
  }

  /** max(target share of the average open interest rounded up, floor). */
  target(time: bigint): bigint {
    const share = ex.ceilDiv(this.averageOpenInterest(time) * this.options.targetShareBps, MAX_BPS);
    return share > this.options.floor ? share : this.options.floor;
  }

  fundDeposit(from: string, amount: bigint): void {
    this.transfer(from, this.options.fund, amount);
    this.fundBalance += amount;
  }

  flushTreasury(): bigint {
    const amount = this.treasuryAccrued;
    this.treasuryAccrued = 0n;
    this.transfer(this.options.fund, this.options.treasury, amount);
    return amount;
  }

  /** Sends the surplus, max(0, balance - target - total bad debt), to the treasury (no stray tokens here). */
  sweepSurplus(time: bigint): bigint {
    const kept = this.target(time) + this.totalBadDebt;
    if (this.fundBalance <= kept) throw new Error("model: no surplus");
    const surplus = this.fundBalance - kept;
    this.fundBalance -= surplus;
    this.transfer(this.options.fund, this.options.treasury, surplus);
    return surplus;
  }

  /** `collectFee`: the whole fee repays the market's bad debt first (the exchange keeps it); the policy splits the rest. */
  private collect(marketId: bigint, kind: FeeKind, amount: bigint, time: bigint): Collected {
    const m = this.market(marketId);
    const state = this.fundState(time);
    const badDebtRepaid = min(amount, m.badDebt);
    m.badDebt -= badDebtRepaid;
    this.totalBadDebt -= badDebtRepaid;
    m.badDebtOutstanding -= badDebtRepaid;
    const rest = amount - badDebtRepaid;
    const { fundPart, treasuryPart } =
      rest === 0n ? { fundPart: 0n, treasuryPart: 0n } : this.options.policy.split(kind, rest, state);
    this.fundBalance += fundPart;
    this.treasuryAccrued += treasuryPart;
    this.transfer(this.options.exchange, this.options.fund, amount - badDebtRepaid);
    return { state, kind, amount, fundPart, treasuryPart, badDebtRepaid };
  }

  /** The guardian's pause and unpause: while paused, what the fund allocates waits as pending claims. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /** `processPendingClaim`: pays the market's whole pending claim to the exchange (no payout buckets here). */
  processPendingClaim(marketId: bigint): bigint {
    if (this.paused) throw new Error("model: paused");
    const m = this.market(marketId);
    const amount = m.pending;
    if (amount === 0n) throw new Error("model: no pending claim");
    m.pending = 0n;
    this.totalPending -= amount;
    this.transfer(this.options.fund, this.options.exchange, amount);
    return amount;
  }

  /** `recordOpenInterest` after a trade or a liquidation: the market's OI at the price now, if it changed. */
  private report(marketId: bigint, time: bigint): bigint {
    const m = this.market(marketId);
    const oi = ex.openInterest(m.openBase, m.price, this.q);
    if (oi !== m.reportedOpenInterest) {
      m.reportedOpenInterest = oi;
      let total = 0n;
      for (const other of this.markets.values()) total += other.reportedOpenInterest;
      this.openInterest.record(time, total);
    }
    return oi;
  }

  // ---------------------------------------------------------------- the exchange

  /** The owner's house capital in and out of the exchange. */
  depositHouseCapital(from: string, amount: bigint): void {
    this.transfer(from, this.options.exchange, amount);
    this.houseCapital += amount;
  }

  withdrawHouseCapital(to: string, amount: bigint): void {
    if (amount > this.houseCapital) throw new Error("model: more than the house capital");
    this.houseCapital -= amount;
    this.transfer(this.options.exchange, to, amount);
  }

  deposit(who: string, marketId: bigint, amount: bigint): void {
    this.transfer(who, this.options.exchange, amount);
    this.account(who, marketId).position.collateral += amount;
  }

  withdraw(who: string, marketId: bigint, amount: bigint): void {
    this.settle(who, marketId);
    this.account(who, marketId).position.collateral -= amount;
    this.transfer(this.options.exchange, who, amount);
  }

  /** What the next touch will charge (the exchange's `accountHealth().pendingLoss`). */
  pendingLoss(who: string, marketId: bigint): bigint {
    const a = this.account(who, marketId);
    if (a.position.base === 0n) return 0n;
    return lossIndex.owed(ex.abs(a.position.base), a.settledIndex, this.market(marketId).lossIndex);
  }

  /** Charges the position its share of the losses socialized since it last settled; returns the charge. */
  settle(who: string, marketId: bigint): bigint {
    const m = this.market(marketId);
    const a = this.account(who, marketId);
    const loss = this.pendingLoss(who, marketId);
    a.settledIndex = m.lossIndex;
    a.position.collateral -= loss;
    m.unsettledSocializedLoss -= loss;
    return loss;
  }

  trade(who: string, marketId: bigint, delta: bigint, time: bigint): TradeStep {
    const m = this.market(marketId);
    const a = this.account(who, marketId);
    const loss = this.settle(who, marketId);
    const old = a.position;
    const result = ex.trade(old, delta, m.price, m.params, this.q);
    if (result.opensExposure) {
      const required = ex.initialMargin(result.position, m.price, m.params, this.q);
      const margin = min(result.position.collateral, ex.equity(result.position, m.price, this.q));
      if (margin < required) throw new Error(`model: ${who} lacks margin (${margin} < ${required})`);
    } else if (result.position.collateral < 0n) {
      throw new Error(`model: ${who} would end with negative collateral`);
    }
    a.position = result.position;
    m.openBase += ex.abs(result.position.base) - ex.abs(old.base);
    this.counterpartyRealizedPnl -= result.realizedPnl;
    const collected = result.fee === 0n ? undefined : this.collect(marketId, FeeKind.TradingFee, result.fee, time);
    const openInterest = this.report(marketId, time);
    return {
      loss,
      fee: result.fee,
      realizedPnl: result.realizedPnl,
      position: result.position,
      collected,
      openInterest,
    };
  }

  liquidate(who: string, marketId: bigint, liquidator: string, time: bigint): LiquidationStep {
    const m = this.market(marketId);
    const a = this.account(who, marketId);
    if (a.position.base === 0n) throw new Error(`model: ${who} has no position`);
    const loss = this.settle(who, marketId);
    const liquidation = ex.liquidate(a.position, m.price, m.params, this.q);
    m.openBase -= ex.abs(a.position.base);
    this.counterpartyRealizedPnl -= liquidation.realizedPnl;
    a.position = ex.flat(liquidation.collateralAfter);

    this.transfer(this.options.exchange, liquidator, liquidation.liquidatorReward);
    const collected =
      liquidation.feeToFund === 0n
        ? undefined
        : this.collect(marketId, FeeKind.LiquidationPenalty, liquidation.feeToFund, time);
    let cover: BankruptcyCover | undefined;
    let keeperPaid = liquidation.liquidatorReward;
    if (liquidation.shortfall !== 0n || liquidation.claimedReward !== 0n) {
      cover = waterfall(
        {
          balance: this.fundBalance,
          insuranceLimit: m.insuranceLimit,
          insurancePaid: m.insurancePaid,
          rewardCap: m.rewardCap,
          rewardCapBps: m.rewardCapBps,
          earlierPending: m.pending,
          // No payout buckets in a scenario: the pause alone holds payments back.
          payoutAvailable: this.paused ? 0n : MAX_UINT128,
        },
        {
          shortfall: liquidation.shortfall,
          reward: liquidation.claimedReward,
          liquidatedNotional: liquidation.notional,
          openBase: m.openBase,
        },
      );
      const allocated = cover.fundReward + cover.fundShortfall;
      const paid = cover.earlierPendingPaid + cover.paidNow;
      this.fundBalance -= allocated;
      m.insurancePaid += allocated;
      m.pending += allocated - paid;
      this.totalPending += allocated - paid;
      if (cover.socialized !== 0n) {
        const spread = lossIndex.socialize(m.lossIndex, cover.socialized, m.openBase);
        if (!spread.absorbed) throw new Error("model: the waterfall socialized a loss the index cannot absorb");
        m.lossIndex = spread.index;
      }
      m.unsettledSocializedLoss += cover.socialized;
      m.badDebt += cover.badDebt;
      m.badDebtOutstanding += cover.badDebt;
      this.totalBadDebt += cover.badDebt;
      this.transfer(this.options.fund, this.options.exchange, paid);
      // The exchange pays its keeper the whole capped reward at once, out of its own tokens.
      this.transfer(this.options.exchange, liquidator, cover.reward);
      keeperPaid += cover.reward;
    }
    const openInterest = this.report(marketId, time);
    return { loss, liquidation, collected, cover, keeperPaid, openInterest };
  }

  // ---------------------------------------------------------------- the exchange's totals

  /** The sums of all accounts' positive and negative collateral. */
  collateralTotals(): { totalCollateral: bigint; totalDeficit: bigint } {
    let totalCollateral = 0n;
    let totalDeficit = 0n;
    for (const m of this.markets.values()) {
      for (const a of m.accounts.values()) {
        if (a.position.collateral > 0n) totalCollateral += a.position.collateral;
        else totalDeficit -= a.position.collateral;
      }
    }
    return { totalCollateral, totalDeficit };
  }

  unsettledSocializedLoss(): bigint {
    let total = 0n;
    for (const m of this.markets.values()) total += m.unsettledSocializedLoss;
    return total;
  }

  badDebtOutstanding(): bigint {
    let total = 0n;
    for (const m of this.markets.values()) total += m.badDebtOutstanding;
    return total;
  }

  /** What the fund's pending claims of every market owe the exchange. */
  pendingClaimsOwed(): bigint {
    let total = 0n;
    for (const m of this.markets.values()) total += m.pending;
    return total;
  }
}
