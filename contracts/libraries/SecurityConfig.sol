// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {InvestorClass} from "./Eligibility.sol";

/// @dev A security's venue-wide settings and the "who" half of its offering rules, in one slot, so that an eligibility
/// check reads it with a single SLOAD:
///   [0, 40)   default lockup end
///   [40]      listed
///   [41]      configured      it was listed at least once, so its lockups are the registry's to keep, listed or not
///   [42]      windingDown     every holder is exit-only
///   [43, 47)  requiredClasses {InvestorClass} bits; an acquirer needs one of them
///   [47, 49)  jurisdictionMode 0: any; 1: only listed jurisdictions; 2: all but listed jurisdictions
///   [49, 89)  regSEnd         Reg S distribution compliance period end: until then only non-US persons acquire
/// The "how many" half (holder caps, maximum holding, minimum trade) lives in the security token, which counts.
type SecurityConfig is uint256;

/// @dev An investor-specific lockup end for one security: [0, 40) lockup end, [40] set. The set bit tells an
/// override of 0 (no lockup for this investor) apart from no override.
type LockupOverride is uint256;

using SecurityConfigLibrary for SecurityConfig global;
using LockupOverrideLibrary for LockupOverride global;

/// @title SecurityConfigLibrary
library SecurityConfigLibrary {
    uint256 internal constant MASK_40 = (1 << 40) - 1;
    uint256 internal constant LISTED_BIT = 1 << 40;
    uint256 internal constant CONFIGURED_BIT = 1 << 41;
    uint256 internal constant WINDING_DOWN_BIT = 1 << 42;
    uint256 internal constant CLASSES_OFFSET = 43;
    uint256 internal constant MODE_OFFSET = 47;
    uint256 internal constant REG_S_OFFSET = 49;
    uint256 internal constant RULES_MASK =
        WINDING_DOWN_BIT | (0xf << CLASSES_OFFSET) | (3 << MODE_OFFSET) | (MASK_40 << REG_S_OFFSET);
    /// @dev What a security gets when first listed: a Reg D 506(c) offering (accredited acquirers only).
    uint256 internal constant DEFAULT_RULES = uint256(InvestorClass.ACCREDITED) << CLASSES_OFFSET;

    uint8 internal constant JURISDICTIONS_ANY = 0;
    uint8 internal constant JURISDICTIONS_ALLOWED = 1;
    uint8 internal constant JURISDICTIONS_DENIED = 2;

    /// @notice `self` listed with `lockupEnd`; its offering rules kept (the defaults for a security new to the venue).
    function listed(SecurityConfig self, uint40 lockupEnd) internal pure returns (SecurityConfig) {
        uint256 rules = self.isConfigured() ? SecurityConfig.unwrap(self) & RULES_MASK : DEFAULT_RULES;
        return SecurityConfig.wrap(uint256(lockupEnd) | LISTED_BIT | CONFIGURED_BIT | rules);
    }

    /// @notice The same settings with trading stopped: the default lockup and the rules stay.
    function delisted(SecurityConfig self) internal pure returns (SecurityConfig) {
        return SecurityConfig.wrap(SecurityConfig.unwrap(self) & ~LISTED_BIT);
    }

    function withRules(SecurityConfig self, uint8 classBits, uint8 mode, uint40 periodEnd, bool windDown)
        internal
        pure
        returns (SecurityConfig)
    {
        uint256 rules = (uint256(classBits & InvestorClass.ALL) << CLASSES_OFFSET) | (uint256(mode) << MODE_OFFSET)
            | (uint256(periodEnd) << REG_S_OFFSET);
        if (windDown) rules |= WINDING_DOWN_BIT;
        return SecurityConfig.wrap((SecurityConfig.unwrap(self) & ~RULES_MASK) | rules);
    }

    function isListed(SecurityConfig self) internal pure returns (bool) {
        return SecurityConfig.unwrap(self) & LISTED_BIT != 0;
    }

    function isConfigured(SecurityConfig self) internal pure returns (bool) {
        return SecurityConfig.unwrap(self) & CONFIGURED_BIT != 0;
    }

    function isWindingDown(SecurityConfig self) internal pure returns (bool) {
        return SecurityConfig.unwrap(self) & WINDING_DOWN_BIT != 0;
    }

    function defaultLockupEnd(SecurityConfig self) internal pure returns (uint40) {
        return uint40(SecurityConfig.unwrap(self) & MASK_40);
    }

    function requiredClasses(SecurityConfig self) internal pure returns (uint8) {
        return uint8((SecurityConfig.unwrap(self) >> CLASSES_OFFSET) & 0xf);
    }

    function jurisdictionMode(SecurityConfig self) internal pure returns (uint8) {
        return uint8((SecurityConfig.unwrap(self) >> MODE_OFFSET) & 3);
    }

    function regSEnd(SecurityConfig self) internal pure returns (uint40) {
        return uint40((SecurityConfig.unwrap(self) >> REG_S_OFFSET) & MASK_40);
    }
}

/// @title LockupOverrideLibrary
library LockupOverrideLibrary {
    uint256 internal constant MASK_40 = (1 << 40) - 1;
    uint256 internal constant SET_BIT = 1 << 40;

    function set(uint40 end) internal pure returns (LockupOverride) {
        return LockupOverride.wrap(uint256(end) | SET_BIT);
    }

    function isSet(LockupOverride self) internal pure returns (bool) {
        return LockupOverride.unwrap(self) & SET_BIT != 0;
    }

    function orDefault(LockupOverride self, uint40 fallbackEnd) internal pure returns (uint40) {
        return self.isSet() ? uint40(LockupOverride.unwrap(self) & MASK_40) : fallbackEnd;
    }
}
