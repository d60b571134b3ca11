// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {Hooks} from "@uniswap/v4-core/src/libraries/Hooks.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolId} from "@uniswap/v4-core/src/types/PoolId.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {BalanceDelta} from "@uniswap/v4-core/src/types/BalanceDelta.sol";
import {SwapParams, ModifyLiquidityParams} from "@uniswap/v4-core/src/types/PoolOperation.sol";
import {PoolSwapTest} from "@uniswap/v4-core/src/test/PoolSwapTest.sol";
import {PoolDonateTest} from "@uniswap/v4-core/src/test/PoolDonateTest.sol";
import {BaseHook} from "@openzeppelin/uniswap-hooks/src/base/BaseHook.sol";
import {IV4Quoter} from "@uniswap/v4-periphery/src/interfaces/IV4Quoter.sol";
import {PathKey} from "@uniswap/v4-periphery/src/libraries/PathKey.sol";
import {QuoterRevert} from "@uniswap/v4-periphery/src/libraries/QuoterRevert.sol";

import {GateTestBase} from "./utils/GateTestBase.sol";
import {LyingRouter, PlainToken} from "./utils/TestTokens.sol";
import {IRestrictedSecurity} from "../contracts/interfaces/IRestrictedSecurity.sol";
import {RestrictedSecurityToken} from "../contracts/tokens/RestrictedSecurityToken.sol";
import {IGateHook} from "../contracts/interfaces/IGateHook.sol";
import {IInvestorRegistry} from "../contracts/interfaces/IInvestorRegistry.sol";
import {Eligibility} from "../contracts/libraries/Eligibility.sol";

contract GateHookTest is GateTestBase {
    bytes32 internal constant DEFAULT_ADMIN_ROLE = 0x00;

    // ================================================================== deployment

    function test_hook_addressCarriesExactlyItsFlags() public view {
        assertEq(uint160(address(hook)) & Hooks.ALL_HOOK_MASK, GATE_FLAGS);
        Hooks.Permissions memory p = hook.getHookPermissions();
        assertTrue(p.beforeInitialize && p.beforeAddLiquidity && p.afterRemoveLiquidity && p.beforeSwap && p.beforeDonate);
        // The one delta: an exit's principal in the security, which the gate pays to its owner itself.
        assertTrue(p.afterRemoveLiquidityReturnDelta);
        assertFalse(p.beforeSwapReturnDelta || p.afterSwapReturnDelta || p.afterAddLiquidityReturnDelta);
        assertFalse(p.afterInitialize || p.afterAddLiquidity || p.beforeRemoveLiquidity || p.afterSwap || p.afterDonate);
    }

    function test_hook_revertsWhen_deployedAtAddressWithoutItsFlags() public {
        vm.expectRevert(abi.encodeWithSelector(Hooks.HookAddressNotValid.selector, address(0xBEEF)));
        deployCodeTo(
            "GateHook.sol:GateHook", abi.encode(manager, registry, router, posm, quoter), address(0xBEEF)
        );
    }

    function test_hook_wiring() public view {
        assertEq(address(hook.registry()), address(registry));
        assertEq(hook.universalRouter(), address(router));
        assertEq(hook.positionManager(), address(posm));
        assertEq(hook.v4Quoter(), address(quoter));
        (address sec, bool authorized, bool initialized, bool paused) = hook.poolConfig(poolId);
        assertEq(sec, address(security));
        assertTrue(authorized && initialized);
        assertFalse(paused);
    }

    // ================================================================== entry points only for the PoolManager

    function test_callbacks_revertWhen_callerNotPoolManager() public {
        SwapParams memory sp = SwapParams(true, -1, TickMath.MIN_SQRT_PRICE + 1);
        ModifyLiquidityParams memory mp = ModifyLiquidityParams(-60, 60, 1, 0);
        vm.startPrank(alice);
        vm.expectRevert(BaseHook.NotPoolManager.selector);
        hook.beforeInitialize(alice, key, TickMath.MIN_SQRT_PRICE);
        vm.expectRevert(BaseHook.NotPoolManager.selector);
        hook.beforeSwap(alice, key, sp, "");
        vm.expectRevert(BaseHook.NotPoolManager.selector);
        hook.beforeAddLiquidity(alice, key, mp, "");
        vm.expectRevert(BaseHook.NotPoolManager.selector);
        hook.afterRemoveLiquidity(alice, key, mp, BalanceDelta.wrap(0), BalanceDelta.wrap(0), "");
        vm.expectRevert(BaseHook.NotPoolManager.selector);
        hook.beforeDonate(alice, key, 1, 1, "");
        vm.stopPrank();
    }

    function test_callbacks_revertWhen_notImplemented() public {
        vm.startPrank(address(manager));
        vm.expectRevert(BaseHook.HookNotImplemented.selector);
        hook.afterSwap(alice, key, SwapParams(true, -1, 0), BalanceDelta.wrap(0), "");
        vm.expectRevert(BaseHook.HookNotImplemented.selector);
        hook.beforeRemoveLiquidity(alice, key, ModifyLiquidityParams(-60, 60, -1, 0), "");
        vm.stopPrank();
    }

    // ================================================================== pool authorization and initialization

    function test_authorizePool_emitsAndRecords() public {
        PoolKey memory k = _otherGatedKey();
        vm.expectEmit(address(hook));
        emit IGateHook.PoolAuthorized(k.toId(), address(security), k.currency0, k.currency1, admin);
        hook.authorizePool(k, address(security));
        (address sec, bool authorized, bool initialized,) = hook.poolConfig(k.toId());
        assertEq(sec, address(security));
        assertTrue(authorized);
        assertFalse(initialized);
    }

    function test_authorizePool_isIdempotentForALivePool() public {
        hook.authorizePool(key, address(security));
        (, bool authorized, bool initialized,) = hook.poolConfig(poolId);
        assertTrue(authorized && initialized);
    }

    function test_authorizePool_revertsWhen_livePoolGetsAnotherSecurity() public {
        vm.expectRevert(abi.encodeWithSelector(IGateHook.PoolAlreadyInitialized.selector, poolId));
        hook.authorizePool(key, address(usd));
    }

    function test_authorizePool_revertsWhen_callerNotAdmin() public {
        vm.prank(officer);
        vm.expectRevert(abi.encodeWithSelector(IGateHook.Unauthorized.selector, officer, DEFAULT_ADMIN_ROLE));
        hook.authorizePool(_otherGatedKey(), address(security));
    }

    function test_authorizePool_revertsWhen_keyNamesAnotherHook() public {
        PoolKey memory k = _keyFor(Currency.wrap(address(security)), Currency.wrap(address(usd)), IHooks(address(0)));
        vm.expectRevert(abi.encodeWithSelector(IGateHook.WrongHook.selector, address(0)));
        hook.authorizePool(k, address(security));
    }

    /// @dev Exits credit the security token and its settlements trust this gate: a token bound to another gate (or
    /// none) would make exits revert, so such a pool is never authorized.
    function test_authorizePool_revertsWhen_securityNotBoundToGate() public {
        StrayGate otherGate = new StrayGate(manager);
        RestrictedSecurityToken stray = new RestrictedSecurityToken("Stray", "STRAY", registry, IGateHook(address(otherGate)));
        PoolKey memory k = _gatedKey(Currency.wrap(address(stray)), Currency.wrap(address(usd)));
        vm.expectRevert(abi.encodeWithSelector(IGateHook.SecurityNotBoundToGate.selector, address(stray)));
        hook.authorizePool(k, address(stray));
    }

    function test_authorizePool_revertsWhen_securityNotInPool() public {
        vm.expectRevert(abi.encodeWithSelector(IGateHook.SecurityNotInPool.selector, alice));
        hook.authorizePool(_otherGatedKey(), alice);
    }

    function test_revokePoolAuthorization_blocksInitialization() public {
        PoolKey memory k = _otherGatedKey();
        hook.authorizePool(k, address(security));
        vm.expectEmit(address(hook));
        emit IGateHook.PoolAuthorizationRevoked(k.toId(), admin);
        hook.revokePoolAuthorization(k);
        _expectHookRevert(IHooks.beforeInitialize.selector, abi.encodeWithSelector(IGateHook.PoolNotAuthorized.selector, k.toId()));
        manager.initialize(k, TickMath.getSqrtPriceAtTick(0));
    }

    function test_revokePoolAuthorization_revertsWhen_poolInitialized() public {
        vm.expectRevert(abi.encodeWithSelector(IGateHook.PoolAlreadyInitialized.selector, poolId));
        hook.revokePoolAuthorization(key);
    }

    function test_revokePoolAuthorization_revertsWhen_notAuthorized() public {
        PoolKey memory k = _otherGatedKey();
        vm.expectRevert(abi.encodeWithSelector(IGateHook.PoolNotAuthorized.selector, k.toId()));
        hook.revokePoolAuthorization(k);
    }

    function test_initialize_revertsWhen_poolNotAuthorized() public {
        PoolKey memory k = _otherGatedKey();
        _expectHookRevert(IHooks.beforeInitialize.selector, abi.encodeWithSelector(IGateHook.PoolNotAuthorized.selector, k.toId()));
        manager.initialize(k, TickMath.getSqrtPriceAtTick(0));
    }

    /// @dev Threat: someone front-runs the admin's initialization of an authorized key at a bad price.
    function test_initialize_revertsWhen_frontRunByNonAdmin() public {
        PoolKey memory k = _otherGatedKey();
        hook.authorizePool(k, address(security));
        vm.prank(eve);
        _expectHookRevert(IHooks.beforeInitialize.selector, abi.encodeWithSelector(IGateHook.InitializerNotAdmin.selector, eve));
        manager.initialize(k, TickMath.MIN_SQRT_PRICE);
        // The admin's own initialization at the intended price still goes through afterwards.
        manager.initialize(k, TickMath.getSqrtPriceAtTick(0));
        (,, bool initialized,) = hook.poolConfig(k.toId());
        assertTrue(initialized);
    }

    function test_initialize_revertsWhen_eligibleInvestorIsNotAdmin() public {
        PoolKey memory k = _otherGatedKey();
        hook.authorizePool(k, address(security));
        vm.prank(alice);
        _expectHookRevert(IHooks.beforeInitialize.selector, abi.encodeWithSelector(IGateHook.InitializerNotAdmin.selector, alice));
        manager.initialize(k, TickMath.getSqrtPriceAtTick(0));
    }

    // ================================================================== swaps

    function test_swap_succeedsWhen_investorEligible() public {
        uint256 sharesBefore = security.balanceOf(alice);
        uint256 usdBefore = usd.balanceOf(alice);
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorSwap(poolId, alice);
        _buy(alice, 1_000e6);
        assertEq(usd.balanceOf(alice), usdBefore - 1_000e6);
        // ~99.4 shares at 10 USD less the 0.3% fee and price impact.
        assertApproxEqRel(security.balanceOf(alice) - sharesBefore, 99.4e18, 0.01e18);
    }

    function test_swap_succeedsWhen_investorSells() public {
        uint256 usdBefore = usd.balanceOf(alice);
        _sell(alice, 10e18);
        assertApproxEqRel(usd.balanceOf(alice) - usdBefore, 99.4e6, 0.01e18);
    }

    function test_swap_revertsWhen_lockupActive() public {
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(bob, Eligibility.LockupActive, bobLockupEnd));
        _buy(bob, 1_000e6);
    }

    function test_swap_revertsWhen_accreditationExpired() public {
        (, uint40 expiry,) = _recordOf(carol);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(carol, Eligibility.AccreditationExpired, expiry));
        _buy(carol, 1_000e6);
    }

    function test_swap_revertsWhen_investorFrozen() public {
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(dave, Eligibility.Frozen, 0));
        _buy(dave, 1_000e6);
    }

    /// @dev Threat: a trusted router used by an ineligible investor.
    function test_swap_revertsWhen_investorNotRegistered() public {
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(eve, Eligibility.NotRegistered, 0));
        _buy(eve, 1_000e6);
    }

    function test_swap_revertsWhen_securityDelisted() public {
        vm.prank(officer);
        registry.delistSecurity(address(security));
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.SecurityNotListed, 0));
        _buy(alice, 1_000e6);
    }

    /// @dev Threat: an untrusted router claims, through msgSender(), to act for an eligible investor.
    function test_swap_revertsWhen_untrustedRouterClaimsEligibleInvestor() public {
        LyingRouter liar = new LyingRouter(manager, alice);
        assertEq(liar.msgSender(), alice);
        vm.prank(eve);
        usd.approve(address(liar), type(uint256).max);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(address(liar), Eligibility.NotRegistered, 0));
        vm.prank(eve);
        liar.swap(key, _buyParams(1_000e6), PoolSwapTest.TestSettings(false, false), "");
    }

    /// @dev A contract that is itself a registered investor may trade as itself, never as someone else.
    function test_swap_succeedsWhen_customContractIsItselfEligible() public {
        LyingRouter fund = new LyingRouter(manager, eve);
        _registerAsOfficer(address(fund), uint40(block.timestamp + 30 days));
        vm.prank(alice);
        usd.approve(address(fund), type(uint256).max);
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorSwap(poolId, address(fund));
        vm.prank(alice);
        fund.swap(key, _buyParams(1_000e6), PoolSwapTest.TestSettings(false, false), "");
    }

    /// @dev Threat: an eligible investor routes the output to someone the registry does not know. The hook cannot see
    /// the recipient; the token can.
    function test_swap_revertsWhen_outputSentToIneligibleRecipient() public {
        _expectTokenRefusal(eve, Eligibility.NotRegistered, 0);
        _swapExactInTo(alice, key, !_securityIs0(key), 1_000e6, eve);
    }

    function test_swap_succeedsWhen_outputSentToAnotherEligibleHolder() public {
        uint256 before = security.balanceOf(lp);
        _swapExactInTo(alice, key, !_securityIs0(key), 1_000e6, lp);
        assertGt(security.balanceOf(lp), before);
    }

    /// @dev Threat: a multi-hop path whose middle pool is gated. Outer legs are hookless pools of plain tokens.
    function test_swap_multiHop_revertsWhen_middlePoolGatedAndInvestorIneligible() public {
        (PlainToken x, PathKey[] memory path) = _multiHopFixture();
        vm.prank(eve);
        x.approve(address(permit2), type(uint256).max);
        vm.prank(eve);
        permit2.approve(address(x), address(router), type(uint160).max, type(uint48).max);
        x.transfer(eve, 1_000e18);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(eve, Eligibility.NotRegistered, 0));
        _swapPath(eve, Currency.wrap(address(x)), path, 100e18);
    }

    function test_swap_multiHop_succeedsWhen_investorEligible() public {
        (PlainToken x, PathKey[] memory path) = _multiHopFixture();
        _approveVenue(alice, IERC20(address(x)));
        x.transfer(alice, 1_000e18);
        IERC20 y = IERC20(Currency.unwrap(path[2].intermediateCurrency));
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorSwap(poolId, alice);
        _swapPath(alice, Currency.wrap(address(x)), path, 100e18);
        assertGt(y.balanceOf(alice), 0);
    }

    /// @dev Lockup ends at `end` exactly: refused one second before, allowed from that second on.
    function test_fuzz_swap_lockupBoundary(uint40 offset, bool after_) public {
        offset = uint40(bound(offset, 0, 30 days));
        uint256 t = after_ ? bobLockupEnd + uint256(offset) : bobLockupEnd - 1 - uint256(offset) % (bobLockupEnd - block.timestamp);
        vm.warp(t);
        if (t < bobLockupEnd) {
            _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(bob, Eligibility.LockupActive, bobLockupEnd));
        }
        _buy(bob, 100e6);
    }

    function test_swap_lockupEndsExactlyAtItsTimestamp() public {
        vm.warp(bobLockupEnd - 1);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(bob, Eligibility.LockupActive, bobLockupEnd));
        _buy(bob, 100e6);
        vm.warp(bobLockupEnd);
        _buy(bob, 100e6);
    }

    /// @dev Accreditation is valid while now < expiry; it lapses at the expiry second.
    function test_fuzz_swap_accreditationExpiry(uint32 warpBy) public {
        (, uint40 expiry,) = _recordOf(alice);
        uint256 t = block.timestamp + bound(warpBy, 0, 2 * (expiry - block.timestamp));
        vm.warp(t);
        if (t >= expiry) {
            _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.AccreditationExpired, expiry));
        }
        _buy(alice, 100e6);
    }

    /// @dev A freeze takes effect for the very next transaction, in the same block.
    function test_swap_revertsWhen_frozenInSameBlock() public {
        uint256 blockNumber = block.number;
        _buy(alice, 100e6);
        vm.prank(officer);
        registry.setFrozen(alice, true);
        assertEq(block.number, blockNumber);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.Frozen, 0));
        _buy(alice, 100e6);
    }

    /// @dev hookData is unsigned input from the caller; it must never change the gate's decision.
    function test_fuzz_swap_hookDataNeverChangesDecision(bytes calldata hookData, bool eligible) public {
        address who = eligible ? alice : eve;
        if (!eligible) _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(eve, Eligibility.NotRegistered, 0));
        _swapExactIn(who, key, !_securityIs0(key), 100e6, hookData);
    }

    /// @dev If the registry misbehaves the gate fails closed: the registry's revert aborts the swap.
    function test_swap_revertsWhen_registryReverts() public {
        bytes memory boom = abi.encodeWithSignature("Error(string)", "registry down");
        vm.mockCallRevert(address(registry), abi.encodeWithSelector(IInvestorRegistry.tradeStatus.selector), boom);
        _expectHookRevert(IHooks.beforeSwap.selector, boom);
        _buy(alice, 100e6);
    }

    function test_swap_exactOutput_isGatedToo() public {
        PoolSwapTest direct = new PoolSwapTest(manager);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(address(direct), Eligibility.NotRegistered, 0));
        vm.prank(eve);
        direct.swap(
            key, SwapParams(!_securityIs0(key), 1e18, _limit(!_securityIs0(key))), PoolSwapTest.TestSettings(false, false), ""
        );
    }

    // ================================================================== quotes

    /// @dev Policy, pinned: quotes through the canonical V4Quoter are open to everyone (keepers, visitors), because
    /// V4Quoter's swaps always revert. The quote equals what an eligible investor's swap then returns.
    function test_quote_isOpenToIneligibleCallers_andExact() public {
        bool zeroForOne = !_securityIs0(key);
        vm.prank(eve);
        (uint256 quoted,) = quoter.quoteExactInputSingle(IV4Quoter.QuoteExactSingleParams(key, zeroForOne, 1_000e6, ""));
        uint256 before = security.balanceOf(alice);
        _buy(alice, 1_000e6);
        assertEq(security.balanceOf(alice) - before, quoted);
    }

    /// @dev The quoter kind opens swaps only: a contract given that kind cannot add liquidity or donate unchecked.
    function test_quoterKind_doesNotOpenDonations() public {
        PoolDonateTest donor = new PoolDonateTest(manager);
        hook.setRouter(address(donor), IGateHook.RouterKind.Quoter);
        vm.prank(alice);
        usd.approve(address(donor), type(uint256).max);
        _expectHookRevert(IHooks.beforeDonate.selector, _notEligible(address(donor), Eligibility.NotRegistered, 0));
        vm.prank(alice);
        _donateUsd(donor, 100e6);
    }

    function test_quote_revertsWhen_quoterUntrusted() public {
        hook.setRouter(address(quoter), IGateHook.RouterKind.Untrusted);
        vm.prank(eve);
        // An untrusted quoter is checked as itself; V4Quoter reports the gate's refusal as unexpected revert bytes.
        bytes memory refusal = _hookRefusal(IHooks.beforeSwap.selector, _notEligible(address(quoter), Eligibility.NotRegistered, 0));
        vm.expectRevert(abi.encodeWithSelector(QuoterRevert.UnexpectedRevertBytes.selector, refusal));
        quoter.quoteExactInputSingle(IV4Quoter.QuoteExactSingleParams(key, !_securityIs0(key), 1_000e6, ""));
    }

    // ================================================================== liquidity

    function test_addLiquidity_succeedsWhen_lpEligible() public {
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorLiquidityAdded(poolId, lp);
        uint256 tokenId = _mint(lp, key, -600, 600 + TEN_USD_TICK / 60 * 60, 1e15);
        assertEq(IERC721(address(posm)).ownerOf(tokenId), lp);
    }

    function test_addLiquidity_revertsWhen_lpIneligible() public {
        int24 max = TickMath.maxUsableTick(TICK_SPACING);
        _expectHookRevert(IHooks.beforeAddLiquidity.selector, _notEligible(bob, Eligibility.LockupActive, bobLockupEnd));
        _mint(bob, key, -max, max, 1e15);
    }

    function test_increaseLiquidity_revertsWhen_lpRevoked() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e15);
        vm.prank(officer);
        registry.setFrozen(lp, true);
        _expectHookRevert(IHooks.beforeAddLiquidity.selector, _notEligible(lp, Eligibility.Frozen, 0));
        _increase(lp, tokenId, key, 1e15);
    }

    /// @dev Exits are never gated: an LP whose accreditation lapsed takes out principal and fees, security included.
    function test_removeLiquidity_succeedsWhen_lpAccreditationLapsed() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        _buy(alice, 10_000e6); // earn some fees
        _registerAsOfficer(lp, uint40(block.timestamp - 1)); // accreditation lapses
        (Eligibility status,) = registry.eligibility(lp, address(security));
        assertEq(uint8(status), uint8(Eligibility.AccreditationExpired));

        uint256 sharesBefore = security.balanceOf(lp);
        uint256 usdBefore = usd.balanceOf(lp);
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorLiquidityRemoved(poolId, lp);
        _decrease(lp, tokenId, key, 0, lp); // collect fees only
        _burn(lp, tokenId, key); // and close
        assertGt(security.balanceOf(lp), sharesBefore);
        assertGt(usd.balanceOf(lp), usdBefore);
    }

    function test_removeLiquidity_succeedsWhen_lpFrozen() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        vm.prank(officer);
        registry.setFrozen(lp, true);
        uint256 sharesBefore = security.balanceOf(lp);
        _burn(lp, tokenId, key);
        assertGt(security.balanceOf(lp), sharesBefore);
    }

    function test_removeLiquidity_succeedsWhen_poolPaused() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        _pause(true);
        _burn(lp, tokenId, key);
        assertEq(posm.getPositionLiquidity(tokenId), 0);
    }

    /// @dev The depositor's exit pays the security to its own wallet only, whatever recipient it names: the gate pays
    /// the principal to the depositor, and the fees may not go elsewhere. The quote side is free.
    function test_threat_exit_revertsWhen_securitySentToAnotherAddress() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        uint256 liquidity = posm.getPositionLiquidity(tokenId);
        _sell(alice, 100e18); // the position earns fees in the security
        _expectTokenRevert(abi.encodeWithSelector(IRestrictedSecurity.PayoutBoundToDepositor.selector, eve, lp));
        _decrease(lp, tokenId, key, liquidity, eve);

        // Without fees owed, the exit goes through, and its security still lands in the depositor's wallet.
        _decrease(lp, tokenId, key, 0, lp);
        uint256 lpShares = security.balanceOf(lp);
        uint256 eveDollars = usd.balanceOf(eve);
        _decrease(lp, tokenId, key, liquidity, eve);
        assertGt(security.balanceOf(lp), lpShares);
        assertEq(security.balanceOf(eve), 0);
        assertGt(usd.balanceOf(eve), eveDollars);
    }

    /// @dev An investor taken off the roster still gets its own liquidity back, into its own wallet, where the token
    /// keeps it (an unregistered sender cannot move it).
    function test_removeLiquidity_succeedsWhen_depositorRemovedFromRoster() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        vm.prank(officer);
        registry.unlinkWallet(lp);
        uint256 sharesBefore = security.balanceOf(lp);
        _burn(lp, tokenId, key);
        assertGt(security.balanceOf(lp), sharesBefore);
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.SenderNotEligible.selector, lp, Eligibility.NotRegistered, 0)
        );
        vm.prank(lp);
        security.transfer(alice, 1);
    }

    // ================================================================== donations

    function test_donate_revertsWhen_donorIneligible() public {
        PoolDonateTest donor = new PoolDonateTest(manager);
        vm.prank(eve);
        usd.approve(address(donor), type(uint256).max);
        // The donate router is not trusted, so the donor contract itself is the one checked.
        _expectHookRevert(IHooks.beforeDonate.selector, _notEligible(address(donor), Eligibility.NotRegistered, 0));
        vm.prank(eve);
        _donateUsd(donor, 100e6);
    }

    /// @dev Threat: an eligible donor gives the security to whoever holds liquidity in range, lapsed or off the roster
    /// included, whose exit would accept it. Only the quote currency may be donated.
    function test_threat_donate_revertsWhen_securityDonated() public {
        PoolDonateTest donor = new PoolDonateTest(manager);
        _registerAsOfficer(address(donor), uint40(block.timestamp + 30 days));
        vm.startPrank(alice);
        security.approve(address(donor), type(uint256).max);
        (uint256 a0, uint256 a1) = _securityIs0(key) ? (uint256(1e18), uint256(0)) : (uint256(0), uint256(1e18));
        _expectHookRevert(IHooks.beforeDonate.selector, abi.encodeWithSelector(IGateHook.SecurityDonationRefused.selector, poolId));
        donor.donate(key, a0, a1, "");
        vm.stopPrank();
    }

    function test_donate_succeedsWhen_donorContractEligible() public {
        PoolDonateTest donor = new PoolDonateTest(manager);
        _registerAsOfficer(address(donor), uint40(block.timestamp + 30 days));
        vm.prank(alice);
        usd.approve(address(donor), type(uint256).max);
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorDonation(poolId, address(donor));
        vm.prank(alice);
        _donateUsd(donor, 100e6);
    }

    // ================================================================== pause

    function test_pause_stopsSwapsAddsAndDonations() public {
        vm.expectEmit(address(hook));
        emit IGateHook.PoolPausedSet(poolId, true, pauser);
        _pause(true);
        bytes memory paused = abi.encodeWithSelector(IGateHook.PoolIsPaused.selector, poolId);
        _expectHookRevert(IHooks.beforeSwap.selector, paused);
        _buy(alice, 100e6);
        _expectHookRevert(IHooks.beforeAddLiquidity.selector, paused);
        _mintFullRange(lp, key, 1e15);

        _pause(false);
        _buy(alice, 100e6);
    }

    function test_setPaused_revertsWhen_callerNotPauser() public {
        PoolId[] memory ids = new PoolId[](1);
        ids[0] = poolId;
        vm.expectRevert(abi.encodeWithSelector(IGateHook.Unauthorized.selector, officer, registry.PAUSER_ROLE()));
        vm.prank(officer);
        hook.setPaused(ids, true);
    }

    function test_setPaused_revertsWhen_poolUnknown() public {
        PoolId[] memory ids = new PoolId[](1);
        ids[0] = _otherGatedKey().toId();
        vm.expectRevert(abi.encodeWithSelector(IGateHook.PoolNotAuthorized.selector, ids[0]));
        vm.prank(pauser);
        hook.setPaused(ids, true);
    }

    // ================================================================== routers

    function test_setRouter_canonicalRoutersHaveTheirKinds() public view {
        assertEq(uint8(hook.routerKind(address(router))), uint8(IGateHook.RouterKind.Forwarder));
        assertEq(uint8(hook.routerKind(address(posm))), uint8(IGateHook.RouterKind.Forwarder));
        assertEq(uint8(hook.routerKind(address(quoter))), uint8(IGateHook.RouterKind.Quoter));
        assertEq(uint8(hook.routerKind(alice)), uint8(IGateHook.RouterKind.Untrusted));
    }

    function test_setRouter_untrustingUniversalRouterChecksTheRouterItself() public {
        vm.expectEmit(address(hook));
        emit IGateHook.RouterSet(address(router), IGateHook.RouterKind.Untrusted, admin);
        hook.setRouter(address(router), IGateHook.RouterKind.Untrusted);
        assertEq(hook.resolveInvestor(address(router)), address(router));
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(address(router), Eligibility.NotRegistered, 0));
        _buy(alice, 100e6);
        // Trusting it again restores the investor's access, in every pool.
        hook.setRouter(address(router), IGateHook.RouterKind.Forwarder);
        _buy(alice, 100e6);
    }

    function test_setRouter_newForwarderIsTrusted() public {
        LyingRouter r = new LyingRouter(manager, alice);
        hook.setRouter(address(r), IGateHook.RouterKind.Forwarder);
        assertEq(hook.resolveInvestor(address(r)), alice);
        vm.prank(alice);
        usd.approve(address(r), type(uint256).max);
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorSwap(poolId, alice);
        vm.prank(alice);
        r.swap(key, _buyParams(100e6), PoolSwapTest.TestSettings(false, false), "");
    }

    function test_setRouter_revertsWhen_canonicalRouterGivenOtherKind() public {
        vm.expectRevert(
            abi.encodeWithSelector(IGateHook.RouterKindMismatch.selector, address(quoter), IGateHook.RouterKind.Forwarder)
        );
        hook.setRouter(address(quoter), IGateHook.RouterKind.Forwarder);
    }

    function test_setRouter_revertsWhen_callerNotAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IGateHook.Unauthorized.selector, eve, DEFAULT_ADMIN_ROLE));
        vm.prank(eve);
        hook.setRouter(eve, IGateHook.RouterKind.Forwarder);
    }

    // ================================================================== the hook holds nothing

    function test_hook_holdsNoTokens() public {
        _buy(alice, 1_000e6);
        _sell(alice, 10e18);
        uint256 tokenId = _mintFullRange(lp, key, 1e15);
        _burn(lp, tokenId, key);
        assertEq(security.balanceOf(address(hook)), 0);
        assertEq(usd.balanceOf(address(hook)), 0);
        assertEq(manager.balanceOf(address(hook), uint160(address(security))), 0);
        assertEq(manager.balanceOf(address(hook), uint160(address(usd))), 0);
    }

    // ================================================================== helpers

    function _buy(address who, uint128 usdIn) internal {
        _swapExactIn(who, key, !_securityIs0(key), usdIn);
    }

    function _sell(address who, uint128 sharesIn) internal {
        _swapExactIn(who, key, _securityIs0(key), sharesIn);
    }

    function _buyParams(int256 usdIn) internal view returns (SwapParams memory) {
        bool zeroForOne = !_securityIs0(key);
        return SwapParams(zeroForOne, -usdIn, _limit(zeroForOne));
    }

    function _limit(bool zeroForOne) internal pure returns (uint160) {
        return zeroForOne ? TickMath.MIN_SQRT_PRICE + 1 : TickMath.MAX_SQRT_PRICE - 1;
    }

    function _otherGatedKey() internal view returns (PoolKey memory k) {
        k = _gatedKey(Currency.wrap(address(security)), Currency.wrap(address(usd)));
        k.fee = 500;
        k.tickSpacing = 10;
    }

    function _pause(bool paused) internal {
        PoolId[] memory ids = new PoolId[](1);
        ids[0] = poolId;
        vm.prank(pauser);
        hook.setPaused(ids, paused);
    }

    function _recordOf(address who) internal view returns (bool registered, uint40 expiry, bool frozen) {
        IInvestorRegistry.InvestorView memory v = registry.investor(who);
        return (v.registered, v.accreditationExpiry, v.frozen);
    }

    function _registerAsOfficer(address who, uint40 expiry) internal {
        vm.prank(officer);
        _register(who, expiry, false);
    }

    function _donateUsd(PoolDonateTest donor, uint256 amount) internal {
        (uint256 a0, uint256 a1) = _securityIs0(key) ? (uint256(0), amount) : (amount, uint256(0));
        donor.donate(key, a0, a1, "");
    }

    /// @dev X -> USD (hookless), USD -> security (gated), security -> Y (gated).
    function _multiHopFixture() internal returns (PlainToken x, PathKey[] memory path) {
        x = new PlainToken("Token X", "X");
        PlainToken y = new PlainToken("Token Y", "Y");
        x.transfer(lp, 1e24);
        y.transfer(lp, 1e24);
        _approveVenue(lp, IERC20(address(x)));
        _approveVenue(lp, IERC20(address(y)));

        PoolKey memory xUsd = _keyFor(Currency.wrap(address(x)), Currency.wrap(address(usd)), IHooks(address(0)));
        // 1 X (18 decimals) = 1 USD (6 decimals)
        int24 tick = 276_324;
        manager.initialize(xUsd, TickMath.getSqrtPriceAtTick(Currency.unwrap(xUsd.currency0) == address(x) ? -tick : tick));
        _mintFullRange(lp, xUsd, 1e17);
        // The security never enters a hookless pool, so its leg out is a second gated pool.
        PoolKey memory secY = _gatedKey(Currency.wrap(address(security)), Currency.wrap(address(y)));
        hook.authorizePool(secY, address(security));
        manager.initialize(secY, TickMath.getSqrtPriceAtTick(0));
        _mintFullRange(lp, secY, 1e21);

        path = new PathKey[](3);
        path[0] = PathKey(Currency.wrap(address(usd)), FEE, TICK_SPACING, IHooks(address(0)), "");
        path[1] = PathKey(Currency.wrap(address(security)), FEE, TICK_SPACING, IHooks(address(hook)), "");
        path[2] = PathKey(Currency.wrap(address(y)), FEE, TICK_SPACING, IHooks(address(hook)), "");
    }
}

/// @notice Just enough of a gate for a security token to be built around it: the PoolManager it settles with.
contract StrayGate {
    IPoolManager public immutable poolManager;

    constructor(IPoolManager manager) {
        poolManager = manager;
    }
}
