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
  const args = ["node", "--hostname", "127.0.0.1", "--port", String(port)];
  const launched = launchHardhat(args, { cwd: options.cwd, env: process.env });
  await waitUntilReady(launched, `hardhat node at ${url}`, options.startTimeoutMs, 250, async () =>
    (await answersJsonRpc(url)) ? true : undefined,
  );
  return { url, output: launched.output, stop: launched.stop };
}

export interface HardhatProcess {
  /** What it printed so far (last 64 KiB). */
  output(): string;
  /** Stops it (SIGTERM, then SIGKILL); safe to call twice. */
  stop(): Promise<void>;
}

/** A Hardhat CLI child process that is killed with the test process should the test never stop it. */
function launchHardhat(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): HardhatProcess & { child: ChildProcess; spawnError(): Error | undefined } {
  const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  let spawnError: Error | undefined;
  child.on("error", (error) => (spawnError = error));
  // Should the test process end without `stop` (a crash, Ctrl-C), the child must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return {
    child,
    spawnError: () => spawnError,
    output: () => stdout() + stderr(),
    stop: async () => {
      await stopProcess(child, 5_000);
      process.removeListener("exit", killOnExit);
    },
  };
}

/** Polls `ready` until it gives a value; stops the child and throws if it exits or the time runs out. */
async function waitUntilReady<T>(
  launched: ReturnType<typeof launchHardhat>,
  what: string,
  timeoutMs: number,
  pollMs: number,
  ready: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const { child, output } = launched;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const spawnError = launched.spawnError();
      if (spawnError) throw spawnError;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
      }
      const value = await ready();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${output()}`);
      await sleep(pollMs);
    }
  } catch (error) {
    await launched.stop();
    throw error;
  }
}

/**
 * Starts a long-running Hardhat CLI command (`hardhat dashboard ...`) and waits until its output matches
 * `ready`; the match is returned with the process.
 */
export async function startHardhatProcess(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs: number },
): Promise<{ process: HardhatProcess; match: RegExpMatchArray }> {
  const launched = launchHardhat(args, options);
  const match = await waitUntilReady(
    launched,
    `hardhat ${args.join(" ")}`,
    options.timeoutMs,
    100,
    () => launched.output().match(options.ready) ?? undefined,
  );
  return { process: { output: launched.output, stop: launched.stop }, match };
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
