// What each remaining piece of a trade's settleTrade costs, by opcode class from the trace, next to the itemised
// floor of one call with exact semantics and a token pull on every trade.

import type { CallGas, OpcodeGas } from "../chain.js";
import type { BenchResults } from "./results.js";

/** A piece of the frame: which opcodes it is, and what the floor allows for it. */
interface Piece {
  label: string;
  ops: (op: string) => boolean;
  floor: string;
}

const isLog = (op: string) => /^LOG[0-4]$/.test(op);
const isCall = (op: string) => op === "CALL" || op === "STATICCALL" || op === "DELEGATECALL" || op === "CALLCODE";
const isTransient = (op: string) => op === "TLOAD" || op === "TSTORE";

const PIECES: Piece[] = [
  {
    label: "SLOAD, cold",
    ops: (op) => op === "SLOAD cold",
    floor: "8,400 (four: market, loss index, balance, window head)",
  },
  { label: "SLOAD, warm", ops: (op) => op === "SLOAD warm", floor: "-" },
  { label: "SSTORE", ops: (op) => op === "SSTORE", floor: "8,700 (three)" },
  { label: "LOG", ops: isLog, floor: "1,300-2,400 (one event)" },
  { label: "TLOAD/TSTORE (the reentrancy guard)", ops: isTransient, floor: "-" },
];

const sum = (entries: [string, OpcodeGas][]) =>
  entries.reduce((a, [, e]) => ({ gas: a.gas + e.gas, count: a.count + e.count }), { gas: 0, count: 0 });

/** The first frame of `fn` inside `root` (depth first). */
export function findCall(root: CallGas, fn: string): CallGas | undefined {
  if (root.fn === fn) return root;
  for (const inner of root.inner) {
    const found = findCall(inner, fn);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The table, from the increase trade's trace (FixedSharePolicy, the fee pulled); no keys (the total is the trade's). */
export function benchFloor(results: BenchResults, trade: CallGas): void {
  const frame = findCall(trade, "settleTrade");
  if (frame === undefined) throw new Error("no settleTrade in the trade");
  const entries = Object.entries(frame.opcodes);
  const rows: (string | number)[][] = [];
  const counted = new Set<string>();
  const row = (label: string, gas: number, count: number, floor: string) => rows.push([label, gas, count, floor]);

  // The token: the CALL opcodes' own cost and what the token's code used inside.
  const callOps = entries.filter(([op]) => isCall(op));
  callOps.forEach(([op]) => counted.add(op));
  const tokenCalls = frame.inner;
  const callOpGas = sum(callOps).gas;
  const innerGas = tokenCalls.reduce((a, c) => a + c.gas, 0);
  row(
    `the token: CALL ${callOpGas.toLocaleString("en-US")} + ${tokenCalls.map((c) => c.fn).join(", ")} inside ` +
      innerGas.toLocaleString("en-US"),
    callOpGas + innerGas,
    tokenCalls.length,
    "17,752 (cold access and transfer)",
  );
  PIECES.forEach((piece) => {
    const mine = entries.filter(([op]) => piece.ops(op));
    mine.forEach(([op]) => counted.add(op));
    const { gas, count } = sum(mine);
    row(piece.label, gas, count, piece.floor);
  });
  const rest = sum(entries.filter(([op]) => !counted.has(op)));
  row("everything else (dispatch, calldata, memory, arithmetic)", rest.gas, rest.count, "about 1,000");
  const total = sum(entries).gas + innerGas;
  if (total !== frame.gas) throw new Error(`settleTrade's pieces add up to ${total}, its frame used ${frame.gas}`);
  rows.push(["settleTrade (the frame)", frame.gas, "", "about 37,000-38,000"]);

  results.table(
    "What each remaining piece costs against the itemised floor",
    "One traced trade (the increase above: FixedSharePolicy, the fee pulled), the settleTrade frame's gas by " +
      "opcode class from the debug trace: each step's cost as charged (an SSTORE's before the refund at the end of " +
      "the transaction; a CALL's own cost apart from what the callee used). The floor is the issue's itemised " +
      "one for one call with exact semantics and a token pull on every trade; '-' is not in it.",
    ["piece", "gas", "opcodes", "floor"],
    rows,
  );
}
