// The suite with Spin's target-bands fee policy, on an existing quote token (testnet, mainnet).
//   npx hardhat ignition deploy deploy/modules/SpinSuite.ts --parameters deploy/parameters/testnet.json --network testnet
// Parameters: see deploy/parameters/testnet.example.json ("$global" and "SpinSuite").
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildInsuranceSuite } from "../lib/insuranceSuite.js";
import { TESTNET_MARKETS } from "../lib/markets.js";

export default buildModule("SpinSuite", (m) => buildInsuranceSuite(m, { policy: "spin", markets: TESTNET_MARKETS }));
