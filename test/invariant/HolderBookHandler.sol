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
import {Eligibility, InvestorClass} from "../../contracts/libraries/Eligibility.sol";
import {RestrictedSecurityToken} from "../../contracts/tokens/RestrictedSecurityToken.sol";
import {VenueCalls} from "../utils/VenueCalls.sol";

/// @notice Moves shares between identities with several wallets (transfers, buys and sells through the canonical
/// UniversalRouter, positions opened and closed through the canonical PositionManager, dollar-only ones included,
/// issuance (locked lots included), forced transfers, wallet recoveries) while officers link and unlink wallets,
/// change accreditation, freeze parts of holdings and tighten or loosen the caps, and time passes. Caps are only ever set at or above what already holds, so that
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
        uint256 lotsIssued;
        uint256 lockedRefusals;
        uint256 partialFreezes;
        uint256 lotsReleased;
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
    /// @dev The identity of each of {wallets} (permanent once linked).
    uint256[] internal _identities;

    constructor(Venue memory venue, address[] memory investors, address[] memory spareWallets) {
        v = venue;
        for (uint256 i; i < investors.length; ++i) {
            wallets.push(investors[i]);
            _identities.push(venue.registry.investor(investors[i]).identity);
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
        // Positions and issuance soon make every identity a holder: onboard a newcomer if none is left.
        if (holderCap && !_hasNewcomer()) _onboardNewcomer();
        for (uint256 i; i < wallets.length; ++i) {
            address to = wallets[(toSeed % wallets.length + i) % wallets.length];
            IInvestorRegistry.InvestorView memory w = v.registry.investor(to);
            // A newcomer holds neither shares nor a position (which keeps its depositor on the book).
            uint256 held = _holdingOf(to);
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
            uint256 amount = _sendable(from, balance);
            _track();
            vm.prank(from);
            try v.security.transfer(to, amount) {}
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
        uint256 id = _identityFreeToLeave(seed);
        if (id == 0) return;
        _closePositionsOf(id);
        _track();
        for (uint256 k; k < wallets.length; ++k) {
            uint256 balance = v.security.balanceOf(wallets[k]);
            if (_identities[k] != id || balance == 0) continue;
            // To the first holder that can take it all (a maximum holding may stop some).
            for (uint256 i; i < wallets.length; ++i) {
                uint256 j = (toSeed % wallets.length + i) % wallets.length;
                if (_identities[j] == id || v.security.holdingOf(_identities[j]) == 0) continue;
                coverage.transfers++;
                vm.prank(wallets[k]);
                try v.security.transfer(wallets[j], balance) {
                    break;
                } catch (bytes memory reason) {
                    _countRefusal(reason);
                }
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

    /// @dev An attack on a lot: a wallet of an identity with locked shares (the issuer issues a lot first if none
    /// has any) sends one share more than its identity has free to another identity that may receive it. Must be
    /// refused.
    function attemptLockedMove(uint256 seed, uint256 toSeed) external {
        address from = _walletWithLockedShares(seed);
        if (from == address(0)) {
            from = _senderWithShares(seed);
            if (from == address(0)) return;
            vm.prank(v.issuer);
            try v.security.issue(from, 1e18, uint40(block.timestamp + 1 days)) {
                coverage.lotsIssued++;
            } catch {
                return;
            }
        }
        uint256 id = v.registry.investor(from).identity;
        (uint256 locked,) = v.security.lockedOf(id);
        uint256 free = v.security.holdingOf(id) - locked;
        for (uint256 i; i < wallets.length; ++i) {
            address to = wallets[(toSeed % wallets.length + i) % wallets.length];
            if (_identities[(toSeed % wallets.length + i) % wallets.length] == id) continue;
            (Eligibility fromStatus,, Eligibility toStatus,,,) =
                v.registry.transferStatus(address(v.security), from, to);
            if (fromStatus != Eligibility.Ok || toStatus != Eligibility.Ok) continue;
            coverage.transfers++;
            _track();
            vm.prank(from);
            try v.security.transfer(to, free + 1) {}
            catch (bytes memory reason) {
                _countRefusal(reason);
            }
            _afterMove();
            return;
        }
    }

    /// @dev A wallet that may send, holding more than its identity has free, from `seed`; zero if none.
    function _walletWithLockedShares(uint256 seed) internal view returns (address) {
        for (uint256 i; i < wallets.length; ++i) {
            uint256 k = (seed % wallets.length + i) % wallets.length;
            (uint256 locked,) = v.security.lockedOf(_identities[k]);
            if (locked == 0 || v.security.balanceOf(wallets[k]) <= v.security.holdingOf(_identities[k]) - locked) {
                continue;
            }
            (Eligibility status,,,,,) = v.registry.transferStatus(address(v.security), wallets[k], address(0));
            if (status == Eligibility.Ok) return wallets[k];
        }
        return address(0);
    }

    /// @dev An identity on the book with nothing locked (locked lots keep their holder on the book), from `seed`:
    /// the officer lifts its partial freezes first, as before a court-approved sale.
    function _identityFreeToLeave(uint256 seed) internal returns (uint256) {
        for (uint256 i; i < wallets.length; ++i) {
            uint256 k = (seed % wallets.length + i) % wallets.length;
            uint256 id = _identities[k];
            if (v.security.holdingOf(id) + v.security.reservedOf(id) == 0) continue;
            uint256 frozen = _frozenOf(id);
            if (frozen != 0) {
                vm.prank(v.officer);
                v.security.unfreezeShares(wallets[k], frozen, IRestrictedSecurity.RemedyReason.CourtOrder);
            }
            (uint256 locked,) = v.security.lockedOf(id);
            if (locked == 0) return id;
        }
        return 0;
    }

    function _frozenOf(uint256 id) internal view returns (uint256 frozen) {
        IRestrictedSecurity.LotView[] memory lots = v.security.lotsOf(id);
        for (uint256 i; i < lots.length; ++i) {
            if (lots[i].kind == IRestrictedSecurity.LotKind.Freeze && lots[i].releaseAt > block.timestamp) {
                frozen += lots[i].amount;
            }
        }
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

    /// @dev Locked lots are released within a month.
    function issue(uint256 seed, uint256 amountSeed, bool locked) external {
        coverage.issues++;
        uint40 releaseAt = locked ? uint40(block.timestamp + bound(amountSeed, 1 hours, 30 days)) : 0;
        _track();
        vm.prank(v.issuer);
        try v.security.issue(_wallet(seed), bound(amountSeed, 1, 10_000e18), releaseAt) {
            if (releaseAt != 0) coverage.lotsIssued++;
        } catch (bytes memory reason) {
            _countRefusal(reason);
        }
        _afterMove();
    }

    /// @dev An officer freezes part of an identity's free shares (for a while, or until lifted), or lifts a freeze.
    function freezePart(uint256 seed, uint256 amountSeed) external {
        address wallet = _holderWallet(seed);
        uint256 id = v.registry.investor(wallet).identity;
        (uint256 locked,) = v.security.lockedOf(id);
        uint256 free = v.security.holdingOf(id) - locked;
        vm.startPrank(v.officer);
        if (amountSeed % 3 == 0) {
            try v.security.unfreezeShares(wallet, bound(amountSeed, 1, 1_000e18), IRestrictedSecurity.RemedyReason.ErrorCorrection) {}
            catch {}
        } else if (free != 0) {
            uint40 releaseAt = amountSeed % 2 == 0 ? 0 : uint40(block.timestamp + bound(amountSeed, 1 hours, 30 days));
            v.security.freezeShares(wallet, bound(amountSeed, 1, free), releaseAt, IRestrictedSecurity.RemedyReason.CourtOrder);
            coverage.partialFreezes++;
        }
        vm.stopPrank();
    }

    /// @dev Time passes: lots are released.
    function wait(uint256 secondsSeed) external {
        uint256 lockedBefore = _lockedTotal();
        vm.warp(block.timestamp + bound(secondsSeed, 1 hours, 10 days));
        if (_lockedTotal() < lockedBefore) coverage.lotsReleased++;
    }

    function forceTransfer(uint256 fromSeed, uint256 toSeed, uint256 amountSeed) external {
        address from = _holderWallet(fromSeed);
        uint256 balance = v.security.balanceOf(from);
        if (balance == 0) return;
        coverage.forcedTransfers++;
        _track();
        _carrying = true;
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
        _carrying = false;
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
        _identities.push(id);
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
            "dollar-only position,position closed,locked lot issued,locked shares refused,partial freeze,lot released",
            ","
        );
        // A struct of 21 words encodes as 21 words.
        uint256[21] memory all = abi.decode(abi.encode(coverage), (uint256[21]));
        counts = new uint256[](paths.length);
        for (uint256 i; i < paths.length; ++i) {
            counts[i] = all[i];
        }
    }

    // ------------------------------------------------------------------ internals

    uint256[] internal _holdingsBefore;
    /// @dev Moves after which an identity held more than before and more than the maximum holding: must stay 0.
    uint256 public ghost_holdingGrewPastMax;

    uint256[] internal _lockedBefore;
    /// @dev Moves after which an identity had fewer locked shares than before (time stands still within a move, and
    /// only a forced transfer carries locked shares away, to another identity): must stay 0.
    uint256 public ghost_locksMoved;
    bool internal _carrying;

    function _track() internal {
        delete _holdingsBefore;
        delete _lockedBefore;
        for (uint256 i; i < wallets.length; ++i) {
            _holdingsBefore.push(_holdingOf(wallets[i]));
            _lockedBefore.push(_lockedOf(i));
        }
    }

    function _lockedOf(uint256 i) internal view returns (uint256 locked) {
        (locked,) = v.security.lockedOf(_identities[i]);
    }

    /// @dev Locked shares of all identities.
    function _lockedTotal() internal view returns (uint256 total) {
        for (uint256 i; i < wallets.length; ++i) {
            if (_firstWalletOfItsIdentity(i)) total += _lockedOf(i);
        }
    }

    /// @dev Whether any identity's locked shares shrank in the move just made (for a forced transfer: in total).
    function _checkLocks() internal {
        uint256 before;
        uint256 afterwards;
        for (uint256 i; i < _lockedBefore.length; ++i) {
            uint256 locked = _lockedOf(i);
            if (!_carrying && locked < _lockedBefore[i]) ghost_locksMoved++;
            if (!_firstWalletOfItsIdentity(i)) continue;
            before += _lockedBefore[i];
            afterwards += locked;
        }
        if (afterwards < before) ghost_locksMoved++;
    }

    function _firstWalletOfItsIdentity(uint256 i) internal view returns (bool) {
        for (uint256 j; j < i; ++j) {
            if (_identities[j] == _identities[i]) return false;
        }
        return true;
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
        _checkLocks();
    }

    function _countRefusal(bytes memory reason) internal {
        bytes4 selector = bytes4(reason);
        if (selector == IRestrictedSecurity.HolderCapReached.selector) coverage.capRefusals++;
        if (selector == IRestrictedSecurity.MaxHoldingExceeded.selector) coverage.maxHoldingRefusals++;
        if (selector == IRestrictedSecurity.SharesLocked.selector) coverage.lockedRefusals++;
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

    function _hasNewcomer() internal view returns (bool) {
        for (uint256 i; i < wallets.length; ++i) {
            if (v.registry.investor(wallets[i]).registered && _holdingOf(wallets[i]) == 0) return true;
        }
        return false;
    }

    /// @dev A new accredited investor, with a spare wallet, if any is left.
    function _onboardNewcomer() internal {
        if (spares.length == 0) return;
        uint256 id = 5_000 + wallets.length;
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0] = IInvestorRegistry.IdentityInput(
            id, uint40(block.timestamp + 365 days), InvestorClass.ACCREDITED, 840, IInvestorRegistry.Verification(1, 1, 0)
        );
        vm.prank(v.officer);
        v.registry.upsertIdentities(rows);
        _link(id);
    }

    /// @dev Half of `balance`, within what `from`'s identity has free: the cap must be the one thing in the way.
    function _sendable(address from, uint256 balance) internal view returns (uint256) {
        uint256 id = v.registry.investor(from).identity;
        (uint256 locked,) = v.security.lockedOf(id);
        uint256 free = v.security.holdingOf(id) - locked;
        uint256 half = balance > 1 ? balance / 2 : 1;
        return half < free ? half : free == 0 ? 1 : free;
    }

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
