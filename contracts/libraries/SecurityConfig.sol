// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @dev A security's venue-wide settings, in one slot: [0, 40) default lockup end, [40] listed, [41] configured (it
/// was listed at least once, so its lockups are the registry's to keep, listed or not).
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

    function listed(uint40 lockupEnd) internal pure returns (SecurityConfig) {
        return SecurityConfig.wrap(uint256(lockupEnd) | LISTED_BIT | CONFIGURED_BIT);
    }

    /// @notice The same settings with trading stopped: the default lockup stays.
    function delisted(SecurityConfig self) internal pure returns (SecurityConfig) {
        return SecurityConfig.wrap(SecurityConfig.unwrap(self) & ~LISTED_BIT);
    }

    function isListed(SecurityConfig self) internal pure returns (bool) {
        return SecurityConfig.unwrap(self) & LISTED_BIT != 0;
    }

    function isConfigured(SecurityConfig self) internal pure returns (bool) {
        return SecurityConfig.unwrap(self) & CONFIGURED_BIT != 0;
    }

    function defaultLockupEnd(SecurityConfig self) internal pure returns (uint40) {
        return uint40(SecurityConfig.unwrap(self) & MASK_40);
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
