// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {GateTestBase} from "../utils/GateTestBase.sol";
import {HolderBookHandler} from "./HolderBookHandler.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {IRestrictedSecurity} from "../../contracts/interfaces/IRestrictedSecurity.sol";
import {InvestorClass} from "../../contracts/libraries/Eligibility.sol";

/// @notice Holders of record are counted per identity, live: whatever moves, the token's holder book equals one
/// recomputed from balances, no count ever passes a cap, no holding ever grows past the maximum holding, and locked
/// lots never move. Each campaign must take every path.
/// forge-config: default.invariant.runs = 16
/// forge-config: default.invariant.depth = 400
/// forge-config: default.invariant.fail-on-revert = true
/// forge-config: ci.invariant.fail-on-revert = true
/// forge-config: ci.invariant.runs = 48
/// forge-config: ci.invariant.depth = 400
contract HolderBookInvariantsTest is GateTestBase {
    HolderBookHandler internal handler;

    function setUp() public override {
        super.setUp();
        // Non-US persons may buy too, so the non-accredited cap has holders to count.
        vm.startPrank(officer);
        registry.setOfferingRules(
            address(security),
            IInvestorRegistry.OfferingRules(InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, 0, 0, false)
        );
        address[] memory investors = new address[](7);
        investors[0] = alice;
        investors[1] = lp;
        investors[2] = bob;
        for (uint256 i = 3; i < investors.length; ++i) {
            investors[i] = makeAddr(string.concat("investor ", vm.toString(i)));
            IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
            bool nonUs = i % 2 == 0;
            rows[0] = IInvestorRegistry.IdentityInput(
                1000 + i,
                uint40(block.timestamp + 365 days),
                nonUs ? InvestorClass.NON_US_PERSON : InvestorClass.ACCREDITED,
                nonUs ? 276 : 840,
                IInvestorRegistry.Verification(1, 1, 0)
            );
            registry.upsertIdentities(rows);
            address[] memory one = new address[](1);
            one[0] = investors[i];
            registry.linkWallets(1000 + i, one);
        }
        vm.stopPrank();
        address[] memory spares = new address[](10);
        for (uint256 i; i < spares.length; ++i) {
            spares[i] = makeAddr(string.concat("spare wallet ", vm.toString(i)));
        }
        for (uint256 i; i < investors.length; ++i) {
            _fund(investors[i]);
        }
        for (uint256 i; i < spares.length; ++i) {
            _fund(spares[i]);
        }
        handler = new HolderBookHandler(
            HolderBookHandler.Venue(router, posm, manager, registry, security, officer, issuer, key), investors, spares
        );
        targetContract(address(handler));
        // Transfers and cap changes weighted up: caps are met only when a newcomer arrives while the book is full.
        bytes4[] memory actions = new bytes4[](20);
        actions[0] = HolderBookHandler.transfer.selector;
        actions[1] = HolderBookHandler.buy.selector;
        actions[2] = HolderBookHandler.sell.selector;
        actions[3] = HolderBookHandler.issue.selector;
        actions[4] = HolderBookHandler.forceTransfer.selector;
        actions[5] = HolderBookHandler.link.selector;
        actions[6] = HolderBookHandler.unlinkAndRecover.selector;
        actions[7] = HolderBookHandler.setAccreditation.selector;
        actions[8] = HolderBookHandler.setLimits.selector;
        actions[9] = HolderBookHandler.attemptPastCap.selector;
        actions[10] = HolderBookHandler.leave.selector;
        actions[11] = HolderBookHandler.attemptPastCap.selector;
        actions[12] = HolderBookHandler.attemptLockedMove.selector;
        actions[13] = HolderBookHandler.openPosition.selector;
        actions[14] = HolderBookHandler.closePosition.selector;
        actions[15] = HolderBookHandler.openPosition.selector;
        actions[16] = HolderBookHandler.openPosition.selector;
        actions[17] = HolderBookHandler.freezePart.selector;
        actions[18] = HolderBookHandler.wait.selector;
        actions[19] = HolderBookHandler.issue.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    function invariant_holderBookMatchesBalances() public view {
        uint256 n = handler.walletCount();
        uint256[] memory ids = new uint256[](n);
        uint256[] memory sums = new uint256[](n);
        uint256 distinct;
        for (uint256 i; i < n; ++i) {
            address wallet = handler.wallets(i);
            uint256 id = registry.investor(wallet).identity;
            assertTrue(id != 0, "a holding wallet without an identity");
            uint256 j;
            while (j < distinct && ids[j] != id) j++;
            if (j == distinct) ids[distinct++] = id;
            sums[j] += security.balanceOf(wallet);
        }
        uint256 holders;
        for (uint256 j; j < distinct; ++j) {
            assertEq(security.holdingOf(ids[j]), sums[j], "an identity's holding differs from its wallets' balances");
            // A holder of record holds shares, or liquidity that could come to hold them.
            if (sums[j] != 0 || security.reservedOf(ids[j]) != 0) holders++;
        }
        (uint32 counted, uint32 nonAccredited) = security.holderCount();
        assertEq(counted, holders, "the live holder count differs from the balances");
        assertLe(nonAccredited, counted);
    }

    function invariant_noCapIsExceeded() public view {
        IRestrictedSecurity.Limits memory limits = security.limits();
        (uint32 holders, uint32 nonAccredited) = security.holderCount();
        if (limits.maxHolders != 0) assertLe(holders, limits.maxHolders, "holder cap exceeded");
        if (limits.maxNonAccredited != 0) {
            assertLe(nonAccredited, limits.maxNonAccredited, "non-accredited cap exceeded");
        }
        assertEq(handler.ghost_holdingGrewPastMax(), 0, "a holding grew past the maximum holding");
    }

    /// @dev Locked lots never move: no identity holds fewer shares than it has locked, and no move (a forced
    /// transfer aside, which carries them to another identity) ever lessened what is locked.
    function invariant_lockedLotsNeverMove() public view {
        for (uint256 i; i < handler.walletCount(); ++i) {
            uint256 id = registry.investor(handler.wallets(i)).identity;
            (uint256 locked,) = security.lockedOf(id);
            assertLe(locked, security.holdingOf(id), "an identity holds fewer shares than it has locked");
        }
        assertEq(handler.ghost_locksMoved(), 0, "a move took locked shares");
    }

    function afterInvariant() external view {
        (string[] memory paths, uint256[] memory counts) = handler.coverageReport();
        string memory all;
        for (uint256 i; i < paths.length; ++i) {
            all = string.concat(all, paths[i], "=", vm.toString(counts[i]), " ");
        }
        for (uint256 i; i < paths.length; ++i) {
            assertGt(counts[i], 0, string.concat("the campaign never took this path: ", paths[i], " :: ", all));
        }
    }

    function _fund(address wallet) internal {
        _approveVenue(wallet, IERC20(address(security)));
        _approveVenue(wallet, IERC20(address(usd)));
        usd.mint(wallet, 10_000_000e6);
    }
}
