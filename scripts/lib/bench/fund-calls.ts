// The fund's exchange-facing calls, called directly by an account standing in for the market's exchange, each in
// steady state (fees, open-interest reports and earlier bankruptcies behind it).

import { MARKET_ID } from "../../../lib/exchangeFixture.js";
import { deployFund, type FundSuite, registerMarket, seed } from "../../../lib/fundFixture.js";
import { SPIN_BANDS } from "../../../lib/model/feePolicies.js";
import { BACKSTOP_TERMS } from "../../../lib/backstopFixture.js";
import { BACKSTOP_GOVERNOR_FUNCTIONS, GOVERNOR_ROLE } from "../../../lib/roles.js";
import { MAX_UINT128, usdc, wad } from "../../../lib/units.js";
import { Clock, createChain, type Ethers, gasOf, T0 } from "../chain.js";
import { FeeKind } from "../../../lib/model/feePolicies.js";
import { type BenchResults, DAY, HOUR } from "./results.js";

/** A fund whose exchange is an account (signer 3) that calls it directly, with fees and history behind it. */
async function fundSuite(ethers: Ethers, clock: Clock, policy: string): Promise<FundSuite> {
  const suite = await deployFund(ethers, { policy });
  await registerMarket(suite, usdc(5_000));
  await seed(suite, usdc(10_000));
  await suite.usdc.mint(suite.exchange.address, usdc(1_000_000));
  await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, MAX_UINT128);
  // The liquidator and the exchange hold tokens already, as they do after the first day.
  await suite.usdc.mint(suite.bob.address, usdc(1));
  // History: ten days of daily open-interest reports, and one fee of each kind (the treasury's accrual is no
  // longer zero). Ten days cross 36 bucket boundaries: every slot of the 30-checkpoint ring has been written.
  for (let day = 0; day < 10; day++) {
    clock.at(T0 + day * DAY);
    await suite.fund.connect(suite.exchange).recordOpenInterest(MARKET_ID, usdc(1_000_000) + usdc(day));
  }
  clock.advance(HOUR);
  await suite.fund.connect(suite.exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(2));
  await suite.fund.connect(suite.exchange).collectFee(MARKET_ID, FeeKind.LiquidationPenalty, usdc(10));
  return suite;
}

function claim(suite: FundSuite, shortfall: bigint, reward: bigint, openBase: bigint) {
  return {
    account: suite.carol.address,
    shortfall,
    liquidator: suite.bob.address,
    reward,
    liquidatedNotional: usdc(100_000),
    openBase,
  };
}

export async function benchFundCalls(results: BenchResults): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const [policyName, deploy] of [
    ["FixedSharePolicy(5000, 5000)", (e: Ethers) => e.deployContract("FixedSharePolicy", [5_000n, 5_000n])],
    ["TargetBandsPolicy(Spin), band 0", (e: Ethers) => e.deployContract("TargetBandsPolicy", [SPIN_BANDS])],
  ] as const) {
    const key = policyName.startsWith("Fixed") ? "fixedShare" : "targetBands";
    const { ethers, clock } = await createChain();
    const policy = await (await deploy(ethers)).getAddress();
    const suite = await fundSuite(ethers, clock, policy);
    const fund = suite.fund.connect(suite.exchange);
    clock.advance(HOUR);
    results.gas[`fund.collectFee.tradingFee.${key}`] = await gasOf(
      fund.collectFee(MARKET_ID, FeeKind.TradingFee, usdc(2)),
    );
    results.gas[`fund.collectFee.penalty.${key}`] = await gasOf(
      fund.collectFee(MARKET_ID, FeeKind.LiquidationPenalty, usdc(10)),
    );
    rows.push([`collectFee(trading fee, 2 USDC), ${policyName}`, results.gas[`fund.collectFee.tradingFee.${key}`]]);
    rows.push([
      `collectFee(liquidation penalty, 10 USDC), ${policyName}`,
      results.gas[`fund.collectFee.penalty.${key}`],
    ]);
    if (key === "targetBands") continue;
    // After ten days of daily reports, the last at 00:00: a report at 02:00 (the same 6-hour bucket), then one
    // at 06:30 (one bucket boundary crossed: one checkpoint written over an older one).
    results.gas["fund.recordOpenInterest.sameBucket"] = await gasOf(
      fund.recordOpenInterest(MARKET_ID, usdc(1_000_100)),
    );
    clock.advance(4 * HOUR + 30 * 60);
    results.gas["fund.recordOpenInterest.nextBucket"] = await gasOf(
      fund.recordOpenInterest(MARKET_ID, usdc(1_000_200)),
    );
    rows.push(
      [
        "recordOpenInterest, 2 hours after the last report (same 6-hour bucket)",
        results.gas["fund.recordOpenInterest.sameBucket"],
      ],
      ["recordOpenInterest, at 06:30 (one bucket boundary crossed)", results.gas["fund.recordOpenInterest.nextBucket"]],
    );

    // Warm-up: one bankruptcy the fund covers, one it covers up to the limit and socializes the rest; then the
    // limit is raised by 1,200 USDC and the fund refilled. insurancePaid, lossIndex and the liquidator's
    // balance are no longer zero.
    await fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(100), usdc(10), wad(10)));
    await fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(10_000), 0n, wad(10)));
    await suite.fund.connect(suite.governor).raiseInsuranceLimit(MARKET_ID, usdc(6_200));
    await seed(suite, usdc(10_000));

    results.gas["fund.coverBankruptcy.fullyCovered"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(200), usdc(20), wad(10))),
    );
    // 980 USDC of the limit is left: a 2,000 USDC shortfall is partly covered, the rest socialized.
    results.gas["fund.coverBankruptcy.partlyCovered"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(2_000), usdc(20), wad(10))),
    );
    results.gas["fund.coverBankruptcy.socialized"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(500), usdc(20), wad(10))),
    );
    results.gas["fund.coverBankruptcy.badDebt"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(500), usdc(20), 0n)),
    );
    // Payout limits. Both buckets on and wide enough not to bind: what their bookkeeping adds to a covered
    // bankruptcy. Then paused: all of the fund's part becomes the market's pending claim (its first write). Then
    // anyone pays the pending claim once payouts resume.
    await suite.fund.connect(suite.governor).raiseInsuranceLimit(MARKET_ID, usdc(20_000));
    await seed(suite, usdc(10_000));
    await suite.fund.connect(suite.governor).setMarketPayoutLimit(MARKET_ID, usdc(1_000_000), usdc(10));
    await suite.fund.connect(suite.governor).setFundPayoutLimit(usdc(1_000_000), usdc(10));
    await fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(100), usdc(10), wad(10)));
    clock.advance(HOUR);
    results.gas["fund.coverBankruptcy.fullyCoveredWithBuckets"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(200), usdc(20), wad(10))),
    );
    await suite.fund.connect(suite.guardian).pause();
    results.gas["fund.coverBankruptcy.pausedQueued"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(200), usdc(20), wad(10))),
    );
    await suite.fund.connect(suite.guardian).unpause();
    clock.advance(HOUR);
    results.gas["fund.processPendingClaim"] = await gasOf(
      suite.fund.connect(suite.alice).processPendingClaim(MARKET_ID),
    );
    // The backstop behind the fund: a bankruptcy the fund covers up to its limit and the backstop after it (the
    // vault's first cover of the market), then one where the fund's limit is used up and the backstop bears it all.
    const vault = await ethers.deployContract("BackstopVault", [
      await suite.usdc.getAddress(),
      await suite.manager.getAddress(),
      suite.fundAddress,
      "Backstop USDC",
      "bsUSDC",
      BACKSTOP_TERMS,
    ]);
    const vaultAddress = await vault.getAddress();
    await suite.manager.setTargetFunctionRole(
      vaultAddress,
      BACKSTOP_GOVERNOR_FUNCTIONS.map((signature) => ethers.id(signature).slice(0, 10)),
      GOVERNOR_ROLE,
    );
    await vault.connect(suite.governor).setMarketLimit(MARKET_ID, usdc(100_000));
    await suite.usdc.mint(suite.carol.address, usdc(50_000));
    await suite.usdc.connect(suite.carol).approve(vaultAddress, usdc(50_000));
    await vault.connect(suite.carol).deposit(usdc(50_000), suite.carol.address);
    await suite.fund.connect(suite.governor).setBackstop(vaultAddress, 2_000);
    const limitLeft =
      (await suite.fund.market(MARKET_ID)).insuranceLimit - (await suite.fund.market(MARKET_ID)).insurancePaid;
    clock.advance(HOUR);
    results.gas["fund.coverBankruptcy.fundThenBackstop"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, limitLeft + usdc(300), usdc(20), wad(10))),
    );
    clock.advance(HOUR);
    results.gas["fund.coverBankruptcy.backstopOnly"] = await gasOf(
      fund.coverBankruptcy(MARKET_ID, claim(suite, usdc(300), usdc(20), wad(10))),
    );
    await suite.fund.connect(suite.governor).setBackstop(ethers.ZeroAddress, 0);
    results.gas["fund.positionLoss.estimateGas"] = Number(
      await suite.fund.positionLoss.estimateGas(MARKET_ID, wad(1), 0n),
    );
    rows.push(
      [
        "coverBankruptcy, fully covered (reward and shortfall paid to the exchange; buckets off)",
        results.gas["fund.coverBankruptcy.fullyCovered"],
      ],
      [
        "coverBankruptcy, fully covered, market and fund-wide buckets on (not binding)",
        results.gas["fund.coverBankruptcy.fullyCoveredWithBuckets"],
      ],
      [
        "coverBankruptcy while paused (all of it queued as the market's first pending claim)",
        results.gas["fund.coverBankruptcy.pausedQueued"],
      ],
      ["processPendingClaim (anyone; the whole claim paid, buckets on)", results.gas["fund.processPendingClaim"]],
      [
        "coverBankruptcy, the fund's limit reached, the backstop bears the rest (its first cover of the market)",
        results.gas["fund.coverBankruptcy.fundThenBackstop"],
      ],
      [
        "coverBankruptcy, the fund's limit used up, the backstop bears all of it",
        results.gas["fund.coverBankruptcy.backstopOnly"],
      ],
      [
        "coverBankruptcy, partly covered (limit reached, rest socialized)",
        results.gas["fund.coverBankruptcy.partlyCovered"],
      ],
      ["coverBankruptcy, socialized (limit used up, nothing paid)", results.gas["fund.coverBankruptcy.socialized"]],
      ["coverBankruptcy, bad debt (no open positions; first bad debt)", results.gas["fund.coverBankruptcy.badDebt"]],
      ["positionLoss (estimateGas of the view)", results.gas["fund.positionLoss.estimateGas"]],
    );
  }
  results.table(
    "The fund's exchange-facing calls",
    "Called directly by the market's exchange (an account), each in steady state: the fund has had fees, an " +
      "open-interest report and earlier bankruptcies, so no measured write goes from zero to non-zero except " +
      "the first bad debt. Transaction gasUsed, 21,000 and calldata included.",
    ["call", "gas"],
    rows,
  );
}
