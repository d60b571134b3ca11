// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Eligibility} from "../libraries/Eligibility.sol";
import {ISanctionsList} from "./ISanctionsList.sol";

/// @title IInvestorRegistry
/// @notice The venue's single record of who may hold and trade each security: identities (investors, each with up
/// to 20 wallets), their accreditation, classes, jurisdiction and status, per-security lockups and offering rules, an
/// optional sanctions oracle, and the roles that every Accredex contract defers to. Every change emits an indexed
/// event; together they are the compliance audit trail.
/// @dev Eligibility is decided per identity: a wallet carries a copy of its identity's profile, so every wallet of
/// an investor answers the same. A wallet belongs to one identity for good: unlinking it stops it trading, but the
/// shares it still holds keep counting for that identity (holder caps cannot be dodged by moving wallets around).
interface IInvestorRegistry is IAccessControl {
    /// @notice One row of the wallet roster: shorthand for a one-wallet identity of an accredited US investor.
    /// @param investor The investor's wallet. A wallet new to the registry becomes identity `uint160(wallet)`.
    /// @param accreditationExpiry Unix seconds at which accreditation lapses (valid while `block.timestamp < expiry`).
    /// @param frozen Whether the investor is frozen; must repeat the freeze as it stands for a known investor.
    struct InvestorInput {
        address investor;
        uint40 accreditationExpiry;
        bool frozen;
    }

    /// @notice How an identity was verified: all on-chain evidence of a KYC and accreditation check.
    /// @param method The verification method code (the venue's table: 1 income, 2 net worth, 3 licence, 4 third-party
    /// letter, 5 entity assets, 6 QIB certificate, 7 non-US attestation).
    /// @param verifiedAt Unix seconds of the check.
    /// @param evidenceHash Hash of the off-chain evidence file; the file itself never goes on chain.
    struct Verification {
        uint16 method;
        uint40 verifiedAt;
        bytes32 evidenceHash;
    }

    /// @notice One row of the identity roster.
    /// @param id The identity's id: nonzero and below 2^160.
    /// @param classes {InvestorClass} bits.
    /// @param jurisdiction ISO 3166-1 numeric country code (840 = United States); nonzero.
    struct IdentityInput {
        uint256 id;
        uint40 accreditationExpiry;
        uint8 classes;
        uint16 jurisdiction;
        Verification verification;
    }

    /// @notice What the registry holds for one wallet: its own flags and its identity's profile.
    struct InvestorView {
        bool registered;
        bool venue;
        bool frozen;
        uint40 accreditationExpiry;
        uint16 lockupOverrides;
        uint256 identity;
        bool exitOnly;
        uint8 classes;
        uint16 jurisdiction;
    }

    /// @notice What the registry holds for one identity.
    struct IdentityView {
        bool exists;
        bool frozen;
        bool exitOnly;
        uint40 accreditationExpiry;
        uint8 classes;
        uint16 jurisdiction;
        address[] wallets;
        Verification verification;
    }

    /// @notice The "who" half of a security's offering rules (the token keeps the "how many" half).
    /// @param requiredClasses An acquirer needs one of these {InvestorClass} bits; 0 admits every class.
    /// @param jurisdictionMode 0: every jurisdiction; 1: only the listed ones; 2: all but the listed ones.
    /// @param regSCompliancePeriodEnd Until this second only non-US persons may acquire (Reg S flowback); 0 for none.
    /// @param windingDown Every holder is exit-only: sell and leave, never buy or add.
    struct OfferingRules {
        uint8 requiredClasses;
        uint8 jurisdictionMode;
        uint40 regSCompliancePeriodEnd;
        bool windingDown;
    }

    /// @notice Thrown when a record names the zero address.
    error ZeroAddress();
    /// @notice Thrown when an edit targets a wallet that is not linked to an identity.
    error InvestorNotRegistered(address investor);
    /// @notice Thrown when an identity id is zero or not below 2^160, when an officer creates one at or above 2^64
    /// (the roster's range: a roster identity is numbered by its wallet), or when a roster wallet's address is below
    /// 2^64 (the officers' range).
    error InvalidIdentityId(uint256 id);
    /// @notice Thrown when an identity row names jurisdiction 0, or a rule names a jurisdiction mode above 2.
    error InvalidJurisdiction(uint256 value);
    /// @notice Thrown when a wallet is linked to an identity that does not exist.
    error IdentityNotFound(uint256 id);
    /// @notice Thrown when a wallet already belongs to another identity (wallets never change hands; see the
    /// security token's wallet recovery).
    error WalletOfAnotherIdentity(address wallet, uint256 identity);
    /// @notice Thrown when a wallet that is linked already is linked again.
    error WalletAlreadyLinked(address wallet);
    /// @notice Thrown when an identity already has the most wallets it may have.
    error TooManyWallets(uint256 identity, uint256 max);
    /// @notice Thrown when a security that is not listed is delisted.
    error SecurityNotListed(address security);
    /// @notice Thrown when a lockup override or offering rule names a security that was never listed.
    error SecurityNotConfigured(address security);
    /// @notice Thrown when a roster row, or a link, would freeze or unfreeze an investor: only {setFrozen} does that.
    /// @param frozen Whether the investor is frozen now (the row must say the same).
    error FreezeNotEditable(address investor, bool frozen);
    /// @notice Thrown when a lockup override is cleared that was never set.
    error NoLockupOverride(address security, address investor);
    /// @notice Thrown when an investor record is written for a venue contract, or for one that ever was a venue (its
    /// shares were never counted for anyone).
    error AccountIsVenue(address account);
    /// @notice Thrown when a registered investor is listed as a venue contract.
    error AccountIsInvestor(address account);
    /// @notice Thrown on any attempt to renounce the default admin role: the registry must never be left ownerless.
    error AdminRenounceDisabled();

    /// @notice A wallet-roster row was written (shorthand for a one-wallet identity).
    event InvestorUpserted(address indexed investor, uint40 accreditationExpiry, bool frozen, address indexed officer);
    /// @notice An identity was created or its details replaced.
    event IdentityUpserted(
        uint256 indexed identity,
        uint40 accreditationExpiry,
        uint8 classes,
        uint16 jurisdiction,
        Verification verification,
        address indexed officer
    );
    /// @notice A wallet was linked to an identity: it trades, and its shares count, as that identity's.
    event WalletLinked(uint256 indexed identity, address indexed wallet, address indexed officer);
    /// @notice A wallet was unlinked: it no longer trades; the shares it still holds keep counting for the identity.
    event WalletUnlinked(uint256 indexed identity, address indexed wallet, address indexed officer);
    /// @notice The identity of `investor` (every linked wallet) was frozen or unfrozen.
    event InvestorFrozen(address indexed investor, bool frozen, address indexed officer);
    /// @notice The identity of `investor` (every linked wallet) was made exit-only, or active again.
    event InvestorExitOnly(address indexed investor, bool exitOnly, address indexed officer);
    /// @notice A venue contract was listed or unlisted: listed venues may hold and move every security.
    event VenueSet(address indexed account, bool isVenue, address indexed admin);
    /// @notice A security was listed, or its default lockup end changed.
    event SecurityConfigured(address indexed security, uint40 defaultLockupEnd, address indexed officer);
    /// @notice A security was delisted: nobody is eligible to trade it on the venue. Its lockups keep applying to
    /// transfers.
    event SecurityDelisted(address indexed security, address indexed officer);
    /// @notice A security's offering rules changed.
    event OfferingRulesSet(address indexed security, OfferingRules rules, address indexed officer);
    /// @notice Jurisdictions were put on (`listed`) or taken off a security's jurisdiction list.
    event JurisdictionsSet(address indexed security, uint16[] jurisdictions, bool listed, address indexed officer);
    /// @notice The venue's sanctions oracle changed (zero: none).
    event SanctionsListSet(address indexed sanctionsList, address indexed admin);
    /// @notice An investor-specific lockup end was set for one security, replacing the default.
    event LockupOverrideSet(
        address indexed security, address indexed investor, uint40 lockupEnd, address indexed officer
    );
    /// @notice An investor-specific lockup end was removed; the security's default applies again.
    event LockupOverrideCleared(address indexed security, address indexed investor, address indexed officer);

    /// @notice Role of compliance officers, who edit identities, lockups, offering rules and security listings.
    function COMPLIANCE_ROLE() external view returns (bytes32);
    /// @notice Role that may pause and unpause gated pools.
    function PAUSER_ROLE() external view returns (bytes32);
    /// @notice Role that may mint security tokens (the issuer's transfer agent).
    function ISSUER_ROLE() external view returns (bytes32);
    /// @notice The most wallets one identity may have linked at once.
    function MAX_WALLETS() external view returns (uint256);

    /// @notice Wallet roster: for each row, updates the accreditation of the wallet's identity, or creates a
    /// one-wallet accredited US identity (id `uint160(wallet)`) and links the wallet. One event per row; the whole
    /// batch reverts on any bad row.
    /// @dev Lockup overrides survive. A row must repeat the investor's freeze as it stands ({FreezeNotEditable}
    /// otherwise); a new investor may arrive frozen, which also emits {InvestorFrozen}.
    function upsertInvestors(InvestorInput[] calldata investors) external;
    /// @notice Identity roster: creates identities (ids below 2^64) or replaces their details (any existing
    /// identity, roster ones included); status (frozen, exit-only) is kept.
    function upsertIdentities(IdentityInput[] calldata identities) external;
    /// @notice Links wallets to an existing identity (at most {MAX_WALLETS} at once).
    function linkWallets(uint256 identity, address[] calldata wallets) external;

    /// @notice Runs several of this registry's calls in one transaction, all or none (OpenZeppelin Multicall): a
    /// roster's identities and their wallets go in together, never half. Each call is checked against the caller's
    /// roles as if it were sent alone (a delegatecall to this registry keeps `msg.sender`).
    /// @param data The calls, ABI-encoded with their selectors.
    /// @return results Each call's return data.
    function multicall(bytes[] calldata data) external returns (bytes[] memory results);
    /// @notice Unlinks a wallet: it stops trading and receiving; its lockup overrides and its freeze stay with it.
    function unlinkWallet(address wallet) external;
    /// @notice Freezes or unfreezes the identity of `wallet`, every linked wallet at once; takes effect for the very
    /// next transaction, same block included.
    function setFrozen(address wallet, bool frozen) external;
    /// @notice Makes the identity of `wallet` exit-only (sell, remove liquidity, collect fees; never buy or add), or
    /// active again.
    function setExitOnly(address wallet, bool exitOnly) external;
    /// @notice Lists or unlists a venue contract (admin only). Venue contracts pass every token transfer check. An
    /// unlisted venue may be listed again, never registered as an investor.
    function setVenue(address account, bool isVenue) external;
    /// @notice Lists a security, or changes its default lockup end (for example offering close + 12 months). A new
    /// security starts as a Reg D 506(c) offering: accredited acquirers, every jurisdiction.
    function configureSecurity(address securityToken, uint40 defaultLockupEnd) external;
    /// @notice Delists a security; its pools refuse every trade until it is listed again. Its default lockup,
    /// overrides and offering rules stay, keep applying to transfers, and stay editable.
    function delistSecurity(address securityToken) external;
    /// @notice Replaces a security's offering rules (listed now, or delisted); takes effect for the next transaction.
    function setOfferingRules(address securityToken, OfferingRules calldata rules) external;
    /// @notice Puts jurisdictions on, or takes them off, a security's jurisdiction list (see {OfferingRules}).
    function setJurisdictions(address securityToken, uint16[] calldata jurisdictions, bool listed) external;
    /// @notice Names the venue's sanctions oracle (admin only; zero for none).
    function setSanctionsList(ISanctionsList sanctionsList) external;
    /// @notice Sets an investor-specific lockup end for one security (listed now, or delisted).
    function setLockupOverride(address securityToken, address account, uint40 end) external;
    /// @notice Removes an investor-specific lockup end; the security default applies again.
    function clearLockupOverride(address securityToken, address account) external;

    /// @notice May `account` buy `security` on the venue right now (swap in, add liquidity, donate)?
    /// @return status `Ok`, or the first reason the gate refuses.
    /// @return until For `AccreditationExpired` the expiry, for `LockupActive` the lockup end, for
    /// `FlowbackRestricted` the end of the compliance period, otherwise 0.
    function eligibility(address account, address securityToken)
        external
        view
        returns (Eligibility status, uint40 until);
    /// @notice The gate's question: may `account` buy (`buying`) or sell `security` on the venue right now? A seller
    /// must be registered, not frozen, not sanctioned and out of lockup, in a listed security; a buyer must also be
    /// active (not exit-only) and pass the offering's class, jurisdiction and Reg S rules.
    /// @return status `Ok`, or the first reason the gate refuses.
    /// @return until As for {eligibility}.
    /// @return key The key the security token counts the trade under (see {holderKey}).
    function tradeStatus(address account, address securityToken, bool buying)
        external
        view
        returns (Eligibility status, uint40 until, uint256 key);
    /// @notice Whether a transfer of `securityToken` from `from` to `to` is allowed, side by side, and the identities
    /// it moves between. A venue is always `Ok` (key 0); the zero address (mint, burn) is `Ok`. A sender must be
    /// registered, not frozen, not sanctioned and out of lockup (accreditation is not needed to sell); a recipient
    /// must be registered, not frozen, not sanctioned, active, and pass the offering's who-rules.
    /// @dev One call for both sides, so a settlement transfer costs the security token a single registry call.
    function transferStatus(address securityToken, address from, address to)
        external
        view
        returns (
            Eligibility fromStatus,
            uint40 fromUntil,
            Eligibility toStatus,
            uint40 toUntil,
            uint256 fromKey,
            uint256 toKey
        );
    /// @notice The key a security token counts `account`'s balance under: its identity in the low 160 bits, and bit
    /// 160 set while the identity is accredited. Zero for a venue or a wallet that never had an identity.
    function holderKey(address account) external view returns (uint256);
    /// @notice The wallet's record.
    function investor(address account) external view returns (InvestorView memory);
    /// @notice The identity's record, with its linked wallets.
    function identity(uint256 id) external view returns (IdentityView memory);
    /// @notice Whether `security` is listed, and its default lockup end.
    function security(address securityToken) external view returns (bool listed, uint40 defaultLockupEnd);
    /// @notice A security's offering rules.
    function offeringRules(address securityToken) external view returns (OfferingRules memory);
    /// @notice Whether `jurisdiction` is on the security's jurisdiction list.
    function jurisdictionListed(address securityToken, uint16 jurisdiction) external view returns (bool);
    /// @notice The venue's sanctions oracle, or zero.
    function sanctionsList() external view returns (ISanctionsList);
    /// @notice The lockup end that applies to `investor` for `security`: the override if set, else the default.
    function lockupEnd(address securityToken, address account) external view returns (uint40);
}
