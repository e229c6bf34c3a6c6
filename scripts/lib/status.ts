// The fund's health as lines of text, from any chain: the logic behind scripts/status.ts, kept free of
// process state (environment, exit codes, printing) so the tests can call it.
import { readFile } from "node:fs/promises";
import path from "node:path";

import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { type Interface, isAddress } from "ethers";

import { ADMIN_ROLE, GOVERNOR_ROLE, GUARDIAN_ROLE } from "../../lib/roles.js";

import { MAX_UINT128, MAX_UINT256 } from "../../lib/units.js";

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

/** Where the fund was found. */
export interface FundLocation {
  address: string;
  /** Human-readable origin, e.g. `INSURANCE_FUND_ADDRESS` or `LocalSuite#InsuranceFund in deploy/deployments/chain-31337`. */
  source: string;
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

/** A fee policy as the status shows it. */
export type PolicyStatus =
  | { kind: "spark"; address: string; tradingFeeShareBps: bigint; penaltyShareBps: bigint }
  | {
      kind: "spin";
      address: string;
      lowerBandBps: bigint;
      upperBandBps: bigint;
      lowTradingFeeShareBps: bigint;
      lowPenaltyShareBps: bigint;
      midPenaltyShareBps: bigint;
    }
  | { kind: "unknown"; address: string };

export interface MarketStatus {
  marketId: bigint;
  exchange: string;
  insuranceLimit: bigint;
  insurancePaid: bigint;
  rewardCap: bigint;
  rewardCapBps: bigint;
  badDebt: bigint;
  openInterest: bigint;
  lossIndex: bigint;
}

export interface FundStatus {
  chainId: bigint;
  location: FundLocation;
  token: { address: string; symbol: string; decimals: number };
  balance: bigint;
  target: bigint;
  targetShareBps: bigint;
  floor: bigint;
  averageOpenInterest: bigint;
  totalOpenInterest: bigint;
  windowSeconds: bigint;
  ratioBps: bigint;
  band: number;
  badDebt: bigint;
  treasury: string;
  treasuryAccrued: bigint;
  paused: boolean;
  policy: PolicyStatus;
  markets: MarketStatus[];
  minFloor: bigint;
  governance: GovernanceStatus;
}

/** A governance call waiting in the AccessManager. */
export interface ScheduledOperation {
  operationId: string;
  caller: string;
  target: string;
  /** The call decoded with the fund's or the manager's ABI (the raw selector when neither knows it). */
  call: string;
  /** The first second at which it may be executed. */
  executableAt: bigint;
}

/** Who governs, with which delays, and what waits. */
export interface GovernanceStatus {
  manager: string;
  now: bigint;
  /** Members of the governor, admin and guardian roles (from `RoleGranted`, still holding the role) and each one's execution delay. */
  members: { role: string; account: string; executionDelay: bigint }[];
  governorGrantDelay: DelaySetting;
  fundAdminDelay: DelaySetting;
  scheduled: ScheduledOperation[];
}

/** A delay of the manager's and, while a change of it waits for the manager's minimum setback, what comes next. */
export interface DelaySetting {
  now: bigint;
  next?: { delay: bigint; from: bigint };
}

const POLICY_ABI = [
  "function tradingFeeShareBps() view returns (uint16)",
  "function penaltyShareBps() view returns (uint16)",
  "function bands() view returns ((uint16 lowerBandBps, uint16 upperBandBps, uint16 lowTradingFeeShareBps, uint16 lowPenaltyShareBps, uint16 midPenaltyShareBps))",
];
const TOKEN_ABI = ["function symbol() view returns (string)"];

/** Recognises Spin's and Spark's policies by their getters; any other policy is shown by its address. */
export async function readPolicy(ethers: HardhatEthers, address: string): Promise<PolicyStatus> {
  const policy = new ethers.Contract(address, POLICY_ABI, ethers.provider);
  try {
    const bands = await policy.bands();
    return {
      kind: "spin",
      address,
      lowerBandBps: bands.lowerBandBps,
      upperBandBps: bands.upperBandBps,
      lowTradingFeeShareBps: bands.lowTradingFeeShareBps,
      lowPenaltyShareBps: bands.lowPenaltyShareBps,
      midPenaltyShareBps: bands.midPenaltyShareBps,
    };
  } catch {
    // Not Spin's policy: try Spark's.
  }
  try {
    const [tradingFeeShareBps, penaltyShareBps] = await Promise.all([
      policy.tradingFeeShareBps(),
      policy.penaltyShareBps(),
    ]);
    return { kind: "spark", address, tradingFeeShareBps, penaltyShareBps };
  } catch {
    return { kind: "unknown", address };
  }
}

/**
 * Reads everything the status shows. Throws `StatusError` when there is no contract at the address or it does
 * not answer as an insurance fund.
 */
export async function readFundStatus(
  ethers: HardhatEthers,
  location: FundLocation,
  options: { marketIds?: bigint[]; fromBlock?: number } = {},
): Promise<FundStatus> {
  const { chainId } = await ethers.provider.getNetwork();
  const code = await ethers.provider.getCode(location.address);
  if (code === "0x") {
    throw new StatusError(`no contract at ${location.address} on chain ${chainId} (from ${location.source})`);
  }
  const fund = await ethers.getContractAt("IInsuranceFund", location.address);
  let health, tokenAddress: string, decimals: bigint;
  try {
    [health, tokenAddress, decimals] = await Promise.all([fund.health(), fund.quoteToken(), fund.quoteDecimals()]);
  } catch {
    throw new StatusError(
      `${location.address} on chain ${chainId} is not an insurance fund (health() failed; from ${location.source})`,
    );
  }
  const [targetShareBps, floor, windowSeconds, treasury, paused, policyAddress] = await Promise.all([
    fund.targetShareBps(),
    fund.floor(),
    fund.averagingWindow(),
    fund.treasury(),
    fund.paused(),
    fund.feePolicy(),
  ]);
  const symbol = await new ethers.Contract(tokenAddress, TOKEN_ABI, ethers.provider).symbol().catch(() => "units");

  let marketIds = options.marketIds;
  if (marketIds === undefined) {
    try {
      const events = await fund.queryFilter(fund.filters.InsuranceFundMarketRegistered(), options.fromBlock ?? 0);
      marketIds = events.map((event) => event.args.marketId);
    } catch (error) {
      throw new StatusError(
        `could not read the fund's InsuranceFundMarketRegistered events (${firstLine(error)}): set MARKET_IDS or STATUS_FROM_BLOCK`,
      );
    }
  }
  const governance = await readGovernance(ethers, location.address, options.fromBlock ?? 0);
  const minFloor = await fund.minFloor();
  const markets = await Promise.all(
    marketIds.map(async (marketId): Promise<MarketStatus> => {
      const info = await fund.market(marketId).catch(() => {
        throw new StatusError(`market ${marketId} is not registered on ${location.address}`);
      });
      return {
        marketId,
        exchange: info.exchange,
        insuranceLimit: info.insuranceLimit,
        insurancePaid: info.insurancePaid,
        rewardCap: info.rewardCap,
        rewardCapBps: info.rewardCapBps,
        badDebt: info.badDebt,
        openInterest: info.openInterest,
        lossIndex: info.lossIndex,
      };
    }),
  );

  return {
    chainId,
    location,
    token: { address: tokenAddress, symbol, decimals: Number(decimals) },
    balance: health.balance,
    target: health.target,
    targetShareBps,
    floor,
    averageOpenInterest: health.averageOpenInterest,
    totalOpenInterest: health.totalOpenInterest,
    windowSeconds,
    ratioBps: health.ratioBps,
    band: Number(health.band),
    badDebt: health.badDebt,
    treasury,
    treasuryAccrued: health.treasuryAccrued,
    paused,
    policy: await readPolicy(ethers, policyAddress),
    markets,
    minFloor,
    governance,
  };
}

const ROLE_NAMES = new Map([
  [ADMIN_ROLE, "admin"],
  [GOVERNOR_ROLE, "governor"],
  [GUARDIAN_ROLE, "guardian"],
]);

/**
 * The fund's AccessManager: the members of its roles with their execution delays, the delays on its side doors,
 * and every operation scheduled and neither executed nor cancelled (`getSchedule` is 0 once it is either).
 */
export async function readGovernance(
  ethers: HardhatEthers,
  fundAddress: string,
  fromBlock: number,
): Promise<GovernanceStatus> {
  const fund = await ethers.getContractAt("InsuranceFund", fundAddress);
  const managerAddress = await fund.authority();
  const manager = await ethers.getContractAt("AccessManager", managerAddress);
  const [granted, scheduledEvents, latest] = await Promise.all([
    manager.queryFilter(manager.filters.RoleGranted(), fromBlock),
    manager.queryFilter(manager.filters.OperationScheduled(), fromBlock),
    ethers.provider.getBlock("latest"),
  ]);
  const members: GovernanceStatus["members"] = [];
  const seen = new Set<string>();
  for (const event of granted) {
    const { roleId, account } = event.args;
    const role = ROLE_NAMES.get(roleId);
    const key = `${roleId}:${account}`;
    if (role === undefined || seen.has(key)) continue;
    seen.add(key);
    const [isMember, executionDelay] = await manager.hasRole(roleId, account);
    if (isMember) members.push({ role, account, executionDelay });
  }
  const scheduled: ScheduledOperation[] = [];
  for (const event of scheduledEvents) {
    const { operationId, caller, target, data } = event.args;
    const executableAt = await manager.getSchedule(operationId);
    if (executableAt === 0n) continue;
    scheduled.push({
      operationId,
      caller,
      target,
      call: describeCall([fund.interface, manager.interface], data),
      executableAt,
    });
  }
  const now = BigInt(latest?.timestamp ?? 0);
  const [grantDelayNow, adminDelayNow, grantDelayChanges, adminDelayChanges] = await Promise.all([
    manager.getRoleGrantDelay(GOVERNOR_ROLE),
    manager.getTargetAdminDelay(fundAddress),
    manager.queryFilter(manager.filters.RoleGrantDelayChanged(GOVERNOR_ROLE), fromBlock),
    manager.queryFilter(manager.filters.TargetAdminDelayUpdated(fundAddress), fromBlock),
  ]);
  const setting = (current: bigint, last: { delay: bigint; since: bigint } | undefined): DelaySetting =>
    last !== undefined && last.since > now && last.delay !== current
      ? { now: current, next: { delay: last.delay, from: last.since } }
      : { now: current };
  const governorGrantDelay = setting(grantDelayNow, grantDelayChanges.at(-1)?.args);
  const fundAdminDelay = setting(adminDelayNow, adminDelayChanges.at(-1)?.args);
  return {
    manager: managerAddress,
    now,
    members,
    governorGrantDelay,
    fundAdminDelay,
    scheduled,
  };
}

/** `name(arg, ...)` of calldata, from the first ABI that knows its selector. */
function describeCall(interfaces: Interface[], data: string): string {
  for (const iface of interfaces) {
    const parsed = iface.parseTransaction({ data });
    if (parsed !== null) return `${parsed.name}(${parsed.args.map((arg) => String(arg)).join(", ")})`;
  }
  return data.slice(0, 10);
}

// ================================================================ formatting

const BAND_FAILED = 255;

/** `amount` token units as an exact decimal with thousands separators: 1234567890 (6 dec.) -> "1,234.56789". */
export function formatUnitsExact(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(decimals);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = decimals === 0 ? "" : (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Basis points as an exact percentage: 250 -> "2.50 %", 10_000 -> "100.00 %". */
export function formatBps(bps: bigint): string {
  return `${formatUnitsExact(bps / 100n, 0)}.${(bps % 100n).toString().padStart(2, "0")} %`;
}

/** A duration: whole days, whole hours, or seconds. */
export function formatDuration(seconds: bigint): string {
  if (seconds % 86_400n === 0n) return `${seconds / 86_400n} days`;
  if (seconds % 3_600n === 0n) return `${seconds / 3_600n} hours`;
  return `${seconds} seconds`;
}

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
    `Paused:          ${status.paused ? "yes (bankruptcy cover and surplus sweeps revert)" : "no"}`,
    `Treasury:        ${status.treasury}, accrued ${money(status.treasuryAccrued)} (not yet flushed)`,
    ...describePolicy(status.policy),
    ...describeGovernance(status.governance),
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
      `    reward caps:     ${caps}`,
    );
  }
  return lines;
}

/** A block timestamp as an ISO date (UTC). */
function isoTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

/** A countdown: "1 d 23 h 59 min 50 s", leaving out the zero parts. */
export function formatCountdown(seconds: bigint): string {
  const parts: [bigint, string][] = [
    [seconds / 86_400n, "d"],
    [(seconds % 86_400n) / 3_600n, "h"],
    [(seconds % 3_600n) / 60n, "min"],
    [seconds % 60n, "s"],
  ];
  const shown = parts.filter(([value]) => value !== 0n).map(([value, unit]) => `${value} ${unit}`);
  return shown.length === 0 ? "0 s" : shown.join(" ");
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
  ethers: HardhatEthers,
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
  return formatFundStatus(await readFundStatus(ethers, location, { marketIds, fromBlock }));
}

/** The first line of an error's message, for one-line reports. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}
