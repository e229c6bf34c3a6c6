import { expect } from "chai";
import { network } from "hardhat";

import { MARKET_ID } from "../../lib/exchangeFixture.js";
import { DEFAULT_OPEN_INTEREST_CAP, wad } from "../../lib/units.js";
import { P, referenceExchangeFixtures } from "../helpers/referenceExchange.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;
const { exchangeFixture } = referenceExchangeFixtures(ethers);

describe("ReferenceExchange", () => {
  // ================================================================ deployment and listing

  describe("deployment", () => {
    it("test_constructor_wiresTokenFundOwnerAndApproval", async () => {
      const s = await loadFixture(exchangeFixture);
      expect(await s.exchange.quoteToken()).to.equal(await s.quote.getAddress());
      expect(await s.exchange.insuranceFund()).to.equal(s.fundAddress);
      expect(await s.exchange.owner()).to.equal(s.admin.address);
      expect(await s.quote.allowance(s.exchangeAddress, s.fundAddress)).to.equal(ethers.MaxUint256);
    });

    it("test_constructor_revertsOnBadInput", async () => {
      const s = await loadFixture(exchangeFixture);
      const token = await s.quote.getAddress();
      const deploy = (args: unknown[]) => ethers.deployContract("ReferenceExchange", args);
      await expect(deploy([ethers.ZeroAddress, s.fundAddress, s.admin.address])).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroAddress",
      );
      await expect(deploy([token, ethers.ZeroAddress, s.admin.address])).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroAddress",
      );
      await expect(deploy([token, s.fundAddress, ethers.ZeroAddress]))
        .to.be.revertedWithCustomError(s.exchange, "OwnableInvalidOwner")
        .withArgs(ethers.ZeroAddress);
      const other = await ethers.deployContract("MockUSDC");
      await expect(deploy([await other.getAddress(), s.fundAddress, s.admin.address]))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeQuoteTokenMismatch")
        .withArgs(token, await other.getAddress());
    });

    it("test_constructor_revertsForAQuoteTokenAbove18Decimals", async () => {
      const { exchange, fundAddress, admin } = await loadFixture(exchangeFixture);
      const token = await ethers.deployContract("MockDecimalsToken", [19n]);
      await expect(ethers.deployContract("ReferenceExchange", [await token.getAddress(), fundAddress, admin.address]))
        .to.be.revertedWithCustomError(exchange, "ReferenceExchangeUnsupportedDecimals")
        .withArgs(19n);
    });
  });

  describe("listMarket / setMarketParams", () => {
    it("test_listMarket_storesMarketAndEmits", async () => {
      const s = await loadFixture(exchangeFixture);
      const state = await s.exchange.market(MARKET_ID);
      expect(state.feed).to.equal(await s.feed.getAddress());
      expect(state.params.tradingFeeBps).to.equal(P.tradingFeeBps);
      expect(state.params.liquidationRatioWad).to.equal(wad("0.7"));
      expect(state.openBaseWad).to.equal(0n);

      await s.fund.connect(s.governor).registerMarket(2n, {
        exchange: s.exchangeAddress,
        insuranceLimit: 0n,
        rewardCap: 0n,
        rewardCapBps: 0n,
        openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
      });
      const feed2 = await ethers.deployContract("MockPriceFeed", [18n, wad(5)]);
      await expect(s.exchange.listMarket(2n, await feed2.getAddress(), { ...P, tradingFeeBps: 7n }))
        .to.emit(s.exchange, "ReferenceExchangeMarketListed")
        .withArgs(2n, await feed2.getAddress(), Object.values({ ...P, tradingFeeBps: 7n }));
      // An 18-decimal feed is taken as it is.
      expect(await s.exchange.price(2n)).to.equal(wad(5));
      expect((await s.exchange.market(2n)).params.tradingFeeBps).to.equal(7n);
    });

    it("test_listMarket_revertsForNonOwnerZeroFeedOrListedMarket", async () => {
      const s = await loadFixture(exchangeFixture);
      const feed = await s.feed.getAddress();
      await expect(s.exchange.connect(s.alice).listMarket(2n, feed, P))
        .to.be.revertedWithCustomError(s.exchange, "OwnableUnauthorizedAccount")
        .withArgs(s.alice.address);
      await expect(s.exchange.listMarket(2n, ethers.ZeroAddress, P)).to.be.revertedWithCustomError(
        s.exchange,
        "ReferenceExchangeZeroAddress",
      );
      await expect(s.exchange.listMarket(MARKET_ID, feed, P))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeMarketExists")
        .withArgs(MARKET_ID);
    });

    it("test_listMarket_revertsUnlessTheFundBindsTheMarketToThisExchange", async () => {
      const s = await loadFixture(exchangeFixture);
      const feed = await s.feed.getAddress();
      await expect(s.exchange.listMarket(3n, feed, P))
        .to.be.revertedWithCustomError(s.fund, "InsuranceFundUnknownMarket")
        .withArgs(3n);
      await s.fund.connect(s.governor).registerMarket(2n, {
        exchange: s.dave.address,
        insuranceLimit: 0n,
        rewardCap: 0n,
        rewardCapBps: 0n,
        openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
      });
      await expect(s.exchange.listMarket(2n, feed, P))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeNotMarketExchange")
        .withArgs(2n, s.dave.address);
    });

    it("test_listMarket_revertsForFeedAbove18Decimals", async () => {
      const s = await loadFixture(exchangeFixture);
      await s.fund.connect(s.governor).registerMarket(2n, {
        exchange: s.exchangeAddress,
        insuranceLimit: 0n,
        rewardCap: 0n,
        rewardCapBps: 0n,
        openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
      });
      const feed = await ethers.deployContract("MockPriceFeed", [19n, 1n]);
      await expect(s.exchange.listMarket(2n, await feed.getAddress(), P))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnsupportedDecimals")
        .withArgs(19n);
    });

    it("test_setMarketParams_validatesBounds", async () => {
      const s = await loadFixture(exchangeFixture);
      const bad = async (patch: Partial<typeof P>, error: string, args: bigint[]) =>
        expect(s.exchange.setMarketParams(MARKET_ID, { ...P, ...patch }))
          .to.be.revertedWithCustomError(s.exchange, error)
          .withArgs(...args);
      await bad({ tradingFeeBps: 10_001n }, "ReferenceExchangeBpsOutOfBounds", [10_001n]);
      await bad({ liquidationPenaltyBps: 10_001n }, "ReferenceExchangeBpsOutOfBounds", [10_001n]);
      await bad({ liquidatorShareBps: 10_001n }, "ReferenceExchangeBpsOutOfBounds", [10_001n]);
      await bad({ initialMarginBps: 0n }, "ReferenceExchangeBpsOutOfBounds", [0n]);
      await bad({ initialMarginBps: 10_001n }, "ReferenceExchangeBpsOutOfBounds", [10_001n]);
      await bad({ liquidationRatioWad: wad(1) + 1n }, "ReferenceExchangeRatiosOutOfBounds", [wad(1) + 1n, 0n]);
      await bad({ bankruptcyRatioWad: wad("0.7") }, "ReferenceExchangeRatiosOutOfBounds", [wad("0.7"), wad("0.7")]);
      // The edges are accepted: 100 % everywhere and a liquidation ratio of exactly 1.
      await s.exchange.setMarketParams(MARKET_ID, {
        ...P,
        tradingFeeBps: 10_000n,
        liquidationPenaltyBps: 10_000n,
        liquidatorShareBps: 10_000n,
        initialMarginBps: 10_000n,
        liquidationRatioWad: wad(1),
      });
    });

    it("test_setMarketParams_updatesAndEmits", async () => {
      const s = await loadFixture(exchangeFixture);
      const params = { ...P, tradingFeeBps: 25n };
      await expect(s.exchange.setMarketParams(MARKET_ID, params))
        .to.emit(s.exchange, "ReferenceExchangeMarketParamsSet")
        .withArgs(MARKET_ID, Object.values(params));
      expect((await s.exchange.market(MARKET_ID)).params.tradingFeeBps).to.equal(25n);
      await expect(s.exchange.connect(s.alice).setMarketParams(MARKET_ID, params))
        .to.be.revertedWithCustomError(s.exchange, "OwnableUnauthorizedAccount")
        .withArgs(s.alice.address);
      await expect(s.exchange.setMarketParams(9n, params))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnknownMarket")
        .withArgs(9n);
      await expect(s.exchange.market(9n))
        .to.be.revertedWithCustomError(s.exchange, "ReferenceExchangeUnknownMarket")
        .withArgs(9n);
    });
  });
});
