// The dashboard's server: node:http on 127.0.0.1, the page from dashboard/public/, Vega and Vega-Lite from
// node_modules (no network needed), the state as JSON (`/api/state`) and as server-sent events (`/api/stream`)
// pushed on every new block. It reads the fund only through the client, polling the node for new blocks; when
// the node does not answer, the page says so and the server keeps trying.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { Provider } from "ethers";

import { type FundEvent, type FundLocation, firstLine, InsuranceFundClient } from "../client/index.js";
import {
  alerts,
  type DashboardView,
  feedItem,
  fundView,
  type OptionalReads,
  type SeriesPoint,
  seriesPoint,
} from "./view.js";

export interface DashboardOptions {
  provider: Provider;
  /** The fund, or how to find it once the node answers (e.g. from the chain's Ignition deployment). */
  fund: FundLocation | (() => Promise<FundLocation>);
  /** 0: any free port. */
  port: number;
  /** The node's address as the page shows it. */
  rpc: string;
  /** First block of the fund's history (default 0). */
  fromBlock?: number;
  /** How often to ask the node for a new block (default 1,000 ms). */
  pollMs?: number;
  /** Past blocks read back for the balance chart at start (default 120). */
  backfillPoints?: number;
}

export interface Dashboard {
  url: string;
  /** The state the page shows now. */
  view(): DashboardView;
  close(): Promise<void>;
}

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "public");
const require = createRequire(import.meta.url);
/**
 * The browser builds of the chart libraries the project already uses for its reports. Neither package exports
 * them: they are found beside the schema each one does export.
 */
const buildDir = (schema: string) => path.dirname(require.resolve(schema));
const VENDOR: Record<string, string> = {
  "vega.min.js": path.join(buildDir("vega/vega-schema.json"), "vega.min.js"),
  "vega-lite.min.js": path.join(buildDir("vega-lite/vega-lite-schema.json"), "vega-lite.min.js"),
};
const STATIC: Record<string, string> = {
  "/": "index.html",
  "/index.html": "index.html",
  "/app.js": "app.js",
  "/style.css": "style.css",
};
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
const FEED_LENGTH = 200;
const SERIES_LENGTH = 2_000;
const RPC_TIMEOUT_MS = 10_000;

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the server and its polling; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { provider } = options;
  const fromBlock = options.fromBlock ?? 0;
  const clients = new Set<ServerResponse>();
  let client: InsuranceFundClient | undefined;
  let lastBlock = -1;
  let nextHistoryBlock = fromBlock;
  const events: FundEvent[] = [];
  let series: SeriesPoint[] = [];
  let view: DashboardView = {
    connected: false,
    error: null,
    rpc: options.rpc,
    updatedAt: Date.now(),
    alerts: [],
    series: [],
    feed: [],
  };

  const broadcast = () => {
    const message = `event: state\ndata: ${toJson(view)}\n\n`;
    for (const response of clients) response.write(message);
  };

  /** The balance against its target at past blocks that had fund events (needs a node that keeps old state). */
  async function backfill(c: InsuranceFundClient, upTo: number): Promise<void> {
    const blocks = [...new Set(events.map((e) => e.blockNumber))].filter((b) => b < upTo);
    const wanted = blocks.slice(-(options.backfillPoints ?? 120));
    const floor = (await c.parameters()).floor;
    const points = await Promise.all(
      wanted.map(async (block) => {
        try {
          const health = await c.health(block);
          const time = events.find((e) => e.blockNumber === block)?.timestamp ?? 0;
          // The floor now: a past floor would need another read per block, and it rarely changes.
          return seriesPoint(block, time, { ...health, floor, token: c.token });
        } catch {
          return undefined;
        }
      }),
    );
    series = points.filter((p): p is SeriesPoint => p !== undefined);
  }

  async function refresh(): Promise<void> {
    const block = await withTimeout(provider.getBlockNumber(), RPC_TIMEOUT_MS, "eth_blockNumber");
    if (block === lastBlock && view.connected) return;
    const first = client === undefined;
    if (client === undefined) {
      const location = typeof options.fund === "function" ? await options.fund() : options.fund;
      client = await withTimeout(InsuranceFundClient.connect(provider, location), RPC_TIMEOUT_MS, "connect");
    }
    const c = client;
    for await (const page of c.historyPages({ fromBlock: nextHistoryBlock, toBlock: block })) {
      events.push(...page.events);
      nextHistoryBlock = page.nextFromBlock;
    }
    if (events.length > 10 * FEED_LENGTH) events.splice(0, events.length - 10 * FEED_LENGTH);
    if (first) await backfill(c, block);
    const status = await withTimeout(c.status({ fromBlock }), RPC_TIMEOUT_MS, "status");
    const ids = status.markets.map((m) => m.marketId);
    const features = await c.features();
    const optional: OptionalReads = {
      features,
      pendingClaims: await c.pendingClaims(ids),
      buckets: await c.buckets(ids),
      backstop: await c.backstop(),
      deferredFees: await c.deferredFees(ids),
    };
    const blockTime = Number(status.governance.now);
    if (series.at(-1)?.block !== block) series.push(seriesPoint(block, blockTime, status));
    if (series.length > SERIES_LENGTH) series = series.slice(-SERIES_LENGTH);
    lastBlock = block;
    view = {
      connected: true,
      error: null,
      rpc: options.rpc,
      updatedAt: Date.now(),
      block,
      blockTime,
      fund: fundView(status, optional, events),
      alerts: alerts(status, optional),
      series,
      feed: events
        .slice(-FEED_LENGTH)
        .reverse()
        .map((e) => feedItem(e, c.token)),
    };
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const before = view.block;
      const wasConnected = view.connected;
      await refresh();
      if (view.block !== before || !wasConnected) broadcast();
    } catch (error) {
      const message = `cannot read the fund from the node at ${options.rpc}: ${firstLine(error)}`;
      if (view.error !== message || view.connected) {
        view = { ...view, connected: false, error: message, updatedAt: Date.now() };
        broadcast();
      }
    }
    if (!stopped) timer = setTimeout(poll, options.pollMs ?? 1_000);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      response.writeHead(500, { "content-type": "text/plain" });
      response.end(firstLine(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/api/state") {
      response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(toJson(view));
      return;
    }
    if (url.pathname === "/api/stream") {
      response.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      response.write(`retry: 2000\nevent: state\ndata: ${toJson(view)}\n\n`);
      clients.add(response);
      request.on("close", () => clients.delete(response));
      return;
    }
    const vendor = url.pathname.startsWith("/vendor/") ? VENDOR[url.pathname.slice("/vendor/".length)] : undefined;
    const file = vendor ?? (STATIC[url.pathname] ? path.join(PUBLIC_DIR, STATIC[url.pathname]) : undefined);
    if (file === undefined) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    response.end(await readFile(file));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Loopback only: the page shows a fund's operations to whoever can reach it.
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  void poll();

  return {
    url: `http://127.0.0.1:${port}/`,
    view: () => view,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      for (const response of clients) response.end();
      clients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
