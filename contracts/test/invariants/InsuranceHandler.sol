// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeferralActions} from "./DeferralActions.sol";
import {ExchangeActions} from "./ExchangeActions.sol";
import {FundActions} from "./FundActions.sol";
import {GovernanceActions} from "./GovernanceActions.sol";
import {HandlerBase} from "./HandlerBase.sol";
import {PayoutActions} from "./PayoutActions.sol";

/// @title InsuranceHandler
/// @notice Drives random sequences through the real `ReferenceExchange` and `InsuranceFund` for the invariant suite,
/// and keeps the ghosts every invariant of `InvariantsSpec` needs. Every action bounds its inputs (no `assume`), never
/// reverts on an outcome the system may legitimately choose (those are caught and checked), and so runs under
/// `failOnRevert`: an unexpected revert anywhere is a failure.
/// @dev Actors: four traders, two liquidators, a funder, a donor and random strangers; two markets. The handler
/// reads the fund's and the exchange's events (`recordLogs`) for what they decided, and token balances for what
/// moved; per-event properties (the waterfall, the splits, each settlement, each sweep, each attack) are checked
/// as they happen and counted in `violations(id)`.
/// Built by actor: `HandlerBase` (deployment, actors, input helpers) <- `GhostLedger` (ghosts, metrics, event
/// processing, per-event checks) <- `ExchangeActions`, `FundActions`, `GovernanceActions`, `PayoutActions`,
/// `DeferralActions` <- this contract.
/// The fuzzer calls the actions `Invariants.t.sol`'s `targetSelectors` lists.
contract InsuranceHandler is ExchangeActions, FundActions, GovernanceActions, PayoutActions, DeferralActions {
    constructor(Deployment memory d) HandlerBase(d) {}
}
