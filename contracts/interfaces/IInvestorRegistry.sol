// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Eligibility} from "../libraries/Eligibility.sol";

/// @title IInvestorRegistry
/// @notice The venue's single record of who may hold and trade each security: accreditation, freezes and lockups,
/// plus the roles that every Accredex contract defers to. Every change emits an indexed event; together they are
/// the compliance audit trail.
interface IInvestorRegistry is IAccessControl {
    /// @notice One row of an onboarding roster.
    /// @param investor The investor's wallet.
    /// @param accreditationExpiry Unix seconds at which accreditation lapses (valid while `block.timestamp < expiry`).
    /// @param frozen Whether the investor is frozen (a legal hold: no trading, no transfers out).
    struct InvestorInput {
        address investor;
        uint40 accreditationExpiry;
        bool frozen;
    }

    /// @notice What the registry holds for one investor.
    struct InvestorView {
        bool registered;
        bool venue;
        bool frozen;
        uint40 accreditationExpiry;
        uint16 lockupOverrides;
    }

    /// @notice Thrown when a record names the zero address.
    error ZeroAddress();
    /// @notice Thrown when an edit targets an investor that has no record.
    error InvestorNotRegistered(address investor);
    /// @notice Thrown when a security that is not listed is delisted.
    error SecurityNotListed(address security);
    /// @notice Thrown when a lockup override names a security that was never listed.
    error SecurityNotConfigured(address security);
    /// @notice Thrown when a roster row would freeze or unfreeze an investor: only {setFrozen} does that.
    /// @param frozen Whether the investor is frozen now (the row must say the same).
    error FreezeNotEditable(address investor, bool frozen);
    /// @notice Thrown when a lockup override is cleared that was never set.
    error NoLockupOverride(address security, address investor);
    /// @notice Thrown when an investor record is written for a venue contract.
    error AccountIsVenue(address account);
    /// @notice Thrown when a registered investor is listed as a venue contract.
    error AccountIsInvestor(address account);
    /// @notice Thrown on any attempt to renounce the default admin role: the registry must never be left ownerless.
    error AdminRenounceDisabled();

    /// @notice An investor record was created or replaced.
    event InvestorUpserted(
        address indexed investor, uint40 accreditationExpiry, bool frozen, address indexed officer
    );
    /// @notice An investor was frozen or unfrozen.
    event InvestorFrozen(address indexed investor, bool frozen, address indexed officer);
    /// @notice An investor record was deleted.
    event InvestorRemoved(address indexed investor, address indexed officer);
    /// @notice A venue contract was listed or unlisted: listed venues may hold and move every security.
    event VenueSet(address indexed account, bool isVenue, address indexed admin);
    /// @notice A security was listed, or its default lockup end changed.
    event SecurityConfigured(address indexed security, uint40 defaultLockupEnd, address indexed officer);
    /// @notice A security was delisted: nobody is eligible to trade it on the venue. Its lockups keep applying to
    /// transfers.
    event SecurityDelisted(address indexed security, address indexed officer);
    /// @notice An investor-specific lockup end was set for one security, replacing the default.
    event LockupOverrideSet(
        address indexed security, address indexed investor, uint40 lockupEnd, address indexed officer
    );
    /// @notice An investor-specific lockup end was removed; the security's default applies again.
    event LockupOverrideCleared(address indexed security, address indexed investor, address indexed officer);

    /// @notice Role of compliance officers, who edit investor records, lockups and security listings.
    function COMPLIANCE_ROLE() external view returns (bytes32);
    /// @notice Role that may pause and unpause gated pools.
    function PAUSER_ROLE() external view returns (bytes32);
    /// @notice Role that may mint security tokens (the issuer's transfer agent).
    function ISSUER_ROLE() external view returns (bytes32);

    /// @notice Creates or replaces investor records, one event per row; the whole batch reverts on any bad row.
    /// @dev Lockup overrides survive an upsert. A row must repeat the investor's freeze as it stands
    /// ({FreezeNotEditable} otherwise); a new investor may arrive frozen, which also emits {InvestorFrozen}.
    function upsertInvestors(InvestorInput[] calldata investors) external;
    /// @notice Freezes or unfreezes an investor; takes effect for the very next transaction, same block included.
    function setFrozen(address account, bool frozen) external;
    /// @notice Deregisters an investor. Their lockup overrides and their freeze are kept, and apply again if they are
    /// re-registered.
    function removeInvestor(address account) external;
    /// @notice Lists or unlists a venue contract (admin only). Venue contracts pass every token transfer check.
    function setVenue(address account, bool isVenue) external;
    /// @notice Lists a security, or changes its default lockup end (for example offering close + 12 months).
    function configureSecurity(address securityToken, uint40 defaultLockupEnd) external;
    /// @notice Delists a security; its pools refuse every trade until it is listed again. Its default lockup and
    /// overrides stay, keep applying to transfers, and stay editable.
    function delistSecurity(address securityToken) external;
    /// @notice Sets an investor-specific lockup end for one security (listed now, or delisted).
    function setLockupOverride(address securityToken, address account, uint40 end) external;
    /// @notice Removes an investor-specific lockup end; the security default applies again.
    function clearLockupOverride(address securityToken, address account) external;

    /// @notice May `investor` trade `security` on the venue right now?
    /// @return status `Ok`, or the first reason the gate refuses.
    /// @return until For `AccreditationExpired` the expiry, for `LockupActive` the lockup end, otherwise 0.
    function eligibility(address account, address securityToken)
        external
        view
        returns (Eligibility status, uint40 until);
    /// @notice Whether a transfer of `securityToken` from `from` to `to` is allowed, side by side. A venue is always
    /// `Ok`; the zero address (mint, burn) is `Ok`. A sender must be registered, not frozen and out of lockup
    /// (accreditation is not needed to sell); a recipient must pass {holderStatus}.
    /// @dev One call for both sides, so a settlement transfer costs the security token a single registry call.
    function transferStatus(address securityToken, address from, address to)
        external
        view
        returns (Eligibility fromStatus, uint40 fromUntil, Eligibility toStatus, uint40 toUntil);
    /// @notice May `holder` receive a security? Known, not frozen and accredited; lockup does not apply to receiving.
    function holderStatus(address holder) external view returns (Eligibility status, uint40 until);
    /// @notice The investor's record.
    function investor(address account) external view returns (InvestorView memory);
    /// @notice Whether `security` is listed, and its default lockup end.
    function security(address securityToken) external view returns (bool listed, uint40 defaultLockupEnd);
    /// @notice The lockup end that applies to `investor` for `security`: the override if set, else the default.
    function lockupEnd(address securityToken, address account) external view returns (uint40);
}
