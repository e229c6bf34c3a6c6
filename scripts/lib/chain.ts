// Plumbing for gas measurements on the in-process chain: a fresh chain per measurement under a pinned
// hardfork, a clock that makes every block's timestamp deterministic, and the gas of the calls inside a
// transaction (from its struct-log trace).

import type { Interface } from "ethers";
import { network } from "hardhat";

export type Connection = Awaited<ReturnType<typeof network.create>>;
export type Ethers = Connection["ethers"];

/**
 * The hardfork gas is measured under: the one the contracts are compiled for (`evmVersion` in
 * hardhat.config.ts), pinned so that the figures do not move when Hardhat changes its default.
 */
export const BENCH_HARDFORK = "cancun";

/** 2100-01-01T00:00:00Z: a fixed start, a whole number of days (and so of any window bucket) since 1970. */
export const T0 = 4_102_444_800;

/** Requests that run in a block (or a pending one) whose timestamp the clock sets. */
const TIMED_METHODS = new Set(["eth_sendTransaction", "eth_sendRawTransaction", "eth_estimateGas"]);

/**
 * Gas depends on time (the open-interest window writes the bucket of `block.timestamp`), and the chain's own
 * clock follows the wall clock. Once started, the clock sets the timestamp of every transaction's block and
 * of every gas estimate: the time only moves when a measurement moves it.
 */
export class Clock {
  #now: number | undefined;

  /** The time the next transactions run at (undefined until started: the wall clock's). */
  get now(): number | undefined {
    return this.#now;
  }

  /** From now on, transactions run at `timestamp` (not before the last block's). */
  at(timestamp: number): void {
    this.#now = timestamp;
  }

  advance(seconds: number): void {
    if (this.#now === undefined) throw new Error("the clock has not started");
    this.#now += seconds;
  }
}

/**
 * A fresh in-process chain for one measurement, with its clock. Blocks may share a timestamp, so that
 * thousands of set-up transactions can happen "at the same time" and leave the open-interest window in the
 * same state whatever their number.
 */
export async function createChain(): Promise<Connection & { clock: Clock }> {
  const connection = await network.create({
    override: { hardfork: BENCH_HARDFORK, allowBlocksWithSameTimestamp: true },
  });
  const clock = new Clock();
  // Every request of ethers and of the fixtures goes through this provider object.
  const provider = connection.provider;
  const request = provider.request.bind(provider);
  provider.request = async (args) => {
    if (clock.now !== undefined && TIMED_METHODS.has(args.method)) {
      await request({ method: "evm_setNextBlockTimestamp", params: [clock.now] });
    }
    return request(args);
  };
  return { ...connection, clock };
}

/** gasUsed of a mined transaction. */
export async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

/** The intrinsic gas of a transaction before EIP-7623 (cancun): 21,000 plus 4 per zero and 16 per other calldata byte. */
export function intrinsicGas(data: string): number {
  let gas = 21_000;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

// ================================================================ calls inside a transaction

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
  memory?: string[];
}

/** Gas and count of one opcode (or opcode class) inside a frame. */
export interface OpcodeGas {
  gas: number;
  count: number;
}

/** One call of a transaction: who called whom, which function, and the gas spent inside the callee. */
export interface CallGas {
  from: string;
  to: string;
  fn: string;
  gas: number;
  inner: CallGas[];
  /** The caller's CALL opcode's own cost (access, memory, value), beside the `gas` used inside (0 for the root). */
  callCost: number;
  /**
   * The frame's own gas by opcode: each step's cost, a CALL's being the opcode's own cost (access, memory, value)
   * without what the callee used (that is the inner call's `gas`). SLOAD is split into `SLOAD cold` (2,100) and
   * `SLOAD warm`. The opcodes' gas plus the inner calls' gas is the frame's `gas` (not for the root, whose `gas` is
   * the receipt's and includes the intrinsic gas).
   */
  opcodes: Record<string, OpcodeGas>;
}

const CALL_OPS = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]);
/** EIP-2929: an SLOAD of a slot not yet touched in the transaction. */
const COLD_SLOAD = 2_100;

/**
 * The calls a transaction made, as a tree, with the gas used inside each callee: the gas it was given minus
 * the gas it handed back, its own nested calls included (the caller's CALL opcode itself, 100 gas warm or
 * 2,600 cold plus memory, is not). Read from the default struct-log trace (EIP-3155 style), which every EDR
 * version serves, with the stack (call targets) and memory (the selectors).
 */
export async function callsOf(ethers: Ethers, txHash: string, interfaces: Record<string, Interface>): Promise<CallGas> {
  const trace: { structLogs: StructLog[] } = await ethers.provider.send("debug_traceTransaction", [
    txHash,
    // `enableMemory` for geth-style EDR, `disableMemory: false` for older ones where memory was opt-out.
    { disableStorage: true, disableStack: false, enableMemory: true, disableMemory: false },
  ]);
  const tx = await ethers.provider.getTransaction(txHash);
  if (tx === null || tx.to === null) throw new Error(`no call transaction ${txHash}`);
  const lower = Object.fromEntries(Object.entries(interfaces).map(([a, i]) => [a.toLowerCase(), i]));
  const nameOf = (to: string, selector: string) => lower[to]?.getFunction(selector)?.name ?? selector;

  const receipt = await ethers.provider.getTransactionReceipt(txHash);
  const root: CallGas = {
    from: tx.from.toLowerCase(),
    to: tx.to.toLowerCase(),
    fn: nameOf(tx.to.toLowerCase(), tx.data.slice(0, 10)),
    gas: Number(receipt?.gasUsed ?? 0n),
    inner: [],
    callCost: 0,
    opcodes: {},
  };
  /** A frame, and the call opcode it is inside of (its cost is known when the callee returns). */
  interface Frame {
    call: CallGas;
    depth: number;
    gasStart: number;
    calling?: { op: string; gasBefore: number; callee: CallGas };
  }
  const open: Frame[] = [{ call: root, depth: 1, gasStart: 0 }];
  const addOp = (call: CallGas, op: string, gas: number) => {
    const key = op === "SLOAD" ? (gas >= COLD_SLOAD ? "SLOAD cold" : "SLOAD warm") : op;
    const entry = (call.opcodes[key] ??= { gas: 0, count: 0 });
    entry.gas += gas;
    entry.count++;
  };
  const logs = trace.structLogs;
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i];
    const next = logs[i + 1];
    const frame = open[open.length - 1];
    if (frame.calling !== undefined) {
      // Back from the callee: the opcode's own cost is the gas it took less what the callee used.
      const { op, gasBefore, callee } = frame.calling;
      callee.callCost = gasBefore - step.gas - callee.gas;
      addOp(frame.call, op, callee.callCost);
      frame.calling = undefined;
    }
    if (CALL_OPS.has(step.op) && next !== undefined && next.depth === step.depth + 1) {
      const stack = step.stack ?? [];
      const word = (k: number) => BigInt(`0x${stack[stack.length - 1 - k].replace(/^0x/, "")}`);
      const to = `0x${word(1).toString(16).padStart(40, "0")}`;
      const argsOffset = Number(word(step.op === "CALL" || step.op === "CALLCODE" ? 3 : 2));
      const memory = (step.memory ?? []).map((w) => w.replace(/^0x/, "").padStart(64, "0")).join("");
      const selector = `0x${memory.slice(argsOffset * 2, argsOffset * 2 + 8)}`;
      const call: CallGas = {
        from: frame.call.to,
        to,
        fn: nameOf(to, selector),
        gas: 0,
        inner: [],
        callCost: 0,
        opcodes: {},
      };
      frame.call.inner.push(call);
      frame.calling = { op: step.op, gasBefore: step.gas, callee: call };
      open.push({ call, depth: next.depth, gasStart: next.gas });
    } else {
      // Within the frame, a step costs the gas it took; the frame's last step, its own cost.
      addOp(frame.call, step.op, next !== undefined && next.depth === step.depth ? step.gas - next.gas : step.gasCost);
    }
    // The last step of a callee: what it hands back is its gas after this step's cost.
    if (open.length > 1 && step.depth === frame.depth && (next === undefined || next.depth < step.depth)) {
      frame.call.gas = frame.gasStart - (step.gas - step.gasCost);
      open.pop();
    }
  }
  return root;
}
