import { midPriceMicros, shiftedSqrtPrice } from '../../../sdk/v4/price.ts';
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
