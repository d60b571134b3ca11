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
/// unfrozen, accredited investor, or a registered LP taking out exactly what its exit from a gated pool owes it.
interface IRestrictedSecurity {
    /// @notice Thrown when the sender may not move the security.
    error SenderNotEligible(address from, Eligibility reason, uint40 until);
    /// @notice Thrown when the recipient may not hold the security.
    error RecipientNotEligible(address to, Eligibility reason, uint40 until);
    /// @notice Thrown when the caller lacks `role` in the registry.
    error Unauthorized(address account, bytes32 role);

    /// @notice The registry that decides who may hold and move this security.
    function registry() external view returns (IInvestorRegistry);
    /// @notice The venue's gate: its clearances let settlements skip a second registry call, and its exit
    /// allowances let LPs whose accreditation lapsed take their liquidity out.
    function gate() external view returns (IGateHook);
    /// @notice Issues new units to an eligible holder (issuer role).
    function mint(address to, uint256 amount) external;
}
