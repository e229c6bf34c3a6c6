// SpinSuite with a staked backstop (BackstopVault) behind the fund, on an existing quote token (testnet, mainnet).
//   npx hardhat ignition deploy deploy/modules/SpinBackstopSuite.ts --parameters deploy/parameters/testnet.json --network testnet
// Parameters: see deploy/parameters/testnet.example.json ("$global" and "SpinBackstopSuite").
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildInsuranceSuite } from "../lib/insuranceSuite.js";
import { TESTNET_MARKETS } from "../lib/markets.js";

export default buildModule("SpinBackstopSuite", (m) =>
  buildInsuranceSuite(m, { policy: "spin", markets: TESTNET_MARKETS, backstop: true }),
);
