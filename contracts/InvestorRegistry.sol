// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IInvestorRegistry} from "./interfaces/IInvestorRegistry.sol";
import {ISanctionsList} from "./interfaces/ISanctionsList.sol";
import {Eligibility, InvestorClass} from "./libraries/Eligibility.sol";
import {InvestorRecord, InvestorRecordLibrary} from "./libraries/InvestorRecord.sol";
import {
    SecurityConfig,
    SecurityConfigLibrary,
    LockupOverride,
    LockupOverrideLibrary
} from "./libraries/SecurityConfig.sol";
import {OfferingRulesLibrary} from "./libraries/OfferingRules.sol";

/// @title InvestorRegistry
/// @notice Identities and their wallets, accreditation, classes, jurisdictions, freezes, exit-only status,
/// per-security lockups and offering rules for every investor on the venue, and the roles that the gate hook and the
/// security tokens defer to.
/// @dev The default admin changes hands in two steps after a delay (OpenZeppelin AccessControlDefaultAdminRules)
/// and can never be renounced.
contract InvestorRegistry is IInvestorRegistry, AccessControlDefaultAdminRules, Multicall {
    /// @inheritdoc IInvestorRegistry
    bytes32 public constant COMPLIANCE_ROLE = keccak256("accredex.compliance");
    /// @inheritdoc IInvestorRegistry
    bytes32 public constant PAUSER_ROLE = keccak256("accredex.pauser");
    /// @inheritdoc IInvestorRegistry
    bytes32 public constant ISSUER_ROLE = keccak256("accredex.issuer");
    /// @inheritdoc IInvestorRegistry
    uint256 public constant MAX_WALLETS = 20;
    /// @dev ISO 3166-1 numeric: the jurisdiction of a wallet-roster identity.
    uint16 internal constant UNITED_STATES = 840;
    /// @dev Officers number identities below this; a roster identity is numbered by its wallet, at or above it. So
    /// neither can ever land in the other's identity.
    uint256 internal constant OFFICER_IDS = 1 << 64;

    mapping(address wallet => InvestorRecord) internal _investors;
    mapping(uint160 identity => InvestorRecord) internal _identities;
    mapping(uint160 identity => address[] wallets) internal _wallets;
    mapping(uint160 identity => Verification) internal _verifications;
    mapping(address security => SecurityConfig) internal _securities;
    mapping(address security => mapping(uint16 jurisdiction => bool listed)) internal _jurisdictions;
    mapping(address security => mapping(address wallet => LockupOverride)) internal _lockupOverrides;
    /// @inheritdoc IInvestorRegistry
    ISanctionsList public sanctionsList;

    /// @param admin The default admin (a multisig in production).
    /// @param adminTransferDelay Seconds a new default admin must wait before accepting the role.
    constructor(address admin, uint48 adminTransferDelay) AccessControlDefaultAdminRules(adminTransferDelay, admin) {}

    // ------------------------------------------------------------------ compliance officers' edits

    /// @inheritdoc IInvestorRegistry
    function upsertInvestors(InvestorInput[] calldata investors) external onlyRole(COMPLIANCE_ROLE) {
        for (uint256 i; i < investors.length; ++i) {
            InvestorInput calldata row = investors[i];
            address wallet = row.investor;
            if (wallet == address(0)) revert ZeroAddress();
            InvestorRecord record = _investors[wallet];
            if (record.everVenue()) revert AccountIsVenue(wallet);
            uint160 id = record.identityId();
            if (id == 0) {
                if (uint160(wallet) < OFFICER_IDS) revert InvalidIdentityId(uint160(wallet));
                id = uint160(wallet);
            }
            InvestorRecord person = _identities[id];
            // A freeze is a legal hold: it is lifted or imposed only by setFrozen, with its own event, never as a side
            // effect of a roster row. Only a new investor may arrive frozen. An unlinked wallet keeps its freeze.
            bool known = person.registered() || record.frozen();
            bool frozenNow = person.registered() ? person.frozen() : record.frozen();
            if (known && row.frozen != frozenNow) revert FreezeNotEditable(wallet, frozenNow);
            if (person.registered()) {
                person = person.withDetails(row.accreditationExpiry, person.classes(), person.jurisdiction());
            } else {
                person = InvestorRecordLibrary.identity(
                        row.accreditationExpiry, InvestorClass.ACCREDITED, UNITED_STATES
                    ).withFrozen(row.frozen);
            }
            emit InvestorUpserted(wallet, row.accreditationExpiry, row.frozen, msg.sender);
            if (row.frozen && !known) emit InvestorFrozen(wallet, true, msg.sender);
            // The identity is saved and copied to every linked wallet; a new or unlinked wallet is then linked to it.
            _saveIdentity(id, person);
            if (!record.registered()) _link(id, person, wallet, record);
        }
    }

    /// @inheritdoc IInvestorRegistry
    function upsertIdentities(IdentityInput[] calldata identities) external onlyRole(COMPLIANCE_ROLE) {
        for (uint256 i; i < identities.length; ++i) {
            IdentityInput calldata row = identities[i];
            uint160 id = _identityId(row.id);
            if (row.jurisdiction == 0) revert InvalidJurisdiction(0);
            InvestorRecord person = _identities[id];
            if (!person.registered() && id >= OFFICER_IDS) revert InvalidIdentityId(id);
            person = person.registered()
                ? person.withDetails(row.accreditationExpiry, row.classes, row.jurisdiction)
                : InvestorRecordLibrary.identity(row.accreditationExpiry, row.classes, row.jurisdiction);
            _saveIdentity(id, person);
            _verifications[id] = row.verification;
            emit IdentityUpserted(
                id,
                row.accreditationExpiry,
                row.classes & InvestorClass.ALL,
                row.jurisdiction,
                row.verification,
                msg.sender
            );
        }
    }

    /// @inheritdoc IInvestorRegistry
    function linkWallets(uint256 identityId, address[] calldata wallets) external onlyRole(COMPLIANCE_ROLE) {
        uint160 id = _identityId(identityId);
        InvestorRecord person = _identities[id];
        if (!person.registered()) revert IdentityNotFound(identityId);
        for (uint256 i; i < wallets.length; ++i) {
            address wallet = wallets[i];
            if (wallet == address(0)) revert ZeroAddress();
            person = _link(id, person, wallet, _investors[wallet]);
        }
    }

    /// @inheritdoc IInvestorRegistry
    function multicall(bytes[] calldata data) public override(IInvestorRegistry, Multicall) returns (bytes[] memory) {
        return super.multicall(data);
    }

    /// @inheritdoc IInvestorRegistry
    function unlinkWallet(address wallet) external onlyRole(COMPLIANCE_ROLE) {
        InvestorRecord record = _registered(wallet);
        uint160 id = record.identityId();
        // The identity id stays in the wallet's word: its remaining shares keep counting for the identity. So do its
        // overrides and its freeze, so that unlinking and relinking never lifts a legal hold.
        _investors[wallet] = record.withRegistered(false);
        address[] storage list = _wallets[id];
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == wallet) {
                list[i] = list[list.length - 1];
                list.pop();
                break;
            }
        }
        InvestorRecord person = _identities[id];
        _identities[id] = person.withWallets(person.wallets() - 1);
        emit WalletUnlinked(id, wallet, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setFrozen(address wallet, bool frozen) external onlyRole(COMPLIANCE_ROLE) {
        uint160 id = _registered(wallet).identityId();
        _saveIdentity(id, _identities[id].withFrozen(frozen));
        emit InvestorFrozen(wallet, frozen, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setExitOnly(address wallet, bool exitOnly) external onlyRole(COMPLIANCE_ROLE) {
        uint160 id = _registered(wallet).identityId();
        _saveIdentity(id, _identities[id].withExitOnly(exitOnly));
        emit InvestorExitOnly(wallet, exitOnly, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setVenue(address account, bool isVenue) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        InvestorRecord record = _investors[account];
        // An account that is, or was, an investor (it belongs to an identity, may still own lockup overrides, or be
        // frozen) never becomes a venue.
        if (record.identityId() != 0 || record.lockupOverrides() != 0 || record.frozen()) {
            revert AccountIsInvestor(account);
        }
        // A venue that steps down keeps a mark: the shares it holds were never counted for any identity.
        if (isVenue) _investors[account] = InvestorRecordLibrary.VENUE;
        else if (record.everVenue()) _investors[account] = InvestorRecordLibrary.FORMER_VENUE;
        emit VenueSet(account, isVenue, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function configureSecurity(address securityToken, uint40 defaultLockupEnd) external onlyRole(COMPLIANCE_ROLE) {
        if (securityToken == address(0)) revert ZeroAddress();
        _securities[securityToken] = _securities[securityToken].listed(defaultLockupEnd);
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
    function setOfferingRules(address securityToken, OfferingRules calldata rules) external onlyRole(COMPLIANCE_ROLE) {
        SecurityConfig config = _configured(securityToken);
        if (rules.jurisdictionMode > SecurityConfigLibrary.JURISDICTIONS_DENIED) {
            revert InvalidJurisdiction(rules.jurisdictionMode);
        }
        _securities[securityToken] = config.withRules(
            rules.requiredClasses, rules.jurisdictionMode, rules.regSCompliancePeriodEnd, rules.windingDown
        );
        emit OfferingRulesSet(securityToken, rules, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setJurisdictions(address securityToken, uint16[] calldata jurisdictions, bool listed)
        external
        onlyRole(COMPLIANCE_ROLE)
    {
        _configured(securityToken);
        for (uint256 i; i < jurisdictions.length; ++i) {
            if (jurisdictions[i] == 0) revert InvalidJurisdiction(0);
            _jurisdictions[securityToken][jurisdictions[i]] = listed;
        }
        emit JurisdictionsSet(securityToken, jurisdictions, listed, msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setSanctionsList(ISanctionsList list) external onlyRole(DEFAULT_ADMIN_ROLE) {
        sanctionsList = list;
        emit SanctionsListSet(address(list), msg.sender);
    }

    /// @inheritdoc IInvestorRegistry
    function setLockupOverride(address securityToken, address account, uint40 end) external onlyRole(COMPLIANCE_ROLE) {
        // A delisted security's lockups still bind its holders, so officers keep editing them.
        _configured(securityToken);
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
        (status, until,) = tradeStatus(account, securityToken, true);
    }

    /// @inheritdoc IInvestorRegistry
    function tradeStatus(address account, address securityToken, bool buying)
        public
        view
        returns (Eligibility status, uint40 until, uint256 key)
    {
        InvestorRecord record;
        (record, status, key) = _standing(account);
        if (status != Eligibility.Ok) return (status, 0, key);
        SecurityConfig config = _securities[securityToken];
        if (buying) {
            (status, until) = _acquirerStatus(record, config, securityToken);
            if (status != Eligibility.Ok) return (status, until, key);
        } else if (key & InvestorRecordLibrary.KEY_AFFILIATE != 0) {
            return (Eligibility.AffiliateResale, 0, key);
        }
        if (!config.isListed()) return (Eligibility.SecurityNotListed, 0, key);
        uint40 end = _lockupEnd(record, config, securityToken, account);
        // Lockup ends at `end` exactly: trading is allowed from that second on.
        if (block.timestamp < end) return (Eligibility.LockupActive, end, key);
        return (Eligibility.Ok, 0, key);
    }

    /// @inheritdoc IInvestorRegistry
    function transferStatus(address securityToken, address from, address to)
        external
        view
        returns (
            Eligibility fromStatus,
            uint40 fromUntil,
            Eligibility toStatus,
            uint40 toUntil,
            uint256 fromKey,
            uint256 toKey
        )
    {
        SecurityConfig config = _securities[securityToken];
        if (from != address(0)) (fromStatus, fromUntil, fromKey) = _senderStatus(config, securityToken, from);
        if (to != address(0)) (toStatus, toUntil, toKey) = _recipientStatus(config, securityToken, to);
    }

    /// @inheritdoc IInvestorRegistry
    function holderKey(address account) external view returns (uint256) {
        return _investors[account].holderKey(block.timestamp);
    }

    /// @inheritdoc IInvestorRegistry
    function investor(address account) external view returns (InvestorView memory) {
        InvestorRecord record = _investors[account];
        return InvestorView({
            registered: record.registered(),
            venue: record.isVenue(),
            frozen: record.frozen(),
            accreditationExpiry: record.accreditationExpiry(),
            lockupOverrides: record.lockupOverrides(),
            identity: record.identityId(),
            exitOnly: record.exitOnly(),
            classes: record.classes(),
            jurisdiction: record.jurisdiction()
        });
    }

    /// @inheritdoc IInvestorRegistry
    function identity(uint256 id) external view returns (IdentityView memory) {
        if (id >= 1 << 160) return IdentityView(false, false, false, 0, 0, 0, new address[](0), Verification(0, 0, 0));
        InvestorRecord person = _identities[uint160(id)];
        return IdentityView({
            exists: person.registered(),
            frozen: person.frozen(),
            exitOnly: person.exitOnly(),
            accreditationExpiry: person.accreditationExpiry(),
            classes: person.classes(),
            jurisdiction: person.jurisdiction(),
            wallets: _wallets[uint160(id)],
            verification: _verifications[uint160(id)]
        });
    }

    /// @inheritdoc IInvestorRegistry
    function security(address securityToken) external view returns (bool listed, uint40 defaultLockupEnd) {
        SecurityConfig config = _securities[securityToken];
        return (config.isListed(), config.defaultLockupEnd());
    }

    /// @inheritdoc IInvestorRegistry
    function offeringRules(address securityToken) external view returns (OfferingRules memory) {
        SecurityConfig config = _securities[securityToken];
        return OfferingRules({
            requiredClasses: config.requiredClasses(),
            jurisdictionMode: config.jurisdictionMode(),
            regSCompliancePeriodEnd: config.regSEnd(),
            windingDown: config.isWindingDown()
        });
    }

    /// @inheritdoc IInvestorRegistry
    function jurisdictionListed(address securityToken, uint16 jurisdiction) external view returns (bool) {
        return _jurisdictions[securityToken][jurisdiction];
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
        if (role == DEFAULT_ADMIN_ROLE) {
            revert AdminRenounceDisabled();
        }
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

    // ------------------------------------------------------------------ internals

    /// @dev What every check asks first, of any side: registered, not frozen, not sanctioned (a venue is not registered,
    /// so it is never screened). The oracle is asked only of a wallet that passes the rest.
    function _standing(address account) private view returns (InvestorRecord record, Eligibility status, uint256 key) {
        record = _investors[account];
        key = record.holderKey(block.timestamp);
        status = record.standing();
        if (status == Eligibility.Ok && _sanctioned(account)) status = Eligibility.Sanctioned;
    }

    function _senderStatus(SecurityConfig config, address securityToken, address account)
        private
        view
        returns (Eligibility, uint40, uint256 key)
    {
        (InvestorRecord record, Eligibility status, uint256 walletKey) = _standing(account);
        if (record.isVenue()) return (Eligibility.Ok, 0, 0);
        key = walletKey;
        if (status != Eligibility.Ok) return (status, 0, key);
        uint40 end = _lockupEnd(record, config, securityToken, account);
        if (block.timestamp < end) return (Eligibility.LockupActive, end, key);
        return (Eligibility.Ok, 0, key);
    }

    function _recipientStatus(SecurityConfig config, address securityToken, address account)
        private
        view
        returns (Eligibility, uint40, uint256 key)
    {
        (InvestorRecord record, Eligibility status, uint256 walletKey) = _standing(account);
        if (record.isVenue()) return (Eligibility.Ok, 0, 0);
        key = walletKey;
        if (status != Eligibility.Ok) return (status, 0, key);
        (Eligibility acquirer, uint40 until) = _acquirerStatus(record, config, securityToken);
        return (acquirer, until, key);
    }

    function _acquirerStatus(InvestorRecord record, SecurityConfig config, address securityToken)
        private
        view
        returns (Eligibility, uint40)
    {
        // The jurisdiction list costs a slot only for the offerings that use it.
        bool listed =
            OfferingRulesLibrary.usesJurisdictionList(config) && _jurisdictions[securityToken][record.jurisdiction()];
        return OfferingRulesLibrary.acquirerStatus(record, config, listed, block.timestamp);
    }

    /// @dev A venue without an oracle pays one SLOAD for the question.
    function _sanctioned(address account) private view returns (bool) {
        ISanctionsList list = sanctionsList;
        return address(list) != address(0) && list.isSanctioned(account);
    }

    /// @dev The override slot is read only for wallets that have an override somewhere: most never do.
    function _lockupEnd(InvestorRecord record, SecurityConfig config, address securityToken, address account)
        private
        view
        returns (uint40)
    {
        if (record.lockupOverrides() == 0) return config.defaultLockupEnd();
        return _lockupOverrides[securityToken][account].orDefault(config.defaultLockupEnd());
    }

    /// @dev Links `wallet` (whose record is `record`) to identity `id` (whose record is `person`).
    function _link(uint160 id, InvestorRecord person, address wallet, InvestorRecord record)
        private
        returns (InvestorRecord)
    {
        if (record.everVenue()) revert AccountIsVenue(wallet);
        uint160 owner = record.identityId();
        if (owner != 0 && owner != id) revert WalletOfAnotherIdentity(wallet, owner);
        if (record.registered()) revert WalletAlreadyLinked(wallet);
        // A wallet unlinked while frozen stays frozen: linking it to an identity that is not would lift the hold.
        if (record.frozen() && !person.frozen()) revert FreezeNotEditable(wallet, true);
        if (person.wallets() >= MAX_WALLETS) revert TooManyWallets(id, MAX_WALLETS);
        _investors[wallet] = record.withIdentity(id).withRegistered(true).withProfileOf(person);
        _wallets[id].push(wallet);
        person = person.withWallets(person.wallets() + 1);
        _identities[id] = person;
        emit WalletLinked(id, wallet, msg.sender);
        return person;
    }

    /// @dev Stores an identity and copies its profile into each linked wallet: the officer pays, so a trade reads one
    /// slot.
    function _saveIdentity(uint160 id, InvestorRecord person) private {
        _identities[id] = person;
        address[] storage list = _wallets[id];
        for (uint256 i; i < list.length; ++i) {
            address wallet = list[i];
            _investors[wallet] = _investors[wallet].withProfileOf(person);
        }
    }

    function _identityId(uint256 id) private pure returns (uint160) {
        if (id == 0 || id >= 1 << 160) revert InvalidIdentityId(id);
        return uint160(id);
    }

    function _configured(address securityToken) private view returns (SecurityConfig config) {
        config = _securities[securityToken];
        if (!config.isConfigured()) revert SecurityNotConfigured(securityToken);
    }

    function _registered(address account) private view returns (InvestorRecord record) {
        record = _investors[account];
        if (!record.registered()) revert InvestorNotRegistered(account);
    }
}
