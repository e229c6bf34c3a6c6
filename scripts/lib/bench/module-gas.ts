// The module's part of a transaction through the reference exchange: the gas used inside the fund by the
// exchange's calls to it, read from the transaction's trace.

import type { CallGas } from "../chain.js";

/** The gas of the exchange's calls to the fund inside a transaction, by function, and the fee's transfer. */
export function moduleGas(root: CallGas, exchange: string, fund: string) {
  const byFunction: Record<string, number> = {};
  let total = 0;
  let feeTransfer = 0;
  const walk = (c: CallGas) => {
    if (c.from === exchange && c.to === fund) {
      byFunction[c.fn] = (byFunction[c.fn] ?? 0) + c.gas;
      total += c.gas;
      for (const inner of c.inner) if (inner.fn === "transferFrom") feeTransfer += inner.gas;
      return;
    }
    c.inner.forEach(walk);
  };
  walk(root);
  return { total, byFunction, feeTransfer };
}

export const WITH_AND_WITHOUT = ["gas", "module (inside the fund)", "module share", "without the module"];

/** A row's start: the label, the transaction's gas, the module's part of it, its share, and the rest. */
export function withAndWithout(txGas: number, moduleTotal: number, label: string): (string | number)[] {
  return [label, txGas, moduleTotal, `${((moduleTotal / txGas) * 100).toFixed(1)} %`, txGas - moduleTotal];
}
