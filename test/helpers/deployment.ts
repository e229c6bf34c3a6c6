import path from "node:path";

import { readDeploymentParameters } from "@nomicfoundation/hardhat-ignition/helpers";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { expect } from "chai";

export const LOCAL_PARAMETERS = path.resolve("deploy/parameters/local.json");
export const TESTNET_EXAMPLE_PARAMETERS = path.resolve("deploy/parameters/testnet.example.json");

/** A parameter file read exactly as Ignition reads it ("123n" strings become bigints). */
export async function readParameters(file: string): Promise<DeploymentParameters> {
  return await readDeploymentParameters(file);
}

/** The value a module sees for `name`: its own section first, then "$global" (Ignition's order). */
export function parameter(parameters: DeploymentParameters, moduleId: string, name: string): any {
  const value = parameters[moduleId]?.[name] ?? parameters.$global?.[name];
  if (value === undefined) throw new Error(`parameter ${moduleId}.${name} is not in the file`);
  return value;
}

/** Asserts that `promise` rejects with a message matching `pattern`. */
export async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected a rejection matching ${pattern}`).to.be.instanceOf(Error);
  expect((error as Error).message).to.match(pattern);
}
