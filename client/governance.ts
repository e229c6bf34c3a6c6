// The fund's AccessManager: who governs, with which delays, what is scheduled and when it becomes executable;
// and the calls that schedule, execute and cancel a governance operation on the fund.
import type { ContractTransactionResponse, Interface, Provider } from "ethers";

import { ADMIN_ROLE, GOVERNOR_ROLE, GUARDIAN_ROLE } from "../lib/roles.js";
import type { AccessManager } from "../typechain-types/@openzeppelin/contracts/access/manager/AccessManager.js";
import { FundClientError } from "./errors.js";
import { firstLine } from "./format.js";

/** A governance call waiting in the AccessManager. */
export interface ScheduledOperation {
  operationId: string;
  caller: string;
  target: string;
  /** The calldata as scheduled. */
  data: string;
  /** The call decoded with the fund's or the manager's ABI (the raw selector when neither knows it). */
  call: string;
  /** The first second at which it may be executed. */
  executableAt: bigint;
}

/** A delay of the manager's and, while a change of it waits for the manager's minimum setback, what comes next. */
export interface DelaySetting {
  now: bigint;
  next?: { delay: bigint; from: bigint };
}

/** Who governs, with which delays, and what waits. */
export interface GovernanceStatus {
  manager: string;
  /** The latest block's timestamp: countdowns are measured from it. */
  now: bigint;
  /** Members of the governor, admin and guardian roles (from `RoleGranted`, still holding the role) and each one's execution delay. */
  members: { role: string; account: string; executionDelay: bigint }[];
  governorGrantDelay: DelaySetting;
  fundAdminDelay: DelaySetting;
  scheduled: ScheduledOperation[];
}

export const ROLE_NAMES = new Map([
  [ADMIN_ROLE, "admin"],
  [GOVERNOR_ROLE, "governor"],
  [GUARDIAN_ROLE, "guardian"],
]);

/**
 * The members of the manager's roles with their execution delays, the delays on its side doors, and every
 * operation scheduled and neither executed nor cancelled (`getSchedule` is 0 once it is either).
 */
export async function readGovernance(
  manager: AccessManager,
  fundAddress: string,
  fundInterface: Interface,
  provider: Provider,
  fromBlock: number,
): Promise<GovernanceStatus> {
  const [granted, scheduledEvents, latest] = await Promise.all([
    manager.queryFilter(manager.filters.RoleGranted(), fromBlock),
    manager.queryFilter(manager.filters.OperationScheduled(), fromBlock),
    provider.getBlock("latest"),
  ]);
  const members: GovernanceStatus["members"] = [];
  const seen = new Set<string>();
  for (const event of granted) {
    const { roleId, account } = event.args;
    const role = ROLE_NAMES.get(roleId);
    const key = `${roleId}:${account}`;
    if (role === undefined || seen.has(key)) continue;
    seen.add(key);
    const [isMember, executionDelay] = await manager.hasRole(roleId, account);
    if (isMember) members.push({ role, account, executionDelay });
  }
  const scheduled: ScheduledOperation[] = [];
  const seenOperations = new Set<string>();
  // The latest scheduling of an operation id wins (an id is rescheduled after it was executed or cancelled).
  for (const event of [...scheduledEvents].reverse()) {
    const { operationId, caller, target, data } = event.args;
    if (seenOperations.has(operationId)) continue;
    seenOperations.add(operationId);
    const executableAt = await manager.getSchedule(operationId);
    if (executableAt === 0n) continue;
    scheduled.push({
      operationId,
      caller,
      target,
      data,
      call: describeCall([fundInterface, manager.interface], data),
      executableAt,
    });
  }
  scheduled.reverse();
  const now = BigInt(latest?.timestamp ?? 0);
  const managerAddress = await manager.getAddress();
  const [grantDelayNow, adminDelayNow, grantDelayChanges, adminDelayChanges] = await Promise.all([
    manager.getRoleGrantDelay(GOVERNOR_ROLE),
    manager.getTargetAdminDelay(fundAddress),
    manager.queryFilter(manager.filters.RoleGrantDelayChanged(GOVERNOR_ROLE), fromBlock),
    manager.queryFilter(manager.filters.TargetAdminDelayUpdated(fundAddress), fromBlock),
  ]);
  const setting = (current: bigint, last: { delay: bigint; since: bigint } | undefined): DelaySetting =>
    last !== undefined && last.since > now && last.delay !== current
      ? { now: current, next: { delay: last.delay, from: last.since } }
      : { now: current };
  return {
    manager: managerAddress,
    now,
    members,
    governorGrantDelay: setting(grantDelayNow, grantDelayChanges.at(-1)?.args),
    fundAdminDelay: setting(adminDelayNow, adminDelayChanges.at(-1)?.args),
    scheduled,
  };
}

/** `name(arg, ...)` of calldata, from the first ABI that knows its selector. */
export function describeCall(interfaces: Interface[], data: string): string {
  for (const iface of interfaces) {
    const parsed = iface.parseTransaction({ data });
    if (parsed !== null) return `${parsed.name}(${parsed.args.map((arg) => String(arg)).join(", ")})`;
  }
  return data.slice(0, 10);
}

// ================================================================ operations

/** What an account may do with a call on the fund now: at once, after a delay, or not at all. */
export interface CallAccess {
  /** The account may call the fund directly, with no schedule. */
  immediate: boolean;
  /** The execution delay: the call must be scheduled and waits this long (0 and not immediate: no role). */
  delay: bigint;
}

/** The steps of a governance operation, each one transaction through the manager (or the fund, at once). */
export interface GovernanceOperations {
  /** Whether and how `account` may make the call. */
  access(account: string, data: string): Promise<CallAccess>;
  /** The operation id and when it becomes executable (0: not scheduled). */
  schedule(data: string): Promise<ContractTransactionResponse>;
  execute(data: string): Promise<ContractTransactionResponse>;
  cancel(caller: string, data: string): Promise<ContractTransactionResponse>;
  operation(caller: string, data: string): Promise<{ operationId: string; executableAt: bigint }>;
}

/** The operations on the fund through `manager` (connected to the signer that sends them). */
export function governanceOperations(manager: AccessManager, fundAddress: string): GovernanceOperations {
  return {
    async access(account, data) {
      const [immediate, delay] = await manager.canCall(account, fundAddress, data.slice(0, 10));
      return { immediate, delay: BigInt(delay) };
    },
    schedule: (data) => manager.schedule(fundAddress, data, 0),
    execute: (data) => manager.execute(fundAddress, data),
    cancel: (caller, data) => manager.cancel(caller, fundAddress, data),
    async operation(caller, data) {
      const operationId = await manager.hashOperation(caller, fundAddress, data);
      return { operationId, executableAt: BigInt(await manager.getSchedule(operationId)) };
    },
  };
}

/**
 * Calldata from a call written as text, `setTreasury(0xAbc...)` or `setTarget(500, 200000000000)`: the function
 * is found by name in `iface`; the arguments are read as JSON when they parse as such (needed for tuples and
 * arrays: `registerMarket(2, ["0x...", "1000", "5", 100, "1000000"])`), otherwise split at commas.
 */
export function encodeCallText(iface: Interface, text: string): { name: string; data: string } {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$/s.exec(text);
  if (match === null) throw new FundClientError(`a call is written name(arg, ...), got "${text}"`);
  const [, name, inner] = match;
  const fragment = iface.getFunction(name);
  if (fragment === null) throw new FundClientError(`the fund has no function ${name}`);
  let args: unknown[];
  try {
    args = JSON.parse(`[${inner}]`) as unknown[];
  } catch {
    args = inner.trim() === "" ? [] : inner.split(",").map((part) => part.trim());
  }
  if (args.length !== fragment.inputs.length) {
    throw new FundClientError(`${fragment.format()} takes ${fragment.inputs.length} arguments, got ${args.length}`);
  }
  try {
    return { name: fragment.name, data: iface.encodeFunctionData(fragment, args) };
  } catch (error) {
    throw new FundClientError(`cannot encode ${fragment.format()}: ${firstLine(error)}`);
  }
}
