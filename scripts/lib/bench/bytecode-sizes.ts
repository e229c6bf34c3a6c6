// The deployed bytecode size of every production contract, from the build artifacts, against its budget in
// gas-snapshot.json and EIP-170's limit.
//
// Production contracts are found by path, so a new one is picked up: every contract with deployed bytecode
// under contracts/, except contracts/mocks/, contracts/test/, Solidity tests (`*.t.sol`) and libraries
// (their bytecode is inlined into the contracts that use them).

import { readFileSync } from "node:fs";

import type { ArtifactManager } from "hardhat/types/artifacts";

import type { BenchResults } from "./results.js";

/** EIP-170: the largest deployed bytecode a contract creation may return. */
export const EIP170_LIMIT = 24_576;

export interface ContractSize {
  name: string;
  sourceName: string;
  /** Bytes of deployed bytecode. */
  bytes: number;
}

/** A contract's size and budget in gas-snapshot.json. */
export interface SizeEntry {
  bytes: number;
  budget: number;
}

interface AstNode {
  nodeType: string;
  name?: string;
  contractKind?: string;
  nodes?: AstNode[];
}

const isProductionSource = (sourceName: string) =>
  sourceName.startsWith("contracts/") &&
  !sourceName.startsWith("contracts/mocks/") &&
  !sourceName.startsWith("contracts/test/") &&
  !sourceName.endsWith(".t.sol");

/** The production contracts' deployed sizes, by name. */
export async function deployedSizes(artifacts: ArtifactManager): Promise<ContractSize[]> {
  const outputs = new Map<string, { output: { sources: Record<string, { ast: AstNode }> } }>();
  /** The contract's kind (contract, library, interface) from the compiler's AST in its build info. */
  const kindOf = async (buildInfoId: string, inputSourceName: string, name: string) => {
    if (!outputs.has(buildInfoId)) {
      const file = await artifacts.getBuildInfoOutputPath(buildInfoId);
      if (file === undefined) throw new Error(`no build info output ${buildInfoId}: run \`npx hardhat build\``);
      outputs.set(buildInfoId, JSON.parse(readFileSync(file, "utf8")));
    }
    const ast = outputs.get(buildInfoId)!.output.sources[inputSourceName].ast;
    return ast.nodes?.find((n) => n.nodeType === "ContractDefinition" && n.name === name)?.contractKind;
  };

  const sizes: ContractSize[] = [];
  for (const fullyQualifiedName of [...(await artifacts.getAllFullyQualifiedNames())].sort()) {
    const artifact = await artifacts.readArtifact(fullyQualifiedName);
    const bytes = (artifact.deployedBytecode.length - 2) / 2;
    // Interfaces and abstract contracts have no deployed bytecode.
    if (!isProductionSource(artifact.sourceName) || bytes === 0) continue;
    if (artifact.buildInfoId === undefined || artifact.inputSourceName === undefined) {
      throw new Error(`${fullyQualifiedName}: the artifact names no build info`);
    }
    const kind = await kindOf(artifact.buildInfoId, artifact.inputSourceName, artifact.contractName);
    if (kind === "library") continue;
    if (sizes.some((s) => s.name === artifact.contractName)) {
      throw new Error(`two production contracts are named ${artifact.contractName}: the snapshot keys them by name`);
    }
    sizes.push({ name: artifact.contractName, sourceName: artifact.sourceName, bytes });
  }
  return sizes;
}

/** A new contract's budget: its size plus 15 %, rounded up to 500 bytes, never above EIP-170's limit. */
export function defaultBudget(bytes: number): number {
  return Math.min(Math.ceil((bytes * 1.15) / 500) * 500, EIP170_LIMIT);
}

/** The size's problems: above its budget or EIP-170's limit fails; above the snapshot's figure is a note. */
export function compareSizes(
  sizes: ContractSize[],
  snapshot: Record<string, SizeEntry>,
): { failures: string[]; notes: string[] } {
  const failures: string[] = [];
  const notes: string[] = [];
  for (const { name, bytes } of sizes) {
    if (bytes > EIP170_LIMIT) failures.push(`${name}: ${bytes} bytes, above EIP-170's ${EIP170_LIMIT}`);
    const entry = snapshot[name];
    if (entry === undefined) {
      failures.push(`${name}: ${bytes} bytes, not in gas-snapshot.json (run \`npm run bench:update\`, commit it)`);
      continue;
    }
    const text = `${name}: ${entry.bytes} -> ${bytes} bytes (budget ${entry.budget})`;
    if (bytes > entry.budget) failures.push(`above its budget: ${text}`);
    else if (bytes > entry.bytes) notes.push(`size up, within its budget: ${text}`);
    else if (bytes < entry.bytes) notes.push(`size down: ${text}`);
  }
  for (const name of Object.keys(snapshot)) {
    if (!sizes.some((s) => s.name === name)) failures.push(`${name} is in gas-snapshot.json but was not built`);
  }
  return { failures, notes };
}

export function sizeTable(results: BenchResults, sizes: ContractSize[], snapshot: Record<string, SizeEntry>): void {
  const rows = sizes.map(({ name, sourceName, bytes }) => {
    const entry = snapshot[name];
    const budget = entry?.budget ?? defaultBudget(bytes);
    return [
      `${name} (${sourceName})`,
      bytes,
      entry?.bytes ?? "new",
      entry === undefined ? `${budget.toLocaleString("en-US")} (new)` : budget,
      budget - bytes,
      EIP170_LIMIT - bytes,
    ];
  });
  results.table(
    "Deployed bytecode size",
    "Bytes of each production contract's deployed bytecode (the build artifacts' deployedBytecode; every " +
      "contract under contracts/ but libraries, mocks, contracts/test/ and *.t.sol). bench:check fails above " +
      `the contract's budget in gas-snapshot.json or above EIP-170's ${EIP170_LIMIT.toLocaleString("en-US")}.`,
    ["contract", "bytes", "snapshot", "budget", "headroom to budget", "headroom to EIP-170"],
    rows,
  );
}
