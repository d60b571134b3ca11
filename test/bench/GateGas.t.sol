// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {Hooks} from "@uniswap/v4-core/src/libraries/Hooks.sol";
import {TickMath} from "@uniswap/v4-core/src/libraries/TickMath.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {HookMiner} from "@uniswap/v4-periphery/src/utils/HookMiner.sol";
import {VenueCalls} from "../utils/VenueCalls.sol";
import {RegistryCheckedShare} from "../utils/RegistryCheckedShare.sol";
import {GateTestBase} from "../utils/GateTestBase.sol";
import {NoopHook} from "../utils/NoopHook.sol";

contract PlainShare is ERC20 {
    constructor() ERC20("Plain Share", "PLAIN") {
        _mint(msg.sender, 1e30);
    }
}

/// @notice Gas of the same UniversalRouter swap and PositionManager mint and removal against otherwise identical
/// pools: the gate's, and a no-op hook's whose share asks the registry about every transfer (a restricted share
/// without a gate: the restricted token itself can no longer enter a pool the gate does not admit to); plus the same
/// swaps in a hookless pool of a plain ERC-20. Tests run isolated (foundry.toml), so each measured call
/// is its own transaction, cold accounts and slots included, and its figure is the transaction's gas as a receipt
/// would show it. `<name>.intrinsic` records the 21,000 base plus calldata gas of that transaction, so
/// `npm run bench` can also report execution gas. Results: `snapshots/GateGas.json`.
contract GateGasBench is GateTestBase {
    uint128 internal constant SWAP_USD = 1_000e6;
    uint256 internal constant MINT_LIQUIDITY = 1e15;

    PoolKey internal noopKey;
    bool internal twinIs0;
    PoolKey internal plainKey;
    bool internal plainIs0;

    function setUp() public override {
        super.setUp();
        Currency dollar = Currency.wrap(address(usd));

        (, bytes32 salt) = HookMiner.find(
            address(this),
            Hooks.BEFORE_ADD_LIQUIDITY_FLAG | Hooks.AFTER_REMOVE_LIQUIDITY_FLAG | Hooks.BEFORE_SWAP_FLAG,
            type(NoopHook).creationCode,
            abi.encode(manager)
        );
        NoopHook noop = new NoopHook{salt: salt}(manager);
        PlainShare plain = new PlainShare();
        plain.transfer(lp, 1e24);
        // Alice already holds every share, so no measured swap pays for a first balance write.
        plain.transfer(alice, 1e22);
        _approveVenue(lp, IERC20(address(plain)));
        _approveVenue(alice, IERC20(address(plain)));
        plainKey = _keyFor(Currency.wrap(address(plain)), dollar, IHooks(address(0)));
        plainIs0 = Currency.unwrap(plainKey.currency0) == address(plain);
        manager.initialize(plainKey, TickMath.getSqrtPriceAtTick(plainIs0 ? -TEN_USD_TICK : TEN_USD_TICK));
        _mintFullRange(lp, plainKey, LP_LIQUIDITY);

        // After the plain share, so that it keeps the address (and so the pool's currency order) it always had.
        RegistryCheckedShare twin = new RegistryCheckedShare(registry);
        vm.prank(officer);
        registry.configureSecurity(address(twin), offeringLockupEnd);
        twin.mint(lp, 500_000e18);
        twin.mint(alice, 10_000e18);
        _approveVenue(lp, IERC20(address(twin)));
        _approveVenue(alice, IERC20(address(twin)));
        noopKey = _keyFor(Currency.wrap(address(twin)), dollar, IHooks(address(noop)));
        twinIs0 = Currency.unwrap(noopKey.currency0) == address(twin);
        manager.initialize(noopKey, TickMath.getSqrtPriceAtTick(twinIs0 ? -TEN_USD_TICK : TEN_USD_TICK));
        _mintFullRange(lp, noopKey, LP_LIQUIDITY);
    }

    /// @dev Buy shares with 1,000 USD.
    function _buy(PoolKey memory k, bool shareIs0, string memory name) internal {
        _swapExactIn(alice, k, !shareIs0, SWAP_USD);
        _record(name);
    }

    /// @dev Sell 100 shares for USD.
    function _sell(PoolKey memory k, bool shareIs0, string memory name) internal {
        _swapExactIn(alice, k, shareIs0, 100e18);
        _record(name);
    }

    function _mintBench(PoolKey memory k, string memory name) internal {
        int24 max = TickMath.maxUsableTick(k.tickSpacing);
        _modifyLiquidities(lp, VenueCalls.mint(k, -max, max, MINT_LIQUIDITY, lp));
        _record(name);
    }

    /// @dev Take a whole position out (DECREASE_LIQUIDITY + TAKE_PAIR to the LP) after swaps earned it fees in both
    /// currencies. The position is minted in an earlier transaction, as it would be.
    function _removeBench(PoolKey memory k, bool shareIs0, string memory name) internal {
        int24 max = TickMath.maxUsableTick(k.tickSpacing);
        uint256 tokenId = _mint(lp, k, -max, max, MINT_LIQUIDITY);
        _swapExactIn(alice, k, !shareIs0, SWAP_USD);
        _swapExactIn(alice, k, shareIs0, 50e18);
        _decrease(lp, tokenId, k, MINT_LIQUIDITY, lp);
        _record(name);
    }

    /// @dev The measured call's transaction gas, and its intrinsic part (EIP-2028 calldata pricing, Cancun).
    function _record(string memory name) internal {
        vm.snapshotGasLastCall("GateGas", name);
        uint256 intrinsic = 21_000;
        for (uint256 i; i < lastCalldata.length; ++i) {
            intrinsic += lastCalldata[i] == 0 ? 4 : 16;
        }
        vm.snapshotValue("GateGas", string.concat(name, ".intrinsic"), intrinsic);
    }

    function test_bench_swap_noop() public {
        _buy(noopKey, twinIs0, "swap_noop");
    }

    function test_bench_swap_gated() public {
        _buy(key, _securityIs0(key), "swap_gated");
    }

    function test_bench_swap_plain() public {
        _buy(plainKey, plainIs0, "swap_plain_hookless");
    }

    function test_bench_sell_noop() public {
        _sell(noopKey, twinIs0, "sell_noop");
    }

    function test_bench_sell_gated() public {
        _sell(key, _securityIs0(key), "sell_gated");
    }

    function test_bench_sell_plain() public {
        _sell(plainKey, plainIs0, "sell_plain_hookless");
    }

    function test_bench_mint_noop() public {
        _mintBench(noopKey, "mint_noop");
    }

    function test_bench_mint_gated() public {
        _mintBench(key, "mint_gated");
    }

    function test_bench_remove_noop() public {
        _removeBench(noopKey, twinIs0, "remove_noop");
    }

    function test_bench_remove_gated() public {
        _removeBench(key, _securityIs0(key), "remove_gated");
    }
}
