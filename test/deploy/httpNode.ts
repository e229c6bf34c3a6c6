// The suite over HTTP: `npx hardhat node` in a child process, LocalSuite deployed to it through Ignition (which
// writes the deployment to deploy/deployments/<id>), then read back, by ethers and by the status command.
import { readFile, rm } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import LocalSuite from "../../deploy/modules/LocalSuite.js";
import { fundStatusLines } from "../../scripts/lib/status.js";
import { LOCAL_PARAMETERS, parameter, readParameters } from "../helpers/deployment.js";
import { type HardhatNode, runHardhat, startHardhatNode } from "../helpers/hardhatNode.js";

type Connection = Awaited<ReturnType<typeof network.create>>;

const ROOT = process.cwd();
const DEPLOYMENTS = path.join(ROOT, "deploy", "deployments");
const DEPLOYMENT_ID = `test-http-node-${process.pid}`;
const NODE_START_TIMEOUT_MS = 60_000;
const CLI_TIMEOUT_MS = 90_000;

describe("deploy: over HTTP to `hardhat node`", function () {
  this.timeout(240_000);

  let node: HardhatNode | undefined;
  let connection: Connection | undefined;
  let fundAddress: string;
  let exchangeAddress: string;

  /** The environment of a child `hardhat run`: pointed at the node, nothing inherited that steers the status. */
  function statusEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LOCALHOST_RPC_URL: node!.url,
      INSURANCE_FUND_ADDRESS: "",
      DEPLOYMENT_ID: "",
      MARKET_IDS: "",
      STATUS_FROM_BLOCK: "",
      ...overrides,
    };
  }

  before(async () => {
    node = await startHardhatNode({ cwd: ROOT, startTimeoutMs: NODE_START_TIMEOUT_MS });
    connection = await network.create({ network: "localhost", override: { url: node.url } });
    const deployed = await connection.ignition.deploy(LocalSuite, {
      parameters: LOCAL_PARAMETERS,
      deploymentId: DEPLOYMENT_ID,
    });
    fundAddress = await deployed.fund.getAddress();
    exchangeAddress = await deployed.exchange.getAddress();
  });

  after(async () => {
    await connection?.close().catch(() => undefined);
    await node?.stop();
    await rm(path.join(DEPLOYMENTS, DEPLOYMENT_ID), { recursive: true, force: true });
  });

  it("test_httpNode_isTheNodeNotTheInProcessChain", async () => {
    expect(connection!.networkConfig.type).to.equal("http");
    const blockNumber = await connection!.ethers.provider.getBlockNumber();
    const nodeBlockNumber = await fetch(node!.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    }).then(async (response) => BigInt(((await response.json()) as { result: string }).result));
    expect(BigInt(blockNumber)).to.equal(nodeBlockNumber);
    expect(nodeBlockNumber > 0n).to.equal(true);
  });

  it("test_httpNode_readsTheFundBack", async () => {
    const { ethers } = connection!;
    const local = await readParameters(LOCAL_PARAMETERS);
    const fund = await ethers.getContractAt("InsuranceFund", fundAddress);
    const [, , , , treasury] = await ethers.getSigners();
    expect(await fund.floor()).to.equal(parameter(local, "LocalSuite", "floor"));
    expect(await fund.targetShareBps()).to.equal(BigInt(parameter(local, "LocalSuite", "targetShareBps")));
    expect(await fund.treasury()).to.equal(treasury.address);
    const market = await fund.market(BigInt(parameter(local, "LocalSuite", "ethPerpMarketId")));
    expect(market.exchange).to.equal(exchangeAddress);
    const exchange = await ethers.getContractAt("ReferenceExchange", exchangeAddress);
    expect((await exchange.market(1n)).params.tradingFeeBps).to.equal(
      BigInt(parameter(local, "LocalSuite", "ethPerpExchangeParams").tradingFeeBps),
    );
    expect(market.insuranceLimit).to.equal(parameter(local, "LocalSuite", "ethPerpInsuranceLimit"));
  });

  it("test_httpNode_ignitionWroteTheDeployment", async () => {
    const file = path.join(DEPLOYMENTS, DEPLOYMENT_ID, "deployed_addresses.json");
    const addresses = JSON.parse(await readFile(file, "utf8"));
    expect(addresses["LocalSuite#InsuranceFund"]).to.equal(fundAddress);
    const lines = await fundStatusLines(connection!.ethers, { DEPLOYMENT_ID }, DEPLOYMENTS);
    expect(lines[0]).to.equal(
      `Insurance fund:  ${fundAddress} on chain 31337 (LocalSuite#InsuranceFund in deploy/deployments/${DEPLOYMENT_ID})`,
    );
    expect(lines[2]).to.equal("Balance:         0 USDC");
  });

  it("test_statusCommand_printsTheFundFromTheDeployment", async () => {
    const result = await runHardhat(["run", "--no-compile", "scripts/status.ts", "--network", "localhost"], {
      cwd: ROOT,
      env: statusEnv({ DEPLOYMENT_ID }),
      timeoutMs: CLI_TIMEOUT_MS,
    });
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).to.equal(
      `Insurance fund:  ${fundAddress} on chain 31337 (LocalSuite#InsuranceFund in deploy/deployments/${DEPLOYMENT_ID})`,
    );
    expect(lines).to.include(
      "Target:          200,000 USDC = max(5.00 % of the average open interest, floor 200,000 USDC)",
    );
    expect(lines).to.include("  market 1:");
  });

  it("test_statusCommand_oneLineAndExitCode1ForAnAddressWithoutCode", async () => {
    const nobody = "0x000000000000000000000000000000000000dEaD";
    const result = await runHardhat(["run", "--no-compile", "scripts/status.ts", "--network", "localhost"], {
      cwd: ROOT,
      env: statusEnv({ INSURANCE_FUND_ADDRESS: nobody }),
      timeoutMs: CLI_TIMEOUT_MS,
    });
    expect(result.code).to.equal(1);
    expect(result.stdout.trim()).to.equal("");
    // npm may add its own warnings when the test runs under npx; the command's own output is one line.
    const own = result.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("npm warn"));
    expect(own).to.deep.equal([`status: no contract at ${nobody} on chain 31337 (from INSURANCE_FUND_ADDRESS)`]);
  });
});
