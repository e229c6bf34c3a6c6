// The suite on a local chain with Spin's target bands (the default), on a fresh mock USDC.
//   npx hardhat ignition deploy deploy/modules/LocalSuite.ts --parameters deploy/parameters/local.json
//   (add --network localhost to deploy to a running `npx hardhat node`)
// Parameters: deploy/parameters/local.json ("$global" and "LocalSuite").
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildLocalSuite } from "../lib/localSuite.js";

export default buildModule("LocalSuite", (m) => buildLocalSuite(m, "spin"));
