// The ledger of one demo day: what the events of its receipts say, booked as each transaction is mined.
import type { ContractTransactionReceipt, Log } from "ethers";

import { WAD } from "../../../lib/units.js";
import type { InsuranceFund, ReferenceExchange } from "../../../typechain-types/index.js";

/** What the events of one day's receipts say. */
export class DayLedger {
  deposited = 0n;
  income = 0n;
  badDebtRepaid = 0n;
  fundRewards = 0n;
  fundShortfalls = 0n;
  paidToExchange = 0n;
  pendingAdded = 0n;
  keeperRewards = 0n;
  bankruptKeeperRewards = 0n;
  socialized = 0n;
  badDebt = 0n;
  swept = 0n;
  trades = 0;
  volume = 0n;
  tradingFees = 0n;
  liquidations = 0;
  bankruptcies = 0;
  settlements = 0;
  settled = 0n;
  rejected = 0;
  backstopIncome = 0n;
  backstopCovered = 0n;
  gapFromWad = 0n;
  gapToWad = 0n;

  /** Books the fund's and the exchange's events of one receipt into the day's ledger. */
  book(
    receipt: ContractTransactionReceipt,
    c: { fund: InsuranceFund; exchange: ReferenceExchange },
    addresses: { fund: string; exchange: string },
  ): void {
    const l = this;
    for (const log of receipt.logs as Log[]) {
      const address = log.address.toLowerCase();
      if (address === addresses.fund.toLowerCase()) {
        const event = c.fund.interface.parseLog(log);
        if (!event) continue;
        switch (event.name) {
          case "InsuranceFundDeposited":
            l.deposited += event.args.amount;
            break;
          case "InsuranceFundFeeCollected":
            // Bad debt is repaid from the whole fee first (the exchange keeps it, InsuranceFundBadDebtRepaid says how
            // much); the policy splits the rest.
            l.income += event.args.fundPart as bigint;
            break;
          case "InsuranceFundTradeSettled":
            // A trade's or a solvent liquidation's one call, its fee received (what it repaid of bad debt comes in
            // InsuranceFundBadDebtRepaid just before).
            l.income += event.args.fundPart as bigint;
            break;
          case "InsuranceFundBadDebtRepaid":
            l.badDebtRepaid += event.args.amount as bigint;
            break;
          case "InsuranceFundBankruptcyCovered": {
            const cover = event.args.cover;
            l.fundRewards += cover.fundReward as bigint;
            l.fundShortfalls += cover.fundShortfall as bigint;
            l.paidToExchange += (cover.paidNow as bigint) + (cover.earlierPendingPaid as bigint);
            l.pendingAdded += cover.pending as bigint;
            l.backstopCovered += (cover.backstopReward as bigint) + (cover.backstopShortfall as bigint);
            break;
          }
          case "InsuranceFundBackstopIncomePaid":
            l.backstopIncome += event.args.amount as bigint;
            break;
          case "InsuranceFundPendingClaimPaid":
            l.paidToExchange += event.args.amount as bigint;
            break;
          case "InsuranceFundLossSocialized":
            l.socialized += event.args.amount;
            break;
          case "InsuranceFundBadDebtRecorded":
            l.badDebt += event.args.amount;
            break;
          case "InsuranceFundSurplusSwept":
            l.swept += event.args.surplus;
            break;
        }
      } else if (address === addresses.exchange.toLowerCase()) {
        const event = c.exchange.interface.parseLog(log);
        if (!event) continue;
        switch (event.name) {
          case "ReferenceExchangeTraded": {
            const size: bigint = event.args.sizeDeltaWad;
            l.trades++;
            l.volume += ((size < 0n ? -size : size) * event.args.priceWad) / WAD / 10n ** 12n;
            l.tradingFees += event.args.fee;
            break;
          }
          case "ReferenceExchangeLiquidated":
            l.liquidations++;
            l.keeperRewards += event.args.liquidatorReward as bigint;
            break;
          case "ReferenceExchangeBankruptcyCovered":
            // The exchange paid the keeper the whole capped reward, whatever the fund bears of it.
            l.bankruptcies++;
            l.keeperRewards += event.args.cover.reward as bigint;
            l.bankruptKeeperRewards += event.args.cover.reward as bigint;
            break;
          case "ReferenceExchangeLossSettled":
            l.settlements++;
            l.settled += event.args.loss;
            break;
        }
      }
    }
  }
}
