// An independent bigint model of the reference exchange's money (docs/behaviour.md section 10 and the exchange's NatSpec),
// written from the rules, not from the contract: signed values are rounded with plain floor/ceil divisions.

import { MAX_BPS, WAD } from "../units.js";
import { SCALE as LOSS_INDEX_SCALE } from "./lossIndex.js";

export interface ExchangeParams {
  tradingFeeBps: bigint;
  liquidationPenaltyBps: bigint;
  liquidatorShareBps: bigint;
  initialMarginBps: bigint;
  liquidationRatioWad: bigint;
  bankruptcyRatioWad: bigint;
}

/** One isolated-margin account: collateral in quote units, base and open notional 18-decimal. */
export interface ModelPosition {
  collateral: bigint;
  base: bigint;
  openNotional: bigint;
}

export const flat = (collateral: bigint): ModelPosition => ({ collateral, base: 0n, openNotional: 0n });

export const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** a / b rounded towards minus infinity (b > 0). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

/** a / b rounded towards plus infinity (b > 0). */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

/** One quote unit in 18-decimal quote value (10^12 for USDC). */
export const quoteToWad = (decimals: bigint): bigint => 10n ** (18n - decimals);

/** |base| * price in quote units, rounded up: the notional of fees, penalties and margins. */
export const notionalUp = (absBase: bigint, price: bigint, q: bigint): bigint => ceilDiv(absBase * price, WAD * q);

/** The reported open interest: |base| * price in quote units, rounded down. */
export const openInterest = (openBase: bigint, price: bigint, q: bigint): bigint => (openBase * price) / (WAD * q);

/** amount * bps / 10,000, rounded up or down. */
export const bpsUp = (amount: bigint, bps: bigint): bigint => ceilDiv(amount * bps, MAX_BPS);
export const bpsDown = (amount: bigint, bps: bigint): bigint => (amount * bps) / MAX_BPS;

/** The PnL of a position at `price` in quote units, rounded towards minus infinity. */
export const pnl = (base: bigint, openNotional: bigint, price: bigint, q: bigint): bigint =>
  floorDiv(floorDiv(base * price, WAD) - openNotional, q);

export interface TradeResult {
  position: ModelPosition;
  realizedPnl: bigint;
  fee: bigint;
  /** The trade opened new exposure (open, increase or flip): the initial margin applies. */
  opensExposure: boolean;
}

/** A trade of `delta` at `price`: closes the opposite part first, opens the rest; the fee is on |delta|. */
export function trade(p: ModelPosition, delta: bigint, price: bigint, params: ExchangeParams, q: bigint): TradeResult {
  const sameDirection = p.base === 0n || p.base > 0n === delta > 0n;
  const closed = sameDirection ? 0n : abs(delta) >= abs(p.base) ? p.base : -delta;
  const opened = delta + closed;
  let openNotional = p.openNotional;
  let realizedPnl = 0n;
  if (closed !== 0n) {
    // The closed part's cost: its share of the open notional, rounded towards plus infinity.
    const closedCost = closed === p.base ? openNotional : ceilDiv(openNotional * abs(closed), abs(p.base));
    realizedPnl = floorDiv(floorDiv(closed * price, WAD) - closedCost, q);
    openNotional -= closedCost;
  }
  // The cost booked on opening, rounded towards plus infinity.
  if (opened !== 0n) openNotional += ceilDiv(opened * price, WAD);
  const fee = bpsUp(notionalUp(abs(delta), price, q), params.tradingFeeBps);
  return {
    position: { collateral: p.collateral + realizedPnl - fee, base: p.base + delta, openNotional },
    realizedPnl,
    fee,
    opensExposure: opened !== 0n,
  };
}

/** The initial margin a position needs, rounded up. */
export const initialMargin = (p: ModelPosition, price: bigint, params: ExchangeParams, q: bigint): bigint =>
  bpsUp(notionalUp(abs(p.base), price, q), params.initialMarginBps);

export const equity = (p: ModelPosition, price: bigint, q: bigint): bigint =>
  p.collateral + (p.base === 0n ? 0n : pnl(p.base, p.openNotional, price, q));

/** equity / collateral below a ratio (18-decimal); a non-positive collateral is below every ratio. */
export const belowRatio = (collateral: bigint, eq: bigint, ratioWad: bigint): boolean =>
  collateral <= 0n || eq * WAD < ratioWad * collateral;

export interface LiquidationResult {
  realizedPnl: bigint;
  equity: bigint;
  bankrupt: boolean;
  notional: bigint;
  /** The full penalty (rounded up). */
  penalty: bigint;
  /** What the account paid of it: the penalty, at most its equity (nothing when the equity is negative). */
  penaltyPaid: bigint;
  /** What the exchange transferred to the liquidator out of the account's penalty. */
  liquidatorReward: bigint;
  /** What the exchange handed to the fee splitter. */
  feeToFund: bigint;
  /** A bankrupt account's negative equity, and the rest of the liquidator's reward the exchange asks of the fund
   * (the exchange pays the liquidator the capped part of it from its own tokens, whatever the fund answers). */
  shortfall: bigint;
  claimedReward: bigint;
  collateralAfter: bigint;
}

/**
 * A liquidation at `price` of a liquidatable position (throws if it is healthy). Solvent or bankrupt, the account
 * pays the penalty, at most its equity; the liquidator is paid out of it first (liquidatorShareBps of what was paid
 * when solvent, of the full penalty when bankrupt); a bankrupt account's unpaid reward and negative equity go to
 * the fund's waterfall, and the equity beyond the penalty stays the account's.
 */
export function liquidate(p: ModelPosition, price: bigint, params: ExchangeParams, q: bigint): LiquidationResult {
  const realizedPnl = pnl(p.base, p.openNotional, price, q);
  const eq = p.collateral + realizedPnl;
  if (!belowRatio(p.collateral, eq, params.liquidationRatioWad)) throw new Error("model: account is healthy");
  // Bankrupt: negative equity, or a positive collateral's ratio below the bankruptcy ratio (a collateral that a
  // socialized charge took below zero, with a profit that covers it, is not bankrupt).
  const bankrupt = eq < 0n || (p.collateral > 0n && eq * WAD < params.bankruptcyRatioWad * p.collateral);
  const notional = notionalUp(abs(p.base), price, q);
  const penalty = bpsUp(notional, params.liquidationPenaltyBps);
  const penaltyPaid = eq > 0n ? min(penalty, eq) : 0n;
  const reward = bpsDown(bankrupt ? penalty : penaltyPaid, params.liquidatorShareBps);
  const liquidatorReward = min(reward, penaltyPaid);
  return {
    realizedPnl,
    equity: eq,
    bankrupt,
    notional,
    penalty,
    penaltyPaid,
    liquidatorReward,
    feeToFund: penaltyPaid - liquidatorReward,
    shortfall: eq < 0n ? -eq : 0n,
    claimedReward: reward - liquidatorReward,
    collateralAfter: eq > 0n ? eq - penaltyPaid : 0n,
  };
}

/** What a position of |base| owes for the loss index moving from `settled` to `index` (rounded up). */
export const lossIncrement = (loss: bigint, openBase: bigint): bigint => ceilDiv(loss * LOSS_INDEX_SCALE, openBase);
export const positionLoss = (absBase: bigint, settled: bigint, index: bigint): bigint =>
  ceilDiv(absBase * (index - settled), LOSS_INDEX_SCALE);
