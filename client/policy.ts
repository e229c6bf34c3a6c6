// The fee policy behind the fund, recognised by its getters (Spin's bands, Spark's fixed share).
import { type ContractRunner, Contract } from "ethers";

/** A fee policy as the client reads it. */
export type PolicyStatus =
  | { kind: "spark"; address: string; tradingFeeShareBps: bigint; penaltyShareBps: bigint }
  | {
      kind: "spin";
      address: string;
      lowerBandBps: bigint;
      upperBandBps: bigint;
      lowTradingFeeShareBps: bigint;
      lowPenaltyShareBps: bigint;
      midPenaltyShareBps: bigint;
    }
  | { kind: "unknown"; address: string };

const POLICY_ABI = [
  "function tradingFeeShareBps() view returns (uint16)",
  "function penaltyShareBps() view returns (uint16)",
  "function bands() view returns ((uint16 lowerBandBps, uint16 upperBandBps, uint16 lowTradingFeeShareBps, uint16 lowPenaltyShareBps, uint16 midPenaltyShareBps))",
];

/** Recognises Spin's and Spark's policies by their getters; any other policy is shown by its address. */
export async function readPolicy(runner: ContractRunner, address: string): Promise<PolicyStatus> {
  const policy = new Contract(address, POLICY_ABI, runner);
  try {
    const bands = await policy.bands();
    return {
      kind: "spin",
      address,
      lowerBandBps: bands.lowerBandBps,
      upperBandBps: bands.upperBandBps,
      lowTradingFeeShareBps: bands.lowTradingFeeShareBps,
      lowPenaltyShareBps: bands.lowPenaltyShareBps,
      midPenaltyShareBps: bands.midPenaltyShareBps,
    };
  } catch {
    // Not Spin's policy: try Spark's.
  }
  try {
    const [tradingFeeShareBps, penaltyShareBps] = await Promise.all([
      policy.tradingFeeShareBps(),
      policy.penaltyShareBps(),
    ]);
    return { kind: "spark", address, tradingFeeShareBps, penaltyShareBps };
  } catch {
    return { kind: "unknown", address };
  }
}
