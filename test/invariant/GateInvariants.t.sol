// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {GateTestBase} from "../utils/GateTestBase.sol";
import {GateHandler} from "./GateHandler.sol";
import {RegistryCheckedShare} from "../utils/RegistryCheckedShare.sol";

/// @notice Properties that must hold after any sequence of trades, adds, compliance edits, pauses, time and attacks.
contract GateInvariantsTest is GateTestBase {
    using StateLibrary for *;

    GateHandler internal handler;
    PoolKey internal twin;

    function setUp() public override {
        super.setUp();
        // The twin: the same pool without a hook, in the same state (price and liquidity). The restricted share
        // never enters a hookless pool, so the twin trades a registry-checked share in the same currency order.
        RegistryCheckedShare twinShare = _deployTwinShare();
        vm.prank(officer);
        registry.configureSecurity(address(twinShare), offeringLockupEnd);
        twin = _keyFor(Currency.wrap(address(twinShare)), Currency.wrap(address(usd)), IHooks(address(0)));
        manager.initialize(twin, _sqrtPriceOneSecurityIsTenUsd(key));
        // Every actor holds shares to sell; the in-lockup ones got theirs at issuance.
        _issue(lp, 100_000e18);
        vm.prank(lp);
        security.transfer(alice, 50_000e18);
        address[6] memory holders = [alice, bob, carol, dave, eve, lp];
        for (uint256 i; i < holders.length; ++i) {
            twinShare.mint(holders[i], security.balanceOf(holders[i]));
            _approveVenue(holders[i], IERC20(address(twinShare)));
        }
        _mintFullRange(lp, twin, LP_LIQUIDITY);

        address[] memory cast = new address[](6);
        (cast[0], cast[1], cast[2], cast[3], cast[4], cast[5]) = (alice, bob, carol, dave, eve, lp);
        handler = new GateHandler(
            GateHandler.Venue(
                manager,
                posm,
                router,
                registry,
                hook,
                IERC20(address(security)),
                IERC20(address(twinShare)),
                IERC20(address(usd)),
                officer,
                pauser,
                admin
            ),
            key,
            twin,
            cast
        );
        // The handler warps and rolls; the admin role stays with this contract and the officer/pauser addresses.
        targetContract(address(handler));
    }

    /// @dev A twin share whose address sorts against the stablecoin as the security does, so the twin pool's
    /// currency order (and so its every delta) is the gated pool's.
    function _deployTwinShare() internal returns (RegistryCheckedShare) {
        bytes32 initHash = keccak256(abi.encodePacked(type(RegistryCheckedShare).creationCode, abi.encode(registry)));
        bool securityFirst = address(security) < address(usd);
        for (uint256 salt;; ++salt) {
            address predicted = vm.computeCreate2Address(bytes32(salt), initHash, address(this));
            if ((predicted < address(usd)) == securityFirst) return new RegistryCheckedShare{salt: bytes32(salt)}(registry);
        }
    }

    function invariant_noIneligibleUserCompletesSwapOrAdd() public view {
        assertEq(handler.ghost_ineligibleCompleted(), 0);
    }

    function invariant_eligibleUserThroughTrustedRouterIsNeverRefusedByGate() public view {
        assertEq(handler.ghost_eligibleRefusedByGate(), 0);
    }

    function invariant_hookHoldsNoTokens() public view {
        assertEq(security.balanceOf(address(hook)), 0);
        assertEq(usd.balanceOf(address(hook)), 0);
        assertEq(manager.balanceOf(address(hook), uint160(address(security))), 0);
        assertEq(manager.balanceOf(address(hook), uint160(address(usd))), 0);
    }

    /// @dev The gate changes who may trade, never what a trade does: same deltas, same resulting pool state.
    function invariant_gatedPoolMatchesHooklessTwin() public view {
        assertEq(handler.ghost_twinMismatches(), 0);
        (uint160 gatedPrice, int24 gatedTick,,) = manager.getSlot0(key.toId());
        (uint160 twinPrice, int24 twinTick,,) = manager.getSlot0(twin.toId());
        assertEq(gatedPrice, twinPrice);
        assertEq(gatedTick, twinTick);
        assertEq(manager.getLiquidity(key.toId()), manager.getLiquidity(twin.toId()));
    }

    function invariant_onlyAuthorizedKeysAreInitializedWithTheHook() public view {
        assertEq(handler.ghost_unauthorizedInitializations(), 0);
    }

    function invariant_onlyAdminRolesChangeRegistryOrRouters() public view {
        assertEq(handler.ghost_unauthorizedEdits(), 0);
    }

    /// @dev The ghosts are only as good as the handler: an eligible trade completes and matches its twin, an
    /// ineligible one is refused, and none of that trips a ghost.
    function test_handler_classifiesOutcomes() public {
        handler.swap(0, true, 1_000e6); // alice buys
        handler.swap(4, true, 1_000e6); // eve is refused
        handler.addLiquidity(5, 1e14); // the LP adds
        assertEq(handler.ghost_swapsCompleted(), 1);
        assertEq(handler.ghost_swapsRefused(), 1);
        assertEq(handler.ghost_addsCompleted(), 1);
        assertEq(handler.ghost_ineligibleCompleted() + handler.ghost_eligibleRefusedByGate(), 0);
        assertEq(handler.ghost_twinMismatches(), 0);
        invariant_gatedPoolMatchesHooklessTwin();
    }
}

