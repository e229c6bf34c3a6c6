// Per liquidation through the reference exchange, in the market of the trades (trades.ts): a solvent one and a
// bankrupt one that the fund covers, each transaction whole and the module's part inside it.

import { MARKET_ID } from "../../../lib/exchangeFixture.js";
import { usdc, wad } from "../../../lib/units.js";
import { WITH_AND_WITHOUT } from "./module-gas.js";
import { type BenchResults, HOUR } from "./results.js";
import type { TradingMarket } from "./trades.js";

export async function benchLiquidations(results: BenchResults, market: TradingMarket): Promise<void> {
  const { ethers, clock, s, traced } = market;
  // Two accounts open 4 long at 2,000 on 1,000 USDC (collateral 992 after the
  // fee). At 1,900 one is liquidatable and solvent (equity 592 of 992); at 1,700 the other is bankrupt
  // (equity -208): the exchange pays its liquidator the reward, and the fund, holding 10,000, pays the exchange the
  // shortfall and the reward.
  const [erin, frank] = (await ethers.getSigners()).slice(12, 14);
  const liquidations: (string | number)[][] = [];
  const measureLiquidation = async (key: string, label: string, account: string) => {
    const { row } = await traced(`liquidation.${key}`, label, () =>
      s.exchange.connect(s.dave).liquidate(account, MARKET_ID),
    );
    liquidations.push(row);
  };
  clock.advance(HOUR);
  for (const who of [erin, frank]) {
    await s.depositFor(who, usdc(1_000));
    await s.exchange.connect(who).trade(MARKET_ID, wad(4));
  }
  await s.setPrice(1_900);
  await measureLiquidation("solvent", "solvent (penalty 76: 38 to the liquidator, 38 split)", erin.address);
  await s.setPrice(1_700);
  await measureLiquidation("bankrupt", "bankrupt, covered by the fund (shortfall 208, reward)", frank.address);
  results.table(
    "Per liquidation through the reference exchange",
    'The market of the trades above; Dave liquidates. "module" is the gas used inside the fund by all the ' +
      "exchange's calls to it, views included, from the trace: the position's loss first (positionLoss, a view), " +
      "then one call: a solvent liquidation's settleTrade hands in the penalty's rest and the open interest; a " +
      "bankrupt one's settleBankruptcy also runs the waterfall and pays the exchange the shortfall and the reward it " +
      'paid its liquidator, less the penalty\'s rest (netted). "without the module" is the rest of the transaction, ' +
      "what the exchange's own liquidation costs (plus 100-2,600 gas per CALL to the fund).",
    ["liquidation", ...WITH_AND_WITHOUT, "by call"],
    liquidations,
  );
}
