// The dashboard's view on made-up reads: the alerts (floor, pending claim, low bucket, scheduled change, pause,
// bad debt), the optional parts present or "not on this fund", the feed's lines and the flows.
import { expect } from "chai";

import type { FundEvent, FundStatus } from "../../client/index.js";
import { alerts, feedItem, flowTotals, fundView, type OptionalReads } from "../../dashboard/view.js";
import { usdc } from "../../lib/units.js";

const NO_FEATURES = { pendingClaims: false, buckets: false, backstop: false, deferredFees: false };
const ADDRESS = "0x000000000000000000000000000000000000dEaD";

function status(overrides: Partial<FundStatus> = {}): FundStatus {
  return {
    chainId: 31337n,
    location: { address: ADDRESS, source: "given" },
    token: { address: ADDRESS, symbol: "USDC", decimals: 6 },
    balance: usdc(250_000),
    target: usdc(200_000),
    averageOpenInterest: 0n,
    totalOpenInterest: 0n,
    ratioBps: 625n,
    band: 2,
    badDebt: 0n,
    treasuryAccrued: 0n,
    targetShareBps: 500n,
    floor: usdc(200_000),
    minFloor: usdc(200_000),
    windowSeconds: 604_800n,
    treasury: ADDRESS,
    paused: false,
    policy: { kind: "unknown", address: ADDRESS },
    markets: [
      {
        marketId: 1n,
        exchange: ADDRESS,
        insuranceLimit: usdc(1_000),
        insurancePaid: usdc(250),
        rewardCap: usdc(5),
        rewardCapBps: 100n,
        badDebt: 0n,
        openInterest: 0n,
        lossIndex: 0n,
      },
    ],
    governance: {
      manager: ADDRESS,
      now: 1_000n,
      members: [],
      governorGrantDelay: { now: 0n },
      fundAdminDelay: { now: 0n },
      scheduled: [],
    },
    ...overrides,
  };
}

describe("dashboard: the view", () => {
  it("test_alerts_noneForAHealthyFund", () => {
    expect(alerts(status(), { features: NO_FEATURES })).to.deep.equal([]);
  });

  it("test_alerts_floorPauseBadDebtAndScheduledChange", () => {
    const scheduled = [
      {
        operationId: "0x01",
        caller: ADDRESS,
        target: ADDRESS,
        data: "0x",
        call: "setTarget(400, 1)",
        executableAt: 91_000n,
      },
    ];
    const s = status({
      balance: usdc(150_000),
      paused: true,
      badDebt: usdc("12.5"),
      governance: { ...status().governance, scheduled },
    });
    expect(alerts(s, { features: NO_FEATURES })).to.deep.equal([
      { level: "danger", text: "The fund is below its floor: 150,000 USDC of 200,000 USDC" },
      { level: "danger", text: "Paused: bankruptcies queue as pending claims; sweeps and claim payments wait" },
      { level: "warning", text: "Bad debt: 12.5 USDC" },
      { level: "info", text: "A change is scheduled: setTarget(400, 1), executable in 1 d 1 h" },
    ]);
  });

  it("test_alerts_pendingClaimAndLowBuckets", () => {
    const optional: OptionalReads = {
      features: { ...NO_FEATURES, pendingClaims: true, buckets: true },
      pendingClaims: { total: usdc(40), byMarket: [{ marketId: 1n, amount: usdc(40) }] },
      buckets: {
        fund: { available: usdc(19), capacity: usdc(100), refillPerSecond: 1n },
        byMarket: [{ marketId: 1n, bucket: { available: usdc(20), capacity: usdc(100), refillPerSecond: 1n } }],
      },
    };
    expect(alerts(status(), optional)).to.deep.equal([
      { level: "warning", text: "A claim is pending: market 1, 40 USDC" },
      { level: "warning", text: "The fund-wide payout bucket runs low: 19 USDC of 100 USDC" },
    ]);
    const view = fundView(status(), optional, []);
    expect(view.optional.pendingClaims).to.equal("40 USDC pending");
    expect(view.optional.buckets).to.equal("fund-wide 19 USDC of 100 USDC, refills 0.000001 USDC per second");
    expect(view.optional.backstop).to.equal("not on this fund");
    expect(view.markets[0]).to.include({
      pending: "40 USDC",
      bucket: "20 USDC of 100 USDC, refills 0.000001 USDC per second",
      deferredFees: "not on this fund",
      used: "250 USDC",
      left: "750 USDC",
      usedWhole: 250,
      leftWhole: 750,
    });
  });

  it("test_fundView_backstopPanel", () => {
    expect(fundView(status(), { features: NO_FEATURES }, []).backstop).to.equal(null);
    const backstop = {
      address: ADDRESS,
      symbol: "bsUSDC",
      shareDecimals: 12,
      totalAssets: usdc(50_100),
      totalSupply: 50_000n * 10n ** 12n,
      sharePrice: usdc("1.001999"),
      unvestedIncome: usdc(100),
      lockedShares: 10_000n * 10n ** 12n,
      exitCapLeft: usdc(5_010),
      terms: {
        cooldown: 864_000n,
        window: 172_800n,
        streamPeriod: 604_800n,
        exitCapBps: 1_000n,
        minimumAssets: usdc(1_000),
      },
      incomeShareBps: 2_000n,
      byMarket: [{ marketId: 1n, limit: usdc(100_000), paid: usdc(30_000), pendingFromBackstop: usdc(12) }],
    };
    const view = fundView(status({ backstop }), { features: { ...NO_FEATURES, backstop: true } }, []);
    expect(view.backstop).to.deep.equal({
      address: ADDRESS,
      figures: [
        { label: "total assets", value: "50,100 USDC" },
        { label: "total supply", value: "50,000 bsUSDC" },
        { label: "share price", value: "1.001999 USDC per bsUSDC" },
        { label: "unvested income", value: "100 USDC (over 7 days)" },
        { label: "locked shares", value: "10,000 bsUSDC under redeem request" },
        { label: "exit cap left today", value: "5,010 USDC" },
        { label: "terms", value: "cooldown 10 days, window 2 days, exit cap 10.00 % a day, minimum 1,000 USDC" },
        { label: "income share", value: "20.00 % of the treasury's income" },
      ],
      markets: [
        { id: "1", limit: "100,000 USDC", paid: "30,000 USDC", left: "70,000 USDC", pendingFromBackstop: "12 USDC" },
      ],
    });
  });

  it("test_feedItem_andFlowTotals", () => {
    const event = (name: string, args: FundEvent["args"]): FundEvent => ({
      blockNumber: 7,
      timestamp: 1,
      transactionHash: "0xaa",
      logIndex: 0,
      name,
      kind: "payout",
      args,
    });
    const events = [
      event("InsuranceFundBankruptcyCovered", {
        marketId: 1n,
        account: ADDRESS,
        liquidator: ADDRESS,
        reward: usdc(34),
        fundReward: usdc(34),
        fundShortfall: usdc(208),
        paidNow: usdc(200),
        pending: usdc(42),
        earlierPendingPaid: 0n,
      }),
      event("InsuranceFundPendingClaimPaid", { marketId: 1n, exchange: ADDRESS, amount: usdc(42), pendingLeft: 0n }),
      event("InsuranceFundFeeCollected", {
        marketId: 1n,
        kind: 0n,
        amount: usdc(8),
        fundPart: usdc("1.6"),
        treasuryPart: usdc("6.4"),
        badDebtRepaid: 0n,
      }),
      event("InsuranceFundSurplusSwept", { treasury: ADDRESS, surplus: usdc(5), unaccounted: 1n }),
    ];
    const token = { symbol: "USDC", decimals: 6 };
    expect(feedItem(events[0], token).text).to.equal(
      `BankruptcyCovered: marketId 1, account ${ADDRESS}, liquidator ${ADDRESS}, reward 34 USDC, fundReward 34 USDC, ` +
        `fundShortfall 208 USDC, paidNow 200 USDC, pending 42 USDC, earlierPendingPaid 0 USDC`,
    );
    const totals = flowTotals(events);
    expect(totals["paid to exchanges"]).to.equal(usdc(242));
    expect(totals["rewards borne"]).to.equal(usdc(34));
    expect(totals["shortfalls borne"]).to.equal(usdc(208));
    expect(totals["left pending"]).to.equal(usdc(42));
    expect(totals["fee income to the fund"]).to.equal(usdc("1.6"));
    expect(totals["fees to the treasury"]).to.equal(usdc("6.4"));
    expect(totals["swept to the treasury"]).to.equal(usdc(5) + 1n);
  });
});
