// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Test} from "../utils/Test.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {IPositionManager} from "@uniswap/v4-periphery/src/interfaces/IPositionManager.sol";
import {LiquidityAmounts} from "@uniswap/v4-periphery/src/libraries/LiquidityAmounts.sol";
import {IUniversalRouter} from "../../script/lib/IUniversalRouter.sol";
import {InvestorRegistry} from "../../contracts/InvestorRegistry.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {IRestrictedSecurity} from "../../contracts/interfaces/IRestrictedSecurity.sol";
import {Eligibility} from "../../contracts/libraries/Eligibility.sol";
import {RestrictedSecurityToken} from "../../contracts/tokens/RestrictedSecurityToken.sol";
import {VenueCalls} from "../utils/VenueCalls.sol";

/// @notice Moves shares between identities with several wallets (transfers, buys and sells through the canonical
/// UniversalRouter, positions opened and closed through the canonical PositionManager, dollar-only ones included,
/// issuance, forced transfers, wallet recoveries) while officers link and unlink wallets, change accreditation and
/// tighten or loosen the caps. Caps are only ever set at or above what already holds, so that
/// "nobody exceeds a cap" is a fact to check, not a consequence of a cap set below the count.
contract HolderBookHandler is Test {
    using StateLibrary for IPoolManager;

    struct Venue {
        IUniversalRouter router;
        IPositionManager posm;
        IPoolManager manager;
        InvestorRegistry registry;
        RestrictedSecurityToken security;
        address officer;
        address issuer;
        PoolKey gated;
    }

    struct Coverage {
        uint256 transfers;
        uint256 newHolders;
        uint256 holdersLeft;
        uint256 capRefusals;
        uint256 maxHoldingRefusals;
        uint256 buys;
        uint256 sells;
        uint256 issues;
        uint256 forcedTransfers;
        uint256 recoveries;
        uint256 links;
        uint256 unlinks;
        uint256 lapses;
        uint256 limitChanges;
        uint256 positionsOpened;
        uint256 dollarOnlyPositions;
        uint256 positionsClosed;
    }

    struct Position {
        address owner;
        uint256 tokenId;
    }

    Venue internal v;
    /// @dev Every wallet that can hold shares, each investor's first wallet first.
    address[] public wallets;
    /// @dev Wallets not yet linked, handed out by {link}.
    address[] internal spares;
    Coverage internal coverage;
    Position[] internal _positions;

    constructor(Venue memory venue, address[] memory investors, address[] memory spareWallets) {
        v = venue;
        for (uint256 i; i < investors.length; ++i) {
            wallets.push(investors[i]);
        }
        for (uint256 i; i < spareWallets.length; ++i) {
            spares.push(spareWallets[i]);
        }
    }

    // ------------------------------------------------------------------ shares moving

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amountSeed) external {
        address from = _holderWallet(fromSeed);
        address to = _wallet(toSeed);
        uint256 balance = v.security.balanceOf(from);
        if (balance == 0) return;
        // Half the transfers move everything, so holders also leave the book.
        uint256 amount = amountSeed % 2 == 0 ? balance : bound(amountSeed, 1, balance);
        coverage.transfers++;
        _track();
        vm.prank(from);
        try v.security.transfer(to, amount) {}
        catch (bytes memory reason) {
            _countRefusal(reason);
        }
        _afterMove();
    }

    /// @dev An attack on a cap: the officer sets the cap exactly at what stands, then a holder sends half its
    /// balance (staying a holder) to a newcomer (an identity that holds nothing), or to an identity at its maximum
    /// holding; then the officer puts the caps back.
    /// The two kinds alternate, so that a campaign attacks both.
    function attemptPastCap(uint256 fromSeed, uint256 toSeed) external {
        bool holderCap = _attackHolderCap = !_attackHolderCap;
        address from = _senderWithShares(fromSeed);
        if (from == address(0)) return;
        uint256 balance = v.security.balanceOf(from);
        uint256 fromId = v.registry.investor(from).identity;
        for (uint256 i; i < wallets.length; ++i) {
            address to = wallets[(toSeed % wallets.length + i) % wallets.length];
            IInvestorRegistry.InvestorView memory w = v.registry.investor(to);
            uint256 held = v.security.holdingOf(w.identity);
            if (!w.registered || w.identity == fromId || (holderCap ? held != 0 : held == 0)) continue;
            // Only a transfer the registry allows: the cap must be the one thing in the way.
            (Eligibility fromStatus,, Eligibility toStatus,,,) =
                v.registry.transferStatus(address(v.security), from, to);
            if (fromStatus != Eligibility.Ok || toStatus != Eligibility.Ok) continue;
            IRestrictedSecurity.Limits memory previous = v.security.limits();
            IRestrictedSecurity.Limits memory limits = v.security.limits();
            if (holderCap) (limits.maxHolders,) = v.security.holderCount();
            else limits.maxHolding = uint96(held);
            coverage.limitChanges++;
            vm.prank(v.officer);
            v.security.setLimits(limits);
            coverage.transfers++;
            _track();
            vm.prank(from);
            try v.security.transfer(to, balance > 1 ? balance / 2 : 1) {}
            catch (bytes memory reason) {
                _countRefusal(reason);
            }
            _afterMove();
            vm.prank(v.officer);
            v.security.setLimits(previous);
            return;
        }
    }

    /// @dev An investor sells out: every linked wallet of its identity sends everything to a holder of another
    /// identity (no newcomer, so no holder cap is met).
    function leave(uint256 seed, uint256 toSeed) external {
        uint256 id = v.registry.investor(_wallet(seed)).identity;
        address[] memory linked = v.registry.identity(id).wallets;
        address to;
        for (uint256 i; i < wallets.length && to == address(0); ++i) {
            address candidate = wallets[(toSeed % wallets.length + i) % wallets.length];
            IInvestorRegistry.InvestorView memory w = v.registry.investor(candidate);
            if (w.registered && w.identity != id && v.security.holdingOf(w.identity) != 0) to = candidate;
        }
        if (to == address(0) || linked.length == 0) return;
        _closePositionsOf(id);
        _track();
        for (uint256 i; i < linked.length; ++i) {
            uint256 balance = v.security.balanceOf(linked[i]);
            if (balance == 0) continue;
            coverage.transfers++;
            vm.prank(linked[i]);
            try v.security.transfer(to, balance) {}
            catch (bytes memory reason) {
                _countRefusal(reason);
            }
        }
        _afterMove();
    }

    function buy(uint256 seed, uint256 usdSeed) external {
        address buyer = _wallet(seed);
        coverage.buys++;
        _track();
        _swap(buyer, false, uint128(bound(usdSeed, 1e6, 50_000e6)));
        _afterMove();
    }

    function sell(uint256 seed, uint256 amountSeed) external {
        address seller = _holderWallet(seed);
        uint256 balance = v.security.balanceOf(seller);
        if (balance < 1e15) return;
        coverage.sells++;
        _track();
        _swap(seller, true, uint128(amountSeed % 3 == 0 ? balance : bound(amountSeed, 1e15, balance)));
        _afterMove();
    }

    /// @dev Opens a position through the PositionManager: half of them hold dollars only, beside the price, where
    /// sellers fill them with shares. Either way it may come to hold up to `sharesSeed`'s worth of shares.
    function openPosition(uint256 seed, bool dollarOnly, uint256 sharesSeed) external {
        address owner = _wallet(seed);
        // A wallet without shares has none to deposit beside the dollars.
        dollarOnly = dollarOnly || v.security.balanceOf(owner) == 0;
        bytes memory mint = _mintCall(owner, dollarOnly, bound(sharesSeed, 1e15, 200e18));
        _track();
        vm.prank(owner);
        try v.posm.modifyLiquidities(mint, block.timestamp) {
            coverage.positionsOpened++;
            if (dollarOnly) coverage.dollarOnlyPositions++;
            _positions.push(Position(owner, v.posm.nextTokenId() - 1));
        } catch (bytes memory reason) {
            _countWrapped(reason);
        }
        _afterMove();
    }

    /// @dev Its owner burns a position: an exit, never refused, and never checked against the maximum holding (its
    /// fees may pass it), so the ghost check is skipped here.
    function closePosition(uint256 seed) external {
        if (_positions.length == 0) return;
        uint256 i = seed % _positions.length;
        Position memory p = _positions[i];
        _positions[i] = _positions[_positions.length - 1];
        _positions.pop();
        coverage.positionsClosed++;
        _track();
        vm.prank(p.owner);
        v.posm.modifyLiquidities(VenueCalls.burn(v.gated, p.tokenId, p.owner), block.timestamp);
        _countJoinsAndLeaves(false);
    }

    /// @dev Burns every position an identity's wallets own, as an investor selling out does first (a position keeps
    /// its depositor on the book). Exits are never checked against the maximum holding (fees may pass it).
    function _closePositionsOf(uint256 id) internal {
        _track();
        for (uint256 i = _positions.length; i > 0; --i) {
            Position memory p = _positions[i - 1];
            if (v.registry.investor(p.owner).identity != id) continue;
            _positions[i - 1] = _positions[_positions.length - 1];
            _positions.pop();
            coverage.positionsClosed++;
            vm.prank(p.owner);
            v.posm.modifyLiquidities(VenueCalls.burn(v.gated, p.tokenId, p.owner), block.timestamp);
        }
        _countJoinsAndLeaves(false);
    }

    function issue(uint256 seed, uint256 amountSeed) external {
        coverage.issues++;
        _track();
        vm.prank(v.issuer);
        try v.security.mint(_wallet(seed), bound(amountSeed, 1, 10_000e18)) {}
        catch (bytes memory reason) {
            _countRefusal(reason);
        }
        _afterMove();
    }

    function forceTransfer(uint256 fromSeed, uint256 toSeed, uint256 amountSeed) external {
        address from = _holderWallet(fromSeed);
        uint256 balance = v.security.balanceOf(from);
        if (balance == 0) return;
        coverage.forcedTransfers++;
        _track();
        vm.prank(v.officer);
        try v.security
            .forceTransfer(
                from,
                _wallet(toSeed),
                amountSeed % 3 == 0 ? balance : bound(amountSeed, 1, balance),
                IRestrictedSecurity.RemedyReason.ErrorCorrection
            ) {}
        catch (bytes memory reason) {
            _countRefusal(reason);
        }
        _afterMove();
    }

    // ------------------------------------------------------------------ officers

    /// @dev Links a spare wallet to an investor's identity.
    function link(uint256 seed) external {
        if (spares.length == 0) return;
        uint256 id = v.registry.investor(_wallet(seed)).identity;
        if (id == 0 || !v.registry.identity(id).exists) return;
        _link(id);
    }

    function _link(uint256 id) internal {
        address wallet = spares[spares.length - 1];
        spares.pop();
        address[] memory one = new address[](1);
        one[0] = wallet;
        coverage.links++;
        vm.prank(v.officer);
        v.registry.linkWallets(id, one);
        wallets.push(wallet);
    }

    /// @dev Unlinks a wallet, and three times in four recovers its shares into another wallet of the same identity
    /// (linking a spare to it first if it has no other). Shares left in an unlinked wallet keep their identity a
    /// holder for good, so leaving them there is the rarer path.
    function unlinkAndRecover(uint256 seed) external {
        address lost = _wallet(seed);
        IInvestorRegistry.InvestorView memory w = v.registry.investor(lost);
        if (!w.registered) return;
        bool recover = seed % 4 != 0;
        if (recover && v.registry.identity(w.identity).wallets.length == 1) {
            if (spares.length == 0) return;
            _link(w.identity);
        }
        coverage.unlinks++;
        vm.prank(v.officer);
        v.registry.unlinkWallet(lost);
        if (!recover) return;
        address replacement = v.registry.identity(w.identity).wallets[0];
        // The lost wallet's lockup goes with its shares: the officer carries it over first.
        uint40 end = v.registry.lockupEnd(address(v.security), lost);
        if (v.registry.lockupEnd(address(v.security), replacement) < end) {
            vm.prank(v.officer);
            v.registry.setLockupOverride(address(v.security), replacement, end);
        }
        coverage.recoveries++;
        _track();
        vm.prank(v.officer);
        v.security.recoverWallet(lost, replacement, IRestrictedSecurity.RemedyReason.LostKey);
        _afterMove();
    }

    /// @dev Lapses or renews an identity's accreditation (a holder moves to the other count the next time it
    /// acquires).
    function setAccreditation(uint256 seed, bool lapse) external {
        address wallet = _wallet(seed);
        IInvestorRegistry.InvestorView memory w = v.registry.investor(wallet);
        if (!w.registered) return;
        IInvestorRegistry.IdentityView memory person = v.registry.identity(w.identity);
        coverage.lapses++;
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0] = IInvestorRegistry.IdentityInput(
            w.identity,
            uint40(lapse ? block.timestamp - 1 : block.timestamp + 365 days),
            person.classes,
            person.jurisdiction,
            person.verification
        );
        vm.prank(v.officer);
        v.registry.upsertIdentities(rows);
    }

    /// @dev New caps: holder caps never below today's counts (so a breach can only come from a move); the maximum
    /// holding anywhere (a holding above it may only shrink, checked after every move).
    /// Mostly tight (no slack at all half the time), so that new holders meet the caps; off one time in five.
    function setLimits(uint32 holderSlack, uint32 nonAccreditedSlack, uint96 holdingSlack) external {
        coverage.limitChanges++;
        IRestrictedSecurity.Limits memory limits;
        if (holderSlack % 5 != 0) {
            (uint32 holders, uint32 nonAccredited) = v.security.holderCount();
            limits.maxHolders = holders + holderSlack % 2;
            limits.maxNonAccredited = nonAccredited + uint32(bound(nonAccreditedSlack, 0, 1));
            // Often below the largest holding (lp's): that holding may shrink, never grow.
            limits.maxHolding = uint96(bound(holdingSlack, 100e18, 20_000e18));
        }
        vm.prank(v.officer);
        v.security.setLimits(limits);
    }

    // ------------------------------------------------------------------ views for the invariants

    function walletCount() external view returns (uint256) {
        return wallets.length;
    }

    /// @dev Every path, named in the order of {Coverage}'s fields, and how often the campaign took it.
    function coverageReport() external view returns (string[] memory paths, uint256[] memory counts) {
        paths = vm.split(
            "transfer,new holder,holder left,holder cap refusal,maximum holding refusal,buy,sell,issue,"
            "forced transfer,wallet recovery,link,unlink,accreditation change,limits change,position opened,"
            "dollar-only position,position closed",
            ","
        );
        // A struct of 17 words encodes as 17 words.
        uint256[17] memory all = abi.decode(abi.encode(coverage), (uint256[17]));
        counts = new uint256[](paths.length);
        for (uint256 i; i < paths.length; ++i) {
            counts[i] = all[i];
        }
    }

    // ------------------------------------------------------------------ internals

    uint256[] internal _holdingsBefore;
    /// @dev Moves after which an identity held more than before and more than the maximum holding: must stay 0.
    uint256 public ghost_holdingGrewPastMax;

    function _track() internal {
        delete _holdingsBefore;
        for (uint256 i; i < wallets.length; ++i) {
            _holdingsBefore.push(_holdingOf(wallets[i]));
        }
    }

    /// @dev What the maximum holding is judged against: shares, and what the identity's positions could bring.
    function _holdingOf(address wallet) internal view returns (uint256) {
        uint256 id = v.registry.investor(wallet).identity;
        return v.security.holdingOf(id) + v.security.reservedOf(id);
    }

    /// @dev Counts, identity by identity, who joined and who left the book in the call just made, and checks that no
    /// holding grew past the maximum holding.
    function _afterMove() internal {
        _countJoinsAndLeaves(true);
    }

    function _countJoinsAndLeaves(bool checkMax) internal {
        uint256 max = v.security.limits().maxHolding;
        bool joined;
        bool left;
        for (uint256 i; i < _holdingsBefore.length; ++i) {
            uint256 held = _holdingOf(wallets[i]);
            if (_holdingsBefore[i] == 0 && held != 0) joined = true;
            if (_holdingsBefore[i] != 0 && held == 0) left = true;
            // A cap below an existing holding freezes it where it is; it never lets it grow.
            if (checkMax && max != 0 && held > max && held > _holdingsBefore[i]) ghost_holdingGrewPastMax++;
        }
        if (joined) coverage.newHolders++;
        if (left) coverage.holdersLeft++;
    }

    function _countRefusal(bytes memory reason) internal {
        bytes4 selector = bytes4(reason);
        if (selector == IRestrictedSecurity.HolderCapReached.selector) coverage.capRefusals++;
        if (selector == IRestrictedSecurity.MaxHoldingExceeded.selector) coverage.maxHoldingRefusals++;
    }

    function _swap(address user, bool sellShares, uint128 amountIn) internal {
        bool zeroForOne = sellShares == _securityIs0();
        (bytes memory commands, bytes[] memory inputs) =
            VenueCalls.swapExactInSingle(v.gated, zeroForOne, amountIn, "", address(0));
        vm.prank(user);
        try v.router.execute(commands, inputs, block.timestamp) {}
        catch (bytes memory reason) {
            _countWrapped(reason);
        }
    }

    /// @dev A refusal of the token or the hook arrives wrapped by the PoolManager: WrappedError(target, selector,
    /// reason, details).
    function _countWrapped(bytes memory reason) internal {
        if (reason.length <= 4 + 32 * 4) return;
        (,, bytes memory inner,) = abi.decode(_tail(reason), (address, bytes4, bytes, bytes));
        _countRefusal(inner);
    }

    /// @dev A MINT_POSITION for liquidity that could come to hold `shares` at most.
    function _mintCall(address owner, bool dollarOnly, uint256 shares) internal view returns (bytes memory) {
        (int24 lower, int24 upper) = _range(dollarOnly);
        uint160 a = TickMath.getSqrtPriceAtTick(lower);
        uint160 b = TickMath.getSqrtPriceAtTick(upper);
        uint128 liquidity = _securityIs0()
            ? LiquidityAmounts.getLiquidityForAmount0(a, b, shares)
            : LiquidityAmounts.getLiquidityForAmount1(a, b, shares);
        return VenueCalls.mint(v.gated, lower, upper, liquidity, owner);
    }

    function _securityIs0() internal view returns (bool) {
        return Currency.unwrap(v.gated.currency0) == address(v.security);
    }

    /// @dev Dollar-only: just beside the price, on the side where a position holds dollars. Otherwise around it.
    function _range(bool dollarOnly) internal view returns (int24 lower, int24 upper) {
        (, int24 tick,,) = v.manager.getSlot0(v.gated.toId());
        int24 spacing = v.gated.tickSpacing;
        int24 floored = tick / spacing * spacing;
        if (tick < 0 && tick % spacing != 0) floored -= spacing;
        if (!dollarOnly) return (floored - 20 * spacing, floored + 20 * spacing);
        if (_securityIs0()) return (floored - 10 * spacing, floored);
        return (floored + spacing, floored + 11 * spacing);
    }

    function _tail(bytes memory data) internal pure returns (bytes memory tail) {
        tail = new bytes(data.length - 4);
        for (uint256 i; i < tail.length; ++i) {
            tail[i] = data[i + 4];
        }
    }

    bool internal _attackHolderCap;

    /// @dev A wallet holding shares that the registry lets send, starting at `seed`; zero if none.
    function _senderWithShares(uint256 seed) internal view returns (address) {
        for (uint256 i; i < wallets.length; ++i) {
            address wallet = wallets[(seed % wallets.length + i) % wallets.length];
            if (v.security.balanceOf(wallet) == 0) continue;
            (Eligibility status,,,,,) = v.registry.transferStatus(address(v.security), wallet, address(0));
            if (status == Eligibility.Ok) return wallet;
        }
        return address(0);
    }

    /// @dev A wallet holding shares, starting at `seed` (whatever its standing: refusals are paths too); the seed's own
    /// wallet if none holds any.
    function _holderWallet(uint256 seed) internal view returns (address) {
        for (uint256 i; i < wallets.length; ++i) {
            address wallet = wallets[(seed % wallets.length + i) % wallets.length];
            if (v.security.balanceOf(wallet) != 0) return wallet;
        }
        return _wallet(seed);
    }

    function _wallet(uint256 seed) internal view returns (address) {
        return wallets[seed % wallets.length];
    }
}
