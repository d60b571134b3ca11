// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Test} from "./Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {Hooks} from "@uniswap/v4-core/src/libraries/Hooks.sol";
import {CustomRevert} from "@uniswap/v4-core/src/libraries/CustomRevert.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolId} from "@uniswap/v4-core/src/types/PoolId.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {IPositionManager} from "@uniswap/v4-periphery/src/interfaces/IPositionManager.sol";
import {IV4Quoter} from "@uniswap/v4-periphery/src/interfaces/IV4Quoter.sol";
import {IStateView} from "@uniswap/v4-periphery/src/interfaces/IStateView.sol";
import {PathKey} from "@uniswap/v4-periphery/src/libraries/PathKey.sol";
import {HookMiner} from "@uniswap/v4-periphery/src/utils/HookMiner.sol";
import {IAllowanceTransfer} from "permit2/src/interfaces/IAllowanceTransfer.sol";

import {CanonicalStack, Stack} from "../../script/lib/CanonicalStack.sol";
import {IUniversalRouter} from "../../script/lib/IUniversalRouter.sol";
import {VenueCalls} from "./VenueCalls.sol";
import {InvestorRegistry} from "../../contracts/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {GateHook} from "../../contracts/GateHook.sol";
import {IGateHook} from "../../contracts/interfaces/IGateHook.sol";
import {RestrictedSecurityToken} from "../../contracts/tokens/RestrictedSecurityToken.sol";
import {DemoStablecoin} from "../../contracts/tokens/DemoStablecoin.sol";
import {Eligibility} from "../../contracts/libraries/Eligibility.sol";
import {IRestrictedSecurity} from "../../contracts/interfaces/IRestrictedSecurity.sol";

/// @title GateTestBase
/// @notice The one fixture every gate test shares: the canonical Uniswap v4 stack deployed from its npm artifacts,
/// the registry, a security token and the stablecoin, the gate hook at a mined address carrying exactly its flags,
/// one authorized, initialized and funded gated pool, and a cast of investors covering every gate decision.
abstract contract GateTestBase is Test, CanonicalStack {
    uint160 internal constant GATE_FLAGS = Hooks.BEFORE_INITIALIZE_FLAG | Hooks.BEFORE_ADD_LIQUIDITY_FLAG
        | Hooks.AFTER_REMOVE_LIQUIDITY_FLAG | Hooks.BEFORE_SWAP_FLAG | Hooks.BEFORE_DONATE_FLAG
        | Hooks.AFTER_REMOVE_LIQUIDITY_RETURNS_DELTA_FLAG;
    uint24 internal constant FEE = 3000;
    int24 internal constant TICK_SPACING = 60;
    uint48 internal constant ADMIN_DELAY = 2 days;
    uint256 internal constant START_TIME = 1_750_000_000;
    /// @dev Full-range liquidity of about 316k USD and 31.6k shares at 10 USD a share.
    uint256 internal constant LP_LIQUIDITY = 1e17;
    /// @dev log_1.0001(1e18 / 10e6): 10 USD (6 decimals) per share (18 decimals), as a tick.
    int24 internal constant TEN_USD_TICK = 253_297;

    IPoolManager internal manager;
    IPositionManager internal posm;
    IUniversalRouter internal router;
    IV4Quoter internal quoter;
    IStateView internal stateView;
    IAllowanceTransfer internal permit2;

    InvestorRegistry internal registry;
    GateHook internal hook;
    RestrictedSecurityToken internal security;
    DemoStablecoin internal usd;
    PoolKey internal key;
    PoolId internal poolId;

    address internal admin = address(this);
    address internal officer = makeAddr("officer");
    address internal pauser = makeAddr("pauser");
    address internal issuer = makeAddr("issuer");

    /// @dev The cast: one investor per gate decision.
    address internal alice = makeAddr("alice (eligible)");
    address internal bob = makeAddr("bob (in lockup)");
    address internal carol = makeAddr("carol (accreditation expired)");
    address internal dave = makeAddr("dave (frozen)");
    address internal eve = makeAddr("eve (never registered)");
    address internal lp = makeAddr("lp (eligible LP)");

    /// @dev Calldata of the last UniversalRouter or PositionManager call, for the benchmark's intrinsic gas.
    bytes internal lastCalldata;
    uint40 internal offeringLockupEnd;
    uint40 internal bobLockupEnd;

    /// @dev Permit2's runtime code, read from the file Uniswap ships it in (the one `npm start` places with
    /// anvil_setCode). Importing that file instead would pull forge-std's Script and its 430 KB safeconsole into
    /// every test's compile job, past what solc-js can parse (script/solc.cjs).
    function _etchPermit2() internal {
        string memory source = vm.readFile("node_modules/@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol");
        string memory code = vm.split(vm.split(source, 'hex"')[1], '"')[0];
        vm.etch(PERMIT2, vm.parseBytes(string.concat("0x", code)));
    }

    function setUp() public virtual {
        vm.warp(START_TIME);
        _etchPermit2();
        Stack memory s = _deployStack(admin);
        (manager, posm, router, quoter, stateView, permit2) =
            (s.poolManager, s.positionManager, s.universalRouter, s.v4Quoter, s.stateView, s.permit2);

        registry = new InvestorRegistry(admin, ADMIN_DELAY);
        registry.grantRole(registry.COMPLIANCE_ROLE(), officer);
        registry.grantRole(registry.PAUSER_ROLE(), pauser);
        registry.grantRole(registry.ISSUER_ROLE(), issuer);

        hook = _deployGateHook(registry);
        security = new RestrictedSecurityToken("Acme Series A Preferred", "ACME-A", registry, hook);
        usd = new DemoStablecoin("Demo USD", "dUSD", admin);

        _listVenue();
        offeringLockupEnd = uint40(block.timestamp - 1 days);
        bobLockupEnd = uint40(block.timestamp + 3 days);
        vm.startPrank(officer);
        registry.configureSecurity(address(security), offeringLockupEnd);
        _register(alice, uint40(block.timestamp + 365 days), false);
        _register(bob, uint40(block.timestamp + 365 days), false);
        registry.setLockupOverride(address(security), bob, bobLockupEnd);
        _register(carol, uint40(block.timestamp - 1), false);
        _register(dave, uint40(block.timestamp + 365 days), true);
        _register(lp, uint40(block.timestamp + 365 days), false);
        vm.stopPrank();

        key = _gatedKey(Currency.wrap(address(security)), Currency.wrap(address(usd)));
        poolId = key.toId();
        hook.authorizePool(key, address(security));
        manager.initialize(key, _sqrtPriceOneSecurityIsTenUsd(key));

        address[6] memory cast = [alice, bob, carol, dave, eve, lp];
        for (uint256 i; i < cast.length; ++i) {
            _approveVenue(cast[i], IERC20(address(security)));
            _approveVenue(cast[i], IERC20(address(usd)));
            usd.mint(cast[i], 10_000_000e6);
        }
        // Issuance happens during the offering, so holders in lockup get shares too.
        _issue(alice, 10_000e18);
        _issue(bob, 10_000e18);
        _issue(lp, 500_000e18);
        _mintFullRange(lp, key, LP_LIQUIDITY);
    }

    // ------------------------------------------------------------------ fixture pieces

    function _deployGateHook(IInvestorRegistry reg) internal returns (GateHook deployed) {
        bytes memory args = abi.encode(manager, reg, router, posm, quoter);
        (address expected, bytes32 salt) = HookMiner.find(address(this), GATE_FLAGS, type(GateHook).creationCode, args);
        deployed = new GateHook{salt: salt}(manager, reg, address(router), address(posm), address(quoter));
        assertEq(address(deployed), expected, "hook not at its mined address");
        deployed.setRouter(address(router), IGateHook.RouterKind.Forwarder);
        deployed.setRouter(address(posm), IGateHook.RouterKind.Forwarder);
        deployed.setRouter(address(quoter), IGateHook.RouterKind.Quoter);
    }

    function _listVenue() internal {
        registry.setVenue(address(manager), true);
        registry.setVenue(address(posm), true);
        registry.setVenue(address(router), true);
    }

    function _register(address investor, uint40 expiry, bool frozen) internal {
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(investor, expiry, frozen);
        registry.upsertInvestors(rows);
    }

    function _issue(address to, uint256 amount) internal {
        vm.prank(issuer);
        security.mint(to, amount);
    }

    function _gatedKey(Currency a, Currency b) internal view returns (PoolKey memory) {
        return _keyFor(a, b, IHooks(address(hook)));
    }

    function _keyFor(Currency a, Currency b, IHooks hooks) internal pure returns (PoolKey memory) {
        (Currency c0, Currency c1) = Currency.unwrap(a) < Currency.unwrap(b) ? (a, b) : (b, a);
        return PoolKey({currency0: c0, currency1: c1, fee: FEE, tickSpacing: TICK_SPACING, hooks: hooks});
    }

    /// @dev Price of 10 USD (6 decimals) per security (18 decimals), whichever sorts first.
    function _sqrtPriceOneSecurityIsTenUsd(PoolKey memory k) internal view returns (uint160) {
        // The raw price is currency1 per currency0: 10e6 / 1e18 if the security sorts first, else its inverse.
        return TickMath.getSqrtPriceAtTick(_securityIs0(k) ? -TEN_USD_TICK : TEN_USD_TICK);
    }

    function _approveVenue(address owner, IERC20 token) internal {
        vm.startPrank(owner);
        token.approve(address(permit2), type(uint256).max);
        permit2.approve(address(token), address(router), type(uint160).max, type(uint48).max);
        permit2.approve(address(token), address(posm), type(uint160).max, type(uint48).max);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ what users do, through the real periphery

    /// @dev A UniversalRouter V4_SWAP exact-input single-pool swap, as a wallet would send it.
    function _swapExactIn(address user, PoolKey memory k, bool zeroForOne, uint128 amountIn) internal {
        _swapExactIn(user, k, zeroForOne, amountIn, "");
    }

    function _swapExactIn(address user, PoolKey memory k, bool zeroForOne, uint128 amountIn, bytes memory hookData)
        internal
    {
        (bytes memory commands, bytes[] memory inputs) =
            VenueCalls.swapExactInSingle(k, zeroForOne, amountIn, hookData, address(0));
        _execute(user, commands, inputs);
    }

    /// @dev Like {_swapExactIn} but the output goes to `recipient` (UniversalRouter's TAKE).
    function _swapExactInTo(address user, PoolKey memory k, bool zeroForOne, uint128 amountIn, address recipient)
        internal
    {
        (bytes memory commands, bytes[] memory inputs) =
            VenueCalls.swapExactInSingle(k, zeroForOne, amountIn, "", recipient);
        _execute(user, commands, inputs);
    }

    /// @dev A multi-hop exact-input swap along `path` starting with `currencyIn`.
    function _swapPath(address user, Currency currencyIn, PathKey[] memory path, uint128 amountIn) internal {
        (bytes memory commands, bytes[] memory inputs) = VenueCalls.swapExactIn(currencyIn, path, amountIn);
        _execute(user, commands, inputs);
    }

    function _execute(address user, bytes memory commands, bytes[] memory inputs) internal {
        lastCalldata = abi.encodeCall(IUniversalRouter.execute, (commands, inputs, block.timestamp));
        vm.prank(user);
        router.execute(commands, inputs, block.timestamp);
    }

    function _modifyLiquidities(address user, bytes memory unlockData) internal {
        lastCalldata = abi.encodeCall(IPositionManager.modifyLiquidities, (unlockData, block.timestamp));
        vm.prank(user);
        posm.modifyLiquidities(unlockData, block.timestamp);
    }

    /// @dev A PositionManager MINT_POSITION + SETTLE_PAIR, as the dashboard sends it. Returns the token id.
    function _mint(address user, PoolKey memory k, int24 tickLower, int24 tickUpper, uint256 liquidity)
        internal
        returns (uint256 tokenId)
    {
        _modifyLiquidities(user, VenueCalls.mint(k, tickLower, tickUpper, liquidity, user));
        // Read after the call, so that a test's expectRevert applies to the mint itself.
        tokenId = posm.nextTokenId() - 1;
    }

    function _mintFullRange(address user, PoolKey memory k, uint256 liquidity) internal returns (uint256) {
        int24 max = TickMath.maxUsableTick(k.tickSpacing);
        return _mint(user, k, -max, max, liquidity);
    }

    function _increase(address user, uint256 tokenId, PoolKey memory k, uint256 liquidity) internal {
        _modifyLiquidities(user, VenueCalls.increase(k, tokenId, liquidity));
    }

    function _decrease(address user, uint256 tokenId, PoolKey memory k, uint256 liquidity, address recipient) internal {
        _modifyLiquidities(user, VenueCalls.decrease(k, tokenId, liquidity, recipient));
    }

    function _burn(address user, uint256 tokenId, PoolKey memory k) internal {
        _modifyLiquidities(user, VenueCalls.burn(k, tokenId, user));
    }

    // ------------------------------------------------------------------ expectations

    /// @dev A hook revert reaches the caller wrapped by the PoolManager in `WrappedError`.
    function _expectHookRevert(bytes4 callback, bytes memory reason) internal {
        vm.expectRevert(_hookRefusal(callback, reason));
    }

    function _hookRefusal(bytes4 callback, bytes memory reason) internal view returns (bytes memory) {
        return abi.encodeWithSelector(
            CustomRevert.WrappedError.selector, address(hook), callback, reason, abi.encodeWithSelector(Hooks.HookCallFailed.selector)
        );
    }

    /// @dev The PoolManager's `take` wraps the token's revert in `WrappedError`, like a hook's.
    function _expectTokenRefusal(address to, Eligibility reason, uint40 until) internal {
        _expectTokenRevert(abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, to, reason, until));
    }

    function _expectTokenRevert(bytes memory reason) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                CustomRevert.WrappedError.selector,
                address(security),
                IERC20.transfer.selector,
                reason,
                abi.encodeWithSignature("ERC20TransferFailed()")
            )
        );
    }

    function _notEligible(address investor, Eligibility reason, uint40 until) internal view returns (bytes memory) {
        return abi.encodeWithSelector(
            IGateHook.InvestorNotEligible.selector, investor, address(security), reason, until
        );
    }

    function _securityIs0(PoolKey memory k) internal view returns (bool) {
        return Currency.unwrap(k.currency0) == address(security);
    }
}
