// LocalSuite (Spin's target bands on a fresh mock USDC) with its fund seeded to its floor: what
// `npm run deploy:localhost` deploys, so that a local fund does not start empty in its lowest band.
//   npx hardhat ignition deploy deploy/modules/LocalSeededSuite.ts --parameters deploy/parameters/local.json
// Parameters: deploy/parameters/local.json (LocalSuite's, and `fundSeed` in "LocalSeededSuite").
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { seedLocalFund } from "../lib/localSuite.js";
import LocalSuite from "./LocalSuite.js";

export default buildModule("LocalSeededSuite", (m) => seedLocalFund(m, m.useModule(LocalSuite)));
