// `npx hardhat node` and `npx hardhat run` as child processes, for tests that go over HTTP. Every wait is bounded,
// and the node is always stopped (SIGTERM, then SIGKILL).
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as wait } from "node:timers/promises";

/** A timer that does not keep the process alive once everything else is done (the loser of every race). */
const sleep = (ms: number) => wait(ms, undefined, { ref: false });

const require = createRequire(import.meta.url);
/** Hardhat's CLI, run through the node binary running the tests (Node 22, whatever `node` is on the PATH). */
export const HARDHAT_CLI = path.join(
  path.dirname(require.resolve("hardhat/package.json")),
  (require("hardhat/package.json") as { bin: { hardhat: string } }).bin.hardhat,
);

const OUTPUT_LIMIT = 64 * 1024;

/** A loopback port that was free a moment ago. */
export async function freeLoopbackPort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Keeps the last OUTPUT_LIMIT characters a stream wrote. */
function tail(stream: NodeJS.ReadableStream | null): () => string {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    text = (text + chunk).slice(-OUTPUT_LIMIT);
  });
  return () => text;
}

async function answersJsonRpc(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json()) as { result?: string };
    return typeof body.result === "string";
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const stopped = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!stopped) {
    child.kill("SIGKILL");
    await Promise.race([exited, sleep(graceMs)]);
  }
}

export interface HardhatNode {
  url: string;
  /** What the node printed so far (last 64 KiB). */
  output(): string;
  /** Stops the node; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts `hardhat node` on a free loopback port and waits until it answers JSON-RPC. */
export async function startHardhatNode(options: { cwd: string; startTimeoutMs: number }): Promise<HardhatNode> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: options.cwd,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  const output = () => stdout() + stderr();
  let spawnError: Error | undefined;
  child.on("error", (error) => (spawnError = error));
  // Should the test process end without `stop` (a crash, Ctrl-C), the node must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const node: HardhatNode = {
    url,
    output,
    stop: async () => {
      await stopProcess(child, 5_000);
      process.removeListener("exit", killOnExit);
    },
  };

  const deadline = Date.now() + options.startTimeoutMs;
  try {
    for (;;) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`hardhat node exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
      }
      if (await answersJsonRpc(url)) return node;
      if (Date.now() > deadline) {
        throw new Error(`hardhat node did not answer at ${url} within ${options.startTimeoutMs} ms:\n${output()}`);
      }
      await sleep(250);
    }
  } catch (error) {
    await node.stop();
    throw error;
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the Hardhat CLI with `args` and waits for it to exit (killed after `timeoutMs`). */
export async function runHardhat(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  const timedOut = sleep(options.timeoutMs).then(() => "timeout" as const);
  try {
    const result = await Promise.race([exited, timedOut]);
    if (result === "timeout") {
      throw new Error(
        `hardhat ${args.join(" ")} did not finish within ${options.timeoutMs} ms:\n${stdout()}${stderr()}`,
      );
    }
    return { code: result, stdout: stdout(), stderr: stderr() };
  } finally {
    await stopProcess(child, 5_000);
  }
}

export interface HardhatProcess {
  /** What it printed so far (last 64 KiB). */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL); safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a long-running Hardhat CLI command (`hardhat dashboard ...`) and waits until its output matches
 * `ready`; the match is returned with the process.
 */
export async function startHardhatProcess(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs: number },
): Promise<{ process: HardhatProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  const output = () => stdout() + stderr();
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const handle: HardhatProcess = {
    output,
    stop: async () => {
      await stopProcess(child, 5_000);
      process.removeListener("exit", killOnExit);
    },
  };
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const match = output().match(options.ready);
      if (match !== null) return { process: handle, match };
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`hardhat ${args.join(" ")} exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`hardhat ${args.join(" ")} was not ready within ${options.timeoutMs} ms:\n${output()}`);
      }
      await sleep(100);
    }
  } catch (error) {
    await handle.stop();
    throw error;
  }
}
