/**
 * The largest order a pool fills now. Its own module: v4's swap math loads only when an order is too large for the
 * pool, not with the swap page (the initial route's JavaScript budget).
 */
import { simulateSwap, type PoolSnapshot } from '../../../../sdk/v4/swap.ts';

/** More than any pool holds: a swap of this size stops only at the price limit. */
const UNBOUNDED = (1n << 127n) - 1n;

/**
 * The largest order the pool fills now in this direction (V4Quoter refuses a larger one with NotEnoughLiquidity): for
 * exact input the most it takes, for exact output the most it pays out. v4's own swap math (sdk/v4) on the pool's
 * snapshot, run to the price limit as the quoter's swap is.
 */
export function largestFill(pool: PoolSnapshot, zeroForOne: boolean, exact: 'in' | 'out'): bigint {
  const swap = simulateSwap(pool, { zeroForOne, amountSpecified: exact === 'in' ? -UNBOUNDED : UNBOUNDED });
  return exact === 'in' ? swap.amountIn : swap.amountOut;
}

