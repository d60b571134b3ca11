// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {IRestrictedSecurity} from "../interfaces/IRestrictedSecurity.sol";
import {HolderLimits, Holding} from "./HolderLimits.sol";
import {InvestorRecordLibrary} from "./InvestorRecord.sol";
import {Lot, Lots} from "./Lots.sol";

/// @title HolderBook
/// @notice A security's holders of record, per identity, kept live as shares move: each identity's shares across its
/// wallets and the most its gated positions could come to hold, and how many identities hold either (and how many of
/// those are not accredited). The caps are checked at the moment an identity becomes a holder, the maximum holding
/// whenever a holding grows. Locked lots (see {Lots}) keep their shares in the identity until they are released.
/// @dev Holder keys come from the registry: identity in the low 160 bits, bit 160 set if accredited, bit 162 if an
/// affiliate of the issuer (see `IInvestorRegistry.holderKey`); 0 for venues, which hold in custody and are never counted. A move within one
/// identity (between its own wallets) changes nothing and is checked against nothing.
library HolderBook {
    using Lots for Lot[];

    uint256 internal constant ACCREDITED = InvestorRecordLibrary.KEY_ACCREDITED;

    struct Book {
        mapping(uint160 identity => Holding) holdings;
        mapping(uint160 identity => Lot[]) lots;
        uint32 holders;
        uint32 nonAccredited;
    }

    /// @param enforce Whether caps and the maximum holding apply (not to an exit owed to its depositor).
    /// @param minimum Whether the minimum trade applies (not to issuance, remedies or exits).
    function move(
        Book storage book,
        HolderLimits limits,
        uint256 fromKey,
        uint256 toKey,
        uint256 value,
        bool enforce,
        bool minimum
    ) internal {
        uint160 fromId = uint160(fromKey);
        uint160 toId = uint160(toKey);
        if (fromId == toId) return;
        if (minimum && value < limits.minTrade()) {
            // A whole holding smaller than the minimum may still leave: otherwise it could never be sold.
            if (fromId == 0 || value != book.holdings[fromId].shares()) {
                revert IRestrictedSecurity.BelowMinimumTrade(value, limits.minTrade());
            }
        }
        if (fromId != 0) _debit(book, fromId, value, 0);
        if (toId != 0) _credit(book, limits, toKey, value, 0, enforce);
    }

    /// @notice Counts `value` more shares that the identity's gated positions could come to hold, as if it held them:
    /// against the caps (it is a holder of record from now on) and the maximum holding.
    function reserve(Book storage book, HolderLimits limits, uint256 key, uint256 value) internal {
        _credit(book, limits, key, 0, value, true);
    }

    /// @notice Stops counting `value` of the identity's reservation: the liquidity behind it left the pool.
    function release(Book storage book, uint160 id, uint256 value) internal {
        _debit(book, id, 0, value);
    }

    /// @notice Locks `amount` of the identity's shares until `releaseAt` (nothing if that has passed). An issuance's
    /// or an affiliate's sale's lot comes with the shares it locks; a partial freeze locks shares the identity holds
    /// free, and no more than those.
    function lock(Book storage book, uint160 id, uint256 amount, uint40 releaseAt, IRestrictedSecurity.LotKind kind)
        internal
    {
        if (releaseAt <= block.timestamp || amount == 0) return;
        Holding holding = book.holdings[id];
        if (kind == IRestrictedSecurity.LotKind.Freeze) {
            (uint256 free,) = _free(book, id, holding);
            if (amount > free) revert IRestrictedSecurity.FreezeExceedsFreeShares(id, amount, free);
        }
        book.lots[id].add(amount, releaseAt, kind, id);
        book.holdings[id] = holding.withLots(true);
    }

    /// @notice Lifts `amount` of the identity's partial freezes.
    function unfreeze(Book storage book, uint160 id, uint256 amount) internal {
        book.lots[id].unfreeze(amount, id);
    }

    /// @notice Before a forced transfer of `value`: whatever of it the sender cannot move free leaves with its lots,
    /// each keeping its release time for the recipient.
    function carryLocks(Book storage book, uint160 fromId, uint160 toId, uint256 value) internal {
        Holding holding = book.holdings[fromId];
        if (fromId == toId || !holding.hasLots()) return;
        (uint256 free,) = _free(book, fromId, holding);
        if (value <= free) return;
        book.lots[fromId].carry(book.lots[toId], value - free, toId);
        book.holdings[toId] = book.holdings[toId].withLots(true);
    }

    /// @return lockedShares The identity's shares still locked.
    /// @return nextRelease When the first of them is released (0 if none is locked).
    function lockedOf(Book storage book, uint160 id) internal view returns (uint256 lockedShares, uint40 nextRelease) {
        if (!book.holdings[id].hasLots()) return (0, 0);
        return book.lots[id].locked();
    }

    function _debit(Book storage book, uint160 id, uint256 shares, uint256 reserved) private {
        Holding holding = book.holdings[id];
        // Holders without lots skip this: the bit is in the word just read.
        if (shares != 0 && holding.hasLots()) holding = _checkLocks(book, id, holding, shares);
        // Cannot underflow: every share outside a venue was credited to the identity of the wallet holding it (a
        // wallet's identity never changes, and no former venue becomes an investor), and every release follows its
        // reservation.
        Holding next = holding.withAmounts(holding.shares() - shares, holding.reserved() - reserved);
        if (!next.isEmpty()) {
            book.holdings[id] = next;
            return;
        }
        book.holdings[id] = Holding.wrap(0);
        book.holders -= 1;
        if (holding.nonAccredited()) book.nonAccredited -= 1;
    }

    /// @dev Refuses a debit that would take locked shares; drops released lots, and the holding's lots bit with the
    /// last of them.
    function _checkLocks(Book storage book, uint160 id, Holding holding, uint256 shares) private returns (Holding) {
        Lot[] storage lots = book.lots[id];
        if (lots.prune() == 0) return holding.withLots(false);
        (uint256 free, uint40 nextRelease) = _free(book, id, holding);
        if (shares > free) revert IRestrictedSecurity.SharesLocked(id, shares, free, nextRelease);
        return holding;
    }

    /// @dev The identity's shares not locked in lots, and when its first locked lot is released.
    function _free(Book storage book, uint160 id, Holding holding)
        private
        view
        returns (uint256 free, uint40 nextRelease)
    {
        uint256 lockedShares;
        (lockedShares, nextRelease) = book.lots[id].locked();
        free = holding.shares() - lockedShares;
    }

    function _credit(
        Book storage book,
        HolderLimits limits,
        uint256 key,
        uint256 shares,
        uint256 reserved,
        bool enforce
    ) private {
        uint160 id = uint160(key);
        bool nonAccredited = key & ACCREDITED == 0;
        Holding holding = book.holdings[id];
        if (holding.isEmpty()) {
            book.holders = _joined(book.holders, limits.maxHolders(), false, enforce);
            if (nonAccredited) book.nonAccredited = _joined(book.nonAccredited, limits.maxNonAccredited(), true, enforce);
        } else if (!enforce || holding.nonAccredited() == nonAccredited) {
            nonAccredited = holding.nonAccredited();
        } else if (nonAccredited) {
            // Judged again whenever it acquires: a holder whose accreditation lapsed joins that count, within its cap.
            book.nonAccredited = _joined(book.nonAccredited, limits.maxNonAccredited(), true, true);
        } else {
            book.nonAccredited -= 1;
        }
        Holding next =
            holding.withAmounts(holding.shares() + shares, holding.reserved() + reserved).withNonAccredited(nonAccredited);
        if (enforce && limits.maxHolding() != 0 && next.total() > limits.maxHolding()) {
            revert IRestrictedSecurity.MaxHoldingExceeded(id, next.total(), limits.maxHolding());
        }
        book.holdings[id] = next;
    }

    /// @dev `count` plus one new holder, within `cap` (0: none) when enforced.
    function _joined(uint32 count, uint32 cap, bool nonAccredited, bool enforce) private pure returns (uint32) {
        if (enforce && cap != 0 && count >= cap) revert IRestrictedSecurity.HolderCapReached(nonAccredited, count, cap);
        return count + 1;
    }
}
