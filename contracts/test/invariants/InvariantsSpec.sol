// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title InvariantsSpec
/// @notice Every invariant of the insurance fund and the reference exchange that the fuzzing suite checks, listed
/// once, each with its id and its sentence (Euler's `InvariantsSpec` style). Every assertion in
/// `InvariantChecks` reverts with `InvariantViolated(<the constant>)`, so a failure names its invariant.
/// Money is in quote units (USDC, 6 decimals); "ghost" means a running sum the handler keeps from what it saw
/// (its own calls, token transfers, and the events of the fund and the exchange).
abstract contract InvariantsSpec {
    // ---------------------------------------------------------------- the vault

    /// @dev The fund's books: `fundBalance()` is rebuilt exactly from the money that came in and went out.
    string internal constant FUND_01 =
        "FUND-01: the fund's accounted balance == deposits + fund parts of fees - what bankruptcies allocated (rewards"
        " + shortfalls, paid or pending) + pending claims rejected - surplus swept";

    /// @dev Internal accounting never trusts `balanceOf`, and a donation only adds tokens (sweepable as surplus).
    string internal constant FUND_02 =
        "FUND-02: the fund's token balance == its accounted balance + the pending claims it holds reserved + the"
        " treasury's accrual + donations not yet swept, so it always covers all three";

    /// @dev Spark's per-market limit, and the per-market ledger of what was paid.
    string internal constant FUND_03 =
        "FUND-03: no market is ever allocated more than its insurance limit, and each market's limit used == the"
        " rewards + shortfalls the fund allocated to it (paid now or pending)";

    /// @dev The treasury's side of the fee splitter.
    string internal constant FUND_04 =
        "FUND-04: the treasury's accrual == the treasury parts of all fees received - what was flushed (to the treasury"
        " and to the backstop); the treasury holds exactly what was flushed to it + swept; a flush sends the whole"
        " accrual, the backstop its income share (rounded down) and the treasury the rest";

    /// @dev Spin's surplus rule: the only way out besides the waterfall, and never below the target.
    string internal constant FUND_05 =
        "FUND-05: a sweep takes exactly max(0, balance - target - total bad debt) (never below the target) plus the"
        " stray tokens beyond balance + pending + accrual, and reverts only while paused or with nothing to sweep";

    // ---------------------------------------------------------------- the waterfall

    /// @dev SPEC 1a per claim, predicted from the state before the liquidation: the allocation as with no limits and
    /// no pause (balance, limit left and what the backstop could cover only), the timing from the buckets' levels and
    /// the pause.
    string internal constant WF_01 =
        "WF-01: a bankruptcy allocates F = min(R + S, balance, limit left), capped reward R first, then the"
        " backstop's B = min(R + S - F, what it could cover for the market before), reward first after the fund's,"
        " exactly as with no payout limits and no pause; S + R == paid now + pending + socialized + bad debt and"
        " F + B == paid now + pending, to the unit; the rest is socialized if open base > 0, else bad debt; the"
        " backstop's assets drop by exactly B and tokens move exactly so";

    // ---------------------------------------------------------------- the fee splitter

    string internal constant SPLIT_01 =
        "SPLIT-01: bad debt repaid + fund part + treasury part == the amount of every fee handed in, and bad debt"
        " repaid == min(amount, the market's bad debt): the repayment comes first, from the whole fee";

    /// @dev The fund obeys a policy that answers a valid split, and falls back to 100 % fund otherwise.
    string internal constant SPLIT_02 =
        "SPLIT-02: what is left of every fee after the bad-debt repayment is split as the policy answers for the"
        " fund's state at that moment (all to the fund when the answer does not add up)";

    // ---------------------------------------------------------------- socialized losses

    /// @dev Charges made plus those pending (what every open position would pay if settled now) against the
    /// losses socialized; the rounding bounds behind the range are derived in `LossIndex.sol`'s header.
    string internal constant LOSS_01 =
        "LOSS-01: per market, socialized losses <= charges made + pending <= socialized losses + the number of"
        " nonzero charges (made or pending)";

    string internal constant LOSS_02 =
        "LOSS-02: a market's loss index never decreases, and equals the sum of ceil(loss * 1e60 / openBase) over"
        " its socialized losses, openBase being the open |base| of the market's positions then";

    /// @dev Per settlement, against the exact rational share the handler computes from each socialized loss and the
    /// open base summed over the positions then. The handler's share is exact to 1e-18 of a unit per loss (each
    /// term rounded down), and the check allows that much: far above the ledger's own slack for a settlement
    /// covering n losses at once (`LossIndex.sol`'s header).
    string internal constant LOSS_03 =
        "LOSS-03: every charge is >= the position's exact share of the losses socialized since it last settled (on"
        " the size it held, nothing for losses before it opened) and <= that share + 1 unit";

    // ---------------------------------------------------------------- bad debt

    string internal constant DEBT_01 =
        "DEBT-01: total bad debt == sum of the markets' bad debt == the exchange's outstanding bad debt == recorded"
        " - repaid; bad debt is only recorded by a bankruptcy that leaves zero open base";

    // ---------------------------------------------------------------- access

    string internal constant ACCESS_01 =
        "ACCESS-01: strangers' calls to exchange-only and governance functions revert and change nothing, and only"
        " an exchange's call, a deposit, a sweep, a flush, a pull of deferred fees or a donation moves the fund's"
        " money";

    // ---------------------------------------------------------------- governance

    /// @dev The governance delay and the immutable minimum floor, against a governor that schedules anything
    /// (`TrustBoundaries.t.sol`); "ready" means scheduled at least the governance delay before.
    string internal constant GOV_01 =
        "GOV-01: no governed call moves the fund's money out, or changes who may receive it or how much of it is"
        " sweepable, before its governance delay has passed; and no sequence of governed calls makes more than the"
        " balance above the minimum floor sweepable";

    // ---------------------------------------------------------------- market isolation

    /// @dev Against a rogue market's exchange that reports and claims anything (`TrustBoundaries.t.sol`).
    string internal constant ISO_01 =
        "ISO-01: nothing one market's exchange reports or claims changes whether another market's calls succeed:"
        " every active market can always report up to its cap and record its own bad debt, because total open"
        " interest - the market's own + its cap < 2^96";

    // ---------------------------------------------------------------- tokens

    string internal constant CONS_01 =
        "CONS-01: the tokens held by traders, liquidators, funders, strangers, the exchange's owner, exchange, fund,"
        " treasury, backstop and its staker add up to what was minted; each liquidator holds exactly the rewards the"
        " exchange paid it";

    // ---------------------------------------------------------------- the reference exchange

    /// @dev `IReferenceExchange`'s exact solvency identity (no donations to the exchange), each term rebuilt from
    /// the positions and the ghosts; a rejected pending claim is the exchange's loss, so it stands beside the tokens.
    string internal constant EXCH_01 =
        "EXCH-01: exchange tokens + pending claims rejected == totalCollateral - totalDeficit + counterpartyRealizedPnl"
        " + houseCapital - unsettledSocializedLoss - badDebtOutstanding - pendingClaimsOwed, each term equal to its"
        " sum over positions, the fund's pending claims and the ghosts";

    /// @dev The exchange's own vault may be short (it is the counterparty): a liquidation that cannot pay its
    /// liquidator is not a fund failure and is allowed to revert.
    string internal constant LIQ_01 =
        "LIQ-01: a liquidation goes through exactly when the account is liquidatable (paused payouts or not), unless"
        " the exchange's vault lacks the tokens to pay its liquidator";

    // ---------------------------------------------------------------- payout limits and pending claims

    /// @dev Per bucket (each market's and the fund-wide one, while enabled), over the windows that start at its last
    /// configure and at each payout since: the level is at most the capacity at each, and refills at the rate.
    string internal constant PAY_01 =
        "PAY-01: for every enabled payout bucket, what the fund paid in any window of t seconds since the bucket was"
        " last configured <= capacity + refillPerSecond * t";

    /// @dev A market's pending claim is one amount owed to its exchange, reserved outside the balance.
    string internal constant PEND_01 =
        "PEND-01: each market's pending claim is paid in order (no newer payout of the market while an earlier"
        " claim waits), == what was allocated (F + B) - paid - rejected, its backstop part within it and within what"
        " the backstop paid for the market, the rest within the limit charged, never above the fund's tokens;"
        " totalPending == the markets' sum; a pending claim is never socialized nor repaid from fees";

    /// @dev The point of the fund: bankrupt accounts leave the book at once, whatever the fund's state.
    string internal constant LIVE_01 =
        "LIVE-01: no liquidation of a liquidatable bankrupt account reverts because the fund is short, its limit"
        " used up, a payout bucket empty or payouts paused (only the exchange's own empty vault may stop it)";

    // ---------------------------------------------------------------- deferred fees

    /// @dev The deferred fee pull's exposure: what an exchange owes is bounded by its market's cap, and nothing owed is
    /// counted anywhere until it arrives (driven on a market whose exchange is an account that approves the fund).
    string internal constant DEFER_01 =
        "DEFER-01: each market's deferred debt is at most its cap, and == the parts booked - received - dropped; the"
        " fund's tokens >= balance + treasury accrual + total pending: the fund never counts unreceived money";

    // ---------------------------------------------------------------- open interest

    string internal constant OI_01 =
        "OI-01: a market's open interest on the fund == its open |base| * oracle price at its last trade or"
        " liquidation (rounded down), and the total == the markets' sum";

    string internal constant OI_02 =
        "OI-02: the average open interest lies within the smallest and largest total open interest recorded (zero"
        " before the first record)";

    // ---------------------------------------------------------------- the backstop vault (contracts/test/backstop/)

    /// @dev Internal accounting: `totalAssets` is a count, never `balanceOf`, so this is the check that it is honest.
    string internal constant BST_01 =
        "BST-01: the backstop's tokens >= its totalAssets + its unvested income (donations are the only excess)";

    /// @dev Shares under request are locked in the vault, and no other shares are.
    string internal constant BST_02 =
        "BST-02: the stakers' shares + the shares under request == the supply, and the vault holds exactly the"
        " shares under request";

    string internal constant BST_03 =
        "BST-03: a cover never takes the backstop's assets below its minimum (nor lower than they were, when they"
        " already were below), nor pays a market beyond its backstop limit";

    /// @dev Drift's rule: a leaver cannot run from a loss that landed during its cooldown, nor keep later gains.
    string internal constant BST_04 =
        "BST-04: a claim never pays more than the smaller of the shares' value at the request (pro rata) and now";
}
