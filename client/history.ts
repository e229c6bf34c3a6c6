// The fund's events (the waterfall's steps, income, sweeps, flushes, governance changes) read back from the
// chain, paged by block range so that a node's limit on `eth_getLogs` is never exceeded.
import type { Interface, Log, Provider } from "ethers";

/** What an event means for the waterfall; the dashboard colours and filters by it. */
export type FundEventKind =
  | "payout" // a bankruptcy's cover: what the fund bears and paid its exchange now
  | "socialized" // the uncovered rest spread over a market's positions
  | "badDebt" // recorded or repaid
  | "income" // fees and deposits
  | "treasury" // sweeps, flushes and recoveries to the treasury
  | "pending" // pending claims: paid later, or rejected
  | "governance" // settings, markets, pause
  | "other";

/** One event of the fund, decoded. Amounts stay bigint; `args` keeps every named argument. */
export interface FundEvent {
  blockNumber: number;
  /** The block's timestamp (seconds). */
  timestamp: number;
  transactionHash: string;
  logIndex: number;
  name: string;
  kind: FundEventKind;
  args: Record<string, bigint | string | boolean>;
}

/** One page of history: the events of blocks `fromBlock`..`toBlock`, and where the next page starts. */
export interface HistoryPage {
  fromBlock: number;
  toBlock: number;
  events: FundEvent[];
  nextFromBlock: number;
}

const KINDS: Record<string, FundEventKind> = {
  InsuranceFundBankruptcyCovered: "payout",
  InsuranceFundLossSocialized: "socialized",
  InsuranceFundBadDebtRecorded: "badDebt",
  InsuranceFundBadDebtRepaid: "badDebt",
  InsuranceFundFeeCollected: "income",
  InsuranceFundTradeSettled: "income",
  InsuranceFundDeferredFeesReceived: "income",
  InsuranceFundDeposited: "income",
  InsuranceFundSurplusSwept: "treasury",
  InsuranceFundTreasuryFlushed: "treasury",
  InsuranceFundTokenRecovered: "treasury",
};

/** The kind of an event by its name; any event of a later version that speaks of a pending claim is "pending". */
export function eventKind(name: string): FundEventKind {
  if (name in KINDS) return KINDS[name];
  if (/Pending/.test(name)) return "pending";
  if (/Set|Raised|Registered|Paused|Unpaused|Retired|Moved|WrittenOff|Rejected|Cap/.test(name)) return "governance";
  return "other";
}

/** The largest block range one `eth_getLogs` asks for. */
export const DEFAULT_PAGE_BLOCKS = 5_000;

const plain = (value: unknown): bigint | string | boolean =>
  typeof value === "bigint" || typeof value === "boolean" ? value : String(value);

/**
 * Decodes the logs of the fund; a log the ABI does not know is kept as "unknown" with its topic. A struct argument
 * (a bankruptcy's `cover`) is spread into its fields, each under its own name (`reward`, `paidNow`, `pending`, ...),
 * or as `cover.field` if the event has an argument of that name already.
 */
export function decodeLogs(iface: Interface, logs: readonly Log[], timestamps: Map<number, number>): FundEvent[] {
  return logs.map((log) => {
    const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    const args: FundEvent["args"] = {};
    if (parsed !== null) {
      const inputs = parsed.fragment.inputs;
      const names = new Set(inputs.map((input) => input.name));
      inputs.forEach((input, i) => {
        const value = parsed.args[i];
        const name = input.name || String(i);
        if (input.components === null) {
          args[name] = plain(value);
          return;
        }
        input.components.forEach((component, j) => {
          const key = names.has(component.name) ? `${name}.${component.name}` : component.name;
          args[key] = plain((value as unknown[])[j]);
        });
      });
    } else {
      args.topic = log.topics[0] ?? "";
    }
    const name = parsed?.name ?? "unknown";
    return {
      blockNumber: log.blockNumber,
      timestamp: timestamps.get(log.blockNumber) ?? 0,
      transactionHash: log.transactionHash,
      logIndex: log.index,
      name,
      kind: eventKind(name),
      args,
    };
  });
}

/** The fund's events in `fromBlock`..`toBlock` (at most `pageBlocks` blocks: the rest is the next page). */
export async function readHistoryPage(
  provider: Provider,
  address: string,
  iface: Interface,
  range: { fromBlock: number; toBlock?: number; pageBlocks?: number },
): Promise<HistoryPage> {
  const latest = range.toBlock ?? (await provider.getBlockNumber());
  const toBlock = Math.min(latest, range.fromBlock + (range.pageBlocks ?? DEFAULT_PAGE_BLOCKS) - 1);
  if (toBlock < range.fromBlock)
    return { fromBlock: range.fromBlock, toBlock, events: [], nextFromBlock: range.fromBlock };
  const logs = await provider.getLogs({ address, fromBlock: range.fromBlock, toBlock });
  const timestamps = new Map<number, number>();
  await Promise.all(
    [...new Set(logs.map((log) => log.blockNumber))].map(async (number) => {
      timestamps.set(number, (await provider.getBlock(number))?.timestamp ?? 0);
    }),
  );
  return {
    fromBlock: range.fromBlock,
    toBlock,
    events: decodeLogs(iface, logs, timestamps),
    nextFromBlock: toBlock + 1,
  };
}
