// `npx hardhat govern --network <name> --call "setTreasury(0x...)"` (`npm run govern -- ...`): a governance
// call on the fund through its AccessManager, as the network's configured account (--account picks another of
// the node's accounts). Without a delay for that account the call is made at once (the guardian's pause);
// with one it is scheduled and the task says when it becomes executable; --execute executes it once ready;
// --cancel cancels it (--caller: someone else's, for the guardian or the admin); --calldata prints what a
// multisig holding the role must send, and sends nothing. Declared in hardhat.config.ts.
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  encodeCallText,
  FundClientError,
  firstLine,
  formatCountdown,
  InsuranceFundClient,
  isoTime,
} from "../client/index.js";
import { locateFund, StatusError } from "./lib/status.js";

export interface GovernTaskArguments {
  call: string;
  execute: boolean;
  cancel: boolean;
  caller: string;
  fund: string;
  account: number;
  calldata: boolean;
}

/** Runs the task; returns the lines it printed (for tests), throws on a problem. */
export async function govern(args: GovernTaskArguments, hre: HardhatRuntimeEnvironment): Promise<string[]> {
  if (args.execute && args.cancel) throw new FundClientError("--execute and --cancel exclude each other");
  const connection = await hre.network.create();
  try {
    const { ethers } = connection;
    const signer = (await ethers.getSigners())[args.account];
    if (signer === undefined)
      throw new FundClientError(`no account ${args.account} on network ${connection.networkName}`);
    const { chainId } = await ethers.provider.getNetwork();
    const env = { ...process.env, ...(args.fund ? { INSURANCE_FUND_ADDRESS: args.fund } : {}) };
    const location = await locateFund(env, chainId, path.join(hre.config.paths.ignition, "deployments"));
    const client = (await InsuranceFundClient.connect(ethers.provider, location)).connectSigner(signer);
    const { name, data } = encodeCallText(client.fund.interface, args.call);
    if (args.calldata) {
      // For a multisig or timelock that holds the role: what it must send, nothing sent from here.
      const manager = client.manager.target as string;
      const lines = [
        `${name} on the fund ${client.address} through the AccessManager ${manager}:`,
        `  schedule: to ${manager} data ${client.manager.interface.encodeFunctionData("schedule", [client.address, data, 0])}`,
        `  execute:  to ${manager} data ${client.manager.interface.encodeFunctionData("execute", [client.address, data])}`,
        `  at once (no delay): to ${client.address} data ${data}`,
      ];
      for (const line of lines) console.log(line);
      return lines;
    }
    const ops = client.operations;
    const now = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
    const lines: string[] = [];
    const out = (line: string) => {
      lines.push(line);
      console.log(line);
    };

    if (args.cancel) {
      const caller = args.caller || signer.address;
      const { operationId, executableAt } = await ops.operation(caller, data);
      if (executableAt === 0n) throw new FundClientError(`${name} by ${caller} is not scheduled`);
      await (await ops.cancel(caller, data)).wait();
      out(`cancelled ${name} by ${caller} (operation ${operationId})`);
      return lines;
    }
    if (args.execute) {
      const { operationId, executableAt } = await ops.operation(signer.address, data);
      if (executableAt === 0n) throw new FundClientError(`${name} by ${signer.address} is not scheduled`);
      if (executableAt > now) {
        throw new FundClientError(
          `${name} is executable from ${isoTime(executableAt)} (in ${formatCountdown(executableAt - now)})`,
        );
      }
      const receipt = await (await ops.execute(data)).wait();
      out(`executed ${name} (operation ${operationId}) in ${receipt?.hash}`);
      return lines;
    }
    const access = await ops.access(signer.address, data);
    if (access.immediate) {
      const receipt = await (await signer.sendTransaction({ to: client.address, data })).wait();
      out(`called ${name} on ${client.address} at once (no delay for ${signer.address}) in ${receipt?.hash}`);
      return lines;
    }
    if (access.delay === 0n) {
      throw new FundClientError(`${signer.address} has no role that may call ${name} on ${client.address}`);
    }
    await (await ops.schedule(data)).wait();
    const { operationId, executableAt } = await ops.operation(signer.address, data);
    out(`scheduled ${name} (operation ${operationId})`);
    out(`executable from ${isoTime(executableAt)} (in ${formatCountdown(access.delay)}): run again with --execute`);
    return lines;
  } finally {
    await connection.close();
  }
}

export default async function governTask(args: GovernTaskArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    await govern(args, hre);
  } catch (error) {
    if (!(error instanceof FundClientError || error instanceof StatusError)) throw error;
    console.error(`govern: ${firstLine(error)}`);
    process.exitCode = 1;
  }
}
