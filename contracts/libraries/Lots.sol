// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {IRestrictedSecurity} from "../interfaces/IRestrictedSecurity.sol";

/// @dev One lot of an identity's shares, in one word:
///   [0, 128)    amount     shares locked until `releaseAt`
///   [128, 168)  releaseAt  unix seconds; the shares move from that second on
///   [168, 176)  kind       {IRestrictedSecurity.LotKind}
type Lot is uint256;

using LotLibrary for Lot global;

/// @title LotLibrary
library LotLibrary {
    uint256 internal constant MASK_128 = (1 << 128) - 1;

    function pack(uint256 shares, uint40 release, IRestrictedSecurity.LotKind lotKind) internal pure returns (Lot) {
        return Lot.wrap(shares | (uint256(release) << 128) | (uint256(lotKind) << 168));
    }

    function amount(Lot self) internal pure returns (uint256) {
        return Lot.unwrap(self) & MASK_128;
    }

    function releaseAt(Lot self) internal pure returns (uint40) {
        return uint40(Lot.unwrap(self) >> 128);
    }

    function kind(Lot self) internal pure returns (IRestrictedSecurity.LotKind) {
        return IRestrictedSecurity.LotKind(uint8(Lot.unwrap(self) >> 168));
    }

    function withAmount(Lot self, uint256 newAmount) internal pure returns (Lot) {
        return Lot.wrap((Lot.unwrap(self) & ~MASK_128) | newAmount);
    }
}

/// @title Lots
/// @notice An identity's locked lots of one security: shares that may not leave the identity before their release
/// time (a Rule 144 holding period from an issuance or from a purchase from an affiliate, or a partial freeze). Only
/// the rest of its shares move. At most {MAX_LOTS} are live at once; a released lot is dropped when next seen.
/// @dev The invariant the holder book keeps: the shares still locked never exceed the identity's shares (a lot is
/// only ever added with the shares it locks, or over shares that are free).
library Lots {
    /// @notice Live lots per identity at most: bounds what a debit of a holder with lots reads.
    uint256 internal constant MAX_LOTS = 16;

    /// @notice Adds a lot, merged into a live one with the same release time and kind.
    function add(Lot[] storage lots, uint256 amount, uint40 releaseAt, IRestrictedSecurity.LotKind kind, uint160 id)
        internal
    {
        uint256 length = prune(lots);
        for (uint256 i; i < length; ++i) {
            Lot lot = lots[i];
            if (lot.releaseAt() == releaseAt && lot.kind() == kind) {
                lots[i] = lot.withAmount(lot.amount() + amount);
                return;
            }
        }
        if (length == MAX_LOTS) revert IRestrictedSecurity.TooManyLots(id, MAX_LOTS);
        lots.push(LotLibrary.pack(amount, releaseAt, kind));
    }

    /// @notice Drops the lots released by now.
    /// @return length How many are still live.
    function prune(Lot[] storage lots) internal returns (uint256 length) {
        length = lots.length;
        for (uint256 i; i < length;) {
            if (lots[i].releaseAt() > block.timestamp) {
                ++i;
                continue;
            }
            lots[i] = lots[length - 1];
            lots.pop();
            --length;
        }
    }

    /// @return lockedShares The shares still locked.
    /// @return nextRelease When the first of them is released (0 if none is locked).
    function locked(Lot[] storage lots) internal view returns (uint256 lockedShares, uint40 nextRelease) {
        uint256 length = lots.length;
        for (uint256 i; i < length; ++i) {
            Lot lot = lots[i];
            uint40 release = lot.releaseAt();
            if (release <= block.timestamp) continue;
            lockedShares += lot.amount();
            if (nextRelease == 0 || release < nextRelease) nextRelease = release;
        }
    }

    /// @notice Moves `amount` of locked shares from `from` to `to`, each keeping its release time and kind (a forced
    /// transfer that must take locked shares: the holding period carries over, as for a gift or an estate).
    function carry(Lot[] storage from, Lot[] storage to, uint256 amount, uint160 toId) internal {
        for (uint256 i = prune(from); i > 0 && amount != 0; --i) {
            Lot lot = from[i - 1];
            uint256 taken = _take(from, i - 1, amount);
            amount -= taken;
            add(to, taken, lot.releaseAt(), lot.kind(), toId);
        }
    }

    /// @notice Lifts `amount` of the identity's partial freezes.
    function unfreeze(Lot[] storage lots, uint256 amount, uint160 id) internal {
        uint256 remaining = amount;
        for (uint256 i = prune(lots); i > 0 && remaining != 0; --i) {
            if (lots[i - 1].kind() != IRestrictedSecurity.LotKind.Freeze) continue;
            remaining -= _take(lots, i - 1, remaining);
        }
        if (remaining != 0) revert IRestrictedSecurity.UnfreezeExceedsFrozen(id, amount, amount - remaining);
    }

    /// @dev Takes up to `amount` out of lot `i`, dropping it when emptied (the last lot takes its place: callers walk
    /// the array from the end, so it was seen already).
    function _take(Lot[] storage lots, uint256 i, uint256 amount) private returns (uint256 taken) {
        Lot lot = lots[i];
        taken = lot.amount() < amount ? lot.amount() : amount;
        if (taken < lot.amount()) {
            lots[i] = lot.withAmount(lot.amount() - taken);
            return taken;
        }
        lots[i] = lots[lots.length - 1];
        lots.pop();
    }
}
