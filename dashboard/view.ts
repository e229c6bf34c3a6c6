// What the page shows, computed on the server from the client's reads: money already formatted exactly (the
// same text as the status command), numbers for the charts, and the alerts. The page only lays it out.
import {
  type BackstopStatus,
  type Buckets,
  type Features,
  type FundEvent,
  type FundStatus,
  formatBps,
  formatBucket,
  formatCountdown,
  formatDuration,
  formatUnitsExact,
  type PendingClaims,
} from "../client/index.js";
import { MAX_UINT128, MAX_UINT256 } from "../lib/units.js";

/** Everything the fund's optional parts answered (undefined: not on this fund). */
export interface OptionalReads {
  features: Features;
  pendingClaims?: PendingClaims;
  buckets?: Buckets;
  backstop?: string;
  deferredFees?: { marketId: bigint; amount: bigint }[];
}

/** One point of the fund's history, in whole token units (floats: charts only). */
export interface SeriesPoint {
  block: number;
  time: number;
  balance: number;
  target: number;
  floor: number;
  ratioPct: number | null;
}

/** The fee policy's band, with Spin's two thresholds (percent) for the ratio chart. */
export interface BandView {
  band: number;
  lowerPct?: number;
  upperPct?: number;
  text: string;
}

export interface Alert {
  level: "danger" | "warning" | "info";
  text: string;
}

export interface FeedItem {
  block: number;
  time: number;
  name: string;
  kind: FundEvent["kind"];
  text: string;
  tx: string;
}

/** The page's whole state: sent on connection and on every new block. */
export interface DashboardView {
  connected: boolean;
  /** Why the node could not be read (shown on the page); null while it answers. */
  error: string | null;
  rpc: string;
  updatedAt: number;
  block?: number;
  blockTime?: number;
  fund?: {
    address: string;
    chainId: string;
    token: string;
    cards: { label: string; value: string; note?: string }[];
    band: BandView;
    markets: {
      id: string;
      exchange: string;
      limit: string;
      used: string;
      left: string;
      usedWhole: number;
      leftWhole: number;
      openInterest: string;
      badDebt: string;
      pending: string;
      bucket: string;
      deferredFees: string;
      rewardCap: string;
    }[];
    optional: { pendingClaims: string; buckets: string; backstop: string; deferredFees: string };
    /** The staked backstop's panel; null when the fund has none. */
    backstop: BackstopView | null;
    governance: {
      manager: string;
      now: number;
      members: { role: string; account: string; delay: string }[];
      scheduled: { call: string; target: string; caller: string; executableAt: number; operationId: string }[];
    };
    flows: { label: string; value: string }[];
  };
  alerts: Alert[];
  series: SeriesPoint[];
  feed: FeedItem[];
}

/** The staked backstop's panel: its figures as label and value, and one row per market. */
export interface BackstopView {
  address: string;
  figures: { label: string; value: string }[];
  markets: { id: string; limit: string; paid: string; left: string; pendingFromBackstop: string }[];
}

const NOT_ON_THIS_FUND = "not on this fund";

/** Bucket fill below which the page warns. */
export const LOW_BUCKET_PCT = 20n;

const MONEY_ARGS = new Set([
  "amount",
  "fundPart",
  "treasuryPart",
  "badDebtRepaid",
  "remaining",
  "surplus",
  "unaccounted",
  "marketBadDebt",
  "oldLimit",
  "newLimit",
  "insuranceLimit",
  "rewardCap",
  "floor",
  "marketOpenInterest",
  "totalOpenInterest",
  "paid",
  "pending",
  "pendingLeft",
  // a bankruptcy's cover, spread into its fields by the client
  "reward",
  "fundReward",
  "fundShortfall",
  "backstopReward",
  "backstopShortfall",
  "paidNow",
  "earlierPendingPaid",
  "socialized",
  "badDebt",
]);

export function whole(amount: bigint, decimals: number): number {
  return Number(amount) / 10 ** decimals;
}

/** An event as one line of the feed: its name without the prefix, then each argument, money formatted. */
export function feedItem(event: FundEvent, token: { symbol: string; decimals: number }): FeedItem {
  const name = event.name.replace(/^InsuranceFund/, "");
  const parts = Object.entries(event.args).map(([key, value]) =>
    MONEY_ARGS.has(key) && typeof value === "bigint"
      ? `${key} ${formatUnitsExact(value, token.decimals)} ${token.symbol}`
      : `${key} ${String(value)}`,
  );
  return {
    block: event.blockNumber,
    time: event.timestamp,
    name,
    kind: event.kind,
    text: `${name}: ${parts.join(", ")}`,
    tx: event.transactionHash,
  };
}

/** Totals of the events seen so far: what the fund paid, socialized, earned and sent to the treasury. */
export function flowTotals(events: readonly FundEvent[]): Record<string, bigint> {
  const totals: Record<string, bigint> = {
    "rewards borne": 0n,
    "shortfalls borne": 0n,
    "paid to exchanges": 0n,
    "left pending": 0n,
    socialized: 0n,
    "bad debt recorded": 0n,
    "bad debt repaid": 0n,
    "fee income to the fund": 0n,
    "fees to the treasury": 0n,
    deposits: 0n,
    "swept to the treasury": 0n,
    "flushed to the treasury": 0n,
  };
  const add = (key: string, value: unknown) => {
    if (typeof value === "bigint") totals[key] += value;
  };
  for (const e of events) {
    const a = e.args;
    switch (e.name) {
      case "InsuranceFundBankruptcyCovered":
        // The fund's part of the keeper's reward (the exchange paid the keeper) and of the shortfall.
        add("rewards borne", a.fundReward);
        add("shortfalls borne", a.fundShortfall);
        add("paid to exchanges", a.paidNow);
        add("paid to exchanges", a.earlierPendingPaid);
        add("left pending", a.pending);
        break;
      case "InsuranceFundPendingClaimPaid":
        add("paid to exchanges", a.amount);
        break;
      case "InsuranceFundLossSocialized":
        add("socialized", a.amount);
        break;
      case "InsuranceFundBadDebtRecorded":
        add("bad debt recorded", a.amount);
        break;
      case "InsuranceFundBadDebtRepaid":
        add("bad debt repaid", a.amount);
        break;
      case "InsuranceFundFeeCollected":
      case "InsuranceFundDeferredFeesReceived":
        add("fee income to the fund", a.fundPart);
        add("fees to the treasury", a.treasuryPart);
        break;
      case "InsuranceFundTradeSettled":
        // A deferred fee (InsuranceFundTradeFeeDeferred) is income when it is received
        // (InsuranceFundDeferredFeesReceived), not when it is booked.
        add("fee income to the fund", a.fundPart);
        add("fees to the treasury", a.treasuryPart);
        break;
      case "InsuranceFundDeposited":
        add("deposits", a.amount);
        break;
      case "InsuranceFundSurplusSwept":
        add("swept to the treasury", a.surplus);
        add("swept to the treasury", a.unaccounted);
        break;
      case "InsuranceFundTreasuryFlushed":
        add("flushed to the treasury", a.amount);
        break;
    }
  }
  return totals;
}

/** The alerts: below the floor, a pending claim, a low bucket, a scheduled change; and paused, bad debt. */
export function alerts(status: FundStatus, optional: OptionalReads): Alert[] {
  const { symbol, decimals } = status.token;
  const money = (amount: bigint) => `${formatUnitsExact(amount, decimals)} ${symbol}`;
  const list: Alert[] = [];
  if (status.balance < status.floor) {
    list.push({
      level: "danger",
      text: `The fund is below its floor: ${money(status.balance)} of ${money(status.floor)}`,
    });
  }
  if (status.paused) {
    list.push({
      level: "danger",
      text: "Paused: bankruptcies queue as pending claims; sweeps and claim payments wait",
    });
  }
  if (status.badDebt > 0n) list.push({ level: "warning", text: `Bad debt: ${money(status.badDebt)}` });
  for (const claim of optional.pendingClaims?.byMarket ?? []) {
    if (claim.amount > 0n) {
      list.push({ level: "warning", text: `A claim is pending: market ${claim.marketId}, ${money(claim.amount)}` });
    }
  }
  const buckets = optional.buckets;
  if (buckets) {
    const named = [{ name: "fund-wide", bucket: buckets.fund }].concat(
      buckets.byMarket.map((b) => ({ name: `market ${b.marketId}`, bucket: b.bucket })),
    );
    for (const { name, bucket } of named) {
      if (bucket.capacity > 0n && bucket.available * 100n < bucket.capacity * LOW_BUCKET_PCT) {
        list.push({
          level: "warning",
          text: `The ${name} payout bucket runs low: ${money(bucket.available)} of ${money(bucket.capacity)}`,
        });
      }
    }
  }
  for (const op of status.governance.scheduled) {
    const wait =
      op.executableAt > status.governance.now ? formatCountdown(op.executableAt - status.governance.now) : "0 s";
    list.push({ level: "info", text: `A change is scheduled: ${op.call}, executable in ${wait}` });
  }
  return list;
}

/** The backstop's panel, money in the fund's token and shares in the vault's. */
export function backstopView(backstop: BackstopStatus, money: (amount: bigint) => string): BackstopView {
  const shares = (amount: bigint) => `${formatUnitsExact(amount, backstop.shareDecimals)} ${backstop.symbol}`;
  const t = backstop.terms;
  return {
    address: backstop.address,
    figures: [
      { label: "total assets", value: money(backstop.totalAssets) },
      { label: "total supply", value: shares(backstop.totalSupply) },
      { label: "share price", value: `${money(backstop.sharePrice)} per ${backstop.symbol}` },
      { label: "unvested income", value: `${money(backstop.unvestedIncome)} (over ${formatDuration(t.streamPeriod)})` },
      { label: "locked shares", value: `${shares(backstop.lockedShares)} under redeem request` },
      { label: "exit cap left today", value: money(backstop.exitCapLeft) },
      {
        label: "terms",
        value:
          `cooldown ${formatDuration(t.cooldown)}, window ${formatDuration(t.window)}, ` +
          `exit cap ${formatBps(t.exitCapBps)} a day, minimum ${money(t.minimumAssets)}`,
      },
      { label: "income share", value: `${formatBps(backstop.incomeShareBps)} of the treasury's income` },
    ],
    markets: backstop.byMarket.map((m) => ({
      id: String(m.marketId),
      limit: money(m.limit),
      paid: money(m.paid),
      left: money(m.limit - m.paid),
      pendingFromBackstop: money(m.pendingFromBackstop),
    })),
  };
}

function bandText(status: FundStatus): BandView {
  const p = status.policy;
  if (status.band === 255) return { band: 255, text: "255: the policy failed to answer" };
  if (p.kind === "spin") {
    return {
      band: status.band,
      lowerPct: Number(p.lowerBandBps) / 100,
      upperPct: Number(p.upperBandBps) / 100,
      text: `band ${status.band} of Spin's target bands (${formatBps(p.lowerBandBps)} / ${formatBps(p.upperBandBps)})`,
    };
  }
  if (p.kind === "spark") return { band: status.band, text: `band ${status.band} (Spark: a fixed share)` };
  return { band: status.band, text: `band ${status.band}` };
}

/** The fund part of the view. */
export function fundView(
  status: FundStatus,
  optional: OptionalReads,
  events: readonly FundEvent[],
): NonNullable<DashboardView["fund"]> {
  const { symbol, decimals } = status.token;
  const money = (amount: bigint) => `${formatUnitsExact(amount, decimals)} ${symbol}`;
  const ratio = status.ratioBps === MAX_UINT256 ? "unbounded" : formatBps(status.ratioBps);
  const perMarket = <T>(list: { marketId: bigint }[] | undefined, id: bigint) =>
    list?.find((entry) => entry.marketId === id) as T | undefined;
  const flows = flowTotals(events);
  return {
    address: status.location.address,
    chainId: String(status.chainId),
    token: `${symbol} ${status.token.address}`,
    cards: [
      { label: "Balance", value: money(status.balance) },
      {
        label: "Target",
        value: money(status.target),
        note: `${formatBps(status.targetShareBps)} of avg OI, floor ${money(status.floor)}`,
      },
      { label: "R (ratio)", value: ratio, note: bandText(status).text },
      {
        label: "Open interest",
        value: money(status.totalOpenInterest),
        note: `average ${money(status.averageOpenInterest)}`,
      },
      { label: "Bad debt", value: money(status.badDebt) },
      { label: "Treasury accrued", value: money(status.treasuryAccrued), note: `to ${status.treasury}` },
      { label: "Paused", value: status.paused ? "yes" : "no" },
    ],
    band: bandText(status),
    markets: status.markets.map((m) => {
      const left = m.insuranceLimit - m.insurancePaid;
      const pending = perMarket<{ amount: bigint }>(optional.pendingClaims?.byMarket, m.marketId);
      const bucket = perMarket<{ bucket: { available: bigint; capacity: bigint } }>(
        optional.buckets?.byMarket,
        m.marketId,
      );
      const deferred = perMarket<{ amount: bigint }>(optional.deferredFees, m.marketId);
      return {
        id: String(m.marketId),
        exchange: m.exchange,
        limit: money(m.insuranceLimit),
        used: money(m.insurancePaid),
        left: money(left),
        usedWhole: whole(m.insurancePaid, decimals),
        leftWhole: whole(left, decimals),
        openInterest: money(m.openInterest),
        badDebt: money(m.badDebt),
        pending: pending ? money(pending.amount) : NOT_ON_THIS_FUND,
        bucket: bucket ? formatBucket(bucket.bucket, money) : NOT_ON_THIS_FUND,
        deferredFees: deferred ? money(deferred.amount) : NOT_ON_THIS_FUND,
        rewardCap: m.rewardCap === MAX_UINT128 ? "none" : money(m.rewardCap),
      };
    }),
    optional: {
      pendingClaims: optional.pendingClaims ? `${money(optional.pendingClaims.total)} pending` : NOT_ON_THIS_FUND,
      buckets: optional.buckets ? `fund-wide ${formatBucket(optional.buckets.fund, money)}` : NOT_ON_THIS_FUND,
      backstop: optional.backstop ?? NOT_ON_THIS_FUND,
      deferredFees: optional.deferredFees ? "per market below" : NOT_ON_THIS_FUND,
    },
    backstop: status.backstop === undefined ? null : backstopView(status.backstop, money),
    governance: {
      manager: status.governance.manager,
      now: Number(status.governance.now),
      members: status.governance.members.map((m) => ({
        role: m.role,
        account: m.account,
        delay: m.executionDelay === 0n ? "no delay" : formatCountdown(m.executionDelay),
      })),
      scheduled: status.governance.scheduled.map((op) => ({
        call: op.call,
        target: op.target,
        caller: op.caller,
        executableAt: Number(op.executableAt),
        operationId: op.operationId,
      })),
    },
    flows: Object.entries(flows).map(([label, value]) => ({ label, value: money(value) })),
  };
}

/** A history point from a status. */
export function seriesPoint(
  block: number,
  time: number,
  status: Pick<FundStatus, "balance" | "target" | "floor" | "ratioBps" | "token">,
): SeriesPoint {
  const d = status.token.decimals;
  return {
    block,
    time,
    balance: whole(status.balance, d),
    target: whole(status.target, d),
    floor: whole(status.floor, d),
    ratioPct: status.ratioBps === MAX_UINT256 ? null : Number(status.ratioBps) / 100,
  };
}
