// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {FeeKind, FundState, IFeePolicy} from "../../../interfaces/IFeePolicy.sol";
import {IBackstopVault} from "../../../interfaces/IBackstopVault.sol";
import {BankruptcyCover} from "../../../interfaces/IInsuranceVault.sol";

/// @title BrokenFund
/// @notice A toy insurance fund with the real one's rules in a few lines (vault, limit, the waterfall's allocation
/// with an optional backstop's part paid at once, bad debt repaid first from the whole fee, fee split, treasury,
/// surplus, open-interest average), and one deliberate bug chosen at deployment. Honest with `Bug.None`. The
/// broken-invariant tests run it and feed what it shows to the invariant checks, to prove that each check catches the
/// bug it is about. For tests only.
/// @dev Function names follow `IInsuranceFund` where they exist there, so the stranger attacks' calldata fits.
contract BrokenFund {
    enum Bug {
        None,
        /// FUND-01: a deposit is credited twice.
        DepositCreditsTwice,
        /// FUND-02: the waterfall pays out tokens without debiting the books.
        PaysWithoutDebit,
        /// FUND-03: the market's insurance limit is not checked.
        IgnoresLimit,
        /// FUND-04: a flush sends the accrual but keeps it on the books.
        FlushKeepsAccrual,
        /// FUND-05: a sweep takes the whole balance, not just what is above the target.
        SweepsEverything,
        /// WF-01: the shortfall is paid before the liquidator's reward.
        ShortfallFirst,
        /// SPLIT-01: the policy's answer is used without checking that it adds up.
        TrustsPolicy,
        /// SPLIT-01: bad debt is repaid from the fund's part after the split (the rule before issue 11).
        RepaysFromFundPart,
        /// SPLIT-02: the fund part and the treasury part are swapped.
        SwapsParts,
        /// ACCESS-01: the exchange-only functions do not check their caller.
        Unguarded,
        /// OI-02: before a whole window of history, the average divides by the full window anyway.
        AverageOverFullWindow,
        /// WF-01: the backstop's part B is taken from the backstop but booked to the fund's balance, and the whole
        /// rest after F is socialized.
        BooksBackstopPartToBalance
    }

    error BrokenFundNotExchange(address caller);

    Bug public immutable bug;
    IERC20 public immutable token;
    IFeePolicy public immutable policy;
    address public immutable exchange;
    address public immutable treasury;
    uint256 public constant WINDOW = 7 days;

    uint256 public fundBalance;
    uint256 public treasuryAccrued;
    uint256 public insuranceLimit;
    uint256 public insurancePaid;
    uint256 public targetSize;
    uint256 public badDebt;

    IBackstopVault public backstop;
    uint256 public backstopMarketId;

    uint256 public totalOpenInterest;
    uint256 private _cumulative;
    uint256 private _first;
    uint256 private _last;

    constructor(
        Bug bug_,
        IERC20 token_,
        IFeePolicy policy_,
        address exchange_,
        address treasury_,
        uint256 limit,
        uint256 target_
    ) {
        bug = bug_;
        token = token_;
        policy = policy_;
        exchange = exchange_;
        treasury = treasury_;
        insuranceLimit = limit;
        targetSize = target_;
    }

    modifier onlyExchange() {
        if (bug != Bug.Unguarded && msg.sender != exchange) revert BrokenFundNotExchange(msg.sender);
        _;
    }

    /// @notice The backstop behind the toy's one market, known to the backstop as `marketId`.
    function setBackstop(IBackstopVault backstop_, uint256 marketId) external {
        backstop = backstop_;
        backstopMarketId = marketId;
    }

    function deposit(uint256 amount) external {
        fundBalance += bug == Bug.DepositCreditsTwice ? 2 * amount : amount;
        token.transferFrom(msg.sender, address(this), amount);
    }

    /// @notice A bad debt the toy's one market owes (the toy has no bankruptcy that leaves one).
    function recordBadDebt(uint256 amount) external {
        badDebt += amount;
    }

    /// @notice `IFeeSplitter.collectFee` (the market id is ignored): the whole fee repays the bad debt first, the
    /// policy splits the rest.
    function collectFee(
        uint256,
        FeeKind kind,
        uint256 amount
    ) external onlyExchange returns (uint256 fundPart, uint256 treasuryPart, uint256 repaid) {
        if (bug != Bug.RepaysFromFundPart) repaid = Math.min(amount, badDebt);
        uint256 rest = amount - repaid;
        (fundPart, treasuryPart) = policy.split(kind, rest, _state());
        if (bug != Bug.TrustsPolicy && (fundPart > rest || treasuryPart != rest - fundPart)) {
            (fundPart, treasuryPart) = (rest, 0);
        }
        if (bug == Bug.SwapsParts) (fundPart, treasuryPart) = (treasuryPart, fundPart);
        // The old rule: the repayment comes out of the fund's part, which still reports it.
        uint256 keptByExchange;
        if (bug == Bug.RepaysFromFundPart) {
            repaid = Math.min(fundPart, badDebt);
            keptByExchange = repaid;
        }
        badDebt -= repaid;
        fundBalance += fundPart - keptByExchange;
        treasuryAccrued += treasuryPart;
        token.transferFrom(msg.sender, address(this), amount - repaid);
    }

    /// @notice The waterfall's allocation, all of it paid now to the exchange (the toy has no buckets): the capped
    /// reward first, then the shortfall, within the balance and the limit left; then the backstop's part, reward
    /// first; the rest is socialized.
    function cover(uint256 reward, uint256 shortfall) external onlyExchange returns (BankruptcyCover memory c) {
        uint256 available =
            bug == Bug.IgnoresLimit ? fundBalance : Math.min(fundBalance, insuranceLimit - insurancePaid);
        if (bug == Bug.ShortfallFirst) {
            c.fundShortfall = Math.min(shortfall, available);
            c.fundReward = Math.min(reward, available - c.fundShortfall);
        } else {
            c.fundReward = Math.min(reward, available);
            c.fundShortfall = Math.min(shortfall, available - c.fundReward);
        }
        uint256 charged = c.fundReward + c.fundShortfall;
        uint256 fromBackstop = _takeFromBackstop(reward + shortfall - charged);
        uint256 allocated = charged;
        if (bug == Bug.BooksBackstopPartToBalance) {
            fundBalance += fromBackstop;
        } else {
            c.backstopReward = Math.min(reward - c.fundReward, fromBackstop);
            c.backstopShortfall = fromBackstop - c.backstopReward;
            allocated += fromBackstop;
        }
        c.reward = reward;
        c.paidNow = allocated;
        c.socialized = reward + shortfall - allocated;
        if (bug != Bug.PaysWithoutDebit) fundBalance -= charged;
        insurancePaid += charged;
        token.transfer(msg.sender, allocated);
    }

    function flushTreasury() external returns (uint256 amount) {
        amount = treasuryAccrued;
        if (bug != Bug.FlushKeepsAccrual) treasuryAccrued = 0;
        token.transfer(treasury, amount);
    }

    function sweepSurplus() external returns (uint256 surplus, uint256 unaccounted) {
        surplus = bug == Bug.SweepsEverything ? fundBalance : (fundBalance > targetSize ? fundBalance - targetSize : 0);
        uint256 held = token.balanceOf(address(this));
        uint256 accounted = fundBalance + treasuryAccrued;
        unaccounted = held > accounted ? held - accounted : 0;
        fundBalance -= surplus;
        token.transfer(treasury, surplus + unaccounted);
    }

    function recordOpenInterest(uint256, uint256 openInterest) external onlyExchange {
        if (_first == 0) _first = block.timestamp;
        else _cumulative += totalOpenInterest * (block.timestamp - _last);
        _last = block.timestamp;
        totalOpenInterest = openInterest;
    }

    /// @notice The time-weighted average since the first report (the toy keeps no window beyond it).
    function averageOpenInterest() external view returns (uint256) {
        if (_first == 0) return 0;
        uint256 elapsed = block.timestamp - _first;
        if (elapsed == 0) return totalOpenInterest;
        uint256 cumulative = _cumulative + totalOpenInterest * (block.timestamp - _last);
        return cumulative / (bug == Bug.AverageOverFullWindow && elapsed < WINDOW ? WINDOW : elapsed);
    }

    /// @dev What the backstop sent for up to `wanted` (none without a backstop).
    function _takeFromBackstop(uint256 wanted) private returns (uint256) {
        if (address(backstop) == address(0) || wanted == 0) return 0;
        uint256 before = token.balanceOf(address(this));
        backstop.cover(backstopMarketId, wanted);
        return token.balanceOf(address(this)) - before;
    }

    function _state() private view returns (FundState memory) {
        return FundState({balance: fundBalance, averageOpenInterest: 0, floor: targetSize, targetShareBps: 500});
    }
}
