// Money is never created or lost: checks a scenario runs after every step and the demo after every day. They
// throw plain errors here (the demo needs no test framework); test/helpers/conservation.ts runs the same checks
// with chai's assertions.
import type { InsuranceFund, ReferenceExchange } from "../typechain-types/index.js";

/** Anything that holds the quote token: an address, a signer or a contract. */
export type Holder = string | { address: string } | { getAddress(): Promise<string> };

/** The two reads of an ERC-20 the checks need (MockUSDC, ReentrantToken, ...). */
export interface TokenBalances {
  balanceOf(account: string): Promise<bigint>;
  totalSupply(): Promise<bigint>;
}

/** Compares what a check read with what it expected, and throws when they differ. */
export type Equal = (actual: bigint, expected: bigint, message: string) => void;

const equalOrThrow: Equal = (actual, expected, message) => {
  if (actual !== expected) throw new Error(`${message}: expected ${actual} to equal ${expected}`);
};

export async function addressOf(holder: Holder): Promise<string> {
  if (typeof holder === "string") return holder;
  return "address" in holder ? holder.address : holder.getAddress();
}

/** The checks, comparing with `equal`. */
export function conservationChecks(equal: Equal) {
  return {
    /**
     * Conservation: the quote-token balances of `holders` (every trader, liquidator, the exchange, the fund, the
     * treasury, the seeder: every address the story ever paid) add up to `expectedTotal`, the total the story minted,
     * and the token's supply is that total too, so no unit sits with anyone the list forgot. A holder listed twice
     * would be counted twice: that throws.
     * @param step Named in the failure message.
     */
    async conserved(token: TokenBalances, holders: readonly Holder[], expectedTotal: bigint, step = ""): Promise<void> {
      const addresses = await Promise.all(holders.map(addressOf));
      const unique = new Set(addresses.map((a) => a.toLowerCase()));
      if (unique.size !== addresses.length) throw new Error(`conservation: a holder is listed twice (${step})`);
      const balances = await Promise.all(addresses.map((a) => token.balanceOf(a)));
      const sum = balances.reduce((a, b) => a + b, 0n);
      equal(sum, expectedTotal, `conservation: sum over holders, ${step}`);
      equal(await token.totalSupply(), expectedTotal, `conservation: supply, ${step}`);
    },

    /**
     * The exchange's solvency identity, exactly: its token balance is what it owes its traders (positive collateral
     * minus negative collateral, summed here over `accounts` in `marketIds`) plus its realized PnL as counterparty and
     * its owner's house capital, minus what is still owed to it for bankruptcies it already paid for: the socialized
     * loss its positions have not settled yet, the bad debt income has not repaid yet and the fund's pending claims:
     * `balanceOf(exchange) == totalCollateral - totalDeficit + counterpartyRealizedPnl + houseCapital -
     * unsettledSocializedLoss - badDebtOutstanding - pendingClaimsOwed`. Its bad debt and pending claims are the
     * fund's (the only exchange of these markets), and the fund holds exactly its balance plus the reserved pending
     * claims plus the treasury's accrual (no donations in a scenario).
     */
    async exchangeSolvent(
      token: TokenBalances,
      exchange: ReferenceExchange,
      fund: InsuranceFund,
      accounts: readonly Holder[],
      marketIds: readonly bigint[],
      step = "",
    ): Promise<void> {
      let positive = 0n;
      let negative = 0n;
      for (const account of accounts) {
        const address = await addressOf(account);
        for (const marketId of marketIds) {
          const c = (await exchange.position(address, marketId)).collateral;
          if (c > 0n) positive += c;
          else negative -= c;
        }
      }
      equal(await exchange.totalCollateral(), positive, `totalCollateral, ${step}`);
      equal(await exchange.totalDeficit(), negative, `totalDeficit, ${step}`);
      const counterparty = await exchange.counterpartyRealizedPnl();
      const unsettled = await exchange.unsettledSocializedLoss();
      const badDebt = await exchange.badDebtOutstanding();
      const houseCapital = await exchange.houseCapital();
      const pendingOwed = await exchange.pendingClaimsOwed();
      const exchangeAddress = await exchange.getAddress();
      equal(
        await token.balanceOf(exchangeAddress),
        positive - negative + counterparty + houseCapital - unsettled - badDebt - pendingOwed,
        `exchange solvency identity, ${step}`,
      );
      let fundBadDebt = 0n;
      let fundPending = 0n;
      for (const marketId of marketIds) {
        fundBadDebt += (await fund.market(marketId)).badDebt;
        fundPending += await fund.pendingClaim(marketId);
      }
      equal(badDebt, fundBadDebt, `bad debt: exchange vs fund, ${step}`);
      equal(await fund.totalBadDebt(), fundBadDebt, `total bad debt, ${step}`);
      equal(pendingOwed, fundPending, `pending claims: exchange vs fund, ${step}`);
      const totalPending = await fund.totalPending();
      equal(totalPending, fundPending, `total pending, ${step}`);
      equal(
        await token.balanceOf(await fund.getAddress()),
        (await fund.fundBalance()) + totalPending + (await fund.treasuryAccrued()),
        `fund holds balance + pending + accrual, ${step}`,
      );
    },
  };
}

/** The checks throwing plain errors. */
export const { conserved: checkConserved, exchangeSolvent: checkExchangeSolvent } = conservationChecks(equalOrThrow);
