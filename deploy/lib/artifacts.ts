// The artifacts the modules deploy. They are read from files rather than named, so that Ignition deploys
// exactly this bytecode whatever the deploying project compiles: in this repository, Hardhat's build
// (`artifacts/`, which the tests run); in the package, the copy of that build made by `npm run build:package`
// (`dist/artifacts/`, same layout, one level further from `dist/deploy/lib/`). A consumer's compiler settings
// therefore cannot change what the package's modules deploy.
import { readFileSync } from "node:fs";

import type { Artifact } from "@nomicfoundation/ignition-core";

/** Source file of each contract a module deploys, as Hardhat lays out its artifacts. */
export const DEPLOYED_SOURCES = {
  AccessManager: "@openzeppelin/contracts/access/manager/AccessManager.sol",
  InsuranceFund: "contracts/InsuranceFund.sol",
  FixedSharePolicy: "contracts/policies/FixedSharePolicy.sol",
  TargetBandsPolicy: "contracts/policies/TargetBandsPolicy.sol",
  InsuranceFundLens: "contracts/lens/InsuranceFundLens.sol",
  // Only the modules with a staked backstop (LocalBackstopSuite, SpinBackstopSuite).
  BackstopVault: "contracts/backstop/BackstopVault.sol",
  ReferenceExchange: "contracts/reference/ReferenceExchange.sol",
  // Local chains only (LocalSuite, LocalSparkSuite).
  MockUSDC: "contracts/mocks/MockUSDC.sol",
  MockPriceFeed: "contracts/mocks/MockPriceFeed.sol",
} as const;

export type DeployedContract = keyof typeof DEPLOYED_SOURCES;

/** `<root>/artifacts/`: the repository's root from `deploy/lib/`, the package's `dist/` from `dist/deploy/lib/`. */
const ARTIFACTS_DIR = new URL("../../artifacts/", import.meta.url);

/** The artifact of `name`, as Ignition's `m.contract(name, artifact, args)` takes it. */
export function deployedArtifact(name: DeployedContract): Artifact {
  const file = new URL(`${DEPLOYED_SOURCES[name]}/${name}.json`, ARTIFACTS_DIR);
  return JSON.parse(readFileSync(file, "utf8")) as Artifact;
}
