// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IInsuranceFund} from "../../../interfaces/IInsuranceFund.sol";
import {BankruptcyClaim, BankruptcyCover} from "../../../interfaces/IInsuranceVault.sol";

/// @title BrokenExchange
/// @notice A toy exchange for one market of the real `InsuranceFund`: positions of a given |base| at a fixed price,
/// collateral deposits, bankruptcies handed to the fund's waterfall, socialized losses settled on every touch, and
/// open interest reported on every change; with one deliberate bug chosen at deployment (honest with `Bug.None`).
/// The broken-invariant tests run it and feed what it shows to the invariant checks. For tests only.
contract BrokenExchange {
    enum Bug {
        None,
        /// LOSS-01: a settlement moves the position to the current index without charging it.
        SkipsCharge,
        /// LOSS-03: a trade changes the size first and settles on the new size.
        ChargesNewSize,
        /// LOSS-02: the open base sent with a bankruptcy still counts the bankrupt position.
        OpenBaseIncludesBankrupt,
        /// DEBT-01: a bankruptcy reports no open base while positions are open.
        ReportsZeroOpenBase,
        /// OI-01: a trade does not report the market's open interest.
        SkipsOpenInterestReport,
        /// EXCH-01: a withdrawal pays out without debiting the collateral.
        WithdrawWithoutDebit,
        /// LIQ-01: a healthy account can be liquidated.
        LiquidatesHealthy
    }

    struct Position {
        uint256 absBase;
        uint256 settledIndex;
        int256 collateral;
    }

    error BrokenExchangeAccountHealthy(address account);

    /// @notice The oracle price, fixed: 2,000 quote per base (18 decimals).
    uint256 public constant PRICE_WAD = 2_000e18;

    Bug public immutable bug;
    IInsuranceFund public immutable fund;
    IERC20 public immutable token;
    uint256 public immutable marketId;

    mapping(address account => Position) public positions;
    uint256 public openBase;
    uint256 public totalCollateral;
    uint256 public charged;
    uint256 public lastCharge;
    uint256 public badDebt;

    constructor(Bug bug_, IInsuranceFund fund_, uint256 marketId_) {
        bug = bug_;
        fund = fund_;
        token = fund_.quoteToken();
        marketId = marketId_;
    }

    /// @notice A trade that leaves `account` with a position of `absBase`.
    function setPosition(address account, uint256 absBase) external {
        Position storage p = positions[account];
        if (bug == Bug.ChargesNewSize) {
            openBase = openBase - p.absBase + absBase;
            p.absBase = absBase;
            _settle(p);
        } else {
            _settle(p);
            openBase = openBase - p.absBase + absBase;
            p.absBase = absBase;
        }
        if (bug != Bug.SkipsOpenInterestReport) fund.recordOpenInterest(marketId, openInterest());
    }

    /// @notice Anyone settles a position.
    function settle(address account) external {
        _settle(positions[account]);
    }

    /// @notice `account` goes bankrupt: its position closes and the fund's waterfall covers `shortfall`.
    function bankrupt(address account, uint256 shortfall) external returns (BankruptcyCover memory cover) {
        Position storage p = positions[account];
        _settle(p);
        uint256 closedBase = p.absBase;
        openBase -= closedBase;
        p.absBase = 0;
        uint256 claimedBase = openBase;
        if (bug == Bug.OpenBaseIncludesBankrupt) claimedBase += closedBase;
        if (bug == Bug.ReportsZeroOpenBase) claimedBase = 0;
        cover = fund.coverBankruptcy(
            marketId,
            BankruptcyClaim({
                account: account,
                shortfall: shortfall,
                liquidator: address(0),
                reward: 0,
                liquidatedNotional: 0,
                openBase: claimedBase
            })
        );
        badDebt += cover.badDebt;
        fund.recordOpenInterest(marketId, openInterest());
    }

    function deposit(uint256 amount) external {
        _credit(positions[msg.sender], int256(amount));
        token.transferFrom(msg.sender, address(this), amount);
    }

    function withdraw(uint256 amount) external {
        if (bug != Bug.WithdrawWithoutDebit) _credit(positions[msg.sender], -int256(amount));
        token.transfer(msg.sender, amount);
    }

    /// @notice Closes `account`'s position when its collateral is negative (the toy's only unhealthy state).
    function liquidate(address account) external {
        Position storage p = positions[account];
        if (!liquidatable(account) && bug != Bug.LiquidatesHealthy) revert BrokenExchangeAccountHealthy(account);
        _settle(p);
        openBase -= p.absBase;
        p.absBase = 0;
    }

    function liquidatable(address account) public view returns (bool) {
        Position storage p = positions[account];
        return p.absBase != 0 && p.collateral < 0;
    }

    /// @notice |base| of all positions times the price, in quote units, rounded down.
    function openInterest() public view returns (uint256) {
        return Math.mulDiv(openBase, PRICE_WAD, 1e30);
    }

    function _settle(Position storage p) private {
        (uint256 loss, uint256 index) = fund.positionLoss(marketId, p.absBase, p.settledIndex);
        p.settledIndex = index;
        lastCharge = 0;
        if (bug == Bug.SkipsCharge || loss == 0) return;
        lastCharge = loss;
        charged += loss;
        _credit(p, -int256(loss));
    }

    function _credit(Position storage p, int256 amount) private {
        if (p.collateral > 0) totalCollateral -= uint256(p.collateral);
        p.collateral += amount;
        if (p.collateral > 0) totalCollateral += uint256(p.collateral);
    }
}
