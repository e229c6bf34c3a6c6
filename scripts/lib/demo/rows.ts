// What the demo reads: one row per simulated day, and the result it hands to the table and the report.
import type { BackstopStory } from "./backstop.js";
import type { Style } from "./cast.js";
import type { Act, DemoConfig, Schedule } from "./config.js";
import type { Allocation } from "./payouts.js";

/** One row per simulated day: the state at the end of the day, and what happened during it. Money in quote units. */
export interface DemoRow {
  day: number;
  act: Act;
  /** The block timestamp the row was read at. */
  timestamp: bigint;
  /** The oracle price at the end of the day, 18-decimal. */
  priceWad: bigint;
  /** On a crash day, the price just before and just after the gap (zero on other days). */
  gapFromWad: bigint;
  gapToWad: bigint;
  /** The platform's open interest as the fund last heard it. */
  openInterest: bigint;
  /** The fund's 7-day time-weighted average open interest. */
  averageOpenInterest: bigint;
  fundBalance: bigint;
  target: bigint;
  /** balance / max(average OI, floor / target share), in bps (`health().ratioBps`). */
  ratioBps: bigint;
  /** The fee policy's band (Spin: 0 below 2 %, 1 from 2 % to 5 %, 2 from 5 %; Spark: always 0). */
  band: number;
  /** Plain deposits into the fund today (the floor's seed on day 0). */
  deposited: bigint;
  /** The fund's income today: its part of fees and penalties (after bad debt was repaid from the whole fee). */
  income: bigint;
  /** Borne by the fund today: its part of bankrupt accounts' capped rewards and shortfalls, charged to the limit
   * and gone from its balance, whether paid to the exchange now or pending. */
  paidOut: bigint;
  fundRewards: bigint;
  fundShortfalls: bigint;
  /** Transferred by the fund to the exchange today (this day's payouts and earlier pending claims). */
  paidToExchange: bigint;
  /** Keepers' rewards the exchange paid today: out of liquidated accounts' penalties, and for bankrupt accounts
   * the whole capped reward from its own tokens; `bankruptKeeperRewards` is that second part. */
  keeperRewards: bigint;
  bankruptKeeperRewards: bigint;
  /** The market's pending claim at the end of the day (allocated, not paid yet), and what it grew by today. */
  pending: bigint;
  pendingAdded: bigint;
  /** The market's and the fund-wide payout buckets at the end of the day. */
  marketBucket: BucketLevel;
  fundBucket: BucketLevel;
  /** Bankruptcy losses spread over the market's open positions today. */
  socialized: bigint;
  /** Bankruptcy losses recorded as bad debt today (no open positions to share them). */
  badDebt: bigint;
  /** Surplus swept to the treasury today. */
  swept: bigint;
  /** Everything the treasury has received so far, flushed or still accrued in the fund. */
  treasury: bigint;
  /** What the fund has paid for the market so far, and the market's limit. */
  insurancePaid: bigint;
  insuranceLimit: bigint;
  trades: number;
  /** Traded notional today. */
  volume: bigint;
  tradingFees: bigint;
  liquidations: number;
  bankruptcies: number;
  /** Positions that paid their share of socialized losses today, and how much. */
  settlements: number;
  settled: bigint;
  /** Orders the exchange refused (margin). */
  rejected: number;
  /** Everything minted so far: the fund's seed and every trader deposit. */
  minted: bigint;
  /** Token conservation and the exchange's solvency identity held when the row was read. */
  conserved: boolean;
  /** The staked backstop at the end of the day (`--backstop` only). */
  backstop?: BackstopLevel;
}

/** The backstop vault at the end of a day, and what the day brought it and took from it. */
export interface BackstopLevel {
  totalAssets: bigint;
  totalSupply: bigint;
  /** What one whole share is worth, in quote units. */
  sharePrice: bigint;
  unvestedIncome: bigint;
  lockedShares: bigint;
  /** Its share of the treasury's income paid today (streamed from then on). */
  income: bigint;
  /** Its part B of the day's bankruptcies (rewards and shortfalls). */
  covered: bigint;
}

/** What the demo hands back: the rows and who played. */
export interface DemoResult {
  config: DemoConfig;
  schedule: Schedule;
  rows: DemoRow[];
  addresses: DemoAddresses;
  exchangeParams: {
    tradingFeeBps: bigint;
    liquidationPenaltyBps: bigint;
    liquidatorShareBps: bigint;
    initialMarginBps: bigint;
    liquidationRatioWad: bigint;
  };
  floor: bigint;
  targetShareBps: bigint;
  traders: { name: string; style: Style; address: string }[];
  /** The stakers and the leaver (`--backstop` only). */
  backstop?: BackstopStory;
  /** With a payout limit, the allocation of the same run without it, when it was played for comparison. */
  withoutPayoutLimit?: Allocation;
}

/** A payout bucket's level: what may be paid now, of its capacity (`capacity` 2^128 - 1: no limit). */
export interface BucketLevel {
  available: bigint;
  capacity: bigint;
}

/** Called with each day's row as soon as it is read (and awaited): the task prints a progress line. */
export type Progress = (row: DemoRow, schedule: Schedule, addresses: DemoAddresses) => void | Promise<void>;

/** The deployment's addresses. */
export interface DemoAddresses {
  fund: string;
  exchange: string;
  token: string;
  policy: string;
  treasury: string;
}
