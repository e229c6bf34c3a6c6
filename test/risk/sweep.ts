// A tiny sweep whose answers are computed by hand, on the model, on a worker thread and on the chain.
//
// One ETH-PERP market at 2,000 on Spark's shares set to 0 (the fund keeps none of the fees, so its balance is only
// what is deposited and paid out), floor 100,000 (above the balance: nothing is swept). Two traders deposit 10,000
// each: a long at 9x (45 ETH: fee 90, collateral 9,910, open notional 90,000) and a short at 1x (5 ETH). The price
// falls to 1,700 in one step: the long's equity is 9,910 - 45 * 300 = -3,590, so it is bankrupt with a shortfall of
// 3,590; the penalty is 1 % of 45 * 1,700 = 765 and the keeper's reward half of it, 382.5 (under both caps). The
// fund bears the reward first, then the shortfall, within min(balance, limit); the rest is socialized on the short.
//   balance 1,000, limit   500: paid 500 (382.5 + 117.5), socialized 3,472.5
//   balance 1,000, limit 5,000: paid 1,000 (382.5 + 617.5), socialized 2,972.5
//   balance 10,000, limit 5,000: paid 3,972.5 (382.5 + 3,590), socialized 0
import { expect } from "chai";
import hre from "hardhat";

import { replayOnChain } from "../../scripts/lib/risk/chain.js";
import { runModel } from "../../scripts/lib/risk/engine.js";
import type { RawScenario } from "../../scripts/lib/risk/scenario.js";
import { gridPoints, parseVary, pointStats, runPaths, runSweep, scenarioAt } from "../../scripts/lib/risk/sweep.js";
import { answer } from "../../scripts/lib/risk/sweepReport.js";

const RAW: RawScenario = {
  name: "hand",
  suite: {
    policy: "spark",
    floor: 100_000,
    initialBalance: 1_000,
    shares: { tradingFeeShareBps: 0, penaltyShareBps: 0 },
  },
  markets: [
    {
      name: "ETH-PERP",
      insuranceLimit: 500,
      path: { kind: "inline", stepSeconds: 3600, prices: [2000, 1700] },
      traders: [
        {
          name: "long",
          count: 1,
          deposit: { min: 10_000, max: 10_000 },
          leverage: { min: 9, max: 9 },
          longPercent: 100,
        },
        {
          name: "short",
          count: 1,
          deposit: { min: 10_000, max: 10_000 },
          leverage: { min: 1, max: 1 },
          longPercent: 0,
        },
      ],
    },
  ],
  warmUp: { days: 0 },
  target: { maxSocializationPercent: 1 },
};

describe("risk lab: a tiny sweep computed by hand", function () {
  this.timeout(120_000);
  const varies = [parseVary("insuranceLimit=500|5000"), parseVary("initialBalance=1000|10000")];
  const points = gridPoints(varies);

  it("gives the hand-computed socialized loss, payout and drawdown at each point", function () {
    expect(points).to.deep.equal([
      [500, 1000],
      [5000, 1000],
      [500, 10000],
      [5000, 10000],
    ]);
    const expected = [
      { socialized: 3472.5, paidOut: 500 },
      { socialized: 2972.5, paidOut: 1000 },
      { socialized: 3472.5, paidOut: 500 },
      { socialized: 0, paidOut: 3972.5 },
    ];
    for (const [i, point] of points.entries()) {
      const paths = runPaths(scenarioAt(RAW, ".", varies, point), 0, 3);
      const stats = pointStats(point, paths);
      expect(paths.map((p) => [p.socialized, p.paidOut, p.bankruptcies])).to.deep.equal(
        Array(3).fill([expected[i].socialized, expected[i].paidOut, 1]),
      );
      expect(stats.socializedShare).to.equal(expected[i].socialized > 0 ? 1 : 0);
      expect(stats.p99Socialized).to.equal(expected[i].socialized);
      expect(stats.worstDrawdown).to.equal(expected[i].paidOut);
    }
  });

  it("runs the grid on a worker thread with the same numbers, and answers with the only point that meets 1 %", async function () {
    const results = await runSweep({ raw: RAW, dir: ".", varies, paths: 2 }, 1);
    const stats = points.map((point, i) => pointStats(point, results[i]));
    expect(stats.map((s) => s.meanSocialized)).to.deep.equal([3472.5, 2972.5, 3472.5, 0]);
    expect(answer(varies, stats, 1).best?.point).to.deep.equal([5000, 10000]);
  });

  it("the chain agrees with the model to the unit at the point that socializes", async function () {
    const scenario = scenarioAt(RAW, ".", varies, [500, 1000]);
    const run = runModel(scenario, scenario.seed, { log: true });
    const check = await replayOnChain(hre, scenario, run);
    expect(check.positions).to.equal(2);
    expect(run.metrics.socialized).to.equal(3_472_500_000n);
  });

  it("a pause queues the bankruptcy: the same allocation, paid when payouts resume, and the chain agrees", async function () {
    // The guardian pauses half an hour in, for an hour: the crash at one hour is liquidated while paused. The fund
    // bears the same 500 and the short the same 3,472.5; the 500 waits as the market's pending claim and is paid
    // to the exchange at the unpause. The path runs on at 1,700 so that the unpause happens inside it.
    const paused: RawScenario = {
      ...RAW,
      markets: [{ ...RAW.markets[0], path: { kind: "inline", stepSeconds: 3600, prices: [2000, 1700, 1700, 1700] } }],
      events: [{ atHours: 0.5, kind: "pause", hours: 1 }],
    };
    const scenario = scenarioAt(paused, ".", varies, [500, 1000]);
    const run = runModel(scenario, scenario.seed, { log: true });
    expect([run.metrics.paidOut, run.metrics.socialized, run.metrics.queuedByPause]).to.deep.equal([
      500_000_000n,
      3_472_500_000n,
      1,
    ]);
    expect(run.actions.map((a) => a.kind)).to.include.members(["pause", "liquidate", "unpause", "processPendingClaim"]);
    expect(run.book.totalPending).to.equal(0n);
    await replayOnChain(hre, scenario, run);
  });
});
