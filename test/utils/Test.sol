// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {StdAssertions} from "forge-std/StdAssertions.sol";
import {StdChains} from "forge-std/StdChains.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {TestBase} from "forge-std/Base.sol";

/// @notice forge-std's `Test` without its `console`, `safeconsole` and the rest of its re-exports. forge-std's
/// Test.sol imports safeconsole.sol (430 KB) whether or not a test logs, and solc-js (script/solc.cjs) dies on jobs
/// that parse about 1.3 MB: this keeps every test's import closure well under that. Import `console2` directly where
/// a test needs to log.
abstract contract Test is TestBase, StdAssertions, StdChains, StdCheats, StdInvariant, StdUtils {
    bool public IS_TEST = true;
}
