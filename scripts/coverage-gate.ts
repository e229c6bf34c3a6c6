// The coverage gate: reads what `hardhat test --coverage` wrote (`npm run coverage` runs both) and fails when a
// file of the module has less than 95 % of its lines covered.
//
// Run: `npm run coverage` (all tests with coverage, then this gate), or after a coverage run:
// `npx hardhat run --no-compile scripts/coverage-gate.ts`. Set COVERAGE_MIN_LINES to try another threshold.
//
// What counts as the module: contracts/*.sol, contracts/libraries/*.sol, contracts/policies/*.sol and
// contracts/reference/*.sol. The reference exchange COUNTS: it is the integration the README points exchanges
// to, and the scenarios and the demo run on it. Not counted: interfaces (no executable code), mocks, test
// harnesses and Solidity tests (`*.t.sol`, contracts/test/), and OpenZeppelin. Nothing is excluded to reach
// the gate: a module file that the coverage report does not list at all counts as 0 %.
//
// Lines: from `coverage/lcov.info`, Hardhat's documented report. Hardhat marks a line uncovered when any
// statement on it never ran, so a one-line `if (bad) revert Error();` is covered only if a test makes it revert.
//
// Branches: Hardhat's lcov has no branch records (EDR instruments statements only; Hardhat 3.18 writes `DA`
// lines and no `BRDA`). If a future lcov has `BRF`/`BRH`, they are used. Otherwise the branches are derived
// here from the raw hit counts Hardhat keeps in `coverage/data/<run>/*.json` (statement tag -> number of
// transactions or calls in which it ran) and the tag of each statement, recomputed with EDR's own
// instrumentation (deterministic: the same source name and content give the same tags). Every `if` has two
// branches: `then` is taken when the first statement of its body ran; an explicit `else` likewise; an implicit
// `else` when the `if` ran in more transactions than its `then` body, i.e. in one where the condition was
// false every time (a loop taking both ways in one transaction is not seen: this can only under-count).
// Ternaries and `&&`/`||` are not counted (they contain no statements). The tags are cross-checked against
// lcov.info (every uncovered line holds a statement that never ran, and the other way round); if they do not
// match (stale data, or a Hardhat upgrade changed the format), branches print as n/a. Reported, not gated.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// EDR is Hardhat's own dependency; its instrumentation is only needed for the branch figures.
const edr = await import("@nomicfoundation/edr").catch(() => undefined);

const MIN_LINES_PERCENT = Number(process.env.COVERAGE_MIN_LINES ?? 95);
const ROOT = process.cwd();
const COVERAGE_DIR = path.join(ROOT, "coverage");
const LCOV_PATH = path.join(COVERAGE_DIR, "lcov.info");
const MODULE_DIRS = ["contracts", "contracts/libraries", "contracts/policies", "contracts/reference"];

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

interface LcovFile {
  lines: Map<number, number>; // line -> execution count (Hardhat writes 0 or 1)
  branchesFound?: number;
  branchesHit?: number;
}

function readLcov(): Map<string, LcovFile> {
  const files = new Map<string, LcovFile>();
  let current: LcovFile | undefined;
  for (const raw of readFileSync(LCOV_PATH, "utf8").split("\n")) {
    const line = raw.trim();
    const colon = line.indexOf(":");
    const key = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1);
    if (key === "SF") {
      current = { lines: new Map() };
      files.set(path.relative(ROOT, path.resolve(ROOT, value)).split(path.sep).join("/"), current);
    } else if (current !== undefined && key === "DA") {
      const [lineNumber, count] = value.split(",").map(Number);
      current.lines.set(lineNumber, (current.lines.get(lineNumber) ?? 0) + count);
    } else if (current !== undefined && key === "BRF") {
      current.branchesFound = Number(value);
    } else if (current !== undefined && key === "BRH") {
      current.branchesHit = Number(value);
    } else if (key === "end_of_record") {
      current = undefined;
    }
  }
  return files;
}

// ================================================================ branches from the raw hit counts

interface Statement {
  tag: string;
  start: number; // UTF-16 offsets, as EDR reports them
  end: number;
}

interface AstNode {
  nodeType: string;
  src: string;
  [key: string]: unknown;
}

interface BranchResult {
  found: number;
  hit: number;
  missed: string[]; // "line N then/else"
}

/** Hit counts of every statement tag, summed over the runs Hardhat saved (solidity, mocha). */
function readHitCounts(): Map<string, number> | undefined {
  const dataDir = path.join(COVERAGE_DIR, "data");
  if (!existsSync(dataDir)) return undefined;
  const hits = new Map<string, number>();
  for (const run of readdirSync(dataDir)) {
    for (const file of readdirSync(path.join(dataDir, run))) {
      if (!file.endsWith(".json")) continue;
      const counts = JSON.parse(readFileSync(path.join(dataDir, run, file), "utf8")) as Record<string, number>;
      for (const [tag, count] of Object.entries(counts)) hits.set(tag, (hits.get(tag) ?? 0) + count);
    }
  }
  return hits;
}

/** The statement tags Hardhat's build gave a project file (same source name, same EDR instrumentation). */
function statementsOf(relativePath: string, content: string, solcVersion: string): Statement[] | undefined {
  if (edr === undefined || typeof edr.addStatementCoverageInstrumentation !== "function") return undefined;
  const latest = edr.latestSupportedSolidityVersion();
  const version = compareVersions(solcVersion, latest) > 0 ? latest : solcVersion;
  const { metadata } = edr.addStatementCoverageInstrumentation(content, `project/${relativePath}`, version);
  return metadata
    .filter((m) => m.kind === "statement")
    .map((m) => ({ tag: Buffer.from(m.tag).toString("hex"), start: m.startUtf16, end: m.endUtf16 }));
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** The solc AST of one file, parsed only (imports are not needed). */
function parseAst(solc: { compile(input: string): string }, relativePath: string, content: string): AstNode {
  const input = {
    language: "Solidity",
    sources: { [relativePath]: { content } },
    settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc cannot parse ${relativePath}: ${errors[0].formattedMessage}`);
  return output.sources[relativePath].ast as AstNode;
}

/** solc's `src` offsets are UTF-8 bytes; EDR's are UTF-16 code units. */
function utf8ToUtf16Offsets(content: string): (byteOffset: number) => number {
  const map: number[] = [];
  let unit = 0;
  for (const char of content) {
    const bytes = Buffer.byteLength(char, "utf8");
    for (let b = 0; b < bytes; b++) map.push(unit);
    unit += char.length;
  }
  map.push(unit);
  return (byteOffset) => map[byteOffset];
}

function lineOf(content: string, utf16Offset: number): number {
  let line = 1;
  for (let i = 0; i < utf16Offset; i++) if (content.charCodeAt(i) === 10) line++;
  return line;
}

function branchesOf(
  content: string,
  ast: AstNode,
  statements: Statement[],
  hits: Map<string, number>,
): BranchResult | undefined {
  const toUtf16 = utf8ToUtf16Offsets(content);
  const range = (node: AstNode) => {
    const [start, length] = node.src.split(":").map(Number);
    return { start: toUtf16(start), end: toUtf16(start + length) };
  };
  // EDR's statement ranges start where the previous token ended (leading blanks and comments included).
  const onlyBlanks = (text: string) => text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "").trim() === "";
  /** The instrumented statement a node starts with: the node's own, or that of its first inner statement. */
  const firstStatement = (node: AstNode): Statement | undefined => {
    if (node.nodeType === "Block" || node.nodeType === "UncheckedBlock") {
      const inner = node.statements as AstNode[];
      return inner.length > 0 ? firstStatement(inner[0]) : undefined;
    }
    const { start, end } = range(node);
    const own = statements.filter((s) => s.start <= start && end <= s.end && onlyBlanks(content.slice(s.start, start)));
    return own.length === 0 ? undefined : own.reduce((a, b) => (b.end - b.start < a.end - a.start ? b : a));
  };
  const count = (s: Statement | undefined) => (s === undefined ? undefined : (hits.get(s.tag) ?? 0));

  const result: BranchResult = { found: 0, hit: 0, missed: [] };
  let measurable = true;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.nodeType === "IfStatement") {
      const line = lineOf(content, range(n).start);
      const ifCount = count(firstStatement(n));
      const thenCount = count(firstStatement(n.trueBody as AstNode));
      const falseBody = n.falseBody as AstNode | null;
      const elseCount =
        falseBody !== null && falseBody !== undefined
          ? count(firstStatement(falseBody))
          : ifCount === undefined || thenCount === undefined
            ? undefined
            : ifCount - thenCount;
      if (ifCount === undefined || thenCount === undefined || elseCount === undefined) measurable = false;
      result.found += 2;
      if ((thenCount ?? 0) > 0) result.hit++;
      else result.missed.push(`${line} then`);
      if ((elseCount ?? 0) > 0) result.hit++;
      else result.missed.push(`${line} else`);
    }
    for (const [key, value] of Object.entries(n)) if (key !== "src" && key !== "nodeType") visit(value);
  };
  visit(ast);
  return measurable ? result : undefined;
}

/**
 * The cross-check that the recomputed tags are the ones Hardhat used: every line lcov calls uncovered holds a
 * statement that never ran, and every statement that never ran starts on a line lcov calls uncovered.
 */
function tagsMatchLcov(content: string, statements: Statement[], hits: Map<string, number>, lcov: LcovFile) {
  const unhitLines = new Set(statements.filter((s) => !hits.has(s.tag)).map((s) => lineOf(content, s.start)));
  const uncovered = [...lcov.lines].filter(([, count]) => count === 0).map(([line]) => line);
  return uncovered.every((line) => unhitLines.has(line)) && [...unhitLines].every((line) => lcov.lines.get(line) === 0);
}

// ================================================================ the gate

interface Row {
  file: string;
  linesHit: number;
  linesFound: number;
  branches?: { found: number; hit: number; missed: string[] };
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
  const hits = readHitCounts();
  const require = createRequire(import.meta.url);
  const solc = require("solc");
  const solcVersion: string = require("solc/package.json").version;

  let branchNote = "";
  const rows: Row[] = [];
  for (const file of moduleFiles()) {
    const report = lcov.get(file);
    const content = readFileSync(path.join(ROOT, file), "utf8");
    if (report === undefined) {
      // Not in the report: either nothing in it executes (only types or constants) or no test builds it.
      const statements = statementsOf(file, content, solcVersion);
      if (statements !== undefined && statements.length === 0) continue;
      rows.push({ file, linesHit: 0, linesFound: statements?.length ?? 1, uncovered: [] });
      continue;
    }
    const lines = [...report.lines];
    const row: Row = {
      file,
      linesHit: lines.filter(([, count]) => count > 0).length,
      linesFound: lines.length,
      uncovered: lines.filter(([, count]) => count === 0).map(([line]) => line),
    };
    if (report.branchesFound !== undefined && report.branchesHit !== undefined) {
      row.branches = { found: report.branchesFound, hit: report.branchesHit, missed: [] };
    } else if (hits !== undefined) {
      const statements = statementsOf(file, content, solcVersion);
      if (statements === undefined) {
        branchNote = "branches n/a: @nomicfoundation/edr's instrumentation is not available";
      } else if (tagsMatchLcov(content, statements, hits, report)) {
        row.branches = branchesOf(content, parseAst(solc, file, content), statements, hits);
      } else {
        branchNote = "branches n/a: the raw hit data does not match lcov.info (stale coverage/data?)";
      }
    }
    rows.push(row);
  }

  const width = Math.max(...rows.map((r) => r.file.length), 5);
  console.log(`\nModule coverage (lines gated at ${MIN_LINES_PERCENT} % per file; branches reported)\n`);
  console.log(`${"file".padEnd(width)}  ${"lines".padEnd(22)}  ${"branches".padEnd(22)}  uncovered`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(22)}  ${"-".repeat(22)}  ---------`);
  const failing: Row[] = [];
  for (const r of rows) {
    const branches = r.branches === undefined ? "n/a" : fmt(r.branches.hit, r.branches.found);
    const uncovered = [
      r.uncovered.length > 0 ? `lines ${r.uncovered.join(", ")}` : "",
      r.branches !== undefined && r.branches.missed.length > 0 ? `branches ${r.branches.missed.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    console.log(
      `${r.file.padEnd(width)}  ${fmt(r.linesHit, r.linesFound).padEnd(22)}  ${branches.padEnd(22)}  ${uncovered}`,
    );
    if (percent(r.linesHit, r.linesFound) < MIN_LINES_PERCENT) failing.push(r);
  }
  const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
  const withBranches = rows.filter((r) => r.branches !== undefined);
  const totalBranches =
    withBranches.length === rows.length
      ? fmt(
          sum((r) => r.branches!.hit),
          sum((r) => r.branches!.found),
        )
      : "n/a";
  console.log(`${"-".repeat(width)}  ${"-".repeat(22)}  ${"-".repeat(22)}`);
  console.log(
    `${"total".padEnd(width)}  ${fmt(
      sum((r) => r.linesHit),
      sum((r) => r.linesFound),
    ).padEnd(22)}  ${totalBranches}`,
  );
  if (branchNote !== "") console.log(`\n${branchNote}`);

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
