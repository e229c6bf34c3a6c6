import type { Signer } from "ethers";

import { deployFund, type Ethers, type FundOptions, MARKET_ID, seed } from "./fundFixture.js";
import type { ExchangeParams } from "./model/exchange.js";
import { DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128, usdc, wad } from "./units.js";

export { MARKET_ID };

/** The oracle's decimals (Chainlink USD feeds answer with 8) and the starting price, 2,000 USDC per base. */
export const FEED_DECIMALS = 8n;
export const START_PRICE = 2_000n;

/** The market's settings in the fixture: 0.1 % fee, 1 % penalty half to the liquidator, 10x, 0.7 / 0. */
export const DEFAULT_PARAMS: ExchangeParams & { maxPriceAgeSeconds: bigint } = {
  tradingFeeBps: 10n,
  liquidationPenaltyBps: 100n,
  liquidatorShareBps: 5_000n,
  initialMarginBps: 1_000n,
  liquidationRatioWad: wad("0.7"),
  bankruptcyRatioWad: 0n,
  maxPriceAgeSeconds: 0n,
};

export interface ExchangeOptions extends FundOptions {
  params?: Partial<typeof DEFAULT_PARAMS>;
  /** The market's insurance limit on the fund (default: no limit). */
  insuranceLimit?: bigint;
  /** Seeded into the fund by a plain deposit (default: 10,000 USDC; needs the fixture's MockUSDC). */
  fundSeed?: bigint;
  /** Deposited by the exchange's owner as house capital (default: none; needs the fixture's MockUSDC). */
  houseCapital?: bigint;
}

/** An 18-decimal price as the 8-decimal oracle answers it (whole or decimal string). */
export const feedAnswer = (price: number | bigint | string): bigint => wad(price) / 10n ** (18n - FEED_DECIMALS);

/**
 * The fund suite of `deployFund` (MockUSDC, AccessManager, FixedSharePolicy(5000, 5000) unless a policy is given,
 * InsuranceFund; signer 1 governs, 2 guards, 4 is the treasury, 5.. are users), plus a MockPriceFeed and the
 * ReferenceExchange (owned by signer 0), with MARKET_ID registered on the fund for the exchange and listed on it.
 */
export async function deployExchange(ethers: Ethers, options: ExchangeOptions = {}) {
  // Spark's policy: half of every fee and penalty to the fund (the fund's part rounded up).
  const policy =
    options.policy ?? (await (await ethers.deployContract("FixedSharePolicy", [5000n, 5000n])).getAddress());
  const suite = await deployFund(ethers, { ...options, policy });
  const signers = await ethers.getSigners();
  const dave = signers[8];
  // The exchange's quote token is the fund's: MockUSDC, or the token given (anything with `mint`).
  const quote = await ethers.getContractAt("MockUSDC", options.token ?? (await suite.usdc.getAddress()));
  const feed = await ethers.deployContract("MockPriceFeed", [FEED_DECIMALS, feedAnswer(START_PRICE)]);
  const exchange = await ethers.deployContract("ReferenceExchange", [
    await quote.getAddress(),
    suite.fundAddress,
    suite.admin.address,
  ]);
  const exchangeAddress = await exchange.getAddress();
  await suite.fund.connect(suite.governor).registerMarket(MARKET_ID, {
    exchange: exchangeAddress,
    insuranceLimit: options.insuranceLimit ?? MAX_UINT128,
    rewardCap: MAX_UINT128,
    rewardCapBps: 10_000n,
    openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
  });
  const params = { ...DEFAULT_PARAMS, ...options.params };
  await exchange.listMarket(MARKET_ID, await feed.getAddress(), params);
  const fundSeed = options.fundSeed ?? usdc(10_000);
  if (fundSeed > 0n) await seed(suite, fundSeed);

  /** Mints `amount` to the exchange's owner and deposits it as house capital. */
  async function depositHouseCapital(amount: bigint) {
    await quote.mint(suite.admin.address, amount);
    await quote.connect(suite.admin).approve(exchangeAddress, amount);
    await exchange.connect(suite.admin).depositHouseCapital(amount);
  }
  if (options.houseCapital) await depositHouseCapital(options.houseCapital);

  /** Mints `amount` to `who` and deposits it as collateral in MARKET_ID. */
  async function depositFor(who: Signer, amount: bigint, marketId = MARKET_ID) {
    await quote.mint(await who.getAddress(), amount);
    await quote.connect(who).approve(exchangeAddress, amount);
    await exchange.connect(who).deposit(marketId, amount);
  }

  /** Sets the oracle price (18-decimal, whole or decimal string, e.g. "1999.5"). */
  async function setPrice(price: number | bigint | string) {
    await feed.setPrice(feedAnswer(price));
  }

  return { ...suite, quote, dave, feed, exchange, exchangeAddress, params, depositFor, depositHouseCapital, setPrice };
}

export type ExchangeSuite = Awaited<ReturnType<typeof deployExchange>>;
