import { describe, expect, it } from 'vitest';
import { maxUsableTick } from '../../../../sdk/periphery.ts';
import { getSqrtPriceAtTick, getTickAtSqrtPrice, MAX_UINT256, Q96, sqrt } from '../../../../sdk/v4/math.ts';
import {
  amountsForLiquidity,
  chartDomain,
  chartX,
  missingApprovals,
  depositFromAmount,
  depositSides,
  feesOwed,
  formatPrice,
  fullRangeTicks,
  isFullRange,
  liquidityForAmount1,
  liquidityForAmounts,
  liquidityForPercent,
  maxAmountsForAdd,
  minAmountsForRemove,
  spendableShares,
  gatedExitMinimums,
  parsePrice,
  priceAtSqrtPrice,
  priceAtTick,
  priceVersusRange,
  Q128,
  rangeFromPrices,
  rangePrices,
  slippageBand,
  snapTick,
  stepPrice,
  tickAtPrice,
  type Orientation,
  type PoolPoint,
} from './logic.ts';

/** The venue's pools: dUSD (6 decimals) as currency0 against an 18-decimal share. */
const STABLE0: Orientation = { stableIs0: true, stableDecimals: 6, securityDecimals: 18 };
const STABLE1: Orientation = { stableIs0: false, stableDecimals: 6, securityDecimals: 18 };

/** encodeSqrtRatioX96(amount1, amount0): sqrt(amount1 / amount0) * 2^96, as the Uniswap SDKs write test prices. */
const sqrtRatio = (amount1: bigint, amount0: bigint) => sqrt((amount1 << 192n) / amount0);

/** A deterministic generator in [0, 1), so a failing case can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const pointAt = (sqrtPriceX96: bigint): PoolPoint => ({ sqrtPriceX96, tick: getTickAtSqrtPrice(sqrtPriceX96) });

describe('prices and ticks', () => {
  it('reads $25 a share from the tick, the stablecoin as currency0 or currency1, and inverts', () => {
    // 25 dUSD per 1e18-unit share: raw shares per raw dUSD = 1e18 / 25e6 = 4e10.
    const tick = Math.log(4e10) / Math.log(1.0001);
    expect(priceAtTick(tick, STABLE0)).toBeCloseTo(25, 9);
    expect(priceAtTick(-tick, STABLE1)).toBeCloseTo(25, 9);
    expect(tickAtPrice(25, STABLE0)).toBeCloseTo(tick, 6);
    expect(tickAtPrice(25, STABLE1)).toBeCloseTo(-tick, 6);
    // A higher tick is a lower dollar price when dUSD is currency0.
    expect(priceAtTick(Math.round(tick) + 60, STABLE0)).toBeLessThan(priceAtTick(Math.round(tick), STABLE0));
  });

  it('reads the current price from the sqrt price as from the tick', () => {
    for (const tick of [243_000, 250_020, -243_000]) {
      const o = tick > 0 ? STABLE0 : STABLE1;
      expect(priceAtSqrtPrice(getSqrtPriceAtTick(tick), o) / priceAtTick(tick, o)).toBeCloseTo(1, 9);
    }
  });

  it('snaps to the nearest multiple of the spacing and never past the usable ends', () => {
    expect(snapTick(89, 60)).toBe(60);
    expect(snapTick(91, 60)).toBe(120);
    expect(snapTick(-91, 60)).toBe(-120);
    expect(Object.is(snapTick(-20, 60), 0)).toBe(true);
    expect(snapTick(887_271, 60)).toBe(maxUsableTick(60));
    expect(snapTick(-1e9, 60)).toBe(-maxUsableTick(60));
  });

  it('turns a dollar price range into ticks, flipping the order when the stablecoin is currency0', () => {
    const range = rangeFromPrices(20, 30, STABLE0, 60);
    expect(range.ok).toBe(true);
    if (!range.ok) return;
    const { tickLower, tickUpper } = range.value;
    expect(tickLower % 60).toBe(0);
    expect(tickUpper % 60).toBe(0);
    // $30 is the lower tick, $20 the upper; each within half a spacing (60 ticks ≈ 0.6%) of what was asked.
    expect(priceAtTick(tickLower, STABLE0)).toBeGreaterThan(29.8);
    expect(priceAtTick(tickLower, STABLE0)).toBeLessThan(30.2);
    expect(priceAtTick(tickUpper, STABLE0)).toBeGreaterThan(19.9);
    expect(priceAtTick(tickUpper, STABLE0)).toBeLessThan(20.1);
    const prices = rangePrices(tickLower, tickUpper, STABLE0);
    expect(prices.min).toBeLessThan(prices.max);

    const other = rangeFromPrices(20, 30, STABLE1, 60);
    expect(other.ok && priceAtTick(other.value.tickLower, STABLE1) < priceAtTick(other.value.tickUpper, STABLE1)).toBe(true);
  });

  it('names a range that is inverted or narrower than one spacing', () => {
    expect(rangeFromPrices(30, 20, STABLE0, 60)).toEqual({ ok: false, error: 'The minimum price must be below the maximum' });
    expect(rangeFromPrices(25, 25.01, STABLE0, 60)).toEqual({ ok: false, error: 'Both prices snap to the same tick: widen the range' });
  });

  it('formats prices so that they snap back to the same tick', () => {
    const next = random(7);
    for (let i = 0; i < 300; i++) {
      const spacing = [1, 10, 60, 200][i % 4];
      const o = i % 2 ? STABLE0 : STABLE1;
      const tick = snapTick(Math.round((next() - 0.5) * 600_000), spacing);
      const shown = formatPrice(priceAtTick(tick, o));
      const parsed = parsePrice(shown);
      expect(parsed.ok, shown).toBe(true);
      if (parsed.ok) expect(snapTick(tickAtPrice(parsed.value, o), spacing), `${tick} shown as ${shown}`).toBe(tick);
    }
    expect(formatPrice(Infinity)).toBe('∞');
    expect(formatPrice(1234.56789)).toBe('1,234.568');
    expect(formatPrice(priceAtTick(maxUsableTick(60), STABLE0))).toMatch(/^\d\.\d{6}e-\d+$/);
  });

  it('steps one spacing up or down in price, whichever way the ticks run', () => {
    for (const o of [STABLE0, STABLE1]) {
      const up = stepPrice(25, 1, o, 60);
      const down = stepPrice(25, -1, o, 60);
      expect(up).toBeGreaterThan(25);
      expect(down).toBeLessThan(25);
      expect(Math.abs(snapTick(tickAtPrice(up, o), 60) - snapTick(tickAtPrice(down, o), 60))).toBe(120);
    }
  });

  it('parses prices with named problems', () => {
    expect(parsePrice('1,234.5')).toEqual({ ok: true, value: 1234.5 });
    expect(parsePrice('.5')).toEqual({ ok: true, value: 0.5 });
    expect(parsePrice('')).toEqual({ ok: false, error: 'Enter a price' });
    expect(parsePrice('abc')).toEqual({ ok: false, error: 'Not a number' });
    expect(parsePrice('-3')).toEqual({ ok: false, error: 'Not a number' });
    expect(parsePrice('0')).toEqual({ ok: false, error: 'Must be more than zero' });
  });

  it('knows full range and where the price is relative to a range', () => {
    const full = fullRangeTicks(60);
    expect(isFullRange(full.tickLower, full.tickUpper, 60)).toBe(true);
    expect(isFullRange(full.tickLower + 60, full.tickUpper, 60)).toBe(false);
    expect(priceVersusRange(100, 0, 120, true)).toBe('inside');
    expect(priceVersusRange(120, 0, 120, true)).toBe('below'); // tick above the range: fewer dollars a share
    expect(priceVersusRange(-1, 0, 120, true)).toBe('above');
    expect(priceVersusRange(-1, 0, 120, false)).toBe('below');
  });
});

describe('liquidity and amounts', () => {
  // The Uniswap v3 SDK's vectors for LiquidityAmounts (imprecise = the Solidity library's rounding).
  const a = sqrtRatio(100n, 110n);
  const b = sqrtRatio(110n, 100n);
  it('matches LiquidityAmounts on the reference vectors', () => {
    expect(liquidityForAmounts(sqrtRatio(1n, 1n), a, b, 100n, 200n)).toBe(2148n);
    expect(liquidityForAmounts(sqrtRatio(1n, 1n), a, b, MAX_UINT256 >> 200n, 200n)).toBe(4297n);
    expect(liquidityForAmounts(sqrtRatio(99n, 110n), a, b, 100n, 200n)).toBe(1048n);
    expect(liquidityForAmounts(sqrtRatio(111n, 100n), a, b, 100n, 200n)).toBe(2097n);
    expect(liquidityForAmount1(b, a, 200n)).toBe(2097n); // bounds in either order
  });

  it('a deposit of one token never costs more than typed, and costs almost all of it (random ranges, both sides)', () => {
    const next = random(42);
    for (let i = 0; i < 400; i++) {
      const spacing = 60;
      const center = Math.round((next() - 0.5) * 500_000);
      const lower = snapTick(center - 60 - Math.floor(next() * 20_000), spacing);
      const upper = snapTick(center + 60 + Math.floor(next() * 20_000), spacing);
      if (lower >= upper) continue;
      const tick = lower + Math.floor((next() * 1.4 - 0.2) * (upper - lower));
      const at = pointAt(getSqrtPriceAtTick(tick) + BigInt(Math.floor(next() * 1e6)));
      const amount = BigInt(Math.floor(next() * 1e9)) * 10n ** BigInt(6 + Math.floor(next() * 12)) + 1n;
      const sides = depositSides(at, lower, upper);
      for (const side of [0, 1] as const) {
        const deposit = depositFromAmount(at, lower, upper, side, amount);
        if (!sides[side]) {
          expect(deposit.ok).toBe(false);
          continue;
        }
        if (!deposit.ok) {
          expect(deposit.error).toBe('Too small to add any liquidity');
          continue;
        }
        const cost = side === 0 ? deposit.value.amount0 : deposit.value.amount1;
        expect(cost <= amount, `case ${i} side ${side}`).toBe(true);
        expect(Number(amount - cost) / Number(amount), `case ${i} side ${side}`).toBeLessThan(1e-6);
        // The other side is charged only when the pool is inside the range.
        const other = side === 0 ? deposit.value.amount1 : deposit.value.amount0;
        expect(other > 0n).toBe(sides[side === 0 ? 1 : 0]);
        // And the two amounts buy back that liquidity under LiquidityAmounts (to its rounding).
        const back = liquidityForAmounts(at.sqrtPriceX96, getSqrtPriceAtTick(lower), getSqrtPriceAtTick(upper), deposit.value.amount0, deposit.value.amount1);
        const L = deposit.value.liquidity;
        expect(back >= L - L / 1_000_000_000n - 1n && back <= L + L / 1_000_000_000n + 1n, `case ${i}: ${back} vs ${L}`).toBe(true);
      }
    }
  });

  it('charges one currency only when out of range, and rounds adds up and removals down', () => {
    const [lower, upper] = [-600, 600];
    const L = 10n ** 18n;
    const below = amountsForLiquidity({ sqrtPriceX96: getSqrtPriceAtTick(-700), tick: -700 }, lower, upper, L, 'up');
    const above = amountsForLiquidity({ sqrtPriceX96: getSqrtPriceAtTick(700), tick: 700 }, lower, upper, L, 'up');
    expect(below.amount1).toBe(0n);
    expect(below.amount0 > 0n).toBe(true);
    expect(above.amount0).toBe(0n);
    const inside = { sqrtPriceX96: getSqrtPriceAtTick(7), tick: 7 };
    const add = amountsForLiquidity(inside, lower, upper, L, 'up');
    const remove = amountsForLiquidity(inside, lower, upper, L, 'down');
    expect(add.amount0 - remove.amount0).toBe(1n);
    expect(add.amount1 - remove.amount1).toBe(1n);
    // At exactly the lower tick's price, inside the range, the pool takes no currency1.
    expect(depositSides({ sqrtPriceX96: getSqrtPriceAtTick(lower), tick: lower }, lower, upper)).toEqual([true, false]);
  });

  it('takes a percentage of liquidity, rounding down, and all of it at 100%', () => {
    expect(liquidityForPercent(1001n, 5_000)).toBe(500n);
    expect(liquidityForPercent(1001n, 10_000)).toBe(1001n);
    expect(liquidityForPercent(3n, 1)).toBe(0n);
  });
});

describe('uncollected fees', () => {
  it('is the fee growth since the last modification times liquidity over 2^128', () => {
    expect(feesOwed(5n * Q128, 2n * Q128, 7n)).toBe(21n);
    expect(feesOwed(Q128 + Q128 / 2n, 0n, 3n)).toBe(4n); // 4.5 rounds down
  });

  it('wraps around 2^256 as the unchecked Solidity subtraction does', () => {
    // The growth counter overflowed since the last checkpoint: now 2^128, last 2^256 - 2^128.
    const last = (1n << 256n) - Q128;
    expect(feesOwed(Q128, last, 5n)).toBe(10n);
    expect(feesOwed(0n, MAX_UINT256, Q128)).toBe(1n);
    expect(feesOwed(last, last, 10n ** 30n)).toBe(0n);
  });
});

describe('slippage bounds', () => {
  it('moves the price by the slippage: the sqrt price by its square root', () => {
    const p = getSqrtPriceAtTick(1000);
    const { low, high } = slippageBand(p, 100);
    const ratio = (x: bigint) => (Number(x) / Number(p)) ** 2;
    expect(ratio(low)).toBeCloseTo(0.99, 9);
    expect(ratio(high)).toBeCloseTo(1.01, 9);
  });

  it('bounds an add by the most each side can cost within the band, and a removal by the least it returns', () => {
    const at = { sqrtPriceX96: getSqrtPriceAtTick(30), tick: 30 };
    const [lower, upper] = [-6000, 6000];
    const L = 10n ** 20n;
    const now = amountsForLiquidity(at, lower, upper, L, 'up');
    const max = maxAmountsForAdd(at, lower, upper, L, 50);
    expect(max.amount0 > now.amount0 && max.amount1 > now.amount1).toBe(true);
    // A price moved 0.4% either way still fits under the bounds; 0.6% does not.
    for (const [bps, fits] of [[40, true], [60, false]] as const) {
      const band = slippageBand(at.sqrtPriceX96, bps);
      const cheaper0 = amountsForLiquidity(pointAt(band.high), lower, upper, L, 'up');
      const dearer0 = amountsForLiquidity(pointAt(band.low), lower, upper, L, 'up');
      expect(dearer0.amount0 <= max.amount0).toBe(fits);
      expect(cheaper0.amount1 <= max.amount1).toBe(fits);
    }
    const min = minAmountsForRemove(at, lower, upper, L, 50);
    const paid = amountsForLiquidity(at, lower, upper, L, 'down');
    expect(min.amount0 < paid.amount0 && min.amount1 < paid.amount1).toBe(true);
    expect(Number(paid.amount0 - min.amount0) / Number(paid.amount0)).toBeLessThan(0.01);
  });

  it("bounds only the quote side of a gated exit: the gate pays the security principal itself", () => {
    const min = { amount0: 5n, amount1: 7n };
    expect(gatedExitMinimums(min, true)).toEqual({ amount0: 0n, amount1: 7n });
    expect(gatedExitMinimums(min, false)).toEqual({ amount0: 5n, amount1: 0n });
  });

  it('keeps an out-of-range add one-sided and bounded', () => {
    const at = { sqrtPriceX96: getSqrtPriceAtTick(-7000), tick: -7000 };
    const max = maxAmountsForAdd(at, -6000, 6000, 10n ** 20n, 50);
    expect(max.amount1).toBe(0n);
    expect(max.amount0).toBe(amountsForLiquidity(at, -6000, 6000, 10n ** 20n, 'up').amount0);
  });

  it('does not underflow the sqrt price range', () => {
    expect(slippageBand(4295128739n, 500).low).toBe(4295128739n);
    expect(Q96 > 0n).toBe(true);
  });
});

describe('payment approvals', () => {
  const A = '0x000000000000000000000000000000000000000a' as const;
  const B = '0x000000000000000000000000000000000000000b' as const;
  const now = 1_000_000;
  it('asks for the token approval of Permit2 and the Permit2 allowance, per token that is paid', () => {
    expect(missingApprovals([{ token: A, amount: 5n }, { token: B, amount: 0n }], [], now)).toEqual([
      { token: A, kind: 'erc20' },
      { token: A, kind: 'permit2' },
    ]);
  });

  it('counts an allowance too small or about to expire as missing, and an ample live one as done', () => {
    const state = { token: A, erc20Allowance: 10n, permitAmount: 10n, permitExpiration: now + 3_600 };
    expect(missingApprovals([{ token: A, amount: 10n }], [state], now)).toEqual([]);
    expect(missingApprovals([{ token: A, amount: 11n }], [state], now)).toEqual([{ token: A, kind: 'erc20' }, { token: A, kind: 'permit2' }]);
    expect(missingApprovals([{ token: A, amount: 1n }], [{ ...state, permitExpiration: now + 60 }], now)).toEqual([{ token: A, kind: 'permit2' }]);
  });
});

describe('range chart axis', () => {
  it('holds the range and the price with a margin, on a log scale', () => {
    const d = chartDomain(25, { min: 20, max: 30 });
    expect(d.lo).toBeLessThan(20);
    expect(d.hi).toBeGreaterThan(30);
    expect(chartX(20, d)).toBeGreaterThan(0);
    expect(chartX(30, d)).toBeLessThan(1);
    expect(chartX(Math.sqrt(d.lo * d.hi), d)).toBeCloseTo(0.5, 9);
    // A range far above the price still shows the price.
    const far = chartDomain(25, { min: 1_000, max: 10_000 });
    expect(chartX(25, far)).toBeGreaterThan(0);
    expect(chartX(0, far)).toBe(0);
    expect(chartX(1e9, far)).toBe(1);
  });
});

describe('spendableShares', () => {
  it('keeps shares locked in lots out of what a wallet can deposit', () => {
    expect(spendableShares(1_250n, { holding: 1_250n, locked: 250n })).toBe(1_000n);
    // Another wallet of the identity holds free shares too: this wallet still has only its balance.
    expect(spendableShares(300n, { holding: 1_250n, locked: 250n })).toBe(300n);
    expect(spendableShares(1_250n, { holding: 1_250n, locked: 0n })).toBe(1_250n);
    expect(spendableShares(undefined, { holding: 1n, locked: 0n })).toBeUndefined();
  });
});
