// The suite with Spark's fixed-share fee policy, on an existing quote token (testnet, mainnet).
//   npx hardhat ignition deploy deploy/modules/SparkSuite.ts --parameters deploy/parameters/testnet.json --network testnet
// Parameters: see deploy/parameters/testnet.example.json ("$global" and "SparkSuite").
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildInsuranceSuite } from "../lib/insuranceSuite.js";
import { TESTNET_MARKETS } from "../lib/markets.js";

export default buildModule("SparkSuite", (m) => buildInsuranceSuite(m, { policy: "spark", markets: TESTNET_MARKETS }));
