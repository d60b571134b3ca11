// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {Eligibility} from "./Eligibility.sol";

/// @dev Everything the gate needs to know about one investor, packed in one storage slot so that a swap pays
/// for a single cold SLOAD per investor.
/// Layout (low to high bits):
///   [0, 40)   accreditationExpiry  unix seconds; accreditation is valid while block.timestamp < expiry
///   [40, 56)  lockupOverrides      how many securities carry a per-investor lockup end for this investor
///   [56]      registered
///   [57]      frozen
///   [58]      venue                a venue contract (PoolManager, PositionManager, ...), never an investor
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

    /// @notice The record of a venue contract: it may hold and move securities, but never trades as an investor.
    InvestorRecord internal constant VENUE = InvestorRecord.wrap(VENUE_BIT);

    function pack(uint40 expiry, bool isFrozen, uint16 overrides) internal pure returns (InvestorRecord) {
        uint256 word = uint256(expiry) | (uint256(overrides) << OVERRIDES_OFFSET) | REGISTERED_BIT;
        if (isFrozen) word |= FROZEN_BIT;
        return InvestorRecord.wrap(word);
    }

    function registered(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & REGISTERED_BIT != 0;
    }

    function frozen(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & FROZEN_BIT != 0;
    }

    function isVenue(InvestorRecord self) internal pure returns (bool) {
        return InvestorRecord.unwrap(self) & VENUE_BIT != 0;
    }

    function accreditationExpiry(InvestorRecord self) internal pure returns (uint40) {
        return uint40(InvestorRecord.unwrap(self) & MASK_40);
    }

    function lockupOverrides(InvestorRecord self) internal pure returns (uint16) {
        return uint16((InvestorRecord.unwrap(self) >> OVERRIDES_OFFSET) & MASK_16);
    }

    function withFrozen(InvestorRecord self, bool isFrozen) internal pure returns (InvestorRecord) {
        uint256 word = InvestorRecord.unwrap(self) & ~FROZEN_BIT;
        return InvestorRecord.wrap(isFrozen ? word | FROZEN_BIT : word);
    }

    function withLockupOverrides(InvestorRecord self, uint16 count) internal pure returns (InvestorRecord) {
        uint256 word = InvestorRecord.unwrap(self) & ~(MASK_16 << OVERRIDES_OFFSET);
        return InvestorRecord.wrap(word | (uint256(count) << OVERRIDES_OFFSET));
    }

    /// @notice The checks every holder must pass, whatever the security: known, not frozen, accredited.
    /// @dev Order matters: the dashboard shows the first failing reason, and the most fundamental comes first.
    function holderStatus(InvestorRecord self, uint256 timestamp) internal pure returns (Eligibility) {
        if (!self.registered()) return Eligibility.NotRegistered;
        if (self.frozen()) return Eligibility.Frozen;
        if (timestamp >= self.accreditationExpiry()) return Eligibility.AccreditationExpired;
        return Eligibility.Ok;
    }
}
