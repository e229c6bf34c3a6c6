// The demo's market: deploys the suite with Ignition's module, then plays one day at a time: price moves, traders'
// orders, keepers' liquidations and settlements, sweeps, each transaction mined at a timestamp the demo chooses
// and booked into the day's ledger. The cast and the rules of the story: simulation.ts.
import { fileURLToPath } from "node:url";

import { readDeploymentParameters } from "@nomicfoundation/hardhat-ignition/helpers";
import type { ContractTransactionResponse } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import LocalBackstopSuite from "../../../deploy/modules/LocalBackstopSuite.js";
import LocalSparkSuite from "../../../deploy/modules/LocalSparkSuite.js";
import LocalSuite from "../../../deploy/modules/LocalSuite.js";
import { DAY, USDC, WAD } from "../../../lib/units.js";
import type { InsuranceFund, MockPriceFeed, MockUSDC, ReferenceExchange } from "../../../typechain-types/index.js";
import { DEMO_STAKERS, DemoBackstop } from "./backstop.js";
import { type Mood, MOODS, PROFILES, type Signer, type Style, type Trader } from "./cast.js";
import { checkFundBalance, checkTokens } from "./checks.js";
import {
  actOf,
  type DemoConfig,
  NON_TRADER_ACCOUNTS,
  payoutLimitParameters,
  scheduleFor,
  type Schedule,
  STAKER_ACCOUNTS,
} from "./config.js";
import { DayLedger } from "./ledger.js";
import { DemoRandom } from "./random.js";
import type { DemoAddresses, DemoResult, DemoRow } from "./rows.js";

// ================================================================ constants

/** Four trading sessions a day, six hours apart; the gap of a crash day opens the second session. */
const SESSIONS = 4;
const SESSION_SECONDS = DAY / BigInt(SESSIONS);
/** Seconds between two transactions of one session. */
const TX_SPACING = 12n;
/** The feed answers with 8 decimals (deploy/parameters/local.json); prices are kept to the cent. */
const FEED_TO_WAD = 10n ** 10n;
const CENT_IN_FEED = 10n ** 6n;
/** Orders are sized in thousandths of a contract. */
const SIZE_STEP = 10n ** 15n;
/** Below this much collateral, a flat trader has nothing to trade with (it may deposit again). */
const DUST_COLLATERAL = 1_000n * USDC;
/**
 * Deposits are scaled by REFERENCE_TRADERS / traders, so that the market's size (open interest, volume, losses) does
 * not depend on how many traders share it: a short run with few traders tells the same story.
 */
const REFERENCE_TRADERS = 36n;
/** What the exchange answers an order that fails its margin checks (the demo sizes orders to avoid them). */
const MARGIN_ERRORS = [
  "ReferenceExchangeInsufficientMargin",
  "ReferenceExchangeBelowLiquidationRatio",
  "ReferenceExchangeNegativeCollateral",
] as const;
/** Liquidation passes after a price move: a liquidation can make others liquidatable (socialized charges). */
const MAX_KEEPER_ROUNDS = 4;

export const LOCAL_PARAMETERS_FILE = fileURLToPath(new URL("../../../deploy/parameters/local.json", import.meta.url));

/** The in-process chain's first block is dated here, so that every run shows the same calendar. */
export const DEMO_GENESIS = new Date("2030-01-01T00:00:00Z");

export class DemoMarket {
  readonly schedule: Schedule;
  private readonly random: DemoRandom;
  private readonly marketId: bigint;
  private ledger = new DayLedger();
  /** The timestamp of the last transaction sent (or of the day's start). */
  private clock = 0n;
  private start = 0n;
  private minted = 0n;
  private priceFeed = 0n;
  private keeperTurn = 0;
  private lastFundBalance = 0n;

  private constructor(
    private readonly connection: NetworkConnection,
    readonly config: DemoConfig,
    private readonly c: {
      usdc: MockUSDC;
      fund: InsuranceFund;
      exchange: ReferenceExchange;
      feed: MockPriceFeed;
      policy: string;
    },
    private readonly addresses: { fund: string; exchange: string; token: string },
    private readonly deployer: Signer,
    private readonly treasury: string,
    private readonly keepers: Signer[],
    private readonly traders: Trader[],
    private readonly holders: string[],
    parameters: Record<string, unknown>,
    private readonly backstop?: DemoBackstop,
  ) {
    this.schedule = scheduleFor(config.days);
    this.random = new DemoRandom(config.seed);
    this.marketId = BigInt(parameters.ethPerpMarketId as bigint | number);
    this.priceFeed = BigInt(parameters.ethPerpFeedAnswer as bigint);
  }

  /**
   * Deploys the suite with the policy's local module (LocalBackstopSuite with `backstop`), the market's limit set to
   * the configuration's.
   */
  static async deploy(connection: NetworkConnection, config: DemoConfig): Promise<DemoMarket> {
    const { ethers, ignition } = connection;
    const signers = await ethers.getSigners();
    const accounts = config.traders + NON_TRADER_ACCOUNTS + (config.backstop ? STAKER_ACCOUNTS : 0);
    if (signers.length < accounts) {
      throw new Error(
        `the demo needs ${accounts} accounts, the network has ${signers.length}: create it with demoNetworkParams()`,
      );
    }
    const fileParameters = await readDeploymentParameters(LOCAL_PARAMETERS_FILE);
    const global = {
      ...fileParameters.$global,
      ethPerpInsuranceLimit: config.insuranceLimit,
      ...payoutLimitParameters(config),
    };
    const parameters = { ...fileParameters, $global: global };
    if (config.backstop) {
      const deployed = await ignition.deploy(LocalBackstopSuite, { parameters, displayUi: false });
      return await DemoMarket.build(connection, config, deployed, global, deployed.backstop);
    }
    const module = config.policy === "spark" ? LocalSparkSuite : LocalSuite;
    const deployed = await ignition.deploy(module, { parameters, displayUi: false });
    return await DemoMarket.build(connection, config, deployed, global);
  }

  private static async build(
    connection: NetworkConnection,
    config: DemoConfig,
    deployed: Record<"usdc" | "fund" | "exchange" | "feed" | "policy", { getAddress(): Promise<string> }>,
    global: Record<string, unknown>,
    vault?: { getAddress(): Promise<string> },
  ): Promise<DemoMarket> {
    const { ethers } = connection;
    const signers = await ethers.getSigners();

    const addressOf = (contract: { getAddress(): Promise<string> }) => contract.getAddress();
    const [token, fund, exchange, feed, policy] = await Promise.all([
      addressOf(deployed.usdc),
      addressOf(deployed.fund),
      addressOf(deployed.exchange),
      addressOf(deployed.feed),
      addressOf(deployed.policy),
    ]);
    const contracts = {
      usdc: await ethers.getContractAt("MockUSDC", token),
      fund: await ethers.getContractAt("InsuranceFund", fund),
      exchange: await ethers.getContractAt("ReferenceExchange", exchange),
      feed: await ethers.getContractAt("MockPriceFeed", feed),
      policy,
    };

    const styles: Style[] = ["degen", "swing", "swing", "whale"];
    const counts: Record<Style, number> = { degen: 0, swing: 0, whale: 0 };
    const traders = signers.slice(NON_TRADER_ACCOUNTS, NON_TRADER_ACCOUNTS + config.traders).map((signer, i) => {
      const style = styles[i % styles.length];
      counts[style] += 1;
      return { name: `${style}-${String(counts[style]).padStart(2, "0")}`, style, address: signer.address, signer };
    });
    const keepers = signers.slice(5, 8);
    const treasury = signers[4].address;
    const holders = [...signers.slice(0, NON_TRADER_ACCOUNTS).map((s) => s.address), ...traders.map((t) => t.address)];
    holders.push(exchange, fund);
    let backstop: DemoBackstop | undefined;
    if (vault !== undefined) {
      const vaultAddress = await vault.getAddress();
      const stakers = signers.slice(NON_TRADER_ACCOUNTS + config.traders).map((signer, i) => ({
        name: DEMO_STAKERS[i].name,
        signer,
        staked: DEMO_STAKERS[i].stake * USDC,
      }));
      const vaultContract = await ethers.getContractAt("BackstopVault", vaultAddress);
      backstop = new DemoBackstop(vaultContract, contracts.usdc, vaultAddress, stakers.slice(0, STAKER_ACCOUNTS));
      holders.push(...backstop.holders);
    }
    return new DemoMarket(
      connection,
      config,
      contracts,
      { fund, exchange, token },
      signers[0],
      treasury,
      keepers,
      traders,
      holders,
      global,
      backstop,
    );
  }

  // ---------------------------------------------------------------- days

  /** Day 0: the fund is seeded with its floor by a plain deposit, and the traders deposit their collateral. */
  async setupDay(): Promise<DemoRow> {
    const latest = await this.connection.ethers.provider.getBlock("latest");
    if (!latest) throw new Error("no latest block");
    // The first midnight (UTC) at least a day after the deployment: every timestamp from here is the demo's choice.
    this.start = (BigInt(latest.timestamp) / DAY + 2n) * DAY;
    this.clock = this.start;

    const floor = await this.c.fund.floor();
    await this.mint(this.deployer.address, floor);
    await this.send(() => this.c.usdc.connect(this.deployer).approve(this.addresses.fund, floor));
    await this.send(() => this.c.fund.connect(this.deployer).deposit(floor));
    for (const trader of this.traders) {
      await this.send(() => this.c.usdc.connect(trader.signer).approve(this.addresses.exchange, 2n ** 256n - 1n));
      await this.depositFresh(trader);
    }
    await this.backstop?.stake(this);
    return this.endDay(0);
  }

  /** One simulated day: four sessions of price moves, liquidations and orders; crash days gap at the second. */
  async playDay(day: number): Promise<DemoRow> {
    const act = actOf(day, this.schedule);
    if (act === "setup") throw new Error("day 0 is the setup");
    const gapDay = act === "crash" || act === "second drop";
    const dayStart = this.start + BigInt(day) * DAY;
    for (let session = 0; session < SESSIONS; session++) {
      this.clock = dayStart + BigInt(session) * SESSION_SECONDS;
      // The gap comes out of the blue: before it, a crash day trades like the days before it.
      const mood = gapDay && session === 0 ? MOODS[act === "crash" ? "trading" : "aftershock"] : MOODS[act];
      if (gapDay && session === 1) {
        const dropBps = act === "crash" ? this.config.firstDropBps : this.config.secondDropBps;
        this.ledger.gapFromWad = this.priceWad;
        await this.setPrice((this.priceFeed * BigInt(10_000 - dropBps)) / 10_000n);
        this.ledger.gapToWad = this.priceWad;
        await this.liquidateAll();
        // The second drop exhausts the market's limit: every survivor pays its share of the socialized loss now.
        if (act === "second drop") await this.settleSurvivors();
      } else {
        await this.setPrice(this.nextPrice(mood));
        await this.liquidateAll();
      }
      const orders = this.ordersFor(mood);
      for (let i = 0; i < orders; i++) await this.placeOrder(this.random.pick(this.traders), mood);
    }
    this.clock = dayStart + DAY - 120n;
    await this.sweepIfAllowed();
    await this.flushTreasury();
    await this.backstop?.endOfDay(this, day, this.schedule);
    await this.processPendingClaim();
    return this.endDay(day);
  }

  /** Reads the day's row at its last second and checks that no money was created or lost. */
  private async endDay(day: number): Promise<DemoRow> {
    const { networkHelpers } = this.connection;
    const timestamp = this.start + BigInt(day) * DAY + DAY - 1n;
    await networkHelpers.time.increaseTo(timestamp);
    const step = `day ${day} (${actOf(day, this.schedule)})`;
    await checkTokens(
      this.c,
      this.holders,
      this.minted,
      this.traders.map((t) => t.address),
      this.marketId,
      step,
    );

    const [health, market, pending, marketBucket, fundBucket, treasuryHeld, priceWad] = await Promise.all([
      this.c.fund.health(),
      this.c.fund.market(this.marketId),
      this.c.fund.pendingClaim(this.marketId),
      this.c.fund.marketBucket(this.marketId),
      this.c.fund.fundBucket(),
      this.c.usdc.balanceOf(this.treasury),
      this.c.exchange.price(this.marketId),
    ]);
    const l = this.ledger;
    this.ledger = new DayLedger();
    checkFundBalance(step, this.lastFundBalance, l, health.balance);
    this.lastFundBalance = health.balance;
    return {
      day,
      act: actOf(day, this.schedule),
      timestamp,
      priceWad,
      gapFromWad: l.gapFromWad,
      gapToWad: l.gapToWad,
      openInterest: health.totalOpenInterest,
      averageOpenInterest: health.averageOpenInterest,
      fundBalance: health.balance,
      target: health.target,
      ratioBps: health.ratioBps,
      band: Number(health.band),
      deposited: l.deposited,
      income: l.income,
      paidOut: l.fundRewards + l.fundShortfalls,
      fundRewards: l.fundRewards,
      fundShortfalls: l.fundShortfalls,
      paidToExchange: l.paidToExchange,
      keeperRewards: l.keeperRewards,
      bankruptKeeperRewards: l.bankruptKeeperRewards,
      pending,
      pendingAdded: l.pendingAdded,
      marketBucket: { available: marketBucket.available, capacity: marketBucket.capacity },
      fundBucket: { available: fundBucket.available, capacity: fundBucket.capacity },
      socialized: l.socialized,
      badDebt: l.badDebt,
      swept: l.swept,
      treasury: treasuryHeld + health.treasuryAccrued,
      insurancePaid: market.insurancePaid,
      insuranceLimit: market.insuranceLimit,
      trades: l.trades,
      volume: l.volume,
      tradingFees: l.tradingFees,
      liquidations: l.liquidations,
      bankruptcies: l.bankruptcies,
      settlements: l.settlements,
      settled: l.settled,
      rejected: l.rejected,
      minted: this.minted,
      conserved: true,
      ...(this.backstop === undefined ? {} : { backstop: await this.backstop.level(l) }),
    };
  }

  get deployment(): DemoAddresses {
    return { ...this.addresses, policy: this.c.policy, treasury: this.treasury };
  }

  async result(rows: DemoRow[]): Promise<DemoResult> {
    const params = (await this.c.exchange.market(this.marketId)).params;
    return {
      config: this.config,
      schedule: this.schedule,
      rows,
      addresses: this.deployment,
      exchangeParams: {
        tradingFeeBps: params.tradingFeeBps,
        liquidationPenaltyBps: params.liquidationPenaltyBps,
        liquidatorShareBps: params.liquidatorShareBps,
        initialMarginBps: params.initialMarginBps,
        liquidationRatioWad: params.liquidationRatioWad,
      },
      floor: await this.c.fund.floor(),
      targetShareBps: await this.c.fund.targetShareBps(),
      traders: this.traders.map(({ name, style, address }) => ({ name, style, address })),
      ...(this.backstop === undefined ? {} : { backstop: this.backstop.story() }),
    };
  }

  // ---------------------------------------------------------------- the price

  /** The session's price: the mood's drift plus a bell-shaped shock of the mood's volatility, to the cent. */
  private nextPrice(mood: Mood): bigint {
    // shockMilli has a standard deviation of ~577: scaling by 1.732 makes the move's deviation `volBps`.
    const moveBps = mood.driftBps + Math.trunc((mood.volBps * this.random.shockMilli() * 1732) / 1_000_000);
    return (this.priceFeed * BigInt(10_000 + moveBps)) / 10_000n;
  }

  private async setPrice(answer: bigint): Promise<void> {
    this.priceFeed = (answer / CENT_IN_FEED) * CENT_IN_FEED;
    await this.send(() => this.c.feed.connect(this.deployer).setPrice(this.priceFeed));
  }

  private get priceWad(): bigint {
    return this.priceFeed * FEED_TO_WAD;
  }

  // ---------------------------------------------------------------- traders

  private ordersFor(mood: Mood): number {
    const perSession = Math.max(1, Math.round((this.config.ordersPerDay * mood.activity) / 100 / SESSIONS));
    const jitter = Math.max(1, Math.floor(perSession / 5));
    return Math.max(1, perSession + this.random.between(-jitter, jitter));
  }

  /** A trader decides what to do at the oracle price; most decisions are a trade. */
  private async placeOrder(trader: Trader, mood: Mood): Promise<void> {
    const { exchange } = this.c;
    const [position, health] = await Promise.all([
      exchange.position(trader.address, this.marketId),
      exchange.accountHealth(trader.address, this.marketId),
    ]);
    const profile = PROFILES[trader.style];
    const leverageTenths = BigInt(this.random.between(profile.leverage[0], profile.leverage[1]));

    if (position.baseWad === 0n) {
      if (health.collateral < DUST_COLLATERAL) {
        if (this.random.chance(mood.topUp)) await this.depositFresh(trader);
        return;
      }
      if (!this.random.chance(mood.open)) return;
      const long = this.random.chance(profile.longBias + mood.longShift);
      const notional = (leverageTenths * health.collateral) / 10n;
      await this.trade(trader, long ? this.baseFor(notional) : -this.baseFor(notional));
      return;
    }

    // An account below the liquidation ratio is the keepers' business.
    if (health.liquidatable) return;
    const side = position.baseWad > 0n ? 1n : -1n;
    const absBase = position.baseWad * side;
    const increase = mood.increase + (trader.style === "degen" && mood.increase > 0 ? 25 : 0);
    const roll = this.random.int(100);
    if (roll < increase) {
      // Up to the trader's leverage on min(collateral, equity), and only while well above the liquidation ratio.
      if (health.marginRatioWad < (WAD * 8n) / 10n) return;
      const margin = health.collateral < health.equity ? health.collateral : health.equity;
      const targetNotional = (leverageTenths * margin) / 10n;
      if (targetNotional <= health.notional) return;
      await this.trade(trader, side * this.baseFor(targetNotional - health.notional));
    } else if (roll < increase + mood.reduce) {
      const part = (absBase * BigInt(this.random.between(25, 75))) / 100n;
      const size = (part / SIZE_STEP) * SIZE_STEP;
      if (size > 0n && size < absBase) await this.trade(trader, -side * size);
    } else if (roll < increase + mood.reduce + mood.close) {
      await this.trade(trader, -position.baseWad);
    }
  }

  /** Base units worth `notional` quote units at the oracle price, in thousandths of a contract, rounded down. */
  private baseFor(notional: bigint): bigint {
    return ((notional * 10n ** 12n * WAD) / this.priceWad / SIZE_STEP) * SIZE_STEP;
  }

  private async trade(trader: Trader, sizeWad: bigint): Promise<void> {
    if (sizeWad === 0n) return;
    const mined = await this.send(() => this.c.exchange.connect(trader.signer).trade(this.marketId, sizeWad), {
      mayRevertWith: MARGIN_ERRORS,
    });
    if (!mined) this.ledger.rejected++;
  }

  /** A trader brings new money: minted to it and deposited as collateral. */
  private async depositFresh(trader: Trader): Promise<void> {
    const [min, max] = PROFILES[trader.style].deposit;
    const amount = (BigInt(this.random.between(min, max)) * USDC * REFERENCE_TRADERS) / BigInt(this.config.traders);
    await this.mint(trader.address, amount);
    await this.send(() => this.c.exchange.connect(trader.signer).deposit(this.marketId, amount));
  }

  // ---------------------------------------------------------------- keepers

  private nextKeeper(): Signer {
    this.keeperTurn = (this.keeperTurn + 1) % this.keepers.length;
    return this.keepers[this.keeperTurn];
  }

  /** Liquidates every account below the liquidation ratio, again while liquidations make others liquidatable. */
  private async liquidateAll(): Promise<void> {
    for (let round = 0; round < MAX_KEEPER_ROUNDS; round++) {
      let liquidated = 0;
      for (const trader of this.traders) {
        const health = await this.c.exchange.accountHealth(trader.address, this.marketId);
        if (!health.liquidatable) continue;
        const keeper = this.nextKeeper();
        await this.send(() => this.c.exchange.connect(keeper).liquidate(trader.address, this.marketId));
        liquidated++;
      }
      if (liquidated === 0) return;
    }
  }

  /** Every open position pays its share of the socialized losses (anyone may call `settle`). */
  private async settleSurvivors(): Promise<void> {
    for (const trader of this.traders) {
      const health = await this.c.exchange.accountHealth(trader.address, this.marketId);
      if (health.pendingLoss === 0n) continue;
      const keeper = this.nextKeeper();
      await this.send(() => this.c.exchange.connect(keeper).settle(trader.address, this.marketId));
    }
    await this.liquidateAll();
  }

  /**
   * Anyone may sweep the surplus above the target to the treasury: the first keeper does, when there is one. It
   * looks at a block mined just before; the average open interest moves on in the seconds until its transaction,
   * so the target may have passed the balance by then: the fund then refuses with `InsuranceFundNoSurplus`.
   */
  private async sweepIfAllowed(): Promise<void> {
    await this.connection.networkHelpers.time.increaseTo(this.clock);
    const [balance, target] = await Promise.all([this.c.fund.fundBalance(), this.c.fund.targetSize()]);
    if (balance <= target) return;
    await this.send(() => this.c.fund.connect(this.keepers[0]).sweepSurplus(), {
      mayRevertWith: ["InsuranceFundNoSurplus"],
    });
  }

  private async flushTreasury(): Promise<void> {
    if ((await this.c.fund.treasuryAccrued()) === 0n) return;
    await this.send(() => this.c.fund.connect(this.keepers[0]).flushTreasury());
  }

  /**
   * Anyone may have the fund pay the market's pending claim as its buckets refill: the first keeper does, last in the
   * day (so no later transaction of the day moves), when there is a claim, the fund is not paused and both buckets
   * hold something for it (otherwise the fund refuses with `InsuranceFundPayoutLimited`).
   */
  private async processPendingClaim(): Promise<void> {
    const { fund } = this.c;
    if ((await fund.pendingClaim(this.marketId)) === 0n || (await fund.paused())) return;
    const [marketBucket, fundBucket] = await Promise.all([fund.marketBucket(this.marketId), fund.fundBucket()]);
    if (marketBucket.available === 0n || fundBucket.available === 0n) return;
    // The buckets were read at the last block; a bucket that refills nothing a second may still be empty.
    await this.send(() => fund.connect(this.keepers[0]).processPendingClaim(this.marketId), {
      mayRevertWith: ["InsuranceFundPayoutLimited"],
    });
  }

  // ---------------------------------------------------------------- transactions

  /** Mints `amount` of the mock USDC to `to`, counted in what the conservation check expects. */
  async mint(to: string, amount: bigint): Promise<void> {
    await this.send(() => this.c.usdc.connect(this.deployer).mint(to, amount));
    this.minted += amount;
  }

  /**
   * Sends one transaction, mined TX_SPACING seconds after the previous one, and books its events. A transaction
   * the chain refuses with one of the custom errors of `mayRevertWith` (seen when ethers estimates its gas, so
   * nothing is mined) returns false; any other failure aborts the demo.
   */
  async send(
    transaction: () => Promise<ContractTransactionResponse>,
    options: { mayRevertWith?: readonly string[] } = {},
  ): Promise<boolean> {
    this.clock += TX_SPACING;
    await this.connection.networkHelpers.time.setNextBlockTimestamp(this.clock);
    let response: ContractTransactionResponse;
    try {
      response = await transaction();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (options.mayRevertWith?.some((name) => message.includes(`custom error '${name}(`))) return false;
      throw error;
    }
    const receipt = await response.wait();
    if (!receipt) throw new Error("no receipt");
    this.ledger.book(receipt, this.c, this.addresses);
    return true;
  }
}
