import { describe, expect, it } from 'vitest';
import {
  positionAmounts,
  compress,
  getSqrtPriceAtTick,
  getTickAtSqrtPrice,
  MAX_SQRT_PRICE,
  MAX_TICK,
  MIN_SQRT_PRICE,
  MIN_TICK,
  nextInitializedTickWithinOneWord,
  MAX_UINT256,
  position,
  sqrt,
} from './math.ts';
import { midPriceMicros, shiftedSqrtPrice } from './price.ts';
import { simulateSwap, type PoolSnapshot } from './swap.ts';

describe('TickMath', () => {
  it('matches the known anchors', () => {
    expect(getSqrtPriceAtTick(0)).toBe(1n << 96n);
    expect(getSqrtPriceAtTick(MIN_TICK)).toBe(MIN_SQRT_PRICE);
    expect(getSqrtPriceAtTick(MAX_TICK)).toBe(MAX_SQRT_PRICE);
    expect(getTickAtSqrtPrice(MIN_SQRT_PRICE)).toBe(MIN_TICK);
    expect(getTickAtSqrtPrice(MAX_SQRT_PRICE - 1n)).toBe(MAX_TICK - 1);
  });

  it('inverts: the tick of a tick price is that tick, and one wei less is the tick below', () => {
    for (const tick of [-887271, -200000, -60, -1, 1, 60, 253297, 887271]) {
      expect(getTickAtSqrtPrice(getSqrtPriceAtTick(tick))).toBe(tick);
      expect(getTickAtSqrtPrice(getSqrtPriceAtTick(tick) - 1n)).toBe(tick - 1);
    }
  });

  it('refuses ticks and prices out of range', () => {
    expect(() => getSqrtPriceAtTick(MAX_TICK + 1)).toThrow(/out of range/);
    expect(() => getTickAtSqrtPrice(MAX_SQRT_PRICE)).toThrow(/out of range/);
  });
});

describe('TickBitmap', () => {
  it('compresses toward negative infinity, like v4', () => {
    expect(compress(-1, 60)).toBe(-1);
    expect(compress(-60, 60)).toBe(-1);
    expect(compress(-61, 60)).toBe(-2);
    expect(compress(59, 60)).toBe(0);
    expect(position(-1)).toEqual({ wordPos: -1, bitPos: 255 });
  });

  it('finds the next initialized tick in either direction, or the word boundary', () => {
    // Ticks 120 and 600 initialized (compressed 2 and 10), spacing 60.
    const words = new Map([[0, (1n << 2n) | (1n << 10n)]]);
    const word = (w: number) => words.get(w) ?? 0n;
    expect(nextInitializedTickWithinOneWord(word, 300, 60, true)).toEqual({ next: 120, initialized: true });
    expect(nextInitializedTickWithinOneWord(word, 120, 60, true)).toEqual({ next: 120, initialized: true });
    expect(nextInitializedTickWithinOneWord(word, 120, 60, false)).toEqual({ next: 600, initialized: true });
    expect(nextInitializedTickWithinOneWord(word, 600, 60, false)).toEqual({ next: 255 * 60, initialized: false });
    expect(nextInitializedTickWithinOneWord(word, 60, 60, true)).toEqual({ next: 0, initialized: false });
  });
});

describe('simulateSwap', () => {
  // One full-range-like position: liquidity 1e18 at price 1, ticks -887220 / 887220 initialized.
  const pool: PoolSnapshot = {
    sqrtPriceX96: 1n << 96n,
    tick: 0,
    liquidity: 10n ** 18n,
    lpFee: 3000,
    tickSpacing: 60,
    bitmap: new Map([
      [position(compress(-887220, 60)).wordPos, 1n << BigInt(position(compress(-887220, 60)).bitPos)],
      [position(compress(887220, 60)).wordPos, 1n << BigInt(position(compress(887220, 60)).bitPos)],
    ]),
    liquidityNet: new Map([
      [-887220, 10n ** 18n],
      [887220, -(10n ** 18n)],
    ]),
  };

  it('charges the fee on the input and gives slightly less than the constant-product output', () => {
    const r = simulateSwap(pool, { zeroForOne: true, amountSpecified: -(10n ** 15n) });
    expect(r.amount0).toBe(-(10n ** 15n));
    expect(r.amountIn).toBe(10n ** 15n);
    // x*y=k with 0.3% fee: out = 1e18 * 997e12 / (1e18 + 997e12) = 996006981039903 (v4 rounds the output down)
    expect(r.amount1).toBe(996006981039903n);
    expect(r.feeAmount).toBe(3n * 10n ** 12n);
    expect(r.ticksCrossed).toBe(0);
  });

  it('exact output pays what exact input of that payment returns', () => {
    const out = simulateSwap(pool, { zeroForOne: false, amountSpecified: 10n ** 15n });
    expect(out.amount0).toBe(10n ** 15n);
    const back = simulateSwap(pool, { zeroForOne: false, amountSpecified: out.amount1 });
    expect(back.amount0).toBeGreaterThanOrEqual(10n ** 15n);
  });

  it('refuses a price limit on the wrong side', () => {
    expect(() => simulateSwap(pool, { zeroForOne: true, amountSpecified: -1n, sqrtPriceLimitX96: 2n << 96n })).toThrow(/PriceLimitAlreadyExceeded/);
  });
});

describe('sqrt and share prices', () => {
  it('sqrt is the floor of the square root, at any size', () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, (1n << 200n) + 12345n, MAX_UINT256]) {
      const r = sqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
    }
    expect(() => sqrt(-1n)).toThrow(RangeError);
  });

  it('reads $25 a share whichever currency the security is, and shifts it by basis points', () => {
    // 25e6 micro-dUSD per 1e18 raw shares: raw price (stable per share) 25e-12.
    const security0 = getSqrtPriceAtTick(Math.round(Math.log(25e-12) / Math.log(1.0001)));
    const security1 = getSqrtPriceAtTick(Math.round(Math.log(1 / 25e-12) / Math.log(1.0001)));
    for (const [sqrtPriceX96, securityIs0] of [[security0, true], [security1, false]] as const) {
      const mid = Number(midPriceMicros(sqrtPriceX96, securityIs0));
      expect(mid / 1e6).toBeCloseTo(25, 2);
      const up = Number(midPriceMicros(shiftedSqrtPrice(sqrtPriceX96, 100, securityIs0), securityIs0));
      expect(up / mid).toBeCloseTo(1.01, 6);
    }
    expect(shiftedSqrtPrice(MAX_SQRT_PRICE - 1n, 500, true)).toBe(MAX_SQRT_PRICE - 1n);
  });
});

describe('positionAmounts', () => {
  const L = 10n ** 18n;
  it('is all currency0 below the range, all currency1 above it, and both inside', () => {
    const below = positionAmounts(getSqrtPriceAtTick(-120), -60, 60, L);
    const above = positionAmounts(getSqrtPriceAtTick(120), -60, 60, L);
    const inside = positionAmounts(getSqrtPriceAtTick(0), -60, 60, L);
    expect(below.amount1).toBe(0n);
    expect(above.amount0).toBe(0n);
    // Symmetric range at price 1: about the same of each, and less of each than the whole range in one currency.
    expect(Number(inside.amount0) / Number(inside.amount1)).toBeCloseTo(1, 2);
    expect(inside.amount0).toBeLessThan(below.amount0);
    expect(inside.amount1).toBeLessThan(above.amount1);
    // At the lower edge the position is still all currency0 (what Pool.modifyLiquidity pays when tick == tickLower).
    expect(positionAmounts(getSqrtPriceAtTick(-60), -60, 60, L)).toEqual(below);
  });
});
