// Reference model of `BackstopVault` (docs/behaviour.md section 11), written from the rules, not from the contract:
//   - shares and assets convert with ERC-4626's virtual offset: 10^6 virtual shares and 1 virtual asset, so
//     shares = assets * (supply + 10^6) / (totalAssets + 1) and back, each rounded as EIP-4626 says (toward the
//     vault: down for deposit and the value of shares, up for mint);
//   - totalAssets is what stakers deposited, plus income as it vests, less covers and what exits paid: never the
//     token balance; income vests linearly from its payment to payment + streamPeriod, joined by what was still
//     unvested, rounded down at each step where the vault moves vested income into its assets;
//   - a redeem request locks the shares and records their value then (rounded down); it can be claimed from
//     requestedAt + cooldown for `window` seconds, then lapses (the shares go back); adding to an open request
//     restarts its cooldown; a claim pays per share the smaller of the request's price and the vault's price now
//     (rounded down; `withdraw` burns the shares rounded up) and reduces the request's value pro rata, rounded up;
//   - all claims of one UTC day take out at most exitCapBps of totalAssets at the day's first claim;
//   - cover pays min(amount, totalAssets - minimumAssets, the market's limit - its paid) and never fails.

import { DAY, MAX_BPS } from "../units.js";

export const DECIMALS_OFFSET_UNITS = 10n ** 6n;

export interface BackstopModelTerms {
  cooldown: bigint;
  window: bigint;
  streamPeriod: bigint;
  exitCapBps: bigint;
  minimumAssets: bigint;
}

export interface ModelRequest {
  shares: bigint;
  assets: bigint;
  requestedAt: bigint;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const divUp = (a: bigint, b: bigint) => (a === 0n ? 0n : (a - 1n) / b + 1n);

export class BackstopModel {
  assets = 0n;
  unvested = 0n;
  streamUpdatedAt = 0n;
  streamEnd = 0n;
  supply = 0n;
  /** Tokens the vault holds: assets + unvested + donations. */
  tokens = 0n;
  readonly shares = new Map<string, bigint>();
  readonly requests = new Map<string, ModelRequest>();
  readonly limits = new Map<bigint, { limit: bigint; paid: bigint }>();
  exitDay = -1n;
  exitCap = 0n;
  exited = 0n;

  constructor(public terms: BackstopModelTerms) {}

  // ---------------------------------------------------------------- reading

  /** Income vested since the last write, at `now`. */
  vested(now: bigint): bigint {
    if (this.unvested === 0n || now >= this.streamEnd) return this.unvested;
    return (this.unvested * (now - this.streamUpdatedAt)) / (this.streamEnd - this.streamUpdatedAt);
  }

  totalAssets(now: bigint): bigint {
    return this.assets + this.vested(now);
  }

  sharesOf(who: string): bigint {
    return this.shares.get(who) ?? 0n;
  }

  lockedShares(): bigint {
    let sum = 0n;
    for (const request of this.requests.values()) sum += request.shares;
    return sum;
  }

  convertToShares(now: bigint, assets: bigint, up = false): bigint {
    const numerator = assets * (this.supply + DECIMALS_OFFSET_UNITS);
    const denominator = this.totalAssets(now) + 1n;
    return up ? divUp(numerator, denominator) : numerator / denominator;
  }

  convertToAssets(now: bigint, shares: bigint, up = false): bigint {
    const numerator = shares * (this.totalAssets(now) + 1n);
    const denominator = this.supply + DECIMALS_OFFSET_UNITS;
    return up ? divUp(numerator, denominator) : numerator / denominator;
  }

  coverable(now: bigint, marketId: bigint): bigint {
    const total = this.totalAssets(now);
    const above = total > this.terms.minimumAssets ? total - this.terms.minimumAssets : 0n;
    const market = this.limits.get(marketId) ?? { limit: 0n, paid: 0n };
    return min(above, market.limit - market.paid);
  }

  status(now: bigint, controller: string): "none" | "pending" | "claimable" | "lapsed" {
    const request = this.requests.get(controller);
    if (request === undefined || request.shares === 0n) return "none";
    const opens = request.requestedAt + this.terms.cooldown;
    if (now < opens) return "pending";
    return now < opens + this.terms.window ? "claimable" : "lapsed";
  }

  exitCapLeft(now: bigint): bigint {
    if (now / DAY !== this.exitDay) return (this.totalAssets(now) * this.terms.exitCapBps) / MAX_BPS;
    return this.exitCap - this.exited;
  }

  /** The claim price as [assets, shares]: the smaller of the request's and the vault's (with the offset). */
  exitPrice(now: bigint, request: ModelRequest): [bigint, bigint] {
    const nowAssets = this.totalAssets(now) + 1n;
    const nowShares = this.supply + DECIMALS_OFFSET_UNITS;
    return request.assets * nowShares < nowAssets * request.shares
      ? [request.assets, request.shares]
      : [nowAssets, nowShares];
  }

  maxRedeem(now: bigint, controller: string): bigint {
    if (this.status(now, controller) !== "claimable") return 0n;
    const request = this.requests.get(controller)!;
    const [priceAssets, priceShares] = this.exitPrice(now, request);
    if (priceAssets === 0n) return request.shares;
    return min(request.shares, (this.exitCapLeft(now) * priceShares) / priceAssets);
  }

  maxWithdraw(now: bigint, controller: string): bigint {
    const shares = this.maxRedeem(now, controller);
    if (shares === 0n) return 0n;
    const [priceAssets, priceShares] = this.exitPrice(now, this.requests.get(controller)!);
    return (shares * priceAssets) / priceShares;
  }

  // ---------------------------------------------------------------- writing

  private checkpoint(now: bigint): void {
    const vested = this.vested(now);
    this.unvested -= vested;
    this.assets += vested;
    this.streamUpdatedAt = now;
  }

  private move(from: string, to: string, shares: bigint): void {
    const balance = this.sharesOf(from);
    if (balance < shares) throw new Error(`model: ${from} has ${balance} shares, not ${shares}`);
    this.shares.set(from, balance - shares);
    this.shares.set(to, this.sharesOf(to) + shares);
  }

  deposit(now: bigint, receiver: string, assets: bigint): bigint {
    const shares = this.convertToShares(now, assets);
    this.mintShares(receiver, shares, assets);
    return shares;
  }

  mint(now: bigint, receiver: string, shares: bigint): bigint {
    const assets = this.convertToAssets(now, shares, true);
    this.mintShares(receiver, shares, assets);
    return assets;
  }

  private mintShares(receiver: string, shares: bigint, assets: bigint): void {
    this.shares.set(receiver, this.sharesOf(receiver) + shares);
    this.supply += shares;
    this.assets += assets;
    this.tokens += assets;
  }

  transfer(from: string, to: string, shares: bigint): void {
    this.move(from, to, shares);
  }

  donate(amount: bigint): void {
    this.tokens += amount;
  }

  requestRedeem(now: bigint, owner: string, controller: string, shares: bigint): void {
    if (this.status(now, controller) === "lapsed") this.reclaimLapsed(now, controller);
    const value = this.convertToAssets(now, shares);
    this.move(owner, "vault", shares);
    const request = this.requests.get(controller) ?? { shares: 0n, assets: 0n, requestedAt: now };
    if (request.shares === 0n) request.assets = 0n;
    request.shares += shares;
    request.assets += value;
    request.requestedAt = now;
    this.requests.set(controller, request);
  }

  reclaimLapsed(now: bigint, controller: string): void {
    if (this.status(now, controller) !== "lapsed") throw new Error("model: no lapsed request");
    const request = this.requests.get(controller)!;
    this.move("vault", controller, request.shares);
    this.requests.delete(controller);
  }

  redeem(now: bigint, controller: string, shares: bigint): bigint {
    if (shares > this.maxRedeem(now, controller)) throw new Error("model: above maxRedeem");
    if (shares === 0n) return 0n;
    const [priceAssets, priceShares] = this.exitPrice(now, this.requests.get(controller)!);
    const assets = (shares * priceAssets) / priceShares;
    this.claim(now, controller, assets, shares);
    return assets;
  }

  withdraw(now: bigint, controller: string, assets: bigint): bigint {
    if (assets > this.maxWithdraw(now, controller)) throw new Error("model: above maxWithdraw");
    if (assets === 0n) return 0n;
    const [priceAssets, priceShares] = this.exitPrice(now, this.requests.get(controller)!);
    const shares = divUp(assets * priceShares, priceAssets);
    this.claim(now, controller, assets, shares);
    return shares;
  }

  private claim(now: bigint, controller: string, assets: bigint, shares: bigint): void {
    this.checkpoint(now);
    if (now / DAY !== this.exitDay) {
      this.exitDay = now / DAY;
      this.exitCap = (this.totalAssets(now) * this.terms.exitCapBps) / MAX_BPS;
      this.exited = 0n;
    }
    this.exited += assets;
    const request = this.requests.get(controller)!;
    request.assets -= min(request.assets, divUp(shares * request.assets, request.shares));
    request.shares -= shares;
    this.move("vault", "burnt", shares);
    this.supply -= shares;
    this.assets -= assets;
    this.tokens -= assets;
  }

  setLimit(marketId: bigint, limit: bigint): void {
    const market = this.limits.get(marketId) ?? { limit: 0n, paid: 0n };
    if (limit < market.paid) throw new Error("model: limit below paid");
    this.limits.set(marketId, { limit, paid: market.paid });
  }

  cover(now: bigint, marketId: bigint, amount: bigint): bigint {
    this.checkpoint(now);
    const paid = min(amount, this.coverable(now, marketId));
    const market = this.limits.get(marketId) ?? { limit: 0n, paid: 0n };
    this.limits.set(marketId, { limit: market.limit, paid: market.paid + paid });
    this.assets -= paid;
    this.tokens -= paid;
    return paid;
  }

  notifyIncome(now: bigint, amount: bigint): void {
    this.checkpoint(now);
    this.unvested += amount;
    this.streamEnd = now + this.terms.streamPeriod;
    this.tokens += amount;
  }

  /** Donations: tokens beyond the assets and the stream; sweeping sends them away. */
  sweep(): bigint {
    const owed = this.assets + this.unvested;
    const amount = this.tokens > owed ? this.tokens - owed : 0n;
    this.tokens -= amount;
    return amount;
  }
}
