// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @title ISanctionsList
/// @notice The interface of Chainalysis's on-chain sanctions oracle: a venue may name one in its registry, and then a
/// listed wallet can neither trade nor receive nor send a security.
interface ISanctionsList {
    function isSanctioned(address addr) external view returns (bool);
}
