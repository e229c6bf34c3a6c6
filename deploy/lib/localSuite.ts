// The suite on a local chain (the in-process chain or `npx hardhat node`), ready to trade: a mock USDC, the suite
// on it, a mock ETH/USD price feed and the reference exchange, with ETH-PERP registered on the fund for the
// exchange and listed on the exchange. The node's accounts play the roles, as in lib/fundFixture.ts:
// account 0 deploys, stays the manager's admin and owns the exchange; 1 governs, 2 guards, 4 is the treasury.
import type { IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";

import { deployedArtifact } from "./artifacts.js";
import { deploySuiteContracts, type PolicyKind, registerMarketsAndWireRoles } from "./insuranceSuite.js";

/** The ETH/USD feed answers with 8 decimals, like Chainlink's USD feeds. */
export const DEFAULT_FEED_DECIMALS = 8;

/**
 * Parameters, besides the suite's: `ethPerpFeedDecimals` (default 8), `ethPerpFeedAnswer` (the starting price
 * in the feed's decimals, e.g. "200000000000n" for 2,000 USD), `ethPerpExchangeParams` (the exchange's
 * `MarketParams`: fee, penalty, liquidator share, initial margin, liquidation and bankruptcy ratios, price age).
 * With `backstop`, a staked backstop behind the fund (deploy/lib/insuranceSuite.ts: its parameters).
 */
export function buildLocalSuite<B extends boolean = false>(
  m: IgnitionModuleBuilder,
  policy: PolicyKind,
  options: { backstop?: B } = {},
) {
  const deployer = m.getAccount(0);
  const accountDefaults = { governor: m.getAccount(1), guardian: m.getAccount(2), treasury: m.getAccount(4) };
  const usdc = m.contract("MockUSDC", deployedArtifact("MockUSDC"));
  const contracts = deploySuiteContracts<B>(m, {
    policy,
    quoteToken: usdc,
    accountDefaults,
    backstop: options.backstop,
  });

  const feed = m.contract("MockPriceFeed", deployedArtifact("MockPriceFeed"), [
    m.getParameter("ethPerpFeedDecimals", DEFAULT_FEED_DECIMALS),
    m.getParameter<bigint>("ethPerpFeedAnswer"),
  ]);
  const exchange = m.contract("ReferenceExchange", deployedArtifact("ReferenceExchange"), [
    usdc,
    contracts.fund,
    deployer,
  ]);

  const registrations = registerMarketsAndWireRoles(m, contracts, {
    markets: [{ key: "ethPerp", exchange }],
    accountDefaults,
  });
  // The exchange checks that the fund binds the market to it: list it once registered.
  m.call(
    exchange,
    "listMarket",
    [m.getParameter<bigint>("ethPerpMarketId"), feed, m.getParameter("ethPerpExchangeParams")],
    { id: "listMarket_ethPerp", after: [registrations.ethPerp] },
  );

  return { usdc, ...contracts, feed, exchange };
}

/** The default seed of a local fund: local.json's floor, 200,000 USDC. */
export const DEFAULT_FUND_SEED = 200_000n * 10n ** 6n;

/**
 * Seeds a local suite's fund: `fundSeed` (default 200,000 USDC, the floor of local.json) of mock USDC minted to
 * account 0 and deposited, so that a fresh local fund starts at its floor rather than empty in its lowest band.
 */
export function seedLocalFund(m: IgnitionModuleBuilder, suite: ReturnType<typeof buildLocalSuite>) {
  const seed = m.getParameter("fundSeed", DEFAULT_FUND_SEED);
  const minted = m.call(suite.usdc, "mint", [m.getAccount(0), seed], { id: "mintFundSeed" });
  const approved = m.call(suite.usdc, "approve", [suite.fund, seed], { id: "approveFundSeed", after: [minted] });
  m.call(suite.fund, "deposit", [seed], { id: "depositFundSeed", after: [approved] });
  return suite;
}
