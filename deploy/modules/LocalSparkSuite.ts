// The suite on a local chain with Spark's fixed share, on a fresh mock USDC.
//   npx hardhat ignition deploy deploy/modules/LocalSparkSuite.ts --parameters deploy/parameters/local.json
// Parameters: deploy/parameters/local.json ("$global" and "LocalSparkSuite").
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildLocalSuite } from "../lib/localSuite.js";

export default buildModule("LocalSparkSuite", (m) => buildLocalSuite(m, "spark"));
