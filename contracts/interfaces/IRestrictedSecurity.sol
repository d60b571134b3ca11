// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {Eligibility} from "../libraries/Eligibility.sol";
import {IInvestorRegistry} from "./IInvestorRegistry.sol";
import {IGateHook} from "./IGateHook.sol";

/// @title IRestrictedSecurity
/// @notice An ERC-20 security that moves only between eligible holders and listed venue contracts, so the rules hold
/// outside the gated pools too: swap output sent to someone else, hookless pools in the shared PoolManager, plain
/// wallet transfers. It counts its holders of record per identity, live, and enforces the offering's caps.
/// @dev Sender: a venue, or a registered, unfrozen, unsanctioned investor out of lockup. Recipient: a venue, or a
/// registered, unfrozen, unsanctioned, active investor that passes the offering's who-rules (registry), or a depositor
/// taking out exactly what its own exit from a gated pool owes it. Between identities, the how-many rules (this
/// token) apply: holder caps, maximum holding, minimum trade; an exit owed to its depositor is counted, never refused.
/// The PoolManager is special on both sides:
/// - the security enters it only from a holder the gate admitted to a gated pool in the same transaction, so no
///   hookless pool of the shared PoolManager can be funded with it;
/// - once a depositor exits a gated position, every payout of the security in that transaction goes to that
///   depositor, so a frozen or locked investor's pooled shares never pass to anyone else.
interface IRestrictedSecurity {
    /// @notice Why an issuer's remedy was used; recorded with it in the audit trail.
    enum RemedyReason {
        CourtOrder,
        ErrorCorrection,
        LostKey,
        EstateTransfer
    }

    /// @notice Why a lot is locked.
    enum LotKind {
        /// @dev Issued by the issuer: the Rule 144 holding period of that issuance.
        Issuance,
        /// @dev Bought from an affiliate of the issuer: a new holding period from the purchase.
        AffiliateSale,
        /// @dev A partial freeze (a remedy); an officer may lift it before its release time.
        Freeze
    }

    /// @notice A lot as the views return it.
    struct LotView {
        uint128 amount;
        uint40 releaseAt;
        LotKind kind;
    }

    /// @notice The how-many rules: 0 in any field means no limit.
    struct Limits {
        uint96 maxHolding;
        uint96 minTrade;
        uint32 maxHolders;
        uint32 maxNonAccredited;
    }

    /// @notice Thrown when the sender may not move the security.
    error SenderNotEligible(address from, Eligibility reason, uint40 until);
    /// @notice Thrown when the recipient may not hold the security.
    error RecipientNotEligible(address to, Eligibility reason, uint40 until);
    /// @notice Thrown when a new holder of record would take the count past a cap.
    /// @param nonAccredited Whether the cap is the one on holders that are not accredited.
    error HolderCapReached(bool nonAccredited, uint256 holders, uint256 cap);
    /// @notice Thrown when an identity would hold more than the offering allows.
    error MaxHoldingExceeded(uint256 identity, uint256 holding, uint256 maxHolding);
    /// @notice Thrown when a transfer or trade moves less than the offering's minimum.
    error BelowMinimumTrade(uint256 amount, uint256 minTrade);
    /// @notice Thrown when the security is paid into the PoolManager by a holder the gate did not admit to a gated
    /// pool in this transaction (a hookless pool, or a payment before the pool operation it settles).
    error EntryNotCleared(address from);
    /// @notice Thrown when a payout from the PoolManager goes to `to` in a transaction whose exit binds payouts to
    /// `depositor`.
    error PayoutBoundToDepositor(address to, address depositor);
    /// @notice Thrown when one transaction exits the positions of two depositors: each exit's security goes to its
    /// own depositor, and a transaction holds one such binding.
    error ExitAlreadyBound(address depositor);
    /// @notice Thrown when a wallet recovery names wallets of two identities, a lost wallet still linked, or a
    /// replacement that is not linked.
    error NotARecovery(address lost, address replacement);
    /// @notice Thrown when a wallet recovery would move shares to a wallet whose lockup ends before the lost one's
    /// (set the replacement's override first).
    error RecoveryShortensLockup(address replacement, uint40 lockupEnd, uint40 replacementLockupEnd);
    /// @notice Thrown when a move would take shares of the identity that are still locked in lots.
    /// @param available What the identity can move now; `nextRelease` is when its first locked lot is released.
    error SharesLocked(uint256 identity, uint256 amount, uint256 available, uint40 nextRelease);
    /// @notice Thrown when an identity would hold more live lots than the book keeps per identity.
    error TooManyLots(uint256 identity, uint256 maxLots);
    /// @notice Thrown when a partial freeze asks for more than the identity's free (unlocked) shares.
    error FreezeExceedsFreeShares(uint256 identity, uint256 amount, uint256 free);
    /// @notice Thrown when a partial freeze would lock nothing: no amount, or a release time already passed.
    error InvalidFreeze(uint256 amount, uint40 releaseAt);
    /// @notice Thrown when lifting more of a partial freeze than is frozen.
    error UnfreezeExceedsFrozen(uint256 identity, uint256 amount, uint256 frozen);
    /// @notice Thrown when a wallet named in a remedy has no identity.
    error NoIdentity(address wallet);
    /// @notice Thrown when anyone but the gate reserves for or exits a position.
    error NotGate(address caller);
    /// @notice Thrown when the caller lacks `role` in the registry.
    error Unauthorized(address account, bytes32 role);

    /// @notice The how-many rules changed.
    event LimitsSet(Limits limits, address indexed officer);
    /// @notice An officer moved shares between wallets without the sender's consent (a remedy).
    event ForcedTransfer(
        address indexed from, address indexed to, uint256 amount, RemedyReason reason, address indexed officer
    );
    /// @notice A lost wallet's shares moved to a new wallet of the same identity (a remedy).
    event WalletRecovered(
        address indexed lost, address indexed replacement, uint256 amount, RemedyReason reason, address indexed officer
    );

    /// @notice Shares of `identity` (received by `wallet`, or held by it for a freeze) are locked until `releaseAt`.
    event Locked(
        uint256 indexed identity, address indexed wallet, uint256 amount, uint40 releaseAt, LotKind indexed kind
    );
    /// @notice An officer froze part of a holding (a remedy); `releaseAt` is type(uint40).max for "until lifted".
    event SharesFrozen(
        uint256 indexed identity, uint256 amount, uint40 releaseAt, RemedyReason reason, address indexed officer
    );
    /// @notice An officer lifted part of a holding's partial freezes.
    event SharesUnfrozen(uint256 indexed identity, uint256 amount, RemedyReason reason, address indexed officer);
    /// @notice The holding period that a purchase from an affiliate starts changed.
    event AffiliateHoldingPeriodSet(uint40 period, address indexed officer);

    /// @notice The registry that decides who may hold and move this security.
    function registry() external view returns (IInvestorRegistry);
    /// @notice The venue's gate: its clearances let settlements skip a second registry call.
    function gate() external view returns (IGateHook);
    /// @notice Called by the gate when a depositor adds liquidity to its gated position. A position's exit is never
    /// refused, and sellers can fill a position with shares whatever it held when it was opened, so the most it could
    /// ever hold (`ceiling`: all of the added liquidity converted to the security) counts for the depositor's identity
    /// (`holderKey`) at once: it makes the identity a holder of record, within the caps, and counts towards its
    /// maximum holding. No position holds more than the supply, so the reservation is bounded by it.
    /// @param reserved What the position carries already.
    /// @return added What this deposit adds to the position's reservation.
    function reservePosition(uint256 holderKey, uint256 reserved, uint256 ceiling) external returns (uint256 added);
    /// @notice Called by the gate when liquidity leaves a gated position: `released` of the reservation made for it
    /// stops counting for the depositor's identity. When the depositor exits its own position, `owed` is what the
    /// exit owes it in this security (principal and fees): for the rest of the transaction the PoolManager pays this
    /// security to `depositor` only, and `depositor` accepts `owed` of it whatever its status: lapsed, frozen, in
    /// lockup or off the roster, an exit is never refused. The release then waits for the exit's first payout, so that
    /// the identity never leaves the holder book in between (to re-enter it unchecked). Anyone else removing
    /// liquidity passes `owed` 0, and the release is immediate.
    function exitPosition(address depositor, uint256 released, uint256 owed) external;
    /// @notice Issues new units to an eligible holder (issuer role), within the offering's caps, free to move (shares
    /// whose holding period has passed, or registered).
    function mint(address to, uint256 amount) external;
    /// @notice Issues new units to an eligible holder (issuer role), within the offering's caps, as a lot of its
    /// identity locked until `releaseAt` (the issuance's Rule 144 holding period; none if it has passed). The lot
    /// stays with the identity: its wallets may pass it between them, it never leaves before `releaseAt`.
    function issue(address to, uint256 amount, uint40 releaseAt) external;
    /// @notice Freezes `amount` of the free shares of `wallet`'s identity until `releaseAt` (0: until lifted)
    /// (compliance role; a remedy).
    function freezeShares(address wallet, uint256 amount, uint40 releaseAt, RemedyReason reason) external;
    /// @notice Lifts `amount` of the partial freezes of `wallet`'s identity (compliance role).
    function unfreezeShares(address wallet, uint256 amount, RemedyReason reason) external;
    /// @notice Sets the holding period that a purchase from an affiliate starts for the buyer (compliance role):
    /// Rule 144(d), one year for an issuer that does not report under the Exchange Act, six months for one that does.
    function setAffiliateHoldingPeriod(uint40 period) external;
    /// @notice The holding period a purchase from an affiliate starts (by default one year).
    function affiliateHoldingPeriod() external view returns (uint40);
    /// @notice Replaces the how-many rules (compliance role). Caps below today's counts admit no new holder until
    /// the count falls under them; nobody is forced out.
    function setLimits(Limits calldata limits) external;
    /// @notice Moves `amount` from `from` to `to` whatever the sender's status (compliance role): a court order, an
    /// error correction, an estate. The recipient must be allowed to hold it, within every cap. Shares the sender
    /// cannot move free (locked lots, partial freezes) go with their lots and release times.
    function forceTransfer(address from, address to, uint256 amount, RemedyReason reason) external;
    /// @notice Moves all of `lost`'s shares to `replacement` (compliance role). Both must belong to the same identity,
    /// `lost` unlinked and `replacement` linked in the registry first: holder counts do not change. The replacement's
    /// lockup may not end before the lost wallet's, and it may not be sanctioned.
    function recoverWallet(address lost, address replacement, RemedyReason reason) external;
    /// @notice The how-many rules.
    function limits() external view returns (Limits memory);
    /// @notice Holders of record (identities with shares in a wallet or liquidity in a gated position), and how many
    /// of them are not accredited.
    function holderCount() external view returns (uint32 holders, uint32 nonAccredited);
    /// @notice An identity's shares across its wallets, linked or not.
    function holdingOf(uint256 identity) external view returns (uint256);
    /// @notice The most shares an identity's gated positions could come to hold (see {reservePosition}). The maximum
    /// holding is judged against `holdingOf + reservedOf`.
    function reservedOf(uint256 identity) external view returns (uint256);
    /// @notice An identity's shares still locked, and when the first of them is released (0 if none is locked).
    function lockedOf(uint256 identity) external view returns (uint256 locked, uint40 nextRelease);
    /// @notice An identity's lots, released ones included until a move of its shares drops them.
    function lotsOf(uint256 identity) external view returns (LotView[] memory);
}
