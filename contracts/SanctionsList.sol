// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {ISanctionsList} from "./interfaces/ISanctionsList.sol";
import {IInvestorRegistry} from "./interfaces/IInvestorRegistry.sol";

/// @title SanctionsList
/// @notice A sanctions oracle with Chainalysis's interface and events, whose list the venue's compliance officers keep.
/// Deployed on local chains, where Chainalysis's oracle does not exist; on a public chain the registry names theirs.
contract SanctionsList is ISanctionsList {
    /// @notice Thrown when the caller is not a compliance officer of the registry.
    error Unauthorized(address account);

    /// @notice Wallets were added to the list (Chainalysis's event).
    event SanctionedAddressesAdded(address[] addrs);
    /// @notice Wallets were removed from the list (Chainalysis's event).
    event SanctionedAddressesRemoved(address[] addrs);

    IInvestorRegistry public immutable registry;
    mapping(address wallet => bool) internal _sanctioned;

    constructor(IInvestorRegistry investorRegistry) {
        registry = investorRegistry;
    }

    modifier onlyCompliance() {
        if (!registry.hasRole(registry.COMPLIANCE_ROLE(), msg.sender)) revert Unauthorized(msg.sender);
        _;
    }

    function addToSanctionsList(address[] calldata addrs) external onlyCompliance {
        for (uint256 i; i < addrs.length; ++i) {
            _sanctioned[addrs[i]] = true;
        }
        emit SanctionedAddressesAdded(addrs);
    }

    function removeFromSanctionsList(address[] calldata addrs) external onlyCompliance {
        for (uint256 i; i < addrs.length; ++i) {
            _sanctioned[addrs[i]] = false;
        }
        emit SanctionedAddressesRemoved(addrs);
    }

    /// @inheritdoc ISanctionsList
    function isSanctioned(address addr) external view returns (bool) {
        return _sanctioned[addr];
    }
}
