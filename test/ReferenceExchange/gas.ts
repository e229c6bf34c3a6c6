import { expect } from "chai";
import { network } from "hardhat";

import { MARKET_ID } from "../../lib/exchangeFixture.js";
import { usdc, wad } from "../../lib/units.js";
import { GAS_IS_REAL } from "../helpers/gas.js";
import { openPosition, referenceExchangeFixtures } from "../helpers/referenceExchange.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;
const { aliceLongFixture } = referenceExchangeFixtures(ethers);

describe("ReferenceExchange", () => {
  // ================================================================ gas

  describe("gas", () => {
    it("test_gas_tradeAndLiquidationStayWithinBudget", async function () {
      if (!GAS_IS_REAL) this.skip();
      const s = await loadFixture(aliceLongFixture);
      await openPosition(s, s.bob, usdc(2_000), -wad(3));
      // A typical trade: an existing position, a fee, the open interest moving.
      const trade = await (await s.exchange.connect(s.bob).trade(MARKET_ID, -wad(1))).wait();
      await s.setPrice(1_900);
      const solvent = await (await s.exchange.connect(s.dave).liquidate(s.alice.address, MARKET_ID)).wait();
      await openPosition(s, s.carol, usdc(1_000), wad(4));
      await s.setPrice(1_600);
      const bankrupt = await (await s.exchange.connect(s.dave).liquidate(s.carol.address, MARKET_ID)).wait();
      if (process.env.REPORT_GAS) {
        console.log(`trade ${trade!.gasUsed}, liquidation ${solvent!.gasUsed}, bankrupt ${bankrupt!.gasUsed}`);
      }
      // The fund's `settleTrade` is a large part of the trade; the solvent liquidation pays a first transfer to the
      // liquidator's empty balance; the bankrupt one adds the exchange's transfer of the whole reward and the
      // fund's payout-limit bookkeeping (the bench table has the figures).
      expect(trade!.gasUsed).to.be.lessThan(160_000n);
      expect(solvent!.gasUsed).to.be.lessThan(195_000n);
      expect(bankrupt!.gasUsed).to.be.lessThan(200_000n);
    });
  });
});
