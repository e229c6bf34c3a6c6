// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {FeeKind, FundState, IFeePolicy} from "../../interfaces/IFeePolicy.sol";
import {IFeeSplitter} from "../../interfaces/IFeeSplitter.sol";
import {IInsuranceFund} from "../../interfaces/IInsuranceFund.sol";
import {IInsuranceVault, MarketInfo} from "../../interfaces/IInsuranceVault.sol";
import {AccountHealth, IReferenceExchange, MarketParams} from "../../interfaces/IReferenceExchange.sol";
import {MockPriceFeed} from "../../mocks/MockPriceFeed.sol";
import {MockUSDC} from "../../mocks/MockUSDC.sol";
import {VM, Vm} from "../utils/Vm.sol";
import {InvariantChecks} from "./InvariantChecks.sol";

/// @title InsuranceHandler
/// @notice Drives random sequences through the real `ReferenceExchange` and `InsuranceFund` for the invariant suite,
/// and keeps the ghosts every invariant of `InvariantsSpec` needs. Every action bounds its inputs (no `assume`), never
/// reverts on an outcome the system may legitimately choose (those are caught and checked), and so runs under
/// `failOnRevert`: an unexpected revert anywhere is a failure.
/// @dev Actors: four traders, two liquidators, a funder, a donor and random strangers; two markets. The handler
/// reads the fund's and the exchange's events (`recordLogs`) for what they decided, and token balances for what
/// moved; per-event properties (the waterfall, the splits, each settlement, each sweep, each attack) are checked
/// as they happen and counted in `violations(id)`.
contract InsuranceHandler is InvariantChecks {
    // ================================================================ constants

    uint256 internal constant TRADERS = 4;
    uint256 internal constant LIQUIDATORS = 2;
    uint256 internal constant MARKETS = 2;
    uint256 internal constant MAX_BPS = 10_000;
    /// @dev An 18-decimal base times an 18-decimal price, to 6-decimal quote units.
    uint256 internal constant BASE_PRICE_TO_QUOTE = 1e30;
    /// @dev The oracle's bounds (8 decimals): crashes happen, the price never reaches zero.
    int256 internal constant MIN_ANSWER = 1e8;
    int256 internal constant MAX_ANSWER = 100_000e8;

    // ================================================================ types

    /// @notice What the test's `setUp` deployed.
    struct Deployment {
        MockUSDC usdc;
        IInsuranceFund fund;
        IReferenceExchange exchange;
        IFeePolicy policy;
        MockPriceFeed[MARKETS] feeds;
        uint256[MARKETS] marketIds;
        address governor;
        address guardian;
        address exchangeOwner;
        address treasury;
        address admin;
    }

    /// @notice Running sums over the whole run.
    struct Ghosts {
        uint256 minted;
        uint256 deposits;
        uint256 donations;
        uint256 fundIncome;
        uint256 rewardsPaid;
        uint256 shortfallsPaid;
        uint256 surplusSwept;
        uint256 unaccountedSwept;
        uint256 feeAmounts;
        uint256 fundParts;
        uint256 treasuryParts;
        uint256 flushed;
        uint256 badDebtRecorded;
        uint256 badDebtRepaid;
        uint256 badDebtRecordedWithOpenBase;
        bool hasOpenInterestHistory;
        uint256 minTotalOpenInterest;
        uint256 maxTotalOpenInterest;
    }

    /// @notice Running sums per market.
    struct MarketGhosts {
        uint256 rewardsPaid;
        uint256 shortfallsPaid;
        uint256 socialized;
        uint256 charged;
        uint256 nonzeroCharges;
        uint256 expectedLossIndex;
        uint256 lossIndexAtStart;
        uint256 lastReportedOpenInterest;
    }

    /// @notice How often each interesting thing happened (to tune the suite: a run that never crashes tests little).
    struct Metrics {
        uint256 trades;
        uint256 failedTrades;
        uint256 liquidations;
        uint256 bankruptcies;
        uint256 limitBound;
        uint256 socializations;
        uint256 badDebts;
        uint256 badDebtRepayments;
        uint256 nonzeroSettlements;
        uint256 sweeps;
        uint256 flushes;
        uint256 attacks;
        uint256 pausedLiquidations;
    }

    /// @dev What the events of one action said.
    struct Effects {
        uint256 charge;
        uint256 rewardPaid;
        uint256 shortfallPaid;
        uint256 socialized;
        uint256 badDebt;
        bool covered;
        uint256 claimShortfall;
    }

    /// @dev A position about to be settled: its exact share of the losses since it last settled (LOSS-03).
    struct Touch {
        address account;
        uint256 marketId;
        uint256 exactShare;
        uint256 terms;
    }

    /// @dev One socialized loss and the open base it was spread over.
    struct Loss {
        uint256 amount;
        uint256 openBase;
    }

    /// @dev Token balances around a liquidation.
    struct Balances {
        uint256 liquidator;
        uint256 exchange;
        uint256 fund;
    }

    // ================================================================ storage

    MockUSDC internal immutable _usdc;
    IInsuranceFund internal immutable _fund;
    IReferenceExchange internal immutable _exchange;
    IFeePolicy internal immutable _policy;
    address internal immutable _governor;
    address internal immutable _guardian;
    address internal immutable _exchangeOwner;
    address internal immutable _treasury;
    address internal immutable _admin;
    address internal immutable _funder;
    address internal immutable _donor;

    MockPriceFeed[MARKETS] internal _feeds;
    uint256[MARKETS] internal _marketIds;
    address[TRADERS] internal _traders;
    address[LIQUIDATORS] internal _liquidators;
    address[] internal _strangers;
    mapping(address who => bool) internal _isStranger;

    Ghosts internal _g;
    Metrics internal _metrics;
    mapping(uint256 marketId => MarketGhosts) internal _mg;
    mapping(uint256 marketId => Loss[]) internal _losses;
    mapping(address account => mapping(uint256 marketId => uint256)) internal _nextLoss;
    mapping(address liquidator => uint256) internal _rewardsTo;
    mapping(bytes32 invariant => uint256) internal _violations;

    /// @dev The fund's state at the start of the current action: what a fee policy saw (SPLIT-02).
    FundState internal _stateBefore;
    /// @dev The latest timestamp the handler warped to: time never runs backwards between actions.
    uint256 internal _now;

    // ================================================================ constructor

    constructor(Deployment memory d) {
        _usdc = d.usdc;
        _fund = d.fund;
        _exchange = d.exchange;
        _policy = d.policy;
        _governor = d.governor;
        _guardian = d.guardian;
        _exchangeOwner = d.exchangeOwner;
        _treasury = d.treasury;
        _admin = d.admin;
        _funder = _actor("funder");
        _donor = _actor("donor");
        _feeds = d.feeds;
        _marketIds = d.marketIds;
        for (uint256 i; i < TRADERS; ++i) {
            _traders[i] = _actor(string.concat("trader", _digit(i)));
            VM.prank(_traders[i]);
            _usdc.approve(address(_exchange), type(uint256).max);
        }
        for (uint256 i; i < LIQUIDATORS; ++i) _liquidators[i] = _actor(string.concat("liquidator", _digit(i)));
        VM.prank(_funder);
        _usdc.approve(address(_fund), type(uint256).max);
        _now = block.timestamp;
        for (uint256 i; i < MARKETS; ++i) _mg[_marketIds[i]].lossIndexAtStart = _fund.lossIndex(_marketIds[i]);
    }

    // ================================================================ modifiers

    /// @dev Keeps time monotone, snapshots what the checks compare against, and after the action records the
    /// total open interest for OI-02.
    modifier action() {
        if (block.timestamp < _now) VM.warp(_now);
        for (uint256 i; i < MARKETS; ++i) _mg[_marketIds[i]].lossIndexAtStart = _fund.lossIndex(_marketIds[i]);
        _stateBefore = _fund.fundState();
        _;
        _recordOpenInterestHistory();
    }

    /// @dev ACCESS-01: the action must not move the fund's money.
    modifier moneyNeutral() {
        bytes32 before = _fundMoney();
        _;
        _flag(_fundMoney() == before, ACCESS_01);
    }

    // ================================================================ set-up helpers (not fuzzed)

    /// @notice Deposits `collateral` for trader `traderIndex` in market `marketIndex` and trades `sizeWad`.
    function openPosition(
        uint256 traderIndex,
        uint256 marketIndex,
        uint256 collateral,
        int256 sizeWad
    ) external action {
        address trader = _traders[traderIndex];
        uint256 marketId = _marketIds[marketIndex];
        _depositCollateral(trader, marketId, collateral);
        _trade(trader, marketId, sizeWad);
    }

    // ================================================================ actions: traders

    /// @notice A trader adds collateral in a market.
    function depositCollateral(uint256 actorSeed, uint256 marketSeed, uint256 amount) external action moneyNeutral {
        _depositCollateral(_trader(actorSeed), _market(marketSeed), _bound(amount, 1e6, 20_000e6));
    }

    /// @notice A trader takes collateral out (settles first; may be refused for margin or by an empty vault).
    function withdrawCollateral(uint256 actorSeed, uint256 marketSeed, uint256 amount) external action moneyNeutral {
        address trader = _trader(actorSeed);
        uint256 marketId = _market(marketSeed);
        int256 collateral = _exchange.position(trader, marketId).collateral;
        if (collateral <= 0) return;
        amount = _bound(amount, 1, uint256(collateral));
        Touch memory t = _beginTouch(trader, marketId);
        VM.recordLogs();
        VM.prank(trader);
        try _exchange.withdraw(marketId, amount) {
            _endTouch(t, _process(VM.getRecordedLogs()).charge);
        } catch {
            VM.getRecordedLogs();
        }
    }

    /// @notice A trader opens, increases, reduces, closes or flips a position (`kindSeed` picks which), with a size
    /// bounded by its margin; a trader short of collateral deposits first.
    function trade(uint256 actorSeed, uint256 marketSeed, uint256 kindSeed, uint256 sizeSeed) external action {
        address trader = _trader(actorSeed);
        uint256 marketId = _market(marketSeed);
        int256 sizeWad = _tradeSize(trader, marketId, kindSeed, sizeSeed);
        if (sizeWad != 0) _trade(trader, marketId, sizeWad);
    }

    // ================================================================ actions: keepers

    /// @notice Anyone settles a position's socialized losses.
    function settle(uint256 callerSeed, uint256 actorSeed, uint256 marketSeed) external action moneyNeutral {
        address account = _trader(actorSeed);
        uint256 marketId = _market(marketSeed);
        Touch memory t = _beginTouch(account, marketId);
        VM.recordLogs();
        VM.prank(_liquidators[callerSeed % LIQUIDATORS]);
        _exchange.settle(account, marketId);
        _endTouch(t, _process(VM.getRecordedLogs()).charge);
    }

    /// @notice A liquidator liquidates a liquidatable account (or, one time in four, whichever account the seed
    /// names, healthy or not), and the outcome is checked against the account's health (LIQ-01) and, for a bankrupt
    /// account, against the waterfall predicted from the state before (WF-01).
    function liquidate(uint256 liquidatorSeed, uint256 targetSeed) external action {
        address liquidator = _liquidators[liquidatorSeed % LIQUIDATORS];
        (address account, uint256 marketId) = _pickTarget(targetSeed);
        AccountHealth memory h = _exchange.accountHealth(account, marketId);
        LiquidationAttempt memory a = LiquidationAttempt({
            liquidatable: h.liquidatable,
            bankrupt: h.bankrupt,
            paused: _fund.paused(),
            exchangeShort: false,
            succeeded: false
        });
        Bankruptcy memory b = _predictBankruptcy(marketId, h);
        Balances memory before = _balances(liquidator);
        Touch memory t = _beginTouch(account, marketId);

        VM.recordLogs();
        VM.prank(liquidator);
        try _exchange.liquidate(account, marketId) {
            a.succeeded = true;
        } catch (bytes memory reason) {
            a.exchangeShort = _isExchangeShort(reason);
        }
        Vm.Log[] memory logs = VM.getRecordedLogs();
        _flag(_liquidationHolds(a), LIQ_01);
        if (a.liquidatable && a.bankrupt && a.paused) ++_metrics.pausedLiquidations;
        if (!a.succeeded) return;

        ++_metrics.liquidations;
        Effects memory e = _process(logs);
        _endTouch(t, e.charge);
        _recordReport(marketId);
        if (a.bankrupt) {
            _checkBankruptcy(b, e, before, liquidator, marketId);
        } else {
            // A solvent liquidation never reaches the waterfall.
            _flag(!e.covered && e.rewardPaid + e.shortfallPaid + e.socialized + e.badDebt == 0, WF_01);
        }
    }

    /// @notice Anyone sweeps the surplus; checked against the balance, target and stray tokens before (FUND-05).
    function sweep(uint256 callerSeed) external action {
        Sweep memory s;
        s.paused = _fund.paused();
        s.balanceBefore = _fund.fundBalance();
        s.target = _fund.targetSize();
        uint256 held = _usdc.balanceOf(address(_fund));
        uint256 accounted = s.balanceBefore + _fund.treasuryAccrued();
        s.strayBefore = held > accounted ? held - accounted : 0;
        uint256 treasuryBefore = _usdc.balanceOf(_treasury);

        VM.recordLogs();
        VM.prank(_caller(callerSeed));
        try _fund.sweepSurplus() returns (uint256 surplus, uint256 unaccounted) {
            s.succeeded = true;
            s.surplus = surplus;
            s.unaccounted = unaccounted;
            ++_metrics.sweeps;
        } catch {}
        Vm.Log[] memory logs = VM.getRecordedLogs();
        if (s.succeeded) _process(logs);
        s.balanceAfter = _fund.fundBalance();
        s.treasuryReceived = _usdc.balanceOf(_treasury) - treasuryBefore;
        _flag(_sweepHolds(s), FUND_05);
    }

    /// @notice Anyone flushes the treasury's accrual (FUND-04).
    function flush(uint256 callerSeed) external action {
        uint256 accruedBefore = _fund.treasuryAccrued();
        uint256 treasuryBefore = _usdc.balanceOf(_treasury);
        bool succeeded;
        uint256 sent;
        VM.recordLogs();
        VM.prank(_caller(callerSeed));
        try _fund.flushTreasury() returns (uint256 amount) {
            succeeded = true;
            sent = amount;
            ++_metrics.flushes;
        } catch {}
        Vm.Log[] memory logs = VM.getRecordedLogs();
        if (succeeded) _process(logs);
        uint256 received = _usdc.balanceOf(_treasury) - treasuryBefore;
        _flag(_flushHolds(accruedBefore, succeeded, sent, received, _fund.treasuryAccrued()), FUND_04);
    }

    // ================================================================ actions: the fund's money

    /// @notice The funder deposits into the fund (how the floor is seeded; never repays bad debt).
    function depositToFund(uint256 amount) public action {
        amount = _bound(amount, 1, 10_000e6);
        _mint(_funder, amount);
        uint256 badDebtBefore = _fund.totalBadDebt();
        VM.recordLogs();
        VM.prank(_funder);
        _fund.deposit(amount);
        _process(VM.getRecordedLogs());
        _g.deposits += amount;
        _flag(_fund.totalBadDebt() == badDebtBefore, DEBT_01);
    }

    /// @notice The donor sends tokens to the fund without a deposit.
    function donate(uint256 amount) external action {
        amount = _bound(amount, 1, 5_000e6);
        _mint(_donor, amount);
        _g.donations += amount;
        VM.prank(_donor);
        _usdc.transfer(address(_fund), amount);
    }

    // ================================================================ actions: the world

    /// @notice The oracle moves a market's price by -30 % .. +20 % (crashes happen), within [1, 100,000].
    function movePrice(uint256 marketSeed, uint256 moveSeed) external action moneyNeutral {
        MockPriceFeed feed = _feeds[marketSeed % MARKETS];
        (, int256 answer, , , ) = feed.latestRoundData();
        int256 moveBps = int256(_bound(moveSeed, 0, 5_000)) - 3_000;
        int256 next = (answer * (int256(MAX_BPS) + moveBps)) / int256(MAX_BPS);
        feed.setPrice(next < MIN_ANSWER ? MIN_ANSWER : (next > MAX_ANSWER ? MAX_ANSWER : next));
    }

    /// @notice Time passes: up to three days.
    function warp(uint256 secondsSeed) external action moneyNeutral {
        _now = block.timestamp + _bound(secondsSeed, 1, 3 days);
        VM.warp(_now);
    }

    /// @notice The exchange's owner changes a market's fee, penalty and liquidator share.
    function setFees(
        uint256 marketSeed,
        uint256 feeSeed,
        uint256 penaltySeed,
        uint256 shareSeed
    ) external action moneyNeutral {
        uint256 marketId = _market(marketSeed);
        MarketParams memory p = _exchange.market(marketId).params;
        p.tradingFeeBps = uint16(_bound(feeSeed, 0, 50));
        p.liquidationPenaltyBps = uint16(_bound(penaltySeed, 0, 300));
        p.liquidatorShareBps = uint16(_bound(shareSeed, 0, MAX_BPS));
        VM.prank(_exchangeOwner);
        _exchange.setMarketParams(marketId, p);
    }

    // ================================================================ actions: governance

    /// @notice The guardian resumes payouts when paused, and pauses them one time in three otherwise.
    function guardian(uint256 seed) external action moneyNeutral {
        if (_fund.paused()) {
            VM.prank(_guardian);
            _fund.unpause();
        } else if (seed % 3 == 0) {
            VM.prank(_guardian);
            _fund.pause();
        }
    }

    /// @notice Governance raises a market's insurance limit by up to 2,000 USDC.
    function raiseLimit(uint256 marketSeed, uint256 amount) external action moneyNeutral {
        uint256 marketId = _market(marketSeed);
        uint256 limit = _fund.market(marketId).insuranceLimit;
        uint256 newLimit = Math.min(limit + _bound(amount, 1, 2_000e6), type(uint128).max);
        if (newLimit == limit) return;
        VM.prank(_governor);
        _fund.raiseInsuranceLimit(marketId, uint128(newLimit));
    }

    /// @notice Governance sets a market's reward caps (sometimes none).
    function setRewardCaps(uint256 marketSeed, uint256 capSeed, uint256 bpsSeed) external action moneyNeutral {
        uint128 cap = capSeed % 4 == 0 ? type(uint128).max : uint128(_bound(capSeed, 0, 500e6));
        VM.prank(_governor);
        _fund.setRewardCaps(_market(marketSeed), cap, uint16(_bound(bpsSeed, 0, MAX_BPS)));
    }

    // ================================================================ actions: strangers

    /// @notice A random address, holding tokens and having approved the fund, calls an exchange-only or
    /// governance function of the fund: it must revert and change nothing (ACCESS-01).
    function strangerAttack(
        uint256 strangerSeed,
        uint256 attackSeed,
        uint256 marketSeed,
        uint256 amount
    ) external action {
        address stranger = address(uint160(uint256(keccak256(abi.encode("stranger", strangerSeed)))));
        if (_isKnown(stranger)) return;
        amount = _bound(amount, 1, 1_000_000e6);
        _mint(stranger, amount);
        if (!_isStranger[stranger]) {
            _isStranger[stranger] = true;
            _strangers.push(stranger);
        }
        VM.prank(stranger);
        _usdc.approve(address(_fund), amount);

        bytes memory data = _attackCalldata(
            attackSeed % ATTACKS,
            _market(marketSeed),
            amount,
            stranger,
            address(_policy)
        );
        bytes32 before = _fundFingerprint();
        VM.prank(stranger);
        // solhint-disable-next-line avoid-low-level-calls
        (bool succeeded, ) = address(_fund).call(data);
        ++_metrics.attacks;
        _flag(_attackRepelled(succeeded, before, _fundFingerprint()), ACCESS_01);
    }

    // ================================================================ views for the tests

    /// @notice The run's ghosts.
    function ghosts() external view returns (Ghosts memory) {
        return _g;
    }

    /// @notice A market's ghosts.
    function marketGhosts(uint256 marketId) external view returns (MarketGhosts memory) {
        return _mg[marketId];
    }

    /// @notice The run's metrics.
    function metrics() external view returns (Metrics memory) {
        return _metrics;
    }

    /// @notice How many times a per-event property failed so far.
    /// @param invariant The invariant's constant (id and sentence).
    function violations(string calldata invariant) external view returns (uint256) {
        return _violations[keccak256(bytes(invariant))];
    }

    /// @notice The market ids.
    function marketIds() external view returns (uint256[] memory ids) {
        ids = new uint256[](MARKETS);
        for (uint256 i; i < MARKETS; ++i) ids[i] = _marketIds[i];
    }

    /// @notice The traders.
    function traders() external view returns (address[] memory list) {
        list = new address[](TRADERS);
        for (uint256 i; i < TRADERS; ++i) list[i] = _traders[i];
    }

    /// @notice The liquidators and the rewards paid to each (by the fund's waterfall and the exchange's penalty).
    function liquidatorRewards() external view returns (address[] memory list, uint256[] memory rewarded) {
        list = new address[](LIQUIDATORS);
        rewarded = new uint256[](LIQUIDATORS);
        for (uint256 i; i < LIQUIDATORS; ++i) {
            list[i] = _liquidators[i];
            rewarded[i] = _rewardsTo[_liquidators[i]];
        }
    }

    /// @notice Every address the handler ever minted to or that can hold tokens: the CONS-01 holders.
    function holders() external view returns (address[] memory list) {
        uint256 fixedHolders = TRADERS + LIQUIDATORS + 5;
        list = new address[](fixedHolders + _strangers.length);
        uint256 n;
        for (uint256 i; i < TRADERS; ++i) list[n++] = _traders[i];
        for (uint256 i; i < LIQUIDATORS; ++i) list[n++] = _liquidators[i];
        list[n++] = _funder;
        list[n++] = _donor;
        list[n++] = address(_exchange);
        list[n++] = address(_fund);
        list[n++] = _treasury;
        for (uint256 i; i < _strangers.length; ++i) list[n++] = _strangers[i];
    }

    /// @notice The socialized-loss charges every open position of a market would pay if settled now, and how many
    /// of them are not zero (LOSS-01).
    function pendingCharges(uint256 marketId) external view returns (uint256 pending, uint256 nonzero) {
        for (uint256 i; i < TRADERS; ++i) {
            uint256 absBase = SignedMath.abs(_exchange.position(_traders[i], marketId).baseWad);
            if (absBase == 0) continue;
            (uint256 loss, ) = _fund.positionLoss(
                marketId,
                absBase,
                _exchange.position(_traders[i], marketId).settledLossIndex
            );
            pending += loss;
            if (loss != 0) ++nonzero;
        }
    }

    /// @notice The open |base| of a market summed over its positions.
    function absBaseSum(uint256 marketId) public view returns (uint256 sum) {
        for (uint256 i; i < TRADERS; ++i) sum += SignedMath.abs(_exchange.position(_traders[i], marketId).baseWad);
    }

    // ================================================================ internal: actions

    function _depositCollateral(address trader, uint256 marketId, uint256 amount) internal {
        _mint(trader, amount);
        VM.prank(trader);
        _exchange.deposit(marketId, amount);
    }

    function _trade(address trader, uint256 marketId, int256 sizeWad) internal {
        Touch memory t = _beginTouch(trader, marketId);
        VM.recordLogs();
        VM.prank(trader);
        try _exchange.trade(marketId, sizeWad) {
            ++_metrics.trades;
            _endTouch(t, _process(VM.getRecordedLogs()).charge);
            _recordReport(marketId);
        } catch {
            ++_metrics.failedTrades;
            VM.getRecordedLogs();
        }
    }

    /// @dev A size for the trade kind the seed picks: 0 open or increase within the margin, 1 reduce, 2 close,
    /// 3 flip, 4 any size up to 50 base either way. A flat position always opens.
    function _tradeSize(
        address trader,
        uint256 marketId,
        uint256 kindSeed,
        uint256 sizeSeed
    ) internal returns (int256) {
        int256 baseWad = _exchange.position(trader, marketId).baseWad;
        uint256 kind = kindSeed % 5;
        uint256 absBase = SignedMath.abs(baseWad);
        int256 sign = baseWad > 0 ? int256(1) : int256(-1);
        if (baseWad == 0 || kind == 0) {
            uint256 size = _openSize(trader, marketId, sizeSeed);
            if (baseWad == 0) sign = sizeSeed % 2 == 0 ? int256(1) : int256(-1);
            return sign * int256(size);
        }
        if (kind == 1) return absBase < 2 ? -baseWad : -sign * int256(_bound(sizeSeed, 1, absBase - 1));
        if (kind == 2) return -baseWad;
        if (kind == 3) return -baseWad - sign * int256(_bound(sizeSeed, 1, absBase));
        int256 raw = int256(_bound(sizeSeed >> 1, 1, 50e18));
        return sizeSeed % 2 == 0 ? raw : -raw;
    }

    /// @dev New size worth 30 %..100 % of what 90 % of the margin allows (leveraged books crash); deposits first
    /// when the collateral is low.
    function _openSize(address trader, uint256 marketId, uint256 sizeSeed) internal returns (uint256) {
        if (_exchange.position(trader, marketId).collateral < 50e6) {
            _depositCollateral(trader, marketId, _bound(sizeSeed >> 128, 100e6, 20_000e6));
        }
        AccountHealth memory h = _exchange.accountHealth(trader, marketId);
        int256 margin = SignedMath.min(h.collateral, h.equity);
        if (margin <= 0) return 0;
        uint256 maxNotional =
            (uint256(margin) * MAX_BPS * 9) / (uint256(_exchange.market(marketId).params.initialMarginBps) * 10);
        if (maxNotional <= h.notional) return 0;
        uint256 room = maxNotional - h.notional;
        uint256 notional = _bound(sizeSeed >> 8, (room * 3) / 10 + 1, room);
        return Math.mulDiv(notional, BASE_PRICE_TO_QUOTE, _exchange.price(marketId));
    }

    /// @dev Three times in four the first liquidatable account from the seed's; otherwise the seed's own account.
    function _pickTarget(uint256 seed) internal view returns (address account, uint256 marketId) {
        uint256 pairs = TRADERS * MARKETS;
        if ((seed >> 128) % 4 != 0) {
            for (uint256 i; i < pairs; ++i) {
                uint256 k = ((seed % pairs) + i) % pairs;
                (account, marketId) = (_traders[k / MARKETS], _marketIds[k % MARKETS]);
                if (_exchange.accountHealth(account, marketId).liquidatable) return (account, marketId);
            }
        }
        uint256 j = seed % pairs;
        return (_traders[j / MARKETS], _marketIds[j % MARKETS]);
    }

    /// @dev WF-01's prediction from the state before the liquidation.
    function _predictBankruptcy(uint256 marketId, AccountHealth memory h) internal view returns (Bankruptcy memory b) {
        MarketInfo memory info = _fund.market(marketId);
        MarketParams memory p = _exchange.market(marketId).params;
        b.fundBalance = _fund.fundBalance();
        // Saturating: a market paid above its limit is FUND-03's to report, not a reason for the handler to revert.
        b.limitLeft = info.insuranceLimit > info.insurancePaid ? info.insuranceLimit - info.insurancePaid : 0;
        uint256 penalty = Math.mulDiv(h.notional, p.liquidationPenaltyBps, MAX_BPS, Math.Rounding.Ceil);
        uint256 ask = Math.mulDiv(penalty, p.liquidatorShareBps, MAX_BPS);
        b.cappedReward = Math.min(ask, Math.min(info.rewardCap, (h.notional * info.rewardCapBps) / MAX_BPS));
        b.shortfall = h.equity < 0 ? uint256(-h.equity) : 0;
    }

    function _checkBankruptcy(
        Bankruptcy memory b,
        Effects memory e,
        Balances memory before,
        address liquidator,
        uint256 marketId
    ) internal {
        ++_metrics.bankruptcies;
        Balances memory afterwards = _balances(liquidator);
        b.openBase = absBaseSum(marketId);
        b.rewardPaid = e.rewardPaid;
        b.shortfallPaid = e.shortfallPaid;
        b.socialized = e.socialized;
        b.badDebt = e.badDebt;
        b.liquidatorReceived = afterwards.liquidator - before.liquidator;
        b.exchangeReceived = afterwards.exchange >= before.exchange ? afterwards.exchange - before.exchange : 0;
        b.fundSent = before.fund >= afterwards.fund ? before.fund - afterwards.fund : type(uint256).max;
        if (b.rewardPaid + b.shortfallPaid < b.cappedReward + b.shortfall) ++_metrics.limitBound;
        // The claim the exchange made is the account's negative equity, as its health said before.
        _flag(e.covered && e.claimShortfall == b.shortfall, WF_01);
        _flag(_waterfallHolds(b), WF_01);
    }

    // ================================================================ internal: events

    /// @dev Reads one action's logs into the ghosts and checks the per-event properties.
    function _process(Vm.Log[] memory logs) internal returns (Effects memory e) {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(_fund)) _processFundLog(logs[i], e);
            else if (logs[i].emitter == address(_exchange)) _processExchangeLog(logs[i], e);
        }
    }

    function _processFundLog(Vm.Log memory log, Effects memory e) internal {
        bytes32 topic = log.topics[0];
        if (topic == IFeeSplitter.InsuranceFundFeeCollected.selector) {
            _processFee(log);
        } else if (topic == IInsuranceVault.InsuranceFundLiquidatorRewarded.selector) {
            uint256 amount = abi.decode(log.data, (uint256));
            _mg[uint256(log.topics[1])].rewardsPaid += amount;
            _g.rewardsPaid += amount;
            _rewardsTo[address(uint160(uint256(log.topics[3])))] += amount;
            e.rewardPaid += amount;
        } else if (topic == IInsuranceVault.InsuranceFundShortfallCovered.selector) {
            uint256 amount = abi.decode(log.data, (uint256));
            _mg[uint256(log.topics[1])].shortfallsPaid += amount;
            _g.shortfallsPaid += amount;
            e.shortfallPaid += amount;
        } else if (topic == IInsuranceVault.InsuranceFundLossSocialized.selector) {
            (uint256 amount, , ) = abi.decode(log.data, (uint256, uint256, uint256));
            _processSocialized(uint256(log.topics[1]), amount);
            e.socialized += amount;
        } else if (topic == IInsuranceVault.InsuranceFundBadDebtRecorded.selector) {
            (uint256 amount, ) = abi.decode(log.data, (uint256, uint256));
            _g.badDebtRecorded += amount;
            if (absBaseSum(uint256(log.topics[1])) != 0) ++_g.badDebtRecordedWithOpenBase;
            ++_metrics.badDebts;
            e.badDebt += amount;
        } else if (topic == IInsuranceVault.InsuranceFundSurplusSwept.selector) {
            (uint256 surplus, uint256 unaccounted) = abi.decode(log.data, (uint256, uint256));
            _g.surplusSwept += surplus;
            _g.unaccountedSwept += unaccounted;
        } else if (topic == IFeeSplitter.InsuranceFundTreasuryFlushed.selector) {
            _g.flushed += abi.decode(log.data, (uint256));
        }
    }

    function _processFee(Vm.Log memory log) internal {
        FeeSplit memory f;
        (f.amount, f.fundPart, f.treasuryPart, f.badDebtRepaid) = abi.decode(
            log.data,
            (uint256, uint256, uint256, uint256)
        );
        FeeKind kind = FeeKind(uint8(uint256(log.topics[2])));
        try _policy.split(kind, f.amount, _stateBefore) returns (uint256 fundPart, uint256 treasuryPart) {
            (f.policyAnswered, f.policyFundPart, f.policyTreasuryPart) = (true, fundPart, treasuryPart);
        } catch {}
        _flag(_splitAddsUp(f), SPLIT_01);
        _flag(_splitFollowsPolicy(f), SPLIT_02);
        _g.feeAmounts += f.amount;
        _g.fundParts += f.fundPart;
        _g.treasuryParts += f.treasuryPart;
        // A repayment above the fund part is a SPLIT-01 violation (flagged above); keep the books from underflowing.
        _g.fundIncome += f.fundPart - Math.min(f.badDebtRepaid, f.fundPart);
        _g.badDebtRepaid += f.badDebtRepaid;
        if (f.badDebtRepaid != 0) ++_metrics.badDebtRepayments;
    }

    /// @dev LOSS-02's rebuilt index uses the open base summed over the positions, not the one the exchange sent.
    function _processSocialized(uint256 marketId, uint256 amount) internal {
        uint256 openBase = absBaseSum(marketId);
        MarketGhosts storage mg = _mg[marketId];
        mg.socialized += amount;
        ++_metrics.socializations;
        if (openBase == 0) {
            // Socialized over nothing: nobody will ever pay it, and the index cannot be rebuilt.
            _flag(false, LOSS_02);
            return;
        }
        _losses[marketId].push(Loss(amount, openBase));
        mg.expectedLossIndex += Math.mulDiv(amount, LOSS_INDEX_SCALE, openBase, Math.Rounding.Ceil);
    }

    function _processExchangeLog(Vm.Log memory log, Effects memory e) internal {
        bytes32 topic = log.topics[0];
        if (topic == IReferenceExchange.ReferenceExchangeLossSettled.selector) {
            (uint256 loss, ) = abi.decode(log.data, (uint256, uint256));
            MarketGhosts storage mg = _mg[uint256(log.topics[2])];
            mg.charged += loss;
            if (loss != 0) {
                ++mg.nonzeroCharges;
                ++_metrics.nonzeroSettlements;
            }
            e.charge += loss;
        } else if (topic == IReferenceExchange.ReferenceExchangeLiquidated.selector) {
            (, , , , uint256 liquidatorReward) = abi.decode(log.data, (int256, uint256, int256, uint256, uint256));
            _rewardsTo[address(uint160(uint256(log.topics[3])))] += liquidatorReward;
        } else if (topic == IReferenceExchange.ReferenceExchangeBankruptcyCovered.selector) {
            e.covered = true;
            (e.claimShortfall, , , , ) = abi.decode(log.data, (uint256, uint256, uint256, uint256, uint256));
        }
    }

    // ================================================================ internal: socialized losses

    /// @dev LOSS-03: the exact share a position owes before it is touched, from the losses since it last settled.
    function _beginTouch(address account, uint256 marketId) internal view returns (Touch memory t) {
        t.account = account;
        t.marketId = marketId;
        uint256 absBase = SignedMath.abs(_exchange.position(account, marketId).baseWad);
        if (absBase == 0) return t;
        Loss[] storage losses = _losses[marketId];
        for (uint256 j = _nextLoss[account][marketId]; j < losses.length; ++j) {
            t.exactShare += Math.mulDiv(losses[j].amount * SHARE_PRECISION, absBase, losses[j].openBase);
            ++t.terms;
        }
    }

    function _endTouch(Touch memory t, uint256 charge) internal {
        _flag(_settlementHolds(Settlement(charge, t.exactShare, t.terms)), LOSS_03);
        _nextLoss[t.account][t.marketId] = _losses[t.marketId].length;
    }

    // ================================================================ internal: helpers

    /// @dev OI-01: what the exchange must have reported after a trade or liquidation, computed from the positions.
    function _recordReport(uint256 marketId) internal {
        _mg[marketId].lastReportedOpenInterest = Math.mulDiv(
            absBaseSum(marketId),
            _exchange.price(marketId),
            BASE_PRICE_TO_QUOTE
        );
    }

    function _recordOpenInterestHistory() internal {
        uint256 total = _fund.totalOpenInterest();
        if (!_g.hasOpenInterestHistory) {
            if (total == 0) return;
            _g.hasOpenInterestHistory = true;
            _g.minTotalOpenInterest = total;
            _g.maxTotalOpenInterest = total;
            return;
        }
        if (total < _g.minTotalOpenInterest) _g.minTotalOpenInterest = total;
        if (total > _g.maxTotalOpenInterest) _g.maxTotalOpenInterest = total;
    }

    /// @dev A solvent liquidation may fail when the exchange's vault cannot pay the liquidator its share.
    function _isExchangeShort(bytes memory reason) internal view returns (bool) {
        if (reason.length < 4 + 32 || bytes4(reason) != IERC20Errors.ERC20InsufficientBalance.selector) return false;
        address sender;
        assembly ("memory-safe") {
            sender := mload(add(reason, 36))
        }
        return sender == address(_exchange);
    }

    function _balances(address liquidator) internal view returns (Balances memory) {
        return
            Balances({
                liquidator: _usdc.balanceOf(liquidator),
                exchange: _usdc.balanceOf(address(_exchange)),
                fund: _usdc.balanceOf(address(_fund))
            });
    }

    /// @dev The fund's money: its books and its tokens.
    function _fundMoney() internal view returns (bytes32) {
        return keccak256(abi.encode(_fund.fundBalance(), _fund.treasuryAccrued(), _usdc.balanceOf(address(_fund))));
    }

    /// @dev Everything a stranger's call could change on the fund.
    function _fundFingerprint() internal view returns (bytes32 h) {
        h = keccak256(
            abi.encode(
                _fundMoney(),
                _fund.paused(),
                _fund.treasury(),
                _fund.feePolicy(),
                _fund.targetShareBps(),
                _fund.floor(),
                _fund.totalOpenInterest(),
                _fund.totalBadDebt()
            )
        );
        for (uint256 i; i < MARKETS; ++i) h = keccak256(abi.encode(h, _fund.market(_marketIds[i])));
        // A market registered under the attack's id would show here.
        (bool registered, ) = address(_fund).staticcall(abi.encodeCall(IInsuranceVault.market, (ATTACK_MARKET_ID)));
        h = keccak256(abi.encode(h, registered));
    }

    function _flag(bool holds, string memory invariant) internal {
        if (!holds) ++_violations[keccak256(bytes(invariant))];
    }

    function _mint(address to, uint256 amount) internal {
        _usdc.mint(to, amount);
        _g.minted += amount;
    }

    function _trader(uint256 seed) internal view returns (address) {
        return _traders[seed % TRADERS];
    }

    function _market(uint256 seed) internal view returns (uint256) {
        return _marketIds[seed % MARKETS];
    }

    /// @dev A keeper: one of the liquidators, the funder or the donor (none gains from sweeping or flushing).
    function _caller(uint256 seed) internal view returns (address) {
        uint256 k = seed % (LIQUIDATORS + 2);
        if (k < LIQUIDATORS) return _liquidators[k];
        return k == LIQUIDATORS ? _funder : _donor;
    }

    function _isKnown(address who) internal view returns (bool) {
        if (
            who == address(0) ||
            who == address(VM) ||
            who == address(this) ||
            who == address(_usdc) ||
            who == address(_fund) ||
            who == address(_exchange) ||
            who == address(_policy) ||
            who == _governor ||
            who == _guardian ||
            who == _exchangeOwner ||
            who == _treasury ||
            who == _admin ||
            who == _funder ||
            who == _donor
        ) return true;
        for (uint256 i; i < TRADERS; ++i) if (who == _traders[i]) return true;
        for (uint256 i; i < LIQUIDATORS; ++i) if (who == _liquidators[i]) return true;
        return false;
    }

    function _actor(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode("perp-insurance actor", name)))));
    }

    function _digit(uint256 i) internal pure returns (string memory) {
        return string(abi.encodePacked(bytes1(uint8(48 + i))));
    }

    /// @dev `x` mapped into [min, max]; values already inside are kept so the fuzzer's edge values reach the system.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (x >= min && x <= max) return x;
        // Cannot overflow: `max - min < type(uint256).max` here, since x lies outside [min, max].
        unchecked {
            return min + (x % (max - min + 1));
        }
    }
}
