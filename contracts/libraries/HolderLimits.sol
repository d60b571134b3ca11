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
///   [128, 255)  reserved   the most shares its gated positions could ever hold (see {IRestrictedSecurity.reservedOf})
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
    uint256 internal constant MASK_128 = (1 << 128) - 1;
    uint256 internal constant MASK_127 = (1 << 127) - 1;

    error HoldingOverflow();

    function pack(uint256 shareCount, uint256 reservedCount, bool isNonAccredited) internal pure returns (Holding) {
        if (shareCount > MASK_128 || reservedCount > MASK_127) revert HoldingOverflow();
        uint256 word = shareCount | (reservedCount << 128);
        return Holding.wrap(isNonAccredited ? word | NON_ACCREDITED_BIT : word);
    }

    function shares(Holding self) internal pure returns (uint256) {
        return Holding.unwrap(self) & MASK_128;
    }

    function reserved(Holding self) internal pure returns (uint256) {
        return (Holding.unwrap(self) >> 128) & MASK_127;
    }

    /// @notice What the maximum holding is judged against: the shares, and what the positions could still bring.
    function total(Holding self) internal pure returns (uint256) {
        return self.shares() + self.reserved();
    }

    function nonAccredited(Holding self) internal pure returns (bool) {
        return Holding.unwrap(self) & NON_ACCREDITED_BIT != 0;
    }

    function isEmpty(Holding self) internal pure returns (bool) {
        return Holding.unwrap(self) & ~NON_ACCREDITED_BIT == 0;
    }
}
