// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @dev The gate's record of one gated position, in one slot:
///   [0, 160)    depositor  the investor whose first deposit opened it; nobody else ever adds to it
///   [160, 256)  reserved   the shares counted for the depositor's identity because the position could come to hold
///                          them (see `IRestrictedSecurity.reservePosition`); released as the liquidity leaves
type Deposit is uint256;

using DepositLibrary for Deposit global;

/// @title DepositLibrary
library DepositLibrary {
    function pack(address depositorAddress, uint256 reservedShares) internal pure returns (Deposit) {
        // The token bounds every reservation to 96 bits (see `RestrictedSecurityToken.reservePosition`).
        return Deposit.wrap(uint256(uint160(depositorAddress)) | (reservedShares << 160));
    }

    function depositor(Deposit self) internal pure returns (address) {
        return address(uint160(Deposit.unwrap(self)));
    }

    function reserved(Deposit self) internal pure returns (uint256) {
        return Deposit.unwrap(self) >> 160;
    }
}
