// The demo's cast: the kinds of trader (how much they bring, how levered, which side) and how they behave in each
// act of the story.
import type { NetworkConnection } from "hardhat/types/network";

import type { Act } from "./config.js";

export type Style = "degen" | "swing" | "whale";

/** How a kind of trader behaves: long bias (percent), leverage on its margin (tenths), deposits (whole USDC). */
export const PROFILES: Record<Style, { longBias: number; leverage: [number, number]; deposit: [number, number] }> = {
  // Few dollars, maximum leverage, long the trend: the first crash bankrupts them.
  degen: { longBias: 85, leverage: [80, 94], deposit: [8_000, 20_000] },
  // The bulk of the book: 3x to 6.5x, mostly long; those who buy the dip at 4x and more go bankrupt in the second drop.
  swing: { longBias: 65, leverage: [30, 65], deposit: [60_000, 180_000] },
  // Deep pockets, low leverage, either side: they survive and carry the socialized loss.
  whale: { longBias: 50, leverage: [15, 35], deposit: [250_000, 600_000] },
};

/** How traders behave in each act: chances in percent, the price's drift and volatility per session in bps. */
export interface Mood {
  open: number;
  increase: number;
  reduce: number;
  close: number;
  /** Added to every trader's long bias. */
  longShift: number;
  /** Chance that a flat trader without collateral deposits again. */
  topUp: number;
  driftBps: number;
  volBps: number;
  /** Orders, in percent of `ordersPerDay`. */
  activity: number;
}

/** After a gap: traders cut and flip short; few add. */
// prettier-ignore
const PANIC: Mood = { open: 30, increase: 10, reduce: 30, close: 30, longShift: -30, topUp: 10, driftBps: -20, volBps: 150, activity: 100 };

// prettier-ignore
export const MOODS: Record<Exclude<Act, "setup">, Mood> = {
  // A bull market: drifting up, traders open and add, mostly long.
  trading:       { open: 80, increase: 35, reduce: 20, close: 12, longShift: 0,  topUp: 30, driftBps: 15, volBps: 100, activity: 100 },
  crash:         PANIC,
  // Buying the dip (longer than before) while the price keeps sliding.
  aftershock:    { open: 75, increase: 30, reduce: 15, close: 12, longShift: 10, topUp: 40, driftBps: -5, volBps: 120, activity: 100 },
  "second drop": PANIC,
  recovery:      { open: 70, increase: 30, reduce: 20, close: 15, longShift: 0,  topUp: 40, driftBps: 60, volBps: 100, activity: 100 },
  // Traders leave: mostly closes, hardly any new position.
  "wind-down":   { open: 2,  increase: 0,  reduce: 30, close: 55, longShift: 0,  topUp: 0,  driftBps: 5,  volBps: 50,  activity: 60 },
};

export interface Trader {
  name: string;
  style: Style;
  address: string;
  signer: Signer;
}

export type Signer = Awaited<ReturnType<NetworkConnection["ethers"]["getSigners"]>>[number];
