// Scenario files (scenarios/schema.json): every shipped example loads, the demo's file is the demo's default run,
// and a bad file gets one line naming the field, before anything runs.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import { DEFAULT_DEMO_CONFIG } from "../../scripts/lib/demo/config.js";
import { pricePoints } from "../../scripts/lib/risk/paths.js";
import { loadScenario, parseScenario, ScenarioError } from "../../scripts/lib/risk/scenario.js";
import scenarioTask, { demoConfigOf } from "../../scripts/scenario-task.js";

const SCENARIOS = path.resolve("scenarios");

/** A valid scenario to break one field at a time. */
function base() {
  return {
    name: "t",
    suite: { policy: "spark" },
    markets: [
      {
        name: "ETH-PERP",
        insuranceLimit: 1000,
        path: { kind: "inline", prices: [2000, 1900] },
        traders: [{ count: 1, deposit: { min: 1000, max: 1000 }, leverage: { min: 2, max: 2 } }],
      },
    ],
  } as Record<string, any>;
}

function problemOf(raw: unknown, dir = SCENARIOS): string {
  try {
    parseScenario(raw, dir, "bad.json");
  } catch (error) {
    expect(error).to.be.instanceOf(ScenarioError);
    const message = (error as Error).message;
    expect(message.split("\n")).to.have.length(1);
    return message;
  }
  throw new Error("the scenario was accepted");
}

describe("risk lab: scenario files", function () {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "scenario-"));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("loads every shipped example, and replays each real window from its CSV as it is", async function () {
    const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith(".json") && f !== "schema.json");
    expect(files.length).to.be.at.least(6);
    for (const file of files) loadScenario(path.join(SCENARIOS, file));
    const replay = loadScenario(path.join(SCENARIOS, "replay-eth-2021-05-19.json"));
    const points = pricePoints(replay.markets[0].path, replay.dir, 1n);
    // 73 hourly closes; the first close (3354.76, candle opened 1621296000) holds from the path's start.
    expect(points).to.have.length(73);
    expect(points[0]).to.deep.equal({ t: 0, answer: 335_476_000_000n });
    expect(points[72].t).to.equal(72 * 3600);
  });

  it("scenarios/demo.json is the demo's default run", function () {
    expect(demoConfigOf(loadScenario(path.join(SCENARIOS, "demo.json")))).to.deep.equal(DEFAULT_DEMO_CONFIG);
  });

  it("names an unknown field", function () {
    const raw = base();
    raw.markets[0].insuranceLimt = 5;
    expect(problemOf(raw)).to.match(/^bad\.json: markets\[0\]\.insuranceLimt: unknown field/);
  });

  it("refuses a negative limit", function () {
    const raw = base();
    raw.markets[0].insuranceLimit = -5;
    expect(problemOf(raw)).to.equal("bad.json: markets[0].insuranceLimit: must be at least 0, got -5");
  });

  it("refuses an empty price path", function () {
    const raw = base();
    raw.markets[0].path.prices = [];
    expect(problemOf(raw)).to.equal("bad.json: markets[0].path.prices: must not be empty");
  });

  it("names a CSV's bad row and an empty CSV", async function () {
    await writeFile(path.join(tmp, "bad.csv"), "timestamp,price\n1621296000,3354.76\n1621299600,abc\n");
    await writeFile(path.join(tmp, "empty.csv"), "timestamp,price\n");
    const raw = base();
    raw.markets[0].path = { kind: "csv", file: "bad.csv" };
    expect(problemOf(raw, tmp)).to.equal(
      'bad.json: markets[0].path.file: bad.csv line 3: bad row "1621299600,abc" (expected timestamp,price: whole seconds, price > 0)',
    );
    raw.markets[0].path = { kind: "csv", file: "empty.csv" };
    expect(problemOf(raw, tmp)).to.equal("bad.json: markets[0].path.file: empty.csv: empty price path (no rows)");
  });

  it("names a wrong type, a missing field, an unknown path kind and a mechanism not on main yet", function () {
    let raw = base();
    raw.markets[0].traders[0].count = 1.5;
    expect(problemOf(raw)).to.equal("bad.json: markets[0].traders[0].count: must be an integer, got 1.5");
    raw = base();
    delete raw.markets[0].path;
    expect(problemOf(raw)).to.equal("bad.json: markets[0].path: required field missing");
    raw = base();
    raw.markets[0].path = { kind: "brownian" };
    expect(problemOf(raw)).to.match(/^bad\.json: markets\[0\]\.path\.kind: must be one of "inline", "csv", "gbm"/);
    raw = base();
    raw.suite.backstop = { size: 1 };
    expect(problemOf(raw)).to.equal("bad.json: suite.backstop: reserved for a mechanism not on main yet: leave it out");
  });

  it("stops the scenario task with one line and no report", async function () {
    const file = path.join(tmp, "negative.json");
    const raw = base();
    raw.markets[0].insuranceLimit = -1;
    await writeFile(file, JSON.stringify(raw));
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(" "));
    try {
      await scenarioTask({ file, seed: -1n, out: path.join(tmp, "reports") }, hre);
    } finally {
      console.error = original;
    }
    expect(process.exitCode).to.equal(1);
    process.exitCode = 0;
    expect(errors).to.deep.equal([`scenario: ${file}: markets[0].insuranceLimit: must be at least 0, got -1`]);
    expect(await readdir(tmp)).to.not.include("reports");
  });
});
