// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Test} from "./utils/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {InvestorRegistry} from "../contracts/InvestorRegistry.sol";
import {IInvestorRegistry} from "../contracts/interfaces/IInvestorRegistry.sol";
import {Eligibility, InvestorClass} from "../contracts/libraries/Eligibility.sol";
import {InvestorRecord, InvestorRecordLibrary} from "../contracts/libraries/InvestorRecord.sol";

contract InvestorRegistryTest is Test {
    uint48 internal constant DELAY = 2 days;
    uint40 internal constant NOW = 1_750_000_000;

    InvestorRegistry internal registry;
    address internal admin = makeAddr("admin");
    address internal officer = makeAddr("officer");
    address internal stranger = makeAddr("stranger");
    address internal investor = makeAddr("investor");
    address internal security = makeAddr("security");
    address internal venue = makeAddr("venue");
    bytes32 internal compliance;

    function setUp() public {
        vm.warp(NOW);
        registry = new InvestorRegistry(admin, DELAY);
        compliance = registry.COMPLIANCE_ROLE();
        vm.prank(admin);
        registry.grantRole(compliance, officer);
    }

    // ================================================================== multicall

    function test_multicall_onboardsIdentityAndWallets_inOneTransaction() public {
        address cold = makeAddr("cold");
        vm.prank(officer);
        registry.multicall(_onboarding(7, investor, cold));
        IInvestorRegistry.IdentityView memory id = registry.identity(7);
        assertTrue(id.exists);
        assertEq(id.wallets.length, 2);
        assertEq(registry.investor(cold).identity, 7);
        assertEq(id.verification.evidenceHash, keccak256("evidence"));
    }

    /// @dev A roster is all or none: a failing link undoes the identity written before it in the same batch.
    function test_multicall_revertsWhen_anyCallFails_leavingNothing() public {
        bytes[] memory calls = _onboarding(7, investor, address(0));
        vm.expectRevert(IInvestorRegistry.ZeroAddress.selector);
        vm.prank(officer);
        registry.multicall(calls);
        assertFalse(registry.identity(7).exists);
    }

    /// @dev Threat: a batch as a way around the roles. Each call is checked as if it were sent alone.
    function test_multicall_revertsWhen_callerLacksTheRole() public {
        bytes[] memory calls = _onboarding(7, investor, makeAddr("cold"));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, compliance)
        );
        vm.prank(stranger);
        registry.multicall(calls);
    }

    function _onboarding(uint256 id, address wallet, address second) internal pure returns (bytes[] memory calls) {
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0] = IInvestorRegistry.IdentityInput(
            id, NOW + 365 days, InvestorClass.ACCREDITED, 840, IInvestorRegistry.Verification(2, NOW, keccak256("evidence"))
        );
        address[] memory wallets = new address[](2);
        (wallets[0], wallets[1]) = (wallet, second);
        calls = new bytes[](2);
        calls[0] = abi.encodeCall(IInvestorRegistry.upsertIdentities, (rows));
        calls[1] = abi.encodeCall(IInvestorRegistry.linkWallets, (id, wallets));
    }

    // ================================================================== upsertInvestors

    function test_upsertInvestors_createsRecordsAndEmits() public {
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](2);
        rows[0] = IInvestorRegistry.InvestorInput(investor, NOW + 365 days, false);
        rows[1] = IInvestorRegistry.InvestorInput(stranger, NOW + 30 days, true);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.InvestorUpserted(investor, NOW + 365 days, false, officer);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.InvestorUpserted(stranger, NOW + 30 days, true, officer);
        vm.prank(officer);
        registry.upsertInvestors(rows);

        IInvestorRegistry.InvestorView memory v = registry.investor(investor);
        assertTrue(v.registered);
        assertFalse(v.frozen || v.venue);
        assertEq(v.accreditationExpiry, NOW + 365 days);
        assertTrue(registry.investor(stranger).frozen);
    }

    function test_upsertInvestors_replacesButKeepsLockupOverrides() public {
        _listSecurity(NOW + 100 days);
        _upsert(investor, NOW + 10 days, false);
        vm.prank(officer);
        registry.setLockupOverride(security, investor, NOW + 5 days);
        _upsert(investor, NOW + 20 days, false);
        IInvestorRegistry.InvestorView memory v = registry.investor(investor);
        assertEq(v.accreditationExpiry, NOW + 20 days);
        assertFalse(v.frozen);
        assertEq(v.lockupOverrides, 1);
        assertEq(registry.lockupEnd(security, investor), NOW + 5 days);
    }

    /// @dev Threat: a roster upload silently lifts (or imposes) a legal hold, with no InvestorFrozen event.
    function test_threat_upsertInvestors_revertsWhen_rowWouldChangeFreeze() public {
        _upsert(investor, NOW + 10 days, false);
        vm.prank(officer);
        registry.setFrozen(investor, true);
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(investor, NOW + 20 days, false);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.FreezeNotEditable.selector, investor, true));
        vm.prank(officer);
        registry.upsertInvestors(rows);
        assertTrue(registry.investor(investor).frozen);

        _upsert(stranger, NOW + 10 days, false);
        rows[0] = IInvestorRegistry.InvestorInput(stranger, NOW + 20 days, true);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.FreezeNotEditable.selector, stranger, false));
        vm.prank(officer);
        registry.upsertInvestors(rows);

        // A row that repeats the freeze updates the rest of the record.
        _upsert(investor, NOW + 20 days, true);
        assertEq(registry.investor(investor).accreditationExpiry, NOW + 20 days);
        assertTrue(registry.investor(investor).frozen);
    }

    function test_upsertInvestors_newFrozenInvestorEmitsInvestorFrozen() public {
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(investor, NOW + 20 days, true);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.InvestorUpserted(investor, NOW + 20 days, true, officer);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.InvestorFrozen(investor, true, officer);
        vm.prank(officer);
        registry.upsertInvestors(rows);
    }

    function test_upsertInvestors_revertsWhen_callerNotCompliance() public {
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(investor, NOW + 1, false);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, compliance)
        );
        vm.prank(stranger);
        registry.upsertInvestors(rows);
    }

    /// @dev A roster with one bad row writes nothing: the whole batch reverts.
    function test_upsertInvestors_revertsWhen_anyRowHasZeroAddress() public {
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](2);
        rows[0] = IInvestorRegistry.InvestorInput(investor, NOW + 1 days, false);
        rows[1] = IInvestorRegistry.InvestorInput(address(0), NOW + 1 days, false);
        vm.expectRevert(IInvestorRegistry.ZeroAddress.selector);
        vm.prank(officer);
        registry.upsertInvestors(rows);
        assertFalse(registry.investor(investor).registered);
    }

    function test_upsertInvestors_revertsWhen_accountIsVenue() public {
        _setVenue(venue, true);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.AccountIsVenue.selector, venue));
        _upsert(venue, NOW + 1 days, false);
    }

    // ================================================================== setFrozen / unlinkWallet

    function test_setFrozen_togglesAndEmits() public {
        _upsert(investor, NOW + 1 days, false);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.InvestorFrozen(investor, true, officer);
        vm.prank(officer);
        registry.setFrozen(investor, true);
        assertTrue(registry.investor(investor).frozen);
        vm.prank(officer);
        registry.setFrozen(investor, false);
        assertFalse(registry.investor(investor).frozen);
        assertEq(registry.investor(investor).accreditationExpiry, NOW + 1 days);
    }

    function test_setFrozen_revertsWhen_investorNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvestorNotRegistered.selector, investor));
        vm.prank(officer);
        registry.setFrozen(investor, true);
    }

    function test_setFrozen_revertsWhen_callerNotCompliance() public {
        _upsert(investor, NOW + 1 days, false);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, compliance)
        );
        vm.prank(admin);
        registry.setFrozen(investor, true);
    }

    function test_unlinkWallet_deregistersButKeepsOverrides() public {
        _listSecurity(NOW + 100 days);
        _upsert(investor, NOW + 1 days, false);
        vm.prank(officer);
        registry.setLockupOverride(security, investor, NOW);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.WalletUnlinked(uint160(investor), investor, officer);
        vm.prank(officer);
        registry.unlinkWallet(investor);
        IInvestorRegistry.InvestorView memory v = registry.investor(investor);
        assertFalse(v.registered);
        assertEq(v.lockupOverrides, 1);
        _assertEligibility(investor, Eligibility.NotRegistered, 0);
        // Re-registered, the stored override applies again.
        _upsert(investor, NOW + 1 days, false);
        _assertEligibility(investor, Eligibility.Ok, 0);
    }

    /// @dev Threat: remove a frozen investor, then add them back unfrozen.
    function test_threat_unlinkWallet_keepsTheFreeze() public {
        _upsert(investor, NOW + 10 days, false);
        vm.startPrank(officer);
        registry.setFrozen(investor, true);
        registry.unlinkWallet(investor);
        vm.stopPrank();
        IInvestorRegistry.InvestorView memory v = registry.investor(investor);
        assertFalse(v.registered);
        assertTrue(v.frozen);
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(investor, NOW + 20 days, false);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.FreezeNotEditable.selector, investor, true));
        vm.prank(officer);
        registry.upsertInvestors(rows);
        // Nor does the account become a venue contract, whose transfers are never checked.
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.AccountIsInvestor.selector, investor));
        vm.prank(admin);
        registry.setVenue(investor, true);
        // Back on the roster it is still frozen; only setFrozen lifts it.
        _upsert(investor, NOW + 20 days, true);
        _assertEligibility(investor, Eligibility.Frozen, 0);
    }

    function test_unlinkWallet_revertsWhen_investorNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvestorNotRegistered.selector, investor));
        vm.prank(officer);
        registry.unlinkWallet(investor);
    }

    // ================================================================== venues

    function test_setVenue_listsAndUnlists() public {
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.VenueSet(venue, true, admin);
        _setVenue(venue, true);
        assertTrue(registry.investor(venue).venue);
        (Eligibility s,,,,,) = registry.transferStatus(security, venue, venue);
        assertEq(uint8(s), uint8(Eligibility.Ok));
        _setVenue(venue, false);
        assertFalse(registry.investor(venue).venue);
    }

    function test_setVenue_revertsWhen_accountIsInvestor() public {
        _upsert(investor, NOW + 1 days, false);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.AccountIsInvestor.selector, investor));
        _setVenue(investor, true);
    }

    function test_setVenue_revertsWhen_callerNotAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, officer, bytes32(0))
        );
        vm.prank(officer);
        registry.setVenue(venue, true);
    }

    function test_setVenue_revertsWhen_zeroAddress() public {
        vm.expectRevert(IInvestorRegistry.ZeroAddress.selector);
        _setVenue(address(0), true);
    }

    // ================================================================== securities and lockups

    function test_configureSecurity_listsAndEmits() public {
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.SecurityConfigured(security, NOW + 365 days, officer);
        _listSecurity(NOW + 365 days);
        (bool listed, uint40 end) = registry.security(security);
        assertTrue(listed);
        assertEq(end, NOW + 365 days);
    }

    function test_configureSecurity_revertsWhen_zeroAddress() public {
        vm.expectRevert(IInvestorRegistry.ZeroAddress.selector);
        vm.prank(officer);
        registry.configureSecurity(address(0), NOW);
    }

    function test_delistSecurity_makesEveryoneIneligible() public {
        _listSecurity(NOW);
        _upsert(investor, NOW + 1 days, false);
        _assertEligibility(investor, Eligibility.Ok, 0);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.SecurityDelisted(security, officer);
        vm.prank(officer);
        registry.delistSecurity(security);
        _assertEligibility(investor, Eligibility.SecurityNotListed, 0);
    }

    /// @dev Threat: delisting cleared the default lockup, so every holder under it could transfer months early.
    function test_threat_delistSecurity_keepsLockupsForTransfers() public {
        _listSecurity(NOW + 100 days);
        _upsert(investor, NOW + 365 days, false);
        _upsert(stranger, NOW + 365 days, false);
        vm.prank(officer);
        registry.delistSecurity(security);
        (bool listed, uint40 defaultEnd) = registry.security(security);
        assertFalse(listed);
        assertEq(defaultEnd, NOW + 100 days);
        (Eligibility fromStatus, uint40 until,,,,) = registry.transferStatus(security, investor, stranger);
        assertEq(uint8(fromStatus), uint8(Eligibility.LockupActive));
        assertEq(until, NOW + 100 days);

        // Officers still edit lockups while it is delisted, and the edits bind transfers.
        vm.prank(officer);
        registry.setLockupOverride(security, investor, NOW - 1);
        (fromStatus,,,,,) = registry.transferStatus(security, investor, stranger);
        assertEq(uint8(fromStatus), uint8(Eligibility.Ok));
        vm.prank(officer);
        registry.clearLockupOverride(security, investor);
        (fromStatus,,,,,) = registry.transferStatus(security, investor, stranger);
        assertEq(uint8(fromStatus), uint8(Eligibility.LockupActive));

        // Listed again, with the lockup the officer gives.
        _listSecurity(NOW + 50 days);
        _assertEligibility(investor, Eligibility.LockupActive, NOW + 50 days);
    }

    function test_delistSecurity_revertsWhen_notListed() public {
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.SecurityNotListed.selector, security));
        vm.prank(officer);
        registry.delistSecurity(security);
    }

    function test_setLockupOverride_replacesDefaultForOneInvestor() public {
        _listSecurity(NOW + 100 days);
        _upsert(investor, NOW + 365 days, false);
        _upsert(stranger, NOW + 365 days, false);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.LockupOverrideSet(security, investor, NOW - 1, officer);
        vm.prank(officer);
        registry.setLockupOverride(security, investor, NOW - 1);
        _assertEligibility(investor, Eligibility.Ok, 0);
        _assertEligibility(stranger, Eligibility.LockupActive, NOW + 100 days);
    }

    /// @dev An override of 0 means "no lockup" and is told apart from "no override".
    function test_setLockupOverride_zeroMeansNoLockup() public {
        _listSecurity(NOW + 100 days);
        _upsert(investor, NOW + 365 days, false);
        vm.prank(officer);
        registry.setLockupOverride(security, investor, 0);
        assertEq(registry.lockupEnd(security, investor), 0);
        _assertEligibility(investor, Eligibility.Ok, 0);
    }

    function test_setLockupOverride_countsEachSecurityOnce() public {
        _listSecurity(NOW);
        address other = makeAddr("other security");
        vm.prank(officer);
        registry.configureSecurity(other, NOW);
        _upsert(investor, NOW + 1 days, false);
        vm.startPrank(officer);
        registry.setLockupOverride(security, investor, NOW + 1);
        registry.setLockupOverride(security, investor, NOW + 2);
        registry.setLockupOverride(other, investor, NOW + 3);
        vm.stopPrank();
        assertEq(registry.investor(investor).lockupOverrides, 2);
    }

    function test_setLockupOverride_revertsWhen_securityNeverListed() public {
        _upsert(investor, NOW + 1 days, false);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.SecurityNotConfigured.selector, security));
        vm.prank(officer);
        registry.setLockupOverride(security, investor, NOW);
    }

    function test_setLockupOverride_revertsWhen_investorNotRegistered() public {
        _listSecurity(NOW);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvestorNotRegistered.selector, investor));
        vm.prank(officer);
        registry.setLockupOverride(security, investor, NOW);
    }

    function test_clearLockupOverride_restoresDefault() public {
        _listSecurity(NOW + 100 days);
        _upsert(investor, NOW + 365 days, false);
        vm.startPrank(officer);
        registry.setLockupOverride(security, investor, 0);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.LockupOverrideCleared(security, investor, officer);
        registry.clearLockupOverride(security, investor);
        vm.stopPrank();
        assertEq(registry.investor(investor).lockupOverrides, 0);
        _assertEligibility(investor, Eligibility.LockupActive, NOW + 100 days);
    }

    function test_clearLockupOverride_revertsWhen_noOverride() public {
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.NoLockupOverride.selector, security, investor));
        vm.prank(officer);
        registry.clearLockupOverride(security, investor);
    }

    // ================================================================== eligibility

    function test_eligibility_reasonsInOrder() public {
        _listSecurity(NOW + 10 days);
        _assertEligibility(investor, Eligibility.NotRegistered, 0);
        _upsert(investor, NOW - 1, true);
        _assertEligibility(investor, Eligibility.Frozen, 0);
        vm.prank(officer);
        registry.setFrozen(investor, false);
        _assertEligibility(investor, Eligibility.AccreditationExpired, NOW - 1);
        _upsert(investor, NOW + 1 days, false);
        _assertEligibility(investor, Eligibility.LockupActive, NOW + 10 days);
        vm.warp(NOW + 10 days);
        _upsert(investor, NOW + 20 days, false);
        _assertEligibility(investor, Eligibility.Ok, 0);
    }

    function test_eligibility_failsClosedForUnlistedSecurity() public {
        _upsert(investor, NOW + 1 days, false);
        _assertEligibility(investor, Eligibility.SecurityNotListed, 0);
    }

    function test_fuzz_eligibility_lockupBoundary(uint40 end, uint40 at) public {
        end = uint40(bound(end, NOW, type(uint40).max - 1));
        at = uint40(bound(at, NOW, type(uint40).max - 1));
        _listSecurity(end);
        _upsert(investor, type(uint40).max, false);
        vm.warp(at);
        if (at >= end) _assertEligibility(investor, Eligibility.Ok, 0);
        else _assertEligibility(investor, Eligibility.LockupActive, end);
    }

    function test_fuzz_eligibility_accreditationBoundary(uint40 expiry, uint40 at) public {
        at = uint40(bound(at, NOW, type(uint40).max));
        _listSecurity(0);
        _upsert(investor, expiry, false);
        vm.warp(at);
        if (at < expiry) _assertEligibility(investor, Eligibility.Ok, 0);
        else _assertEligibility(investor, Eligibility.AccreditationExpired, expiry);
    }

    // ================================================================== transfer rules

    function test_transferStatus_senderNeedsNoAccreditationButNoLockup() public {
        _listSecurity(NOW + 10 days);
        _upsert(investor, NOW - 1, false); // lapsed accreditation
        (Eligibility from, uint40 until,,,,) = registry.transferStatus(security, investor, address(0));
        assertEq(uint8(from), uint8(Eligibility.LockupActive));
        assertEq(until, NOW + 10 days);
        vm.warp(NOW + 10 days);
        (from,,,,,) = registry.transferStatus(security, investor, address(0));
        assertEq(uint8(from), uint8(Eligibility.Ok));
    }

    function test_transferStatus_recipientNeedsAccreditationButNoLockupCheck() public {
        _listSecurity(NOW + 10 days);
        _upsert(investor, NOW + 1 days, false);
        (,, Eligibility to,,,) = registry.transferStatus(security, address(0), investor);
        assertEq(uint8(to), uint8(Eligibility.Ok));
        _upsert(investor, NOW - 1, false);
        uint40 until;
        (,, to, until,,) = registry.transferStatus(security, address(0), investor);
        assertEq(uint8(to), uint8(Eligibility.AccreditationExpired));
        assertEq(until, NOW - 1);
    }

    function test_transferStatus_frozenBlocksBothSides() public {
        _listSecurity(0);
        _upsert(investor, NOW + 1 days, true);
        (Eligibility from,, Eligibility to,,,) = registry.transferStatus(security, investor, investor);
        assertEq(uint8(from), uint8(Eligibility.Frozen));
        assertEq(uint8(to), uint8(Eligibility.Frozen));
    }

    // ================================================================== roles

    function test_renounceRole_revertsWhen_defaultAdmin() public {
        vm.expectRevert(IInvestorRegistry.AdminRenounceDisabled.selector);
        vm.prank(admin);
        registry.renounceRole(bytes32(0), admin);
    }

    function test_beginDefaultAdminTransfer_revertsWhen_toZeroAddress() public {
        vm.expectRevert(IInvestorRegistry.AdminRenounceDisabled.selector);
        vm.prank(admin);
        registry.beginDefaultAdminTransfer(address(0));
    }

    function test_defaultAdmin_transfersInTwoStepsAfterDelay() public {
        address next = makeAddr("next admin");
        vm.prank(admin);
        registry.beginDefaultAdminTransfer(next);
        (, uint48 schedule) = registry.pendingDefaultAdmin();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule)
        );
        vm.prank(next);
        registry.acceptDefaultAdminTransfer();
        vm.warp(schedule + 1);
        vm.prank(next);
        registry.acceptDefaultAdminTransfer();
        assertEq(registry.defaultAdmin(), next);
        assertFalse(registry.hasRole(bytes32(0), admin));
    }

    function test_renounceRole_officerMayLeave() public {
        vm.prank(officer);
        registry.renounceRole(compliance, officer);
        assertFalse(registry.hasRole(compliance, officer));
    }

    function test_supportsInterface() public view {
        assertTrue(registry.supportsInterface(type(IInvestorRegistry).interfaceId));
        assertTrue(registry.supportsInterface(type(IAccessControl).interfaceId));
        assertFalse(registry.supportsInterface(0xdeadbeef));
    }

    // ================================================================== the packed record

    function test_fuzz_investorRecord_roundTrips(
        uint40 expiry,
        uint8 classes,
        uint16 jurisdiction,
        uint160 id,
        bool frozen,
        uint16 overrides
    ) public pure {
        InvestorRecord person = InvestorRecordLibrary.identity(expiry, classes, jurisdiction).withFrozen(frozen);
        InvestorRecord wallet =
            InvestorRecord.wrap(0).withLockupOverrides(overrides).withIdentity(id).withRegistered(true);
        wallet = wallet.withProfileOf(person);
        assertTrue(wallet.registered());
        assertFalse(wallet.isVenue());
        assertEq(wallet.accreditationExpiry(), expiry);
        assertEq(wallet.classes(), classes & InvestorClass.ALL);
        assertEq(wallet.jurisdiction(), jurisdiction);
        assertEq(wallet.frozen(), frozen);
        assertEq(wallet.lockupOverrides(), overrides);
        assertEq(wallet.identityId(), id);
        // New details keep the status; a new status keeps the details; the wallet's own bits survive both.
        InvestorRecord edited = person.withDetails(expiry / 2, ~classes, ~jurisdiction).withExitOnly(true);
        wallet = wallet.withProfileOf(edited);
        assertEq(wallet.frozen(), frozen);
        assertTrue(wallet.exitOnly());
        assertEq(wallet.accreditationExpiry(), expiry / 2);
        assertEq(wallet.jurisdiction(), ~jurisdiction);
        assertEq(wallet.identityId(), id);
        assertEq(wallet.lockupOverrides(), overrides);
    }

    // ================================================================== helpers

    function _upsert(address who, uint40 expiry, bool frozen) internal {
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(who, expiry, frozen);
        vm.prank(officer);
        registry.upsertInvestors(rows);
    }

    function _listSecurity(uint40 defaultLockupEnd) internal {
        vm.prank(officer);
        registry.configureSecurity(security, defaultLockupEnd);
    }

    function _setVenue(address who, bool isVenue) internal {
        vm.prank(admin);
        registry.setVenue(who, isVenue);
    }

    function _assertEligibility(address who, Eligibility expected, uint40 expectedUntil) internal view {
        (Eligibility status, uint40 until) = registry.eligibility(who, security);
        assertEq(uint8(status), uint8(expected), "status");
        assertEq(until, expectedUntil, "until");
    }
}
