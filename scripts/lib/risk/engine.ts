// The fast model of a scenario: the traders, keepers and governance of a scenario file played on the project's
// bigint model of the exchange and the fund (lib/model/scenarioBook.ts), with no chain. One path is a few
// milliseconds, so a sweep runs thousands. The chain replays the same actions (chain.ts) and must agree to the
// unit after every tick.
//
// Mechanisms modelled: the fee split (Spin's bands or Spark's shares), bad-debt repayment from the whole fee before
// the split, the 7-day average open interest and the target (floor, share), the waterfall (reward caps, the
// market's insurance limit, the fund's balance; keepers paid their whole capped reward by the exchange, the
// reward's and the shortfall's unpaid rest socialized together), socialization through the loss index, bad debt
// when no base is open, surplus sweeps (above target + bad debt), deposits, governance's limit raises, reward
// caps, target changes and the pause, which queues: bankrupt liquidations go on, the fund's part waits as the
// market's pending claim, processed when payouts resume. Not modelled (NOT_MODELLED): the payout buckets, the
// backstop, the deferred fee pull, market retirement.
import * as ex from "../../../lib/model/exchange.js";
import { fixedShareModel, targetBandsModel } from "../../../lib/model/feePolicies.js";
import { OpenInterestHistory } from "../../../lib/model/openInterestWindow.js";
import { type BookAccount, type BookMarket, ScenarioBook } from "../../../lib/model/scenarioBook.js";
import { DAY, USDC, WAD } from "../../../lib/units.js";
import { type PricePoint, pricePoints, RiskRandom, ticksBetween } from "./paths.js";
import { type MarketSpec, type Population, type Scenario, toUsdc } from "./scenario.js";

/** Mechanisms planned but not on main: the model and the schema leave room for them. */
export const NOT_MODELLED = [
  "payout rate limits (the buckets: the scenarios run with them disabled)",
  "the staked backstop",
  "the deferred fee pull",
  "market retirement",
] as const;

/** The in-process chain's first block (the demo's), and the scenario's first second: two days later, at midnight. */
export const GENESIS = new Date("2030-01-01T00:00:00Z");
export const START = BigInt(Math.floor(GENESIS.getTime() / 1000)) + 2n * DAY;
const WINDOW_SECONDS = 604_800n;
/** Seconds between two transactions. */
const SLOT = 2n;
const FEED_TO_WAD = 10n ** 10n;
const SIZE_STEP = 10n ** 15n;
const MAX_KEEPER_ROUNDS = 4;
export const KEEPERS = 3;
/** The warm-up's ticks: its price does not move, so keepers have little to do; traders trade as often in all. */
const WARM_UP_TICK = 4n * 3_600n;

// ================================================================ the model's book

/** The history of `OpenInterestHistory` with prefix sums: the same integrals, in logarithmic time. */
class FastHistory extends OpenInterestHistory {
  private readonly cumulative: bigint[] = [];

  override record(time: bigint, value: bigint): void {
    const n = this.reports.length;
    const last = this.reports[n - 1];
    if (last !== undefined && time > last.time)
      this.cumulative.push(this.cumulative[n - 1] + last.value * (time - last.time));
    else if (last === undefined) this.cumulative.push(0n);
    super.record(time, value);
  }

  /** The index of the last report strictly before x, or -1. */
  private before(x: bigint): number {
    let lo = 0;
    let hi = this.reports.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.reports[mid].time < x) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  override cumulativeAt(x: bigint): bigint {
    const i = this.before(x);
    return i < 0 ? 0n : this.cumulative[i] + this.reports[i].value * (x - this.reports[i].time);
  }

  override valueAt(x: bigint): bigint {
    const i = this.before(x + 1n);
    return i < 0 ? 0n : this.reports[i].value;
  }
}

/** The scenario book with the fast history; its rules are the model's. */
export class RiskBook extends ScenarioBook {
  constructor(options: ConstructorParameters<typeof ScenarioBook>[0]) {
    super(options);
    (this as { openInterest: OpenInterestHistory }).openInterest = new FastHistory();
  }
}

// ================================================================ what a run hands back

/** One transaction the chain replays, at its timestamp. Traders and keepers are indices. */
export type Action =
  | { kind: "fundDeposit"; t: bigint; amount: bigint }
  | { kind: "deposit"; t: bigint; trader: number; market: bigint; amount: bigint }
  | { kind: "trade"; t: bigint; trader: number; market: bigint; delta: bigint }
  | { kind: "liquidate"; t: bigint; trader: number; market: bigint; keeper: number }
  | { kind: "price"; t: bigint; market: bigint; answer: bigint }
  | { kind: "raiseLimit"; t: bigint; market: bigint; value: bigint }
  | { kind: "rewardCaps"; t: bigint; market: bigint; rewardCap: bigint; rewardCapBps: bigint }
  | { kind: "target"; t: bigint; floor: bigint; targetShareBps: bigint }
  | { kind: "processPendingClaim"; t: bigint; market: bigint }
  | { kind: "pause" | "unpause" | "sweep"; t: bigint };

/** The fund's books after a tick: the chain must show the same. */
export interface Snapshot {
  after: number;
  fundBalance: bigint;
  treasuryAccrued: bigint;
  totalBadDebt: bigint;
  totalPending: bigint;
  markets: { insurancePaid: bigint; lossIndex: bigint; badDebt: bigint; pending: bigint }[];
}

/** One tick of the report's table and chart (seconds from the path's start; negative in the warm-up). */
export interface TickRow {
  seconds: number;
  answers: bigint[];
  fundBalance: bigint;
  target: bigint;
  openInterest: bigint;
  averageOpenInterest: bigint;
  socialized: bigint;
  badDebt: bigint;
  paidOut: bigint;
  liquidations: number;
  bankruptcies: number;
}

/** What a sweep counts for one path (after the warm-up). */
export interface PathMetrics {
  socialized: bigint;
  badDebt: bigint;
  paidOut: bigint;
  /** The deepest fall of the fund's balance from its running peak, quote units and bps of that peak. */
  drawdown: bigint;
  drawdownBps: number;
  /** Seconds from the fund first falling below its target after a payout until it is back at it. */
  refillSeconds: number | undefined;
  /** The fund fell below its target after a payout. */
  dipped: boolean;
  /** ... and was not back at it when the path ended. */
  refilled: boolean;
  liquidations: number;
  bankruptcies: number;
  /** What keepers were paid by the exchange: out of penalties, and the whole capped reward of bankrupt accounts. */
  keeperRewards: bigint;
  /** Bankrupt liquidations that went through while paused: the fund's part waited as a pending claim. */
  queuedByPause: number;
}

export interface RunResult {
  metrics: PathMetrics;
  actions: Action[];
  snapshots: Snapshot[];
  rows: TickRow[];
  traders: { name: string; market: bigint }[];
  /** Each market's first price (the feed's answer). */
  openingAnswers: bigint[];
  /** The book at the end (positions and wallets). */
  book: RiskBook;
}

// ================================================================ the run

interface TraderState {
  index: number;
  id: string;
  name: string;
  market: MarketSpec;
  population: Population;
  opened: boolean;
  /** The price below (long) or above (short) which the position is liquidatable, for `boundFor` and `boundIndex`. */
  bound?: number;
  boundFor?: object;
  boundIndex?: bigint;
  /** The market's price as a float, for `priceOf`; the book's market and account (stable objects). */
  price?: number;
  priceOf?: bigint;
  book?: BookMarket;
  account?: BookAccount;
}

export const traderId = (index: number): string => `trader-${index}`;
export const keeperId = (index: number): string => `keeper-${index}`;

/** The paths of a scenario's markets for one seed (a sweep's path i: seed + i). */
export function scenarioPaths(scenario: Scenario, seed: bigint): PricePoint[][] {
  return scenario.markets.map((m, i) => pricePoints(m.path, scenario.dir, seed * 1_000_003n + BigInt(i)));
}

/**
 * Plays the scenario on the model. `log` keeps the actions, snapshots and rows (for the chain and the report);
 * a sweep leaves it off. `paths` (from scenarioPaths) saves drawing them again.
 */
export function runModel(
  scenario: Scenario,
  seed: bigint,
  options: { log?: boolean; paths?: PricePoint[][] } = {},
): RunResult {
  const log = options.log ?? false;
  const paths = options.paths ?? scenarioPaths(scenario, seed);
  const random = new RiskRandom(seed ^ 0x5eedn);
  const book = new RiskBook({
    quoteDecimals: 6n,
    policy:
      scenario.policy === "spin"
        ? targetBandsModel(scenario.bands)
        : fixedShareModel(scenario.shares.tradingFeeShareBps, scenario.shares.penaltyShareBps),
    floor: scenario.floor,
    targetShareBps: scenario.targetShareBps,
    windowSeconds: WINDOW_SECONDS,
    exchange: "exchange",
    fund: "fund",
    treasury: "treasury",
  });
  const keepers = Array.from({ length: KEEPERS }, (_, k) => keeperId(k));
  book.track("exchange", "fund", "treasury", "deployer", ...keepers);
  for (const [i, m] of scenario.markets.entries()) {
    book.addMarket(m.id, m.params, paths[i][0].answer * FEED_TO_WAD, m.insuranceLimit, m.rewardCap, m.rewardCapBps);
  }

  const actions: Action[] = [];
  const snapshots: Snapshot[] = [];
  const rows: TickRow[] = [];
  let clock = START;
  const slot = (at: bigint): bigint => {
    clock = clock + SLOT > at ? clock + SLOT : at;
    return clock;
  };
  const act = (action: Action) => {
    if (log) actions.push(action);
  };

  // Counters since the path's start.
  const m = {
    socialized: 0n,
    badDebt: 0n,
    paidOut: 0n,
    liquidations: 0,
    bankruptcies: 0,
    keeperRewards: 0n,
    queuedByPause: 0,
  };
  let keeperTurn = 0;
  let inPath = false;

  // ---------------------------------------------------------------- traders

  const traders: TraderState[] = [];
  for (const market of scenario.markets) {
    for (const population of market.populations) {
      for (let k = 0; k < population.count; k++) {
        const index = traders.length;
        traders.push({
          index,
          id: traderId(index),
          name: `${population.name}-${k + 1}`,
          market,
          population,
          opened: false,
        });
      }
    }
  }
  book.track(...traders.map((t) => t.id));

  const depositFresh = (trader: TraderState, at: bigint) => {
    const amount = BigInt(random.between(trader.population.deposit[0], trader.population.deposit[1])) * USDC;
    const t = slot(at);
    slot(at); // the chain mints first, one slot before the deposit
    book.mint(trader.id, amount);
    book.deposit(trader.id, trader.market.id, amount);
    act({ kind: "deposit", t: t + SLOT, trader: trader.index, market: trader.market.id, amount });
  };

  /** Opens a position at the trader's drawn leverage on min(collateral, equity), if the exchange would accept it. */
  const open = (trader: TraderState, at: bigint) => {
    const market = book.market(trader.market.id);
    const account = book.account(trader.id, trader.market.id);
    const p = account.position;
    const margin = p.collateral;
    if (margin <= 0n || p.base !== 0n) return;
    const tenths = BigInt(random.between(trader.population.leverageTenths[0], trader.population.leverageTenths[1]));
    const long = random.uniform() * 100 < trader.population.longPercent;
    const notional = (tenths * margin) / 10n;
    const base = ((notional * 10n ** 12n * WAD) / market.price / SIZE_STEP) * SIZE_STEP;
    if (base === 0n) return;
    const delta = long ? base : -base;
    const result = ex.trade(p, delta, market.price, market.params, book.q);
    const required = ex.initialMargin(result.position, market.price, market.params, book.q);
    const after = ex.equity(result.position, market.price, book.q);
    if ((result.position.collateral < after ? result.position.collateral : after) < required) return;
    const t = slot(at);
    book.trade(trader.id, trader.market.id, delta, t);
    act({ kind: "trade", t, trader: trader.index, market: trader.market.id, delta });
  };

  /**
   * Below the liquidation ratio, with the pending socialized loss charged? A float bound on the price (cached per
   * position and loss index) answers when the price is clearly on one side; near it, the exact bigint rule does.
   */
  const liquidatable = (trader: TraderState): boolean => {
    const account = (trader.account ??= book.account(trader.id, trader.market.id));
    const position = account.position;
    if (position.base === 0n) return false;
    const market = (trader.book ??= book.market(trader.market.id));
    if (trader.boundFor !== position || trader.boundIndex !== market.lossIndex) {
      const collateral = Number(position.collateral - book.pendingLoss(trader.id, trader.market.id)) / 1e6;
      const base = Number(position.base) / 1e18;
      const ratio = Number(market.params.liquidationRatioWad) / 1e18;
      trader.bound = collateral <= 0 ? NaN : (Number(position.openNotional) / 1e18 - (1 - ratio) * collateral) / base;
      trader.boundFor = position;
      trader.boundIndex = market.lossIndex;
    }
    if (trader.priceOf !== market.price) {
      trader.priceOf = market.price;
      trader.price = Number(market.price) / 1e18;
    }
    const price = trader.price!;
    const bound = trader.bound!;
    if (!Number.isNaN(bound)) {
      const margin = Math.abs(bound) * 1e-7 + 1e-9;
      if (position.base > 0n ? price > bound + margin : price < bound - margin) return false;
      if (position.base > 0n ? price < bound - margin : price > bound + margin) return true;
    }
    const collateral = position.collateral - book.pendingLoss(trader.id, trader.market.id);
    const equity = ex.equity({ ...position, collateral }, market.price, book.q);
    return ex.belowRatio(collateral, equity, market.params.liquidationRatioWad);
  };

  /** A trader's turn at a tick: trade if active, come back after a liquidation, open at the start. */
  const traderTurn = (trader: TraderState, at: bigint, tickSeconds: number) => {
    const position = book.account(trader.id, trader.market.id).position;
    const p = trader.population;
    if (!trader.opened) {
      trader.opened = true;
      depositFresh(trader, at);
      open(trader, at);
      return;
    }
    const tradeChance = (p.tradesPerDay * tickSeconds) / 86_400;
    if (position.base !== 0n) {
      if (!p.active || liquidatable(trader) || !random.chance(tradeChance)) return;
      const t = slot(at);
      book.trade(trader.id, trader.market.id, -position.base, t);
      act({ kind: "trade", t, trader: trader.index, market: trader.market.id, delta: -position.base });
      open(trader, at);
      return;
    }
    const dust = (BigInt(p.deposit[0]) * USDC) / 10n;
    if (position.collateral >= dust && p.active && random.chance(tradeChance)) {
      open(trader, at);
    } else if (position.collateral < dust && random.chance(p.reentryPercent / 100)) {
      depositFresh(trader, at);
      open(trader, at);
    }
  };

  // ---------------------------------------------------------------- keepers

  const keeperPass = (at: bigint) => {
    for (let round = 0; round < MAX_KEEPER_ROUNDS; round++) {
      let liquidated = 0;
      for (const trader of traders) {
        if (!liquidatable(trader)) continue;
        keeperTurn = (keeperTurn + 1) % KEEPERS;
        const t = slot(at);
        const step = book.liquidate(trader.id, trader.market.id, keepers[keeperTurn], t);
        act({ kind: "liquidate", t, trader: trader.index, market: trader.market.id, keeper: keeperTurn });
        liquidated++;
        if (inPath) {
          m.liquidations++;
          if (step.liquidation.bankrupt) m.bankruptcies++;
          m.keeperRewards += step.keeperPaid;
          if (step.cover) {
            m.socialized += step.cover.socialized;
            m.badDebt += step.cover.badDebt;
            // What the fund bore, paid now or pending: it left the balance either way.
            m.paidOut += step.cover.fundReward + step.cover.fundShortfall;
            if (book.paused && step.cover.pending !== 0n) m.queuedByPause++;
          }
        }
      }
      if (liquidated === 0) return;
    }
  };

  // ---------------------------------------------------------------- governance and deposits

  const events = [...scenario.events].sort((a, b) => a.atHours - b.atHours);
  let nextEvent = 0;
  let unpauseAt: bigint | undefined;
  const runEvents = (pathStart: bigint, at: bigint) => {
    if (unpauseAt !== undefined && at >= unpauseAt) {
      book.setPaused(false);
      unpauseAt = undefined;
      act({ kind: "unpause", t: slot(at) });
      // A keeper has every market's pending claim paid as soon as payouts resume.
      for (const market of scenario.markets) {
        if (book.market(market.id).pending === 0n) continue;
        const t = slot(at);
        book.processPendingClaim(market.id);
        act({ kind: "processPendingClaim", t, market: market.id });
      }
    }
    while (nextEvent < events.length && pathStart + BigInt(Math.round(events[nextEvent].atHours * 3600)) <= at) {
      const e = events[nextEvent++];
      const t = slot(at);
      const marketOf = (name: string) => scenario.markets.find((x) => x.name === name)!.id;
      switch (e.kind) {
        case "deposit": {
          const amount = toUsdc(e.amount);
          slot(at);
          book.mint("deployer", amount);
          book.fundDeposit("deployer", amount);
          act({ kind: "fundDeposit", t: t + SLOT, amount });
          break;
        }
        case "raiseInsuranceLimit": {
          const market = book.market(marketOf(e.market));
          const value = toUsdc(e.value);
          if (value <= market.insuranceLimit) break; // the fund only raises a limit; a lower value changes nothing
          market.insuranceLimit = value;
          act({ kind: "raiseLimit", t, market: marketOf(e.market), value });
          break;
        }
        case "setRewardCaps": {
          const market = book.market(marketOf(e.market));
          market.rewardCap = toUsdc(e.rewardCap);
          market.rewardCapBps = BigInt(e.rewardCapBps);
          act({
            kind: "rewardCaps",
            t,
            market: marketOf(e.market),
            rewardCap: market.rewardCap,
            rewardCapBps: market.rewardCapBps,
          });
          break;
        }
        case "setTarget": {
          book.options.floor = toUsdc(e.floor);
          book.options.targetShareBps = BigInt(e.targetShareBps);
          act({ kind: "target", t, floor: book.options.floor, targetShareBps: book.options.targetShareBps });
          break;
        }
        case "pause": {
          if (!book.paused) {
            book.setPaused(true);
            act({ kind: "pause", t });
          }
          unpauseAt = at + BigInt(Math.round(e.hours * 3600));
          break;
        }
      }
    }
  };

  // ---------------------------------------------------------------- the tick

  let lastDay = -1n;
  let peak = 0n;
  let drawdown = 0n;
  let drawdownBps = 0;
  let dipAt: bigint | undefined;
  /** Swept since the path's start: added back, so that the drawdown measures losses, not sweeps. */
  let swept = 0n;
  let refillSeconds: number | undefined;
  let lastKeepers: bigint | undefined;

  const tick = (at: bigint, pathStart: bigint, seconds: number, keepersDue: boolean) => {
    runEvents(pathStart, at);
    if (keepersDue) keeperPass(at);
    // Trades never make an account liquidatable (a new position starts above the initial margin, and the
    // liquidation ratio is below 1): the keepers' next pass is at the next tick.
    for (const trader of traders) traderTurn(trader, at, seconds);
    const day = (at - START) / DAY;
    if (day !== lastDay) {
      lastDay = day;
      const now = clock > at ? clock : at;
      if (!book.paused && book.fundBalance > book.target(now) + book.totalBadDebt) {
        // The keeper's transaction comes a slot later: the average (and the target) may have moved past the balance.
        const t = slot(at);
        if (book.fundBalance > book.target(t) + book.totalBadDebt) {
          const amount = book.sweepSurplus(t);
          if (inPath) swept += amount;
          act({ kind: "sweep", t });
        }
      }
    }
    const now = clock > at ? clock : at;
    const balance = book.fundBalance;
    if (inPath) {
      const held = balance + swept;
      if (held > peak) peak = held;
      if (peak - held > drawdown) {
        drawdown = peak - held;
        drawdownBps = Number((drawdown * 10_000n) / peak);
      }
      const target = book.target(now);
      if (dipAt === undefined && m.paidOut > 0n && balance < target) dipAt = now;
      else if (dipAt !== undefined && refillSeconds === undefined && balance >= target) {
        refillSeconds = Number(now - dipAt);
      }
    }
    if (log) {
      snapshots.push({
        after: actions.length,
        fundBalance: balance,
        treasuryAccrued: book.treasuryAccrued,
        totalBadDebt: book.totalBadDebt,
        totalPending: book.totalPending,
        markets: scenario.markets.map((x) => {
          const bm = book.market(x.id);
          return { insurancePaid: bm.insurancePaid, lossIndex: bm.lossIndex, badDebt: bm.badDebt, pending: bm.pending };
        }),
      });
      let openInterest = 0n;
      for (const bm of book.markets.values()) openInterest += bm.reportedOpenInterest;
      rows.push({
        seconds: Number(at - pathStart),
        answers: scenario.markets.map((x) => book.market(x.id).price / FEED_TO_WAD),
        fundBalance: balance,
        target: book.target(now),
        openInterest,
        averageOpenInterest: book.averageOpenInterest(now),
        socialized: m.socialized,
        badDebt: m.badDebt,
        paidOut: m.paidOut,
        liquidations: m.liquidations,
        bankruptcies: m.bankruptcies,
      });
    }
  };

  // ---------------------------------------------------------------- the calendar

  const seedAmount = scenario.initialBalance;
  if (seedAmount > 0n) {
    const t = slot(START) + SLOT;
    slot(START);
    book.mint("deployer", seedAmount);
    book.fundDeposit("deployer", seedAmount);
    act({ kind: "fundDeposit", t, amount: seedAmount });
  }
  const warmUp = BigInt(scenario.warmUpDays) * DAY;
  const pathStart = START + (warmUp > 0n ? warmUp : 3_600n);
  // The warm-up: ticks at the paths' first prices, so that the 7-day average exists when the path starts.
  for (let at = START; at < pathStart; at += WARM_UP_TICK) tick(at, pathStart, Number(WARM_UP_TICK), true);

  inPath = true;
  peak = book.fundBalance;
  const interval = scenario.keeperIntervalSeconds;
  const timeline = new Map<number, Map<number, bigint>>();
  for (const [i, points] of paths.entries()) {
    const spec = scenario.markets[i].path;
    const depth = "wicks" in spec && spec.wicks !== undefined ? spec.wicks.depthBps : 0;
    const tickRandom = new RiskRandom(seed * 7_919n + BigInt(i) + 1n);
    for (let j = 1; j < points.length; j++) {
      const span = points[j].t - points[j - 1].t;
      const step = interval !== undefined && interval < span ? interval : span;
      for (const tk of ticksBetween(points[j - 1], points[j], step, depth, tickRandom)) {
        if (!timeline.has(tk.t)) timeline.set(tk.t, new Map());
        timeline.get(tk.t)!.set(i, tk.answer);
      }
    }
  }
  const times = [...timeline.keys()].sort((a, b) => a - b);
  let previous = 0;
  for (const seconds of times) {
    const at = pathStart + BigInt(seconds);
    for (const [i, answer] of timeline.get(seconds)!) {
      const market = book.market(scenario.markets[i].id);
      if (market.price === answer * FEED_TO_WAD) continue;
      const t = slot(at);
      book.setPrice(scenario.markets[i].id, answer * FEED_TO_WAD);
      act({ kind: "price", t, market: scenario.markets[i].id, answer });
    }
    const due = interval === undefined || lastKeepers === undefined || at - lastKeepers >= BigInt(interval);
    if (due) lastKeepers = at;
    tick(at, pathStart, seconds - previous, due);
    previous = seconds;
  }

  return {
    metrics: {
      ...m,
      drawdown,
      drawdownBps,
      refillSeconds,
      dipped: dipAt !== undefined,
      refilled: refillSeconds !== undefined,
    },
    actions,
    snapshots,
    rows,
    traders: traders.map((t) => ({ name: t.name, market: t.market.id })),
    openingAnswers: paths.map((p) => p[0].answer),
    book,
  };
}
