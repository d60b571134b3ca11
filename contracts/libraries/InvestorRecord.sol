// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {Eligibility, InvestorClass} from "./Eligibility.sol";

/// @dev One word per wallet, and one per identity, with the same profile bits, so that a swap pays for a single cold
/// SLOAD per investor: an identity's profile is copied into each of its linked wallets whenever it changes (at most
/// 20 wallets; the officer pays for the copy so that trades pay nothing).
/// Layout (low to high bits):
///   [0, 40)    accreditationExpiry  profile: unix seconds; accredited while block.timestamp < expiry
///   [40, 56)   lockupOverrides      wallet: how many securities carry a per-investor lockup end for this wallet
///   [56]       registered           wallet: linked to its identity now; identity: exists
///   [57]       frozen               profile: a legal hold (no trading, no transfers out)
///   [58]       venue                wallet: a venue contract (PoolManager, PositionManager, ...), never an investor
///   [59]       exitOnly             profile: may sell and leave, not buy or add
///   [60, 64)   classes              profile: {InvestorClass} bits
///   [64, 80)   jurisdiction         profile: ISO 3166-1 numeric
///   [80, 88)   wallets              identity: linked wallets
///   [88]       formerVenue          wallet: was a venue; its shares were never counted for anyone, so it never
///                                   becomes an investor
///   [96, 256)  identity             wallet: the identity it belongs to. Permanent once set: a wallet's shares are
///                                   always counted for the same identity, linked or not (see {RestrictedSecurityToken})
type InvestorRecord is uint256;

using InvestorRecordLibrary for InvestorRecord global;

/// @title InvestorRecordLibrary
/// @notice Packs and reads {InvestorRecord}.
library InvestorRecordLibrary {
    uint256 internal constant MASK_40 = (1 << 40) - 1;
    uint256 internal constant MASK_16 = (1 << 16) - 1;
    uint256 internal constant OVERRIDES_OFFSET = 40;
    uint256 internal constant REGISTERED_BIT = 1 << 56;
    uint256 internal constant FROZEN_BIT = 1 << 57;
    uint256 internal constant VENUE_BIT = 1 << 58;
    uint256 internal constant EXIT_ONLY_BIT = 1 << 59;
    uint256 internal constant CLASSES_OFFSET = 60;
    uint256 internal constant JURISDICTION_OFFSET = 64;
    uint256 internal constant WALLETS_OFFSET = 80;
    uint256 internal constant FORMER_VENUE_BIT = 1 << 88;
    uint256 internal constant IDENTITY_OFFSET = 96;
    /// @notice A holder key's bits above the identity (bit 161 is the gate's, see `Clearance.MAY_RECEIVE`).
    uint256 internal constant KEY_ACCREDITED = 1 << 160;
    uint256 internal constant KEY_AFFILIATE = 1 << 162;
    /// @dev What a roster row sets: accreditation expiry, classes, jurisdiction.
    uint256 internal constant DETAILS_MASK = MASK_40 | (0xf << CLASSES_OFFSET) | (MASK_16 << JURISDICTION_OFFSET);
    /// @dev The bits an identity shares with its wallets: its details and its status.
    uint256 internal constant PROFILE_MASK = DETAILS_MASK | FROZEN_BIT | EXIT_ONLY_BIT;

    /// @notice The record of a venue contract: it may hold and move securities, but never trades as an investor.
    InvestorRecord internal constant VENUE = InvestorRecord.wrap(VENUE_BIT);
    /// @notice The record of a venue contract that no longer is one.
    InvestorRecord internal constant FORMER_VENUE = InvestorRecord.wrap(FORMER_VENUE_BIT);

    /// @notice A new identity's record: registered, active, no wallets.
    function identity(uint40 expiry, uint8 classBits, uint16 country) internal pure returns (InvestorRecord) {
        return InvestorRecord.wrap(
            uint256(expiry) | REGISTERED_BIT | (uint256(classBits & InvestorClass.ALL) << CLASSES_OFFSET)
                | (uint256(country) << JURISDICTION_OFFSET)
        );
    }

    /// @notice `self` (an identity) with a new accreditation expiry, classes and jurisdiction; status kept.
    function withDetails(InvestorRecord self, uint40 expiry, uint8 classBits, uint16 country)
        internal
        pure
        returns (InvestorRecord)
    {
        uint256 details = InvestorRecord.unwrap(identity(expiry, classBits, country)) & DETAILS_MASK;
        return InvestorRecord.wrap((InvestorRecord.unwrap(self) & ~DETAILS_MASK) | details);
    }

    /// @notice `self` (a wallet) carrying `source`'s profile.
    function withProfileOf(InvestorRecord self, InvestorRecord source) internal pure returns (InvestorRecord) {
        return InvestorRecord.wrap(
            (InvestorRecord.unwrap(self) & ~PROFILE_MASK) | (InvestorRecord.unwrap(source) & PROFILE_MASK)
        );
    }

    function registered(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & REGISTERED_BIT != 0;
    }

    function withRegistered(InvestorRecord self, bool isRegistered) internal pure returns (InvestorRecord) {
        return _withBit(self, REGISTERED_BIT, isRegistered);
    }

    function frozen(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & FROZEN_BIT != 0;
    }

    function exitOnly(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & EXIT_ONLY_BIT != 0;
    }

    function isVenue(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & VENUE_BIT != 0;
    }

    /// @notice Whether the account is or ever was a venue.
    function everVenue(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & (VENUE_BIT | FORMER_VENUE_BIT) != 0;
    }

    function accreditationExpiry(InvestorRecord self) internal pure returns (uint40) {
        return uint40(InvestorRecord.unwrap(self) & MASK_40);
    }

    function classes(InvestorRecord self) internal pure returns (uint8) {
        return uint8((InvestorRecord.unwrap(self) >> CLASSES_OFFSET) & 0xf);
    }

    /// @notice The classes that count at `timestamp`: accredited only before the accreditation expiry.
    function currentClasses(InvestorRecord self, uint256 timestamp) internal pure returns (uint8 current) {
        current = self.classes();
        if (timestamp >= self.accreditationExpiry()) current &= ~InvestorClass.ACCREDITED;
    }

    function jurisdiction(InvestorRecord self) internal pure returns (uint16) {
        return uint16((InvestorRecord.unwrap(self) >> JURISDICTION_OFFSET) & MASK_16);
    }

    function lockupOverrides(InvestorRecord self) internal pure returns (uint16) {
        return uint16((InvestorRecord.unwrap(self) >> OVERRIDES_OFFSET) & MASK_16);
    }

    function wallets(InvestorRecord self) internal pure returns (uint8) {
        return uint8(InvestorRecord.unwrap(self) >> WALLETS_OFFSET);
    }

    function identityId(InvestorRecord self) internal pure returns (uint160) {
        return uint160(InvestorRecord.unwrap(self) >> IDENTITY_OFFSET);
    }

    function withIdentity(InvestorRecord self, uint160 id) internal pure returns (InvestorRecord) {
        uint256 word = InvestorRecord.unwrap(self) & ((1 << IDENTITY_OFFSET) - 1);
        return InvestorRecord.wrap(word | (uint256(id) << IDENTITY_OFFSET));
    }

    function withWallets(InvestorRecord self, uint8 count) internal pure returns (InvestorRecord) {
        uint256 word = InvestorRecord.unwrap(self) & ~(uint256(0xff) << WALLETS_OFFSET);
        return InvestorRecord.wrap(word | (uint256(count) << WALLETS_OFFSET));
    }

    function withFrozen(InvestorRecord self, bool isFrozen) internal pure returns (InvestorRecord) {
        return _withBit(self, FROZEN_BIT, isFrozen);
    }

    function withExitOnly(InvestorRecord self, bool isExitOnly) internal pure returns (InvestorRecord) {
        return _withBit(self, EXIT_ONLY_BIT, isExitOnly);
    }

    function withLockupOverrides(InvestorRecord self, uint16 count) internal pure returns (InvestorRecord) {
        uint256 word = InvestorRecord.unwrap(self) & ~(MASK_16 << OVERRIDES_OFFSET);
        return InvestorRecord.wrap(word | (uint256(count) << OVERRIDES_OFFSET));
    }

    /// @notice The key a security token counts holdings under: the identity, whether it is accredited now (the
    /// holder-of-record caps count non-accredited holders apart), and whether it is an affiliate of the issuer (its
    /// sales start a new holding period for the buyer). Zero for a wallet with no identity.
    function holderKey(InvestorRecord self, uint256 timestamp) internal pure returns (uint256 key) {
        uint160 id = self.identityId();
        if (id == 0) return 0;
        key = uint256(id);
        uint8 current = self.currentClasses(timestamp);
        if (current & InvestorClass.ACCREDITED != 0) key |= KEY_ACCREDITED;
        if (current & InvestorClass.AFFILIATE != 0) key |= KEY_AFFILIATE;
    }

    /// @notice The checks every holder must pass, whatever the security: known, not frozen.
    /// @dev Order matters: the dashboard shows the first failing reason, and the most fundamental comes first.
    function standing(InvestorRecord self) internal pure returns (Eligibility) {
        if (!self.registered()) return Eligibility.NotRegistered;
        if (self.frozen()) return Eligibility.Frozen;
        return Eligibility.Ok;
    }

    function _withBit(InvestorRecord self, uint256 bit, bool on) private pure returns (InvestorRecord) {
        uint256 word = InvestorRecord.unwrap(self) & ~bit;
        return InvestorRecord.wrap(on ? word | bit : word);
    }
}
