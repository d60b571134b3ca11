// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @title ExitBinding
/// @notice A security token's record, for one transaction, of the depositor whose gated position paid out in it and
/// how much of the security that exit still owes it. While it is set, the token pays out of the PoolManager to that
/// depositor only, and accepts the owed amount into its wallet whatever its status. Transient storage: it ends with
/// the transaction. One depositor per transaction, so the record is three words: the depositor, the security still owed
/// to it, and the reservation its exits released but the holder book has not yet let go (see
/// `RestrictedSecurityToken.exitPosition`).
library ExitBinding {
    /// @dev keccak256("accredex.exit.depositor"); the amount still owed is in the next slot, the pending release in the
    /// one after.
    uint256 private constant DEPOSITOR_SLOT = 0x49d459deabd49e3f8807df949979a84f638e569be6dd7b662b70edbb3887111b;

    /// @return bound The depositor the transaction was already bound to (credited only if it is `depositor`).
    function credit(address depositor, uint256 amount) internal returns (address bound) {
        assembly ("memory-safe") {
            depositor := shr(96, shl(96, depositor))
            bound := tload(DEPOSITOR_SLOT)
            if iszero(bound) {
                bound := depositor
                tstore(DEPOSITOR_SLOT, depositor)
            }
            if eq(bound, depositor) {
                let s := add(DEPOSITOR_SLOT, 1)
                tstore(s, add(tload(s), amount))
            }
        }
    }

    function boundDepositor() internal view returns (address bound) {
        assembly ("memory-safe") {
            bound := tload(DEPOSITOR_SLOT)
        }
    }

    /// @return covered Whether the amount still owed covers `amount`; it is reduced only then.
    function consume(uint256 amount) internal returns (bool covered) {
        assembly ("memory-safe") {
            let s := add(DEPOSITOR_SLOT, 1)
            let owed := tload(s)
            covered := iszero(lt(owed, amount))
            if covered { tstore(s, sub(owed, amount)) }
        }
    }

    function addPendingRelease(uint256 amount) internal {
        assembly ("memory-safe") {
            let s := add(DEPOSITOR_SLOT, 2)
            tstore(s, add(tload(s), amount))
        }
    }

    /// @return amount The pending release, now cleared.
    function takePendingRelease() internal returns (uint256 amount) {
        assembly ("memory-safe") {
            let s := add(DEPOSITOR_SLOT, 2)
            amount := tload(s)
            if amount { tstore(s, 0) }
        }
    }
}
