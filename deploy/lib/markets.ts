import type { MarketSlot } from "./insuranceSuite.js";

/**
 * The markets SparkSuite and SpinSuite register at deployment (an Ignition parameter cannot set how many calls
 * a module makes, so the list lives here). Each needs the parameters `<key>MarketId`, `<key>Exchange` and
 * `<key>InsuranceLimit`, and may set `<key>RewardCap` and `<key>RewardCapBps` (default: no caps).
 * Edit the list before the first deployment; afterwards governance registers further markets.
 */
export const TESTNET_MARKETS: readonly MarketSlot[] = [{ key: "ethPerp" }, { key: "btcPerp" }];
