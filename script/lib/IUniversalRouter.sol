// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {PathKey} from "@uniswap/v4-periphery/src/libraries/PathKey.sol";

/// @notice The part of Uniswap's UniversalRouter (v2.1) the venue uses. The router itself is deployed from its
/// shipped artifact; its sources are not on npm in compilable form.
interface IUniversalRouter {
    /// @notice Thrown when a command other than V4_SWAP fails.
    error ExecutionFailed(uint256 commandIndex, bytes message);

    /// @notice SWAP_EXACT_IN parameters as UniversalRouter 2.1 decodes them. Its v4-periphery is newer than the
    /// npm release (1.0.3): multi-hop swaps carry a per-hop slippage list (empty for none). Single-pool swap
    /// structs are unchanged, so `IV4Router.ExactInputSingleParams` still applies.
    struct ExactInputParams {
        Currency currencyIn;
        PathKey[] path;
        uint256[] maxHopSlippage;
        uint128 amountIn;
        uint128 amountOutMinimum;
    }

    function execute(bytes calldata commands, bytes[] calldata inputs, uint256 deadline) external payable;
}
