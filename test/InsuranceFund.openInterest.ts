import { expect } from "chai";
import { network } from "hardhat";

import { deployFund, FLOOR, MARKET_ID, registerMarket, seed, TARGET_SHARE_BPS } from "../lib/fundFixture.js";
import { OpenInterestHistory } from "../lib/model/openInterestWindow.js";
import { DAY, HOUR, usdc, WEEK } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

// The fund's open-interest tracker and the state it hands the fee policy, read through the fund's own views
// (`averageOpenInterest`, `fundState`), against the bigint model of the window.
describe("InsuranceFund open interest", () => {
  async function fundWithMarkets() {
    const suite = await deployFund(ethers);
    await registerMarket(suite, usdc(1_000_000));
    await registerMarket(suite, usdc(1_000_000), 2n);
    await seed(suite, usdc(10_000));
    const start = (BigInt(await networkHelpers.time.latest()) / DAY + 1n) * DAY;
    return { ...suite, start };
  }

  it("test_recordOpenInterest_unchangedValueIsANoOp", async () => {
    const { fund, exchange, start } = await networkHelpers.loadFixture(fundWithMarkets);
    await networkHelpers.time.setNextBlockTimestamp(start);
    await fund.connect(exchange).recordOpenInterest(MARKET_ID, usdc(1_000_000));
    await networkHelpers.time.setNextBlockTimestamp(start + HOUR);
    await expect(fund.connect(exchange).recordOpenInterest(MARKET_ID, usdc(1_000_000))).not.to.emit(
      fund,
      "InsuranceFundOpenInterestRecorded",
    );
    expect((await fund.market(MARKET_ID)).openInterest).to.equal(usdc(1_000_000));
    expect(await fund.totalOpenInterest()).to.equal(usdc(1_000_000));
  });

  it("test_averageOpenInterest_sumsMarketsAndAveragesOverTheWindow", async () => {
    const { fund, exchange, start } = await networkHelpers.loadFixture(fundWithMarkets);
    const model = new OpenInterestHistory();
    // Market 1 at 1,000,000 from day 0; market 2 adds 500,000 from day 2 and leaves at day 9.
    const report = async (time: bigint, marketId: bigint, marketOpenInterest: bigint, total: bigint) => {
      await networkHelpers.time.setNextBlockTimestamp(time);
      await expect(fund.connect(exchange).recordOpenInterest(marketId, marketOpenInterest))
        .to.emit(fund, "InsuranceFundOpenInterestRecorded")
        .withArgs(marketId, marketOpenInterest, total);
      model.record(time, total);
    };
    const expectAverageAt = async (time: bigint, byHand: bigint) => {
      await networkHelpers.time.increaseTo(time);
      expect(model.average(time, WEEK)).to.equal(byHand);
      expect(await fund.averageOpenInterest()).to.equal(byHand);
    };
    await report(start, MARKET_ID, usdc(1_000_000), usdc(1_000_000));
    await report(start + 2n * DAY, 2n, usdc(500_000), usdc(1_500_000));
    // Less than a window of history: over the 5 days there are (2 at 1,000,000, 3 at 1,500,000).
    await expectAverageAt(start + 5n * DAY, usdc(1_300_000));
    await report(start + 9n * DAY, 2n, 0n, usdc(1_000_000));
    // A whole window, days 5 to 12: 4 days at 1,500,000 and 3 at 1,000,000, rounded down.
    await expectAverageAt(start + 12n * DAY, usdc(9_000_000) / 7n);
  });

  it("test_fundState_isWhatThePolicySees", async () => {
    const { fund, exchange, start } = await networkHelpers.loadFixture(fundWithMarkets);
    await networkHelpers.time.setNextBlockTimestamp(start);
    await fund.connect(exchange).recordOpenInterest(MARKET_ID, usdc(2_000_000));
    await networkHelpers.time.increaseTo(start + DAY);
    const state = await fund.fundState();
    expect(state.balance).to.equal(usdc(10_000));
    expect(state.averageOpenInterest).to.equal(usdc(2_000_000));
    expect(state.floor).to.equal(FLOOR);
    expect(state.targetShareBps).to.equal(TARGET_SHARE_BPS);
  });
});
