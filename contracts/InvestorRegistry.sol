// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IInvestorRegistry} from "./interfaces/IInvestorRegistry.sol";
import {Eligibility} from "./libraries/Eligibility.sol";
import {InvestorRecord, InvestorRecordLibrary} from "./libraries/InvestorRecord.sol";
import {SecurityConfig, SecurityConfigLibrary, LockupOverride, LockupOverrideLibrary} from
    "./libraries/SecurityConfig.sol";

/// @title InvestorRegistry
/// @notice Accreditation, freezes and per-security lockups for every investor on the venue, and the roles that the
/// gate hook and the security tokens defer to.
/// @dev The default admin changes hands in two steps after a delay (OpenZeppelin AccessControlDefaultAdminRules)
/// and can never be renounced.
contract InvestorRegistry is IInvestorRegistry, AccessControlDefaultAdminRules {
    /// @inheritdoc IInvestorRegistry
    bytes32 public constant COMPLIANCE_ROLE = keccak256("accredex.compliance");
    /// @inheritdoc IInvestorRegistry
    bytes32 public constant PAUSER_ROLE = keccak256("accredex.pauser");
    /// @inheritdoc IInvestorRegistry
    bytes32 public constant ISSUER_ROLE = keccak256("accredex.issuer");

    mapping(address investor => InvestorRecord) internal _investors;
    mapping(address security => SecurityConfig) internal _securities;
    mapping(address security => mapping(address investor => LockupOverride)) internal _lockupOverrides;

    /// @param admin The default admin (a multisig in production).
    /// @param adminTransferDelay Seconds a new default admin must wait before accepting the role.
    constructor(address admin, uint48 adminTransferDelay) AccessControlDefaultAdminRules(adminTransferDelay, admin) {}

    // ------------------------------------------------------------------ compliance officers' edits

    /// @inheritdoc IInvestorRegistry
    function upsertInvestors(InvestorInput[] calldata investors) external onlyRole(COMPLIANCE_ROLE) {
        for (uint256 i; i < investors.length; ++i) {
            InvestorInput calldata row = investors[i];
            if (row.investor == address(0)) revert ZeroAddress();
            InvestorRecord record = _investors[row.investor];
            if (record.isVenue()) revert AccountIsVenue(row.investor);
            // A freeze is a legal hold: it is lifted or imposed only by setFrozen, with its own event, never as a side
            // effect of a roster row. Only a new investor may arrive frozen.
            bool known = record.registered() || record.frozen();
            if (known && row.frozen != record.frozen()) revert FreezeNotEditable(row.investor, record.frozen());
            // Overrides belong to the (security, investor) pair, not to the roster row, so they survive an upsert.
            _investors[row.investor] =
                InvestorRecordLibrary.pack(row.accreditationExpiry, row.frozen, record.lockupOverrides());
            emit InvestorUpserted(row.investor, row.accreditationExpiry, row.frozen, msg.sender);
            if (row.frozen && !known) emit InvestorFrozen(row.investor, true, msg.sender);
        }
    }

    /// @inheritdoc IInvestorRegistry
    function setFrozen(address account, bool frozen) external onlyRole(COMPLIANCE_ROLE) {
        InvestorRecord record = _registered(account);
        _investors[account] = record.withFrozen(frozen);
        emit InvestorFrozen(account, frozen, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function removeInvestor(address account) external onlyRole(COMPLIANCE_ROLE) {
        InvestorRecord record = _registered(account);
        // Keep the override count, so overrides still stored for this investor are not orphaned, and the freeze, so
        // that removing and re-adding an investor never lifts a legal hold.
        _investors[account] =
            InvestorRecord.wrap(0).withLockupOverrides(record.lockupOverrides()).withFrozen(record.frozen());
        emit InvestorRemoved(account, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setVenue(address account, bool isVenue) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        InvestorRecord record = _investors[account];
        // An account that is, or was, an investor (it may still own lockup overrides, or be frozen) never becomes a
        // venue.
        if (record.registered() || record.lockupOverrides() != 0 || record.frozen()) revert AccountIsInvestor(account);
        _investors[account] = isVenue ? InvestorRecordLibrary.VENUE : InvestorRecord.wrap(0);
        emit VenueSet(account, isVenue, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function configureSecurity(address securityToken, uint40 defaultLockupEnd) external onlyRole(COMPLIANCE_ROLE) {
        if (securityToken == address(0)) revert ZeroAddress();
        _securities[securityToken] = SecurityConfigLibrary.listed(defaultLockupEnd);
        emit SecurityConfigured(securityToken, defaultLockupEnd, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function delistSecurity(address securityToken) external onlyRole(COMPLIANCE_ROLE) {
        SecurityConfig config = _securities[securityToken];
        if (!config.isListed()) revert SecurityNotListed(securityToken);
        // Trading stops; the lockups keep applying to transfers (clearing them would free every holder early).
        _securities[securityToken] = config.delisted();
        emit SecurityDelisted(securityToken, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setLockupOverride(address securityToken, address account, uint40 end) external onlyRole(COMPLIANCE_ROLE) {
        // A delisted security's lockups still bind its holders, so officers keep editing them.
        if (!_securities[securityToken].isConfigured()) revert SecurityNotConfigured(securityToken);
        InvestorRecord record = _registered(account);
        if (!_lockupOverrides[securityToken][account].isSet()) {
            _investors[account] = record.withLockupOverrides(record.lockupOverrides() + 1);
        }
        _lockupOverrides[securityToken][account] = LockupOverrideLibrary.set(end);
        emit LockupOverrideSet(securityToken, account, end, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function clearLockupOverride(address securityToken, address account) external onlyRole(COMPLIANCE_ROLE) {
        if (!_lockupOverrides[securityToken][account].isSet()) revert NoLockupOverride(securityToken, account);
        _lockupOverrides[securityToken][account] = LockupOverride.wrap(0);
        InvestorRecord record = _investors[account];
        _investors[account] = record.withLockupOverrides(record.lockupOverrides() - 1);
        emit LockupOverrideCleared(securityToken, account, msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IInvestorRegistry
    function eligibility(address account, address securityToken)
        external
        view
        returns (Eligibility status, uint40 until)
    {
        InvestorRecord record = _investors[account];
        status = record.holderStatus(block.timestamp);
        if (status != Eligibility.Ok) {
            return (status, status == Eligibility.AccreditationExpired ? record.accreditationExpiry() : 0);
        }
        SecurityConfig config = _securities[securityToken];
        if (!config.isListed()) return (Eligibility.SecurityNotListed, 0);
        uint40 end = _lockupEnd(record, config, securityToken, account);
        // Lockup ends at `end` exactly: trading is allowed from that second on.
        if (block.timestamp < end) return (Eligibility.LockupActive, end);
        return (Eligibility.Ok, 0);
    }

    /// @inheritdoc IInvestorRegistry
    function transferStatus(address securityToken, address from, address to)
        external
        view
        returns (Eligibility fromStatus, uint40 fromUntil, Eligibility toStatus, uint40 toUntil)
    {
        if (from != address(0)) (fromStatus, fromUntil) = _senderStatus(securityToken, from);
        if (to != address(0)) (toStatus, toUntil) = _recipientStatus(_investors[to]);
    }

    /// @inheritdoc IInvestorRegistry
    function holderStatus(address holder) external view returns (Eligibility status, uint40 until) {
        return _recipientStatus(_investors[holder]);
    }

    /// @inheritdoc IInvestorRegistry
    function investor(address account) external view returns (InvestorView memory) {
        InvestorRecord record = _investors[account];
        return InvestorView({
            registered: record.registered(),
            venue: record.isVenue(),
            frozen: record.frozen(),
            accreditationExpiry: record.accreditationExpiry(),
            lockupOverrides: record.lockupOverrides()
        });
    }

    /// @inheritdoc IInvestorRegistry
    function security(address securityToken) external view returns (bool listed, uint40 defaultLockupEnd) {
        SecurityConfig config = _securities[securityToken];
        return (config.isListed(), config.defaultLockupEnd());
    }

    /// @inheritdoc IInvestorRegistry
    function lockupEnd(address securityToken, address account) external view returns (uint40) {
        return _lockupOverrides[securityToken][account].orDefault(_securities[securityToken].defaultLockupEnd());
    }

    // ------------------------------------------------------------------ roles

    /// @notice Renouncing the default admin role is disabled; hand it over with the two-step transfer instead.
    function renounceRole(bytes32 role, address account)
        public
        override(AccessControlDefaultAdminRules, IAccessControl)
    {
        if (role == DEFAULT_ADMIN_ROLE) revert AdminRenounceDisabled();
        super.renounceRole(role, account);
    }

    /// @notice A transfer to the zero address would be a renounce in disguise.
    function beginDefaultAdminTransfer(address newAdmin) public override {
        if (newAdmin == address(0)) revert AdminRenounceDisabled();
        super.beginDefaultAdminTransfer(newAdmin);
    }

    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IInvestorRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    function _senderStatus(address securityToken, address account)
        private
        view
        returns (Eligibility status, uint40 until)
    {
        InvestorRecord record = _investors[account];
        if (record.isVenue()) return (Eligibility.Ok, 0);
        if (!record.registered()) return (Eligibility.NotRegistered, 0);
        if (record.frozen()) return (Eligibility.Frozen, 0);
        uint40 end = _lockupEnd(record, _securities[securityToken], securityToken, account);
        if (block.timestamp < end) return (Eligibility.LockupActive, end);
        return (Eligibility.Ok, 0);
    }

    function _recipientStatus(InvestorRecord record) private view returns (Eligibility status, uint40 until) {
        if (record.isVenue()) return (Eligibility.Ok, 0);
        status = record.holderStatus(block.timestamp);
        if (status == Eligibility.AccreditationExpired) until = record.accreditationExpiry();
    }

    /// @dev The override slot is read only for investors that have an override somewhere: most never do.
    function _lockupEnd(InvestorRecord record, SecurityConfig config, address securityToken, address account)
        private
        view
        returns (uint40)
    {
        if (record.lockupOverrides() == 0) return config.defaultLockupEnd();
        return _lockupOverrides[securityToken][account].orDefault(config.defaultLockupEnd());
    }

    function _registered(address account) private view returns (InvestorRecord record) {
        record = _investors[account];
        if (!record.registered()) revert InvestorNotRegistered(account);
    }
}
