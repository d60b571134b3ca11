// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {Eligibility} from "../libraries/Eligibility.sol";
import {IInvestorRegistry} from "./IInvestorRegistry.sol";
import {IGateHook} from "./IGateHook.sol";

/// @title IRestrictedSecurity
/// @notice An ERC-20 security that moves only between eligible holders and listed venue contracts, so the rules hold
/// outside the gated pools too: swap output sent to someone else, hookless pools in the shared PoolManager, plain
/// wallet transfers.
/// @dev Sender: a venue, or a registered, unfrozen investor out of lockup. Recipient: a venue, or a registered,
/// unfrozen, accredited investor, or a depositor taking out exactly what its own exit from a gated pool owes it.
/// The PoolManager is special on both sides:
/// - the security enters it only from a holder the gate admitted to a gated pool in the same transaction, so no
///   hookless pool of the shared PoolManager can be funded with it;
/// - once a depositor exits a gated position, every payout of the security in that transaction goes to that
///   depositor, so a frozen or locked investor's pooled shares never pass to anyone else.
interface IRestrictedSecurity {
    /// @notice Thrown when the sender may not move the security.
    error SenderNotEligible(address from, Eligibility reason, uint40 until);
    /// @notice Thrown when the recipient may not hold the security.
    error RecipientNotEligible(address to, Eligibility reason, uint40 until);
    /// @notice Thrown when the security is paid into the PoolManager by a holder the gate did not admit to a gated
    /// pool in this transaction (a hookless pool, or a payment before the pool operation it settles).
    error EntryNotCleared(address from);
    /// @notice Thrown when a payout from the PoolManager goes to `to` in a transaction whose exit binds payouts to
    /// `depositor`.
    error PayoutBoundToDepositor(address to, address depositor);
    /// @notice Thrown when one transaction exits the positions of two depositors: each exit's security goes to its
    /// own depositor, and a transaction holds one such binding.
    error ExitAlreadyBound(address depositor);
    /// @notice Thrown when anyone but the gate credits an exit.
    error NotGate(address caller);
    /// @notice Thrown when the caller lacks `role` in the registry.
    error Unauthorized(address account, bytes32 role);

    /// @notice The registry that decides who may hold and move this security.
    function registry() external view returns (IInvestorRegistry);
    /// @notice The venue's gate: its clearances let settlements skip a second registry call.
    function gate() external view returns (IGateHook);
    /// @notice Called by the gate when a depositor exits its own gated position: for the rest of the transaction the
    /// PoolManager pays this security to `depositor` only, and `depositor` accepts `amount` of it (principal and
    /// fees) whatever its status: lapsed, frozen, in lockup or off the roster, an exit is never refused.
    function creditExit(address depositor, uint256 amount) external;
    /// @notice Issues new units to an eligible holder (issuer role).
    function mint(address to, uint256 amount) external;
}
