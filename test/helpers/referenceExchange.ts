// What the ReferenceExchange suites (test/ReferenceExchange/) share: the fixtures, the model's view of a position,
// and the solvency check bound to the fixture's market.
import { DEFAULT_PARAMS, deployExchange, type ExchangeSuite, MARKET_ID } from "../../lib/exchangeFixture.js";
import type { Ethers } from "../../lib/fundFixture.js";
import * as model from "../../lib/model/exchange.js";
import { usdc, wad } from "../../lib/units.js";
import { expectExchangeSolvent } from "./conservation.js";

/** One quote unit (USDC) in 18-decimal quote value. */
export const Q = model.quoteToWad(6n);
export const P = DEFAULT_PARAMS;

type Who = { address: string };

/** An account's stored position in MARKET_ID, in the model's shape. */
export async function positionOf(s: ExchangeSuite, who: Who): Promise<model.ModelPosition> {
  const p = await s.exchange.position(who.address, MARKET_ID);
  return { collateral: p.collateral, base: p.baseWad, openNotional: p.openNotionalWad };
}

/** The exchange's solvency identity over `accounts` in MARKET_ID (test/helpers/conservation.ts). */
export async function expectSolvent(s: ExchangeSuite, accounts: Who[]) {
  await expectExchangeSolvent(s.quote, s.exchange, s.fund, accounts, [MARKET_ID]);
}

/** Deposits and trades in one go; returns the model's view of the trade. */
export async function openPosition(
  s: ExchangeSuite,
  who: Who & Parameters<ExchangeSuite["depositFor"]>[0],
  amount: bigint,
  size: bigint,
) {
  await s.depositFor(who, amount);
  const before = await positionOf(s, who);
  const expected = model.trade(before, size, await s.exchange.price(MARKET_ID), s.params, Q);
  await s.exchange.connect(who).trade(MARKET_ID, size);
  return expected;
}

/** The suites' fixtures on one connection's `ethers` (loadFixture keys on the function, so make them once per file). */
export function referenceExchangeFixtures(ethers: Ethers) {
  return {
    async exchangeFixture() {
      return deployExchange(ethers);
    },

    /** Alice long 4 at 2,000 on 1,000 USDC (collateral 992 after the 8 USDC fee). */
    async aliceLongFixture() {
      const s = await deployExchange(ethers);
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      return s;
    },

    /**
     * A book for crashes, with an empty fund (its only money is the fee income below, 8.5 USDC):
     * Alice long 4 on 1,000 USDC, Bob short 3 on 2,000 USDC, Carol short 1.5 on 1,000 USDC, all at 2,000.
     */
    async crashFixture() {
      const s = await deployExchange(ethers, { fundSeed: 0n });
      await openPosition(s, s.alice, usdc(1_000), wad(4));
      await openPosition(s, s.bob, usdc(2_000), -wad(3));
      await openPosition(s, s.carol, usdc(1_000), -wad("1.5"));
      return s;
    },
  };
}
