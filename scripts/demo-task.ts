// `npx hardhat demo` (`npm run demo`): a market crash played through the reference exchange on the in-process chain,
// with a table of each day and a report with a chart. The task and its options are declared in hardhat.config.ts
// (a task rather than `hardhat run`, which takes no arguments for the script):
//   npm run demo                                   Spin's target bands, seed 1, 24 days, 36 traders
//   npm run demo -- --policy spark --seed 7        Spark's fixed share, another market
//   npm run demo -- --days 30 --traders 40 --limit 60000 --out /tmp/reports
//   npm run demo -- --backstop                     a staked backstop behind the fund (LocalBackstopSuite)
//   npm run demo -- --payout-per-day 20000         ETH-PERP's payouts limited to 20,000 USDC a day
// The simulation itself is scripts/lib/demo/ (deterministic: one seed, one set of numbers).
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { DEFAULT_DEMO_CONFIG, type DemoConfig, DemoConfigError, validateConfig } from "./lib/demo/config.js";
import { backstopLines } from "./lib/demo/backstop.js";
import { progressLine, tableLines, usd } from "./lib/demo/format.js";
import { allocationOf, payoutLimitLines } from "./lib/demo/payouts.js";
import { writeReport } from "./lib/demo/report.js";

export interface DemoTaskArguments {
  policy: string;
  seed: bigint;
  days: number;
  traders: number;
  /** ETH-PERP's insurance limit, whole USDC. */
  limit: bigint;
  out: string;
  backstop: boolean;
  /** ETH-PERP's payout bucket, whole USDC a day (0: no limit). */
  payoutPerDay: bigint;
}

export default async function demoTask(args: DemoTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const started = Date.now();
  let config: DemoConfig;
  try {
    config = validateConfig({
      ...DEFAULT_DEMO_CONFIG,
      policy: args.policy as DemoConfig["policy"],
      seed: args.seed,
      days: args.days,
      traders: args.traders,
      insuranceLimit: args.limit * 1_000_000n,
      backstop: args.backstop,
      payoutPerDay: args.payoutPerDay * 1_000_000n,
    });
  } catch (error) {
    if (!(error instanceof DemoConfigError)) throw error;
    console.error(`demo: ${error.message}`);
    process.exitCode = 1;
    return;
  }

  await playDemo(hre, config, args.out, started);
}

/** Plays the demo of `config` and writes its report (the `demo` task, and the `scenario` task's demo-story). */
export async function playDemo(
  hre: HardhatRuntimeEnvironment,
  config: DemoConfig,
  out: string,
  started = Date.now(),
): Promise<void> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  // Imported once built: the deploy modules read the contracts' artifacts when they are loaded.
  const { demoNetworkParams, runDemo } = await import("./lib/demo/simulation.js");
  const policyName = config.backstop
    ? "Spin's target bands with a staked backstop (LocalBackstopSuite)"
    : config.policy === "spin"
      ? "Spin's target bands (LocalSuite)"
      : "Spark's fixed share (LocalSparkSuite)";
  console.log(
    `demo: ${policyName}, seed ${config.seed}, ${config.days} days, ${config.traders} traders, ` +
      `ETH-PERP insurance limit ${usd(config.insuranceLimit)} USDC` +
      (config.payoutPerDay ? `, payouts limited to ${usd(config.payoutPerDay)} USDC a day` : "") +
      `, on the in-process chain`,
  );

  try {
    const connection = await hre.network.create(demoNetworkParams(config));
    const result = await runDemo(connection, config, (row, schedule) => console.log(progressLine(row, schedule)));
    if (config.payoutPerDay) {
      // The same market without the limit, on a fresh chain: the limit must change when losses are paid, not who
      // bears them.
      console.log("the same run without the payout limit, for comparison...");
      const unlimited = { ...config, payoutPerDay: 0n };
      const rows = (await runDemo(await hre.network.create(demoNetworkParams(unlimited)), unlimited)).rows;
      result.withoutPayoutLimit = allocationOf(rows);
    }
    console.log("");
    console.log(tableLines(result.rows, config.policy).join("\n"));
    console.log("");
    const backstop = backstopLines(result);
    if (backstop.length > 0) console.log([...backstop, ""].join("\n"));
    const payouts = payoutLimitLines(result);
    if (payouts.length > 0) console.log([...payouts, ""].join("\n"));
    const files = await writeReport(result, path.resolve(out));
    const relative = (file: string) => path.relative(process.cwd(), file) || file;
    console.log(`report: ${relative(files.markdown)} (chart: ${relative(files.svg)})`);
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    // A broken money invariant (or any failure) stops the demo loudly, with the step it happened at.
    console.error("");
    console.error("demo ABORTED:");
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
}
