// The dashboard in a real browser: `hardhat node` in a child process, LocalBackstopSuite (LocalSuite with a staked
// backstop) deployed to it with a governance delay, a change scheduled with `hardhat govern`, the dashboard served by `hardhat dashboard`,
// and headless Chromium (Debian's `chromium`, driven by playwright-core) reading the page while a bankrupt
// liquidation happens on the node. Screenshots: reports/dashboard.png, reports/dashboard-node-down.png.
// About 30 to 60 s, so it is a step of its own: `npm run test:browser` (BROWSER_TEST=1; .ci/run installs
// Chromium and runs it); `npm test` skips it.
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { type Browser, chromium, type Page } from "playwright-core";

import LocalBackstopSuite from "../../deploy/modules/LocalBackstopSuite.js";
import { usdc, wad } from "../../lib/units.js";
import { LOCAL_PARAMETERS, readParameters } from "../helpers/deployment.js";
import {
  type HardhatNode,
  type HardhatProcess,
  runHardhat,
  startHardhatNode,
  startHardhatProcess,
} from "../helpers/hardhatNode.js";

type Connection = Awaited<ReturnType<typeof network.create>>;

const ROOT = process.cwd();
const CHROMIUM = "/usr/bin/chromium";
const REPORTS = path.join(ROOT, "reports");
const DEPLOYMENT_ID = `test-dashboard-${process.pid}`;
const ETH_PERP = 1n;
/** How soon the page must show what happened on the chain. */
const PAGE_LAG_MS = 5_000;
const CLI_TIMEOUT_MS = 90_000;

describe("dashboard: in a browser", function () {
  this.timeout(240_000);

  let node: HardhatNode | undefined;
  let connection: Connection | undefined;
  let dashboard: HardhatProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url: string;
  let fundAddress: string;
  let exchangeAddress: string;
  let feedAddress: string;

  before(async function () {
    if (process.env.BROWSER_TEST !== "1") {
      console.log("      (the browser test runs with `npm run test:browser`)");
      this.skip();
    }
    if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: apt-get install chromium`);
    node = await startHardhatNode({ cwd: ROOT, startTimeoutMs: 60_000 });
    connection = await network.create({ network: "localhost", override: { url: node.url } });
    const { ethers } = connection;
    const [deployer, , , , , alice, admin] = await ethers.getSigners();
    const local = await readParameters(LOCAL_PARAMETERS);
    const parameters = {
      ...local,
      $global: { ...local.$global, governanceDelay: 86_400, admin: admin.address, revokeAdminFrom: deployer.address },
    };
    const deployed = await connection.ignition.deploy(LocalBackstopSuite, { parameters, deploymentId: DEPLOYMENT_ID });
    fundAddress = await deployed.fund.getAddress();
    exchangeAddress = await deployed.exchange.getAddress();
    feedAddress = await deployed.feed.getAddress();
    const token = await ethers.getContractAt("MockUSDC", await deployed.usdc.getAddress());
    const fund = await ethers.getContractAt("InsuranceFund", fundAddress);
    const exchange = await ethers.getContractAt("ReferenceExchange", exchangeAddress);
    // 10,000 USDC in the fund; Alice long 4 ETH at 2,000 on 1,000 USDC (less the 8 USDC fee).
    await (await token.mint(deployer.address, usdc(10_000))).wait();
    await (await token.approve(fundAddress, usdc(10_000))).wait();
    await (await fund.deposit(usdc(10_000))).wait();
    await (await token.mint(alice.address, usdc(1_000))).wait();
    await (await token.connect(alice).approve(exchangeAddress, usdc(1_000))).wait();
    await (await exchange.connect(alice).deposit(ETH_PERP, usdc(1_000))).wait();
    await (await exchange.connect(alice).trade(ETH_PERP, wad(4))).wait();

    const env = { ...process.env, LOCALHOST_RPC_URL: node.url, INSURANCE_FUND_ADDRESS: "", DEPLOYMENT_ID: "" };
    // The governor (account 1) schedules a change: with a one-day delay it waits.
    const govern = await runHardhat(
      [
        "govern",
        "--network",
        "localhost",
        "--account",
        "1",
        "--fund",
        fundAddress,
        "--call",
        `setTreasury(${alice.address})`,
      ],
      { cwd: ROOT, env, timeoutMs: CLI_TIMEOUT_MS },
    );
    expect(govern.code, govern.stderr).to.equal(0);
    expect(govern.stdout).to.match(/^scheduled setTreasury \(operation 0x[0-9a-f]{64}\)$/m);
    expect(govern.stdout).to.match(/\(in 1 d\): run again with --execute$/m);

    const started = await startHardhatProcess(
      ["dashboard", "--network", "localhost", "--port", "0", "--fund", fundAddress],
      { cwd: ROOT, env, ready: /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/, timeoutMs: CLI_TIMEOUT_MS },
    );
    dashboard = started.process;
    url = started.match[1];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await dashboard?.stop();
    await connection?.close().catch(() => undefined);
    await node?.stop();
    await rm(path.join(ROOT, "deploy", "deployments", DEPLOYMENT_ID), { recursive: true, force: true });
  });

  it("test_dashboard_showsTheFundItsAlertsAndTheScheduledChange", async () => {
    await page.goto(url);
    await page.locator("#connection.live").waitFor();
    expect(await page.locator("#where").textContent()).to.contain(`${fundAddress} on chain 31337`);
    const cards = await page.locator("#cards").innerText();
    // 10,000 deposited and 20 % of Alice's 8 USDC fee (Spin's lowest band).
    expect(cards).to.contain("10,001.6 USDC");
    expect(cards).to.contain("200,000 USDC");
    const alerts = await page.locator("#alerts").innerText();
    expect(alerts).to.contain("The fund is below its floor: 10,001.6 USDC of 200,000 USDC");
    expect(alerts).to.match(/A change is scheduled: setTreasury\(0x[0-9a-fA-F]{40}\), executable in 1 d/);
    expect(await page.locator("#scheduled").innerText()).to.match(
      /setTreasury\(0x[0-9a-fA-F]{40}\) by 0x[0-9a-fA-F]{40}: in (23 h|1 d)/,
    );
    // Every optional part is on this fund: none reads "not on this fund".
    expect(await page.locator("#optional").innerText()).not.to.contain("not on this fund");
    // The backstop's panel: nobody staked yet; local.json's terms, income share and ETH-PERP's limit.
    const backstop = await page.locator("#backstop-panel").innerText();
    expect(backstop).to.match(/total assets\s+0 USDC/);
    expect(backstop).to.match(/income share\s+20\.00 % of the treasury's income/);
    expect(await page.locator(`#backstop-markets tr[data-market="1"]`).innerText()).to.contain("100,000 USDC");
    expect(await page.locator(`#markets tr[data-market="1"]`).innerText()).to.contain(exchangeAddress);
    // The charts are drawn (Vega's SVG), not an error.
    for (const chart of ["#chart-balance", "#chart-ratio", "#chart-limits"]) {
      await page.locator(`${chart} svg`).waitFor();
    }
    expect(await page.locator("#feed").innerText()).to.contain("Deposited: from");
  });

  it("test_dashboard_showsABankruptLiquidationsPayoutWithinSeconds", async () => {
    const { ethers } = connection!;
    const [, , , , , alice, , bob] = await ethers.getSigners();
    const feed = await ethers.getContractAt("MockPriceFeed", feedAddress);
    const exchange = await ethers.getContractAt("ReferenceExchange", exchangeAddress);
    await (await feed.setPrice(1_700n * 10n ** 8n)).wait();
    // Alice's equity is 992 - 1,200 = -208: the fund bears Bob's reward (34) and the 208 shortfall and pays them to
    // the exchange, which pays Bob.
    await (await exchange.connect(bob).liquidate(alice.address, ETH_PERP)).wait();
    const mined = Date.now();
    const payout = page.locator(`#feed li[data-event="BankruptcyCovered"]`);
    await payout.waitFor({ timeout: PAGE_LAG_MS });
    const lagMs = Date.now() - mined;
    console.log(`      the page showed the payout ${lagMs} ms after the liquidation was mined`);
    expect(await payout.innerText()).to.contain("fundShortfall 208 USDC");
    expect(await payout.innerText()).to.contain("paidNow 242 USDC");
    const flows = await page.locator("#flows").innerText();
    expect(flows).to.match(/paid to exchanges\s+242 USDC/);
    expect(flows).to.match(/rewards borne\s+34 USDC/);
    expect(await page.locator("#cards").innerText()).to.contain("9,759.6 USDC");
    expect(await page.locator(`#markets tr[data-market="1"]`).innerText()).to.contain("242 USDC");
    await mkdir(REPORTS, { recursive: true });
    await page.screenshot({ path: path.join(REPORTS, "dashboard.png"), fullPage: true });
    console.log(`      screenshot: ${path.relative(ROOT, path.join(REPORTS, "dashboard.png"))}`);
  });

  it("test_govern_executesTheChangeOnceReadyAndThePageDropsIt", async () => {
    const env = { ...process.env, LOCALHOST_RPC_URL: node!.url, INSURANCE_FUND_ADDRESS: "", DEPLOYMENT_ID: "" };
    const [, , , , , alice] = await connection!.ethers.getSigners();
    const args = ["govern", "--network", "localhost", "--account", "1", "--fund", fundAddress];
    const call = ["--call", `setTreasury(${alice.address})`];
    const early = await runHardhat([...args, ...call, "--execute"], { cwd: ROOT, env, timeoutMs: CLI_TIMEOUT_MS });
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/^govern: setTreasury is executable from \S+ \(in 23 h \d+ min \d+ s\)$/m);
    await connection!.networkHelpers.time.increase(86_400);
    const done = await runHardhat([...args, ...call, "--execute"], { cwd: ROOT, env, timeoutMs: CLI_TIMEOUT_MS });
    expect(done.code, done.stderr).to.equal(0);
    expect(done.stdout).to.match(/^executed setTreasury \(operation 0x[0-9a-f]{64}\) in 0x[0-9a-f]{64}$/m);
    await page.locator("#scheduled li", { hasText: "nothing scheduled" }).waitFor({ timeout: PAGE_LAG_MS });
    expect(await page.locator("#alerts").innerText()).not.to.contain("A change is scheduled");
    // The cards may come from the next poll: the new treasury shows within the same bound as the rest.
    await page.locator("#cards", { hasText: `to ${alice.address}` }).waitFor({ timeout: PAGE_LAG_MS });
  });

  it("test_dashboard_saysSoWhenItCannotReachItsNode", async () => {
    await node!.stop();
    const banner = page.locator("#node-error");
    await banner.waitFor({ state: "visible", timeout: 20_000 });
    expect(await banner.innerText()).to.match(
      /^cannot read the fund from the node at localhost: .*\(below: the last state read, block \d+\)$/,
    );
    expect(await page.locator("#connection").innerText()).to.equal("no node");
    await page.screenshot({ path: path.join(REPORTS, "dashboard-node-down.png") });
  });
});
