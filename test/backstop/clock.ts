// What the backstop's tests share: sending a transaction at an exact time (so the model sees the same second), and
// reading what a claim, a deposit or a cover did from its events (not from the contract's state afterwards).

import type { ContractTransactionResponse } from "ethers";

import type { Connection } from "../../lib/fundFixture.js";
import type { BackstopSuite } from "../../lib/backstopFixture.js";

export class Clock {
  constructor(
    private readonly helpers: Connection["networkHelpers"],
    public now: bigint,
  ) {}

  /** Catches up with blocks mined without the clock. */
  private async sync(): Promise<void> {
    const latest = BigInt(await this.helpers.time.latest());
    if (latest > this.now) this.now = latest;
  }

  /** Mines an empty block at `now + seconds`, so that views read that second. */
  async advance(seconds: bigint): Promise<void> {
    await this.sync();
    this.now += seconds;
    await this.helpers.time.increaseTo(this.now);
  }

  /** Sends `send()` in a block one second later (views then read that second). */
  async at(send: () => Promise<ContractTransactionResponse>) {
    await this.sync();
    this.now += 1n;
    await this.helpers.time.setNextBlockTimestamp(this.now);
    const response = await send();
    const receipt = await response.wait();
    if (receipt === null) throw new Error("no receipt");
    return receipt;
  }
}

type Receipt = Awaited<ReturnType<Clock["at"]>>;

/** The arguments of the vault's first event `name` in `receipt`. */
export function eventOf(suite: BackstopSuite, receipt: Receipt, name: string) {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== suite.vaultAddress.toLowerCase()) continue;
    const parsed = suite.vault.interface.parseLog(log);
    if (parsed?.name === name) return parsed.args;
  }
  throw new Error(`no ${name} event`);
}
