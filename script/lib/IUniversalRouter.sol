// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

/// @notice The part of Uniswap's UniversalRouter (v2.1) the venue uses. The router itself is deployed from its
/// shipped artifact; its sources are not on npm in compilable form.
interface IUniversalRouter {
    /// @notice Thrown when a command other than V4_SWAP fails.
    error ExecutionFailed(uint256 commandIndex, bytes message);

    function execute(bytes calldata commands, bytes[] calldata inputs, uint256 deadline) external payable;
}
