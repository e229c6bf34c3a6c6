// The demo's staked backstop (`--backstop`): LocalBackstopSuite's vault behind the fund. A few stakers stake on day
// 0; the fund sends the vault its share of the treasury's income at each daily flush, streamed to the stakers; the
// vault bears its part B of the bankruptcies beyond the fund's limit; one staker asks to leave the day before the
// crash and claims after the cooldown, at the smaller of its shares' value at the request and at the claim.
import type { ContractTransactionResponse } from "ethers";

import { USDC } from "../../../lib/units.js";
import type { BackstopVault, MockUSDC } from "../../../typechain-types/index.js";
import type { Signer } from "./cast.js";
import type { Schedule } from "./config.js";
import { usd } from "./format.js";
import type { BackstopLevel, DemoResult, DemoRow } from "./rows.js";

/** The stakers, their stakes (whole USDC) and who leaves: the last one, the day before the crash. */
export const DEMO_STAKERS = [
  { name: "fund-of-funds", stake: 180_000n },
  { name: "market-maker", stake: 90_000n },
  { name: "leaver", stake: 30_000n },
] as const;

/** The staker who asks to leave, and what its exit came to. */
export interface BackstopExit {
  name: string;
  shares: bigint;
  requestDay: number;
  /** Its shares' value when it asked (the request's `assets`). */
  valueAtRequest: bigint;
  /** The claims made within the window: the day, the shares, what they were worth then and what was paid. */
  claims: { day: number; shares: bigint; valueNow: bigint; paid: bigint }[];
}

/** What the report tells of the backstop besides each day's level. */
export interface BackstopStory {
  vault: string;
  stakers: { name: string; address: string; staked: bigint }[];
  exit: BackstopExit;
}

interface Sender {
  send(
    transaction: () => Promise<ContractTransactionResponse>,
    options?: { mayRevertWith?: readonly string[] },
  ): Promise<boolean>;
  mint(to: string, amount: bigint): Promise<void>;
}

/** One whole share of the vault (the token's 6 decimals and the vault's offset of 6). */
const ONE_SHARE = 10n ** 12n;

export class DemoBackstop {
  private readonly exit: BackstopExit;

  constructor(
    private readonly vault: BackstopVault,
    private readonly usdc: MockUSDC,
    readonly address: string,
    private readonly stakers: { name: string; signer: Signer; staked: bigint }[],
  ) {
    this.exit = { name: stakers[stakers.length - 1].name, shares: 0n, requestDay: -1, valueAtRequest: 0n, claims: [] };
  }

  /** The stakers' addresses, for the money conservation check. */
  get holders(): string[] {
    return [this.address, ...this.stakers.map((s) => s.signer.address)];
  }

  /** Day 0: each staker's stake is minted to it and deposited. */
  async stake(chain: Sender): Promise<void> {
    for (const staker of this.stakers) {
      await chain.mint(staker.signer.address, staker.staked);
      await chain.send(() => this.usdc.connect(staker.signer).approve(this.address, staker.staked));
      await chain.send(() => this.vault.connect(staker.signer).deposit(staker.staked, staker.signer.address));
    }
  }

  /** At the end of each day: the leaver asks the day before the crash, and claims what it can once it may. */
  async endOfDay(chain: Sender, day: number, schedule: Schedule): Promise<void> {
    const leaver = this.stakers[this.stakers.length - 1].signer;
    if (day === schedule.firstDrop - 1) {
      const shares = await this.vault.balanceOf(leaver.address);
      await chain.send(() => this.vault.connect(leaver).requestRedeem(shares, leaver.address, leaver.address));
      this.exit.shares = shares;
      this.exit.requestDay = day;
      this.exit.valueAtRequest = (await this.vault.redeemRequest(leaver.address)).assets;
      return;
    }
    if (this.exit.requestDay < 0) return;
    // By assets: what may be claimed is the cap's rest or the request's value, neither of which moves before the
    // transaction is mined, or the value now, which only vests upwards meanwhile (`maxRedeem` in shares would).
    const assets = await this.vault.maxWithdraw(leaver.address);
    if (assets === 0n) return;
    const [sharesBefore, paidBefore] = await Promise.all([
      this.vault.redeemRequest(leaver.address),
      this.usdc.balanceOf(leaver.address),
    ]);
    // A claim's last units may round to nothing claimable by the time it is mined: then it waits for the next day.
    const mined = await chain.send(() => this.vault.connect(leaver).withdraw(assets, leaver.address, leaver.address), {
      mayRevertWith: ["ERC4626ExceededMaxWithdraw"],
    });
    if (!mined) return;
    const [sharesAfter, paidAfter] = await Promise.all([
      this.vault.redeemRequest(leaver.address),
      this.usdc.balanceOf(leaver.address),
    ]);
    const shares = sharesBefore.shares - sharesAfter.shares;
    this.exit.claims.push({
      day,
      shares,
      valueNow: await this.vault.convertToAssets(shares),
      paid: paidAfter - paidBefore,
    });
  }

  /** The vault at the end of a day, with what the day's events brought it and took from it. */
  async level(ledger: { backstopIncome: bigint; backstopCovered: bigint }): Promise<BackstopLevel> {
    const [totalAssets, totalSupply, sharePrice, unvestedIncome, lockedShares] = await Promise.all([
      this.vault.totalAssets(),
      this.vault.totalSupply(),
      this.vault.convertToAssets(ONE_SHARE),
      this.vault.unvestedIncome(),
      this.vault.lockedShares(),
    ]);
    return {
      totalAssets,
      totalSupply,
      sharePrice,
      unvestedIncome,
      lockedShares,
      income: ledger.backstopIncome,
      covered: ledger.backstopCovered,
    };
  }

  story(): BackstopStory {
    return {
      vault: this.address,
      stakers: this.stakers.map((s) => ({ name: s.name, address: s.signer.address, staked: s.staked })),
      exit: this.exit,
    };
  }
}

// ================================================================ the report

/** A share's price to the micro-unit: "1.004321". */
function sharePrice(amount: bigint): string {
  return `${amount / USDC}.${(amount % USDC).toString().padStart(6, "0")}`;
}

/** The backstop's story as lines (the console and the report), or none when the demo ran without it. */
export function backstopLines(result: DemoResult): string[] {
  const story = result.backstop;
  if (story === undefined) return [];
  const { rows, schedule } = result;
  const at = (row: DemoRow) => row.backstop!;
  const money = (amount: bigint) => `${usd(amount)} USDC`;
  const setup = at(rows[0]);
  const beforeCrash = at(rows[schedule.firstDrop - 1]);
  const incomeBefore = rows.slice(0, schedule.firstDrop).reduce((total, row) => total + at(row).income, 0n);
  const incomeAll = rows.reduce((total, row) => total + at(row).income, 0n);
  const last = at(rows[rows.length - 1]);
  const gainCentiBp = ((beforeCrash.sharePrice - setup.sharePrice) * 1_000_000n) / setup.sharePrice;
  const lines = [
    `Backstop ${story.vault}: ${story.stakers.map((s) => `${s.name} ${money(s.staked)}`).join(", ")} staked on day 0 ` +
      `(${money(setup.totalAssets)}).`,
    `  yield before the crash (days 0-${schedule.firstDrop - 1}): ${money(incomeBefore)} of income from the treasury's ` +
      `share, share price ${sharePrice(setup.sharePrice)} -> ${sharePrice(beforeCrash.sharePrice)} ` +
      `(+${gainCentiBp / 100n}.${(gainCentiBp % 100n).toString().padStart(2, "0")} bp), ${money(beforeCrash.unvestedIncome)} still streaming.`,
  ];
  for (const [label, day] of [
    ["crash", schedule.firstDrop],
    ["second drop", schedule.secondDrop],
  ] as const) {
    const before = at(rows[day - 1]);
    const after = at(rows[day]);
    lines.push(
      `  ${label} (day ${day}): the backstop absorbed B = ${money(after.covered)}; assets ${money(before.totalAssets)} -> ` +
        `${money(after.totalAssets)}, share price ${sharePrice(before.sharePrice)} -> ${sharePrice(after.sharePrice)}.`,
    );
  }
  const { exit } = story;
  if (exit.requestDay < 0) {
    lines.push(`  ${exit.name}: never asked to leave (the run is too short).`);
  } else {
    lines.push(
      `  ${exit.name} asked to redeem ${usd(exit.shares / 10n ** 6n)} shares on day ${exit.requestDay}, worth ` +
        `${money(exit.valueAtRequest)} then; the shares kept bearing losses and earned nothing during the cooldown.`,
    );
    for (const claim of exit.claims) {
      lines.push(
        `  ${exit.name} claimed ${usd(claim.shares / 10n ** 6n)} shares on day ${claim.day}: worth ${money(claim.valueNow)} ` +
          `now, paid ${money(claim.paid)} (the smaller of its value at the request and now).`,
      );
    }
    if (exit.claims.length === 0) lines.push(`  ${exit.name}: still in its cooldown when the run ended.`);
  }
  lines.push(
    `  end (day ${rows.length - 1}): ${money(last.totalAssets)} of assets for ${usd(last.totalSupply / 10n ** 6n)} shares, ` +
      `share price ${sharePrice(last.sharePrice)}; ${money(incomeAll)} of income in all.`,
  );
  return lines;
}
