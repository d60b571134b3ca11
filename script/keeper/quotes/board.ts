import { MAX_SQRT_PRICE, MIN_SQRT_PRICE } from '../../../sdk/v4/math.ts';
import { simulateSwap, type PoolSnapshot } from '../../../sdk/v4/swap.ts';

/** Stablecoin units are 6 decimals, shares 18: prices are stablecoin micro-units per whole share. */
const SHARE = 10n ** 18n;
const STABLE = 10n ** 6n;

export interface Fill {
  /** Shares received (buy) or paid (sell), raw units. */
  shares: string;
  /** Stablecoin per share, decimal string, six decimals. */
  price: string;
  /** Distance from the mid price in basis points (worse is positive). */
  impactBps: number;
}

export interface Rung {
  /** The ladder size in whole stablecoin units. */
  size: number;
  /** Spend `size` stablecoin (exact input); null when the pool cannot fill it. */
  buy: Fill | null;
  /** Receive `size` stablecoin (exact output); null when the pool cannot fill it. */
  sell: Fill | null;
}

export interface Depth {
  /** Stablecoin (raw) that moves the price up by the percentage. */
  up1: string;
  up5: string;
  /** Shares (raw) that move the price down by the percentage. */
  down1: string;
  down5: string;
}

export interface Board {
  mid: string;
  ladder: Rung[];
  depth: Depth;
}

const decimal6 = (micros: bigint) => `${micros / STABLE}.${(micros % STABLE).toString().padStart(6, '0')}`;

/** floor(sqrt(n)) by Newton's method from above: exact for any size. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** The mid price in stablecoin micro-units per whole share, from sqrtPriceX96. */
export function midPriceMicros(sqrtPriceX96: bigint, securityIs0: boolean): bigint {
  const q192 = 1n << 192n;
  const ratio = sqrtPriceX96 * sqrtPriceX96; // currency1 per currency0, times 2^192
  return securityIs0 ? (ratio * SHARE) / q192 : (q192 * SHARE) / ratio;
}

/** sqrtPriceX96 after the share price moves by `bps` basis points (positive: up). */
function shiftedSqrtPrice(sqrtPriceX96: bigint, bps: number, securityIs0: boolean): bigint {
  // price' = price * (1 + bps/1e4); the raw pool price moves the same way when the security is currency0.
  const num = 10_000n + BigInt(bps);
  const den = 10_000n;
  const [n, d] = securityIs0 ? [num, den] : [den, num];
  const target = (sqrtPriceX96 * isqrt((n << 192n) / d)) >> 96n;
  return target < MIN_SQRT_PRICE + 1n ? MIN_SQRT_PRICE + 1n : target > MAX_SQRT_PRICE - 1n ? MAX_SQRT_PRICE - 1n : target;
}

/**
 * The quote board of one pool at one snapshot: mid price, executable prices and impact for each ladder size, and
 * depth within 1% and 5%. Every number is what the same swap in that block would do, to the wei.
 */
export function quoteBoard(pool: PoolSnapshot, securityIs0: boolean, ladder: number[]): Board {
  const mid = midPriceMicros(pool.sqrtPriceX96, securityIs0);
  // Buying shares pays stablecoin: zeroForOne when the stablecoin is currency0.
  const buyZeroForOne = !securityIs0;
  const fill = (stable: bigint, shares: bigint, buy: boolean): Fill => {
    const price = (stable * SHARE) / shares;
    const impact = Number(((buy ? price - mid : mid - price) * 1_000_000n) / mid) / 100;
    return { shares: shares.toString(), price: decimal6(price), impactBps: Math.round(impact * 100) / 100 };
  };
  const rungs = ladder.map((size): Rung => {
    const amount = BigInt(size) * STABLE;
    let buy: Fill | null = null;
    let sell: Fill | null = null;
    try {
      const r = simulateSwap(pool, { zeroForOne: buyZeroForOne, amountSpecified: -amount });
      if (r.amountIn === amount && r.amountOut > 0n) buy = fill(amount, r.amountOut, true);
    } catch {
      buy = null;
    }
    try {
      const r = simulateSwap(pool, { zeroForOne: !buyZeroForOne, amountSpecified: amount });
      if (r.amountOut === amount) sell = fill(amount, r.amountIn, false);
    } catch {
      sell = null;
    }
    return { size, buy, sell };
  });
  const depthTo = (bps: number) => {
    const buy = bps > 0;
    const limit = shiftedSqrtPrice(pool.sqrtPriceX96, bps, securityIs0);
    try {
      const r = simulateSwap(pool, { zeroForOne: buy ? buyZeroForOne : !buyZeroForOne, amountSpecified: -(2n ** 127n), sqrtPriceLimitX96: limit });
      return r.amountIn.toString();
    } catch {
      return '0';
    }
  };
  return {
    mid: decimal6(mid),
    ladder: rungs,
    depth: { up1: depthTo(100), up5: depthTo(500), down1: depthTo(-100), down5: depthTo(-500) },
  };
}
