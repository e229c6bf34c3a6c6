import { createRequire } from "node:module";
import "dotenv/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler comes from the pinned npm `solc` package: no download is needed, and the version
// label is read from the same package so the two can never drift apart.
const require = createRequire(import.meta.url);
const solcVersion: string = require("solc/package.json").version;
const solcPath = require.resolve("solc/soljson.js");

// `cancun` is accepted by Ethereum and the major L2s (Arbitrum, Optimism, Base, Polygon zkEVM).
const EVM_VERSION = "cancun";

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: solcVersion,
    path: solcPath,
    // Deployed as it is by the deploy module and the tests: governance roles for the fund.
    npmFilesToBuild: ["@openzeppelin/contracts/access/manager/AccessManager.sol"],
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 10_000 },
    },
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
    testnet: {
      type: "http",
      chainType: "l1",
      url: configVariable("TESTNET_RPC_URL"),
      accounts: [configVariable("TESTNET_PRIVATE_KEY")],
    },
  },
});
