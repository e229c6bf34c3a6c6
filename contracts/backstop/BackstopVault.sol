// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {BackstopTerms, IBackstopVault, RedeemRequestState} from "../interfaces/IBackstopVault.sol";
import {IncomeStream} from "./IncomeStream.sol";

/// @title BackstopVault
/// @notice The staked second-loss vault behind the insurance fund (docs/behaviour.md section 11): ERC-4626 over the
/// quote token with asynchronous redemption (EIP-7540), covers for the fund within per-market limits and a minimum
/// of assets, and income streamed to the stakers.
/// @dev Shares under request stay in the supply, held by the vault: a cover lowers their value with everyone's, and
/// the claim pays the smaller of their value at the request and now, so whatever they gained since the request
/// stays with the other stakers. Rounding follows EIP-4626 (toward the vault) and a 6-decimal offset of virtual
/// shares makes a first-depositor inflation cost the attacker about 10^6 times what it takes.
contract BackstopVault is IBackstopVault, ERC4626, AccessManaged {
    using IncomeStream for IncomeStream.State;
    using SafeERC20 for IERC20;

    // ================================================================ constants

    uint256 internal constant BPS = 10_000;
    /// @dev The exit cap's period: a UTC day.
    uint256 internal constant EXIT_PERIOD = 1 days;
    /// @dev The longest cooldown, window and stream period governance may set.
    uint256 internal constant MAX_TERM = 365 days;

    // ================================================================ storage

    /// @dev The fund's only caller, and where covers and swept donations go.
    address private immutable _fund;

    /// @dev The stakers' assets, vested income included once checkpointed: never `balanceOf`.
    uint256 private _assets;
    IncomeStream.State private _stream;
    BackstopTerms private _terms;

    /// @dev The day of the last claim, the cap fixed at that day's first claim, and what was claimed that day.
    uint64 private _exitDay;
    uint128 private _exitCapAssets;
    uint256 private _exitedAssets;

    uint64 private _lastRequestId;
    uint256 private _lockedShares;
    mapping(address controller => RedeemRequestState) private _requests;
    mapping(address controller => mapping(address operator => bool)) private _operators;

    /// @param limit The most the vault will ever pay for the market.
    /// @param paid What it paid so far.
    struct MarketLimit {
        uint128 limit;
        uint128 paid;
    }
    mapping(uint256 marketId => MarketLimit) private _markets;

    // ================================================================ constructor

    /// @param asset_ The quote token (the fund's).
    /// @param authority The AccessManager that governs the fund.
    /// @param fund_ The insurance fund.
    /// @param initialTerms The exit and income terms.
    constructor(
        IERC20 asset_,
        address authority,
        address fund_,
        string memory name_,
        string memory symbol_,
        BackstopTerms memory initialTerms
    ) ERC20(name_, symbol_) ERC4626(asset_) AccessManaged(authority) {
        if (fund_ == address(0)) revert BackstopVaultZeroFund();
        _fund = fund_;
        _checkExitTerms(initialTerms.cooldown, initialTerms.window, initialTerms.exitCapBps);
        _checkStreamPeriod(initialTerms.streamPeriod);
        _terms = initialTerms;
    }

    // ================================================================ modifiers

    modifier onlyFund() {
        if (msg.sender != _fund) revert BackstopVaultNotFund(msg.sender);
        _;
    }

    modifier onlyController(address controller) {
        if (msg.sender != controller && !_operators[controller][msg.sender]) {
            revert BackstopVaultNotController(msg.sender, controller);
        }
        _;
    }

    // ================================================================ the fund

    /// @inheritdoc IBackstopVault
    function fund() external view returns (address) {
        return _fund;
    }

    /// @inheritdoc IBackstopVault
    function coverable(uint256 marketId) public view virtual returns (uint256) {
        uint256 assets = totalAssets();
        uint256 minimum = _terms.minimumAssets;
        MarketLimit storage market = _markets[marketId];
        return Math.min(assets > minimum ? assets - minimum : 0, market.limit - market.paid);
    }

    /// @inheritdoc IBackstopVault
    function cover(uint256 marketId, uint256 amount) external onlyFund returns (uint256 paid) {
        _checkpoint();
        paid = Math.min(amount, coverable(marketId));
        if (paid != 0) {
            _debit(paid);
            // paid <= limit - paid so far, both uint128.
            _markets[marketId].paid += uint128(paid);
        }
        emit Covered(marketId, amount, paid);
        if (paid != 0) IERC20(asset()).safeTransfer(_fund, paid);
    }

    /// @inheritdoc IBackstopVault
    function notifyIncome(uint256 amount) external onlyFund {
        _checkpoint();
        _stream.add(amount, block.timestamp, _terms.streamPeriod);
        uint256 balance = IERC20(asset()).balanceOf(address(this));
        uint256 unvested = _stream.unvested;
        if (balance < _assets + unvested) revert BackstopVaultIncomeNotReceived(amount, balance);
        emit IncomeNotified(amount, unvested, _stream.end);
    }

    // ================================================================ leaving (EIP-7540)

    /// @inheritdoc IBackstopVault
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId) {
        if (shares == 0) revert BackstopVaultZeroShares();
        if (controller == address(0)) revert BackstopVaultZeroController();
        if (msg.sender != owner && !_operators[owner][msg.sender]) _spendAllowance(owner, msg.sender, shares);

        RedeemRequestState storage request = _requests[controller];
        if (request.shares != 0) {
            if (_isLapsed(request)) {
                _returnLapsed(controller, request);
            } else if (msg.sender != controller && !_operators[controller][msg.sender]) {
                // Adding restarts the cooldown: only the controller may, or anyone could hold its exit back.
                revert BackstopVaultNotController(msg.sender, controller);
            }
        }
        uint256 assets = _convertToAssets(shares, Math.Rounding.Floor);
        if (request.shares == 0) {
            request.id = ++_lastRequestId;
            request.assets = 0;
        }
        requestId = request.id;
        request.shares += SafeCast.toUint128(shares);
        request.assets += assets;
        request.requestedAt = uint64(block.timestamp);
        _lockedShares += shares;
        _lock(owner, shares);
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
    }

    /// @inheritdoc IBackstopVault
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        RedeemRequestState storage request = _requests[controller];
        if (!_isRequest(request, requestId)) return 0;
        return block.timestamp < request.requestedAt + _terms.cooldown ? request.shares : 0;
    }

    /// @inheritdoc IBackstopVault
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        RedeemRequestState storage request = _requests[controller];
        if (!_isRequest(request, requestId)) return 0;
        return _isClaimable(request) ? request.shares : 0;
    }

    /// @inheritdoc IBackstopVault
    function reclaimLapsed(address controller) external {
        RedeemRequestState storage request = _requests[controller];
        if (request.shares == 0 || !_isLapsed(request)) revert BackstopVaultNoLapsedRequest(controller);
        _returnLapsed(controller, request);
    }

    /// @inheritdoc IBackstopVault
    function setOperator(address operator, bool approved) external returns (bool) {
        if (operator == msg.sender) revert BackstopVaultSelfOperator(operator);
        _operators[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    /// @inheritdoc IBackstopVault
    function isOperator(address controller, address operator) external view returns (bool) {
        return _operators[controller][operator];
    }

    /// @inheritdoc IBackstopVault
    function redeemRequest(address controller) external view returns (RedeemRequestState memory) {
        return _requests[controller];
    }

    /// @inheritdoc IBackstopVault
    function lockedShares() external view returns (uint256) {
        return _lockedShares;
    }

    /// @inheritdoc IBackstopVault
    function exitCapLeft() public view returns (uint256) {
        if (block.timestamp / EXIT_PERIOD != _exitDay) return _dayCap();
        return _exitCapAssets - _exitedAssets;
    }

    // ================================================================ ERC-4626 with asynchronous redemption

    /// @notice The stakers' assets: deposits, vested income and leftovers of exits, less covers and claims.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        return _assets + _stream.vested(block.timestamp);
    }

    /// @notice The shares `controller` can claim now: its request in its window, within today's exit cap.
    function maxRedeem(address controller) public view override(ERC4626, IERC4626) returns (uint256) {
        RedeemRequestState storage request = _requests[controller];
        if (request.shares == 0 || !_isClaimable(request)) return 0;
        (uint256 priceAssets, uint256 priceShares) = _exitPrice(request);
        if (priceAssets == 0) return request.shares;
        return Math.min(request.shares, Math.mulDiv(exitCapLeft(), priceShares, priceAssets));
    }

    /// @notice The assets `controller` can claim now (what `maxRedeem` pays).
    function maxWithdraw(address controller) public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 shares = maxRedeem(controller);
        if (shares == 0) return 0;
        (uint256 priceAssets, uint256 priceShares) = _exitPrice(_requests[controller]);
        return Math.mulDiv(shares, priceAssets, priceShares);
    }

    /// @notice Reverts: redemption is asynchronous (EIP-7540); see `maxRedeem` and `claimableRedeemRequest`.
    function previewRedeem(uint256) public pure override(ERC4626, IERC4626) returns (uint256) {
        revert BackstopVaultAsyncRedeem();
    }

    /// @notice Reverts: redemption is asynchronous (EIP-7540); see `maxWithdraw` and `claimableRedeemRequest`.
    function previewWithdraw(uint256) public pure override(ERC4626, IERC4626) returns (uint256) {
        revert BackstopVaultAsyncRedeem();
    }

    /// @notice Claims `shares` of `controller`'s request, paying the smaller of their value at the request and now
    /// (rounded down) to `receiver`. The caller is `controller` or its operator.
    function redeem(
        uint256 shares,
        address receiver,
        address controller
    ) public override(ERC4626, IERC4626) onlyController(controller) returns (uint256 assets) {
        _checkpoint();
        uint256 maxShares = maxRedeem(controller);
        if (shares > maxShares) revert ERC4626ExceededMaxRedeem(controller, shares, maxShares);
        if (shares == 0) return 0;
        (uint256 priceAssets, uint256 priceShares) = _exitPrice(_requests[controller]);
        assets = Math.mulDiv(shares, priceAssets, priceShares);
        _claim(controller, receiver, assets, shares);
    }

    /// @notice Claims exactly `assets` from `controller`'s request, burning the shares they are worth at the smaller
    /// of the two values (rounded up). The caller is `controller` or its operator.
    function withdraw(
        uint256 assets,
        address receiver,
        address controller
    ) public override(ERC4626, IERC4626) onlyController(controller) returns (uint256 shares) {
        _checkpoint();
        uint256 maxAssets = maxWithdraw(controller);
        if (assets > maxAssets) revert ERC4626ExceededMaxWithdraw(controller, assets, maxAssets);
        if (assets == 0) return 0;
        (uint256 priceAssets, uint256 priceShares) = _exitPrice(_requests[controller]);
        // assets <= maxWithdraw, so the rounded-up shares stay within the claimable request.
        shares = Math.mulDiv(assets, priceShares, priceAssets, Math.Rounding.Ceil);
        _claim(controller, receiver, assets, shares);
    }

    /// @dev Shares cannot be sent to the vault: its balance is exactly the shares under request.
    function transfer(address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        if (to == address(this)) revert BackstopVaultSharesToVault();
        return super.transfer(to, value);
    }

    /// @dev As `transfer`.
    function transferFrom(address from, address to, uint256 value) public override(ERC20, IERC20) returns (bool) {
        if (to == address(this)) revert BackstopVaultSharesToVault();
        return super.transferFrom(from, to, value);
    }

    /// @notice ERC-165, with EIP-7540's operator and asynchronous-redeem interfaces.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == 0x01ffc9a7 || // ERC-165
            interfaceId == 0xe3bc4e65 || // EIP-7540 operator
            interfaceId == 0x620ee8e4; // EIP-7540 asynchronous redeem
    }

    // ================================================================ income and limits

    /// @inheritdoc IBackstopVault
    function unvestedIncome() external view returns (uint256) {
        return _stream.unvested - _stream.vested(block.timestamp);
    }

    /// @inheritdoc IBackstopVault
    function marketLimit(uint256 marketId) external view returns (uint256 limit, uint256 paid) {
        MarketLimit storage market = _markets[marketId];
        return (market.limit, market.paid);
    }

    /// @inheritdoc IBackstopVault
    function terms() external view returns (BackstopTerms memory) {
        return _terms;
    }

    /// @inheritdoc IBackstopVault
    function sweepDonations() external returns (uint256 amount) {
        IERC20 token = IERC20(asset());
        // The stream's unvested income plus what vested since the last checkpoint: all of it is owed to stakers.
        uint256 owed = _assets + _stream.unvested;
        uint256 balance = token.balanceOf(address(this));
        if (balance <= owed) return 0;
        amount = balance - owed;
        emit DonationsSwept(amount);
        token.safeTransfer(_fund, amount);
    }

    // ================================================================ governance

    /// @inheritdoc IBackstopVault
    function setMarketLimit(uint256 marketId, uint128 limit) external restricted {
        uint256 paid = _markets[marketId].paid;
        if (limit < paid) revert BackstopVaultLimitBelowPaid(marketId, limit, paid);
        _markets[marketId].limit = limit;
        emit MarketLimitSet(marketId, limit);
    }

    /// @inheritdoc IBackstopVault
    function setMinimumAssets(uint128 minimumAssets) external restricted {
        _terms.minimumAssets = minimumAssets;
        emit MinimumAssetsSet(minimumAssets);
    }

    /// @inheritdoc IBackstopVault
    function setExitTerms(uint64 cooldown, uint64 window, uint16 exitCapBps) external restricted {
        _checkExitTerms(cooldown, window, exitCapBps);
        _terms.cooldown = cooldown;
        _terms.window = window;
        _terms.exitCapBps = exitCapBps;
        emit ExitTermsSet(cooldown, window, exitCapBps);
    }

    /// @inheritdoc IBackstopVault
    function setStreamPeriod(uint64 streamPeriod) external restricted {
        _checkStreamPeriod(streamPeriod);
        _terms.streamPeriod = streamPeriod;
        emit StreamPeriodSet(streamPeriod);
    }

    // ================================================================ internal

    /// @dev Deposits credit the internal count (the stock transfer and mint, then the count); the vault holds no
    /// shares but those under request.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        if (receiver == address(this)) revert BackstopVaultSharesToVault();
        super._deposit(caller, receiver, assets, shares);
        _assets += assets;
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return 6;
    }

    /// @dev Moves vested income into the assets, so that a payment can be taken from them.
    function _checkpoint() internal {
        _assets += _stream.checkpoint(block.timestamp);
    }

    /// @dev Takes `amount` out of the assets (a cover or a claim).
    function _debit(uint256 amount) internal virtual {
        _assets -= amount;
    }

    /// @dev Locks `owner`'s shares under request: the vault holds them.
    function _lock(address owner, uint256 shares) internal virtual {
        _update(owner, address(this), shares);
    }

    /// @dev The price a claim pays, as assets per shares: the smaller of the request's and the vault's now (the
    /// vault's with the virtual shares and asset of ERC-4626's offset, as `convertToAssets`).
    function _exitPrice(
        RedeemRequestState storage request
    ) internal view virtual returns (uint256 priceAssets, uint256 priceShares) {
        uint256 nowAssets = totalAssets() + 1;
        uint256 nowShares = totalSupply() + 10 ** _decimalsOffset();
        // request.assets / request.shares <= nowAssets / nowShares, compared without division.
        if (Math.mulDiv(request.assets, nowShares, nowAssets) < request.shares) return (request.assets, request.shares);
        return (nowAssets, nowShares);
    }

    /// @dev Pays `assets` for `shares` of `controller`'s request: the exit cap, the request's value at the request
    /// (pro rata, rounded up so what stays under request is never worth more), the burn and the transfer.
    function _claim(address controller, address receiver, uint256 assets, uint256 shares) internal {
        RedeemRequestState storage request = _requests[controller];
        uint256 day = block.timestamp / EXIT_PERIOD;
        if (day != _exitDay) {
            _exitDay = uint64(day);
            _exitCapAssets = SafeCast.toUint128(_dayCap());
            _exitedAssets = 0;
        }
        _exitedAssets += assets;
        uint256 requestAssets = request.assets;
        request.assets =
            requestAssets -
            Math.min(requestAssets, Math.mulDiv(shares, requestAssets, request.shares, Math.Rounding.Ceil));
        // shares <= maxRedeem <= request.shares.
        request.shares -= uint128(shares);
        _lockedShares -= shares;
        _debit(assets);
        _burn(address(this), shares);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
        if (assets != 0) IERC20(asset()).safeTransfer(receiver, assets);
    }

    function _returnLapsed(address controller, RedeemRequestState storage request) internal {
        uint256 shares = request.shares;
        uint256 id = request.id;
        _lockedShares -= shares;
        delete _requests[controller];
        _update(address(this), controller, shares);
        emit RedeemRequestLapsed(controller, id, shares);
    }

    function _dayCap() internal view returns (uint256) {
        return Math.mulDiv(totalAssets(), _terms.exitCapBps, BPS);
    }

    function _isRequest(RedeemRequestState storage request, uint256 requestId) internal view returns (bool) {
        return request.shares != 0 && (requestId == 0 || requestId == request.id);
    }

    function _isClaimable(RedeemRequestState storage request) internal view returns (bool) {
        uint256 opens = request.requestedAt + _terms.cooldown;
        return block.timestamp >= opens && block.timestamp < opens + _terms.window;
    }

    function _isLapsed(RedeemRequestState storage request) internal view returns (bool) {
        return block.timestamp >= request.requestedAt + _terms.cooldown + _terms.window;
    }

    function _checkExitTerms(uint256 cooldown, uint256 window, uint256 exitCapBps) internal pure {
        if (window == 0 || window > MAX_TERM || cooldown > MAX_TERM || exitCapBps == 0 || exitCapBps > BPS) {
            revert BackstopVaultInvalidExitTerms(cooldown, window, exitCapBps);
        }
    }

    function _checkStreamPeriod(uint256 streamPeriod) internal pure {
        if (streamPeriod == 0 || streamPeriod > MAX_TERM) revert BackstopVaultInvalidStreamPeriod(streamPeriod);
    }
}
