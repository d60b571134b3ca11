// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @title Clearance
/// @notice What the gate tells a security token within one transaction: a clearance, meaning the gate admitted
/// `holder` for the token's pools, so the token can settle with the PoolManager without asking the registry again.
/// The clearance is the holder's key (its identity, see `IInvestorRegistry.holderKey`), never zero, so the token also
/// learns whom to count the shares under. Held in transient storage keyed by (token, holder), so it answers only that
/// token and disappears when the transaction ends.
library Clearance {
    /// @notice Set in a clearance when the gate admitted the holder as a buyer (full eligibility), so the token may
    /// pay the security to it without asking again. A seller's clearance (a seller's standing only) lets it pay the
    /// security in, never receive it: an exit-only seller must not collect shares on the strength of its sale.
    uint256 internal constant MAY_RECEIVE = 1 << 161;

    /// @dev keccak256("accredex.clearance").
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

    /// @param key The holder's key; nonzero for every registered investor, which is all the gate admits.
    function clear(address token, address holder, uint256 key) internal {
        uint256 s = _slot(token, holder);
        assembly ("memory-safe") {
            tstore(s, key)
        }
    }

    /// @return key The key the holder was cleared with, or 0 if it was not.
    function keyOf(address token, address holder) internal view returns (uint256 key) {
        uint256 s = _slot(token, holder);
        assembly ("memory-safe") {
            key := tload(s)
        }
    }
}
