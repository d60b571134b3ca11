// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {SwapParams, ModifyLiquidityParams} from "@uniswap/v4-core/src/types/PoolOperation.sol";
import {PoolSwapTest} from "@uniswap/v4-core/src/test/PoolSwapTest.sol";
import {PoolClaimsTest} from "@uniswap/v4-core/src/test/PoolClaimsTest.sol";
import {PoolModifyLiquidityTest} from "@uniswap/v4-core/src/test/PoolModifyLiquidityTest.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {LyingRouter} from "./utils/TestTokens.sol";

import {GateTestBase} from "./utils/GateTestBase.sol";
import {IRestrictedSecurity} from "../contracts/interfaces/IRestrictedSecurity.sol";
import {Eligibility} from "../contracts/libraries/Eligibility.sol";
import {ExitBinding} from "../contracts/libraries/ExitBinding.sol";
import {Clearance} from "../contracts/libraries/Clearance.sol";

/// @notice The restricted security token's own rules, and the threat-model policies that rest on it.
contract RestrictedSecurityTokenTest is GateTestBase {
    using StateLibrary for IPoolManager;
    // ================================================================== issuance

    function test_mint_issuesToHolderInLockup() public {
        uint256 before = security.balanceOf(bob);
        _issue(bob, 1e18);
        assertEq(security.balanceOf(bob), before + 1e18);
    }

    function test_mint_revertsWhen_callerNotIssuer() public {
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.Unauthorized.selector, alice, registry.ISSUER_ROLE()));
        vm.prank(alice);
        security.mint(alice, 1);
    }

    function test_mint_revertsWhen_recipientUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, eve, Eligibility.NotRegistered, 0));
        _issue(eve, 1);
    }

    function test_mint_revertsWhen_recipientAccreditationExpired() public {
        uint40 expiry = registry.investor(carol).accreditationExpiry;
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, carol, Eligibility.AccreditationExpired, expiry)
        );
        _issue(carol, 1);
    }

    function test_wiring() public view {
        assertEq(address(security.registry()), address(registry));
        assertEq(address(security.gate()), address(hook));
        assertEq(security.decimals(), 18);
    }

    // ================================================================== wallet transfers

    function test_transfer_betweenEligibleHolders() public {
        uint256 before = security.balanceOf(lp);
        vm.prank(alice);
        security.transfer(lp, 1e18);
        assertEq(security.balanceOf(lp), before + 1e18);
    }

    function test_transfer_zeroValueIsNotChecked() public {
        vm.prank(eve);
        security.transfer(dave, 0);
    }

    /// @dev Threat: a stranger emits Transfer(holder, other, 0) for any two holders, a relationship neither made.
    function test_threat_zeroValueTransferFrom_revertsWhen_spenderHasNoAllowance() public {
        vm.expectRevert(abi.encodeWithSignature("ERC20InsufficientAllowance(address,uint256,uint256)", eve, 0, 0));
        vm.prank(eve);
        security.transferFrom(alice, lp, 0);
        // With an allowance, moving nothing is still allowed (and checked like any transfer of nothing: not at all).
        vm.prank(alice);
        security.approve(eve, 1);
        vm.prank(eve);
        security.transferFrom(alice, lp, 0);
        assertEq(security.allowance(alice, eve), 1);
    }

    function test_transfer_revertsWhen_senderInLockup() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.SenderNotEligible.selector, bob, Eligibility.LockupActive, bobLockupEnd)
        );
        vm.prank(bob);
        security.transfer(alice, 1);
    }

    function test_transfer_revertsWhen_senderFrozen() public {
        vm.prank(officer);
        registry.setFrozen(alice, true);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.SenderNotEligible.selector, alice, Eligibility.Frozen, 0));
        vm.prank(alice);
        security.transfer(lp, 1);
    }

    /// @dev Accreditation governs buying, not selling: a holder whose accreditation lapsed can still sell to an
    /// eligible buyer off-venue (the venue itself refuses them).
    function test_transfer_succeedsWhen_senderAccreditationLapsed() public {
        vm.prank(officer);
        _register(alice, uint40(block.timestamp - 1), false);
        vm.prank(alice);
        security.transfer(lp, 1);
    }

    function test_transfer_revertsWhen_recipientUnregistered() public {
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, eve, Eligibility.NotRegistered, 0));
        vm.prank(alice);
        security.transfer(eve, 1);
    }

    function test_transfer_revertsWhen_recipientFrozen() public {
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, dave, Eligibility.Frozen, 0));
        vm.prank(alice);
        security.transfer(dave, 1);
    }

    function test_transfer_toListedVenueContract() public {
        vm.prank(alice);
        security.transfer(address(posm), 1);
        assertEq(security.balanceOf(address(posm)), 1);
    }

    function test_fuzz_transfer_decisionMatchesRegistry(uint8 fromIndex, uint8 toIndex, uint96 amount) public {
        address[6] memory cast = [alice, bob, carol, dave, eve, lp];
        address from = cast[fromIndex % 6];
        address to = cast[toIndex % 6];
        amount = uint96(bound(amount, 0, security.balanceOf(from)));
        (Eligibility f, uint40 fu, Eligibility t, uint40 tu,,) = registry.transferStatus(address(security), from, to);
        if (amount == 0) {
            // nothing moves, nothing is checked
        } else if (f != Eligibility.Ok) {
            vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.SenderNotEligible.selector, from, f, fu));
        } else if (t != Eligibility.Ok) {
            vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, to, t, tu));
        }
        vm.prank(from);
        security.transfer(to, amount);
    }

    // ================================================================== clearances and exit allowances

    /// @dev The gate's clearance spares the settlement a second registry call...
    function test_clearance_settlementSkipsTheRegistry() public {
        vm.expectCall(address(registry), abi.encodeWithSelector(registry.tradeStatus.selector), 1);
        vm.expectCall(address(registry), abi.encodeWithSelector(registry.transferStatus.selector), 0);
        _swapExactIn(alice, key, !_securityIs0(key), 100e6);
    }

    /// @dev ...and lives only as long as the transaction that earned it (tests run each call as its own transaction).
    function test_clearance_endsWithTheTransaction() public {
        _swapExactIn(alice, key, !_securityIs0(key), 100e6);
        vm.prank(address(security));
        assertEq(hook.clearance(alice), 0);
    }

    /// @dev A clearance is per (token, holder).
    function test_clearance_isKeyedByTokenAndHolder() public {
        ClearanceHarness h = new ClearanceHarness();
        (bool same, bool otherHolder, bool otherToken) = h.clearAndRead(address(security), alice, eve, address(usd));
        assertTrue(same);
        assertFalse(otherHolder);
        assertFalse(otherToken);
    }

    /// @dev An exit binds one depositor per transaction, and what it owes is spent at most once.
    function test_exitBinding_bindsOneDepositorAndSpendsOnce() public {
        ExitBindingHarness h = new ExitBindingHarness();
        (address first, address second, address bound, bool tooMuch, bool exact, bool again) = h.run(lp, alice, 10);
        assertEq(first, lp);
        assertEq(second, lp, "a second depositor is refused, not credited");
        assertEq(bound, lp);
        assertFalse(tooMuch);
        assertTrue(exact);
        assertFalse(again);
    }

    function test_exitPosition_revertsWhen_callerNotGate() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        vm.prank(officer);
        _register(lp, uint40(block.timestamp - 1), false);
        _burn(lp, tokenId, key);
        // The whole allowance went to the LP's own wallet; nothing is left to spend.
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.NotGate.selector, alice));
        vm.prank(alice);
        security.exitPosition(alice, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.NotGate.selector, alice));
        vm.prank(alice);
        security.reservePosition(uint160(alice), 0, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRestrictedSecurity.RecipientNotEligible.selector, lp, Eligibility.AccreditationExpired, block.timestamp - 1
            )
        );
        vm.prank(alice);
        security.transfer(lp, 1);
    }

    // ================================================================== threat-model policies, pinned

    /// @dev Threat: the security is added to a hookless pool of the shared PoolManager, where it would trade among
    /// anyone. It enters the PoolManager only to settle a gated pool's operation, so the pool cannot be funded.
    function test_threat_hooklessPool_revertsWhen_fundedWithTheSecurity() public {
        PoolKey memory open = _keyFor(Currency.wrap(address(security)), Currency.wrap(address(usd)), IHooks(address(0)));
        manager.initialize(open, _sqrtPriceOneSecurityIsTenUsd(open));
        int24 max = TickMath.maxUsableTick(open.tickSpacing);

        // Through the canonical PositionManager (Permit2 reports only its own string)...
        vm.expectRevert(bytes("TRANSFER_FROM_FAILED"));
        _mintFullRange(lp, open, 1e16);

        // ...and through a router that settles directly, which shows the token's reason.
        PoolModifyLiquidityTest direct = new PoolModifyLiquidityTest(manager);
        vm.startPrank(lp);
        security.approve(address(direct), type(uint256).max);
        usd.approve(address(direct), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.EntryNotCleared.selector, lp));
        direct.modifyLiquidity(open, ModifyLiquidityParams(-max, max, 1e16, 0), "");
        vm.stopPrank();
        assertEq(manager.getLiquidity(open.toId()), 0);
    }

    /// @dev Permit2 only moves tokens from their holder; shares sent to it would be stuck, so it is no venue.
    function test_transfer_revertsWhen_recipientIsPermit2() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, address(permit2), Eligibility.NotRegistered, 0)
        );
        vm.prank(alice);
        security.transfer(address(permit2), 1e18);
    }

    /// @dev Threat: shares paid into the PoolManager outside a gated operation, by a holder or by a venue contract
    /// holding stray shares, become credit for any pool.
    function test_threat_directPayment_revertsWhen_notAdmitted() public {
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.EntryNotCleared.selector, alice));
        vm.prank(alice);
        security.transfer(address(manager), 1e18);

        vm.prank(alice);
        security.transfer(address(router), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.EntryNotCleared.selector, address(router)));
        vm.prank(address(router));
        security.transfer(address(manager), 1e18);
    }

    /// @dev Open, by policy: a registered contract that calls the PoolManager itself can keep a gated swap's output
    /// as ERC-6909 claims, which move inside the PoolManager where the token cannot see them. What the token still
    /// guarantees: the claims never turn into shares in an ineligible wallet. See docs/threat-model.md.
    function test_threat_gatedPoolClaims_cannotBeRedeemedByIneligible() public {
        LyingRouter fund = new LyingRouter(manager, address(0));
        vm.prank(officer);
        _register(address(fund), uint40(block.timestamp + 30 days), false);
        vm.prank(alice);
        usd.approve(address(fund), type(uint256).max);
        bool zeroForOne = !_securityIs0(key);
        SwapParams memory buy = SwapParams(zeroForOne, -100e6, zeroForOne ? TickMath.MIN_SQRT_PRICE + 1 : TickMath.MAX_SQRT_PRICE - 1);
        vm.prank(alice);
        fund.swap(key, buy, PoolSwapTest.TestSettings({takeClaims: true, settleUsingBurn: false}), "");
        uint256 id = uint160(address(security));
        uint256 claims = manager.balanceOf(alice, id);
        assertGt(claims, 0);

        // The claims reach eve: this is the documented open edge.
        vm.prank(alice);
        manager.transfer(eve, id, claims);

        // Redeeming them for shares goes through the token's check and is refused.
        PoolClaimsTest redeemer = new PoolClaimsTest(manager);
        vm.prank(eve);
        manager.setOperator(address(redeemer), true);
        _expectTokenRefusal(eve, Eligibility.NotRegistered, 0);
        vm.prank(eve);
        redeemer.withdraw(Currency.wrap(address(security)), eve, claims);
    }
}

/// @notice Runs the Clearance library's writes and reads inside one call (one transaction).
contract ClearanceHarness {
    function clearAndRead(address token, address holder, address other, address otherToken)
        external
        returns (bool same, bool otherHolder, bool otherTokenCleared)
    {
        Clearance.clear(token, holder, 7);
        return (
            Clearance.keyOf(token, holder) == 7, Clearance.keyOf(token, other) != 0,
            Clearance.keyOf(otherToken, holder) != 0
        );
    }

}

/// @notice Runs the ExitBinding library's writes and reads inside one call (one transaction).
contract ExitBindingHarness {
    function run(address depositor, address other, uint256 amount)
        external
        returns (address first, address second, address bound, bool tooMuch, bool exact, bool again)
    {
        first = ExitBinding.credit(depositor, amount);
        second = ExitBinding.credit(other, amount);
        bound = ExitBinding.boundDepositor();
        tooMuch = ExitBinding.consume(amount + 1);
        exact = ExitBinding.consume(amount);
        again = ExitBinding.consume(1);
    }
}

contract DemoStablecoinTest is GateTestBase {
    function test_stablecoin_hasSixDecimals() public view {
        assertEq(usd.decimals(), 6);
        assertEq(usd.symbol(), "dUSD");
    }

    function test_stablecoin_mint_revertsWhen_callerNotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, eve));
        vm.prank(eve);
        usd.mint(eve, 1);
    }

    function test_stablecoin_transfersFreely() public {
        vm.prank(alice);
        usd.transfer(eve, 1e6);
        assertEq(usd.balanceOf(eve), 10_000_001e6);
    }
}
