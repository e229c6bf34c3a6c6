// `npm run sweep -- <file> --vary a=from:to:count --vary b=from:to:count [options]`: Hardhat takes an option once,
// so this joins the --vary options into one (comma-separated) and runs the `sweep` task (scripts/sweep-task.ts).
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const vary = [];
const rest = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--vary" && i + 1 < args.length) vary.push(args[++i]);
  else if (args[i].startsWith("--vary=")) vary.push(args[i].slice("--vary=".length));
  else rest.push(args[i]);
}
const command = ["hardhat", "sweep", ...rest, ...(vary.length > 0 ? ["--vary", vary.join(",")] : [])];
const result = spawnSync("npx", command, { stdio: "inherit" });
process.exit(result.status ?? 1);
