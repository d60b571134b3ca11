// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {Eligibility, InvestorClass} from "./Eligibility.sol";
import {InvestorRecord} from "./InvestorRecord.sol";
import {SecurityConfig, SecurityConfigLibrary} from "./SecurityConfig.sol";

/// @title OfferingRulesLibrary
/// @notice Who may acquire a security: the decision, kept pure so that the registry's views and the fuzz model share
/// it. Inputs are the acquirer's wallet record (its identity's profile), the security's config word, and whether the
/// acquirer's jurisdiction is on the security's list (read by the caller only when the rules use the list).
library OfferingRulesLibrary {
    /// @notice The first rule an acquirer fails, in the order the dashboard explains them, and the second that ends it.
    function acquirerStatus(InvestorRecord record, SecurityConfig config, bool jurisdictionListed, uint256 timestamp)
        internal
        pure
        returns (Eligibility, uint40)
    {
        if (record.exitOnly() || config.isWindingDown()) return (Eligibility.ExitOnly, 0);
        uint8 current = record.currentClasses(timestamp);
        uint8 required = config.requiredClasses();
        if (required != 0 && current & required == 0) {
            // A lapsed accreditation that would have admitted is the reason to show, with its date.
            if (record.classes() & required & InvestorClass.ACCREDITED != 0) {
                return (Eligibility.AccreditationExpired, record.accreditationExpiry());
            }
            return (Eligibility.ClassNotAllowed, 0);
        }
        uint8 mode = config.jurisdictionMode();
        if (mode == SecurityConfigLibrary.JURISDICTIONS_ALLOWED && !jurisdictionListed) {
            return (Eligibility.JurisdictionNotAllowed, 0);
        }
        if (mode == SecurityConfigLibrary.JURISDICTIONS_DENIED && jurisdictionListed) {
            return (Eligibility.JurisdictionNotAllowed, 0);
        }
        // Reg S: no flowback to US persons before the distribution compliance period ends (at `regSEnd` exactly).
        uint40 regSEnd = config.regSEnd();
        if (timestamp < regSEnd && current & InvestorClass.NON_US_PERSON == 0) {
            return (Eligibility.FlowbackRestricted, regSEnd);
        }
        return (Eligibility.Ok, 0);
    }

    /// @notice Whether the rules read the security's jurisdiction list at all.
    function usesJurisdictionList(SecurityConfig config) internal pure returns (bool) {
        return config.jurisdictionMode() != SecurityConfigLibrary.JURISDICTIONS_ANY;
    }
}
