import { createRequire } from "node:module";
import "dotenv/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

// The compiler comes from the pinned npm `solc` package: no download is needed, and the version
// label is read from the same package so the two can never drift apart.
const require = createRequire(import.meta.url);
const solcVersion: string = require("solc/package.json").version;
const solcPath = require.resolve("solc/soljson.js");

// `cancun` is accepted by Ethereum and the major L2s (Arbitrum, Optimism, Base, Polygon zkEVM).
const EVM_VERSION = "cancun";
const COMPILER = {
  version: solcVersion,
  path: solcPath,
  // viaIR: smaller deployed code and a cheaper collectFee for a slower full build (the figures: README, "Coverage
  // and gas"). Deploy from these built artifacts: a contract built without viaIR is other bytecode.
  settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs: 10_000 }, viaIR: true },
};

// `npx hardhat demo` (`npm run demo`): a market crash on the in-process chain, a table and a report with a chart.
// A task, because `hardhat run` passes no arguments to its script. Defaults: scripts/lib/demo/config.ts.
const demoTask = task("demo", "Play a market crash through the reference exchange and report on the insurance fund")
  .addOption({ name: "policy", description: "The fee policy: spin or spark", defaultValue: "spin" })
  .addOption({ name: "seed", description: "Seeds the market", type: ArgumentType.BIGINT, defaultValue: 1n })
  .addOption({ name: "days", description: "Simulated days (12 to 120)", type: ArgumentType.INT, defaultValue: 24 })
  .addOption({ name: "traders", description: "Traders (8 to 200)", type: ArgumentType.INT, defaultValue: 36 })
  .addOption({
    name: "limit",
    description: "ETH-PERP's insurance limit, whole USDC",
    type: ArgumentType.BIGINT,
    defaultValue: 40_000n,
  })
  .addOption({ name: "out", description: "The report's directory", defaultValue: "reports" })
  .addFlag({ name: "backstop", description: "A staked backstop behind the fund (LocalBackstopSuite, Spin only)" })
  .addOption({
    name: "payoutPerDay",
    description: "ETH-PERP's payout bucket, whole USDC a day (0: no limit); the rest waits as a pending claim",
    type: ArgumentType.BIGINT,
    defaultValue: 0n,
  })
  .setAction(() => import("./scripts/demo-task.js"))
  .build();

// `npx hardhat bench` (`npm run bench`, `bench:check`, `bench:update`): the gas benchmark and the deployed bytecode
// sizes against gas-snapshot.json. See scripts/bench-task.ts.
const benchTask = task("bench", "Measure the module's gas and the contracts' sizes against gas-snapshot.json")
  .addFlag({ name: "check", description: "Fail above the snapshot's tolerances or a size budget (CI)" })
  .addFlag({ name: "update", description: "Rewrite gas-snapshot.json from this run (budgets are kept)" })
  .addOption({ name: "positions", description: "Open-position counts, comma-separated", defaultValue: "1,100,10000" })
  .setAction(() => import("./scripts/bench-task.js"))
  .build();

// `npx hardhat dashboard --network <name>` (`npm run dashboard -- --network localhost`): the fund's dashboard on
// 127.0.0.1. See scripts/dashboard-task.ts.
const dashboardTask = task("dashboard", "Serve the insurance fund's dashboard on 127.0.0.1, updated on new blocks")
  .addOption({ name: "port", description: "The port (0: any free one)", type: ArgumentType.INT, defaultValue: 8090 })
  .addOption({
    name: "fund",
    description: "The fund's address (default: the chain's Ignition deployment)",
    defaultValue: "",
  })
  .addOption({
    name: "fromBlock",
    description: "First block of the fund's history",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .setAction(() => import("./scripts/dashboard-task.js"))
  .build();

// `npx hardhat govern --network <name> --call "setTreasury(0x...)"`: schedule, --execute or --cancel a
// governance call on the fund through its AccessManager. See scripts/govern-task.ts and docs/runbook.md.
const governTask = task("govern", "Make, schedule, execute or cancel a governance call on the fund")
  .addOption({ name: "call", description: 'The call, e.g. "setTreasury(0x...)" (tuples as JSON)', defaultValue: "" })
  .addFlag({ name: "execute", description: "Execute the call scheduled earlier by this account" })
  .addFlag({ name: "cancel", description: "Cancel the scheduled call" })
  .addOption({
    name: "caller",
    description: "With --cancel: who scheduled it (default: this account)",
    defaultValue: "",
  })
  .addOption({
    name: "fund",
    description: "The fund's address (default: the chain's Ignition deployment)",
    defaultValue: "",
  })
  .addOption({
    name: "account",
    description: "Which of the network's accounts sends it",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .addFlag({ name: "calldata", description: "Print the transactions for a multisig; send nothing" })
  .setAction(() => import("./scripts/govern-task.js"))
  .build();

// `npx hardhat scenario <file>` (`npm run scenario -- <file>`): a scenario file (scenarios/) through the real
// contracts on the in-process chain, checked against the model tick by tick; a report with a chart.
const scenarioTask = task("scenario", "Run a scenario file through the contracts on the in-process chain")
  .addPositionalArgument({ name: "file", description: "The scenario file (scenarios/*.json)" })
  .addOption({ name: "seed", description: "Overrides the file's seed", type: ArgumentType.BIGINT, defaultValue: -1n })
  .addOption({ name: "out", description: "The report's directory", defaultValue: "reports" })
  .setAction(() => import("./scripts/scenario-task.js"))
  .build();

// `npx hardhat sweep <file> --vary a=from:to:count,b=from:to:count --paths N` (`npm run sweep -- <file> --vary ...
// --vary ...`, scripts/sweep-cli.mjs joins the two): many seeded
// paths per grid point on the model, on every core, a sample replayed on the chain; a report with a heatmap.
const sweepTask = task("sweep", "Sweep a scenario's parameters over many paths on the model")
  .addPositionalArgument({ name: "file", description: "The scenario file (scenarios/*.json)" })
  .addOption({
    name: "vary",
    description: "name=from:to:count, comma-separated for two (`npm run sweep` also takes --vary twice)",
    defaultValue: "",
  })
  .addOption({ name: "paths", description: "Paths per grid point", type: ArgumentType.INT, defaultValue: 200 })
  .addOption({
    name: "chainSample",
    description: "Paths also replayed on the chain and compared to the unit",
    type: ArgumentType.INT,
    defaultValue: 20,
  })
  .addOption({
    name: "workers",
    description: "Worker threads (default: every core)",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .addOption({ name: "out", description: "The report's directory", defaultValue: "reports" })
  .setAction(() => import("./scripts/sweep-task.js"))
  .build();

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks: [demoTask, benchTask, dashboardTask, governTask, scenarioTask, sweepTask],
  solidity: {
    // One compiler setting for every build: Hardhat's `production` profile, which `ignition deploy` builds, would
    // otherwise drop the settings (solc's default EVM and 200 optimizer runs) and compile each file in isolation.
    // So the bytecode deployed anywhere is the bytecode the tests run, the package ships (scripts/build-package.ts).
    profiles: {
      default: COMPILER,
      production: { ...COMPILER, isolated: false },
    },
    // Deployed as it is by the deploy module and the tests: governance roles for the fund.
    npmFilesToBuild: ["@openzeppelin/contracts/access/manager/AccessManager.sol"],
  },
  paths: {
    ignition: "deploy",
  },
  typechain: {
    outDir: "typechain-types",
  },
  test: {
    solidity: {
      // FUZZ_SEED (a 0x-prefixed 32-byte hex) varies the fuzz and invariant campaigns; the default seed keeps CI
      // reproducible.
      fuzz: {
        runs: Number(process.env.FUZZ_RUNS ?? 256),
        ...(process.env.FUZZ_SEED !== undefined ? { seed: process.env.FUZZ_SEED } : {}),
      },
      // The invariant suites (contracts/test/invariants): sized for CI on two cores; `npm run test:deep` runs
      // them much harder. `failOnRevert`: the handler catches every revert the system may legitimately choose,
      // so any other revert is a failure.
      invariant: {
        runs: Number(process.env.INVARIANT_RUNS ?? 64),
        depth: Number(process.env.INVARIANT_DEPTH ?? 128),
        failOnRevert: true,
      },
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    // `npx hardhat node`. Hardhat has a built-in `localhost` at http://localhost:8545, but `localhost` may
    // resolve to ::1 while the node listens on 127.0.0.1; LOCALHOST_RPC_URL points it at another node.
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545",
    },
    testnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("TESTNET_RPC_URL"),
      accounts: [configVariable("TESTNET_PRIVATE_KEY")],
    },
  },
});
