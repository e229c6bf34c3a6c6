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
      fuzz: { runs: Number(process.env.FUZZ_RUNS ?? 256) },
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
