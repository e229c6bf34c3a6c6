// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {FeeKind, FundState, IFeePolicy} from "../../../interfaces/IFeePolicy.sol";

/// @title BrokenFund
/// @notice A toy insurance fund with the real one's rules in a few lines (vault, limit, waterfall steps 2a-2b,
/// fee split, treasury, surplus, open-interest average), and one deliberate bug chosen at deployment. Honest with
/// `Bug.None`. The broken-invariant tests run it and feed what it shows to the invariant checks, to prove that each
/// check catches the bug it is about. For tests only.
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
        /// SPLIT-02: the fund part and the treasury part are swapped.
        SwapsParts,
        /// ACCESS-01: the exchange-only functions do not check their caller.
        Unguarded,
        /// OI-02: before a whole window of history, the average divides by the full window anyway.
        AverageOverFullWindow
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

    function deposit(uint256 amount) external {
        fundBalance += bug == Bug.DepositCreditsTwice ? 2 * amount : amount;
        token.transferFrom(msg.sender, address(this), amount);
    }

    /// @notice `IFeeSplitter.collectFee` without bad debt (the market id is ignored).
    function collectFee(
        uint256,
        FeeKind kind,
        uint256 amount
    ) external onlyExchange returns (uint256, uint256, uint256) {
        (uint256 fundPart, uint256 treasuryPart) = policy.split(kind, amount, _state());
        if (bug != Bug.TrustsPolicy && (fundPart > amount || treasuryPart != amount - fundPart)) {
            (fundPart, treasuryPart) = (amount, 0);
        }
        if (bug == Bug.SwapsParts) (fundPart, treasuryPart) = (treasuryPart, fundPart);
        fundBalance += fundPart;
        treasuryAccrued += treasuryPart;
        token.transferFrom(msg.sender, address(this), amount);
        return (fundPart, treasuryPart, 0);
    }

    /// @notice Waterfall steps 2a and 2b: the reward, then the shortfall, within the balance and the limit left.
    function cover(
        uint256 reward,
        uint256 shortfall,
        address liquidator
    ) external onlyExchange returns (uint256 rewardPaid, uint256 shortfallPaid) {
        uint256 available =
            bug == Bug.IgnoresLimit ? fundBalance : Math.min(fundBalance, insuranceLimit - insurancePaid);
        if (bug == Bug.ShortfallFirst) {
            shortfallPaid = Math.min(shortfall, available);
            rewardPaid = Math.min(reward, available - shortfallPaid);
        } else {
            rewardPaid = Math.min(reward, available);
            shortfallPaid = Math.min(shortfall, available - rewardPaid);
        }
        if (bug != Bug.PaysWithoutDebit) fundBalance -= rewardPaid + shortfallPaid;
        insurancePaid += rewardPaid + shortfallPaid;
        token.transfer(liquidator, rewardPaid);
        token.transfer(msg.sender, shortfallPaid);
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

    function _state() private view returns (FundState memory) {
        return FundState({balance: fundBalance, averageOpenInterest: 0, floor: targetSize, targetShareBps: 500});
    }
}
