// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {Position} from "@uniswap/v4-core/src/libraries/Position.sol";
import {SwapParams, ModifyLiquidityParams} from "@uniswap/v4-core/src/types/PoolOperation.sol";
import {PoolSwapTest} from "@uniswap/v4-core/src/test/PoolSwapTest.sol";
import {PoolModifyLiquidityTest} from "@uniswap/v4-core/src/test/PoolModifyLiquidityTest.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {Actions} from "@uniswap/v4-periphery/src/libraries/Actions.sol";

import {GateTestBase} from "./utils/GateTestBase.sol";
import {BatchWallet, LyingRouter} from "./utils/TestTokens.sol";
import {VenueCalls} from "./utils/VenueCalls.sol";
import {IGateHook} from "../contracts/interfaces/IGateHook.sol";
import {IRestrictedSecurity} from "../contracts/interfaces/IRestrictedSecurity.sol";
import {Eligibility} from "../contracts/libraries/Eligibility.sol";

/// @notice Every position is bound to its depositor: whoever holds the NFT, its shares leave only as a transfer the
/// token would allow. Each test is one path a share took around the rules before, attempted through the canonical
/// PositionManager (and, for contract wallets and direct PoolManager callers, through what they would use).
contract GatePositionsTest is GateTestBase {
    using StateLibrary for IPoolManager;

    function test_addLiquidity_bindsThePositionToItsDepositor() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        int24 max = TickMath.maxUsableTick(key.tickSpacing);
        bytes32 positionKey = Position.calculatePositionKey(address(posm), -max, max, bytes32(tokenId));
        assertEq(hook.depositorOf(poolId, positionKey), lp);
    }

    /// @dev Threat: an eligible investor mints a position owned by someone the token would refuse, who then takes
    /// the shares out. The gate refuses the removal; a direct transfer would have been refused too.
    function test_threat_mintToAnotherOwner_revertsWhen_ownerRemovesWhileLapsed() public {
        int24 max = TickMath.maxUsableTick(key.tickSpacing);
        _modifyLiquidities(alice, VenueCalls.mint(key, -max, max, 1e15, carol));
        uint256 tokenId = posm.nextTokenId() - 1;
        assertEq(IERC721(address(posm)).ownerOf(tokenId), carol);
        _expectHookRevert(
            IHooks.afterRemoveLiquidity.selector,
            _notEligible(carol, Eligibility.AccreditationExpired, uint40(START_TIME - 1))
        );
        _decrease(carol, tokenId, key, 1e15, carol);
    }

    /// @dev Threat: the position NFT is sold to a holder whose accreditation lapsed, or to a stranger.
    function test_threat_positionNftTransfer_revertsWhen_newOwnerIneligible() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        _giveNft(lp, carol, tokenId);
        _expectHookRevert(
            IHooks.afterRemoveLiquidity.selector,
            _notEligible(carol, Eligibility.AccreditationExpired, uint40(START_TIME - 1))
        );
        _decrease(carol, tokenId, key, 1e16, carol);

        _giveNft(carol, eve, tokenId);
        _expectHookRevert(IHooks.afterRemoveLiquidity.selector, _notEligible(eve, Eligibility.NotRegistered, 0));
        _decrease(eve, tokenId, key, 0, eve); // not even the fees
    }

    /// @dev Threat: an approved operator removes on the owner's behalf and keeps the shares.
    function test_threat_positionNftApproval_revertsWhen_operatorIneligible() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        vm.prank(lp);
        IERC721(address(posm)).approve(dave, tokenId);
        _expectHookRevert(IHooks.afterRemoveLiquidity.selector, _notEligible(dave, Eligibility.Frozen, 0));
        _decrease(dave, tokenId, key, 1e16, dave);
    }

    /// @dev A position sold to an eligible investor by a depositor free to transfer is a transfer like any other.
    function test_removeLiquidity_succeedsWhen_newOwnerEligibleAndDepositorFree() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        _giveNft(lp, alice, tokenId);
        uint256 sharesBefore = security.balanceOf(alice);
        vm.expectEmit(address(hook));
        emit IGateHook.InvestorLiquidityRemoved(poolId, alice);
        _decrease(alice, tokenId, key, 1e16, alice);
        assertGt(security.balanceOf(alice), sharesBefore);
    }

    /// @dev Threat: the new owner adds to a position someone else deposited into, mixing two investors' shares.
    function test_threat_increaseLiquidity_revertsWhen_positionDepositedByAnother() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        _giveNft(lp, alice, tokenId);
        _expectHookRevert(
            IHooks.beforeAddLiquidity.selector,
            abi.encodeWithSelector(IGateHook.PositionOfAnotherInvestor.selector, alice, lp)
        );
        _increase(alice, tokenId, key, 1e15);
    }

    /// @dev Threat: a frozen LP (a legal hold) sends its exit to a friend. Its own wallet still gets it.
    function test_threat_frozenDepositor_revertsWhen_exitSentToAnother() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        _earnSecurityFees();
        vm.prank(officer);
        registry.setFrozen(lp, true);
        _expectTokenRevert(abi.encodeWithSelector(IRestrictedSecurity.PayoutBoundToDepositor.selector, alice, lp));
        _decrease(lp, tokenId, key, 1e16, alice);

        uint256 sharesBefore = security.balanceOf(lp);
        _decrease(lp, tokenId, key, 1e16, lp);
        assertGt(security.balanceOf(lp), sharesBefore);
    }

    /// @dev Threat: a frozen LP hands the NFT to an eligible friend, who removes the liquidity.
    function test_threat_frozenDepositor_revertsWhen_newOwnerRemoves() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        vm.prank(officer);
        registry.setFrozen(lp, true);
        _giveNft(lp, alice, tokenId);
        _expectHookRevert(
            IHooks.afterRemoveLiquidity.selector,
            abi.encodeWithSelector(IGateHook.DepositorRestricted.selector, lp, Eligibility.Frozen, 0)
        );
        _decrease(alice, tokenId, key, 1e16, alice);
    }

    /// @dev Threat: an LP put under a lockup override passes its pooled shares on, by NFT or by its exit.
    function test_threat_lockedDepositor_revertsWhen_sharesLeaveThroughThePosition() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        _earnSecurityFees();
        uint40 end = uint40(block.timestamp + 90 days);
        vm.prank(officer);
        registry.setLockupOverride(address(security), lp, end);

        _expectTokenRevert(abi.encodeWithSelector(IRestrictedSecurity.PayoutBoundToDepositor.selector, alice, lp));
        _decrease(lp, tokenId, key, 1e15, alice);

        _giveNft(lp, alice, tokenId);
        _expectHookRevert(
            IHooks.afterRemoveLiquidity.selector,
            abi.encodeWithSelector(IGateHook.DepositorRestricted.selector, lp, Eligibility.LockupActive, end)
        );
        _decrease(alice, tokenId, key, 1e16, alice);
    }

    /// @dev Threat: a frozen investor's contract wallet has an accomplice trade in the same transaction (so the gate
    /// admitted the accomplice), then sends its exit to the accomplice. The binding holds for admitted holders too.
    function test_threat_frozenDepositorWallet_revertsWhen_exitPaidToAdmittedAccomplice() public {
        BatchWallet wallet = new BatchWallet();
        _registerAsOfficer(address(wallet), uint40(block.timestamp + 365 days));
        _issue(address(wallet), 10_000e18);
        usd.mint(address(wallet), 1_000_000e6);
        LyingRouter accomplice = new LyingRouter(manager, address(0));
        _registerAsOfficer(address(accomplice), uint40(block.timestamp + 365 days));
        wallet.call(address(usd), abi.encodeCall(IERC20.approve, (address(accomplice), type(uint256).max)));
        _approveVenueFor(wallet);
        int24 max = TickMath.maxUsableTick(key.tickSpacing);
        wallet.call(
            address(posm),
            abi.encodeCall(posm.modifyLiquidities, (VenueCalls.mint(key, -max, max, 1e16, address(wallet)), block.timestamp))
        );
        uint256 tokenId = posm.nextTokenId() - 1;
        _earnSecurityFees();
        vm.prank(officer);
        registry.setFrozen(address(wallet), true);

        address[] memory targets = new address[](2);
        bytes[] memory calls = new bytes[](2);
        // The accomplice buys (output kept as claims), so the gate admits it in this transaction...
        (targets[0], calls[0]) = (
            address(accomplice),
            abi.encodeCall(
                PoolSwapTest.swap, (key, _buyParams(100e6), PoolSwapTest.TestSettings(true, false), bytes(""))
            )
        );
        // ...then the frozen wallet exits to the accomplice.
        (targets[1], calls[1]) = (
            address(posm),
            abi.encodeCall(
                posm.modifyLiquidities, (VenueCalls.decrease(key, tokenId, 1e16, address(accomplice)), block.timestamp)
            )
        );
        _expectTokenRevert(
            abi.encodeWithSelector(IRestrictedSecurity.PayoutBoundToDepositor.selector, address(accomplice), address(wallet))
        );
        wallet.batch(targets, calls);
    }

    /// @dev One transaction exits the positions of two depositors: refused, since each exit's security belongs to
    /// its own depositor and a transaction holds one binding.
    function test_threat_exitsOfTwoDepositors_revertWhen_inOneTransaction() public {
        BatchWallet wallet = new BatchWallet();
        _registerAsOfficer(address(wallet), uint40(block.timestamp + 365 days));
        _issue(address(wallet), 10_000e18);
        usd.mint(address(wallet), 1_000_000e6);
        _approveVenueFor(wallet);
        PoolModifyLiquidityTest fund = new PoolModifyLiquidityTest(manager);
        _registerAsOfficer(address(fund), uint40(block.timestamp + 365 days));
        wallet.call(address(security), abi.encodeCall(IERC20.approve, (address(fund), type(uint256).max)));
        wallet.call(address(usd), abi.encodeCall(IERC20.approve, (address(fund), type(uint256).max)));
        int24 max = TickMath.maxUsableTick(key.tickSpacing);
        // The fund settles from the wallet, and the security enters the PoolManager only from a holder the gate
        // admitted in the same transaction: so the wallet mints its own position first, in the same batch.
        address[] memory targets = new address[](2);
        bytes[] memory calls = new bytes[](2);
        (targets[0], calls[0]) = (
            address(posm),
            abi.encodeCall(posm.modifyLiquidities, (VenueCalls.mint(key, -max, max, 1e15, address(wallet)), block.timestamp))
        );
        (targets[1], calls[1]) = (address(fund), _modifyThroughFund(ModifyLiquidityParams(-max, max, 1e15, 0)));
        wallet.batch(targets, calls);
        uint256 tokenId = posm.nextTokenId() - 1;
        assertEq(hook.depositorOf(poolId, Position.calculatePositionKey(address(fund), -max, max, 0)), address(fund));

        (targets[0], calls[0]) = (
            address(posm),
            abi.encodeCall(posm.modifyLiquidities, (VenueCalls.decrease(key, tokenId, 1e15, address(wallet)), block.timestamp))
        );
        (targets[1], calls[1]) = (address(fund), _modifyThroughFund(ModifyLiquidityParams(-max, max, -1e15, 0)));
        _expectHookRevert(
            IHooks.afterRemoveLiquidity.selector,
            abi.encodeWithSelector(IRestrictedSecurity.ExitAlreadyBound.selector, address(wallet))
        );
        wallet.batch(targets, calls);
    }

    /// @dev Threat: in one PositionManager call, a frozen LP's exit leaves the security as the PositionManager's credit,
    /// and the next action spends it in a hookless pool for a position owned by anyone (no token moves, so the token
    /// never sees it). The gate takes the principal to the depositor inside the exit, so there is nothing to spend.
    function test_threat_frozenDepositor_revertsWhen_exitSpentInAHooklessPool() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        PoolKey memory open = _keyFor(key.currency0, key.currency1, IHooks(address(0)));
        manager.initialize(open, _sqrtPriceOneSecurityIsTenUsd(open));
        vm.prank(officer);
        registry.setFrozen(lp, true);
        int24 max = TickMath.maxUsableTick(key.tickSpacing);
        bytes[] memory params = new bytes[](4);
        params[0] = abi.encode(tokenId, uint256(1e16), uint128(0), uint128(0), bytes(""));
        params[1] = abi.encode(open, -max, max, type(uint128).max, type(uint128).max, eve, bytes(""));
        (params[2], params[3]) = (abi.encode(key.currency0), abi.encode(key.currency1));
        bytes memory actions = abi.encodePacked(
            uint8(Actions.DECREASE_LIQUIDITY), uint8(Actions.MINT_POSITION_FROM_DELTAS), uint8(Actions.CLOSE_CURRENCY), uint8(Actions.CLOSE_CURRENCY)
        );
        vm.prank(lp);
        (bool ok,) = address(posm).call(abi.encodeCall(posm.modifyLiquidities, (abi.encode(actions, params), block.timestamp)));
        assertFalse(ok, "the exit's shares funded a hookless position");
        assertEq(manager.getLiquidity(open.toId()), 0);
    }

    /// @dev Threat: a frozen LP takes the security to a friend first (no exit yet, so nothing is bound), then exits
    /// to cover it. The principal goes to the depositor, so the early take is a debt the frozen wallet cannot pay.
    function test_threat_frozenDepositor_revertsWhen_payoutTakenBeforeTheExit() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        vm.prank(officer);
        registry.setFrozen(lp, true);
        bytes[] memory params = new bytes[](4);
        params[0] = abi.encode(Currency.wrap(address(security)), alice, uint256(1e18));
        params[1] = abi.encode(tokenId, uint256(1e16), uint128(0), uint128(0), bytes(""));
        (params[2], params[3]) = (abi.encode(key.currency0), abi.encode(key.currency1));
        bytes memory actions = abi.encodePacked(
            uint8(Actions.TAKE), uint8(Actions.DECREASE_LIQUIDITY), uint8(Actions.CLOSE_CURRENCY), uint8(Actions.CLOSE_CURRENCY)
        );
        uint256 aliceBefore = security.balanceOf(alice);
        // Settling the debt is a payment from the frozen wallet, which the gate never admitted (EntryNotCleared;
        // Permit2 reports only its own string).
        vm.expectRevert(bytes("TRANSFER_FROM_FAILED"));
        _modifyLiquidities(lp, abi.encode(actions, params));
        assertEq(security.balanceOf(alice), aliceBefore);
    }

    /// @dev The principal of a depositor's exit is paid by the gate itself; fees and the quote side follow the
    /// PositionManager's TAKE_PAIR.
    function test_removeLiquidity_gatePaysThePrincipalToTheDepositor() public {
        uint256 tokenId = _mintFullRange(lp, key, 1e16);
        uint256 before = security.balanceOf(lp);
        vm.expectCall(address(manager), abi.encodeWithSelector(IPoolManager.take.selector, Currency.wrap(address(security)), lp));
        _decrease(lp, tokenId, key, 1e16, lp);
        assertGt(security.balanceOf(lp), before);
        assertEq(security.balanceOf(address(hook)), 0);
    }

    // ================================================================== helpers

    /// @dev Alice sells, so every position in range owes fees in the security: the part of an exit the gate leaves to
    /// the PositionManager's TAKE_PAIR (it pays the principal itself).
    function _earnSecurityFees() internal {
        _swapExactIn(alice, key, _securityIs0(key), 100e18);
    }

    function _buyParams(int256 usdIn) internal view returns (SwapParams memory) {
        bool zeroForOne = !_securityIs0(key);
        return SwapParams(zeroForOne, -usdIn, zeroForOne ? TickMath.MIN_SQRT_PRICE + 1 : TickMath.MAX_SQRT_PRICE - 1);
    }

    /// @dev The owner hands a position NFT over (PositionManager's ERC-721 transfer; the gate cannot stop it).
    function _giveNft(address from, address to, uint256 tokenId) internal {
        vm.prank(from);
        IERC721(address(posm)).transferFrom(from, to, tokenId);
    }

    /// @dev `PoolModifyLiquidityTest.modifyLiquidity(key, params, hookData)`: the overload that settles in tokens.
    function _modifyThroughFund(ModifyLiquidityParams memory params) internal view returns (bytes memory) {
        return abi.encodeWithSignature(
            "modifyLiquidity((address,address,uint24,int24,address),(int24,int24,int256,bytes32),bytes)", key, params, ""
        );
    }

    function _registerAsOfficer(address who, uint40 expiry) internal {
        vm.prank(officer);
        _register(who, expiry, false);
    }

    /// @dev The Permit2 approvals a wallet gives the canonical periphery, made by a contract wallet.
    function _approveVenueFor(BatchWallet wallet) internal {
        address[2] memory tokens = [address(security), address(usd)];
        for (uint256 i; i < tokens.length; ++i) {
            wallet.call(tokens[i], abi.encodeCall(IERC20.approve, (address(permit2), type(uint256).max)));
            wallet.call(
                address(permit2),
                abi.encodeCall(permit2.approve, (tokens[i], address(posm), type(uint160).max, type(uint48).max))
            );
        }
    }
}
