// The demo: deploys the suite with Ignition's LocalSuite (Spin) or LocalSparkSuite (Spark) module, seeds the fund
// with its floor, and plays a market crash through the reference exchange, one row per simulated day. Its parts:
// cast.ts (the traders and their moods), market.ts (the chain and the days), ledger.ts (each day's events),
// checks.ts (conservation and solvency every day), rows.ts (what it hands back).
//
// Everything that decides a number is deterministic: the PRNG is seeded, every transaction after the setup is
// mined at a timestamp the demo chooses (so the 7-day average open interest sees the same history every run), and
// the order of transactions depends only on the seed and on what the chain answers.
//
// The cast: node account 0 deploys (it owns the exchange and the price feed, and mints the mock USDC), 1 governs,
// 2 guards, 4 is the treasury (deploy/lib/localSuite.ts); 5, 6 and 7 are liquidation keepers (5 also sweeps the
// surplus and flushes the treasury's income); traders follow from account 8.
import type { NetworkConnection } from "hardhat/types/network";

import { type DemoConfig, NON_TRADER_ACCOUNTS, STAKER_ACCOUNTS } from "./config.js";
import { DEMO_GENESIS, DemoMarket } from "./market.js";
import type { DemoResult, DemoRow, Progress } from "./rows.js";

export type { Style, Trader } from "./cast.js";
export type { DemoAddresses, DemoResult, DemoRow, Progress } from "./rows.js";

// ================================================================ the network

/**
 * The connection parameters of the demo's in-process chain: dated `DEMO_GENESIS`, with enough accounts for the
 * traders (and the stakers with `backstop`). Use it as `network.create(demoNetworkParams(config))`.
 */
export function demoNetworkParams(config: Pick<DemoConfig, "traders" | "backstop">) {
  const count = config.traders + NON_TRADER_ACCOUNTS + (config.backstop ? STAKER_ACCOUNTS : 0);
  return { network: "default", override: { initialDate: DEMO_GENESIS, accounts: { count } } } as const;
}

// ================================================================ the run

/** Plays the whole story on `connection` (a fresh in-process chain of `demoNetworkParams`) and returns the rows. */
export async function runDemo(
  connection: NetworkConnection,
  config: DemoConfig,
  progress: Progress = () => {},
): Promise<DemoResult> {
  const market = await DemoMarket.deploy(connection, config);
  const rows: DemoRow[] = [];
  rows.push(await market.setupDay());
  await progress(rows[0], market.schedule, market.deployment);
  for (let day = 1; day <= config.days; day++) {
    const row = await market.playDay(day);
    rows.push(row);
    await progress(row, market.schedule, market.deployment);
  }
  return market.result(rows);
}
