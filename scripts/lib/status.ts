// The fund's health as lines of text, from any chain: the logic behind scripts/status.ts, kept free of
// process state (environment, exit codes, printing) so the tests can call it.
import { readFile } from "node:fs/promises";
import path from "node:path";

import { isAddress, type Provider } from "ethers";

import {
  type BackstopStatus,
  type DelaySetting,
  FundClientError,
  type FundLocation,
  type FundStatus,
  formatBps,
  formatBucket,
  formatCountdown,
  formatDuration,
  formatUnitsExact,
  type GovernanceStatus,
  InsuranceFundClient,
  isoTime,
  type PolicyStatus,
} from "../../client/index.js";
import { MAX_UINT128, MAX_UINT256 } from "../../lib/units.js";

export type {
  FundLocation,
  FundStatus,
  GovernanceStatus,
  MarketStatus,
  ScheduledOperation,
} from "../../client/index.js";
export { firstLine, formatBps, formatCountdown, formatDuration, formatUnitsExact } from "../../client/index.js";

/** A problem the operator can fix (wrong address, missing deployment); reported as one line. */
export class StatusError extends Error {
  override name = "StatusError";
}

/** The settings the status command reads from the environment. */
export interface StatusEnv {
  /** The fund's address; overrides the Ignition deployment. */
  INSURANCE_FUND_ADDRESS?: string;
  /** The Ignition deployment to read (default `chain-<chainId>`). */
  DEPLOYMENT_ID?: string;
  /** Comma-separated market ids; overrides the registration events. */
  MARKET_IDS?: string;
  /** First block to search for registration events (default 0). */
  STATUS_FROM_BLOCK?: string;
}

// ================================================================ finding the fund

/**
 * The fund's address: `INSURANCE_FUND_ADDRESS` if set, else the one `<Module>#InsuranceFund` entry of the Ignition
 * deployment `<deploymentsDir>/<DEPLOYMENT_ID or chain-<chainId>>/deployed_addresses.json`.
 */
export async function locateFund(env: StatusEnv, chainId: bigint, deploymentsDir: string): Promise<FundLocation> {
  const fromEnv = env.INSURANCE_FUND_ADDRESS?.trim();
  if (fromEnv) {
    if (!isAddress(fromEnv)) throw new StatusError(`INSURANCE_FUND_ADDRESS is not an address: "${fromEnv}"`);
    return { address: fromEnv, source: "INSURANCE_FUND_ADDRESS" };
  }
  const deploymentId = env.DEPLOYMENT_ID?.trim() || `chain-${chainId}`;
  const file = path.join(deploymentsDir, deploymentId, "deployed_addresses.json");
  let addresses: Record<string, string>;
  try {
    addresses = JSON.parse(await readFile(file, "utf8"));
  } catch {
    throw new StatusError(
      `no insurance fund address: set INSURANCE_FUND_ADDRESS, or deploy with Ignition (no ${path.relative(process.cwd(), file)})`,
    );
  }
  const funds = Object.entries(addresses).filter(([futureId]) => futureId.endsWith("#InsuranceFund"));
  if (funds.length !== 1) {
    const found = funds.length === 0 ? "none" : funds.map(([futureId]) => futureId).join(", ");
    throw new StatusError(
      `expected one <Module>#InsuranceFund in ${path.relative(process.cwd(), file)}, found ${found}: set INSURANCE_FUND_ADDRESS`,
    );
  }
  const [futureId, address] = funds[0];
  return { address, source: `${futureId} in ${path.relative(process.cwd(), path.dirname(file))}` };
}

/** Parses `MARKET_IDS` ("1,2, 3"); undefined when not set. */
export function parseMarketIds(value: string | undefined): bigint[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return value.split(",").map((part) => {
    const trimmed = part.trim();
    if (!/^\d+$/.test(trimmed)) throw new StatusError(`MARKET_IDS must be comma-separated integers, got "${value}"`);
    return BigInt(trimmed);
  });
}

// ================================================================ reading

/** Reads everything the status shows, through the client; its errors become `StatusError`s. */
export async function readFundStatus(
  provider: Provider,
  location: FundLocation,
  options: { marketIds?: bigint[]; fromBlock?: number } = {},
): Promise<FundStatus> {
  try {
    const client = await InsuranceFundClient.connect(provider, location);
    return await client.status(options);
  } catch (error) {
    if (error instanceof FundClientError) throw new StatusError(error.message);
    throw error;
  }
}

// ================================================================ formatting

const BAND_FAILED = 255;

function describeBand(band: number, policy: PolicyStatus): string {
  if (band === BAND_FAILED) return `${band} (the policy failed to answer)`;
  if (policy.kind === "spark") return `${band} (fixed share: a single band)`;
  if (policy.kind !== "spin") return `${band}`;
  const lower = formatBps(policy.lowerBandBps);
  const upper = formatBps(policy.upperBandBps);
  if (band === 0) return `0 (ratio below ${lower}: the fund refills fastest)`;
  if (band === 1) return `1 (ratio from ${lower} to below ${upper}: penalties only)`;
  if (band === 2) return `2 (ratio at or above ${upper}: nothing to the fund)`;
  return `${band}`;
}

function describePolicy(policy: PolicyStatus): string[] {
  switch (policy.kind) {
    case "spark":
      return [
        `Fee policy:      FixedSharePolicy (Spark) ${policy.address}`,
        `                 ${formatBps(policy.tradingFeeShareBps)} of trading fees and ${formatBps(policy.penaltyShareBps)} of liquidation penalties to the fund`,
      ];
    case "spin":
      return [
        `Fee policy:      TargetBandsPolicy (Spin) ${policy.address}`,
        `                 ratio below ${formatBps(policy.lowerBandBps)}: ${formatBps(policy.lowTradingFeeShareBps)} of trading fees and ${formatBps(policy.lowPenaltyShareBps)} of liquidation penalties to the fund`,
        `                 ratio from ${formatBps(policy.lowerBandBps)} to below ${formatBps(policy.upperBandBps)}: ${formatBps(policy.midPenaltyShareBps)} of liquidation penalties to the fund`,
        `                 ratio at or above ${formatBps(policy.upperBandBps)}: nothing to the fund`,
      ];
    default:
      return [`Fee policy:      unknown policy ${policy.address}`];
  }
}

/** The status as lines of text, money in the token's decimals. */
export function formatFundStatus(status: FundStatus): string[] {
  const { symbol, decimals } = status.token;
  const money = (amount: bigint) => `${formatUnitsExact(amount, decimals)} ${symbol}`;
  const ratio =
    status.ratioBps === MAX_UINT256 ? "unbounded (no open interest and no floor)" : formatBps(status.ratioBps);
  const lines = [
    `Insurance fund:  ${status.location.address} on chain ${status.chainId} (${status.location.source})`,
    `Quote token:     ${symbol} ${status.token.address} (${decimals} decimals)`,
    `Balance:         ${money(status.balance)}`,
    `Target:          ${money(status.target)} = max(${formatBps(status.targetShareBps)} of the average open interest, floor ${money(status.floor)})`,
    `Minimum floor:   ${money(status.minFloor)} (fixed at deployment: no governance call sets the floor below it)`,
    `Ratio:           ${ratio} (balance / max(average open interest, floor / target share))`,
    `Band:            ${describeBand(status.band, status.policy)}`,
    `Open interest:   ${money(status.totalOpenInterest)} now, ${money(status.averageOpenInterest)} on average over ${formatDuration(status.windowSeconds)}`,
    `Bad debt:        ${money(status.badDebt)}`,
    ...(status.pendingClaims === undefined
      ? []
      : [`Pending claims:  ${money(status.pendingClaims.total)} (reserved in the fund, owed to the exchanges)`]),
    ...(status.buckets === undefined
      ? []
      : [`Payout bucket:   fund-wide: ${formatBucket(status.buckets.fund, money)}`]),
    `Paused:          ${status.paused ? "yes (bankruptcies queue as pending claims; sweeps and claim payments wait)" : "no"}`,
    `Treasury:        ${status.treasury}, accrued ${money(status.treasuryAccrued)} (not yet flushed)`,
    ...describePolicy(status.policy),
    ...describeGovernance(status.governance),
    ...(status.backstop === undefined ? [] : describeBackstop(status.backstop, money)),
    `Markets:         ${status.markets.length}`,
  ];
  for (const market of status.markets) {
    const caps = [
      market.rewardCap === MAX_UINT128 ? "no absolute cap" : money(market.rewardCap),
      market.rewardCapBps === 10_000n
        ? "no cap below the notional"
        : `${formatBps(market.rewardCapBps)} of the notional`,
    ].join(", ");
    lines.push(
      `  market ${market.marketId}:`,
      `    exchange:        ${market.exchange}`,
      `    insurance limit: ${money(market.insuranceLimit)}, paid ${money(market.insurancePaid)}, left ${money(market.insuranceLimit - market.insurancePaid)}`,
      `    open interest:   ${money(market.openInterest)}`,
      `    loss index:      ${market.lossIndex}`,
      `    bad debt:        ${money(market.badDebt)}`,
    );
    const pending = status.pendingClaims?.byMarket.find((p) => p.marketId === market.marketId);
    if (pending !== undefined) lines.push(`    pending claim:   ${money(pending.amount)}`);
    const bucket = status.buckets?.byMarket.find((b) => b.marketId === market.marketId);
    if (bucket !== undefined) lines.push(`    payout bucket:   ${formatBucket(bucket.bucket, money)}`);
    const backstop = status.backstop?.byMarket.find((b) => b.marketId === market.marketId);
    if (backstop !== undefined) {
      lines.push(
        `    backstop limit:  ${money(backstop.limit)}, paid ${money(backstop.paid)}, left ${money(backstop.limit - backstop.paid)}`,
        `    from backstop:   ${money(backstop.pendingFromBackstop)} of the pending claim (returned to it if rejected)`,
      );
    }
    lines.push(`    reward caps:     ${caps}`);
  }
  return lines;
}

/** The staked backstop's lines: its money, what streams and what is locked, its terms and income share. */
export function describeBackstop(backstop: BackstopStatus, money: (amount: bigint) => string): string[] {
  const shares = (amount: bigint) => `${formatUnitsExact(amount, backstop.shareDecimals)} ${backstop.symbol}`;
  const { terms } = backstop;
  return [
    `Backstop:        ${backstop.symbol} vault ${backstop.address}`,
    `                 assets ${money(backstop.totalAssets)}, shares ${shares(backstop.totalSupply)}, share price ${money(backstop.sharePrice)}`,
    `                 unvested income ${money(backstop.unvestedIncome)} (streams into the assets over ${formatDuration(terms.streamPeriod)})`,
    `                 locked shares ${shares(backstop.lockedShares)} (under redeem request), exit cap left today ${money(backstop.exitCapLeft)}`,
    `                 terms: cooldown ${formatDuration(terms.cooldown)}, window ${formatDuration(terms.window)}, exit cap ${formatBps(terms.exitCapBps)} of the assets a day, minimum assets ${money(terms.minimumAssets)}`,
    `                 income share: ${formatBps(backstop.incomeShareBps)} of the treasury's income`,
  ];
}

function describeGovernance(governance: GovernanceStatus): string[] {
  const delay = (seconds: bigint) => (seconds === 0n ? "no delay" : formatCountdown(seconds));
  const setting = ({ now, next }: DelaySetting) =>
    next === undefined ? delay(now) : `${delay(now)} (${delay(next.delay)} from ${isoTime(next.from)})`;
  const lines = [
    `Governance:      AccessManager ${governance.manager}; new governors: ${setting(governance.governorGrantDelay)}, the fund's authority: ${setting(governance.fundAdminDelay)}`,
  ];
  for (const member of governance.members) {
    lines.push(`  ${member.role.padEnd(9)}      ${member.account}, its calls: ${delay(member.executionDelay)}`);
  }
  if (governance.scheduled.length === 0) lines.push(`Scheduled:       nothing`);
  for (const op of governance.scheduled) {
    const wait = op.executableAt > governance.now ? `in ${formatCountdown(op.executableAt - governance.now)}` : "now";
    lines.push(
      `Scheduled:       ${op.call} on ${op.target} by ${op.caller}`,
      `                 executable from ${isoTime(op.executableAt)} (${wait})`,
    );
  }
  return lines;
}

// ================================================================ all together

/** Finds the fund, reads it, and returns the lines to print. */
export async function fundStatusLines(
  ethers: { provider: Provider },
  env: StatusEnv,
  deploymentsDir: string,
): Promise<string[]> {
  const { chainId } = await ethers.provider.getNetwork();
  const location = await locateFund(env, chainId, deploymentsDir);
  const marketIds = parseMarketIds(env.MARKET_IDS);
  const fromBlock = env.STATUS_FROM_BLOCK === undefined ? undefined : Number(env.STATUS_FROM_BLOCK);
  if (fromBlock !== undefined && !Number.isSafeInteger(fromBlock)) {
    throw new StatusError(`STATUS_FROM_BLOCK must be a block number, got "${env.STATUS_FROM_BLOCK}"`);
  }
  return formatFundStatus(await readFundStatus(ethers.provider, location, { marketIds, fromBlock }));
}
