// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BaseHook} from "@openzeppelin/uniswap-hooks/src/base/BaseHook.sol";
import {IRestrictedSecurity} from "../interfaces/IRestrictedSecurity.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IGateHook} from "../interfaces/IGateHook.sol";
import {ISanctionsList} from "../interfaces/ISanctionsList.sol";
import {Eligibility} from "../libraries/Eligibility.sol";
import {ExitBinding} from "../libraries/ExitBinding.sol";
import {Clearance} from "../libraries/Clearance.sol";
import {HolderBook} from "../libraries/HolderBook.sol";
import {HolderLimits, HolderLimitsLibrary} from "../libraries/HolderLimits.sol";
import {InvestorRecordLibrary} from "../libraries/InvestorRecord.sol";
import {Lot} from "../libraries/Lots.sol";

/// @title RestrictedSecurityToken
/// @notice A tokenized private security (demo issuance): every transfer is checked against the investor registry,
/// and its holders of record are counted per identity against the offering's caps.
/// @dev Fast path: when the PoolManager is one side and the gate admitted the other side earlier in the same
/// transaction, that admission (with the identity it found) is the registry's verdict already, so the token does not
/// ask again. The PoolManager is the only venue with rules of its own here (see {IRestrictedSecurity}); the other
/// venue contracts (routers, Permit2) pass through like any venue.
contract RestrictedSecurityToken is ERC20, IRestrictedSecurity {
    using HolderBook for HolderBook.Book;

    /// @inheritdoc IRestrictedSecurity
    IInvestorRegistry public immutable registry;
    /// @inheritdoc IRestrictedSecurity
    IGateHook public immutable gate;
    address private immutable POOL_MANAGER;

    HolderLimits internal _limits;
    HolderBook.Book internal _book;
    /// @inheritdoc IRestrictedSecurity
    uint40 public affiliateHoldingPeriod = 365 days;

    /// @param investorRegistry Decides who may hold and move the security.
    /// @param gateHook The venue's gate; its PoolManager is the venue this token settles with.
    constructor(string memory name_, string memory symbol_, IInvestorRegistry investorRegistry, IGateHook gateHook)
        ERC20(name_, symbol_)
    {
        registry = investorRegistry;
        gate = gateHook;
        POOL_MANAGER = address(BaseHook(address(gateHook)).poolManager());
    }

    modifier onlyRole(bytes32 role) {
        if (!registry.hasRole(role, msg.sender)) revert Unauthorized(msg.sender, role);
        _;
    }

    /// @inheritdoc IRestrictedSecurity
    function mint(address to, uint256 amount) external onlyRole(registry.ISSUER_ROLE()) {
        _mint(to, amount);
    }

    /// @inheritdoc IRestrictedSecurity
    function issue(address to, uint256 amount, uint40 releaseAt) external onlyRole(registry.ISSUER_ROLE()) {
        _mint(to, amount);
        _lock(to, _identityOf(to), amount, releaseAt, LotKind.Issuance);
    }

    /// @inheritdoc IRestrictedSecurity
    function freezeShares(address wallet, uint256 amount, uint40 releaseAt, RemedyReason reason)
        external
        onlyRole(registry.COMPLIANCE_ROLE())
    {
        uint160 id = _identityOf(wallet);
        if (releaseAt == 0) releaseAt = type(uint40).max;
        if (amount == 0 || releaseAt <= block.timestamp) revert InvalidFreeze(amount, releaseAt);
        _lock(wallet, id, amount, releaseAt, LotKind.Freeze);
        emit SharesFrozen(id, amount, releaseAt, reason, msg.sender);
    }

    /// @inheritdoc IRestrictedSecurity
    function unfreezeShares(address wallet, uint256 amount, RemedyReason reason)
        external
        onlyRole(registry.COMPLIANCE_ROLE())
    {
        uint160 id = _identityOf(wallet);
        _book.unfreeze(id, amount);
        emit SharesUnfrozen(id, amount, reason, msg.sender);
    }

    /// @inheritdoc IRestrictedSecurity
    function setAffiliateHoldingPeriod(uint40 period) external onlyRole(registry.COMPLIANCE_ROLE()) {
        affiliateHoldingPeriod = period;
        emit AffiliateHoldingPeriodSet(period, msg.sender);
    }

    /// @inheritdoc IRestrictedSecurity
    function reservePosition(uint256 holderKey, uint256 reserved, uint256 ceiling) external returns (uint256 added) {
        if (msg.sender != address(gate)) revert NotGate(msg.sender);
        // No position can hold more than every share there is (nor, in the gate's record, more than 96 bits).
        uint256 bound = Math.min(totalSupply(), type(uint96).max);
        if (reserved >= bound) return 0;
        added = Math.min(ceiling, bound - reserved);
        _book.reserve(_limits, holderKey, added);
    }

    /// @inheritdoc IRestrictedSecurity
    function exitPosition(address depositor, uint256 released, uint256 owed) external {
        if (msg.sender != address(gate)) revert NotGate(msg.sender);
        if (owed == 0) {
            if (released != 0) _book.release(uint160(registry.holderKey(depositor)), released);
            return;
        }
        address bound = ExitBinding.credit(depositor, owed);
        if (bound != depositor) revert ExitAlreadyBound(bound);
        // Released once the exit's shares are booked: let go first, the holding could empty and the payout then
        // re-open it, unchecked and possibly in the other count.
        ExitBinding.addPendingRelease(released);
    }

    /// @inheritdoc IRestrictedSecurity
    function setLimits(Limits calldata limits_) external onlyRole(registry.COMPLIANCE_ROLE()) {
        _limits = HolderLimitsLibrary.pack(
            limits_.maxHolding, limits_.minTrade, limits_.maxHolders, limits_.maxNonAccredited
        );
        emit LimitsSet(limits_, msg.sender);
    }

    /// @inheritdoc IRestrictedSecurity
    function forceTransfer(address from, address to, uint256 amount, RemedyReason reason)
        external
        onlyRole(registry.COMPLIANCE_ROLE())
    {
        (,, Eligibility toStatus, uint40 toUntil, uint256 fromKey, uint256 toKey) =
            registry.transferStatus(address(this), from, to);
        // Between investors' wallets only: a venue's balance (the PoolManager's reserves) is other investors' money.
        if (fromKey == 0) revert SenderNotEligible(from, Eligibility.NotRegistered, 0);
        if (toKey == 0) revert RecipientNotEligible(to, Eligibility.NotRegistered, 0);
        if (toStatus != Eligibility.Ok) revert RecipientNotEligible(to, toStatus, toUntil);
        _book.carryLocks(uint160(fromKey), uint160(toKey), amount);
        super._update(from, to, amount);
        _book.move(_limits, fromKey, toKey, amount, true, false);
        _afterAffiliateSale(to, fromKey, toKey, amount);
        emit ForcedTransfer(from, to, amount, reason, msg.sender);
    }

    /// @inheritdoc IRestrictedSecurity
    function recoverWallet(address lost, address replacement, RemedyReason reason)
        external
        onlyRole(registry.COMPLIANCE_ROLE())
    {
        IInvestorRegistry.InvestorView memory old = registry.investor(lost);
        IInvestorRegistry.InvestorView memory next = registry.investor(replacement);
        // The lost key must be unlinked first, so it can no longer trade what is left or what arrives later.
        if (old.identity == 0 || old.identity != next.identity || old.registered || !next.registered) {
            revert NotARecovery(lost, replacement);
        }
        // The lost wallet's standing goes with its shares: its lockup (an override is per wallet), and no sanctioned
        // wallet receives them.
        uint40 lostEnd = registry.lockupEnd(address(this), lost);
        uint40 replacementEnd = registry.lockupEnd(address(this), replacement);
        if (replacementEnd < lostEnd) revert RecoveryShortensLockup(replacement, lostEnd, replacementEnd);
        ISanctionsList list = registry.sanctionsList();
        if (address(list) != address(0) && list.isSanctioned(replacement)) {
            revert RecipientNotEligible(replacement, Eligibility.Sanctioned, 0);
        }
        uint256 amount = balanceOf(lost);
        // Same identity on both sides: the holder book does not change.
        super._update(lost, replacement, amount);
        emit WalletRecovered(lost, replacement, amount, reason, msg.sender);
    }

    /// @inheritdoc IRestrictedSecurity
    function limits() external view returns (Limits memory) {
        HolderLimits l = _limits;
        return Limits(uint96(l.maxHolding()), uint96(l.minTrade()), l.maxHolders(), l.maxNonAccredited());
    }

    /// @inheritdoc IRestrictedSecurity
    function holderCount() external view returns (uint32 holders, uint32 nonAccredited) {
        return (_book.holders, _book.nonAccredited);
    }

    /// @inheritdoc IRestrictedSecurity
    function holdingOf(uint256 identity) external view returns (uint256) {
        return identity >= 1 << 160 ? 0 : _book.holdings[uint160(identity)].shares();
    }

    /// @inheritdoc IRestrictedSecurity
    function reservedOf(uint256 identity) external view returns (uint256) {
        return identity >= 1 << 160 ? 0 : _book.holdings[uint160(identity)].reserved();
    }

    /// @inheritdoc IRestrictedSecurity
    function lockedOf(uint256 identity) external view returns (uint256 locked, uint40 nextRelease) {
        if (identity >= 1 << 160) return (0, 0);
        return _book.lockedOf(uint160(identity));
    }

    /// @inheritdoc IRestrictedSecurity
    function lotsOf(uint256 identity) external view returns (LotView[] memory lots) {
        if (identity >= 1 << 160) return lots;
        Lot[] storage stored = _book.lots[uint160(identity)];
        lots = new LotView[](stored.length);
        for (uint256 i; i < lots.length; ++i) {
            Lot lot = stored[i];
            lots[i] = LotView(uint128(lot.amount()), lot.releaseAt(), lot.kind());
        }
    }

    /// @dev A zero-value transfer moves nothing and is not checked for eligibility: the PoolManager pays an LP's
    /// exit in both currencies, often 0 of one, and that must never block the exit. But OpenZeppelin lets anyone call
    /// `transferFrom(x, y, 0)`, which emits `Transfer(x, y, 0)`: a relationship between two holders that neither
    /// made, in every indexer and cap table. So a zero-value transfer made by someone other than the sender needs
    /// an allowance. (Checked here rather than in `_spendAllowance`, so that transfers of value pay nothing for it.)
    function _update(address from, address to, uint256 value) internal override {
        if (value == 0) {
            if (from != address(0) && msg.sender != from && allowance(from, msg.sender) == 0) {
                revert ERC20InsufficientAllowance(msg.sender, 0, 0);
            }
            super._update(from, to, value);
            return;
        }
        uint256 fromKey;
        uint256 toKey;
        bool owedExit;
        if (from == POOL_MANAGER) {
            (toKey, owedExit) = _checkPayout(to, value);
        } else if (to == POOL_MANAGER) {
            // Only to settle a gated pool's operation: the holder was admitted (hence checked) in this transaction.
            // Anything else (a hookless pool, a payment made before the operation it settles) is refused.
            fromKey = gate.clearance(from);
            if (fromKey == 0) revert EntryNotCleared(from);
        } else {
            (fromKey, toKey) = _check(from, to);
        }
        super._update(from, to, value);
        // An exit owed to its depositor is counted but never refused; issuance has no minimum trade.
        _book.move(_limits, fromKey, toKey, value, !owedExit, !owedExit && from != address(0));
        _afterAffiliateSale(to, fromKey, toKey, value);
        if (owedExit) {
            uint256 released = ExitBinding.takePendingRelease();
            if (released != 0) _book.release(uint160(toKey), released);
        }
    }

    /// @dev A payout from the PoolManager: a swap's output, an exit, ERC-6909 claims redeemed. If a depositor's exit
    /// bound this transaction, it goes to that depositor only, which accepts what its exit owes it whatever its
    /// status. Otherwise it goes to an investor the gate admitted in this transaction, or to a recipient the
    /// registry accepts.
    function _checkPayout(address to, uint256 value) private returns (uint256 key, bool owedExit) {
        address depositor = ExitBinding.boundDepositor();
        if (depositor != address(0)) {
            if (to != depositor) revert PayoutBoundToDepositor(to, depositor);
            if (ExitBinding.consume(value)) return (registry.holderKey(to), true);
        }
        // A buyer's clearance only: a seller was checked as a seller, not as a recipient.
        key = gate.clearance(to);
        if (key & Clearance.MAY_RECEIVE != 0) return (key, false);
        Eligibility status;
        uint40 until;
        (,, status, until,, key) = registry.transferStatus(address(this), address(0), to);
        if (status != Eligibility.Ok) revert RecipientNotEligible(to, status, until);
    }

    /// @dev A sale by an affiliate to another identity arrives as a new lot, locked for the affiliate holding period
    /// from now. The rest of the venue's shares are free to their buyer: the seller's holding period carries over.
    /// An affiliate's shares never go to a venue contract: not to the PoolManager, even on the clearance of a buy in
    /// the same transaction (the pool would pass them to a buyer free), nor to a router or the PositionManager (which
    /// pass them on to whoever asks).
    function _afterAffiliateSale(address to, uint256 fromKey, uint256 toKey, uint256 value) private {
        if (fromKey & InvestorRecordLibrary.KEY_AFFILIATE == 0 || uint160(fromKey) == uint160(toKey)) return;
        if (toKey == 0) revert RecipientNotEligible(to, Eligibility.AffiliateResale, 0);
        uint40 releaseAt = uint40(Math.min(block.timestamp + affiliateHoldingPeriod, type(uint40).max));
        _lock(to, uint160(toKey), value, releaseAt, LotKind.AffiliateSale);
    }

    function _lock(address wallet, uint160 id, uint256 amount, uint40 releaseAt, LotKind kind) private {
        _book.lock(id, amount, releaseAt, kind);
        if (releaseAt > block.timestamp && amount != 0) emit Locked(id, wallet, amount, releaseAt, kind);
    }

    function _identityOf(address wallet) private view returns (uint160 id) {
        id = uint160(registry.holderKey(wallet));
        if (id == 0) revert NoIdentity(wallet);
    }

    /// @dev One registry call checks both sides and names their identities.
    function _check(address from, address to) private view returns (uint256 fromKey, uint256 toKey) {
        Eligibility fromStatus;
        uint40 fromUntil;
        Eligibility toStatus;
        uint40 toUntil;
        (fromStatus, fromUntil, toStatus, toUntil, fromKey, toKey) = registry.transferStatus(address(this), from, to);
        if (fromStatus != Eligibility.Ok) revert SenderNotEligible(from, fromStatus, fromUntil);
        if (toStatus != Eligibility.Ok) revert RecipientNotEligible(to, toStatus, toUntil);
    }
}
