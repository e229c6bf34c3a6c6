// `npx hardhat dashboard --network <name>` (`npm run dashboard -- --network localhost`): serves the fund's
// dashboard on http://127.0.0.1:<port>/ until Ctrl-C. The task and its options are declared in
// hardhat.config.ts. The fund is --fund, else INSURANCE_FUND_ADDRESS or the chain's Ignition deployment, as for
// the status command (scripts/status.ts).
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { startDashboard } from "../dashboard/server.js";
import { locateFund } from "./lib/status.js";

export interface DashboardTaskArguments {
  port: number;
  fund: string;
  fromBlock: number;
}

export default async function dashboardTask(
  args: DashboardTaskArguments,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  const connection = await hre.network.create();
  const { provider } = connection.ethers;
  const env = { ...process.env, ...(args.fund ? { INSURANCE_FUND_ADDRESS: args.fund } : {}) };
  const deployments = path.join(hre.config.paths.ignition, "deployments");
  const dashboard = await startDashboard({
    provider,
    fund: async () => locateFund(env, (await provider.getNetwork()).chainId, deployments),
    port: args.port,
    rpc: connection.networkName,
    fromBlock: args.fromBlock,
  });
  console.log(`dashboard: ${dashboard.url} (network ${connection.networkName}; Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await dashboard.close();
  await connection.close();
}
