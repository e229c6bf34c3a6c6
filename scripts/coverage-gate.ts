// The coverage gate: reads what `hardhat test --coverage` wrote (`npm run coverage` runs both) and fails when a
// file of the module has less than 95 % of its lines covered.
//
// Run: `npm run coverage` (all tests with coverage, then this gate), or after a coverage run:
// `npx hardhat run --no-compile scripts/coverage-gate.ts`. Set COVERAGE_MIN_LINES to try another threshold.
//
// What counts as the module: contracts/*.sol, contracts/libraries/*.sol, contracts/policies/*.sol,
// contracts/backstop/*.sol, contracts/lens/*.sol and contracts/reference/*.sol. The reference exchange COUNTS: it is the integration the
// README points exchanges to, and the scenarios and the demo run on it. Not counted: interfaces (no executable code), mocks, test
// harnesses and Solidity tests (`*.t.sol`, contracts/test/), and OpenZeppelin. Nothing is excluded to reach
// the gate: a module file that the coverage report does not list at all counts as 0 %.
//
// Lines: from `coverage/lcov.info`, Hardhat's documented report. Hardhat marks a line uncovered when any
// statement on it never ran, so a one-line `if (bad) revert Error();` is covered only if a test makes it revert.
//
// Branches are not counted: Hardhat's lcov has no branch records (EDR instruments statements only: `DA` lines, no
// `BRDA`), and rebuilding them from EDR's raw hit data would depend on its internals, which can change under us.
// Lines see every `if` body that never ran; what they miss is an implicit `else` (the condition never false).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const MIN_LINES_PERCENT = Number(process.env.COVERAGE_MIN_LINES ?? 95);
const ROOT = process.cwd();
const COVERAGE_DIR = path.join(ROOT, "coverage");
const LCOV_PATH = path.join(COVERAGE_DIR, "lcov.info");
const MODULE_DIRS = [
  "contracts",
  "contracts/libraries",
  "contracts/policies",
  "contracts/backstop",
  "contracts/lens",
  "contracts/reference",
];

// ================================================================ the module's files

function moduleFiles(): string[] {
  const files: string[] = [];
  for (const dir of MODULE_DIRS) {
    for (const name of readdirSync(path.join(ROOT, dir)).sort()) {
      if (name.endsWith(".sol") && !name.endsWith(".t.sol")) files.push(`${dir}/${name}`);
    }
  }
  return files;
}

// ================================================================ lcov

/** Line -> execution count (Hardhat writes 0 or 1), per file. */
function readLcov(): Map<string, Map<number, number>> {
  const files = new Map<string, Map<number, number>>();
  let current: Map<number, number> | undefined;
  for (const raw of readFileSync(LCOV_PATH, "utf8").split("\n")) {
    const line = raw.trim();
    const colon = line.indexOf(":");
    const key = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1);
    if (key === "SF") {
      current = new Map();
      files.set(path.relative(ROOT, path.resolve(ROOT, value)).split(path.sep).join("/"), current);
    } else if (current !== undefined && key === "DA") {
      const [lineNumber, count] = value.split(",").map(Number);
      current.set(lineNumber, (current.get(lineNumber) ?? 0) + count);
    } else if (key === "end_of_record") {
      current = undefined;
    }
  }
  return files;
}

// ================================================================ files with no executable code

interface AstNode {
  nodeType: string;
  [key: string]: unknown;
}

/**
 * Whether a file has code that runs: a function, modifier or constructor body with a statement. A file of only
 * types, errors and constants has none, and the coverage report does not list it. Parsed only, by the npm solc
 * the project compiles with.
 */
function hasExecutableCode(relativePath: string, content: string): boolean {
  const require = createRequire(import.meta.url);
  const solc: { compile(input: string): string } = require("solc");
  const input = {
    language: "Solidity",
    sources: { [relativePath]: { content } },
    settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc cannot parse ${relativePath}: ${errors[0].formattedMessage}`);
  const runs = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(runs);
    if (node === null || typeof node !== "object") return false;
    const n = node as AstNode;
    if (n.nodeType === "FunctionDefinition" || n.nodeType === "ModifierDefinition") {
      const body = n.body as { statements?: unknown[] } | null;
      if ((body?.statements?.length ?? 0) > 0) return true;
    }
    return Object.values(n).some(runs);
  };
  return runs(output.sources[relativePath].ast);
}

// ================================================================ the gate

interface Row {
  file: string;
  linesHit: number;
  linesFound: number;
  uncovered: number[];
}

const percent = (hit: number, found: number) => (found === 0 ? 100 : (hit * 100) / found);
const fmt = (hit: number, found: number) => `${percent(hit, found).toFixed(2).padStart(6)} % (${hit}/${found})`;

function main(): number {
  if (!existsSync(LCOV_PATH)) {
    console.error(`No ${path.relative(ROOT, LCOV_PATH)}: run \`npm run coverage\` (hardhat test --coverage) first.`);
    return 1;
  }
  const lcov = readLcov();
  const rows: Row[] = [];
  for (const file of moduleFiles()) {
    const lines = lcov.get(file);
    if (lines === undefined) {
      // Not in the report: either nothing in it executes (only types or constants) or no test builds it.
      if (!hasExecutableCode(file, readFileSync(path.join(ROOT, file), "utf8"))) continue;
      rows.push({ file, linesHit: 0, linesFound: 1, uncovered: [] });
      continue;
    }
    const counts = [...lines];
    rows.push({
      file,
      linesHit: counts.filter(([, count]) => count > 0).length,
      linesFound: counts.length,
      uncovered: counts.filter(([, count]) => count === 0).map(([line]) => line),
    });
  }

  const width = Math.max(...rows.map((r) => r.file.length), 5);
  console.log(`\nModule coverage (lines, gated at ${MIN_LINES_PERCENT} % per file)\n`);
  console.log(`${"file".padEnd(width)}  ${"lines".padEnd(22)}  uncovered`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(22)}  ---------`);
  const failing: Row[] = [];
  for (const r of rows) {
    const uncovered = r.uncovered.length > 0 ? `lines ${r.uncovered.join(", ")}` : "";
    console.log(`${r.file.padEnd(width)}  ${fmt(r.linesHit, r.linesFound).padEnd(22)}  ${uncovered}`);
    if (percent(r.linesHit, r.linesFound) < MIN_LINES_PERCENT) failing.push(r);
  }
  const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
  console.log(`${"-".repeat(width)}  ${"-".repeat(22)}`);
  console.log(
    `${"total".padEnd(width)}  ${fmt(
      sum((r) => r.linesHit),
      sum((r) => r.linesFound),
    )}`,
  );

  if (failing.length > 0) {
    console.error(
      `\nCoverage gate FAILED: below ${MIN_LINES_PERCENT} % of lines in ${failing.map((r) => r.file).join(", ")}`,
    );
    return 1;
  }
  console.log(`\nCoverage gate passed: every module file has at least ${MIN_LINES_PERCENT} % of its lines covered.`);
  return 0;
}

process.exitCode = main();
