// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Test} from "../utils/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {PoolDonateTest} from "@uniswap/v4-core/src/test/PoolDonateTest.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {Actions} from "@uniswap/v4-periphery/src/libraries/Actions.sol";
import {IPositionManager} from "@uniswap/v4-periphery/src/interfaces/IPositionManager.sol";
import {IUniversalRouter} from "../../script/lib/IUniversalRouter.sol";
import {InvestorRegistry} from "../../contracts/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {Eligibility} from "../../contracts/libraries/Eligibility.sol";
import {VenueCalls} from "../utils/VenueCalls.sol";

/// @notice Takes a share along every path it can travel (positions minted to others, NFTs transferred and approved,
/// adds, removals and burns with output sent anywhere, swaps to third parties, router sweeps, donations, hookless
/// pools) while compliance freezes, locks, lapses, removes and delists investors and time moves. After each call it
/// compares every actor's balance with its standing before the call, and counts what the rules forbid in ghosts
/// that must stay 0. Coverage counters record that each path was taken, so a campaign that never reaches one fails.
contract LifecycleHandler is Test {
    using StateLibrary for IPoolManager;
    struct Venue {
        IPoolManager manager;
        IPositionManager posm;
        IUniversalRouter router;
        InvestorRegistry registry;
        IERC20 security;
        IERC20 usd;
        address officer;
        PoolKey gated;
        PoolKey hookless;
        PoolDonateTest donor;
    }

    struct Standing {
        uint256 balance;
        Eligibility asRecipient;
        Eligibility asSender;
    }

    /// @dev Coverage: one counter per path, incremented when the handler makes the attempt.
    struct Coverage {
        uint256 mints;
        uint256 mintsToAnother;
        uint256 nftTransfers;
        uint256 nftApprovals;
        uint256 increases;
        uint256 decreases;
        uint256 burns;
        uint256 takesToThirdParty;
        uint256 removalsByOther;
        uint256 exitsOfRestrictedDepositors;
        uint256 exitsSpentInTheSameCall;
        uint256 swaps;
        uint256 swapsToThirdParty;
        uint256 sweeps;
        uint256 donations;
        uint256 hooklessAttempts;
        uint256 freezes;
        uint256 lockups;
        uint256 lapses;
        uint256 removals;
        uint256 delists;
        uint256 relists;
        uint256 warps;
    }

    uint256 internal constant UR_SWEEP = 0x04;

    Venue internal v;
    address[] internal actors;
    uint256[] internal tokenIds;
    mapping(uint256 tokenId => address) public depositorOf;
    uint40 internal defaultLockupEnd;
    Coverage internal coverage;

    // ghosts: each must stay 0
    /// @dev An address the token would refuse as a recipient gained shares other than by exiting its own deposit.
    uint256 public ghost_refusedRecipientGained;
    /// @dev A frozen, locked or unregistered investor's holdings (wallet or position) reached another address.
    uint256 public ghost_restrictedHoldingsPassed;
    /// @dev A depositor's own exit to its own wallet was refused.
    uint256 public ghost_depositorExitRefused;
    /// @dev Someone other than the depositor added to a position.
    uint256 public ghost_foreignAdds;
    /// @dev The security got into a hookless pool.
    uint256 public ghost_hooklessFunded;
    /// @dev The revert data of the last refused depositor exit, so a failing campaign names its reason.
    bytes public lastExitRefusal;

    constructor(Venue memory venue, address[] memory cast, uint40 lockupEnd) {
        v = venue;
        actors = cast;
        defaultLockupEnd = lockupEnd;
    }

    function positionCount() external view returns (uint256) {
        return tokenIds.length;
    }

    /// @return paths Every path the handler can take, named.
    /// @return counts How many times this campaign attempted each.
    function coverageReport() external view returns (string[] memory paths, uint256[] memory counts) {
        Coverage memory c = coverage;
        uint256[23] memory all = [
            c.mints, c.mintsToAnother, c.nftTransfers, c.nftApprovals, c.increases, c.decreases, c.burns,
            c.takesToThirdParty, c.removalsByOther, c.exitsOfRestrictedDepositors, c.exitsSpentInTheSameCall, c.swaps,
            c.swapsToThirdParty,
            c.sweeps, c.donations, c.hooklessAttempts, c.freezes, c.lockups, c.lapses, c.removals, c.delists,
            c.relists, c.warps
        ];
        string[23] memory names = [
            "mint", "mint to another owner", "NFT transfer", "NFT approval", "increase", "decrease", "burn",
            "take to a third party", "removal by a non-depositor", "exit of a restricted depositor",
            "exit spent in the same call", "swap",
            "swap to a third party", "router sweep", "donation", "hookless pool", "freeze", "lockup", "lapse",
            "removal from the roster", "delist", "relist", "time"
        ];
        paths = new string[](23);
        counts = new uint256[](23);
        for (uint256 i; i < 23; ++i) {
            (paths[i], counts[i]) = (names[i], all[i]);
        }
    }

    // ------------------------------------------------------------------ positions

    function mint(uint256 actorSeed, uint256 ownerSeed, uint256 liquiditySeed) external {
        address actor = _actor(actorSeed);
        address owner = _actor(ownerSeed);
        coverage.mints++;
        if (owner != actor) coverage.mintsToAnother++;
        int24 max = TickMath.maxUsableTick(v.gated.tickSpacing);
        bytes memory call = VenueCalls.mint(v.gated, -max, max, bound(liquiditySeed, 1e12, 1e15), owner);
        Standing[] memory before = _standings();
        if (_modify(actor, call)) {
            uint256 tokenId = v.posm.nextTokenId() - 1;
            tokenIds.push(tokenId);
            depositorOf[tokenId] = actor;
        }
        _compare(before, address(0));
    }

    function transferNft(uint256 positionSeed, uint256 toSeed) external {
        if (tokenIds.length == 0) return;
        uint256 tokenId = tokenIds[positionSeed % tokenIds.length];
        address owner = IERC721(address(v.posm)).ownerOf(tokenId);
        address to = _actor(toSeed);
        if (to == owner) return;
        coverage.nftTransfers++;
        Standing[] memory before = _standings();
        vm.prank(owner);
        IERC721(address(v.posm)).transferFrom(owner, to, tokenId);
        _compare(before, address(0));
    }

    function approveNft(uint256 positionSeed, uint256 operatorSeed) external {
        if (tokenIds.length == 0) return;
        uint256 tokenId = tokenIds[positionSeed % tokenIds.length];
        address owner = IERC721(address(v.posm)).ownerOf(tokenId);
        coverage.nftApprovals++;
        vm.prank(owner);
        IERC721(address(v.posm)).approve(_actor(operatorSeed), tokenId);
    }

    function increase(uint256 positionSeed, uint256 liquiditySeed, bool byOperator) external {
        if (tokenIds.length == 0) return;
        uint256 tokenId = tokenIds[positionSeed % tokenIds.length];
        address who = _manager(tokenId, byOperator);
        coverage.increases++;
        Standing[] memory before = _standings();
        bool ok = _modify(who, VenueCalls.increase(v.gated, tokenId, bound(liquiditySeed, 1e12, 1e14)));
        if (ok && who != depositorOf[tokenId]) ghost_foreignAdds++;
        _compare(before, address(0));
    }

    /// @dev DECREASE_LIQUIDITY (a fraction, 0 = collect fees) or BURN_POSITION, by the owner or its approved
    /// operator, with the output taken to any actor.
    function remove(uint256 positionSeed, uint256 fractionSeed, uint256 recipientSeed, bool byOperator, bool burn)
        external
    {
        if (tokenIds.length == 0) return;
        uint256 index = positionSeed % tokenIds.length;
        uint256 tokenId = tokenIds[index];
        address remover = _manager(tokenId, byOperator);
        // Keep two positions alive (burn empties instead), so every campaign has positions to take along each path.
        if (burn && tokenIds.length <= 2) burn = false;
        address recipient = _actor(recipientSeed);
        address depositor = depositorOf[tokenId];
        bool depositorRestricted = _senderStatus(depositor) != Eligibility.Ok;
        burn ? coverage.burns++ : coverage.decreases++;
        if (recipient != remover) coverage.takesToThirdParty++;
        if (remover != depositor) coverage.removalsByOther++;
        if (depositorRestricted) coverage.exitsOfRestrictedDepositors++;

        uint256 held = v.posm.getPositionLiquidity(tokenId);
        uint256 liquidity = held * bound(fractionSeed, 0, 100) / 100;
        bytes memory call = burn
            ? VenueCalls.burn(v.gated, tokenId, recipient)
            : VenueCalls.decrease(v.gated, tokenId, liquidity, recipient);
        Standing[] memory before = _standings();
        vm.prank(remover);
        bool ok = true;
        try v.posm.modifyLiquidities(call, block.timestamp) {}
        catch (bytes memory reason) {
            ok = false;
            // Exits are never refused: the depositor taking its own liquidity to its own wallet always succeeds.
            // (An emptied position has nothing to exit: the PoolManager refuses to touch it.)
            if (remover == depositor && recipient == depositor && held != 0) {
                ghost_depositorExitRefused++;
                lastExitRefusal = reason;
            }
        }
        if (ok && burn) _forget(index);
        _compare(before, remover == depositor ? depositor : address(0));
        // A restricted depositor's position pays only the depositor.
        if (ok && depositorRestricted) _checkOnlyDepositorGained(before, depositor);
    }

    /// @dev One PositionManager call that exits and, before the exit's credit reaches anyone, spends it: a payout to
    /// any actor taken before the exit, or a position in the hookless pool minted from the credit for any owner.
    /// The fees are collected first, in a call of their own: a restricted depositor's accrued fees can still be spent
    /// this way (written down as open in docs/threat-model.md); its principal must not.
    function exitAndSpend(uint256 positionSeed, uint256 toSeed, bool takeFirst) external {
        if (tokenIds.length == 0) return;
        uint256 tokenId = tokenIds[positionSeed % tokenIds.length];
        address remover = IERC721(address(v.posm)).ownerOf(tokenId);
        address to = _actor(toSeed);
        coverage.exitsSpentInTheSameCall++;
        _modify(remover, VenueCalls.decrease(v.gated, tokenId, 0, remover));
        uint256 liquidity = v.posm.getPositionLiquidity(tokenId);
        bytes[] memory params = new bytes[](4);
        bytes memory decrease = abi.encode(tokenId, liquidity, uint128(0), uint128(0), bytes(""));
        int24 max = TickMath.maxUsableTick(v.hookless.tickSpacing);
        (params[0], params[1]) = takeFirst
            ? (abi.encode(Currency.wrap(address(v.security)), to, liquidity / 1e3), decrease)
            : (decrease, abi.encode(v.hookless, -max, max, type(uint128).max, type(uint128).max, to, bytes("")));
        (params[2], params[3]) = (abi.encode(v.gated.currency0), abi.encode(v.gated.currency1));
        bytes memory actions = takeFirst
            ? abi.encodePacked(uint8(Actions.TAKE), uint8(Actions.DECREASE_LIQUIDITY))
            : abi.encodePacked(uint8(Actions.DECREASE_LIQUIDITY), uint8(Actions.MINT_POSITION_FROM_DELTAS));
        actions = abi.encodePacked(actions, uint8(Actions.CLOSE_CURRENCY), uint8(Actions.CLOSE_CURRENCY));
        Standing[] memory before = _standings();
        bool restricted = _senderStatus(depositorOf[tokenId]) != Eligibility.Ok;
        _modify(remover, abi.encode(actions, params));
        _compare(before, remover == depositorOf[tokenId] ? remover : address(0));
        _checkHookless();
        if (restricted) _checkOnlyDepositorGained(before, depositorOf[tokenId]);
    }

    /// @dev An officer freezes a position's depositor (unless it is restricted already), and the position is exited at
    /// once, to any recipient; the freeze is lifted again afterwards, so the market maker keeps a market.
    function exitWhileFrozen(uint256 positionSeed, uint256 fractionSeed, uint256 recipientSeed, bool burn) external {
        if (tokenIds.length == 0) return;
        address depositor = depositorOf[tokenIds[positionSeed % tokenIds.length]];
        bool freezeHere = _senderStatus(depositor) == Eligibility.Ok && v.registry.investor(depositor).registered;
        if (freezeHere) _setFrozen(depositor, true);
        this.remove(positionSeed, fractionSeed, recipientSeed, false, burn);
        if (freezeHere) _setFrozen(depositor, false);
    }

    // ------------------------------------------------------------------ trades and other routes

    function swap(uint256 actorSeed, bool buy, uint256 amountSeed, uint256 recipientSeed) external {
        address actor = _actor(actorSeed);
        address recipient = _actor(recipientSeed);
        coverage.swaps++;
        if (recipient != actor) coverage.swapsToThirdParty++;
        bool securityIs0 = Currency.unwrap(v.gated.currency0) == address(v.security);
        uint128 amountIn = uint128(buy ? bound(amountSeed, 1e6, 2_000e6) : bound(amountSeed, 1e15, 200e18));
        (bytes memory commands, bytes[] memory inputs) =
            VenueCalls.swapExactInSingle(v.gated, buy ? !securityIs0 : securityIs0, amountIn, "", recipient);
        Standing[] memory before = _standings();
        vm.prank(actor);
        try v.router.execute(commands, inputs, block.timestamp) {} catch {}
        _compare(before, address(0));
    }

    /// @dev Shares left in the UniversalRouter (a venue contract) and swept out by anyone to anyone.
    function sweep(uint256 actorSeed, uint256 recipientSeed, uint256 amountSeed) external {
        address actor = _actor(actorSeed);
        coverage.sweeps++;
        Standing[] memory before = _standings();
        vm.prank(actor);
        try v.security.transfer(address(v.router), bound(amountSeed, 1, 100e18)) {} catch {}
        bytes[] memory inputs = new bytes[](1);
        inputs[0] = abi.encode(address(v.security), _actor(recipientSeed), uint256(0));
        vm.prank(_actor(amountSeed)); // anyone may sweep
        try v.router.execute(abi.encodePacked(uint8(UR_SWEEP)), inputs, block.timestamp) {} catch {}
        _compare(before, address(0));
    }

    /// @dev A registered donor contract donates dollars, and tries to donate shares paid by an actor.
    function donate(uint256 actorSeed, uint256 amountSeed, bool shares) external {
        address actor = _actor(actorSeed);
        coverage.donations++;
        uint256 amount = shares ? bound(amountSeed, 1e15, 10e18) : bound(amountSeed, 1e6, 1_000e6);
        bool securityIs0 = Currency.unwrap(v.gated.currency0) == address(v.security);
        (uint256 a0, uint256 a1) = shares == securityIs0 ? (amount, uint256(0)) : (uint256(0), amount);
        Standing[] memory before = _standings();
        vm.prank(actor);
        try v.donor.donate(v.gated, a0, a1, "") {} catch {}
        _compare(before, address(0));
    }

    /// @dev Anyone tries to fund a hookless pool of the security through the canonical PositionManager.
    function hooklessAdd(uint256 actorSeed, uint256 liquiditySeed) external {
        address actor = _actor(actorSeed);
        coverage.hooklessAttempts++;
        int24 max = TickMath.maxUsableTick(v.hookless.tickSpacing);
        uint256 managerBalance = v.security.balanceOf(address(v.manager));
        Standing[] memory before = _standings();
        if (_modify(actor, VenueCalls.mint(v.hookless, -max, max, bound(liquiditySeed, 1e12, 1e15), actor))) {
            ghost_hooklessFunded++;
        }
        if (v.security.balanceOf(address(v.manager)) != managerBalance) ghost_hooklessFunded++;
        _checkHookless();
        _compare(before, address(0));
    }

    // ------------------------------------------------------------------ compliance and time

    function freeze(uint256 actorSeed) external {
        address actor = _registeredInvestor(actorSeed);
        if (actor == address(0)) return;
        IInvestorRegistry.InvestorView memory record = v.registry.investor(actor);
        coverage.freezes++;
        vm.prank(v.officer);
        v.registry.setFrozen(actor, !record.frozen);
    }

    function lock(uint256 actorSeed, uint32 duration) external {
        address actor = _registeredInvestor(actorSeed);
        if (actor == address(0)) return;
        coverage.lockups++;
        vm.prank(v.officer);
        v.registry.setLockupOverride(address(v.security), actor, uint40(block.timestamp + bound(duration, 0, 20 days)));
    }

    /// @dev Renew an accreditation or let it lapse; renewing also puts a removed investor back (with its freeze, as
    /// the registry requires).
    function setAccreditation(uint256 actorSeed, uint8 seed) external {
        address actor = _investor(actorSeed);
        bool lapse = seed % 2 == 0;
        if (lapse) coverage.lapses++;
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        uint256 expiry = lapse ? block.timestamp - 1 : block.timestamp + 365 days;
        rows[0] = IInvestorRegistry.InvestorInput(actor, uint40(expiry), v.registry.investor(actor).frozen);
        vm.prank(v.officer);
        v.registry.upsertInvestors(rows);
    }

    function unlinkWallet(uint256 actorSeed) external {
        address actor = _registeredInvestor(actorSeed);
        if (actor == address(0)) return;
        coverage.removals++;
        vm.prank(v.officer);
        v.registry.unlinkWallet(actor);
    }

    /// @dev Relists a delisted security; delists a listed one every other time (so a campaign mostly trades, yet a
    /// 300-call campaign all but surely delists).
    function toggleListing(uint8 seed) external {
        (bool listed,) = v.registry.security(address(v.security));
        if (listed && seed % 2 != 0) return;
        vm.prank(v.officer);
        if (listed) {
            coverage.delists++;
            v.registry.delistSecurity(address(v.security));
        } else {
            coverage.relists++;
            v.registry.configureSecurity(address(v.security), defaultLockupEnd);
        }
    }

    function warp(uint32 seconds_) external {
        coverage.warps++;
        vm.warp(block.timestamp + bound(seconds_, 1, 10 days));
        vm.roll(block.number + 1);
    }

    // ------------------------------------------------------------------ internals

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev Anyone but the last actor, the market maker, whom compliance leaves alone so that a campaign keeps a
    /// market (positions to transfer, add to and exit) however the others fare.
    function _investor(uint256 seed) internal view returns (address) {
        return actors[seed % (actors.length - 1)];
    }

    /// @dev The first registered investor (market maker aside) from `seed` on, or zero if none is.
    function _registeredInvestor(uint256 seed) internal view returns (address) {
        for (uint256 i; i < actors.length - 1; ++i) {
            address actor = _investor(seed % 1e9 + i);
            if (v.registry.investor(actor).registered) return actor;
        }
        return address(0);
    }

    /// @dev Who acts for a position: its owner, or the operator the owner approved.
    function _manager(uint256 tokenId, bool byOperator) internal view returns (address) {
        address operator = IERC721(address(v.posm)).getApproved(tokenId);
        return byOperator && operator != address(0) ? operator : IERC721(address(v.posm)).ownerOf(tokenId);
    }

    function _setFrozen(address account, bool frozen) internal {
        vm.prank(v.officer);
        v.registry.setFrozen(account, frozen);
    }

    function _modify(address who, bytes memory unlockData) internal returns (bool ok) {
        vm.prank(who);
        try v.posm.modifyLiquidities(unlockData, block.timestamp) {
            ok = true;
        } catch {}
    }

    function _forget(uint256 index) internal {
        tokenIds[index] = tokenIds[tokenIds.length - 1];
        tokenIds.pop();
    }

    function _senderStatus(address account) internal view returns (Eligibility status) {
        (status,,,,,) = v.registry.transferStatus(address(v.security), account, address(0));
    }

    function _checkHookless() internal {
        if (v.manager.getLiquidity(v.hookless.toId()) != 0) ghost_hooklessFunded++;
    }

    function _checkOnlyDepositorGained(Standing[] memory before, address depositor) internal {
        for (uint256 i; i < actors.length; ++i) {
            if (actors[i] != depositor && v.security.balanceOf(actors[i]) > before[i].balance) ghost_restrictedHoldingsPassed++;
        }
    }

    function _standings() internal view returns (Standing[] memory s) {
        s = new Standing[](actors.length);
        for (uint256 i; i < actors.length; ++i) {
            (,, Eligibility asRecipient,,,) = v.registry.transferStatus(address(v.security), address(0), actors[i]);
            s[i] = Standing(v.security.balanceOf(actors[i]), asRecipient, _senderStatus(actors[i]));
        }
    }

    /// @dev After any call: no one the token would refuse gained shares, except `exitingDepositor` taking back its
    /// own; no restricted investor's wallet lost shares.
    function _compare(Standing[] memory before, address exitingDepositor) internal {
        for (uint256 i; i < actors.length; ++i) {
            uint256 balance = v.security.balanceOf(actors[i]);
            if (before[i].asRecipient != Eligibility.Ok && balance > before[i].balance && actors[i] != exitingDepositor) {
                ghost_refusedRecipientGained++;
            }
            if (before[i].asSender != Eligibility.Ok && balance < before[i].balance) ghost_restrictedHoldingsPassed++;
        }
    }
}
