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
    SecurityNotListed
}
