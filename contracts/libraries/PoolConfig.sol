// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @dev What the gate keeps per pool, in one slot so a swap reads it with a single SLOAD:
///   [0, 160)  the security token (the pool's other currency is the quote asset)
///   [160]     authorized   an admin approved this exact PoolKey
///   [161]     initialized  the PoolManager initialized it (authorization can no longer be withdrawn)
///   [162]     paused       swaps, adds and donations are refused; exits still work
///   [163,166) trust bits     which canonical routers (UniversalRouter, PositionManager, V4Quoter) are trusted; a
///                            copy of the gate's router list, kept here so a swap learns it from the same SLOAD
type PoolConfig is uint256;

using PoolConfigLibrary for PoolConfig global;

/// @title PoolConfigLibrary
library PoolConfigLibrary {
    uint256 internal constant AUTHORIZED_BIT = 1 << 160;
    uint256 internal constant INITIALIZED_BIT = 1 << 161;
    uint256 internal constant PAUSED_BIT = 1 << 162;
    uint256 internal constant TRUST_OFFSET = 163;
    uint256 internal constant TRUST_MASK = 7 << TRUST_OFFSET;

    function authorized(address securityToken, uint8 trust) internal pure returns (PoolConfig) {
        return PoolConfig.wrap(uint256(uint160(securityToken)) | AUTHORIZED_BIT | (uint256(trust) << TRUST_OFFSET));
    }

    /// @notice Whether canonical router number `index` (0, 1 or 2) is trusted.
    function trusts(PoolConfig self, uint256 index) internal pure returns (bool) {
        return PoolConfig.unwrap(self) & (1 << (TRUST_OFFSET + index)) != 0;
    }

    function withTrust(PoolConfig self, uint8 trust) internal pure returns (PoolConfig) {
        return PoolConfig.wrap((PoolConfig.unwrap(self) & ~TRUST_MASK) | (uint256(trust) << TRUST_OFFSET));
    }

    function security(PoolConfig self) internal pure returns (address) {
        return address(uint160(PoolConfig.unwrap(self)));
    }

    function isAuthorized(PoolConfig self) internal pure returns (bool) {
        return PoolConfig.unwrap(self) & AUTHORIZED_BIT != 0;
    }

    function isInitialized(PoolConfig self) internal pure returns (bool) {
        return PoolConfig.unwrap(self) & INITIALIZED_BIT != 0;
    }

    function isPaused(PoolConfig self) internal pure returns (bool) {
        return PoolConfig.unwrap(self) & PAUSED_BIT != 0;
    }

    function withoutAuthorization(PoolConfig self) internal pure returns (PoolConfig) {
        return PoolConfig.wrap(PoolConfig.unwrap(self) & ~AUTHORIZED_BIT);
    }

    function asInitialized(PoolConfig self) internal pure returns (PoolConfig) {
        return PoolConfig.wrap(PoolConfig.unwrap(self) | INITIALIZED_BIT);
    }

    function withPaused(PoolConfig self, bool paused) internal pure returns (PoolConfig) {
        uint256 word = PoolConfig.unwrap(self) & ~PAUSED_BIT;
        return PoolConfig.wrap(paused ? word | PAUSED_BIT : word);
    }
}
