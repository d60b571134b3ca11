// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {PoolDonateTest} from "@uniswap/v4-core/src/test/PoolDonateTest.sol";
import {GateTestBase} from "../utils/GateTestBase.sol";
import {LifecycleHandler} from "./LifecycleHandler.sol";

/// @notice The lifecycle of a share: wherever it travels, it never reaches someone the token would refuse (except an
/// investor taking back its own deposit), a restricted investor's holdings never pass to anyone else, and no hookless
/// pool ever holds it. Each campaign must also take every path at least once (`afterInvariant`). Every refusal the
/// handler expects is caught where it is made, so any other revert is a handler error and fails the campaign.
/// forge-config: default.invariant.runs = 16
/// forge-config: default.invariant.depth = 300
/// forge-config: default.invariant.fail-on-revert = true
/// forge-config: ci.invariant.fail-on-revert = true
/// forge-config: ci.invariant.runs = 48
/// forge-config: ci.invariant.depth = 300
contract LifecycleInvariantsTest is GateTestBase {
    LifecycleHandler internal handler;
    PoolDonateTest internal donor;

    function setUp() public override {
        super.setUp();
        PoolKey memory hookless =
            _keyFor(Currency.wrap(address(security)), Currency.wrap(address(usd)), IHooks(address(0)));
        manager.initialize(hookless, _sqrtPriceOneSecurityIsTenUsd(hookless));

        donor = new PoolDonateTest(manager);
        vm.prank(officer);
        _register(address(donor), uint40(block.timestamp + 3650 days), false);

        address[] memory cast = new address[](6);
        (cast[0], cast[1], cast[2], cast[3], cast[4], cast[5]) = (alice, bob, carol, dave, eve, lp);
        // Issuance goes to holders who may receive it; carol (lapsed) and dave (frozen) start empty.
        _issue(alice, 100_000e18);
        _issue(bob, 100_000e18);
        for (uint256 i; i < cast.length; ++i) {
            vm.startPrank(cast[i]);
            usd.approve(address(donor), type(uint256).max);
            security.approve(address(donor), type(uint256).max);
            vm.stopPrank();
        }
        handler = new LifecycleHandler(
            LifecycleHandler.Venue(
                manager, posm, router, registry, IERC20(address(security)), IERC20(address(usd)), officer, key, hookless, donor
            ),
            cast,
            offeringLockupEnd
        );
        targetContract(address(handler));
        // Positions to start from: two LPs' own, and one minted to another owner.
        handler.mint(5, 5, 1e15); // lp
        handler.mint(0, 0, 1e15); // alice
        handler.mint(0, 1, 1e14); // alice, owned by bob
        // The actions only (the handler's views would dilute a campaign), the position paths twice.
        bytes4[] memory actions = new bytes4[](23);
        actions[0] = LifecycleHandler.mint.selector;
        actions[1] = LifecycleHandler.transferNft.selector;
        actions[2] = LifecycleHandler.approveNft.selector;
        actions[3] = LifecycleHandler.increase.selector;
        actions[4] = LifecycleHandler.remove.selector;
        actions[5] = LifecycleHandler.swap.selector;
        actions[6] = LifecycleHandler.sweep.selector;
        actions[7] = LifecycleHandler.donate.selector;
        actions[8] = LifecycleHandler.hooklessAdd.selector;
        actions[9] = LifecycleHandler.freeze.selector;
        actions[10] = LifecycleHandler.lock.selector;
        actions[11] = LifecycleHandler.setAccreditation.selector;
        actions[12] = LifecycleHandler.unlinkWallet.selector;
        actions[13] = LifecycleHandler.toggleListing.selector;
        actions[14] = LifecycleHandler.warp.selector;
        actions[15] = LifecycleHandler.mint.selector;
        actions[16] = LifecycleHandler.transferNft.selector;
        actions[17] = LifecycleHandler.remove.selector;
        actions[18] = LifecycleHandler.remove.selector;
        actions[19] = LifecycleHandler.swap.selector;
        actions[20] = LifecycleHandler.exitAndSpend.selector;
        actions[21] = LifecycleHandler.toggleListing.selector; // rare in a campaign otherwise: it needs two calls
        actions[22] = LifecycleHandler.exitWhileFrozen.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    function invariant_refusedRecipientsGainOnlyTheirOwnExits() public view {
        assertEq(handler.ghost_refusedRecipientGained(), 0);
    }

    function invariant_restrictedHoldingsNeverPassToAnother() public view {
        assertEq(handler.ghost_restrictedHoldingsPassed(), 0);
    }

    function invariant_depositorsCanAlwaysExitToTheirOwnWallet() public view {
        assertEq(handler.ghost_depositorExitRefused(), 0, vm.toString(handler.lastExitRefusal()));
    }

    function invariant_onlyTheDepositorAddsToItsPosition() public view {
        assertEq(handler.ghost_foreignAdds(), 0);
    }

    function invariant_noHooklessPoolHoldsTheSecurity() public view {
        assertEq(handler.ghost_hooklessFunded(), 0);
    }

    /// @dev Whatever path the shares took (positions, exits of restricted depositors, sweeps, removals from the
    /// roster), the token's live holder book equals one recomputed from balances, identity by identity.
    function invariant_holderBookMatchesBalances() public view {
        address[] memory wallets = new address[](7);
        (wallets[0], wallets[1], wallets[2], wallets[3], wallets[4], wallets[5], wallets[6]) =
            (alice, bob, carol, dave, eve, lp, address(donor));
        uint256 holders;
        for (uint256 i; i < wallets.length; ++i) {
            uint256 id = registry.investor(wallets[i]).identity;
            uint256 balance = security.balanceOf(wallets[i]);
            // Every wallet here is its own identity; a balance outside every identity would be uncounted.
            assertEq(security.holdingOf(id), balance, "holding differs from the balances");
            // A holder of record holds shares, or liquidity that could come to hold them.
            if (balance != 0 || security.reservedOf(id) != 0) holders++;
        }
        (uint32 counted,) = security.holderCount();
        assertEq(counted, holders, "holder count differs from the balances");
    }

    /// @dev A campaign that never took a path proves nothing about it.
    function afterInvariant() external view {
        (string[] memory paths, uint256[] memory counts) = handler.coverageReport();
        string memory all;
        for (uint256 i; i < paths.length; ++i) all = string.concat(all, paths[i], "=", vm.toString(counts[i]), " ");
        all = string.concat(all, " positions=", vm.toString(handler.positionCount()));
        for (uint256 i; i < paths.length; ++i) {
            assertGt(counts[i], 0, string.concat("the campaign never took this path: ", paths[i], " :: ", all));
        }
    }
}

