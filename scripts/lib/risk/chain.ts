// The chain's side of a scenario: deploys the suite with Ignition's local module (plus a feed and a registration
// for each further market), then replays a model run's actions as transactions, each mined at the timestamp the
// model used, and compares the fund's books with the model's after every tick, to the unit. Any difference, or a
// transaction the chain refuses, stops the run with the tick and the field.
import { readDeploymentParameters } from "@nomicfoundation/hardhat-ignition/helpers";
import type { ContractTransactionResponse } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import LocalSparkSuite from "../../../deploy/modules/LocalSparkSuite.js";
import LocalSuite from "../../../deploy/modules/LocalSuite.js";
import { DEFAULT_OPEN_INTEREST_CAP, MAX_UINT256 } from "../../../lib/units.js";
import { LOCAL_PARAMETERS_FILE } from "../demo/market.js";
import { type Action, GENESIS, KEEPERS, type RunResult, START, traderId } from "./engine.js";
import type { Scenario } from "./scenario.js";
import { FEED_DECIMALS } from "./paths.js";

/** Accounts besides the traders: 0 deploys, 1 governs, 2 guards, 4 is the treasury, 5-7 keep (as in the demo). */
const NON_TRADER_ACCOUNTS = 8;

export interface ChainCheck {
  /** Ticks compared (each: fund balance, treasury accrual, total bad debt, and per market paid, index, bad debt). */
  ticks: number;
  /** Values compared in all, and transactions sent. */
  values: number;
  transactions: number;
  /** The traders' positions compared at the end (collateral and base). */
  positions: number;
}

function mismatch(where: string, field: string, model: bigint, chain: bigint): Error {
  return new Error(`chain and model disagree ${where}: ${field} is ${chain} on the chain, ${model} in the model`);
}

/** Replays `run` (a model run with `log: true`) on a fresh in-process chain and checks every tick. */
export async function replayOnChain(
  hre: HardhatRuntimeEnvironment,
  scenario: Scenario,
  run: RunResult,
): Promise<ChainCheck> {
  const connection: NetworkConnection = await hre.network.create({
    network: "default",
    override: { initialDate: GENESIS, accounts: { count: run.traders.length + NON_TRADER_ACCOUNTS } },
  });
  try {
    return await replay(connection, scenario, run);
  } finally {
    await connection.close();
  }
}

async function replay(connection: NetworkConnection, scenario: Scenario, run: RunResult): Promise<ChainCheck> {
  const { ethers, ignition, networkHelpers } = connection;
  const signers = await ethers.getSigners();
  const [deployer, governor, guardian] = signers;
  const keepers = signers.slice(5, 5 + KEEPERS);
  const traders = signers.slice(NON_TRADER_ACCOUNTS, NON_TRADER_ACCOUNTS + run.traders.length);
  const first = scenario.markets[0];
  const opening = run.openingAnswers;

  const fileParameters = await readDeploymentParameters(LOCAL_PARAMETERS_FILE);
  const floors = [scenario.floor, ...run.actions.flatMap((a) => (a.kind === "target" ? [a.floor] : []))];
  const global = {
    ...fileParameters.$global,
    floor: scenario.floor,
    minFloor: floors.reduce((a, b) => (a < b ? a : b)),
    targetShareBps: scenario.targetShareBps,
    ethPerpMarketId: first.id,
    ethPerpInsuranceLimit: first.insuranceLimit,
    ethPerpRewardCap: first.rewardCap,
    ethPerpRewardCapBps: first.rewardCapBps,
    ethPerpFeedAnswer: opening[0],
    ethPerpExchangeParams: { ...first.params, maxPriceAgeSeconds: 0n },
  };
  const parameters = {
    ...fileParameters,
    $global: global,
    LocalSuite: { bands: { ...scenario.bands } },
    LocalSparkSuite: { ...scenario.shares },
  };
  const module = scenario.policy === "spark" ? LocalSparkSuite : LocalSuite;
  const deployed = await ignition.deploy(module, { parameters, displayUi: false });
  const usdc = await ethers.getContractAt("MockUSDC", await deployed.usdc.getAddress());
  const fund = await ethers.getContractAt("InsuranceFund", await deployed.fund.getAddress());
  const exchange = await ethers.getContractAt("ReferenceExchange", await deployed.exchange.getAddress());
  const feeds = [await ethers.getContractAt("MockPriceFeed", await deployed.feed.getAddress())];
  const exchangeAddress = await exchange.getAddress();
  const fundAddress = await fund.getAddress();
  for (const [i, m] of scenario.markets.entries()) {
    if (i === 0) continue;
    const feed = await ethers.deployContract("MockPriceFeed", [FEED_DECIMALS, opening[i]]);
    feeds.push(await ethers.getContractAt("MockPriceFeed", await feed.getAddress()));
    await fund.connect(governor).registerMarket(m.id, {
      exchange: exchangeAddress,
      insuranceLimit: m.insuranceLimit,
      rewardCap: m.rewardCap,
      rewardCapBps: m.rewardCapBps,
      openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
    });
    await exchange.connect(deployer).listMarket(m.id, await feed.getAddress(), { ...m.params, maxPriceAgeSeconds: 0n });
  }
  await usdc.connect(deployer).approve(fundAddress, MAX_UINT256);
  for (const trader of traders) await usdc.connect(trader).approve(exchangeAddress, MAX_UINT256);
  const latest = await ethers.provider.getBlock("latest");
  if (!latest || BigInt(latest.timestamp) >= START) throw new Error("the set-up ran past the scenario's start");

  let transactions = 0;
  const send = async (t: bigint, transaction: () => Promise<ContractTransactionResponse>, what: string) => {
    await networkHelpers.time.setNextBlockTimestamp(t);
    try {
      await (await transaction()).wait();
    } catch (error) {
      throw new Error(`the chain refused ${what} at ${t}: ${error instanceof Error ? error.message : String(error)}`);
    }
    transactions++;
  };
  const feedOf = (market: bigint) => feeds[Number(market) - 1];

  const apply = async (a: Action) => {
    switch (a.kind) {
      case "fundDeposit":
        await send(a.t - 1n, () => usdc.connect(deployer).mint(deployer.address, a.amount), "a mint");
        return send(a.t, () => fund.connect(deployer).deposit(a.amount), "a fund deposit");
      case "deposit": {
        const trader = traders[a.trader];
        await send(a.t - 1n, () => usdc.connect(deployer).mint(trader.address, a.amount), "a mint");
        return send(a.t, () => exchange.connect(trader).deposit(a.market, a.amount), `${traderId(a.trader)}'s deposit`);
      }
      case "trade":
        return send(
          a.t,
          () => exchange.connect(traders[a.trader]).trade(a.market, a.delta),
          `${traderId(a.trader)}'s trade`,
        );
      case "liquidate":
        return send(
          a.t,
          () => exchange.connect(keepers[a.keeper]).liquidate(traders[a.trader].address, a.market),
          `the liquidation of ${traderId(a.trader)}`,
        );
      case "price":
        return send(a.t, () => feedOf(a.market).connect(deployer).setPrice(a.answer), "a price");
      case "raiseLimit":
        return send(a.t, () => fund.connect(governor).raiseInsuranceLimit(a.market, a.value), "a limit raise");
      case "rewardCaps":
        return send(a.t, () => fund.connect(governor).setRewardCaps(a.market, a.rewardCap, a.rewardCapBps), "caps");
      case "target":
        return send(a.t, () => fund.connect(governor).setTarget(a.targetShareBps, a.floor), "a target");
      case "pause":
        return send(a.t, () => fund.connect(guardian).pause(), "the pause");
      case "unpause":
        return send(a.t, () => fund.connect(guardian).unpause(), "the unpause");
      case "processPendingClaim":
        return send(a.t, () => fund.connect(keepers[0]).processPendingClaim(a.market), "a pending claim");
      case "sweep":
        return send(a.t, () => fund.connect(keepers[0]).sweepSurplus(), "a sweep");
    }
  };

  let next = 0;
  let values = 0;
  for (const [tick, snapshot] of run.snapshots.entries()) {
    const before = next;
    for (; next < snapshot.after; next++) await apply(run.actions[next]);
    if (next === before && tick !== run.snapshots.length - 1) continue;
    const where = `after tick ${tick} (transaction ${transactions})`;
    const [balance, accrued, badDebt, pending] = await Promise.all([
      fund.fundBalance(),
      fund.treasuryAccrued(),
      fund.totalBadDebt(),
      fund.totalPending(),
    ]);
    const pairs: [string, bigint, bigint][] = [
      ["the fund's balance", snapshot.fundBalance, balance],
      ["the treasury's accrual", snapshot.treasuryAccrued, accrued],
      ["the total bad debt", snapshot.totalBadDebt, badDebt],
      ["the total pending", snapshot.totalPending, pending],
    ];
    for (const [i, m] of scenario.markets.entries()) {
      const info = await fund.market(m.id);
      const s = snapshot.markets[i];
      pairs.push([`${m.name}'s insurance paid`, s.insurancePaid, info.insurancePaid]);
      pairs.push([`${m.name}'s loss index`, s.lossIndex, info.lossIndex]);
      pairs.push([`${m.name}'s bad debt`, s.badDebt, info.badDebt]);
      pairs.push([`${m.name}'s pending claim`, s.pending, await fund.pendingClaim(m.id)]);
    }
    for (const [field, model, chain] of pairs) if (model !== chain) throw mismatch(where, field, model, chain);
    values += pairs.length;
  }

  // At the end: every trader's position and every holder's tokens.
  let positions = 0;
  for (const [i, t] of run.traders.entries()) {
    const position = await exchange.position(traders[i].address, t.market);
    const account = run.book.account(traderId(i), t.market).position;
    if (position.collateral !== account.collateral)
      throw mismatch("at the end", `${traderId(i)}'s collateral`, account.collateral, position.collateral);
    if (position.baseWad !== account.base)
      throw mismatch("at the end", `${traderId(i)}'s base`, account.base, position.baseWad);
    positions++;
  }
  const wallets: [string, string][] = [
    ["fund", fundAddress],
    ["exchange", exchangeAddress],
    ...keepers.map((k, i): [string, string] => [`keeper-${i}`, k.address]),
  ];
  for (const [id, address] of wallets) {
    const chain = await usdc.balanceOf(address);
    if (chain !== run.book.balanceOf(id)) throw mismatch("at the end", `${id}'s tokens`, run.book.balanceOf(id), chain);
  }
  return { ticks: run.snapshots.length, values: values + positions * 2 + wallets.length, transactions, positions };
}
