// An independent bigint model of one market's deferred fee pull (ITradeSettlement, docs/behaviour.md), written from
// the spec's words: a fee's parts (after bad debt and the split) are booked as the exchange's debt while the debt stays
// within the market's cap; the fee that would take it past the cap brings the whole debt and its own parts in one
// transfer; anyone may pull the debt; a payout to the exchange nets against it first (the fund's part first, the
// payment now before the pending claim). Nothing counts before it is received: the balance and the treasury's
// accrual grow only by what arrived or netted.

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The exchange's debt to the fund, by part. */
export interface FeeDebt {
  fundPart: bigint;
  treasuryPart: bigint;
}

/** What one fee did: booked (no tokens moved) or pulled (the old debt and its parts in one transfer). */
export interface FeeOutcome {
  deferred: boolean;
  /** What the exchange transfers now (0 when booked). */
  pulled: bigint;
  /** The debt received with this fee (zero when booked or when there was none). */
  received: FeeDebt;
}

/** What a payout to the exchange did once the debt netted against it. */
export interface Netting {
  /** What of the fund's and the treasury's dues netted (the fund's first). */
  fundIn: bigint;
  treasuryIn: bigint;
  /** What netted against the payment now, and against the market's pending claim. */
  fromPaid: bigint;
  fromPending: bigint;
  /** What the fund still transfers to the exchange now. */
  paidOut: bigint;
  /** What the exchange transfers to the fund: the whole due when what is left does not fit the cap. */
  pulled: bigint;
  /** The debt after (booked within the cap, or zero). */
  debt: FeeDebt;
}

const NO_DEBT: FeeDebt = { fundPart: 0n, treasuryPart: 0n };

/** One market's deferral, and the fund's counted money and tokens as far as the market moves them. */
export class DeferredMarket {
  cap = 0n;
  debt: FeeDebt = { ...NO_DEBT };
  /** The fund's balance and the treasury's accrual: only what was received. */
  balance: bigint;
  treasuryAccrued: bigint;
  /** The market's pending claim (held, reserved, outside the balance). */
  pending: bigint;
  /** Tokens the fund holds, and the exchange's token balance change since the model started. */
  held: bigint;
  exchangeDelta = 0n;

  constructor(state: { balance?: bigint; treasuryAccrued?: bigint; pending?: bigint; held?: bigint } = {}) {
    this.balance = state.balance ?? 0n;
    this.treasuryAccrued = state.treasuryAccrued ?? 0n;
    this.pending = state.pending ?? 0n;
    this.held = state.held ?? this.balance + this.treasuryAccrued + this.pending;
  }

  get deferring(): boolean {
    return this.cap !== 0n;
  }

  /** The whole debt. */
  owed(): bigint {
    return this.debt.fundPart + this.debt.treasuryPart;
  }

  /** What the fund counts as spendable for a bankruptcy in this market: the balance and the market's fund-part debt. */
  spendable(extraFundPart = 0n): bigint {
    return this.balance + (this.deferring ? this.debt.fundPart : 0n) + extraFundPart;
  }

  /** The exchange transfers `amount` to the fund, which credits `parts`. */
  private receive(amount: bigint, parts: FeeDebt): void {
    this.held += amount;
    this.exchangeDelta -= amount;
    this.balance += parts.fundPart;
    this.treasuryAccrued += parts.treasuryPart;
  }

  /** A fee's parts: booked while the debt stays within the cap (`<=`), else everything owed is pulled at once. */
  fee(fundPart: bigint, treasuryPart: bigint): FeeOutcome {
    if (fundPart === 0n && treasuryPart === 0n) return { deferred: false, pulled: 0n, received: { ...NO_DEBT } };
    const after = { fundPart: this.debt.fundPart + fundPart, treasuryPart: this.debt.treasuryPart + treasuryPart };
    if (this.deferring && after.fundPart + after.treasuryPart <= this.cap) {
      this.debt = after;
      return { deferred: true, pulled: 0n, received: { ...NO_DEBT } };
    }
    const received = this.debt;
    this.debt = { ...NO_DEBT };
    const pulled = after.fundPart + after.treasuryPart;
    this.receive(pulled, after);
    return { deferred: false, pulled, received };
  }

  /** Anyone's pull (or governance's before a change): the whole debt in one transfer; returns the amount. */
  pull(): bigint {
    const amount = this.owed();
    if (amount !== 0n) this.receive(amount, this.debt);
    this.debt = { ...NO_DEBT };
    return amount;
  }

  /** Retiring or moving the market: the debt is received if the exchange pays, else dropped (never counted). */
  settleBeforeLeaving(exchangePays: boolean): { received: bigint; dropped: bigint } {
    if (exchangePays) return { received: this.pull(), dropped: 0n };
    const dropped = this.owed();
    this.debt = { ...NO_DEBT };
    return { received: 0n, dropped };
  }

  /** Governance sets the cap: the debt is received first; 0 turns the deferral off. */
  setCap(cap: bigint): bigint {
    const received = this.pull();
    this.cap = cap;
    return received;
  }

  /**
   * A payout to the exchange: the fund owes it `paid` now (already out of the balance as `charged`) and the market's
   * pending claim; the exchange owes the debt plus `extra` (a penalty's parts handed in with the payout). The smaller
   * side nets against the larger, the fund's part first and the payment now first; what the exchange still owes is
   * booked within the cap or pulled whole, what the fund still owes now is transferred.
   */
  payOut(paid: bigint, charged: bigint, extra: FeeDebt = NO_DEBT): Netting {
    const dueFund = (this.deferring ? this.debt.fundPart : 0n) + extra.fundPart;
    const dueTreasury = (this.deferring ? this.debt.treasuryPart : 0n) + extra.treasuryPart;
    const netted = min(paid + this.pending, dueFund + dueTreasury);
    let fundIn = min(netted, dueFund);
    let treasuryIn = netted - fundIn;
    const fromPaid = min(paid, netted);
    const fromPending = netted - fromPaid;
    this.pending -= fromPending;
    // What netted against the pending claim was held already: it moves from the reserve into the counted money.
    const restFund = dueFund - fundIn;
    const restTreasury = dueTreasury - treasuryIn;
    let pulled = 0n;
    let debt: FeeDebt = { ...NO_DEBT };
    if (restFund + restTreasury !== 0n) {
      if (this.deferring && restFund + restTreasury <= this.cap) {
        debt = { fundPart: restFund, treasuryPart: restTreasury };
      } else {
        pulled = restFund + restTreasury;
        fundIn = dueFund;
        treasuryIn = dueTreasury;
      }
    }
    this.debt = debt;
    const paidOut = paid - fromPaid;
    this.balance = this.balance + fundIn - charged;
    this.treasuryAccrued += treasuryIn;
    this.held += pulled - paidOut;
    this.exchangeDelta += paidOut - pulled;
    return { fundIn, treasuryIn, fromPaid, fromPending, paidOut, pulled, debt };
  }

  /** The treasury's flush: the backstop's share (rounded down) of what was received, the rest to the treasury. */
  flush(backstopShareBps: bigint): { toBackstop: bigint; toTreasury: bigint } {
    const amount = this.treasuryAccrued;
    const toBackstop = (amount * backstopShareBps) / 10_000n;
    this.treasuryAccrued = 0n;
    this.held -= amount;
    return { toBackstop, toTreasury: amount - toBackstop };
  }

  /** DEFER-01: the debt within the cap, and the tokens held cover every counted amount (never the debt). */
  holds(totalPending = this.pending): boolean {
    return this.owed() <= this.cap && this.held >= this.balance + this.treasuryAccrued + totalPending;
  }
}
