// `npm run demo`'s simulation (scripts/lib/demo/), run short: 12 traders over 14 days instead of 36 over 24. It
// must tell the whole story (bankruptcies covered by the fund, a loss socialized once the market's limit is used
// up, a surplus swept once the 7-day average falls; with a payout limit, the same allocation paid later), keep its
// books (money conserved, the fund's balance moving by exactly its income less its payouts), give the same rows
// for the same seed, and write its report with a chart.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import {
  actOf,
  DEFAULT_DEMO_CONFIG,
  type DemoConfig,
  DemoConfigError,
  scheduleFor,
  validateConfig,
} from "../../scripts/lib/demo/config.js";
import { backstopLines, DEMO_STAKERS } from "../../scripts/lib/demo/backstop.js";
import { tableLines } from "../../scripts/lib/demo/format.js";
import { allocationDifferences, allocationOf, payoutLimitLines, pendingDays } from "../../scripts/lib/demo/payouts.js";
import { reportBaseName, reportMarkdown, writeReport } from "../../scripts/lib/demo/report.js";
import { type DemoResult, demoNetworkParams, runDemo } from "../../scripts/lib/demo/simulation.js";
import { expectConserved } from "../helpers/conservation.js";
import { MAX_UINT128, usdc } from "../../lib/units.js";

/** A short market whose acts all happen with this seed (other seeds may skip one; the default run does not). */
const SHORT: DemoConfig = { ...DEFAULT_DEMO_CONFIG, seed: 3n, days: 14, traders: 12, ordersPerDay: 60 };
const FLOOR = usdc(200_000); // deploy/parameters/local.json, docs/behaviour.md 5.2

async function play(config: DemoConfig) {
  const connection = await network.create(demoNetworkParams(config));
  return { connection, result: await runDemo(connection, config) };
}

describe("demo: a market crash through the reference exchange", function () {
  this.timeout(120_000);

  let connection: Awaited<ReturnType<typeof play>>["connection"];
  let result: DemoResult;

  before(async () => {
    ({ connection, result } = await play(SHORT));
  });

  it("test_runDemo_completesEveryDayInActOrder", () => {
    const s = scheduleFor(SHORT.days);
    expect(result.schedule).to.deep.equal(s);
    expect(result.rows.map((r) => r.day)).to.deep.equal([...Array(SHORT.days + 1).keys()]);
    expect(result.rows.map((r) => r.act)).to.deep.equal([
      "setup",
      ...Array(s.firstDrop - 1).fill("trading"),
      "crash",
      ...Array(s.secondDrop - s.firstDrop - 1).fill("aftershock"),
      "second drop",
      ...Array(s.windDown - s.recovery).fill("recovery"),
      ...Array(SHORT.days - s.windDown + 1).fill("wind-down"),
    ]);
    expect(result.rows.every((r) => r.conserved)).to.equal(true);
    // Day 0: the floor seeded by a plain deposit, nothing else yet.
    const setup = result.rows[0];
    expect([setup.deposited, setup.fundBalance, setup.target, setup.insuranceLimit]).to.deep.equal([
      FLOOR,
      FLOOR,
      FLOOR,
      SHORT.insuranceLimit,
    ]);
    expect(result.rows.slice(1).reduce((n, r) => n + r.trades, 0)).to.be.greaterThan(100);
  });

  it("test_runDemo_theFundCoversTheFirstCrashsBankruptcies", () => {
    const crash = result.rows[result.schedule.firstDrop];
    // The gap: -13 % at once, to the cent (10^16 in 18 decimals).
    const cent = 10n ** 16n;
    expect(crash.gapToWad).to.equal(((crash.gapFromWad * BigInt(10_000 - SHORT.firstDropBps)) / 10_000n / cent) * cent);
    expect(crash.bankruptcies).to.be.greaterThan(0);
    expect(crash.liquidations).to.be.greaterThan(crash.bankruptcies);
    expect(crash.fundRewards).to.be.greaterThan(0n);
    expect(crash.fundShortfalls).to.be.greaterThan(0n);
    // The exchange paid the keepers the bankrupt accounts' capped rewards, and the fund bore all of them.
    expect(crash.bankruptKeeperRewards).to.equal(crash.fundRewards);
    expect(crash.keeperRewards).to.be.greaterThan(crash.bankruptKeeperRewards);
    expect(crash.insurancePaid).to.be.lessThan(SHORT.insuranceLimit);
    // Covered in full: nothing spread over the other positions, no bad debt, before the second drop.
    for (const r of result.rows.slice(0, result.schedule.secondDrop)) {
      expect([r.socialized, r.badDebt], `day ${r.day}`).to.deep.equal([0n, 0n]);
    }
  });

  it("test_runDemo_socializesOnlyOnceTheLimitIsReached", () => {
    const second = result.rows[result.schedule.secondDrop];
    expect(second.bankruptcies).to.be.greaterThan(0);
    expect(second.socialized).to.be.greaterThan(0n);
    expect(second.insurancePaid).to.equal(SHORT.insuranceLimit);
    expect(second.paidOut).to.equal(SHORT.insuranceLimit - result.rows[result.schedule.secondDrop - 1].insurancePaid);
    // The limit ran out, not the fund: it still holds more than its floor.
    expect(second.fundBalance).to.be.greaterThan(FLOOR);
    // The survivors were settled at once (they paid their share of the loss).
    expect(second.settlements).to.be.greaterThan(0);
    expect(second.settled).to.be.greaterThan(0n);
    for (const r of result.rows) {
      if (r.socialized > 0n) expect(r.insurancePaid, `day ${r.day}`).to.equal(r.insuranceLimit);
      expect(r.badDebt, `day ${r.day}`).to.equal(0n);
    }
    // The keepers of the bankrupt accounts were paid in the second drop too, by the exchange, beyond what the
    // limit let the fund bear.
    expect(second.bankruptKeeperRewards).to.be.greaterThan(second.fundRewards);
    expect(second.keeperRewards).to.be.at.least(second.bankruptKeeperRewards);
    // Nothing is paid out once the limit is used up.
    for (const r of result.rows.slice(result.schedule.secondDrop + 1)) expect(r.paidOut, `day ${r.day}`).to.equal(0n);
  });

  it("test_runDemo_sweepsTheSurplusOnceTheAverageFalls", () => {
    const sweeps = result.rows.filter((r) => r.swept > 0n);
    expect(sweeps.length).to.be.greaterThan(0);
    for (const r of sweeps) {
      expect(r.act, `day ${r.day}`).to.equal("wind-down");
      // A sweep leaves the fund at its target (which may fall further before the row is read), never below.
      expect(r.fundBalance, `day ${r.day}`).to.be.at.least(r.target);
      expect(r.target, `day ${r.day}`).to.be.at.least(FLOOR);
      expect(r.treasury - result.rows[r.day - 1].treasury, `day ${r.day}`).to.be.at.least(r.swept);
    }
    // The fund refilled above its floor after the payouts, and the target fell to the floor with the average.
    const last = result.rows[result.rows.length - 1];
    expect(last.target).to.equal(FLOOR);
    expect(last.averageOpenInterest * 500n).to.be.lessThan(FLOOR * 10_000n);
  });

  it("test_runDemo_fundBalanceMovesByIncomeLessPayouts", () => {
    for (let i = 1; i < result.rows.length; i++) {
      const [before, r] = [result.rows[i - 1], result.rows[i]];
      expect(r.paidOut, `day ${r.day}`).to.equal(r.fundRewards + r.fundShortfalls);
      // The suite's payout buckets are disabled and the fund is never paused: everything is paid at once.
      expect([r.paidToExchange, r.pending, r.pendingAdded], `day ${r.day}`).to.deep.equal([r.paidOut, 0n, 0n]);
      expect([r.marketBucket.capacity, r.fundBucket.capacity], `day ${r.day}`).to.deep.equal([
        MAX_UINT128,
        MAX_UINT128,
      ]);
      expect(r.fundBalance - before.fundBalance, `day ${r.day}`).to.equal(r.deposited + r.income - r.paidOut - r.swept);
      expect(r.insurancePaid - before.insurancePaid, `day ${r.day}`).to.equal(r.paidOut);
      expect(r.treasury, `day ${r.day}`).to.be.at.least(before.treasury);
      expect(r.minted, `day ${r.day}`).to.be.at.least(before.minted);
    }
    // The fund earned something on every day with trades until its ratio reached the top band.
    for (const r of result.rows.filter((row) => row.trades > 0 && row.act === "trading")) {
      expect(r.income, `day ${r.day}`).to.be.greaterThan(0n);
    }
  });

  it("test_runDemo_conservesEveryToken", async () => {
    // The demo checked conservation at every row (it throws otherwise); check the end once more, from outside.
    const { ethers } = connection;
    const token = await ethers.getContractAt("MockUSDC", result.addresses.token);
    // What was socialized and not yet settled is what the exchange still expects from its positions.
    const exchange = await ethers.getContractAt("ReferenceExchange", result.addresses.exchange);
    const socialized = result.rows.reduce((sum, r) => sum + r.socialized, 0n);
    const settled = result.rows.reduce((sum, r) => sum + r.settled, 0n);
    expect(await exchange.unsettledSocializedLoss()).to.equal(socialized - settled);
    const signers = await ethers.getSigners();
    const holders = [...signers.map((s) => s.address), result.addresses.exchange, result.addresses.fund];
    await expectConserved(token, holders, result.rows[result.rows.length - 1].minted, "end of the demo");
  });

  it("test_runDemo_abortsWhenMoneyAppearsFromNowhere", async () => {
    // One unit minted to an address the demo does not know, after day 1: the check of day 2 must stop the demo.
    const c = await network.create(demoNetworkParams(SHORT));
    const stranger = "0x000000000000000000000000000000000000dEaD";
    let error: unknown;
    try {
      await runDemo(c, SHORT, async (row, _schedule, addresses) => {
        if (row.day !== 1) return;
        await (await c.ethers.getContractAt("MockUSDC", addresses.token)).mint(stranger, 1n);
      });
    } catch (caught) {
      error = caught;
    }
    expect(error, "the demo went on").to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/conservation: supply, day 2 \(trading\)/);
  });

  it("test_runDemo_sameSeedSameRows", async () => {
    const { result: again } = await play(SHORT);
    expect(again.rows).to.deep.equal(result.rows);
    expect(again.addresses).to.deep.equal(result.addresses);
  });

  it("test_runDemo_otherSeedOtherRows", async () => {
    const { result: other } = await play({ ...SHORT, seed: 5n });
    expect(other.rows[0]).to.deep.equal({ ...result.rows[0], minted: other.rows[0].minted });
    expect(other.rows[0].minted).to.not.equal(result.rows[0].minted); // other deposits
    expect(other.rows[1].priceWad).to.not.equal(result.rows[1].priceWad);
    expect(other.rows.map((r) => r.fundBalance)).to.not.deep.equal(result.rows.map((r) => r.fundBalance));
  });

  it("test_writeReport_writesMarkdownWithAnSvgChart", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "demo-report-"));
    try {
      const files = await writeReport(result, dir);
      expect(path.basename(files.markdown)).to.equal(`${reportBaseName(SHORT)}.md`);
      expect(path.basename(files.markdown)).to.equal("demo-spin-3.md");
      const markdown = await readFile(files.markdown, "utf8");
      const svg = await readFile(files.svg, "utf8");
      expect(svg.startsWith("<svg")).to.equal(true);
      expect(svg).to.contain("Fund balance against its target");
      expect(svg).to.contain("Open interest");
      expect(markdown).to.contain(
        `![Fund balance against target, open interest and the fund's daily flows](demo-spin-3.svg)`,
      );
      for (const act of ["Setup", "Trading", "Crash", "Second drop", "Recovery", "Wind-down"]) {
        expect(markdown).to.contain(`**${act} (`);
      }
      expect(markdown).to.contain("every keeper was paid");
      expect(markdown).to.contain("the market's payout bucket has no limit, the fund-wide one has no limit");
      // One table row per day.
      const tableRows = markdown.split("\n").filter((line) => /^\| \d+ \|/.test(line));
      expect(tableRows.length).to.equal(SHORT.days + 1);
      expect(tableLines(result.rows, "spin").length).to.equal(SHORT.days + 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe("settings", () => {
    it("test_scheduleFor_theDefaultCalendar", () => {
      // 24 days: six of trading, the crash on day 7, the second drop on day 10, recovery, a week of wind-down.
      const s = scheduleFor(24);
      expect(s).to.deep.equal({ days: 24, firstDrop: 7, secondDrop: 10, recovery: 11, windDown: 17 });
      expect([0, 1, 6, 7, 8, 9, 10, 11, 16, 17, 24].map((day) => actOf(day, s))).to.deep.equal([
        "setup",
        "trading",
        "trading",
        "crash",
        "aftershock",
        "aftershock",
        "second drop",
        "recovery",
        "recovery",
        "wind-down",
        "wind-down",
      ]);
      // The shortest run still has two days of trading, an aftershock and seven days of wind-down.
      expect(scheduleFor(12)).to.deep.equal({ days: 12, firstDrop: 3, secondDrop: 5, recovery: 6, windDown: 7 });
    });

    it("test_validateConfig_rejectsWhatTheCommandLineCannotMean", () => {
      expect(validateConfig(DEFAULT_DEMO_CONFIG)).to.equal(DEFAULT_DEMO_CONFIG);
      const bad: [Partial<DemoConfig>, RegExp][] = [
        [{ policy: "spun" as DemoConfig["policy"] }, /--policy must be spin or spark, got "spun"/],
        [{ seed: -1n }, /--seed/],
        [{ seed: 1n << 64n }, /--seed/],
        [{ days: 11 }, /--days must be an integer from 12 to 120, got 11/],
        [{ days: 12.5 }, /--days/],
        [{ traders: 7 }, /--traders must be an integer from 8 to 200, got 7/],
        [{ insuranceLimit: 0n }, /insurance limit/],
        [{ firstDropBps: 10_000 }, /firstDropBps/],
        [{ policy: "spark", backstop: true }, /--backstop runs with Spin's target bands/],
        [{ payoutPerDay: -1n }, /--payout-per-day must be 0 \(no limit\) or a positive amount/],
        [{ payoutPerDay: 1n << 128n }, /--payout-per-day/],
      ];
      for (const [change, message] of bad) {
        expect(() => validateConfig({ ...DEFAULT_DEMO_CONFIG, ...change }), String(message))
          .to.throw(DemoConfigError)
          .with.property("message")
          .that.matches(message);
      }
    });
  });

  describe("with --backstop", () => {
    // The short market again, with three stakers behind the fund (LocalBackstopSuite's 100,000 USDC limit for
    // ETH-PERP, 20 % of the treasury's income, a 10-day cooldown): the leaver asks on day 3 and claims on day 14.
    const BACKSTOP: DemoConfig = { ...SHORT, backstop: true };
    const STAKED = DEMO_STAKERS.reduce((total, s) => total + usdc(s.stake), 0n);
    const LIMIT = usdc(100_000);
    let run: DemoResult;

    before(async () => {
      ({ result: run } = await play(BACKSTOP));
    });

    it("test_runDemo_backstopEarnsThenAbsorbsBeyondTheFundsLimit", () => {
      const { rows, schedule } = run;
      expect(result.rows.every((r) => r.backstop === undefined)).to.equal(true);
      expect(rows.every((r) => r.conserved && r.backstop !== undefined)).to.equal(true);
      const at = (day: number) => rows[day].backstop!;
      expect([at(0).totalAssets, at(0).sharePrice]).to.deep.equal([STAKED, usdc(1)]);
      // Before the crash: income streamed in, the share price rose, nothing was covered.
      const beforeCrash = at(schedule.firstDrop - 1);
      expect(rows.slice(1, schedule.firstDrop).every((r) => r.backstop!.income > 0n)).to.equal(true);
      expect(beforeCrash.sharePrice).to.be.greaterThan(at(0).sharePrice);
      // Its part comes after the fund's: only once the fund's limit is used up, within its own limit.
      let covered = 0n;
      for (const r of rows) {
        if (r.backstop!.covered > 0n) expect(r.insurancePaid, `day ${r.day}`).to.equal(r.insuranceLimit);
        covered += r.backstop!.covered;
      }
      const second = rows[schedule.secondDrop];
      expect(second.backstop!.covered).to.be.greaterThan(0n);
      expect(covered).to.be.at.most(LIMIT);
      expect(second.backstop!.sharePrice).to.be.lessThan(at(schedule.secondDrop - 1).sharePrice);
      // Less was socialized than without it, by what it bore.
      expect(second.socialized).to.be.lessThan(result.rows[schedule.secondDrop].socialized);
    });

    it("test_runDemo_theLeaverIsPaidTheSmallerValue", () => {
      const { exit } = run.backstop!;
      expect(exit.name).to.equal("leaver");
      expect(exit.requestDay).to.equal(run.schedule.firstDrop - 1);
      expect(exit.shares).to.be.greaterThan(0n);
      expect(exit.claims.length).to.be.greaterThan(0);
      for (const claim of exit.claims) {
        // Claimed after the 10-day cooldown, at no more than either value (the loss came after the request).
        expect(claim.day).to.be.at.least(exit.requestDay + 10);
        const atRequest = (exit.valueAtRequest * claim.shares) / exit.shares;
        expect(claim.paid).to.be.at.most(atRequest);
        expect(claim.paid).to.be.at.most(claim.valueNow + 1n);
        expect(claim.paid).to.be.greaterThan(0n);
      }
      const lines = backstopLines(run);
      expect(lines[0]).to.match(/^Backstop 0x[0-9a-fA-F]{40}: fund-of-funds 180,000 USDC/);
      expect(lines.some((line) => line.includes(`second drop (day ${run.schedule.secondDrop})`))).to.equal(true);
      expect(reportMarkdown(run, "x.svg")).to.contain("## The staked backstop");
      expect(reportBaseName(BACKSTOP)).to.equal("demo-spin-backstop-3");
      expect(backstopLines(result)).to.deep.equal([]);
    });
  });

  describe("with --payout-per-day", () => {
    // The short market again, ETH-PERP's payouts limited to 5,000 USDC a day: the crash is paid in full, later.
    const PER_DAY = usdc(5_000);
    const LIMITED: DemoConfig = { ...SHORT, payoutPerDay: PER_DAY };
    let run: DemoResult;

    before(async () => {
      ({ result: run } = await play(LIMITED));
    });

    it("test_runDemo_payoutLimitHoldsTheCrashBackThenPaysItAll", () => {
      const { rows, schedule } = run;
      expect(rows.every((r) => r.conserved)).to.equal(true);
      expect(rows[0].marketBucket).to.deep.equal({ available: PER_DAY, capacity: PER_DAY });
      expect(result.rows.every((r) => r.pending === 0n && r.marketBucket.capacity === MAX_UINT128)).to.equal(true);
      for (const day of [schedule.firstDrop, schedule.secondDrop]) {
        expect(rows[day].pendingAdded, `day ${day}`).to.be.greaterThan(0n);
        expect(rows[day].pending, `day ${day}`).to.be.greaterThan(0n);
      }
      const last = rows[rows.length - 1];
      expect(last.pending).to.equal(0n);
      const borne = rows.reduce((n, r) => n + r.paidOut, 0n);
      expect(rows.reduce((n, r) => n + r.paidToExchange, 0n)).to.equal(borne);
      // No day paid the exchange more than the bucket could hold and regain since the day before.
      for (const r of rows.slice(1)) expect(r.paidToExchange, `day ${r.day}`).to.be.at.most(PER_DAY * 2n);
      // When the exchange was paid moved; who bore what did not.
      expect(allocationOf(rows)).to.deep.equal(allocationOf(result.rows));
      expect(rows.map((r) => r.fundBalance)).to.deep.equal(result.rows.map((r) => r.fundBalance));
      const paid = pendingDays(rows).filter((d) => d.paidFromPending > 0n);
      expect(paid.length).to.be.greaterThan(2);
      expect(paid.reduce((n, d) => n + d.paidFromPending, 0n)).to.equal(rows.reduce((n, r) => n + r.pendingAdded, 0n));
    });

    it("test_payoutLimitLines_tellTheDaysAndTheAllocation", () => {
      expect(payoutLimitLines(result)).to.deep.equal([]);
      const lines = payoutLimitLines({ ...run, withoutPayoutLimit: allocationOf(result.rows) });
      expect(lines[0]).to.match(/^Payout limit: ETH-PERP's bucket holds 5,000 USDC/);
      expect(lines.some((line) => line.includes(`day ${run.schedule.firstDrop} (crash)`))).to.equal(true);
      expect(lines.some((line) => /everything allocated was paid, later/.test(line))).to.equal(true);
      expect(lines[lines.length - 1]).to.match(/^ {2}the allocation equals the same run without the limit: fund/);
      const markdown = reportMarkdown({ ...run, withoutPayoutLimit: allocationOf(result.rows) }, "x.svg");
      expect(markdown).to.contain("## Payout limit");
      expect(markdown).to.contain("--payout-per-day 5000");
      expect(reportBaseName(LIMITED)).to.equal("demo-spin-payout-5000-3");
      // A figure that differs is named with both values.
      const other = { ...allocationOf(result.rows), swept: 1n };
      expect(allocationDifferences(allocationOf(run.rows), other)).to.deep.equal(["swept"]);
      expect(payoutLimitLines({ ...run, withoutPayoutLimit: other }).at(-1)).to.match(
        /differs from the same run without the limit: .*swept .* USDC \(without: 0 USDC\)/,
      );
    });
  });
});
