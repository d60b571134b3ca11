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
import {GateTestBase} from "../utils/GateTestBase.sol";
import {NoopHook} from "../utils/NoopHook.sol";

contract PlainShare is ERC20 {
    constructor() ERC20("Plain Share", "PLAIN") {
        _mint(msg.sender, 1e30);
    }
}

/// @notice Gas of the same UniversalRouter swap and PositionManager mint against otherwise identical pools: hookless,
/// a no-op hook, and the gate; plus the same swaps in a hookless pool of a plain ERC-20. Tests run isolated
/// (foundry.toml), so each measured call is its own transaction, cold accounts and slots included, and its figure is
/// the transaction's gas as a receipt would show it. `<name>.intrinsic` records the 21,000 base plus calldata gas of
/// that transaction, so `npm run bench` can also report execution gas. Results: `snapshots/GateGas.json`.
contract GateGasBench is GateTestBase {
    uint128 internal constant SWAP_USD = 1_000e6;
    uint256 internal constant MINT_LIQUIDITY = 1e15;

    PoolKey internal hooklessKey;
    PoolKey internal noopKey;
    PoolKey internal plainKey;
    bool internal plainIs0;

    function setUp() public override {
        super.setUp();
        Currency sec = Currency.wrap(address(security));
        Currency dollar = Currency.wrap(address(usd));

        (, bytes32 salt) = HookMiner.find(
            address(this),
            Hooks.BEFORE_ADD_LIQUIDITY_FLAG | Hooks.BEFORE_SWAP_FLAG,
            type(NoopHook).creationCode,
            abi.encode(manager)
        );
        NoopHook noop = new NoopHook{salt: salt}(manager);

        hooklessKey = _keyFor(sec, dollar, IHooks(address(0)));
        noopKey = _keyFor(sec, dollar, IHooks(address(noop)));
        manager.initialize(hooklessKey, _sqrtPriceOneSecurityIsTenUsd(hooklessKey));
        manager.initialize(noopKey, _sqrtPriceOneSecurityIsTenUsd(noopKey));
        _mintFullRange(lp, hooklessKey, LP_LIQUIDITY);
        _mintFullRange(lp, noopKey, LP_LIQUIDITY);

        PlainShare plain = new PlainShare();
        plain.transfer(lp, 1e24);
        // Alice already holds both shares, so no measured swap pays for a first balance write.
        plain.transfer(alice, 1e22);
        _approveVenue(lp, IERC20(address(plain)));
        _approveVenue(alice, IERC20(address(plain)));
        plainKey = _keyFor(Currency.wrap(address(plain)), dollar, IHooks(address(0)));
        plainIs0 = Currency.unwrap(plainKey.currency0) == address(plain);
        manager.initialize(plainKey, TickMath.getSqrtPriceAtTick(plainIs0 ? -TEN_USD_TICK : TEN_USD_TICK));
        _mintFullRange(lp, plainKey, LP_LIQUIDITY);
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

    /// @dev The measured call's transaction gas, and its intrinsic part (EIP-2028 calldata pricing, Cancun).
    function _record(string memory name) internal {
        vm.snapshotGasLastCall("GateGas", name);
        uint256 intrinsic = 21_000;
        for (uint256 i; i < lastCalldata.length; ++i) {
            intrinsic += lastCalldata[i] == 0 ? 4 : 16;
        }
        vm.snapshotValue("GateGas", string.concat(name, ".intrinsic"), intrinsic);
    }

    function test_bench_swap_hookless() public {
        _buy(hooklessKey, _securityIs0(hooklessKey), "swap_hookless");
    }

    function test_bench_swap_noop() public {
        _buy(noopKey, _securityIs0(noopKey), "swap_noop");
    }

    function test_bench_swap_gated() public {
        _buy(key, _securityIs0(key), "swap_gated");
    }

    function test_bench_swap_plain() public {
        _buy(plainKey, plainIs0, "swap_plain_hookless");
    }

    function test_bench_sell_hookless() public {
        _sell(hooklessKey, _securityIs0(hooklessKey), "sell_hookless");
    }

    function test_bench_sell_noop() public {
        _sell(noopKey, _securityIs0(noopKey), "sell_noop");
    }

    function test_bench_sell_gated() public {
        _sell(key, _securityIs0(key), "sell_gated");
    }

    function test_bench_sell_plain() public {
        _sell(plainKey, plainIs0, "sell_plain_hookless");
    }

    function test_bench_mint_hookless() public {
        _mintBench(hooklessKey, "mint_hookless");
    }

    function test_bench_mint_noop() public {
        _mintBench(noopKey, "mint_noop");
    }

    function test_bench_mint_gated() public {
        _mintBench(key, "mint_gated");
    }
}
