// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {IV4Router} from "@uniswap/v4-periphery/src/interfaces/IV4Router.sol";
import {Actions} from "@uniswap/v4-periphery/src/libraries/Actions.sol";
import {PathKey} from "@uniswap/v4-periphery/src/libraries/PathKey.sol";
import {IUniversalRouter} from "../../script/lib/IUniversalRouter.sol";

/// @title VenueCalls
/// @notice Encodes what wallets send to the canonical periphery: UniversalRouter V4_SWAP inputs and
/// PositionManager `modifyLiquidities` unlock data. One place, shared by every test and handler.
library VenueCalls {
    uint8 internal constant V4_SWAP = 0x10;

    /// @return commands and inputs for `UniversalRouter.execute`; output to the caller (TAKE_ALL) or `recipient` (TAKE).
    function swapExactInSingle(PoolKey memory k, bool zeroForOne, uint128 amountIn, bytes memory hookData, address recipient)
        internal
        pure
        returns (bytes memory commands, bytes[] memory inputs)
    {
        (Currency cin, Currency cout) = zeroForOne ? (k.currency0, k.currency1) : (k.currency1, k.currency0);
        bytes[] memory params = new bytes[](3);
        params[0] = abi.encode(IV4Router.ExactInputSingleParams(k, zeroForOne, amountIn, 0, hookData));
        params[1] = abi.encode(cin, uint256(amountIn));
        bytes memory actions;
        if (recipient == address(0)) {
            actions = abi.encodePacked(uint8(Actions.SWAP_EXACT_IN_SINGLE), uint8(Actions.SETTLE_ALL), uint8(Actions.TAKE_ALL));
            params[2] = abi.encode(cout, uint256(0));
        } else {
            actions = abi.encodePacked(uint8(Actions.SWAP_EXACT_IN_SINGLE), uint8(Actions.SETTLE_ALL), uint8(Actions.TAKE));
            params[2] = abi.encode(cout, recipient, uint256(0)); // 0 = the whole open delta
        }
        return _v4Swap(actions, params);
    }

    /// @dev A buy whose clearance is then used to pay `shares` of the bought currency in from the caller's wallet
    /// (SETTLE, payer the user), everything bought and paid in going to `recipient`: a transfer made through the
    /// PoolManager in the shadow of a buy.
    function buyAndPassOn(PoolKey memory k, bool zeroForOne, uint128 amountIn, uint256 shares, address recipient)
        internal
        pure
        returns (bytes memory commands, bytes[] memory inputs)
    {
        (Currency cin, Currency cout) = zeroForOne ? (k.currency0, k.currency1) : (k.currency1, k.currency0);
        bytes[] memory params = new bytes[](4);
        params[0] = abi.encode(IV4Router.ExactInputSingleParams(k, zeroForOne, amountIn, 0, ""));
        params[1] = abi.encode(cin, uint256(amountIn));
        params[2] = abi.encode(cout, shares, true);
        params[3] = abi.encode(cout, recipient, uint256(0));
        bytes memory actions = abi.encodePacked(
            uint8(Actions.SWAP_EXACT_IN_SINGLE), uint8(Actions.SETTLE_ALL), uint8(Actions.SETTLE), uint8(Actions.TAKE)
        );
        return _v4Swap(actions, params);
    }

    function swapExactIn(Currency currencyIn, PathKey[] memory path, uint128 amountIn)
        internal
        pure
        returns (bytes memory commands, bytes[] memory inputs)
    {
        bytes[] memory params = new bytes[](3);
        params[0] = abi.encode(IUniversalRouter.ExactInputParams(currencyIn, path, new uint256[](0), amountIn, 0));
        params[1] = abi.encode(currencyIn, uint256(amountIn));
        params[2] = abi.encode(path[path.length - 1].intermediateCurrency, uint256(0));
        return _v4Swap(abi.encodePacked(uint8(Actions.SWAP_EXACT_IN), uint8(Actions.SETTLE_ALL), uint8(Actions.TAKE_ALL)), params);
    }

    /// @return unlockData MINT_POSITION + SETTLE_PAIR, no slippage bounds (tests assert amounts themselves).
    function mint(PoolKey memory k, int24 tickLower, int24 tickUpper, uint256 liquidity, address owner)
        internal
        pure
        returns (bytes memory unlockData)
    {
        bytes[] memory params = new bytes[](2);
        params[0] = abi.encode(k, tickLower, tickUpper, liquidity, type(uint128).max, type(uint128).max, owner, bytes(""));
        params[1] = abi.encode(k.currency0, k.currency1);
        return abi.encode(abi.encodePacked(uint8(Actions.MINT_POSITION), uint8(Actions.SETTLE_PAIR)), params);
    }

    function increase(PoolKey memory k, uint256 tokenId, uint256 liquidity) internal pure returns (bytes memory) {
        bytes[] memory params = new bytes[](2);
        params[0] = abi.encode(tokenId, liquidity, type(uint128).max, type(uint128).max, bytes(""));
        params[1] = abi.encode(k.currency0, k.currency1);
        return abi.encode(abi.encodePacked(uint8(Actions.INCREASE_LIQUIDITY), uint8(Actions.SETTLE_PAIR)), params);
    }

    /// @return unlockData DECREASE_LIQUIDITY (0 liquidity collects fees) + TAKE_PAIR to `recipient`.
    function decrease(PoolKey memory k, uint256 tokenId, uint256 liquidity, address recipient)
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory params = new bytes[](2);
        params[0] = abi.encode(tokenId, liquidity, uint128(0), uint128(0), bytes(""));
        params[1] = abi.encode(k.currency0, k.currency1, recipient);
        return abi.encode(abi.encodePacked(uint8(Actions.DECREASE_LIQUIDITY), uint8(Actions.TAKE_PAIR)), params);
    }

    /// @return unlockData BURN_POSITION + TAKE_PAIR to `recipient`.
    function burn(PoolKey memory k, uint256 tokenId, address recipient) internal pure returns (bytes memory) {
        bytes[] memory params = new bytes[](2);
        params[0] = abi.encode(tokenId, uint128(0), uint128(0), bytes(""));
        params[1] = abi.encode(k.currency0, k.currency1, recipient);
        return abi.encode(abi.encodePacked(uint8(Actions.BURN_POSITION), uint8(Actions.TAKE_PAIR)), params);
    }

    function _v4Swap(bytes memory actions, bytes[] memory params)
        private
        pure
        returns (bytes memory commands, bytes[] memory inputs)
    {
        commands = abi.encodePacked(V4_SWAP);
        inputs = new bytes[](1);
        inputs[0] = abi.encode(actions, params);
    }
}
