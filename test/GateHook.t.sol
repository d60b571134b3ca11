// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {GateTestBase} from "./utils/GateTestBase.sol";
import {Eligibility} from "../contracts/libraries/Eligibility.sol";

contract GateHookTest is GateTestBase {
    function test_swap_succeedsWhen_investorEligible() public {
        bool buy = !_securityIs0(key); // pay USD, receive security
        uint256 before = security.balanceOf(alice);
        _swapExactIn(alice, key, buy, 1_000e6);
        assertGt(security.balanceOf(alice), before);
    }

    function test_swap_revertsWhen_lockupActive() public {
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(bob, Eligibility.LockupActive, bobLockupEnd));
        _swapExactIn(bob, key, !_securityIs0(key), 1_000e6);
    }
}
