// Prints the insurance fund's health on any network:
//   npx hardhat run scripts/status.ts --network <name>      (npm run status -- --network <name>)
// The fund is INSURANCE_FUND_ADDRESS, or the `<Module>#InsuranceFund` of the Ignition deployment of the chain
// (deploy/deployments/<DEPLOYMENT_ID or chain-<id>>/deployed_addresses.json). The markets are MARKET_IDS, or
// those of the fund's InsuranceFundMarketRegistered events (from block STATUS_FROM_BLOCK, default 0).
// On a problem it prints one line and exits with code 1.
import path from "node:path";

import hre, { network } from "hardhat";

import { firstLine, fundStatusLines } from "./lib/status.js";

try {
  const { ethers } = await network.create();
  const lines = await fundStatusLines(ethers, process.env, path.join(hre.config.paths.ignition, "deployments"));
  console.log(lines.join("\n"));
} catch (error) {
  console.error(`status: ${firstLine(error)}`);
  process.exitCode = 1;
}
