// An independent bigint model of shares in basis points (docs/behaviour.md section 1: 1 bp = 0.01 %, 10,000 = 100 %), written
// from the spec's words: a share of an amount is amount * bps / 10,000, rounded down for whoever keeps the rest
// and up for whoever receives the share, exact to the last unit for every uint256 amount.

import { MAX_BPS, MAX_UINT256 } from "../units.js";

function checked(result: bigint): bigint {
  if (result > MAX_UINT256) throw new RangeError(`result ${result} does not fit in a uint256`);
  return result;
}

/** `floor(amount * bps / 10,000)`. */
export function mulBpsDown(amount: bigint, bps: bigint): bigint {
  return checked((amount * bps) / MAX_BPS);
}

/** `ceil(amount * bps / 10,000)`. */
export function mulBpsUp(amount: bigint, bps: bigint): bigint {
  const product = amount * bps;
  return checked(product / MAX_BPS + (product % MAX_BPS === 0n ? 0n : 1n));
}

/** Splits `amount` into a share of `bps` rounded up and the rest rounded down; the two add up to `amount`. */
export function splitUp(amount: bigint, bps: bigint): { share: bigint; rest: bigint } {
  return { share: mulBpsUp(amount, bps), rest: mulBpsDown(amount, MAX_BPS - bps) };
}
