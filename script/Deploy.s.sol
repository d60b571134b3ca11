// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Script} from "forge-std/Script.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {Hooks} from "@uniswap/v4-core/src/libraries/Hooks.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolId} from "@uniswap/v4-core/src/types/PoolId.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {IPositionManager} from "@uniswap/v4-periphery/src/interfaces/IPositionManager.sol";
import {IV4Quoter} from "@uniswap/v4-periphery/src/interfaces/IV4Quoter.sol";
import {IStateView} from "@uniswap/v4-periphery/src/interfaces/IStateView.sol";
import {LiquidityAmounts} from "@uniswap/v4-periphery/src/libraries/LiquidityAmounts.sol";
import {Actions} from "@uniswap/v4-periphery/src/libraries/Actions.sol";
import {IAllowanceTransfer} from "permit2/src/interfaces/IAllowanceTransfer.sol";

import {CanonicalStack, Stack} from "./lib/CanonicalStack.sol";
import {IUniversalRouter} from "./lib/IUniversalRouter.sol";
import {InvestorRegistry} from "../contracts/InvestorRegistry.sol";
import {IInvestorRegistry} from "../contracts/interfaces/IInvestorRegistry.sol";
import {GateHook} from "../contracts/GateHook.sol";
import {IGateHook} from "../contracts/interfaces/IGateHook.sol";
import {RestrictedSecurityToken} from "../contracts/tokens/RestrictedSecurityToken.sol";
import {DemoStablecoin} from "../contracts/tokens/DemoStablecoin.sol";
import {IRestrictedSecurity} from "../contracts/interfaces/IRestrictedSecurity.sol";
import {SanctionsList} from "../contracts/SanctionsList.sol";
import {InvestorClass} from "../contracts/libraries/Eligibility.sol";

/// @title Deploy
/// @notice Deploys Accredex on top of the canonical Uniswap v4 contracts and writes `deployments/<chainId>.json`.
/// On a local chain (31337) it first deploys the canonical contracts from the npm artifacts and seeds a demo market.
/// Idempotent: every contract sits at a CREATE2 address fixed by its code and arguments, and every setting is
/// checked before it is written, so a second run against the same chain sends no transaction.
///
/// Configuration: `script/config/<chainId>.json` (or `DEPLOY_CONFIG=<path>`); see `script/config/`.
///   forge script script/Deploy.s.sol --rpc-url $RPC_URL --private-key $KEY            # dry run (simulation)
///   forge script script/Deploy.s.sol --rpc-url $RPC_URL --private-key $KEY --broadcast
contract Deploy is Script, CanonicalStack {
    uint256 internal constant LOCAL_CHAIN_ID = 31337;
    /// @dev anvil's well-known development mnemonic: its accounts are the local demo cast, never used elsewhere.
    string internal constant ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
    uint160 internal constant GATE_FLAGS = Hooks.BEFORE_INITIALIZE_FLAG | Hooks.BEFORE_ADD_LIQUIDITY_FLAG
        | Hooks.AFTER_REMOVE_LIQUIDITY_FLAG | Hooks.BEFORE_SWAP_FLAG | Hooks.BEFORE_DONATE_FLAG
        | Hooks.AFTER_REMOVE_LIQUIDITY_RETURNS_DELTA_FLAG;

    struct SecuritySpec {
        /// @dev The default lockup end, unix seconds (the offering's close plus its holding period). Required.
        uint256 lockupEnd;
        string name;
        uint256 priceUsd;
        string symbol;
    }

    struct Venue {
        Stack stack;
        InvestorRegistry registry;
        GateHook hook;
        DemoStablecoin usd;
        RestrictedSecurityToken[] securities;
        PoolKey[] pools;
        string[] poolNames;
    }

    string internal config;
    string internal manifestDir;
    address internal operator;

    function run() external {
        config = vm.readFile(vm.envOr("DEPLOY_CONFIG", string.concat("script/config/", vm.toString(block.chainid), ".json")));
        manifestDir = vm.envOr("DEPLOYMENTS_DIR", string("deployments"));
        (, operator,) = vm.readCallers();
        uint256 deployBlock = block.number;

        vm.startBroadcast(operator);
        Venue memory venue;
        venue.stack = _canonical();
        _deployAccredex(venue);
        vm.stopBroadcast();

        if (block.chainid == LOCAL_CHAIN_ID && vm.parseJsonBool(config, ".seed")) _seed(venue);
        _writeManifest(venue, _previousDeployBlock(address(venue.registry), deployBlock));
    }

    // ------------------------------------------------------------------ canonical Uniswap v4

    function _canonical() internal returns (Stack memory s) {
        if (vm.keyExistsJson(config, ".canonical")) {
            s.poolManager = IPoolManager(vm.parseJsonAddress(config, ".canonical.poolManager"));
            s.positionManager = IPositionManager(vm.parseJsonAddress(config, ".canonical.positionManager"));
            s.universalRouter = IUniversalRouter(vm.parseJsonAddress(config, ".canonical.universalRouter"));
            s.v4Quoter = IV4Quoter(vm.parseJsonAddress(config, ".canonical.v4Quoter"));
            s.stateView = IStateView(vm.parseJsonAddress(config, ".canonical.stateView"));
            s.permit2 = IAllowanceTransfer(vm.parseJsonAddress(config, ".canonical.permit2"));
            address[6] memory all = [address(s.poolManager), address(s.positionManager), address(s.universalRouter),
                address(s.v4Quoter), address(s.stateView), address(s.permit2)];
            for (uint256 i; i < all.length; ++i) {
                require(all[i].code.length != 0, string.concat("no contract at canonical address ", vm.toString(all[i])));
            }
            return s;
        }
        require(block.chainid == LOCAL_CHAIN_ID, "config has no .canonical addresses: they are deployed on chain 31337 only");
        // Permit2's shipped bytecode is runtime code: `npm start` places it with anvil_setCode before this runs.
        require(PERMIT2.code.length != 0, "Permit2 is not on this chain: place it first (npm start does, with anvil_setCode)");
        return _deployStack(operator);
    }

    // ------------------------------------------------------------------ Accredex

    function _deployAccredex(Venue memory venue) internal {
        Stack memory s = venue.stack;
        uint48 delay = uint48(vm.parseJsonUint(config, ".adminTransferDelay"));
        venue.registry = InvestorRegistry(
            _deployOnce(SALT, abi.encodePacked(type(InvestorRegistry).creationCode, abi.encode(operator, delay)))
        );
        venue.hook = _deployHook(s, venue.registry);
        venue.usd = DemoStablecoin(
            _deployOnce(
                SALT,
                abi.encodePacked(
                    type(DemoStablecoin).creationCode,
                    abi.encode(
                        vm.parseJsonString(config, ".stablecoin.name"), vm.parseJsonString(config, ".stablecoin.symbol"), operator
                    )
                )
            )
        );

        InvestorRegistry registry = venue.registry;
        // A local chain has no Chainalysis oracle: deploy one with its interface, whose list the officers keep. On a
        // public chain the admin names Chainalysis's with `setSanctionsList`.
        if (block.chainid == LOCAL_CHAIN_ID && address(registry.sanctionsList()) == address(0)) {
            registry.setSanctionsList(
                SanctionsList(_deployOnce(SALT, abi.encodePacked(type(SanctionsList).creationCode, abi.encode(registry))))
            );
        }
        _grant(registry, registry.COMPLIANCE_ROLE(), operator);
        _grant(registry, registry.PAUSER_ROLE(), operator);
        _grant(registry, registry.ISSUER_ROLE(), operator);
        // Venues are the contracts that may hold the security: the PoolManager (pools), and the routers that can be a
        // payout's recipient in a multi-step call. Permit2 never holds tokens (it moves them from the holder), and a
        // token sent there is stuck, so it is not one; a deploy over a chain that listed it unlists it.
        address[3] memory venueContracts = [address(s.poolManager), address(s.positionManager), address(s.universalRouter)];
        for (uint256 i; i < venueContracts.length; ++i) {
            if (!registry.investor(venueContracts[i]).venue) registry.setVenue(venueContracts[i], true);
        }
        if (registry.investor(address(s.permit2)).venue) registry.setVenue(address(s.permit2), false);
        _trust(venue.hook, address(s.universalRouter), IGateHook.RouterKind.Forwarder);
        _trust(venue.hook, address(s.positionManager), IGateHook.RouterKind.Forwarder);
        _trust(venue.hook, address(s.v4Quoter), IGateHook.RouterKind.Quoter);

        SecuritySpec[] memory specs = _specs();
        venue.securities = new RestrictedSecurityToken[](specs.length);
        venue.pools = new PoolKey[](specs.length);
        venue.poolNames = new string[](specs.length);
        for (uint256 i; i < specs.length; ++i) {
            RestrictedSecurityToken token = RestrictedSecurityToken(
                _deployOnce(
                    SALT,
                    abi.encodePacked(
                        type(RestrictedSecurityToken).creationCode,
                        abi.encode(specs[i].name, specs[i].symbol, registry, venue.hook)
                    )
                )
            );
            venue.securities[i] = token;
            (bool listed,) = registry.security(address(token));
            require(
                specs[i].lockupEnd != 0 && specs[i].lockupEnd <= type(uint40).max,
                string.concat("securities[", vm.toString(i), "].lockupEnd: give the default lockup end in unix seconds (offering close + holding period)")
            );
            if (!listed) registry.configureSecurity(address(token), uint40(specs[i].lockupEnd));
            PoolKey memory key = _poolKey(address(token), address(venue.usd), venue.hook);
            (, bool authorized, bool initialized,) = venue.hook.poolConfig(key.toId());
            if (!authorized) venue.hook.authorizePool(key, address(token));
            if (!initialized) s.poolManager.initialize(key, _sqrtPriceX96(key, address(token), specs[i].priceUsd));
            venue.pools[i] = key;
            venue.poolNames[i] = string.concat(specs[i].symbol, "/", vm.parseJsonString(config, ".stablecoin.symbol"));
            // Once, in the run that lists it: later runs leave its rules, supply and liquidity to its officers.
            if (!initialized) _offering(venue, i);
        }
    }

    /// @dev Each security's required fields, read one by one: entries may carry optional keys (see `_offering`), so
    /// the array does not decode as one tuple type.
    function _specs() internal view returns (SecuritySpec[] memory specs) {
        uint256 count;
        while (vm.keyExistsJson(config, string.concat(".securities[", vm.toString(count), "]"))) ++count;
        specs = new SecuritySpec[](count);
        for (uint256 i; i < count; ++i) {
            string memory at = string.concat(".securities[", vm.toString(i), "]");
            specs[i] = SecuritySpec({
                lockupEnd: vm.parseJsonUint(config, string.concat(at, ".lockupEnd")),
                name: vm.parseJsonString(config, string.concat(at, ".name")),
                priceUsd: vm.parseJsonUint(config, string.concat(at, ".priceUsd")),
                symbol: vm.parseJsonString(config, string.concat(at, ".symbol"))
            });
        }
    }

    /// @dev A minted share: `amount` whole shares to `to`. Fields alphabetical (forge decodes JSON objects by key).
    struct Allocation {
        uint256 amount;
        address to;
    }

    /// @dev What `npm run venue -- list-security` adds to a security's entry, each optional, applied in the run that
    /// initializes its pool and never again (an officer's later change of the rules stands): its offering rules
    /// (`limits`), its issuance (`issuance`) and seed liquidity (`liquidityUsd`: a full-range position worth that many
    /// dollars a side, from the deployer, which must therefore be a registered investor holding the shares and the
    /// stablecoin).
    function _offering(Venue memory venue, uint256 i) internal {
        string memory at = string.concat(".securities[", vm.toString(i), "]");
        RestrictedSecurityToken token = venue.securities[i];
        if (vm.keyExistsJson(config, string.concat(at, ".limits"))) {
            IRestrictedSecurity.Limits memory want = IRestrictedSecurity.Limits(
                _shares96(string.concat(at, ".limits.maxHolding")),
                _shares96(string.concat(at, ".limits.minTrade")),
                SafeCast.toUint32(vm.parseJsonUint(config, string.concat(at, ".limits.maxHolders"))),
                SafeCast.toUint32(vm.parseJsonUint(config, string.concat(at, ".limits.maxNonAccredited")))
            );
            if (keccak256(abi.encode(token.limits())) != keccak256(abi.encode(want))) token.setLimits(want);
        }
        if (vm.keyExistsJson(config, string.concat(at, ".issuance"))) {
            Allocation[] memory issuance = abi.decode(vm.parseJson(config, string.concat(at, ".issuance")), (Allocation[]));
            for (uint256 k; k < issuance.length; ++k) token.mint(issuance[k].to, issuance[k].amount * 1e18);
        }
        if (!vm.keyExistsJson(config, string.concat(at, ".liquidityUsd"))) return;
        PoolKey memory key = venue.pools[i];
        require(
            venue.registry.investor(operator).registered,
            string.concat(at, ".liquidityUsd: the deployer adds the seed liquidity, so it must be a registered investor (register it, or leave liquidityUsd out)")
        );
        _approvePositionManager(venue, key);
        (uint160 price,) = _slot0(venue.stack.stateView, key.toId());
        int24 max = TickMath.maxUsableTick(key.tickSpacing);
        bool usdIs0 = Currency.unwrap(key.currency0) == address(venue.usd);
        uint256 usd = vm.parseJsonUint(config, string.concat(at, ".liquidityUsd")) * 1e6;
        _mint(venue.stack.positionManager, key, -max, max, _liquidityForUsd(price, -max, max, usd, usdIs0), operator);
    }

    /// @dev Mines the CREATE2 salt that puts exactly the gate's flags in the address's low bits. HookMiner's
    /// search, without its "skip addresses that already hold code" step: a second run must find the same address.
    function _deployHook(Stack memory s, InvestorRegistry registry) internal returns (GateHook) {
        bytes memory initcode = abi.encodePacked(
            type(GateHook).creationCode,
            abi.encode(s.poolManager, registry, s.universalRouter, s.positionManager, s.v4Quoter)
        );
        bytes32 initHash = keccak256(initcode);
        for (uint256 salt; salt < 1_000_000; ++salt) {
            address candidate = vm.computeCreate2Address(bytes32(salt), initHash, CREATE2_DEPLOYER);
            if (uint160(candidate) & Hooks.ALL_HOOK_MASK == GATE_FLAGS) {
                GateHook hook = GateHook(_deployOnce(bytes32(salt), initcode));
                require(uint160(address(hook)) & Hooks.ALL_HOOK_MASK == GATE_FLAGS, "hook address lacks its flags");
                return hook;
            }
        }
        revert("no hook salt found");
    }

    function _grant(InvestorRegistry registry, bytes32 role, address account) internal {
        if (!registry.hasRole(role, account)) registry.grantRole(role, account);
    }

    function _trust(GateHook hook, address router, IGateHook.RouterKind kind) internal {
        if (hook.routerKind(router) != kind) hook.setRouter(router, kind);
    }

    function _poolKey(address security, address usd, GateHook hook) internal view returns (PoolKey memory) {
        (address c0, address c1) = security < usd ? (security, usd) : (usd, security);
        return PoolKey({
            currency0: Currency.wrap(c0),
            currency1: Currency.wrap(c1),
            fee: uint24(vm.parseJsonUint(config, ".fee")),
            tickSpacing: int24(int256(vm.parseJsonUint(config, ".tickSpacing"))),
            hooks: IHooks(address(hook))
        });
    }

    /// @dev sqrt(price) in Q64.96 for `priceUsd` dollars (6 decimals) per share (18 decimals).
    function _sqrtPriceX96(PoolKey memory key, address security, uint256 priceUsd) internal pure returns (uint160) {
        // The raw price is currency1 per currency0: USD units per share unit, or its inverse.
        uint256 ratioX192 = Currency.unwrap(key.currency0) == security
            ? (priceUsd << 192) / 1e12
            : (uint256(1e12) << 192) / priceUsd;
        return uint160(Math.sqrt(ratioX192));
    }

    // ------------------------------------------------------------------ local demo market

    struct Cast {
        uint256 alice;
        uint256 bob;
        uint256 carol;
        uint256 dave;
        uint256 eve;
        uint256 lp;
        uint256 officer;
        uint256 aliceCold;
        uint256 gina;
    }

    function _cast() internal pure returns (Cast memory c) {
        c.alice = vm.deriveKey(ANVIL_MNEMONIC, 1);
        c.bob = vm.deriveKey(ANVIL_MNEMONIC, 2);
        c.carol = vm.deriveKey(ANVIL_MNEMONIC, 3);
        c.dave = vm.deriveKey(ANVIL_MNEMONIC, 4);
        c.eve = vm.deriveKey(ANVIL_MNEMONIC, 5);
        c.lp = vm.deriveKey(ANVIL_MNEMONIC, 6);
        c.officer = vm.deriveKey(ANVIL_MNEMONIC, 7);
        c.aliceCold = vm.deriveKey(ANVIL_MNEMONIC, 8);
        c.gina = vm.deriveKey(ANVIL_MNEMONIC, 9);
    }

    /// @dev Investors for every gate decision, balances, and full-range plus concentrated liquidity in each pool.
    /// Runs once: a registered alice means the market is seeded.
    function _seed(Venue memory venue) internal {
        Cast memory c = _cast();
        (address alice, address bob, address carol, address dave) =
            (vm.addr(c.alice), vm.addr(c.bob), vm.addr(c.carol), vm.addr(c.dave));
        (address eve, address lp, address officer) = (vm.addr(c.eve), vm.addr(c.lp), vm.addr(c.officer));
        if (venue.registry.investor(alice).registered) return;

        uint40 inAYear = uint40(block.timestamp + 365 days);
        vm.startBroadcast(operator);
        _grant(venue.registry, venue.registry.COMPLIANCE_ROLE(), officer);
        IInvestorRegistry.InvestorInput[] memory rows = new IInvestorRegistry.InvestorInput[](5);
        rows[0] = IInvestorRegistry.InvestorInput(alice, inAYear, false);
        rows[1] = IInvestorRegistry.InvestorInput(bob, inAYear, false);
        rows[2] = IInvestorRegistry.InvestorInput(carol, inAYear, false);
        rows[3] = IInvestorRegistry.InvestorInput(dave, inAYear, false);
        rows[4] = IInvestorRegistry.InvestorInput(lp, inAYear, false);
        venue.registry.upsertInvestors(rows);
        // alice is one investor with two wallets: her hot wallet and a cold one.
        address[] memory cold = new address[](1);
        cold[0] = vm.addr(c.aliceCold);
        venue.registry.linkWallets(uint160(alice), cold);
        _offeringRules(venue);

        address[6] memory everyone = [alice, bob, carol, dave, eve, lp];
        for (uint256 i; i < everyone.length; ++i) venue.usd.mint(everyone[i], 1_000_000e6);
        venue.usd.mint(lp, 9_000_000e6);
        for (uint256 i; i < venue.securities.length; ++i) {
            // Issued during the offering, to everyone registered then.
            venue.securities[i].mint(alice, 1_000e18);
            venue.securities[i].mint(bob, 1_000e18);
            venue.securities[i].mint(carol, 500e18);
            venue.securities[i].mint(dave, 500e18);
            venue.securities[i].mint(lp, 200_000e18);
            // Bob bought late: his holding period ends in a few days.
            venue.registry.setLockupOverride(address(venue.securities[i]), bob, uint40(block.timestamp + 3 days));
        }
        _issuanceLots(venue);
        // Since then, carol's accreditation lapsed (she is exit-only: she may sell, not buy) and dave was frozen.
        rows = new IInvestorRegistry.InvestorInput[](1);
        rows[0] = IInvestorRegistry.InvestorInput(carol, uint40(block.timestamp - 1 days), false);
        venue.registry.upsertInvestors(rows);
        venue.registry.setFrozen(dave, true);
        vm.stopBroadcast();

        vm.startBroadcast(c.lp);
        for (uint256 i; i < venue.pools.length; ++i) _provideLiquidity(venue, venue.pools[i], lp);
        vm.stopBroadcast();
    }

    /// @dev ACME-A's later issuances carry their own Rule 144 holding periods: alice's second subscription is locked
    /// for six more months. gina, an accredited non-US person (Germany), bought a Reg S tranche: its shares stay locked until the
    /// distribution compliance period ends (one year for a non-reporting issuer's equity).
    function _issuanceLots(Venue memory venue) internal {
        Cast memory c = _cast();
        (address alice, address gina) = (vm.addr(c.alice), vm.addr(c.gina));
        IInvestorRegistry.IdentityInput[] memory person = new IInvestorRegistry.IdentityInput[](1);
        person[0] = IInvestorRegistry.IdentityInput(
            uint160(gina),
            uint40(block.timestamp + 365 days),
            InvestorClass.ACCREDITED | InvestorClass.NON_US_PERSON,
            276,
            IInvestorRegistry.Verification(1, uint40(block.timestamp), 0)
        );
        // A roster row makes her an identity of her own (her wallet's id); the identity row adds her class and country.
        IInvestorRegistry.InvestorInput[] memory row = new IInvestorRegistry.InvestorInput[](1);
        row[0] = IInvestorRegistry.InvestorInput(gina, uint40(block.timestamp + 365 days), false);
        venue.registry.upsertInvestors(row);
        venue.registry.upsertIdentities(person);
        venue.usd.mint(gina, 1_000_000e6);
        RestrictedSecurityToken acme = venue.securities[0];
        acme.issue(alice, 250e18, uint40(block.timestamp + 182 days));
        acme.issue(gina, 400e18, uint40(block.timestamp + 365 days));
    }

    /// @dev ACME-A is a Reg D 506(c) offering: accredited investors, US or not, within the Exchange Act 12(g) limits
    /// (2,000 holders of record, 500 of them not accredited). HSREF is an Investment Company Act 3(c)(1) fund: at most
    /// 100 beneficial owners. A local sanctions list, kept by the officers, screens every trade and transfer.
    function _offeringRules(Venue memory venue) internal {
        venue.securities[0].setLimits(IRestrictedSecurity.Limits(0, 0, 2_000, 500));
        if (venue.securities.length > 1) venue.securities[1].setLimits(IRestrictedSecurity.Limits(0, 0, 100, 0));
    }

    /// @dev Full range for depth everywhere, plus a concentrated position from 0.8x to 1.25x the price.
    function _provideLiquidity(Venue memory venue, PoolKey memory key, address lp) internal {
        IPositionManager posm = venue.stack.positionManager;
        _approvePositionManager(venue, key);
        (uint160 price, int24 tick) = _slot0(venue.stack.stateView, key.toId());
        bool usdIs0 = Currency.unwrap(key.currency0) == address(venue.usd);
        int24 max = TickMath.maxUsableTick(key.tickSpacing);
        // Full range: about 250k dollars a side.
        _mint(posm, key, -max, max, _liquidityForUsd(price, -max, max, 250_000e6, usdIs0), lp);
        // 0.8x and 1.25x the price are about 2231 ticks either side: about 100k dollars a side, deep near the price.
        // Rounding to a multiple of the tick spacing is the point of dividing first.
        // forge-lint: disable-next-line(divide-before-multiply)
        int24 lower = ((tick - 2231) / key.tickSpacing) * key.tickSpacing;
        // forge-lint: disable-next-line(divide-before-multiply)
        int24 upper = ((tick + 2231) / key.tickSpacing) * key.tickSpacing;
        _mint(posm, key, lower, upper, _liquidityForUsd(price, lower, upper, 100_000e6, usdIs0), lp);
    }

    /// @dev Whole shares at `key`, as the token's 96-bit raw amount (refused, not truncated, past 79,228,162,514).
    function _shares96(string memory key) internal view returns (uint96) {
        uint256 whole = vm.parseJsonUint(config, key);
        require(whole <= type(uint96).max / 1e18, string.concat(key, ": at most 79228162514 shares"));
        return uint96(whole * 1e18);
    }

    /// @dev Lets PositionManager take both of the pool's currencies from the broadcaster, through Permit2.
    function _approvePositionManager(Venue memory venue, PoolKey memory key) internal {
        address[2] memory currencies = [Currency.unwrap(key.currency0), Currency.unwrap(key.currency1)];
        for (uint256 i; i < 2; ++i) {
            IERC20(currencies[i]).approve(address(venue.stack.permit2), type(uint256).max);
            venue.stack.permit2.approve(currencies[i], address(venue.stack.positionManager), type(uint160).max, type(uint48).max);
        }
    }

    function _liquidityForUsd(uint160 price, int24 lower, int24 upper, uint256 usdAmount, bool usdIs0)
        internal
        pure
        returns (uint128)
    {
        uint160 a = TickMath.getSqrtPriceAtTick(lower);
        uint160 b = TickMath.getSqrtPriceAtTick(upper);
        return usdIs0
            ? LiquidityAmounts.getLiquidityForAmount0(price, b, usdAmount)
            : LiquidityAmounts.getLiquidityForAmount1(a, price, usdAmount);
    }

    function _mint(IPositionManager posm, PoolKey memory key, int24 lower, int24 upper, uint256 liquidity, address owner)
        internal
    {
        bytes[] memory params = new bytes[](2);
        params[0] = abi.encode(key, lower, upper, liquidity, type(uint128).max, type(uint128).max, owner, bytes(""));
        params[1] = abi.encode(key.currency0, key.currency1);
        bytes memory actions = abi.encodePacked(uint8(Actions.MINT_POSITION), uint8(Actions.SETTLE_PAIR));
        posm.modifyLiquidities(abi.encode(actions, params), block.timestamp + 1 hours);
    }

    function _slot0(IStateView stateView, PoolId id) internal view returns (uint160 price, int24 tick) {
        (price, tick,,) = stateView.getSlot0(id);
    }

    // ------------------------------------------------------------------ manifest

    function _previousDeployBlock(address registry, uint256 fallbackBlock) internal returns (uint256) {
        string memory path = _manifestPath();
        if (!vm.exists(path)) return fallbackBlock;
        string memory previous = vm.readFile(path);
        if (vm.parseJsonAddress(previous, ".investorRegistry") != registry) return fallbackBlock;
        return vm.parseJsonUint(previous, ".deployBlock");
    }

    function _manifestPath() internal view returns (string memory) {
        return string.concat(manifestDir, "/", vm.toString(block.chainid), ".json");
    }

    function _writeManifest(Venue memory v, uint256 deployBlock) internal {
        Stack memory s = v.stack;
        string memory json = string.concat(
            '{"chainId":', vm.toString(block.chainid),
            ',"deployBlock":', vm.toString(deployBlock),
            ',"poolManager":"', vm.toString(address(s.poolManager)),
            '","positionManager":"', vm.toString(address(s.positionManager)),
            '","universalRouter":"', vm.toString(address(s.universalRouter)),
            '","v4Quoter":"', vm.toString(address(s.v4Quoter)),
            '","stateView":"', vm.toString(address(s.stateView)),
            '","permit2":"', vm.toString(address(s.permit2))
        );
        json = string.concat(
            json,
            '","investorRegistry":"', vm.toString(address(v.registry)),
            '","gateHook":"', vm.toString(address(v.hook)),
            '","sanctionsList":"', vm.toString(address(v.registry.sanctionsList())),
            '","stablecoin":"', vm.toString(address(v.usd)),
            '","pools":[', _poolsJson(v), "]",
            block.chainid == LOCAL_CHAIN_ID ? string.concat(',"accounts":[', _accountsJson(), "]") : "",
            "}"
        );
        vm.writeJson(json, _manifestPath());
    }

    function _poolsJson(Venue memory v) internal pure returns (string memory out) {
        for (uint256 i; i < v.pools.length; ++i) {
            PoolKey memory k = v.pools[i];
            out = string.concat(
                out,
                i == 0 ? "" : ",",
                '{"name":"', v.poolNames[i],
                '","poolId":"', vm.toString(PoolId.unwrap(k.toId())),
                '","currency0":"', vm.toString(Currency.unwrap(k.currency0)),
                '","currency1":"', vm.toString(Currency.unwrap(k.currency1)),
                string.concat(
                    '","fee":', vm.toString(uint256(k.fee)),
                    ',"tickSpacing":', vm.toString(int256(k.tickSpacing)),
                    ',"hooks":"', vm.toString(address(k.hooks)),
                    '","security":"', vm.toString(address(v.securities[i])), '"}'
                )
            );
        }
    }

    /// @dev The local demo cast, by anvil account index; the dashboard offers them as dev accounts.
    function _accountsJson() internal pure returns (string memory out) {
        string[10] memory labels =
            ["operator", "alice", "bob", "carol", "dave", "eve", "lp", "officer", "alice (cold)", "gina"];
        string[10] memory roles = [
            "default admin, pauser, issuer, compliance",
            "accredited, post-lockup: may trade",
            "accredited, in lockup for a few more days",
            "accreditation expired: exit-only, may sell",
            "frozen",
            "never registered",
            "liquidity provider",
            "compliance officer",
            "alice's second wallet: same investor",
            "non-US person: a Reg S tranche of ACME-A, locked until its compliance period ends"
        ];
        for (uint256 i; i < labels.length; ++i) {
            out = string.concat(
                out,
                i == 0 ? "" : ",",
                '{"label":"', labels[i],
                '","index":', vm.toString(i),
                ',"address":"', vm.toString(vm.addr(vm.deriveKey(ANVIL_MNEMONIC, uint32(i)))),
                '","role":"', roles[i], '"}'
            );
        }
    }
}
