// The demo's checks at the end of every day: no token created or lost, the exchange solvent, and the fund's balance
// moved by exactly what its events say. Each throws a plain error naming the day and the numbers: the demo stops
// there, loudly.
import { checkConserved, checkExchangeSolvent } from "../../../lib/conservation.js";
import type { InsuranceFund, MockUSDC, ReferenceExchange } from "../../../typechain-types/index.js";
import type { DayLedger } from "./ledger.js";

/** Every token minted is held by `holders`, and the exchange's solvency identity holds over `traders`. */
export async function checkTokens(
  c: { usdc: MockUSDC; fund: InsuranceFund; exchange: ReferenceExchange },
  holders: readonly string[],
  minted: bigint,
  traders: readonly string[],
  marketId: bigint,
  step: string,
): Promise<void> {
  await checkConserved(c.usdc, holders, minted, step);
  await checkExchangeSolvent(c.usdc, c.exchange, c.fund, traders, [marketId], step);
}

/**
 * The fund's balance moved by exactly what its events say: deposits and income in; what it bore of bankruptcies
 * (paid now or pending: either way it left the balance) and sweeps out.
 */
export function checkFundBalance(step: string, previousBalance: bigint, day: DayLedger, balance: bigint): void {
  const expected = previousBalance + day.deposited + day.income - day.fundRewards - day.fundShortfalls - day.swept;
  if (balance !== expected) throw new Error(`${step}: the fund holds ${balance}, its events add up to ${expected}`);
}
