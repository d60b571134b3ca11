// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolId} from "@uniswap/v4-core/src/types/PoolId.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {Eligibility} from "../libraries/Eligibility.sol";
import {IInvestorRegistry} from "./IInvestorRegistry.sol";

/// @title IGateHook
/// @notice A Uniswap v4 hook that lets only eligible investors swap, add liquidity or donate in the pools an admin
/// authorized. One deployment serves many pools. Buying (a swap that pays out the security), adding and donating need
/// full eligibility for the security; selling needs only a seller's standing (registered, not frozen, not sanctioned,
/// out of lockup), so an exit-only or lapsed investor can still sell.
/// Every position is bound to the investor who first deposited into it (its depositor), whoever holds the NFT:
/// - only the depositor adds to it;
/// - the depositor's own exit is never refused (a lapsed, frozen or locked investor can always leave), and the
///   security it pays out goes to the depositor's wallet and nowhere else, where a freeze or lockup keeps holding it;
/// - anyone else removing liquidity (a new NFT owner, an approved operator) must be fully eligible for the security,
///   and the depositor free to transfer it: a position is never a way around a transfer the token would refuse.
/// A position is keyed like the PoolManager's (the calling contract, its ticks and salt), so a forwarding router that
/// pools several investors' liquidity under one key serves only the first of them: it must keep a salt per investor.
/// @dev The end user is `IMsgSender(sender).msgSender()` when `sender` is a trusted forwarding router
/// (UniversalRouter, PositionManager); any other `sender` acts as itself. Never `tx.origin`, never `hookData`.
/// Roles come from the registry: the default admin authorizes pools and routers, pausers pause pools.
interface IGateHook {
    /// @notice How the gate treats a `sender` that calls the PoolManager.
    enum RouterKind {
        /// @dev Not a router: `sender` itself must be an eligible investor.
        Untrusted,
        /// @dev A router that reports its caller through `IMsgSender.msgSender()`; that caller must be eligible.
        Forwarder,
        /// @dev V4Quoter: its swaps always revert, so quotes are open to everyone (keepers, visitors). Only ever give
        /// this kind to a contract whose swaps cannot settle. It opens swaps only; adds and donations from it are
        /// checked as the contract itself.
        Quoter
    }

    /// @notice Thrown when `account` lacks `role` in the registry.
    error Unauthorized(address account, bytes32 role);
    /// @notice Thrown when a PoolKey names another hook.
    error WrongHook(address hooks);
    /// @notice Thrown when the named security is neither of the pool's currencies.
    error SecurityNotInPool(address securityToken);
    /// @notice Thrown when a pool that was not authorized is initialized with this hook.
    error PoolNotAuthorized(PoolId poolId);
    /// @notice Thrown when an authorized pool is initialized by someone other than a registry default admin.
    error InitializerNotAdmin(address sender);
    /// @notice Thrown when an authorization is withdrawn from a pool that already exists.
    error PoolAlreadyInitialized(PoolId poolId);
    /// @notice Thrown when a paused pool is asked to swap, add liquidity or accept a donation.
    error PoolIsPaused(PoolId poolId);
    /// @notice Thrown when a canonical router is given a kind other than its own (or Untrusted).
    error RouterKindMismatch(address router, RouterKind kind);
    /// @notice Thrown when the resolved end user may not trade the pool's security (for a removal by someone other
    /// than the depositor: may not receive it).
    error InvestorNotEligible(address investor, address securityToken, Eligibility reason, uint40 until);
    /// @notice Thrown when `investor` adds to a position that `depositor` deposited into.
    error PositionOfAnotherInvestor(address investor, address depositor);
    /// @notice Thrown when someone other than the depositor removes liquidity while the depositor may not transfer
    /// the security (frozen, in lockup, no longer registered): its holdings stay its own.
    error DepositorRestricted(address depositor, Eligibility reason, uint40 until);
    /// @notice Thrown when a donation includes the security: only the quote currency may be donated.
    error SecurityDonationRefused(PoolId poolId);
    /// @notice Thrown when a pool is authorized for a security token that is not bound to this gate.
    error SecurityNotBoundToGate(address securityToken);

    /// @notice An admin approved `poolId` (one exact PoolKey) for initialization with this hook.
    event PoolAuthorized(
        PoolId indexed poolId, address indexed securityToken, Currency currency0, Currency currency1, address admin
    );
    /// @notice An admin withdrew an authorization before the pool was initialized.
    event PoolAuthorizationRevoked(PoolId indexed poolId, address indexed admin);
    /// @notice A pool was paused or unpaused.
    event PoolPausedSet(PoolId indexed poolId, bool paused, address indexed pauser);
    /// @notice A router's kind changed.
    event RouterSet(address indexed router, RouterKind kind, address indexed admin);
    /// @notice A swap was authorized for `investor`. Emitted from beforeSwap, so it comes just before the
    /// PoolManager's `Swap` event of the same swap (same transaction, next log index but one or more).
    event InvestorSwap(PoolId indexed poolId, address indexed investor);
    /// @notice Liquidity was added for `investor`.
    event InvestorLiquidityAdded(PoolId indexed poolId, address indexed investor);
    /// @notice Liquidity was removed, or fees collected, by `investor`: the depositor (never refused) or an eligible
    /// remover the depositor was free to transfer to.
    event InvestorLiquidityRemoved(PoolId indexed poolId, address indexed investor);
    /// @notice A donation was authorized for `investor`.
    event InvestorDonation(PoolId indexed poolId, address indexed investor);

    /// @notice The registry this gate consults for eligibility and roles.
    function registry() external view returns (IInvestorRegistry);
    /// @notice The canonical UniversalRouter: a forwarding router while trusted.
    function universalRouter() external view returns (address);
    /// @notice The canonical PositionManager: a forwarding router while trusted.
    function positionManager() external view returns (address);
    /// @notice The canonical V4Quoter: open quotes while trusted.
    function v4Quoter() external view returns (address);
    /// @notice Approves one exact PoolKey for initialization with this hook, naming which currency is the security.
    /// @dev Idempotent for the same key and security, so a deploy script can run twice.
    function authorizePool(PoolKey calldata key, address securityToken) external;
    /// @notice Withdraws an authorization before the pool is initialized.
    function revokePoolAuthorization(PoolKey calldata key) external;
    /// @notice Pauses or unpauses pools: a paused pool refuses swaps, adds and donations, never exits.
    function setPaused(PoolId[] calldata poolIds, bool paused) external;
    /// @notice Sets how the gate treats `router` as a `sender`. The three canonical routers can only be trusted in
    /// their own kind or untrusted; any other address may be given any kind.
    function setRouter(address router, RouterKind kind) external;
    /// @notice The gate's configuration for a pool.
    function poolConfig(PoolId poolId)
        external
        view
        returns (address securityToken, bool authorized, bool initialized, bool paused);
    /// @notice How the gate treats `router`.
    function routerKind(address router) external view returns (RouterKind);
    /// @notice The end user the gate would check for a call to the PoolManager made by `sender`.
    function resolveInvestor(address sender) external view returns (address);
    /// @notice The investor who first deposited into a position, or zero if nobody has.
    /// @param positionKey The PoolManager's key: `Position.calculatePositionKey(owner, tickLower, tickUpper, salt)`,
    /// where `owner` is the contract that called the PoolManager (the PositionManager, salt = the token id).
    function depositorOf(PoolId poolId, bytes32 positionKey) external view returns (address);
    /// @notice The shares counted for the position's depositor because the position could come to hold them (see
    /// `IRestrictedSecurity.reservePosition`).
    function reservationOf(PoolId poolId, bytes32 positionKey) external view returns (uint256);
    /// @notice If the gate admitted `holder` to a pool of the calling security token earlier in this transaction, the
    /// holder's key (its identity; see `IInvestorRegistry.holderKey`), with `Clearance.MAY_RECEIVE` set if it was
    /// admitted as a buyer; else 0.
    /// @dev Transient: a clearance is one registry verdict, reused by the token for the rest of the transaction.
    function clearance(address holder) external view returns (uint256 holderKey);
}
