// The demo's settings and its calendar: which act each simulated day belongs to.

import { USDC } from "../../../lib/units.js";

/** Spark's fixed share (LocalSparkSuite) or Spin's target bands (LocalSuite, the default). */
export type DemoPolicy = "spin" | "spark";

/** The acts of the story, in order. */
export type Act = "setup" | "trading" | "crash" | "aftershock" | "second drop" | "recovery" | "wind-down";

export interface DemoConfig {
  policy: DemoPolicy;
  /** Seeds the market: prices, traders, orders. The same seed gives the same rows. */
  seed: bigint;
  /** Simulated days after the setup (day 0). */
  days: number;
  /** Trader accounts (each a node account). */
  traders: number;
  /** Orders traders try to place per trading day (those that end in no trade are not counted as trades). */
  ordersPerDay: number;
  /**
   * ETH-PERP's insurance limit on the fund, quote units: the most the fund ever pays for this market. Below the
   * fund's 200,000 USDC floor on purpose, so that the second drop exhausts it while the fund still holds money.
   */
  insuranceLimit: bigint;
  /** The first crash's gap, in bps of the price (1,300 = -13 %): the highest-levered longs go bankrupt. */
  firstDropBps: number;
  /** The second crash's gap, in bps of the price: most levered longs go bankrupt, beyond the limit. */
  secondDropBps: number;
  /**
   * A staked backstop behind the fund (LocalBackstopSuite, Spin only): stakers, their yield, the loss they absorb
   * beyond the fund's limit and one of them leaving. Default: none.
   */
  backstop?: boolean;
  /**
   * ETH-PERP's payout bucket, quote units a day: its capacity, refilled at a day's worth over 86,400 seconds
   * (rounded down). What a bankruptcy allocates beyond it waits as the market's pending claim, which a keeper
   * processes each day. 0 or absent: no limit (the buckets as the fund registers them).
   */
  payoutPerDay?: bigint;
}

export const DEFAULT_DEMO_CONFIG: DemoConfig = {
  policy: "spin",
  seed: 1n,
  days: 24,
  traders: 36,
  ordersPerDay: 150,
  insuranceLimit: 40_000n * USDC,
  firstDropBps: 1_300,
  secondDropBps: 2_500,
};

export const MIN_DAYS = 12;
export const MAX_DAYS = 120;
export const MIN_TRADERS = 8;
/** The node is created with this many accounts beyond the traders (roles, liquidators, the sweeper). */
export const NON_TRADER_ACCOUNTS = 8;
export const MAX_TRADERS = 200;
/** With `--backstop`, the node has this many accounts more, after the traders: the stakers (backstop.ts). */
export const STAKER_ACCOUNTS = 3;

/** Seconds in a day: the payout bucket refills `payoutPerDay` over them. */
export const SECONDS_PER_DAY = 86_400n;

/**
 * The deploy parameters of ETH-PERP's payout bucket for `payoutPerDay` (capacity a day's worth, refill per second
 * rounded down), or none without a limit.
 */
export function payoutLimitParameters(config: Pick<DemoConfig, "payoutPerDay">): Record<string, bigint> {
  const perDay = config.payoutPerDay ?? 0n;
  if (perDay === 0n) return {};
  return { ethPerpPayoutCapacity: perDay, ethPerpPayoutRefillPerSecond: perDay / SECONDS_PER_DAY };
}

/** A problem with the command line, reported as one line. */
export class DemoConfigError extends Error {
  override name = "DemoConfigError";
}

/** Checks a configuration's bounds; returns it. */
export function validateConfig(config: DemoConfig): DemoConfig {
  if (config.policy !== "spin" && config.policy !== "spark") {
    throw new DemoConfigError(`--policy must be spin or spark, got "${config.policy}"`);
  }
  if (config.backstop && config.policy !== "spin") {
    throw new DemoConfigError(
      `--backstop runs with Spin's target bands (LocalBackstopSuite): leave out --policy spark`,
    );
  }
  if (config.seed < 0n || config.seed >= 1n << 64n) throw new DemoConfigError(`--seed must be in [0, 2^64)`);
  if (!Number.isInteger(config.days) || config.days < MIN_DAYS || config.days > MAX_DAYS) {
    throw new DemoConfigError(`--days must be an integer from ${MIN_DAYS} to ${MAX_DAYS}, got ${config.days}`);
  }
  if (!Number.isInteger(config.traders) || config.traders < MIN_TRADERS || config.traders > MAX_TRADERS) {
    throw new DemoConfigError(
      `--traders must be an integer from ${MIN_TRADERS} to ${MAX_TRADERS}, got ${config.traders}`,
    );
  }
  if (!Number.isInteger(config.ordersPerDay) || config.ordersPerDay < 4 || config.ordersPerDay > 2_000) {
    throw new DemoConfigError(`orders per day must be an integer from 4 to 2,000, got ${config.ordersPerDay}`);
  }
  if (config.insuranceLimit <= 0n || config.insuranceLimit >= 1n << 128n) {
    throw new DemoConfigError(`the insurance limit must be positive and fit 128 bits`);
  }
  const perDay = config.payoutPerDay ?? 0n;
  if (perDay < 0n || perDay >= 1n << 128n) {
    throw new DemoConfigError(`--payout-per-day must be 0 (no limit) or a positive amount that fits 128 bits`);
  }
  for (const [name, bps] of [
    ["firstDropBps", config.firstDropBps],
    ["secondDropBps", config.secondDropBps],
  ] as const) {
    if (!Number.isInteger(bps) || bps <= 0 || bps >= 10_000)
      throw new DemoConfigError(`${name} must be in (0, 10,000)`);
  }
  return config;
}

/** The days on which each act starts. Day 0 is the setup; `days` is the last day. */
export interface Schedule {
  days: number;
  firstDrop: number;
  secondDrop: number;
  recovery: number;
  windDown: number;
}

/**
 * The calendar for `days` days: about a quarter of trading, the first crash, a few days of aftershock, the second
 * drop, recovery, and the last seven days winding down (so that the 7-day average open interest can fall and the
 * target with it).
 */
export function scheduleFor(days: number): Schedule {
  const firstDrop = Math.max(3, Math.round(days * 0.28));
  const secondDrop = firstDrop + Math.max(2, Math.round(days * 0.12));
  const windDown = Math.max(secondDrop + 2, days - 7);
  return { days, firstDrop, secondDrop, recovery: secondDrop + 1, windDown };
}

/** The act of a day. */
export function actOf(day: number, s: Schedule): Act {
  if (day === 0) return "setup";
  if (day < s.firstDrop) return "trading";
  if (day === s.firstDrop) return "crash";
  if (day < s.secondDrop) return "aftershock";
  if (day === s.secondDrop) return "second drop";
  if (day < s.windDown) return "recovery";
  return "wind-down";
}
