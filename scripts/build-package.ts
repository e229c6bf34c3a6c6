// `npm run build:package` (and `npm pack`'s prepack), after `hardhat build`: what the package ships besides its
// Solidity sources.
// - dist/: the deploy modules, the client and the contracts' typechain types, compiled to JavaScript with
//   declarations (tsconfig.package.json), so that a consumer's Hardhat project loads them as any package.
// - dist/artifacts/: the artifacts of the contracts the modules deploy (ABI and bytecode, from the build the tests
//   ran, in Hardhat's layout: deploy/lib/artifacts.ts reads them from there), and the interfaces' ABIs.
// Run with Node 22's type stripping: `node scripts/build-package.ts`.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const DIST = join(ROOT, "dist");

/** The fields of a Hardhat artifact a deployment or an ABI reader needs (no build-info ids, no local paths). */
const DEPLOYABLE_FIELDS = ["_format", "contractName", "sourceName", "abi", "bytecode", "deployedBytecode"] as const;
/** Where libraries are linked and immutables written: what a verifier or a bytecode comparison needs. */
const CODE_FIELDS = ["linkReferences", "deployedLinkReferences", "immutableReferences"] as const;

function copyArtifact(sourceName: string, contractName: string, withBytecode: boolean): void {
  const relative = join(sourceName, `${contractName}.json`);
  const artifact = JSON.parse(readFileSync(join(ROOT, "artifacts", relative), "utf8")) as Record<string, unknown>;
  const fields = withBytecode
    ? [...DEPLOYABLE_FIELDS, ...CODE_FIELDS]
    : ["_format", "contractName", "sourceName", "abi"];
  const kept = Object.fromEntries(fields.map((field) => [field, artifact[field]]));
  const target = join(DIST, "artifacts", relative);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(kept, null, 2)}\n`);
}

rmSync(DIST, { recursive: true, force: true });
execFileSync("npx", ["tsc", "-p", "tsconfig.package.json"], { cwd: ROOT, stdio: "inherit" });

// The list of deployed contracts lives with the modules that read it; a variable keeps tsc from resolving dist/.
const artifactsModule = join(DIST, "deploy/lib/artifacts.js");
const { DEPLOYED_SOURCES } = (await import(artifactsModule)) as { DEPLOYED_SOURCES: Record<string, string> };
for (const [contractName, sourceName] of Object.entries(DEPLOYED_SOURCES)) copyArtifact(sourceName, contractName, true);

const interfaces = "contracts/interfaces";
for (const file of readdirSync(join(ROOT, interfaces))) {
  if (file.endsWith(".sol")) copyArtifact(`${interfaces}/${file}`, file.slice(0, -".sol".length), false);
}
console.log(`dist/ built: modules, client, types and ${Object.keys(DEPLOYED_SOURCES).length} deployable artifacts`);
