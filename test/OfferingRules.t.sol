// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {IV4Quoter} from "@uniswap/v4-periphery/src/interfaces/IV4Quoter.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IUnlockCallback} from "@uniswap/v4-core/src/interfaces/callback/IUnlockCallback.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {SqrtPriceMath} from "@uniswap/v4-core/src/libraries/SqrtPriceMath.sol";
import {StateLibrary} from "@uniswap/v4-core/src/libraries/StateLibrary.sol";
import {LiquidityAmounts} from "@uniswap/v4-periphery/src/libraries/LiquidityAmounts.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {BalanceDelta} from "@uniswap/v4-core/src/types/BalanceDelta.sol";
import {SwapParams} from "@uniswap/v4-core/src/types/PoolOperation.sol";
import {PoolSwapTest} from "@uniswap/v4-core/src/test/PoolSwapTest.sol";
import {LyingRouter} from "./utils/TestTokens.sol";
import {GateTestBase} from "./utils/GateTestBase.sol";
import {IInvestorRegistry} from "../contracts/interfaces/IInvestorRegistry.sol";
import {IRestrictedSecurity} from "../contracts/interfaces/IRestrictedSecurity.sol";
import {ISanctionsList} from "../contracts/interfaces/ISanctionsList.sol";
import {SanctionsList} from "../contracts/SanctionsList.sol";
import {Eligibility, InvestorClass} from "../contracts/libraries/Eligibility.sol";
import {InvestorRecord, InvestorRecordLibrary} from "../contracts/libraries/InvestorRecord.sol";
import {SecurityConfig, SecurityConfigLibrary} from "../contracts/libraries/SecurityConfig.sol";
import {OfferingRulesLibrary} from "../contracts/libraries/OfferingRules.sol";

/// @notice Investors, not wallets: identities with several wallets, exit-only standing, per-security offering rules
/// (classes, jurisdictions, Reg S), the holder book's caps, sanctions and the issuer's remedies, each at its boundary
/// and through the canonical UniversalRouter and PositionManager.
contract OfferingRulesTest is GateTestBase {
    using StateLibrary for IPoolManager;

    uint16 internal constant US = 840;
    uint16 internal constant GERMANY = 276;

    address internal alice2 = makeAddr("alice (cold wallet)");
    address internal frank = makeAddr("frank (QIB, not accredited)");
    address internal gina = makeAddr("gina (non-US person)");
    address internal hans = makeAddr("hans (non-US person)");
    address internal henry = makeAddr("henry (accredited)");
    address internal ivy = makeAddr("ivy (accredited)");

    uint256 internal constant FRANK_ID = 0xF4A4;
    uint256 internal constant GINA_ID = 0x61A4;
    uint256 internal constant HANS_ID = 0x4A45;

    function setUp() public override {
        super.setUp();
        address[6] memory newcomers = [alice2, frank, gina, hans, henry, ivy];
        for (uint256 i; i < newcomers.length; ++i) {
            _approveVenue(newcomers[i], IERC20(address(security)));
            _approveVenue(newcomers[i], IERC20(address(usd)));
            usd.mint(newcomers[i], 1_000_000e6);
        }
        vm.startPrank(officer);
        _identity(FRANK_ID, 0, InvestorClass.QIB, US, frank);
        _identity(GINA_ID, 0, InvestorClass.NON_US_PERSON, GERMANY, gina);
        _identity(HANS_ID, 0, InvestorClass.NON_US_PERSON, GERMANY, hans);
        _register(henry, uint40(block.timestamp + 365 days), false);
        _register(ivy, uint40(block.timestamp + 365 days), false);
        vm.stopPrank();
    }

    // ================================================================== exit-only

    /// @dev The issue's carol: her accreditation lapsed, and the venue trapped her shares. She may sell, not buy.
    function test_exitOnly_lapsedInvestorSellsButCannotBuy() public {
        vm.prank(officer);
        _register(carol, uint40(block.timestamp + 1 days), false);
        _issue(carol, 500e18);
        vm.prank(officer);
        _register(carol, uint40(block.timestamp - 1), false);

        uint256 usdBefore = usd.balanceOf(carol);
        _sell(carol, 500e18);
        assertEq(security.balanceOf(carol), 0);
        assertGt(usd.balanceOf(carol), usdBefore);

        _expectHookRevert(
            IHooks.beforeSwap.selector,
            _notEligible(carol, Eligibility.AccreditationExpired, uint40(block.timestamp - 1))
        );
        _buy(carol, 100e6);
    }

    function test_exitOnly_flaggedInvestorSellsButCannotBuyAddOrReceive() public {
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.InvestorExitOnly(alice, true, officer);
        vm.prank(officer);
        registry.setExitOnly(alice, true);
        (Eligibility status,) = registry.eligibility(alice, address(security));
        assertEq(uint8(status), uint8(Eligibility.ExitOnly));

        _sell(alice, 1_000e18);
        assertEq(security.balanceOf(alice), 9_000e18);

        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.ExitOnly, 0));
        _buy(alice, 100e6);
        _expectHookRevert(IHooks.beforeAddLiquidity.selector, _notEligible(alice, Eligibility.ExitOnly, 0));
        _mintFullRange(alice, key, 1e12);
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, alice, Eligibility.ExitOnly, 0)
        );
        vm.prank(lp);
        security.transfer(alice, 1e18);
    }

    function test_exitOnly_depositorRemovesLiquidityAndCollectsFees() public {
        uint256 tokenId = _mintFullRange(alice, key, 1e15);
        _buy(henry, 50_000e6); // fees accrue to alice's position
        vm.prank(officer);
        registry.setExitOnly(alice, true);
        uint256 before = security.balanceOf(alice);
        _decrease(alice, tokenId, key, 0, alice); // collect
        _decrease(alice, tokenId, key, 1e15, alice); // withdraw
        assertGt(security.balanceOf(alice), before);
    }

    function test_windingDown_makesEveryHolderExitOnly() public {
        _setRules(InvestorClass.ACCREDITED, 0, 0, true);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.ExitOnly, 0));
        _buy(alice, 100e6);
        _sell(alice, 100e18);
        assertEq(security.balanceOf(alice), 9_900e18);
    }

    // ================================================================== identities and wallets

    function test_linkWallets_walletsShareOneIdentity() public {
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.WalletLinked(_id(alice), alice2, officer);
        _linkAlice2();
        IInvestorRegistry.InvestorView memory w = registry.investor(alice2);
        assertEq(w.identity, _id(alice));
        assertEq(w.accreditationExpiry, registry.investor(alice).accreditationExpiry);
        assertEq(registry.identity(_id(alice)).wallets.length, 2);

        // A freeze named through either wallet holds the whole identity.
        vm.prank(officer);
        registry.setFrozen(alice2, true);
        assertTrue(registry.investor(alice).frozen);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.Frozen, 0));
        _buy(alice, 100e6);
    }

    function test_linkWallets_revertsWhen_moreThanTwentyWallets() public {
        address[] memory wallets = new address[](19);
        for (uint256 i; i < wallets.length; ++i) {
            wallets[i] = address(uint160(0xA11CE00 + i));
        }
        vm.prank(officer);
        registry.linkWallets(_id(alice), wallets);
        assertEq(registry.identity(_id(alice)).wallets.length, 20);
        address[] memory one = new address[](1);
        one[0] = address(0xA11CE99);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.TooManyWallets.selector, _id(alice), 20));
        vm.prank(officer);
        registry.linkWallets(_id(alice), one);
    }

    /// @dev Threat: move a wallet (and its shares) to another identity to dodge a cap or a maximum holding.
    function test_linkWallets_revertsWhen_walletOfAnotherIdentity() public {
        address[] memory wallets = new address[](1);
        wallets[0] = henry;
        vm.startPrank(officer);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.WalletOfAnotherIdentity.selector, henry, _id(henry)));
        registry.linkWallets(_id(alice), wallets);
        // Unlinked, the wallet still belongs to henry for good.
        registry.unlinkWallet(henry);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.WalletOfAnotherIdentity.selector, henry, _id(henry)));
        registry.linkWallets(_id(alice), wallets);
        vm.stopPrank();
    }

    function test_unlinkWallet_sharesKeepCountingForTheIdentity() public {
        _linkAlice2();
        vm.prank(alice);
        security.transfer(alice2, 4_000e18);
        vm.expectEmit(address(registry));
        emit IInvestorRegistry.WalletUnlinked(_id(alice), alice2, officer);
        vm.prank(officer);
        registry.unlinkWallet(alice2);
        assertEq(security.holdingOf(_id(alice)), 10_000e18);
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.SenderNotEligible.selector, alice2, Eligibility.NotRegistered, 0)
        );
        vm.prank(alice2);
        security.transfer(alice, 1e18);
    }

    /// @dev A roster row for a wallet that was unlinked relinks it, and reaches every other wallet of its identity.
    function test_upsertInvestors_throughAnUnlinkedWalletUpdatesEveryWallet() public {
        _linkAlice2();
        vm.startPrank(officer);
        registry.unlinkWallet(alice);
        _register(alice, uint40(block.timestamp + 10 days), false);
        vm.stopPrank();
        assertTrue(registry.investor(alice).registered);
        assertEq(registry.investor(alice).identity, _id(alice));
        assertEq(registry.investor(alice2).accreditationExpiry, uint40(block.timestamp + 10 days));
        assertEq(registry.identity(_id(alice)).wallets.length, 2);
    }

    function test_upsertIdentities_recordsVerificationAndKeepsStatus() public {
        vm.prank(officer);
        registry.setFrozen(frank, true);
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0] = IInvestorRegistry.IdentityInput(
            FRANK_ID,
            0,
            InvestorClass.QIB | InvestorClass.AFFILIATE,
            US,
            IInvestorRegistry.Verification(6, 1_749_000_000, keccak256("qib letter"))
        );
        vm.prank(officer);
        registry.upsertIdentities(rows);
        IInvestorRegistry.IdentityView memory v = registry.identity(FRANK_ID);
        assertTrue(v.frozen);
        assertEq(v.classes, InvestorClass.QIB | InvestorClass.AFFILIATE);
        assertEq(v.verification.method, 6);
        assertEq(v.verification.evidenceHash, keccak256("qib letter"));
        assertEq(registry.investor(frank).classes, InvestorClass.QIB | InvestorClass.AFFILIATE);
    }

    function test_upsertIdentities_revertsWhen_idOrJurisdictionInvalid() public {
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0].jurisdiction = US;
        vm.startPrank(officer);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvalidIdentityId.selector, 0));
        registry.upsertIdentities(rows);
        rows[0].id = 1 << 160;
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvalidIdentityId.selector, 1 << 160));
        registry.upsertIdentities(rows);
        rows[0].id = 7;
        rows[0].jurisdiction = 0;
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvalidJurisdiction.selector, 0));
        registry.upsertIdentities(rows);
        vm.stopPrank();
    }

    // ================================================================== holder caps, counted per identity

    /// @dev alice, bob and lp hold: 3 holders. Cap 4: the 4th identity (N) gets in, the 5th (N+1) does not; a new
    /// wallet of an identity that holds already is no new holder.
    function test_holderCap_countsIdentitiesAtTheBoundary() public {
        _setLimits(0, 0, 4, 0);
        (uint32 holders,) = security.holderCount();
        assertEq(holders, 3);
        _issue(henry, 100e18);
        (holders,) = security.holderCount();
        assertEq(holders, 4);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.HolderCapReached.selector, false, 4, 4));
        vm.prank(issuer);
        security.mint(ivy, 100e18);

        _linkAlice2();
        vm.prank(alice);
        security.transfer(alice2, 1_000e18);
        (holders,) = security.holderCount();
        assertEq(holders, 4);

        // A buy through the pool meets the same cap.
        _expectTokenRevert(abi.encodeWithSelector(IRestrictedSecurity.HolderCapReached.selector, false, 4, 4));
        _buy(ivy, 100e6);

        // henry leaves (N-1), and ivy gets in.
        vm.prank(henry);
        security.transfer(alice, 100e18);
        _buy(ivy, 100e6);
        (holders,) = security.holderCount();
        assertEq(holders, 4);
    }

    function test_holderCap_nonAccreditedCountedApart() public {
        _setRules(InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, 0, 0, false);
        _setLimits(0, 0, 0, 1);
        _buy(gina, 100e6);
        (uint32 holders, uint32 nonAccredited) = security.holderCount();
        assertEq(holders, 4);
        assertEq(nonAccredited, 1);
        _expectTokenRevert(abi.encodeWithSelector(IRestrictedSecurity.HolderCapReached.selector, true, 1, 1));
        _buy(hans, 100e6);
        // Accredited investors are not held back by the non-accredited cap.
        _buy(henry, 100e6);
    }

    function test_maxHolding_spansTheIdentitysWallets() public {
        _linkAlice2();
        _setLimits(10_100e18, 0, 0, 0);
        vm.prank(lp);
        security.transfer(alice2, 100e18);
        assertEq(security.holdingOf(_id(alice)), 10_100e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRestrictedSecurity.MaxHoldingExceeded.selector, _id(alice), 10_100e18 + 1, 10_100e18
            )
        );
        vm.prank(lp);
        security.transfer(alice2, 1);
        // Through the pool, the same limit, with the quoted amount the buy would have brought.
        (uint256 quoted,) =
            quoter.quoteExactInputSingle(IV4Quoter.QuoteExactSingleParams(key, !_securityIs0(key), 1_000e6, ""));
        _expectTokenRevert(
            abi.encodeWithSelector(
                IRestrictedSecurity.MaxHoldingExceeded.selector, _id(alice), 10_100e18 + quoted, 10_100e18
            )
        );
        _buy(alice, 1_000e6);
    }

    function test_minTrade_refusesSmallMovesBetweenIdentities() public {
        _setLimits(0, 10e18, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.BelowMinimumTrade.selector, 10e18 - 1, 10e18));
        vm.prank(alice);
        security.transfer(lp, 10e18 - 1);
        vm.prank(alice);
        security.transfer(lp, 10e18);
        // Between an investor's own wallets nothing is traded.
        _linkAlice2();
        vm.prank(alice);
        security.transfer(alice2, 1);
        assertEq(security.balanceOf(alice2), 1);
    }

    // ================================================================== who may acquire: classes, jurisdictions, Reg S

    function test_requiredClasses_rule144AIsForQibsOnly() public {
        _setRules(InvestorClass.QIB, 0, 0, false);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.ClassNotAllowed, 0));
        _buy(alice, 100e6);
        _buy(frank, 100e6);
        assertGt(security.balanceOf(frank), 0);
    }

    function test_jurisdictions_allowListAndDenyList() public {
        _setRules(InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, 1, 0, false);
        _setJurisdiction(US, true);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(gina, Eligibility.JurisdictionNotAllowed, 0));
        _buy(gina, 100e6);
        _buy(alice, 100e6);

        _setRules(InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, 2, 0, false);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.JurisdictionNotAllowed, 0));
        _buy(alice, 100e6);
        _buy(gina, 100e6);
    }

    /// @dev Reg S: before the distribution compliance period ends, shares flow to non-US persons only; from its last
    /// second on, to anyone the other rules admit.
    function test_regS_flowbackBlockedUntilThePeriodEnds() public {
        uint40 end = uint40(block.timestamp + 40 days);
        _setRules(InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, 0, end, false);
        _buy(gina, 100e6);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.FlowbackRestricted, end));
        _buy(alice, 100e6);
        vm.warp(end - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRestrictedSecurity.RecipientNotEligible.selector, alice, Eligibility.FlowbackRestricted, end
            )
        );
        vm.prank(gina);
        security.transfer(alice, 1e18);
        vm.warp(end);
        vm.prank(gina);
        security.transfer(alice, 1e18);
    }

    // ================================================================== sanctions

    function test_sanctions_listedWalletCannotTradeSendOrReceive() public {
        SanctionsList list = new SanctionsList(registry);
        registry.setSanctionsList(list);
        address[] memory who = new address[](1);
        who[0] = alice;
        vm.prank(officer);
        list.addToSanctionsList(who);

        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.Sanctioned, 0));
        _buy(alice, 100e6);
        _expectHookRevert(IHooks.beforeSwap.selector, _notEligible(alice, Eligibility.Sanctioned, 0));
        _sell(alice, 100e18);
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.SenderNotEligible.selector, alice, Eligibility.Sanctioned, 0)
        );
        vm.prank(alice);
        security.transfer(lp, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, alice, Eligibility.Sanctioned, 0)
        );
        vm.prank(lp);
        security.transfer(alice, 1e18);

        vm.prank(officer);
        list.removeFromSanctionsList(who);
        _buy(alice, 100e6);
    }

    function test_sanctionsList_revertsWhen_callerNotOfficer() public {
        SanctionsList list = new SanctionsList(registry);
        vm.expectRevert(abi.encodeWithSelector(SanctionsList.Unauthorized.selector, alice));
        vm.prank(alice);
        list.addToSanctionsList(new address[](0));
        vm.expectRevert();
        vm.prank(officer);
        registry.setSanctionsList(ISanctionsList(address(list)));
    }

    /// @dev Threat: a seller's admission (which checks only a seller's standing) is reused as a recipient's: an
    /// exit-only holder sells one share in a gated pool, and in the same transaction redeems ERC-6909 claims of the
    /// security into its wallet, which the token would have refused.
    function test_threat_sellersClearance_revertsWhen_usedToReceive() public {
        SellAndRedeem attacker = new SellAndRedeem(manager, key, address(security), address(usd));
        vm.prank(officer);
        _register(address(attacker), uint40(block.timestamp + 365 days), false);
        _issue(address(attacker), 10e18);
        // Claims of the security, bought in the gated pool by an eligible investor and handed over.
        LyingRouter fund = new LyingRouter(manager, address(0));
        vm.prank(officer);
        _register(address(fund), uint40(block.timestamp + 30 days), false);
        vm.prank(alice);
        usd.approve(address(fund), type(uint256).max);
        bool zeroForOne = !_securityIs0(key);
        vm.prank(alice);
        fund.swap(
            key,
            SwapParams(zeroForOne, -100e6, zeroForOne ? TickMath.MIN_SQRT_PRICE + 1 : TickMath.MAX_SQRT_PRICE - 1),
            PoolSwapTest.TestSettings({takeClaims: true, settleUsingBurn: false}),
            ""
        );
        uint256 claims = manager.balanceOf(alice, uint160(address(security)));
        vm.prank(alice);
        manager.transfer(address(attacker), uint160(address(security)), claims);

        vm.prank(officer);
        registry.setExitOnly(address(attacker), true);
        _expectTokenRefusal(address(attacker), Eligibility.ExitOnly, 0);
        attacker.run(1e18, claims);
    }

    // ================================================================== remedies

    function test_forceTransfer_movesAFrozenHoldersSharesWithinTheRules() public {
        vm.prank(officer);
        registry.setFrozen(alice, true);
        vm.expectEmit(address(security));
        emit IRestrictedSecurity.ForcedTransfer(
            alice, henry, 600e18, IRestrictedSecurity.RemedyReason.CourtOrder, officer
        );
        vm.prank(officer);
        security.forceTransfer(alice, henry, 600e18, IRestrictedSecurity.RemedyReason.CourtOrder);
        assertEq(security.balanceOf(henry), 600e18);
        assertEq(security.holdingOf(_id(alice)), 9_400e18);

        vm.startPrank(officer);
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, eve, Eligibility.NotRegistered, 0)
        );
        security.forceTransfer(alice, eve, 1e18, IRestrictedSecurity.RemedyReason.EstateTransfer);
        // A venue's balance is every LP's money: never forced.
        vm.expectRevert(
            abi.encodeWithSelector(
                IRestrictedSecurity.SenderNotEligible.selector, address(manager), Eligibility.NotRegistered, 0
            )
        );
        security.forceTransfer(address(manager), henry, 1e18, IRestrictedSecurity.RemedyReason.ErrorCorrection);
        security.setLimits(IRestrictedSecurity.Limits(0, 0, 4, 0));
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.HolderCapReached.selector, false, 4, 4));
        security.forceTransfer(alice, ivy, 1e18, IRestrictedSecurity.RemedyReason.ErrorCorrection);
        vm.stopPrank();

        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.Unauthorized.selector, lp, registry.COMPLIANCE_ROLE())
        );
        vm.prank(lp);
        security.forceTransfer(alice, lp, 1e18, IRestrictedSecurity.RemedyReason.CourtOrder);
    }

    function test_recoverWallet_movesALostWalletsSharesToTheIdentitysNewWallet() public {
        _linkAlice2();
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.NotARecovery.selector, alice, alice2));
        vm.prank(officer);
        security.recoverWallet(alice, alice2, IRestrictedSecurity.RemedyReason.LostKey);

        vm.prank(officer);
        registry.unlinkWallet(alice);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.NotARecovery.selector, alice, henry));
        vm.prank(officer);
        security.recoverWallet(alice, henry, IRestrictedSecurity.RemedyReason.LostKey);

        (uint32 holdersBefore,) = security.holderCount();
        vm.expectEmit(address(security));
        emit IRestrictedSecurity.WalletRecovered(
            alice, alice2, 10_000e18, IRestrictedSecurity.RemedyReason.LostKey, officer
        );
        vm.prank(officer);
        security.recoverWallet(alice, alice2, IRestrictedSecurity.RemedyReason.LostKey);
        assertEq(security.balanceOf(alice2), 10_000e18);
        (uint32 holdersAfter,) = security.holderCount();
        assertEq(holdersAfter, holdersBefore);
        _sell(alice2, 100e18);
    }

    // ================================================================== the holder book, past its first review

    /// @dev A position that holds only dollars can fill with shares as sellers trade through it, and its exit is never
    /// refused. So it counts at once for the most shares it could ever hold, against the maximum holding.
    function test_threat_usdOnlyPosition_revertsWhen_itCouldTakeTheHoldingPastTheMaximum() public {
        _setLimits(10_500e18, 0, 0, 0);
        (int24 lower, int24 upper) = _usdOnlyRange();
        uint128 tooMuch = _liquidityFor(lower, upper, 600e18);
        _expectHookRevert(
            IHooks.beforeAddLiquidity.selector,
            abi.encodeWithSelector(
                IRestrictedSecurity.MaxHoldingExceeded.selector,
                _id(alice),
                10_000e18 + _ceiling(lower, upper, tooMuch),
                10_500e18
            )
        );
        _mint(alice, key, lower, upper, tooMuch);

        uint128 liquidity = _liquidityFor(lower, upper, 400e18);
        uint256 tokenId = _mint(alice, key, lower, upper, liquidity);
        assertEq(security.reservedOf(_id(alice)), _ceiling(lower, upper, liquidity));
        assertEq(security.balanceOf(alice), 10_000e18, "the position took dollars only");
        // Sellers trade through the whole range: the position now holds shares only.
        _sell(lp, 100_000e18);
        _burn(alice, tokenId, key);
        assertEq(security.reservedOf(_id(alice)), 0);
        assertGt(security.balanceOf(alice), 10_390e18, "the sellers' shares reached alice");
        assertLe(security.holdingOf(_id(alice)), 10_500e18, "within the maximum, fees included");
    }

    /// @dev A newcomer's dollar-only position makes it a holder of record at once: at a full book it is refused.
    function test_threat_usdOnlyPosition_countsItsDepositorAsAHolderOfRecord() public {
        _setLimits(0, 0, 3, 0);
        (int24 lower, int24 upper) = _usdOnlyRange();
        uint128 liquidity = _liquidityFor(lower, upper, 100e18);
        _expectHookRevert(
            IHooks.beforeAddLiquidity.selector,
            abi.encodeWithSelector(IRestrictedSecurity.HolderCapReached.selector, false, 3, 3)
        );
        _mint(henry, key, lower, upper, liquidity);

        _setLimits(0, 0, 4, 0);
        uint256 tokenId = _mint(henry, key, lower, upper, liquidity);
        (uint32 holders,) = security.holderCount();
        assertEq(holders, 4);
        assertEq(security.balanceOf(henry), 0);
        uint256 ceiling = _ceiling(lower, upper, liquidity);
        assertEq(security.reservedOf(_id(henry)), ceiling);

        // Half the liquidity out: half the reservation released (rounded so that the rest stays covered).
        _decrease(henry, tokenId, key, liquidity / 2, henry);
        assertEq(security.reservedOf(_id(henry)), ceiling - ceiling * (liquidity / 2) / liquidity);
        // The rest out: a position that never filled leaves nothing, and henry is no holder any more.
        _burn(henry, tokenId, key);
        assertEq(security.reservedOf(_id(henry)), 0);
        (holders,) = security.holderCount();
        assertEq(holders, 3);
    }

    /// @dev Whoever removes the liquidity, the reservation was the depositor's and is released from the depositor.
    function test_threat_usdOnlyPosition_releasedWhenAnotherInvestorRemovesIt() public {
        (int24 lower, int24 upper) = _usdOnlyRange();
        uint256 tokenId = _mint(henry, key, lower, upper, _liquidityFor(lower, upper, 100e18));
        vm.prank(henry);
        IERC721(address(posm)).transferFrom(henry, ivy, tokenId);
        _burn(ivy, tokenId, key);
        assertEq(security.reservedOf(_id(henry)), 0);
        (uint32 holders,) = security.holderCount();
        assertEq(holders, 3);
    }

    /// @dev A filled position's exit turns its reservation into shares without the depositor ever leaving the book:
    /// otherwise the exit would re-open its holding, unchecked, in the count its lapsed accreditation now puts it in.
    function test_threat_exitOfAFilledPosition_keepsItsDepositorInItsCount() public {
        _setRules(InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, 0, 0, false);
        _setLimits(0, 0, 0, 1);
        _buy(gina, 100e6);
        (int24 lower, int24 upper) = _usdOnlyRange();
        uint256 tokenId = _mint(henry, key, lower, upper, _liquidityFor(lower, upper, 100e18));
        _sell(lp, 100_000e18);
        vm.prank(officer);
        _register(henry, uint40(block.timestamp - 1), false);
        _burn(henry, tokenId, key);
        assertGt(security.balanceOf(henry), 99e18, "the exit paid henry the sellers' shares");
        assertEq(security.reservedOf(_id(henry)), 0);
        (, uint32 nonAccredited) = security.holderCount();
        assertEq(nonAccredited, 1, "the exit moved henry into the full non-accredited count");
    }

    /// @dev A holding below the minimum trade could otherwise never leave: moving all of it is allowed.
    function test_minTrade_allowsTheWholeRemainderBelowTheMinimum() public {
        _setLimits(0, 10e18, 0, 0);
        vm.prank(alice);
        security.transfer(lp, 10_000e18 - 6e18);
        vm.expectRevert(abi.encodeWithSelector(IRestrictedSecurity.BelowMinimumTrade.selector, 5e18, 10e18));
        vm.prank(alice);
        security.transfer(lp, 5e18);
        // The whole remainder may go, here through the pool.
        _sell(alice, 6e18);
        assertEq(security.balanceOf(alice), 0);
        assertEq(security.holdingOf(_id(alice)), 0);
    }

    /// @dev A holder whose accreditation changes moves to the other count the next time it acquires, within its cap.
    function test_holderCap_rebucketsAHolderWhoseAccreditationChanged() public {
        _setRules(InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, 0, 0, false);
        _setLimits(0, 0, 0, 1);
        _buy(gina, 100e6);
        (, uint32 nonAccredited) = security.holderCount();
        assertEq(nonAccredited, 1);

        // gina is accredited now: her next buy leaves the non-accredited count, and hans gets in.
        _upsertIdentity(GINA_ID, uint40(block.timestamp + 365 days), InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON, GERMANY);
        _buy(gina, 100e6);
        (, nonAccredited) = security.holderCount();
        assertEq(nonAccredited, 0);
        _buy(hans, 100e6);

        // Her accreditation lapses: a further buy would take her back into a full non-accredited count.
        _upsertIdentity(GINA_ID, 0, InvestorClass.NON_US_PERSON, GERMANY);
        _expectTokenRevert(abi.encodeWithSelector(IRestrictedSecurity.HolderCapReached.selector, true, 1, 1));
        _buy(gina, 100e6);
    }

    /// @dev A venue's shares were never counted for anyone: as an investor's, they would be debited from nothing.
    function test_upsertInvestors_revertsWhen_walletWasAVenue() public {
        address former = makeAddr("former venue");
        registry.setVenue(former, true);
        vm.prank(alice);
        security.transfer(former, 1e18);
        registry.setVenue(former, false);
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(former, uint40(block.timestamp + 365 days), false);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.AccountIsVenue.selector, former));
        vm.prank(officer);
        registry.upsertInvestors(rows);
        address[] memory wallets = new address[](1);
        wallets[0] = former;
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.AccountIsVenue.selector, former));
        vm.prank(officer);
        registry.linkWallets(_id(alice), wallets);
        // It may serve as a venue again.
        registry.setVenue(former, true);
    }

    /// @dev Officers' identity ids and the roster's (a wallet's address) come from apart ranges, so neither can land in
    /// the other's identity.
    function test_upsertIdentities_revertsWhen_idInTheRostersRange() public {
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0].jurisdiction = US;
        rows[0].id = uint256(1) << 64;
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvalidIdentityId.selector, uint256(1) << 64));
        vm.prank(officer);
        registry.upsertIdentities(rows);
        // An existing roster identity may still be edited through its id.
        rows[0].id = _id(alice);
        rows[0].classes = InvestorClass.ACCREDITED | InvestorClass.QIB;
        rows[0].accreditationExpiry = uint40(block.timestamp + 365 days);
        vm.prank(officer);
        registry.upsertIdentities(rows);
        assertEq(registry.investor(alice).classes, InvestorClass.ACCREDITED | InvestorClass.QIB);

        IInvestorRegistry.InvestorInput[] memory roster = new IInvestorRegistry.InvestorInput[](1);
        roster[0] = IInvestorRegistry.InvestorInput(address(uint160(FRANK_ID)), uint40(block.timestamp + 365 days), false);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvalidIdentityId.selector, FRANK_ID));
        vm.prank(officer);
        registry.upsertInvestors(roster);
    }

    /// @dev A recovery keeps the lost wallet's lockup and never reaches a sanctioned wallet.
    function test_recoverWallet_revertsWhen_itWouldShortenALockupOrReachASanctionedWallet() public {
        uint40 end = uint40(block.timestamp + 30 days);
        vm.startPrank(officer);
        registry.setLockupOverride(address(security), alice, end);
        vm.stopPrank();
        _linkAlice2();
        vm.prank(officer);
        registry.unlinkWallet(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRestrictedSecurity.RecoveryShortensLockup.selector, alice2, end, offeringLockupEnd
            )
        );
        vm.prank(officer);
        security.recoverWallet(alice, alice2, IRestrictedSecurity.RemedyReason.LostKey);

        vm.prank(officer);
        registry.setLockupOverride(address(security), alice2, end);
        SanctionsList list = new SanctionsList(registry);
        registry.setSanctionsList(list);
        address[] memory who = new address[](1);
        who[0] = alice2;
        vm.prank(officer);
        list.addToSanctionsList(who);
        vm.expectRevert(
            abi.encodeWithSelector(IRestrictedSecurity.RecipientNotEligible.selector, alice2, Eligibility.Sanctioned, 0)
        );
        vm.prank(officer);
        security.recoverWallet(alice, alice2, IRestrictedSecurity.RemedyReason.LostKey);

        vm.prank(officer);
        list.removeFromSanctionsList(who);
        vm.prank(officer);
        security.recoverWallet(alice, alice2, IRestrictedSecurity.RemedyReason.LostKey);
        assertEq(security.balanceOf(alice2), 10_000e18);
    }

    // ================================================================== the decision, against a model

    struct Case {
        uint40 expiry;
        uint8 classes;
        bool exitOnly;
        uint8 required;
        uint8 mode;
        bool listed;
        uint40 regSEnd;
        bool windingDown;
        uint40 timestamp;
    }

    function test_fuzz_acquirerStatus_matchesTheRules(Case memory c) public pure {
        c.classes &= InvestorClass.ALL;
        c.required &= InvestorClass.ALL;
        c.mode %= 3;
        InvestorRecord record = InvestorRecordLibrary.identity(c.expiry, c.classes, US).withExitOnly(c.exitOnly);
        SecurityConfig config = SecurityConfig.wrap(0).listed(0).withRules(c.required, c.mode, c.regSEnd, c.windingDown);
        (Eligibility got, uint40 until) = OfferingRulesLibrary.acquirerStatus(record, config, c.listed, c.timestamp);
        (Eligibility want, uint40 wantUntil) = _model(c);
        assertEq(uint8(got), uint8(want));
        assertEq(until, wantUntil);
    }

    /// @dev The rules as the README states them, written independently of the library.
    function _model(Case memory c) internal pure returns (Eligibility, uint40) {
        if (c.exitOnly || c.windingDown) return (Eligibility.ExitOnly, 0);
        bool accredited = c.classes & InvestorClass.ACCREDITED != 0 && c.timestamp < c.expiry;
        bool otherClassAdmits = c.required & c.classes & ~InvestorClass.ACCREDITED != 0;
        bool accreditationAdmits = c.required & InvestorClass.ACCREDITED != 0 && accredited;
        if (c.required != 0 && !otherClassAdmits && !accreditationAdmits) {
            if (c.required & c.classes & InvestorClass.ACCREDITED != 0) {
                return (Eligibility.AccreditationExpired, c.expiry);
            }
            return (Eligibility.ClassNotAllowed, 0);
        }
        if ((c.mode == 1 && !c.listed) || (c.mode == 2 && c.listed)) return (Eligibility.JurisdictionNotAllowed, 0);
        if (c.timestamp < c.regSEnd && c.classes & InvestorClass.NON_US_PERSON == 0) {
            return (Eligibility.FlowbackRestricted, c.regSEnd);
        }
        return (Eligibility.Ok, 0);
    }

    // ================================================================== officer input

    function test_setOfferingRules_revertsWhen_securityUnknownOrModeInvalid() public {
        vm.startPrank(officer);
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.SecurityNotConfigured.selector, address(usd)));
        registry.setOfferingRules(address(usd), IInvestorRegistry.OfferingRules(0, 0, 0, false));
        vm.expectRevert(abi.encodeWithSelector(IInvestorRegistry.InvalidJurisdiction.selector, 3));
        registry.setOfferingRules(address(security), IInvestorRegistry.OfferingRules(0, 3, 0, false));
        vm.stopPrank();
    }

    function test_configureSecurity_keepsTheOfferingRules() public {
        _setRules(InvestorClass.QIB, 0, 0, false);
        vm.prank(officer);
        registry.configureSecurity(address(security), 0);
        assertEq(registry.offeringRules(address(security)).requiredClasses, InvestorClass.QIB);
    }

    // ================================================================== helpers

    /// @dev A range just beside the price on the side where a position holds dollars only; sellers move into it.
    function _usdOnlyRange() internal view returns (int24 lower, int24 upper) {
        (, int24 tick,,) = manager.getSlot0(poolId);
        int24 spacing = key.tickSpacing;
        int24 floored = tick / spacing * spacing;
        if (tick < 0 && tick % spacing != 0) floored -= spacing;
        // Security as currency0: dollars are currency1, held below the price; otherwise above it.
        if (_securityIs0(key)) return (floored - 10 * spacing, floored);
        return (floored + spacing, floored + 11 * spacing);
    }

    function _liquidityFor(int24 lower, int24 upper, uint256 shares) internal view returns (uint128) {
        uint160 a = TickMath.getSqrtPriceAtTick(lower);
        uint160 b = TickMath.getSqrtPriceAtTick(upper);
        return _securityIs0(key)
            ? LiquidityAmounts.getLiquidityForAmount0(a, b, shares)
            : LiquidityAmounts.getLiquidityForAmount1(a, b, shares);
    }

    /// @dev The most shares `liquidity` over the range could ever hold: all of it converted to the security.
    function _ceiling(int24 lower, int24 upper, uint128 liquidity) internal view returns (uint256) {
        uint160 a = TickMath.getSqrtPriceAtTick(lower);
        uint160 b = TickMath.getSqrtPriceAtTick(upper);
        return _securityIs0(key)
            ? SqrtPriceMath.getAmount0Delta(a, b, liquidity, true)
            : SqrtPriceMath.getAmount1Delta(a, b, liquidity, true);
    }

    function _upsertIdentity(uint256 id, uint40 expiry, uint8 classes, uint16 jurisdiction) internal {
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0] =
            IInvestorRegistry.IdentityInput(id, expiry, classes, jurisdiction, IInvestorRegistry.Verification(1, 1, 0));
        vm.prank(officer);
        registry.upsertIdentities(rows);
    }

    function _id(address wallet) internal pure returns (uint256) {
        return uint160(wallet);
    }

    function _buy(address user, uint128 usdIn) internal {
        _swapExactIn(user, key, !_securityIs0(key), usdIn);
    }

    function _sell(address user, uint128 sharesIn) internal {
        _swapExactIn(user, key, _securityIs0(key), sharesIn);
    }

    function _identity(uint256 id, uint40 expiry, uint8 classes, uint16 jurisdiction, address wallet) internal {
        IInvestorRegistry.IdentityInput[] memory rows = new IInvestorRegistry.IdentityInput[](1);
        rows[0] =
            IInvestorRegistry.IdentityInput(id, expiry, classes, jurisdiction, IInvestorRegistry.Verification(1, 1, 0));
        registry.upsertIdentities(rows);
        address[] memory wallets = new address[](1);
        wallets[0] = wallet;
        registry.linkWallets(id, wallets);
    }

    function _linkAlice2() internal {
        address[] memory wallets = new address[](1);
        wallets[0] = alice2;
        vm.prank(officer);
        registry.linkWallets(_id(alice), wallets);
    }

    function _setRules(uint8 required, uint8 mode, uint40 regSEnd, bool windingDown) internal {
        vm.prank(officer);
        registry.setOfferingRules(
            address(security), IInvestorRegistry.OfferingRules(required, mode, regSEnd, windingDown)
        );
    }

    function _setJurisdiction(uint16 code, bool listed) internal {
        uint16[] memory codes = new uint16[](1);
        codes[0] = code;
        vm.prank(officer);
        registry.setJurisdictions(address(security), codes, listed);
    }

    function _setLimits(uint96 maxHolding, uint96 minTrade, uint32 maxHolders, uint32 maxNonAccredited) internal {
        vm.prank(officer);
        security.setLimits(IRestrictedSecurity.Limits(maxHolding, minTrade, maxHolders, maxNonAccredited));
    }
}

/// @notice Sells shares in a gated pool and redeems ERC-6909 claims of the security, in one unlock, as itself.
contract SellAndRedeem is IUnlockCallback {
    IPoolManager internal immutable manager;
    PoolKey internal key;
    address internal immutable security;
    address internal immutable usd;

    constructor(IPoolManager manager_, PoolKey memory key_, address security_, address usd_) {
        (manager, key, security, usd) = (manager_, key_, security_, usd_);
    }

    function run(uint256 sellAmount, uint256 claims) external {
        manager.unlock(abi.encode(sellAmount, claims));
    }

    function unlockCallback(bytes calldata data) external returns (bytes memory) {
        (uint256 sellAmount, uint256 claims) = abi.decode(data, (uint256, uint256));
        bool securityIs0 = Currency.unwrap(key.currency0) == security;
        BalanceDelta delta = manager.swap(
            key,
            SwapParams(securityIs0, -int256(sellAmount), securityIs0 ? TickMath.MIN_SQRT_PRICE + 1 : TickMath.MAX_SQRT_PRICE - 1),
            ""
        );
        manager.sync(Currency.wrap(security));
        IERC20(security).transfer(address(manager), sellAmount);
        manager.settle();
        manager.take(Currency.wrap(usd), address(this), uint128(securityIs0 ? delta.amount1() : delta.amount0()));
        manager.burn(address(this), uint160(security), claims);
        manager.take(Currency.wrap(security), address(this), claims);
        return "";
    }
}
