// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {IRestrictedSecurity} from "../interfaces/IRestrictedSecurity.sol";
import {HolderLimits, Holding, HoldingLibrary} from "./HolderLimits.sol";

/// @title HolderBook
/// @notice A security's holders of record, per identity, kept live as shares move: each identity's shares across its
/// wallets, and how many identities hold any (and how many of those are not accredited). The caps are checked at the
/// moment an identity becomes a holder, the maximum holding whenever one grows.
/// @dev Holder keys come from the registry: identity in the low 160 bits, bit 160 set if accredited (see
/// `IInvestorRegistry.holderKey`); 0 for venues, which hold in custody and are never counted. A move within one
/// identity (between its own wallets) changes nothing and is checked against nothing.
library HolderBook {
    struct Book {
        mapping(uint160 identity => Holding) holdings;
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
            revert IRestrictedSecurity.BelowMinimumTrade(value, limits.minTrade());
        }
        if (fromId != 0) _debit(book, fromId, value);
        if (toId != 0) _credit(book, limits, toId, toKey & (1 << 160) == 0, value, enforce);
    }

    function _debit(Book storage book, uint160 id, uint256 value) private {
        Holding holding = book.holdings[id];
        // Cannot underflow: every share outside a venue was credited to the identity of the wallet holding it, and a
        // wallet's identity never changes.
        uint256 left = holding.amount() - value;
        if (left != 0) {
            book.holdings[id] = holding.with(left);
            return;
        }
        book.holdings[id] = Holding.wrap(0);
        book.holders -= 1;
        if (holding.nonAccredited()) book.nonAccredited -= 1;
    }

    function _credit(
        Book storage book,
        HolderLimits limits,
        uint160 id,
        bool nonAccredited,
        uint256 value,
        bool enforce
    ) private {
        Holding holding = book.holdings[id];
        uint256 total = holding.amount() + value;
        if (holding.amount() == 0) {
            uint32 holders = book.holders + 1;
            if (enforce && limits.maxHolders() != 0 && holders > limits.maxHolders()) {
                revert IRestrictedSecurity.HolderCapReached(false, book.holders, limits.maxHolders());
            }
            book.holders = holders;
            if (nonAccredited) {
                uint32 count = book.nonAccredited + 1;
                if (enforce && limits.maxNonAccredited() != 0 && count > limits.maxNonAccredited()) {
                    revert IRestrictedSecurity.HolderCapReached(true, book.nonAccredited, limits.maxNonAccredited());
                }
                book.nonAccredited = count;
            }
            holding = HoldingLibrary.opened(total, nonAccredited);
        } else {
            holding = holding.with(total);
        }
        if (enforce && limits.maxHolding() != 0 && total > limits.maxHolding()) {
            revert IRestrictedSecurity.MaxHoldingExceeded(id, total, limits.maxHolding());
        }
        book.holdings[id] = holding;
    }
}
