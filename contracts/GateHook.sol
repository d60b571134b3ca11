// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {BaseHook} from "@openzeppelin/uniswap-hooks/src/base/BaseHook.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {Hooks} from "@uniswap/v4-core/src/libraries/Hooks.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolId} from "@uniswap/v4-core/src/types/PoolId.sol";
import {Position} from "@uniswap/v4-core/src/libraries/Position.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {SqrtPriceMath} from "@uniswap/v4-core/src/libraries/SqrtPriceMath.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {BalanceDelta, BalanceDeltaLibrary, toBalanceDelta} from "@uniswap/v4-core/src/types/BalanceDelta.sol";
import {BeforeSwapDelta, BeforeSwapDeltaLibrary} from "@uniswap/v4-core/src/types/BeforeSwapDelta.sol";
import {SwapParams, ModifyLiquidityParams} from "@uniswap/v4-core/src/types/PoolOperation.sol";
import {IMsgSender} from "@uniswap/v4-periphery/src/interfaces/IMsgSender.sol";
import {IGateHook} from "./interfaces/IGateHook.sol";
import {IInvestorRegistry} from "./interfaces/IInvestorRegistry.sol";
import {IRestrictedSecurity} from "./interfaces/IRestrictedSecurity.sol";
import {Eligibility} from "./libraries/Eligibility.sol";
import {PoolConfig, PoolConfigLibrary} from "./libraries/PoolConfig.sol";
import {Clearance} from "./libraries/Clearance.sol";
import {InvestorRecordLibrary} from "./libraries/InvestorRecord.sol";
import {Deposit, DepositLibrary} from "./libraries/Deposit.sol";

/// @title GateHook
/// @notice Admits only eligible investors to the swaps, adds and donations of authorized pools (buyers, LPs and
/// donors need full eligibility; sellers a seller's standing, so an exit-only investor can sell), and
/// binds every position to its depositor so that its shares leave only as a transfer the token would allow.
/// @dev Kept thin on purpose: every line here is paid by every trade. It holds no tokens and never touches fees;
/// its one delta is a depositor's exit, whose principal in the security it takes straight to the depositor's wallet
/// (so no caller can spend it elsewhere first). The eligibility rules live in the registry. A swap costs the gate one cold SLOAD of its own
/// (the pool's config word, which also carries the canonical routers' trust bits) plus one registry call, whose
/// slots the security token then reads warm. A new position costs one storage write, its depositor.
contract GateHook is BaseHook, IGateHook {
    using StateLibrary for IPoolManager;

    /// @inheritdoc IGateHook
    IInvestorRegistry public immutable registry;
    /// @inheritdoc IGateHook
    address public immutable universalRouter;
    /// @inheritdoc IGateHook
    address public immutable positionManager;
    /// @inheritdoc IGateHook
    address public immutable v4Quoter;

    /// @dev Bit indexes of the canonical routers in the trust bits (see {PoolConfig}).
    uint256 private constant UNIVERSAL_ROUTER = 0;
    uint256 private constant POSITION_MANAGER = 1;
    uint256 private constant V4_QUOTER = 2;
    uint256 private constant NOT_CANONICAL = type(uint256).max;
    bytes32 private constant DEFAULT_ADMIN_ROLE = 0x00;

    mapping(PoolId poolId => PoolConfig) internal _pools;
    /// @dev Every pool ever authorized, so a change of canonical-router trust reaches each pool's config word.
    PoolId[] internal _poolIds;
    /// @dev The source of truth for the canonical routers' trust bits.
    uint8 internal _canonicalTrust;
    mapping(address router => RouterKind) internal _otherRouters;
    /// @dev Keyed like the PoolManager's positions (owner = the contract that called it, e.g. the PositionManager
    /// with the token id as salt), so the binding follows the liquidity, not the NFT.
    mapping(PoolId poolId => mapping(bytes32 positionKey => Deposit)) internal _deposits;

    constructor(
        IPoolManager manager,
        IInvestorRegistry investorRegistry,
        address universalRouter_,
        address positionManager_,
        address v4Quoter_
    ) BaseHook(manager) {
        registry = investorRegistry;
        universalRouter = universalRouter_;
        positionManager = positionManager_;
        v4Quoter = v4Quoter_;
    }

    modifier onlyRole(bytes32 role) {
        if (!registry.hasRole(role, msg.sender)) revert Unauthorized(msg.sender, role);
        _;
    }

    /// @notice The hook's callbacks; the deployed address must carry exactly these flags.
    function getHookPermissions() public pure override returns (Hooks.Permissions memory) {
        return Hooks.Permissions({
            beforeInitialize: true,
            afterInitialize: false,
            beforeAddLiquidity: true,
            afterAddLiquidity: false,
            beforeRemoveLiquidity: false,
            afterRemoveLiquidity: true,
            beforeSwap: true,
            afterSwap: false,
            beforeDonate: true,
            afterDonate: false,
            beforeSwapReturnDelta: false,
            afterSwapReturnDelta: false,
            afterAddLiquidityReturnDelta: false,
            afterRemoveLiquidityReturnDelta: true
        });
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IGateHook
    function authorizePool(PoolKey calldata key, address securityToken) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(key.hooks) != address(this)) revert WrongHook(address(key.hooks));
        if (securityToken != Currency.unwrap(key.currency0) && securityToken != Currency.unwrap(key.currency1)) {
            revert SecurityNotInPool(securityToken);
        }
        PoolId poolId = key.toId();
        PoolConfig config = _pools[poolId];
        if (config.isInitialized()) {
            // Re-running a deploy is a no-op; changing the security of a live pool is not allowed.
            if (config.security() != securityToken) revert PoolAlreadyInitialized(poolId);
            return;
        }
        // Exits credit the security token, and its settlements trust this gate's clearances: it must be bound here.
        if (!_boundToThisGate(securityToken)) revert SecurityNotBoundToGate(securityToken);
        if (PoolConfig.unwrap(config) == 0) _poolIds.push(poolId);
        _pools[poolId] = PoolConfigLibrary.authorized(securityToken, _canonicalTrust);
        emit PoolAuthorized(poolId, securityToken, key.currency0, key.currency1, msg.sender);
    }

    /// @inheritdoc IGateHook
    function revokePoolAuthorization(PoolKey calldata key) external onlyRole(DEFAULT_ADMIN_ROLE) {
        PoolId poolId = key.toId();
        PoolConfig config = _pools[poolId];
        if (config.isInitialized()) revert PoolAlreadyInitialized(poolId);
        if (!config.isAuthorized()) revert PoolNotAuthorized(poolId);
        _pools[poolId] = config.withoutAuthorization();
        emit PoolAuthorizationRevoked(poolId, msg.sender);
    }

    /// @inheritdoc IGateHook
    function setPaused(PoolId[] calldata poolIds, bool paused) external onlyRole(registry.PAUSER_ROLE()) {
        for (uint256 i; i < poolIds.length; ++i) {
            PoolConfig config = _pools[poolIds[i]];
            if (!config.isAuthorized()) revert PoolNotAuthorized(poolIds[i]);
            _pools[poolIds[i]] = config.withPaused(paused);
            emit PoolPausedSet(poolIds[i], paused, msg.sender);
        }
    }

    /// @inheritdoc IGateHook
    function setRouter(address router, RouterKind kind) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 index = _canonicalIndex(router);
        if (index == NOT_CANONICAL) {
            _otherRouters[router] = kind;
        } else {
            if (kind != RouterKind.Untrusted && kind != _canonicalKind(index)) revert RouterKindMismatch(router, kind);
            uint8 bit = uint8(1 << index);
            uint8 trust = kind == RouterKind.Untrusted ? _canonicalTrust & ~bit : _canonicalTrust | bit;
            _canonicalTrust = trust;
            // Copy the change into every pool's config word: admin pays once so that swaps pay nothing.
            for (uint256 i; i < _poolIds.length; ++i) {
                _pools[_poolIds[i]] = _pools[_poolIds[i]].withTrust(trust);
            }
        }
        emit RouterSet(router, kind, msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IGateHook
    function poolConfig(PoolId poolId)
        external
        view
        returns (address securityToken, bool authorized, bool initialized, bool paused)
    {
        PoolConfig config = _pools[poolId];
        return (config.security(), config.isAuthorized(), config.isInitialized(), config.isPaused());
    }

    /// @inheritdoc IGateHook
    function routerKind(address router) public view returns (RouterKind) {
        uint256 index = _canonicalIndex(router);
        if (index == NOT_CANONICAL) return _otherRouters[router];
        return _canonicalTrust & (1 << index) != 0 ? _canonicalKind(index) : RouterKind.Untrusted;
    }

    /// @inheritdoc IGateHook
    function resolveInvestor(address sender) external view returns (address) {
        return routerKind(sender) == RouterKind.Forwarder ? IMsgSender(sender).msgSender() : sender;
    }

    /// @inheritdoc IGateHook
    function depositorOf(PoolId poolId, bytes32 positionKey) external view returns (address) {
        return _deposits[poolId][positionKey].depositor();
    }

    /// @inheritdoc IGateHook
    function reservationOf(PoolId poolId, bytes32 positionKey) external view returns (uint256) {
        return _deposits[poolId][positionKey].reserved();
    }

    /// @inheritdoc IGateHook
    function clearance(address holder) external view returns (uint256) {
        return Clearance.keyOf(msg.sender, holder);
    }

    // ------------------------------------------------------------------ hook callbacks

    function _beforeInitialize(address sender, PoolKey calldata key, uint160) internal override returns (bytes4) {
        PoolId poolId = key.toId();
        PoolConfig config = _pools[poolId];
        if (!config.isAuthorized()) revert PoolNotAuthorized(poolId);
        // Only an admin may create the pool, so nobody can front-run the admin's initialization at a bad price.
        if (!registry.hasRole(DEFAULT_ADMIN_ROLE, sender)) revert InitializerNotAdmin(sender);
        _pools[poolId] = config.asInitialized();
        return this.beforeInitialize.selector;
    }

    function _beforeSwap(address sender, PoolKey calldata key, SwapParams calldata params, bytes calldata)
        internal
        override
        returns (bytes4, BeforeSwapDelta, uint24)
    {
        PoolId poolId = key.toId();
        // A swap buys the security when the security is the currency it pays out.
        bool securityIs0 = Currency.unwrap(key.currency0) == _pools[poolId].security();
        (bool quote, address investor,) = _admit(poolId, sender, true, securityIs0 != params.zeroForOne);
        if (!quote) emit InvestorSwap(poolId, investor);
        return (this.beforeSwap.selector, BeforeSwapDeltaLibrary.ZERO_DELTA, 0);
    }

    function _beforeAddLiquidity(
        address sender,
        PoolKey calldata key,
        ModifyLiquidityParams calldata params,
        bytes calldata
    ) internal override returns (bytes4) {
        PoolId poolId = key.toId();
        (, address investor, uint256 holderKey) = _admit(poolId, sender, false, true);
        // Liquidity is an offer to sell: an affiliate of the issuer sells only by direct transfer (see
        // {Eligibility.AffiliateResale}), so it provides none.
        if (holderKey & InvestorRecordLibrary.KEY_AFFILIATE != 0) {
            revert InvestorNotEligible(investor, _pools[poolId].security(), Eligibility.AffiliateResale, 0);
        }
        _bind(poolId, key, _positionKey(sender, params), investor, holderKey, params);
        emit InvestorLiquidityAdded(poolId, investor);
        return this.beforeAddLiquidity.selector;
    }

    function _afterRemoveLiquidity(
        address sender,
        PoolKey calldata key,
        ModifyLiquidityParams calldata params,
        BalanceDelta delta,
        BalanceDelta feesAccrued,
        bytes calldata
    ) internal override returns (bytes4, BalanceDelta hookDelta) {
        PoolId poolId = key.toId();
        address remover;
        (hookDelta, remover) = _exit(poolId, key, sender, params, delta, feesAccrued);
        emit InvestorLiquidityRemoved(poolId, remover);
        return (this.afterRemoveLiquidity.selector, hookDelta);
    }

    function _beforeDonate(address sender, PoolKey calldata key, uint256 amount0, uint256 amount1, bytes calldata)
        internal
        override
        returns (bytes4)
    {
        PoolId poolId = key.toId();
        (, address investor,) = _admit(poolId, sender, false, true);
        // A donation of the security is a transfer to whoever holds liquidity in range, lapsed or off the roster
        // included (their exit accepts it): only the quote currency may be donated.
        uint256 shares = Currency.unwrap(key.currency0) == _pools[poolId].security() ? amount0 : amount1;
        if (shares != 0) revert SecurityDonationRefused(poolId);
        emit InvestorDonation(poolId, investor);
        return this.beforeDonate.selector;
    }

    // ------------------------------------------------------------------ the gate

    /// @dev Pool not paused, then the resolved end user eligible for the pool's security: as a buyer (`buying`), or
    /// as a seller. A registry that reverts makes the whole call revert: the gate fails closed. An admitted investor
    /// is cleared for the rest of the transaction, with its holder key, so the security token settles with the
    /// PoolManager without a second registry call.
    /// `isSwap`: only a swap may come from the quoter unchecked, since only the quoter's swaps never settle.
    function _admit(PoolId poolId, address sender, bool isSwap, bool buying)
        private
        returns (bool quote, address investor, uint256 holderKey)
    {
        PoolConfig config = _pools[poolId];
        if (config.isPaused()) revert PoolIsPaused(poolId);
        RouterKind kind = _kindOf(config, sender);
        if (kind == RouterKind.Quoter && isSwap) return (true, sender, 0);
        investor = kind == RouterKind.Forwarder ? IMsgSender(sender).msgSender() : sender;
        Eligibility status;
        uint40 until;
        (status, until, holderKey) = registry.tradeStatus(investor, config.security(), buying);
        if (status != Eligibility.Ok) revert InvestorNotEligible(investor, config.security(), status, until);
        Clearance.clear(config.security(), investor, buying ? holderKey | Clearance.MAY_RECEIVE : holderKey);
    }

    /// @dev The first deposit binds the position to its investor; nobody else ever adds to it, so every share under it
    /// is that investor's (minting the NFT to another owner, or approving an operator, changes nothing). Sellers may
    /// fill the position with shares, and its exit is never refused: so it counts now for the most it could hold,
    /// within the depositor's caps and maximum holding.
    function _bind(
        PoolId poolId,
        PoolKey calldata key,
        bytes32 positionKey,
        address investor,
        uint256 holderKey,
        ModifyLiquidityParams calldata params
    ) private {
        Deposit deposit = _deposits[poolId][positionKey];
        address depositor = deposit.depositor();
        if (depositor != address(0) && depositor != investor) revert PositionOfAnotherInvestor(investor, depositor);
        address securityToken = _pools[poolId].security();
        uint256 ceiling = _ceiling(Currency.unwrap(key.currency0) == securityToken, params);
        uint256 reserved = deposit.reserved();
        reserved += IRestrictedSecurity(securityToken).reservePosition(holderKey, reserved, ceiling);
        _deposits[poolId][positionKey] = DepositLibrary.pack(investor, reserved);
    }

    /// @dev Liquidity leaves a position: its reservation shrinks with it, and its shares go to the party they belong to
    /// (see {_payExit}). Anyone but the depositor taking them takes them from the depositor (see {_admitRemover}).
    function _exit(
        PoolId poolId,
        PoolKey calldata key,
        address sender,
        ModifyLiquidityParams calldata params,
        BalanceDelta delta,
        BalanceDelta feesAccrued
    ) private returns (BalanceDelta hookDelta, address remover) {
        PoolConfig config = _pools[poolId];
        remover = _resolve(config, sender);
        address securityToken = config.security();
        (address depositor, uint256 released) = _release(poolId, _positionKey(sender, params), params.liquidityDelta);
        if (remover != depositor) _admitRemover(securityToken, depositor, remover);
        hookDelta = _payExit(key, securityToken, depositor, remover, released, delta, feesAccrued);
    }

    /// @dev Tells the security token that `released` of the depositor's reservation left the pool and, for the
    /// depositor's own exit, which is never refused, what the exit owes it (principal and fees): the token
    /// accepts that into the depositor's wallet whatever its status, and pays the security to no one else for the rest
    /// of the transaction, so a freeze or lockup keeps holding it. Anyone else was admitted as a recipient already.
    /// Then pays the exit's principal in the security to the remover now, as the hook's delta. Left as the caller's
    /// credit, it could be spent inside the PoolManager (a hookless pool, ERC-6909 claims) or cover a payout made
    /// before the exit, and the token would never see it. The fees stay with the caller: PositionManager checks
    /// `delta - fees` with SafeCast, so taking them here would make every exit with fees revert.
    function _payExit(
        PoolKey calldata key,
        address securityToken,
        address depositor,
        address remover,
        uint256 released,
        BalanceDelta delta,
        BalanceDelta feesAccrued
    ) private returns (BalanceDelta) {
        bool securityIs0 = Currency.unwrap(key.currency0) == securityToken;
        int128 owed = securityIs0 ? delta.amount0() : delta.amount1();
        uint256 owedToDepositor = remover == depositor && owed > 0 ? uint128(owed) : 0;
        if (released != 0 || owedToDepositor != 0) {
            IRestrictedSecurity(securityToken).exitPosition(depositor, released, owedToDepositor);
        }
        int128 principal = owed - (securityIs0 ? feesAccrued.amount0() : feesAccrued.amount1());
        if (owed <= 0 || principal <= 0) return BalanceDeltaLibrary.ZERO_DELTA;
        poolManager.take(Currency.wrap(securityToken), remover, uint128(principal));
        return securityIs0 ? toBalanceDelta(principal, 0) : toBalanceDelta(0, principal);
    }

    /// @dev The position's depositor, and the share of its reservation that leaves with `liquidityDelta` (negative or
    /// zero), rounded down so that what stays covers the liquidity that stays; all of it once the position is empty.
    function _release(PoolId poolId, bytes32 positionKey, int256 liquidityDelta)
        private
        returns (address depositor, uint256 released)
    {
        Deposit deposit = _deposits[poolId][positionKey];
        depositor = deposit.depositor();
        uint256 reserved = deposit.reserved();
        if (reserved == 0 || liquidityDelta == 0) return (depositor, 0);
        uint256 left = poolManager.getPositionLiquidity(poolId, positionKey);
        uint256 removed = uint256(-liquidityDelta);
        released = left == 0 ? reserved : reserved * removed / (left + removed);
        _deposits[poolId][positionKey] = DepositLibrary.pack(depositor, reserved - released);
    }

    /// @dev The most of the security that the liquidity being added could ever hold: all of it converted to the
    /// security, rounded up. (A delta past 128 bits is refused by the PoolManager itself, after this hook.)
    function _ceiling(bool securityIs0, ModifyLiquidityParams calldata params) private pure returns (uint256) {
        uint160 lower = TickMath.getSqrtPriceAtTick(params.tickLower);
        uint160 upper = TickMath.getSqrtPriceAtTick(params.tickUpper);
        uint128 liquidity = uint128(uint256(params.liquidityDelta));
        return securityIs0
            ? SqrtPriceMath.getAmount0Delta(lower, upper, liquidity, true)
            : SqrtPriceMath.getAmount1Delta(lower, upper, liquidity, true);
    }

    /// @dev Someone other than the depositor takes the position's shares: that is a transfer from the depositor, so
    /// the depositor must be free to transfer and the remover fully eligible for the security. Not paused-gated:
    /// a pause stops trading, not the settling of a position's ownership.
    function _admitRemover(address securityToken, address depositor, address remover) private view {
        // Every position with liquidity has a depositor; a zero one would read as a free sender, so refuse it.
        if (depositor == address(0)) revert DepositorRestricted(depositor, Eligibility.NotRegistered, 0);
        (Eligibility depositorStatus, uint40 depositorUntil,,,,) =
            registry.transferStatus(securityToken, depositor, address(0));
        if (depositorStatus != Eligibility.Ok) revert DepositorRestricted(depositor, depositorStatus, depositorUntil);
        (Eligibility status, uint40 until,) = registry.tradeStatus(remover, securityToken, true);
        if (status != Eligibility.Ok) revert InvestorNotEligible(remover, securityToken, status, until);
    }

    /// @dev A plain ERC-20, an EOA or a token bound to another gate answers no, whatever it does when asked.
    function _boundToThisGate(address securityToken) private view returns (bool) {
        (bool ok, bytes memory answer) = securityToken.staticcall(abi.encodeCall(IRestrictedSecurity.gate, ()));
        return ok && answer.length == 32 && abi.decode(answer, (address)) == address(this);
    }

    function _positionKey(address sender, ModifyLiquidityParams calldata params) private pure returns (bytes32) {
        return Position.calculatePositionKey(sender, params.tickLower, params.tickUpper, params.salt);
    }

    function _resolve(PoolConfig config, address sender) private view returns (address) {
        return _kindOf(config, sender) == RouterKind.Forwarder ? IMsgSender(sender).msgSender() : sender;
    }

    /// @dev Canonical routers are compared against immutables and their trust read from the pool's config word, so
    /// the common path costs no extra SLOAD; only other routers hit the mapping.
    function _kindOf(PoolConfig config, address sender) private view returns (RouterKind) {
        if (sender == universalRouter) {
            return config.trusts(UNIVERSAL_ROUTER) ? RouterKind.Forwarder : RouterKind.Untrusted;
        }
        if (sender == positionManager) {
            return config.trusts(POSITION_MANAGER) ? RouterKind.Forwarder : RouterKind.Untrusted;
        }
        if (sender == v4Quoter) return config.trusts(V4_QUOTER) ? RouterKind.Quoter : RouterKind.Untrusted;
        return _otherRouters[sender];
    }

    function _canonicalIndex(address router) private view returns (uint256) {
        if (router == universalRouter) return UNIVERSAL_ROUTER;
        if (router == positionManager) return POSITION_MANAGER;
        if (router == v4Quoter) return V4_QUOTER;
        return NOT_CANONICAL;
    }

    function _canonicalKind(uint256 index) private pure returns (RouterKind) {
        return index == V4_QUOTER ? RouterKind.Quoter : RouterKind.Forwarder;
    }
}
