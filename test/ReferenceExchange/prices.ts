import { expect } from "chai";
import { network } from "hardhat";

import { MARKET_ID } from "../../lib/exchangeFixture.js";
import { usdc, wad } from "../../lib/units.js";
import { P, referenceExchangeFixtures } from "../helpers/referenceExchange.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;
const { exchangeFixture } = referenceExchangeFixtures(ethers);

describe("ReferenceExchange", () => {
  // ================================================================ prices

  describe("prices", () => {
    it("test_price_scalesAnEightDecimalAnswerTo18Decimals", async () => {
      const s = await loadFixture(exchangeFixture);
      expect(await s.exchange.price(MARKET_ID)).to.equal(wad(2_000));
      await s.setPrice("1999.12345678");
      expect(await s.exchange.price(MARKET_ID)).to.equal(wad("1999.12345678"));
    });

    it("test_trade_revertsForNonPositivePrice", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.depositFor(s.alice, usdc(1_000));
      await s.feed.setPrice(0n);
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, wad(1)))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInvalidPrice")
        .withArgs(MARKET_ID, 0n);
      await s.feed.setPrice(-1n);
      await expect(s.exchange.connect(s.alice).trade(MARKET_ID, wad(1)))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeInvalidPrice")
        .withArgs(MARKET_ID, -1n);
    });

    it("test_price_revertsWhenOlderThanTheMarketAccepts", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.exchange.setMarketParams(MARKET_ID, { ...P, maxPriceAgeSeconds: 3_600n });
      await s.setPrice(2_000);
      const [, , , updatedAt] = await s.feed.latestRoundData();
      await networkHelpers.time.increaseTo(updatedAt + 3_600n);
      expect(await s.exchange.price(MARKET_ID)).to.equal(wad(2_000));
      await networkHelpers.time.increaseTo(updatedAt + 3_601n);
      await expect(s.exchange.price(MARKET_ID))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeStalePrice")
        .withArgs(MARKET_ID, updatedAt, 3_600n);
    });
  });
});
