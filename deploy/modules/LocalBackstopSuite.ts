// LocalSuite (Spin's target bands on a fresh mock USDC) with a staked backstop (BackstopVault) behind the fund:
// the vault deployed, ETH-PERP's backstop limit set, bound to the fund with its income share, its governed functions
// given to the governor role.
//   npx hardhat ignition deploy deploy/modules/LocalBackstopSuite.ts --parameters deploy/parameters/local.json
// Parameters: deploy/parameters/local.json ("$global" and "LocalBackstopSuite").
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { buildLocalSuite } from "../lib/localSuite.js";

export default buildModule("LocalBackstopSuite", (m) => buildLocalSuite(m, "spin", { backstop: true }));
