// The typed client of the insurance fund, for operators, keepers and indexers: ethers v6 and the contracts'
// generated types, nothing of Hardhat, so it runs wherever an ethers `Provider` or `Signer` does.
//
//   const client = await InsuranceFundClient.connect(provider, fundAddress);
//   const status = await client.status();                  // health, parameters, markets, governance
//   const page = await client.history({ fromBlock: 0 });   // the waterfall's events, paged by block range
//   await (await client.connectSigner(keeper)).sweepSurplus();
//
// The status command (scripts/status.ts) and the dashboard (dashboard/) read the fund only through it.
import {
  type ContractRunner,
  type ContractTransactionResponse,
  type Provider,
  type Signer,
  Contract,
  ZeroAddress,
} from "ethers";

// The generated types by file, not through typechain's index: the package ships the shipped contracts' types only.
import type { AccessManager } from "../typechain-types/@openzeppelin/contracts/access/manager/AccessManager.js";
import type { InsuranceFund } from "../typechain-types/contracts/InsuranceFund.js";
import { AccessManager__factory } from "../typechain-types/factories/@openzeppelin/contracts/access/manager/AccessManager__factory.js";
import { InsuranceFund__factory } from "../typechain-types/factories/contracts/InsuranceFund__factory.js";
import { type BackstopStatus, readBackstop } from "./backstop.js";
import { FundClientError } from "./errors.js";
import {
  type Bucket,
  type Buckets,
  detectFeatures,
  featureContract,
  type FeatureName,
  type Features,
  type PendingClaims,
} from "./features.js";
import { firstLine } from "./format.js";
import {
  type GovernanceOperations,
  type GovernanceStatus,
  governanceOperations,
  readGovernance,
} from "./governance.js";
import { type HistoryPage, readHistoryPage } from "./history.js";
import { type PolicyStatus, readPolicy } from "./policy.js";

export * from "./backstop.js";
export { FundClientError } from "./errors.js";
export * from "./features.js";
export * from "./format.js";
export * from "./governance.js";
export * from "./history.js";
export * from "./policy.js";

/** Where the fund was found, for messages: e.g. `INSURANCE_FUND_ADDRESS`. */
export interface FundLocation {
  address: string;
  /** Human-readable origin, e.g. `INSURANCE_FUND_ADDRESS` or `LocalSuite#InsuranceFund in deploy/deployments/chain-31337`. */
  source: string;
}

/** The fund's health in one read (`health()`). */
export interface FundHealthView {
  balance: bigint;
  target: bigint;
  averageOpenInterest: bigint;
  totalOpenInterest: bigint;
  /** `type(uint256).max` when there is neither open interest nor a floor. */
  ratioBps: bigint;
  /** The fee policy's band; 255 when the policy failed to answer. */
  band: number;
  badDebt: bigint;
  treasuryAccrued: bigint;
}

/** The fund's settings. */
export interface FundParameters {
  targetShareBps: bigint;
  floor: bigint;
  minFloor: bigint;
  windowSeconds: bigint;
  treasury: string;
  paused: boolean;
  policy: PolicyStatus;
}

export interface MarketStatus {
  marketId: bigint;
  exchange: string;
  insuranceLimit: bigint;
  insurancePaid: bigint;
  rewardCap: bigint;
  rewardCapBps: bigint;
  badDebt: bigint;
  openInterest: bigint;
  lossIndex: bigint;
}

export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
}

/** Everything the status command shows. */
export interface FundStatus extends FundParameters, Omit<FundHealthView, "band"> {
  chainId: bigint;
  location: FundLocation;
  token: TokenInfo;
  band: number;
  markets: MarketStatus[];
  governance: GovernanceStatus;
  /** The markets' pending claims and the payout buckets (undefined on a fund without them). */
  pendingClaims?: PendingClaims;
  buckets?: Buckets;
  /** The staked backstop (undefined when the fund has none set, or cannot take one). */
  backstop?: BackstopStatus;
}

const TOKEN_ABI = ["function symbol() view returns (string)"];

/** The client of one fund on one chain. Read with a `Provider`; `connectSigner` for keeper and governance calls. */
export class InsuranceFundClient {
  readonly fund: InsuranceFund;
  readonly manager: AccessManager;
  private readonly optional: Contract;
  private features_?: Promise<Features>;

  private constructor(
    readonly runner: ContractRunner,
    readonly provider: Provider,
    readonly location: FundLocation,
    readonly chainId: bigint,
    readonly token: TokenInfo,
    managerAddress: string,
  ) {
    this.fund = InsuranceFund__factory.connect(location.address, runner);
    this.manager = AccessManager__factory.connect(managerAddress, runner);
    this.optional = featureContract(location.address, runner);
  }

  /**
   * Connects to the fund at `location` (an address, or an address with where it came from). Throws
   * `FundClientError` when there is no contract there or it does not answer as an insurance fund.
   */
  static async connect(runner: ContractRunner, location: string | FundLocation): Promise<InsuranceFundClient> {
    const where = typeof location === "string" ? { address: location, source: "given" } : location;
    const provider = runner.provider ?? (runner as Provider);
    if (typeof provider.getNetwork !== "function") throw new FundClientError("the runner has no provider");
    const { chainId } = await provider.getNetwork();
    const code = await provider.getCode(where.address);
    if (code === "0x") {
      throw new FundClientError(`no contract at ${where.address} on chain ${chainId} (from ${where.source})`);
    }
    const fund = InsuranceFund__factory.connect(where.address, runner);
    let tokenAddress: string, decimals: bigint;
    try {
      [, tokenAddress, decimals] = await Promise.all([fund.health(), fund.quoteToken(), fund.quoteDecimals()]);
    } catch {
      throw new FundClientError(
        `${where.address} on chain ${chainId} is not an insurance fund (health() failed; from ${where.source})`,
      );
    }
    const symbol: string = await new Contract(tokenAddress, TOKEN_ABI, runner).symbol().catch(() => "units");
    const managerAddress = await fund.authority();
    const token = { address: tokenAddress, symbol, decimals: Number(decimals) };
    return new InsuranceFundClient(runner, provider, where, chainId, token, managerAddress);
  }

  /** The same fund with `signer` sending the transactions. */
  connectSigner(signer: Signer): InsuranceFundClient {
    const { location, chainId, token } = this;
    return new InsuranceFundClient(signer, this.provider, location, chainId, token, this.manager.target as string);
  }

  get address(): string {
    return this.location.address;
  }

  // ================================================================ reading

  /** `health()`, at the latest block or at `blockTag` (a past block: the fund's history on an archive node). */
  async health(blockTag?: number): Promise<FundHealthView> {
    const h = await this.fund.health({ blockTag });
    return {
      balance: h.balance,
      target: h.target,
      averageOpenInterest: h.averageOpenInterest,
      totalOpenInterest: h.totalOpenInterest,
      ratioBps: h.ratioBps,
      band: Number(h.band),
      badDebt: h.badDebt,
      treasuryAccrued: h.treasuryAccrued,
    };
  }

  async parameters(): Promise<FundParameters> {
    const f = this.fund;
    const [targetShareBps, floor, minFloor, windowSeconds, treasury, paused, policyAddress] = await Promise.all([
      f.targetShareBps(),
      f.floor(),
      f.minFloor(),
      f.averagingWindow(),
      f.treasury(),
      f.paused(),
      f.feePolicy(),
    ]);
    const policy = await readPolicy(this.runner, policyAddress);
    return { targetShareBps, floor, minFloor, windowSeconds, treasury, paused, policy };
  }

  /** The ids of the markets registered since `fromBlock`, from `InsuranceFundMarketRegistered`. */
  async marketIds(fromBlock = 0): Promise<bigint[]> {
    try {
      const events = await this.fund.queryFilter(this.fund.filters.InsuranceFundMarketRegistered(), fromBlock);
      return events.map((event) => event.args.marketId);
    } catch (error) {
      throw new FundClientError(
        `could not read the fund's InsuranceFundMarketRegistered events (${firstLine(error)}): set MARKET_IDS or STATUS_FROM_BLOCK`,
      );
    }
  }

  async market(marketId: bigint): Promise<MarketStatus> {
    const info = await this.fund.market(marketId).catch(() => {
      throw new FundClientError(`market ${marketId} is not registered on ${this.address}`);
    });
    return {
      marketId,
      exchange: info.exchange,
      insuranceLimit: info.insuranceLimit,
      insurancePaid: info.insurancePaid,
      rewardCap: info.rewardCap,
      rewardCapBps: info.rewardCapBps,
      badDebt: info.badDebt,
      openInterest: info.openInterest,
      lossIndex: info.lossIndex,
    };
  }

  async markets(marketIds?: bigint[], fromBlock = 0): Promise<MarketStatus[]> {
    const ids = marketIds ?? (await this.marketIds(fromBlock));
    return await Promise.all(ids.map((id) => this.market(id)));
  }

  /** Roles, delays, and the operations scheduled with when each becomes executable. */
  async governance(fromBlock = 0): Promise<GovernanceStatus> {
    return await readGovernance(this.manager, this.address, this.fund.interface, this.provider, fromBlock);
  }

  /** Everything at once: health, parameters, markets (`marketIds`, else the registered ones), governance. */
  async status(options: { marketIds?: bigint[]; fromBlock?: number } = {}): Promise<FundStatus> {
    const fromBlock = options.fromBlock ?? 0;
    const ids = options.marketIds ?? (await this.marketIds(fromBlock));
    const [health, parameters, governance, markets, pendingClaims, buckets, backstop] = await Promise.all([
      this.health(),
      this.parameters(),
      this.governance(fromBlock),
      this.markets(ids),
      this.pendingClaims(ids),
      this.buckets(ids),
      this.backstopStatus(ids),
    ]);
    return {
      chainId: this.chainId,
      location: this.location,
      token: this.token,
      ...health,
      ...parameters,
      markets,
      governance,
      ...(pendingClaims === undefined ? {} : { pendingClaims }),
      ...(buckets === undefined ? {} : { buckets }),
      ...(backstop === undefined ? {} : { backstop }),
    };
  }

  /** The fund's events of one page of blocks (`pageBlocks`, default 5,000), with where the next page starts. */
  async history(range: { fromBlock: number; toBlock?: number; pageBlocks?: number }): Promise<HistoryPage> {
    return await readHistoryPage(this.provider, this.address, this.fund.interface, range);
  }

  /** Every page of events from `fromBlock` to `toBlock` (default: the latest block now). */
  async *historyPages(range: {
    fromBlock: number;
    toBlock?: number;
    pageBlocks?: number;
  }): AsyncGenerator<HistoryPage> {
    const toBlock = range.toBlock ?? (await this.provider.getBlockNumber());
    for (let from = range.fromBlock; from <= toBlock;) {
      const page = await this.history({ ...range, fromBlock: from, toBlock });
      yield page;
      from = page.nextFromBlock;
    }
  }

  // ================================================================ optional parts (later fund versions)

  /** Which optional parts this fund has (detected once). */
  async features(): Promise<Features> {
    this.features_ ??= detectFeatures(this.optional);
    return await this.features_;
  }

  private async require(feature: FeatureName): Promise<void> {
    if (!(await this.features())[feature]) throw new FundClientError(`${feature}: not on this fund (${this.address})`);
  }

  /** Pending claims per market; undefined when the fund has none. */
  async pendingClaims(marketIds: bigint[]): Promise<PendingClaims | undefined> {
    if (!(await this.features()).pendingClaims) return undefined;
    const [total, byMarket] = await Promise.all([
      this.optional.totalPending() as Promise<bigint>,
      Promise.all(
        marketIds.map(async (marketId) => ({
          marketId,
          amount: (await this.optional.pendingClaim(marketId)) as bigint,
        })),
      ),
    ]);
    return { total, byMarket };
  }

  /** The payout buckets, fund-wide and per market; undefined when the fund has none. */
  async buckets(marketIds: bigint[]): Promise<Buckets | undefined> {
    if (!(await this.features()).buckets) return undefined;
    const bucket = (b: Bucket): Bucket => ({
      available: b.available,
      capacity: b.capacity,
      refillPerSecond: b.refillPerSecond,
    });
    const [fund, byMarket] = await Promise.all([
      (this.optional.fundBucket() as Promise<Bucket>).then(bucket),
      Promise.all(
        marketIds.map(async (marketId) => ({
          marketId,
          bucket: bucket((await this.optional.marketBucket(marketId)) as Bucket),
        })),
      ),
    ]);
    return { fund, byMarket };
  }

  /** The backstop's address; undefined when the fund has none. */
  async backstop(): Promise<string | undefined> {
    if (!(await this.features()).backstop) return undefined;
    const address = (await this.optional.backstop()) as string;
    return address === ZeroAddress ? undefined : address;
  }

  /** The backstop's figures, per market for `marketIds`; undefined when the fund has none. */
  async backstopStatus(marketIds: bigint[]): Promise<BackstopStatus | undefined> {
    const address = await this.backstop();
    if (address === undefined) return undefined;
    return await readBackstop(this.runner, address, this.optional, marketIds);
  }

  /**
   * Fees each market's exchange owes the fund (booked, not yet received: `amount` is the fund's and the treasury's
   * parts together) and the market's cap (0: the market pulls every fee); undefined on a fund without deferral.
   */
  async deferredFees(
    marketIds: bigint[],
  ): Promise<{ marketId: bigint; amount: bigint; fundPart: bigint; treasuryPart: bigint; cap: bigint }[] | undefined> {
    if (!(await this.features()).deferredFees) return undefined;
    return await Promise.all(
      marketIds.map(async (marketId) => {
        const [fundPart, treasuryPart, cap] = (await this.optional.deferredFees(marketId)) as [bigint, bigint, bigint];
        return { marketId, amount: fundPart + treasuryPart, fundPart, treasuryPart, cap };
      }),
    );
  }

  // ================================================================ keeper actions (anyone may send them)

  /** Sends the surplus above the target to the treasury. */
  async sweepSurplus(): Promise<ContractTransactionResponse> {
    return await this.fund.sweepSurplus();
  }

  /** Sends the treasury's accrued income to it. */
  async flushTreasury(): Promise<ContractTransactionResponse> {
    return await this.fund.flushTreasury();
  }

  /** Pays what a market's bucket allows of its pending claim (funds with pending claims only). */
  async processPendingClaim(marketId: bigint): Promise<ContractTransactionResponse> {
    await this.require("pendingClaims");
    return (await this.optional.processPendingClaim(marketId)) as ContractTransactionResponse;
  }

  /** Pulls the fees a market's exchange owes the fund (funds with deferred fees only). */
  async pullDeferredFees(marketId: bigint): Promise<ContractTransactionResponse> {
    await this.require("deferredFees");
    return (await this.optional.pullDeferredFees(marketId)) as ContractTransactionResponse;
  }

  // ================================================================ governance

  /** Schedule, execute and cancel calls on the fund through its AccessManager, as this client's signer. */
  get operations(): GovernanceOperations {
    return governanceOperations(this.manager, this.address);
  }
}
