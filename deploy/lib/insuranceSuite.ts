// The one builder behind every deploy module of the suite (SparkSuite, SpinSuite, LocalSuite, LocalSparkSuite).
//
// Ignition modules are static graphs: a parameter's value is only known when the deployment runs, so a
// parameter can set any argument but can neither choose which contract to deploy nor how many calls to make.
// Hence:
// - the fee policy is chosen by the module (SparkSuite -> FixedSharePolicy, SpinSuite -> TargetBandsPolicy);
// - the markets registered at deployment are named by the module (`markets`), and each one's numbers are
//   parameters `<key>MarketId`, `<key>Exchange`, `<key>InsuranceLimit`, `<key>RewardCap`, `<key>RewardCapBps`,
//   `<key>OpenInterestCap`, `<key>PayoutCapacity`, `<key>PayoutRefillPerSecond`.
//   Further markets are registered later by governance (`registerMarket` is a governor function).
//
// - the staked backstop (BackstopVault) is deployed only by the modules that ask for it (`backstop: true`:
//   LocalBackstopSuite, SpinBackstopSuite), with its parameters `backstopName`, `backstopSymbol`,
//   `backstopCooldown`, `backstopWindow`, `backstopStreamPeriod`, `backstopExitCapBps`, `backstopMinimumAssets`,
//   `backstopIncomeShareBps` and, per market, `<key>BackstopLimit`. InsuranceFundLens is deployed by every module.
//
// Order of the wiring. The AccessManager starts with the deploying account as its only admin; until a function
// is assigned to a role it belongs to the admin role, so the deployer registers the markets first, then assigns
// the governor and guardian functions (the backstop's limits and `setBackstop` come first too), grants the roles, grants the admin role to `admin`, and last revokes the
// admin role from `revokeAdminFrom` (zero by default: nothing is revoked). To hand the suite to a multisig or a
// timelock in one run, set `admin` to it and `revokeAdminFrom` to the deploying account. Never set
// `revokeAdminFrom` to `admin`: the manager would be left without an admin. `grantAdmin` gives `admin` the
// governance delay as its execution delay (at once, even when `admin` is the deploying account); any other admin
// left in place keeps a zero delay, a side door: `npm run status` lists the admins with their delays.
import type {
  AccountRuntimeValue,
  CallableContractFuture,
  ContractDeploymentFuture,
  ContractFuture,
  IgnitionModuleBuilder,
  ModuleParameterRuntimeValue,
} from "@nomicfoundation/ignition-core";
import { id, ZeroAddress } from "ethers";

import {
  ADMIN_ROLE,
  BACKSTOP_GOVERNOR_FUNCTIONS,
  GOVERNOR_FUNCTIONS,
  GOVERNOR_ROLE,
  GUARDIAN_FUNCTIONS,
  GUARDIAN_ROLE,
} from "../../lib/roles.js";
import { deployedArtifact } from "./artifacts.js";
import { DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128 } from "../../lib/units.js";

/** A payout bucket's capacity meaning "no limit" (`PayoutBucket.DISABLED`). */
export const NO_PAYOUT_LIMIT = MAX_UINT128;

/** Spark's fixed share (`FixedSharePolicy`) or Spin's target bands (`TargetBandsPolicy`). */
export type PolicyKind = "spark" | "spin";

/** The fields of `TargetBandsPolicy`'s constructor struct, in bps. */
export type Bands = {
  lowerBandBps: number;
  upperBandBps: number;
  lowTradingFeeShareBps: number;
  lowPenaltyShareBps: number;
  midPenaltyShareBps: number;
};

/** The averaging window of the open interest: 7 days (docs/behaviour.md 5.1). */
export const DEFAULT_WINDOW_SECONDS = 7 * 24 * 3600;
/** The target's share of the 7-day average open interest: 5 % (docs/behaviour.md 5.2). */
export const DEFAULT_TARGET_SHARE_BPS = 500;
/** Spark: 50 % of trading fees and 50 % of liquidation penalties to the fund (docs/behaviour.md 4.2). */
export const DEFAULT_SPARK_SHARES_BPS = { tradingFeeShareBps: 5000, penaltyShareBps: 5000 } as const;
/** Spin: bands at 2 % and 5 %; below 2 %: 20 % of fees and 40 % of penalties; 2 % to 5 %: 40 % of penalties. */
export const DEFAULT_SPIN_BANDS: Bands = {
  lowerBandBps: 200,
  upperBandBps: 500,
  lowTradingFeeShareBps: 2000,
  lowPenaltyShareBps: 4000,
  midPenaltyShareBps: 4000,
};
/** `MarketConfig.rewardCap` meaning "no absolute cap". */
export const NO_REWARD_CAP = 2n ** 128n - 1n;
/** `MarketConfig.rewardCapBps` meaning "no cap below the liquidated notional". */
export const NO_REWARD_CAP_BPS = 10_000;

type Address = string | AccountRuntimeValue | ContractFuture<string>;

/** A market registered by the deployment. */
export interface MarketSlot {
  /** Prefix of the market's parameters, e.g. `ethPerp` -> `ethPerpMarketId`, `ethPerpExchange`, ... */
  key: string;
  /** The market's exchange when the module deploys it; otherwise the `<key>Exchange` parameter. */
  exchange?: ContractFuture<string>;
}

export interface SuiteOptions {
  policy: PolicyKind;
  /** The quote token when the module deploys it (a mock); otherwise the `quoteToken` parameter. */
  quoteToken?: ContractFuture<string>;
  markets: readonly MarketSlot[];
  /**
   * Defaults of the account parameters, for local chains whose accounts are known. On real networks leave them
   * out: the deployment then stops at validation if `treasury`, `governor` or `guardian` is not given.
   */
  accountDefaults?: { treasury?: AccountRuntimeValue; governor?: AccountRuntimeValue; guardian?: AccountRuntimeValue };
  /** Deploys a staked backstop (BackstopVault) behind the fund and binds it (default: none). */
  backstop?: boolean;
}

/** The backstop's defaults: a 10-day cooldown, a 2-day window, 7 days of streaming, 10 % of its assets a day. */
export const DEFAULT_BACKSTOP_TERMS = {
  cooldown: 10 * 24 * 3600,
  window: 2 * 24 * 3600,
  streamPeriod: 7 * 24 * 3600,
  exitCapBps: 1_000,
} as const;
/** The backstop's default share of the treasury's income: 20 %. */
export const DEFAULT_BACKSTOP_INCOME_SHARE_BPS = 2_000;

/** Four-byte selectors of function signatures, as `setTargetFunctionRole` takes them. */
export function selectorsOf(signatures: readonly string[]): string[] {
  return signatures.map((signature) => id(signature).slice(0, 10));
}

function accountParameter(
  m: IgnitionModuleBuilder,
  name: string,
  defaultValue: AccountRuntimeValue | undefined,
): ModuleParameterRuntimeValue<string> | ModuleParameterRuntimeValue<AccountRuntimeValue> {
  return defaultValue === undefined ? m.getParameter<string>(name) : m.getParameter(name, defaultValue);
}

/** The suite's contracts: with `backstop` when the options ask for it (a static type, as Ignition wants). */
export type SuiteContracts<B extends boolean> = {
  manager: ContractDeploymentFuture;
  policy: ContractDeploymentFuture;
  fund: ContractDeploymentFuture;
  lens: ContractDeploymentFuture;
} & (B extends true ? { backstop: ContractDeploymentFuture } : unknown);

/**
 * Step 1: deploys the AccessManager (the deployer its temporary admin), the fee policy, the InsuranceFund, its lens
 * and, when asked for, the backstop vault.
 */
export function deploySuiteContracts<B extends boolean = false>(
  m: IgnitionModuleBuilder,
  options: Omit<SuiteOptions, "markets" | "backstop"> & { backstop?: B },
): SuiteContracts<B> {
  const deployer = m.getAccount(0);
  const treasury = accountParameter(m, "treasury", options.accountDefaults?.treasury);
  const quoteToken: Address | ModuleParameterRuntimeValue<string> =
    options.quoteToken ?? m.getParameter<string>("quoteToken");

  const manager = m.contract("AccessManager", deployedArtifact("AccessManager"), [deployer]);

  const policy =
    options.policy === "spark"
      ? m.contract("FixedSharePolicy", deployedArtifact("FixedSharePolicy"), [
          m.getParameter("tradingFeeShareBps", DEFAULT_SPARK_SHARES_BPS.tradingFeeShareBps),
          m.getParameter("penaltyShareBps", DEFAULT_SPARK_SHARES_BPS.penaltyShareBps),
        ])
      : m.contract("TargetBandsPolicy", deployedArtifact("TargetBandsPolicy"), [
          m.getParameter("bands", { ...DEFAULT_SPIN_BANDS }),
        ]);

  const fund = m.contract("InsuranceFund", deployedArtifact("InsuranceFund"), [
    quoteToken,
    manager,
    m.getParameter("windowSeconds", DEFAULT_WINDOW_SECONDS),
    m.getParameter("targetShareBps", DEFAULT_TARGET_SHARE_BPS),
    // No default: the floor is in the token's units (200,000 USDC = "200000000000n").
    m.getParameter<bigint>("floor"),
    // No default either: the lowest floor governance may ever set, fixed for the fund's life.
    m.getParameter<bigint>("minFloor"),
    policy,
    treasury,
  ]);
  const lens = m.contract("InsuranceFundLens", deployedArtifact("InsuranceFundLens"), [fund]);
  if (!options.backstop) return { manager, policy, fund, lens } as SuiteContracts<B>;

  const backstop = m.contract("BackstopVault", deployedArtifact("BackstopVault"), [
    quoteToken,
    manager,
    fund,
    m.getParameter("backstopName", "Backstop USDC"),
    m.getParameter("backstopSymbol", "bsUSDC"),
    {
      cooldown: m.getParameter("backstopCooldown", DEFAULT_BACKSTOP_TERMS.cooldown),
      window: m.getParameter("backstopWindow", DEFAULT_BACKSTOP_TERMS.window),
      streamPeriod: m.getParameter("backstopStreamPeriod", DEFAULT_BACKSTOP_TERMS.streamPeriod),
      exitCapBps: m.getParameter("backstopExitCapBps", DEFAULT_BACKSTOP_TERMS.exitCapBps),
      // No default: in the token's units, like the floor.
      minimumAssets: m.getParameter<bigint>("backstopMinimumAssets"),
    },
  ]);
  return { manager, policy, fund, lens, backstop } as SuiteContracts<B>;
}

/**
 * The backstop's wiring while the deployer is still admin: each market's limit (`<key>BackstopLimit`), the vault
 * bound to the fund with its income share, then its governed functions given to the governor role and its admin
 * calls delayed like the fund's. Returns the calls that must precede the hand-over.
 */
function wireBackstop(
  m: IgnitionModuleBuilder,
  contracts: { manager: CallableContractFuture<string>; fund: CallableContractFuture<string> },
  backstop: CallableContractFuture<string>,
  markets: readonly MarketSlot[],
  governanceDelay: ModuleParameterRuntimeValue<number>,
) {
  const { manager, fund } = contracts;
  // Until assigned to a role, `setMarketLimit` belongs to the admin role: the deployer's.
  const limits = markets.map((slot) =>
    m.call(
      backstop,
      "setMarketLimit",
      [m.getParameter<bigint>(`${slot.key}MarketId`), m.getParameter<bigint>(`${slot.key}BackstopLimit`)],
      { id: `setBackstopLimit_${slot.key}` },
    ),
  );
  const bound = m.call(
    fund,
    "setBackstop",
    [backstop, m.getParameter("backstopIncomeShareBps", DEFAULT_BACKSTOP_INCOME_SHARE_BPS)],
    { id: "setBackstop", after: limits },
  );
  const functions = m.call(
    manager,
    "setTargetFunctionRole",
    [backstop, selectorsOf(BACKSTOP_GOVERNOR_FUNCTIONS), GOVERNOR_ROLE],
    { id: "setBackstopGovernorFunctions", after: [...limits, bound] },
  );
  const adminDelay = m.call(manager, "setTargetAdminDelay", [backstop, governanceDelay], {
    id: "setBackstopAdminDelay",
  });
  return [bound, functions, adminDelay];
}

/**
 * Step 2: registers the markets, assigns the governor and guardian functions (lib/roles.ts), grants the
 * roles, then hands the admin role over. Returns each market's registration, by key, for what must follow it.
 */
export function registerMarketsAndWireRoles(
  m: IgnitionModuleBuilder,
  contracts: {
    manager: CallableContractFuture<string>;
    fund: CallableContractFuture<string>;
    backstop?: CallableContractFuture<string>;
  },
  options: Pick<SuiteOptions, "markets" | "accountDefaults">,
) {
  const { manager, fund } = contracts;
  const admin = m.getParameter("admin", m.getAccount(0));
  const revokeAdminFrom = m.getParameter("revokeAdminFrom", ZeroAddress);
  const governor = accountParameter(m, "governor", options.accountDefaults?.governor);
  const guardian = accountParameter(m, "guardian", options.accountDefaults?.guardian);

  // While no function is assigned to a role, `registerMarket` belongs to the admin role: the deployer's.
  const registrations = options.markets.map((slot) =>
    m.call(
      fund,
      "registerMarket",
      [
        m.getParameter<bigint>(`${slot.key}MarketId`),
        {
          exchange: slot.exchange ?? m.getParameter<string>(`${slot.key}Exchange`),
          insuranceLimit: m.getParameter<bigint>(`${slot.key}InsuranceLimit`),
          rewardCap: m.getParameter(`${slot.key}RewardCap`, NO_REWARD_CAP),
          rewardCapBps: m.getParameter(`${slot.key}RewardCapBps`, NO_REWARD_CAP_BPS),
          openInterestCap: m.getParameter(`${slot.key}OpenInterestCap`, DEFAULT_OPEN_INTEREST_CAP),
        },
      ],
      { id: `registerMarket_${slot.key}` },
    ),
  );

  // Payout rate limits, while the deployer is still admin: each market's bucket (`<key>PayoutCapacity`,
  // `<key>PayoutRefillPerSecond`) and the fund-wide one (`fundPayoutCapacity`, `fundPayoutRefillPerSecond`).
  // Default: no limit, as the fund registers them.
  const payoutLimits = [
    ...options.markets.map((slot, i) =>
      m.call(
        fund,
        "setMarketPayoutLimit",
        [
          m.getParameter<bigint>(`${slot.key}MarketId`),
          m.getParameter(`${slot.key}PayoutCapacity`, NO_PAYOUT_LIMIT),
          m.getParameter(`${slot.key}PayoutRefillPerSecond`, 0n),
        ],
        { id: `setMarketPayoutLimit_${slot.key}`, after: [registrations[i]] },
      ),
    ),
    m.call(
      fund,
      "setFundPayoutLimit",
      [m.getParameter("fundPayoutCapacity", NO_PAYOUT_LIMIT), m.getParameter("fundPayoutRefillPerSecond", 0n)],
      { id: "setFundPayoutLimit" },
    ),
  ];

  // Every governor call waits `governanceDelay` (the governor's execution delay: it schedules on the manager,
  // then executes). The manager's side doors get the same delay: a new governor only counts after it (grant
  // delay), `updateAuthority`/`setTargetFunctionRole` on the fund wait for it (target admin delay), and `admin`'s
  // own calls wait for it (its execution delay). The guardian may cancel a scheduled governor call, and its pause
  // stays immediate. OpenZeppelin's manager applies a raised grant or target admin delay only after its
  // `minSetback` (5 days); until then the admin's execution delay covers the same calls.
  const governanceDelay = m.getParameter("governanceDelay", 0);
  // `setBackstop` is a governor function of the fund: bind the vault before it is assigned.
  const backstopWiring =
    contracts.backstop === undefined
      ? []
      : wireBackstop(m, contracts, contracts.backstop, options.markets, governanceDelay);
  const governorFunctions = m.call(
    manager,
    "setTargetFunctionRole",
    [fund, selectorsOf(GOVERNOR_FUNCTIONS), GOVERNOR_ROLE],
    { id: "setGovernorFunctions", after: [...registrations, ...payoutLimits, ...backstopWiring] },
  );
  const guardianFunctions = m.call(
    manager,
    "setTargetFunctionRole",
    [fund, selectorsOf(GUARDIAN_FUNCTIONS), GUARDIAN_ROLE],
    { id: "setGuardianFunctions", after: [...registrations, ...payoutLimits] },
  );
  const grantGovernor = m.call(manager, "grantRole", [GOVERNOR_ROLE, governor, governanceDelay], {
    id: "grantGovernor",
  });
  const grantGuardian = m.call(manager, "grantRole", [GUARDIAN_ROLE, guardian, 0], { id: "grantGuardian" });
  const guardGovernor = m.call(manager, "setRoleGuardian", [GOVERNOR_ROLE, GUARDIAN_ROLE], { id: "guardGovernor" });
  const governorGrantDelay = m.call(manager, "setGrantDelay", [GOVERNOR_ROLE, governanceDelay], {
    id: "setGovernorGrantDelay",
  });
  const fundAdminDelay = m.call(manager, "setTargetAdminDelay", [fund, governanceDelay], {
    id: "setFundAdminDelay",
  });
  const grantAdmin = m.call(manager, "grantRole", [ADMIN_ROLE, admin, governanceDelay], {
    id: "grantAdmin",
    after: [
      governorFunctions,
      guardianFunctions,
      grantGovernor,
      grantGuardian,
      guardGovernor,
      governorGrantDelay,
      fundAdminDelay,
      ...backstopWiring,
    ],
  });
  m.call(manager, "revokeRole", [ADMIN_ROLE, revokeAdminFrom], { id: "revokeTemporaryAdmin", after: [grantAdmin] });

  return Object.fromEntries(options.markets.map((slot, i) => [slot.key, registrations[i]]));
}

/** Steps 1 and 2: the whole suite, for a module to return (with `lens`, and `backstop` when asked for). */
export function buildInsuranceSuite<B extends boolean = false>(
  m: IgnitionModuleBuilder,
  options: Omit<SuiteOptions, "backstop"> & { backstop?: B },
): SuiteContracts<B> {
  const contracts = deploySuiteContracts(m, options);
  registerMarketsAndWireRoles(m, contracts, options);
  return contracts;
}
