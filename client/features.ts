// Parts of the fund that later versions add (pending claims, payout buckets, the backstop, deferred fees).
// Each is detected on the fund itself by calling one of its views: a fund without it shows "not on this fund"
// and its keeper action is refused with a FundClientError, so one client serves every version.
//
// The fragments below are the names the client expects; when a fund version names them otherwise, change
// them here and nowhere else.
import { Contract, type ContractRunner } from "ethers";

/** The optional parts of a fund. */
export type FeatureName = "pendingClaims" | "buckets" | "backstop" | "deferredFees";

export const FEATURE_ABI = [
  // pending claims: what each market is owed beyond the buckets or during a pause, reserved
  "function pendingClaim(uint256 marketId) view returns (uint256)",
  "function totalPending() view returns (uint256)",
  "function processPendingClaim(uint256 marketId) returns (uint256 paid)",
  // payout buckets: what may be paid now, per market and fund-wide
  "function fundBucket() view returns (tuple(uint256 available, uint256 capacity, uint256 refillPerSecond))",
  "function marketBucket(uint256 marketId) view returns (tuple(uint256 available, uint256 capacity, uint256 refillPerSecond))",
  // the staked backstop behind the fund
  "function backstop() view returns (address)",
  "function backstopIncomeShareBps() view returns (uint16)",
  "function pendingFromBackstop(uint256 marketId) view returns (uint256)",
  // fees an exchange owes the fund and the fund pulls
  "function deferredFees(uint256 marketId) view returns (uint256 fundPart, uint256 treasuryPart, uint256 cap)",
  "function pullDeferredFees(uint256 marketId) returns (uint256 amount)",
];

/** The view each feature is detected by, and the arguments of the probe. */
const PROBES: Record<FeatureName, { view: string; args: unknown[] }> = {
  pendingClaims: { view: "totalPending", args: [] },
  buckets: { view: "fundBucket", args: [] },
  backstop: { view: "backstop", args: [] },
  deferredFees: { view: "deferredFees", args: [0n] },
};

export type Features = Record<FeatureName, boolean>;

/** The fund seen through the optional ABI. */
export function featureContract(address: string, runner: ContractRunner): Contract {
  return new Contract(address, FEATURE_ABI, runner);
}

/**
 * Which optional parts the fund has: a view that answers is there, and so is one that reverts with the fund's own
 * error (the probe's market 0 is unknown); one that reverts without data (no such selector) is not.
 */
export async function detectFeatures(contract: Contract): Promise<Features> {
  const entries = await Promise.all(
    (Object.keys(PROBES) as FeatureName[]).map(async (name): Promise<[FeatureName, boolean]> => {
      const { view, args } = PROBES[name];
      try {
        await contract.getFunction(view).staticCall(...args);
        return [name, true];
      } catch (error) {
        const data = (error as { data?: string | null }).data;
        return [name, typeof data === "string" && data.length > 2];
      }
    }),
  );
  return Object.fromEntries(entries) as Features;
}

/** Pending claims: per market and in total. */
export interface PendingClaims {
  total: bigint;
  byMarket: { marketId: bigint; amount: bigint }[];
}

/**
 * A payout bucket: what may be paid now, of its capacity, and what it regains per second. A disabled bucket (no
 * limit) has `capacity` 2^128 - 1 and `available` 2^256 - 1.
 */
export interface Bucket {
  available: bigint;
  capacity: bigint;
  refillPerSecond: bigint;
}

export interface Buckets {
  fund: Bucket;
  byMarket: { marketId: bigint; bucket: Bucket }[];
}
