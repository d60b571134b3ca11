// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Test} from "../utils/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {CustomRevert} from "@uniswap/v4-core/src/libraries/CustomRevert.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {SqrtPriceMath} from "@uniswap/v4-core/src/libraries/SqrtPriceMath.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolId} from "@uniswap/v4-core/src/types/PoolId.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {IPositionManager} from "@uniswap/v4-periphery/src/interfaces/IPositionManager.sol";
import {IUniversalRouter} from "../../script/lib/IUniversalRouter.sol";
import {InvestorRegistry} from "../../contracts/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {GateHook} from "../../contracts/GateHook.sol";
import {IGateHook} from "../../contracts/interfaces/IGateHook.sol";
import {Eligibility} from "../../contracts/libraries/Eligibility.sol";
import {VenueCalls} from "../utils/VenueCalls.sol";

/// @notice Drives the venue the way its users and attackers would, through the canonical periphery, and keeps
/// ghost counters of every outcome the invariants forbid. Calls that fail are caught, never fatal: a refusal is
/// often the right answer, and the ghosts decide whether it was.
contract GateHandler is Test {
    using StateLibrary for IPoolManager;
    struct Venue {
        IPoolManager manager;
        IPositionManager posm;
        IUniversalRouter router;
        InvestorRegistry registry;
        GateHook hook;
        IERC20 security;
        /// @dev The twin pool's share: registry-checked, in the same currency order as the security.
        IERC20 twinShare;
        IERC20 usd;
        address officer;
        address pauser;
        address admin;
    }

    Venue internal v;
    PoolKey internal gated;
    PoolKey internal twin;
    address[] internal actors;
    address[] internal strangers;

    // ghosts: each must stay 0
    uint256 public ghost_ineligibleCompleted;
    uint256 public ghost_eligibleRefusedByGate;
    uint256 public ghost_twinMismatches;
    uint256 public ghost_unauthorizedInitializations;
    uint256 public ghost_unauthorizedEdits;
    // ghosts: coverage, so a campaign that never trades cannot pass unnoticed
    uint256 public ghost_swapsCompleted;
    uint256 public ghost_swapsRefused;
    uint256 public ghost_addsCompleted;

    mapping(PoolId poolId => bool) public authorized;

    constructor(Venue memory venue, PoolKey memory gatedKey, PoolKey memory twinKey, address[] memory cast) {
        v = venue;
        gated = gatedKey;
        twin = twinKey;
        actors = cast;
        authorized[gatedKey.toId()] = true;
        strangers.push(makeAddr("stranger 1"));
        strangers.push(makeAddr("stranger 2"));
        strangers.push(cast[0]); // an eligible investor is still no admin
    }

    // ------------------------------------------------------------------ trading, mirrored on a hookless twin

    /// @dev An exact-input swap in the gated pool; when it completes, the same swap in the twin must give the same.
    function swap(uint256 actorSeed, bool buy, uint256 amountSeed) external {
        address actor = actors[actorSeed % actors.length];
        bool securityIs0 = Currency.unwrap(gated.currency0) == address(v.security);
        bool zeroForOne = buy ? !securityIs0 : securityIs0;
        uint128 amountIn = uint128(buy ? bound(amountSeed, 1e6, 5_000e6) : bound(amountSeed, 1e15, 500e18));
        // The operation is done twice (gated and twin): twice the dollars, or the share and its twin.
        if (buy ? v.usd.balanceOf(actor) < 2 * uint256(amountIn) : !_holdsBothShares(actor, amountIn)) return;
        // A buyer needs full eligibility, a seller only a seller's standing (a lapsed investor may sell).
        (Eligibility status,,) = v.registry.tradeStatus(actor, address(v.security), buy);
        bool paused = _paused();

        (int256 d0, int256 d1, bool ok, bytes memory reason) = _swap(actor, gated, zeroForOne, amountIn);
        if (!ok) {
            ghost_swapsRefused++;
            if (status == Eligibility.Ok && !paused && _isGateRefusal(reason)) ghost_eligibleRefusedByGate++;
            return;
        }
        ghost_swapsCompleted++;
        if (status != Eligibility.Ok || paused) ghost_ineligibleCompleted++;
        (int256 t0, int256 t1, bool twinOk,) = _swap(actor, twin, zeroForOne, amountIn);
        if (!twinOk || t0 != d0 || t1 != d1) ghost_twinMismatches++;
    }

    /// @dev A full-range mint through PositionManager, mirrored the same way.
    function addLiquidity(uint256 actorSeed, uint256 liquiditySeed) external {
        address actor = actors[actorSeed % actors.length];
        uint256 liquidity = bound(liquiditySeed, 1e12, 1e15);
        if (!_canAffordMintTwice(actor, liquidity)) return;
        (Eligibility status,) = v.registry.eligibility(actor, address(v.security));
        bool paused = _paused();

        (int256 d0, int256 d1, bool ok, bytes memory reason) = _mint(actor, gated, liquidity);
        if (!ok) {
            if (status == Eligibility.Ok && !paused && _isGateRefusal(reason)) ghost_eligibleRefusedByGate++;
            return;
        }
        ghost_addsCompleted++;
        if (status != Eligibility.Ok || paused) ghost_ineligibleCompleted++;
        (int256 t0, int256 t1, bool twinOk,) = _mint(actor, twin, liquidity);
        if (!twinOk || t0 != d0 || t1 != d1) ghost_twinMismatches++;
    }

    // ------------------------------------------------------------------ compliance, time, pauses

    /// @dev The compliance officer changes someone's standing; eligibility moves under the traders' feet.
    function editInvestor(uint256 actorSeed, uint8 what, uint32 delta) external {
        address actor = actors[actorSeed % actors.length];
        if (!v.registry.investor(actor).registered) return;
        vm.startPrank(v.officer);
        if (what % 3 == 0) {
            v.registry.setFrozen(actor, !v.registry.investor(actor).frozen);
        } else if (what % 3 == 1) {
            IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
            uint256 expiry = block.timestamp + bound(delta, 0, 60 days);
            rows[0] = IInvestorRegistry.InvestorInput(
                actor, uint40(expiry > 30 days ? expiry - 30 days : expiry), v.registry.investor(actor).frozen
            );
            v.registry.upsertInvestors(rows);
        } else {
            v.registry.setLockupOverride(address(v.security), actor, uint40(block.timestamp + bound(delta, 0, 10 days)));
        }
        vm.stopPrank();
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 5 days));
        vm.roll(block.number + 1);
    }

    function togglePause() external {
        PoolId[] memory ids = new PoolId[](1);
        ids[0] = gated.toId();
        bool paused = _paused();
        vm.prank(v.pauser);
        v.hook.setPaused(ids, !paused);
    }

    // ------------------------------------------------------------------ attacks

    /// @dev Anyone, the admin included, tries to create a pool with the gate under a key nobody authorized.
    function initializeUnauthorized(uint256 callerSeed, uint24 fee, uint8 spacingSeed, uint256 priceSeed) external {
        address caller = callerSeed % 4 == 0 ? v.admin : strangers[callerSeed % strangers.length];
        PoolKey memory k = gated;
        k.fee = uint24(bound(fee, 0, 1_000_000));
        k.tickSpacing = int24(uint24(bound(spacingSeed, 1, 200)));
        uint160 price = uint160(bound(priceSeed, TickMath.MIN_SQRT_PRICE, TickMath.MAX_SQRT_PRICE - 1));
        if (authorized[k.toId()]) return;
        vm.prank(caller);
        try v.manager.initialize(k, price) {
            ghost_unauthorizedInitializations++;
        } catch {}
    }

    /// @dev Someone without the role tries every administrative lever.
    function attemptUnauthorizedEdit(uint256 callerSeed, uint8 which) external {
        address caller = strangers[callerSeed % strangers.length];
        vm.startPrank(caller);
        bool succeeded;
        which = which % 6;
        if (which == 0) {
            IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
            rows[0] = IInvestorRegistry.InvestorInput(caller, type(uint40).max, false);
            try v.registry.upsertInvestors(rows) { succeeded = true; } catch {}
        } else if (which == 1) {
            try v.registry.setFrozen(actors[0], true) { succeeded = true; } catch {}
        } else if (which == 2) {
            try v.registry.setVenue(caller, true) { succeeded = true; } catch {}
        } else if (which == 3) {
            try v.hook.setRouter(caller, IGateHook.RouterKind.Forwarder) { succeeded = true; } catch {}
        } else if (which == 4) {
            PoolKey memory k = gated;
            k.fee = 777;
            try v.hook.authorizePool(k, address(v.security)) { succeeded = true; } catch {}
        } else {
            try v.registry.configureSecurity(address(v.security), 0) { succeeded = true; } catch {}
        }
        vm.stopPrank();
        if (succeeded) ghost_unauthorizedEdits++;
    }

    // ------------------------------------------------------------------ internals

    function _swap(address actor, PoolKey memory k, bool zeroForOne, uint128 amountIn)
        internal
        returns (int256 d0, int256 d1, bool ok, bytes memory reason)
    {
        (bytes memory commands, bytes[] memory inputs) = VenueCalls.swapExactInSingle(k, zeroForOne, amountIn, "", address(0));
        (uint256 b0, uint256 b1) = _balances(actor, k);
        vm.prank(actor);
        try v.router.execute(commands, inputs, block.timestamp) {
            ok = true;
        } catch (bytes memory err) {
            reason = err;
        }
        (uint256 a0, uint256 a1) = _balances(actor, k);
        (d0, d1) = (int256(a0) - int256(b0), int256(a1) - int256(b1));
    }

    function _mint(address actor, PoolKey memory k, uint256 liquidity)
        internal
        returns (int256 d0, int256 d1, bool ok, bytes memory reason)
    {
        int24 max = TickMath.maxUsableTick(k.tickSpacing);
        bytes memory unlockData = VenueCalls.mint(k, -max, max, liquidity, actor);
        (uint256 b0, uint256 b1) = _balances(actor, k);
        vm.prank(actor);
        try v.posm.modifyLiquidities(unlockData, block.timestamp) {
            ok = true;
        } catch (bytes memory err) {
            reason = err;
        }
        (uint256 a0, uint256 a1) = _balances(actor, k);
        (d0, d1) = (int256(a0) - int256(b0), int256(a1) - int256(b1));
    }

    /// @dev A full-range mint of `liquidity` costs, at the current price, these amounts rounded up.
    function _canAffordMintTwice(address actor, uint256 liquidity) internal view returns (bool) {
        (uint160 price,,,) = v.manager.getSlot0(gated.toId());
        int24 max = TickMath.maxUsableTick(gated.tickSpacing);
        uint256 need0 = SqrtPriceMath.getAmount0Delta(price, TickMath.getSqrtPriceAtTick(max), uint128(liquidity), true);
        uint256 need1 = SqrtPriceMath.getAmount1Delta(TickMath.getSqrtPriceAtTick(-max), price, uint128(liquidity), true);
        (uint256 needShare, uint256 needUsd) = Currency.unwrap(gated.currency0) == address(v.security)
            ? (need0, need1)
            : (need1, need0);
        return _holdsBothShares(actor, needShare + 1) && v.usd.balanceOf(actor) >= 2 * needUsd + 1;
    }

    function _holdsBothShares(address actor, uint256 amount) internal view returns (bool) {
        return v.security.balanceOf(actor) >= amount && v.twinShare.balanceOf(actor) >= amount;
    }

    function _balances(address actor, PoolKey memory k) internal view returns (uint256, uint256) {
        return (IERC20(Currency.unwrap(k.currency0)).balanceOf(actor), IERC20(Currency.unwrap(k.currency1)).balanceOf(actor));
    }

    function _paused() internal view returns (bool paused) {
        (,,, paused) = v.hook.poolConfig(gated.toId());
    }

    /// @dev A refusal by the gate arrives as the PoolManager's WrappedError naming the hook.
    function _isGateRefusal(bytes memory reason) internal view returns (bool) {
        if (reason.length < 36 || bytes4(reason) != CustomRevert.WrappedError.selector) return false;
        address target;
        assembly ("memory-safe") {
            target := mload(add(reason, 36))
        }
        return target == address(v.hook);
    }
}
