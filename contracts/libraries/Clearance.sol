// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @title Clearance
/// @notice What the gate tells a security token within one transaction, in transient storage keyed by
/// (token, holder), so only that token can read or spend it and it disappears when the transaction ends:
/// - a clearance: the gate admitted `holder` for the token's pools, so the token can settle with the PoolManager
///   without asking the registry again;
/// - an exit allowance: the amount of the security an LP's exit owes it, which the token accepts even if the LP's
///   accreditation lapsed.
library Clearance {
    /// @dev keccak256("accredex.clearance"); the exit allowance slot is this slot + 1.
    uint256 private constant NAMESPACE = 0x28fd707e4f5bb5135c034dbf75aedd99271e740406eabc393fe81f005cb26a87;

    function _slot(address token, address holder) private pure returns (uint256 s) {
        assembly ("memory-safe") {
            // Scratch space only: hashing two words there needs no allocation. Addresses are masked because
            // Solidity leaves the bits above 160 of an address undefined inside assembly.
            mstore(0x00, shr(96, shl(96, token)))
            mstore(0x20, shr(96, shl(96, holder)))
            s := xor(keccak256(0x00, 0x40), NAMESPACE)
        }
    }

    function _exitSlot(address token, address holder) private pure returns (uint256) {
        unchecked {
            return _slot(token, holder) + 1;
        }
    }

    function clear(address token, address holder) internal {
        uint256 s = _slot(token, holder);
        assembly ("memory-safe") {
            tstore(s, 1)
        }
    }

    function isCleared(address token, address holder) internal view returns (bool cleared) {
        uint256 s = _slot(token, holder);
        assembly ("memory-safe") {
            cleared := tload(s)
        }
    }

    function creditExit(address token, address holder, uint256 amount) internal {
        uint256 s = _exitSlot(token, holder);
        assembly ("memory-safe") {
            tstore(s, add(tload(s), amount))
        }
    }

    function consumeExit(address token, address holder, uint256 amount) internal returns (bool) {
        uint256 s = _exitSlot(token, holder);
        uint256 available;
        assembly ("memory-safe") {
            available := tload(s)
        }
        if (available < amount) return false;
        assembly ("memory-safe") {
            tstore(s, sub(available, amount))
        }
        return true;
    }
}
