// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @notice Why an investor may or may not trade a security right now.
/// @dev The numeric values are part of the public surface (events, revert data, dashboard copy): append only.
enum Eligibility {
    Ok,
    NotRegistered,
    Frozen,
    AccreditationExpired,
    LockupActive,
    SecurityNotListed,
    /// @dev The identity is exit-only, or the security is being wound down: it may sell and leave, not buy or add.
    ExitOnly,
    /// @dev The identity has none of the investor classes the offering requires.
    ClassNotAllowed,
    /// @dev The identity's jurisdiction is denied, or not on the allow list, for the offering.
    JurisdictionNotAllowed,
    /// @dev Reg S distribution compliance period: until it ends (`until`), only non-US persons may acquire.
    FlowbackRestricted,
    /// @dev The venue's sanctions oracle lists the wallet.
    Sanctioned,
    /// @dev An affiliate of the issuer sells only by a direct transfer, never on the venue: its buyer's shares start a
    /// new Rule 144 holding period, which an anonymous pool could not give them.
    AffiliateResale
}

/// @notice Investor classes, as bits of an identity's `classes` and of an offering's `requiredClasses` (any one of
/// the required classes admits). Accredited counts only until the identity's accreditation expiry.
library InvestorClass {
    uint8 internal constant ACCREDITED = 1;
    uint8 internal constant QIB = 2;
    uint8 internal constant NON_US_PERSON = 4;
    uint8 internal constant AFFILIATE = 8;
    uint8 internal constant ALL = 15;
}
