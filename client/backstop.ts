// The staked backstop behind a fund (BackstopVault, docs/behaviour.md section 11), read through a minimal ABI so
// that the client needs no generated types for it: its assets and shares, what is streaming and locked, today's
// exit cap, its terms, and per market its limit, what it paid and what of the market's pending claim it paid in.
import { Contract, type ContractRunner } from "ethers";

export const BACKSTOP_ABI = [
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function totalAssets() view returns (uint256)",
  "function totalSupply() view returns (uint256)",
  "function convertToAssets(uint256 shares) view returns (uint256)",
  "function unvestedIncome() view returns (uint256)",
  "function lockedShares() view returns (uint256)",
  "function exitCapLeft() view returns (uint256)",
  "function terms() view returns (tuple(uint64 cooldown, uint64 window, uint64 streamPeriod, uint16 exitCapBps, uint128 minimumAssets))",
  "function marketLimit(uint256 marketId) view returns (uint256 limit, uint256 paid)",
];

/** The vault's exit and income terms (`BackstopTerms`). */
export interface BackstopTermsView {
  cooldown: bigint;
  window: bigint;
  streamPeriod: bigint;
  exitCapBps: bigint;
  minimumAssets: bigint;
}

/** One market as the backstop sees it. */
export interface BackstopMarket {
  marketId: bigint;
  /** The most the vault will ever pay for the market. */
  limit: bigint;
  /** What it paid for the market so far. */
  paid: bigint;
  /** The part of the market's pending claim the vault paid in (returned to it if the claim is rejected). */
  pendingFromBackstop: bigint;
}

/** The backstop's figures, in the quote token's units (shares in the vault's). */
export interface BackstopStatus {
  address: string;
  symbol: string;
  /** The shares' decimals (the token's plus the vault's offset). */
  shareDecimals: number;
  totalAssets: bigint;
  totalSupply: bigint;
  /** The assets one whole share is worth now (`convertToAssets(10 ** shareDecimals)`, rounded down). */
  sharePrice: bigint;
  /** Income still streaming, not yet in `totalAssets`. */
  unvestedIncome: bigint;
  /** Shares under redeem request, held by the vault. */
  lockedShares: bigint;
  /** What claims may still take out today. */
  exitCapLeft: bigint;
  terms: BackstopTermsView;
  /** The backstop's share of the treasury's income, in bps (the fund's). */
  incomeShareBps: bigint;
  byMarket: BackstopMarket[];
}

/**
 * Reads the vault at `address`; `fund` answers `backstopIncomeShareBps()` and `pendingFromBackstop(marketId)`
 * (the fund's optional ABI).
 */
export async function readBackstop(
  runner: ContractRunner,
  address: string,
  fund: Contract,
  marketIds: bigint[],
): Promise<BackstopStatus> {
  const vault = new Contract(address, BACKSTOP_ABI, runner);
  const [symbol, decimals, totalAssets, totalSupply, unvestedIncome, lockedShares, exitCapLeft, terms, share] =
    await Promise.all([
      vault.symbol() as Promise<string>,
      vault.decimals() as Promise<bigint>,
      vault.totalAssets() as Promise<bigint>,
      vault.totalSupply() as Promise<bigint>,
      vault.unvestedIncome() as Promise<bigint>,
      vault.lockedShares() as Promise<bigint>,
      vault.exitCapLeft() as Promise<bigint>,
      vault.terms() as Promise<BackstopTermsView>,
      fund.backstopIncomeShareBps() as Promise<bigint>,
    ]);
  const [sharePrice, byMarket] = await Promise.all([
    vault.convertToAssets(10n ** decimals) as Promise<bigint>,
    Promise.all(
      marketIds.map(async (marketId): Promise<BackstopMarket> => {
        const [[limit, paid], pendingFromBackstop] = await Promise.all([
          vault.marketLimit(marketId) as Promise<[bigint, bigint]>,
          fund.pendingFromBackstop(marketId) as Promise<bigint>,
        ]);
        return { marketId, limit, paid, pendingFromBackstop };
      }),
    ),
  ]);
  return {
    address,
    symbol,
    shareDecimals: Number(decimals),
    totalAssets,
    totalSupply,
    sharePrice,
    unvestedIncome,
    lockedShares,
    exitCapLeft,
    terms: {
      cooldown: terms.cooldown,
      window: terms.window,
      streamPeriod: terms.streamPeriod,
      exitCapBps: terms.exitCapBps,
      minimumAssets: terms.minimumAssets,
    },
    incomeShareBps: share,
    byMarket,
  };
}
