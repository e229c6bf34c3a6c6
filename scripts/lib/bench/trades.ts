// Per trade through the reference exchange: a market with ten days of trades behind it, each measured trade's
// whole transaction and the module's part inside it. The liquidations (liquidations.ts) follow in the same market.

import type { ContractTransactionResponse } from "ethers";

import { deployExchange, type ExchangeSuite, MARKET_ID } from "../../../lib/exchangeFixture.js";
import { MAX_UINT128, usdc, wad } from "../../../lib/units.js";
import { callsOf, Clock, createChain, type Ethers, intrinsicGas, T0 } from "../chain.js";
import { moduleGas, WITH_AND_WITHOUT, withAndWithout } from "./module-gas.js";
import { type BenchResults, DAY, HOUR } from "./results.js";

/** The market the trades and liquidations are measured in, and how to measure one of its transactions. */
export interface TradingMarket {
  ethers: Ethers;
  clock: Clock;
  s: ExchangeSuite;
  /**
   * An hour later, sends `send`'s transaction and records its gas and the module's part as `<key>.tx` and
   * `<key>.module`. Returns the table row's start (see `withAndWithout`), the calls by function, and the gas of
   * the fund's fee pull.
   */
  traced(
    key: string,
    label: string,
    send: () => Promise<ContractTransactionResponse>,
  ): Promise<{ row: (string | number)[]; feeTransfer: number }>;
}

/**
 * A market with ten days of history: Alice long 1 and Bob short 2 from day 0, Dave trading 0.1 each day (the open
 * interest changes daily). The measured transactions follow on day 10, an hour apart, all in the 6-hour bucket
 * of the day's first report, as most trades of a busy market are.
 */
export async function tradingMarket(results: BenchResults): Promise<TradingMarket> {
  const { ethers, clock } = await createChain();
  const s = await deployExchange(ethers);
  const interfaces = { [s.fundAddress]: s.fund.interface, [await s.quote.getAddress()]: s.quote.interface };
  for (const who of [s.alice, s.bob, s.carol, s.dave]) await s.depositFor(who, usdc(10_000));
  clock.at(T0);
  await s.exchange.connect(s.alice).trade(MARKET_ID, wad(1));
  await s.exchange.connect(s.bob).trade(MARKET_ID, -wad(2));
  for (let day = 1; day <= 10; day++) {
    clock.at(T0 + day * DAY);
    await s.exchange.connect(s.dave).trade(MARKET_ID, day % 2 === 1 ? wad("0.1") : -wad("0.1"));
  }

  const traced: TradingMarket["traced"] = async (key, label, send) => {
    clock.advance(HOUR);
    const receipt = (await (await send()).wait())!;
    const calls = await callsOf(ethers, receipt.hash, interfaces);
    const m = moduleGas(calls, s.exchangeAddress.toLowerCase(), s.fundAddress.toLowerCase());
    results.gas[`${key}.tx`] = Number(receipt.gasUsed);
    results.gas[`${key}.module`] = m.total;
    const byCall = Object.entries(m.byFunction)
      .map(([fn, g]) => `${fn} ${g.toLocaleString("en-US")}`)
      .join(", ");
    return { row: [...withAndWithout(Number(receipt.gasUsed), m.total, label), byCall], feeTransfer: m.feeTransfer };
  };
  return { ethers, clock, s, traced };
}

export async function benchTrades(results: BenchResults, market: TradingMarket): Promise<void> {
  const { clock, s, traced } = market;
  const rows: (string | number)[][] = [];
  const measure = async (key: string, label: string, who: typeof s.alice, size: bigint) => {
    const { row, feeTransfer } = await traced(`trade.${key}`, label, () =>
      s.exchange.connect(who).trade(MARKET_ID, size),
    );
    results.gas[`trade.${key}.feeTransfer`] = feeTransfer;
    rows.push([...row, feeTransfer]);
  };
  await measure("open", "open (a new account, 1 long)", s.carol, wad(1));
  await measure("increase", "increase (1 more long)", s.alice, wad(1));
  await measure("reduce", "reduce (0.5 of a 2 long)", s.alice, -wad("0.5"));
  await measure("close", "close (a whole 2 short)", s.bob, wad(2));

  // The floor for moving a fee at all: a plain transferFrom of the same token, in the same state shape as the
  // fund's pull (allowance unlimited, both balances non-zero before and after).
  await s.quote.mint(s.alice.address, usdc(100));
  await s.quote.connect(s.alice).approve(s.dave.address, MAX_UINT128);
  clock.advance(HOUR);
  const plain = await s.quote.connect(s.dave).transferFrom(s.alice.address, s.fundAddress, usdc(2));
  const plainGas = Number((await plain.wait())!.gasUsed);
  const plainExecution = plainGas - intrinsicGas(plain.data);
  results.gas["erc20.transferFrom.tx"] = plainGas;
  results.gas["erc20.transferFrom.execution"] = plainExecution;

  results.table(
    "Per trade through the reference exchange",
    "FixedSharePolicy(5000, 5000); a market with ten days of daily trades behind it and three open positions. " +
      '"module" is the gas used inside the fund by the exchange\'s calls to it (positionLoss/lossIndex, ' +
      "collectFee with its token pull and policy call, recordOpenInterest), from the transaction trace; " +
      '"without the module" is the rest, the exchange\'s own trade (which also pays 100-2,600 gas per CALL to ' +
      'the fund). "fee pull" is the fund\'s transferFrom inside collectFee. A plain ' +
      `ERC-20 transferFrom of the same token in the same run costs ${plainGas.toLocaleString("en-US")} as a ` +
      `transaction, ${plainExecution.toLocaleString("en-US")} without the 21,000 and calldata: the floor for ` +
      "moving a fee at all.",
    ["trade", ...WITH_AND_WITHOUT, "by call", "fee pull", "module ÷ plain transferFrom"],
    rows.map((r) => [...r, (Number(r[2]) / plainExecution).toFixed(2)]),
  );
}
