// A fresh Hardhat 3 project that installs the packed perp-insurance. The compiler is the npm `solc` (no download),
// as in the repository; its settings differ on purpose (no optimizer): the package's modules deploy the package's
// own bytecode whatever the consumer compiles.
import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: require("solc/package.json").version,
    path: require.resolve("solc/soljson.js"),
    settings: { evmVersion: "cancun" },
  },
});
