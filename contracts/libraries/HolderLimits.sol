// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @dev The "how many" half of a security's offering rules, in one slot that every transfer between identities reads:
///   [0, 96)    maxHolding        most shares one identity may hold across its wallets; 0: no limit
///   [96, 192)  minTrade          smallest amount a transfer or trade may move; 0: no minimum
///   [192, 224) maxHolders        holders of record (identities) at most; 0: no cap
///   [224, 256) maxNonAccredited  holders of record that are not accredited at most; 0: no cap
type HolderLimits is uint256;

/// @dev One identity's holding of one security:
///   [0, 128)    shares     across its wallets, linked or not
///   [128, 254)  reserved   the most shares its gated positions could ever hold (see {IRestrictedSecurity.reservedOf})
///   [254]       hasLots    it may hold locked lots (see {Lots}): only then does a debit read them, so holders without
///               locked shares pay nothing for the rule
///   [255]       nonAccredited  which count it is in (re-judged whenever it acquires, so the count it joined is the
///               count it leaves)
/// It is a holder of record while shares or reserved is nonzero.
type Holding is uint256;

using HolderLimitsLibrary for HolderLimits global;
using HoldingLibrary for Holding global;

/// @title HolderLimitsLibrary
library HolderLimitsLibrary {
    uint256 internal constant MASK_96 = (1 << 96) - 1;

    function pack(uint96 holding, uint96 trade, uint32 holders, uint32 nonAccreditedHolders)
        internal
        pure
        returns (HolderLimits)
    {
        return HolderLimits.wrap(
            uint256(holding) | (uint256(trade) << 96) | (uint256(holders) << 192)
                | (uint256(nonAccreditedHolders) << 224)
        );
    }

    function maxHolding(HolderLimits self) internal pure returns (uint256) {
        return HolderLimits.unwrap(self) & MASK_96;
    }

    function minTrade(HolderLimits self) internal pure returns (uint256) {
        return (HolderLimits.unwrap(self) >> 96) & MASK_96;
    }

    function maxHolders(HolderLimits self) internal pure returns (uint32) {
        return uint32(HolderLimits.unwrap(self) >> 192);
    }

    function maxNonAccredited(HolderLimits self) internal pure returns (uint32) {
        return uint32(HolderLimits.unwrap(self) >> 224);
    }
}

/// @title HoldingLibrary
library HoldingLibrary {
    uint256 internal constant NON_ACCREDITED_BIT = 1 << 255;
    uint256 internal constant LOTS_BIT = 1 << 254;
    uint256 internal constant MASK_128 = (1 << 128) - 1;
    uint256 internal constant MASK_126 = (1 << 126) - 1;
    uint256 internal constant AMOUNTS_MASK = MASK_128 | (MASK_126 << 128);

    error HoldingOverflow();

    /// @notice `self` with new amounts; its flags (count, lots) kept.
    function withAmounts(Holding self, uint256 shareCount, uint256 reservedCount) internal pure returns (Holding) {
        if (shareCount > MASK_128 || reservedCount > MASK_126) revert HoldingOverflow();
        return Holding.wrap((Holding.unwrap(self) & ~AMOUNTS_MASK) | shareCount | (reservedCount << 128));
    }

    function withNonAccredited(Holding self, bool isNonAccredited) internal pure returns (Holding) {
        uint256 word = Holding.unwrap(self) & ~NON_ACCREDITED_BIT;
        return Holding.wrap(isNonAccredited ? word | NON_ACCREDITED_BIT : word);
    }

    function withLots(Holding self, bool has) internal pure returns (Holding) {
        uint256 word = Holding.unwrap(self) & ~LOTS_BIT;
        return Holding.wrap(has ? word | LOTS_BIT : word);
    }

    function shares(Holding self) internal pure returns (uint256) {
        return Holding.unwrap(self) & MASK_128;
    }

    function reserved(Holding self) internal pure returns (uint256) {
        return (Holding.unwrap(self) >> 128) & MASK_126;
    }

    function hasLots(Holding self) internal pure returns (bool) {
        return Holding.unwrap(self) & LOTS_BIT != 0;
    }

    /// @notice What the maximum holding is judged against: the shares, and what the positions could still bring.
    function total(Holding self) internal pure returns (uint256) {
        return self.shares() + self.reserved();
    }

    function nonAccredited(Holding self) internal pure returns (bool) {
        return Holding.unwrap(self) & NON_ACCREDITED_BIT != 0;
    }

    /// @notice Neither shares nor a reservation: not a holder of record.
    function isEmpty(Holding self) internal pure returns (bool) {
        return Holding.unwrap(self) & AMOUNTS_MASK == 0;
    }
}
