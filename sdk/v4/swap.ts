import {
  computeSwapStep,
  getSqrtPriceAtTick,
  getSqrtPriceTarget,
  getTickAtSqrtPrice,
  MAX_SQRT_PRICE,
  MAX_SWAP_FEE,
  MAX_TICK,
  MIN_SQRT_PRICE,
  MIN_TICK,
  nextInitializedTickWithinOneWord,
} from './math.ts';

/** A pool's state at one block: everything a swap reads. */
export interface PoolSnapshot {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** The LP fee in pips (slot0.lpFee). */
  lpFee: number;
  /** The protocol fee for this direction in pips; Accredex pools have none. */
  protocolFee?: number;
  tickSpacing: number;
  /** Tick bitmap words by word position; absent words are empty. */
  bitmap: Map<number, bigint>;
  /** liquidityNet of every initialized tick. */
  liquidityNet: Map<number, bigint>;
  /** The block the snapshot was read at, if it came from a chain. */
  blockNumber?: bigint;
}

export interface SwapParams {
  zeroForOne: boolean;
  /** Negative: exact input of |amount|; positive: exact output (v4's convention). */
  amountSpecified: bigint;
  /** Defaults to the extreme price in the swap's direction (as UniversalRouter's single-pool swaps do). */
  sqrtPriceLimitX96?: bigint;
}

export interface SwapResult {
  /** The swapper's balance changes: negative is paid in, positive is received (a BalanceDelta). */
  amount0: bigint;
  amount1: bigint;
  amountIn: bigint;
  amountOut: bigint;
  feeAmount: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** Initialized ticks crossed. */
  ticksCrossed: number;
}

/**
 * Pool.swap from v4-core, without storage writes: what the same swap in the same block returns, to the wei.
 * Throws where the PoolManager would revert (price limit on the wrong side, exact output with a 100% fee).
 */
export function simulateSwap(pool: PoolSnapshot, params: SwapParams): SwapResult {
  const { zeroForOne, amountSpecified } = params;
  const limit = params.sqrtPriceLimitX96 ?? (zeroForOne ? MIN_SQRT_PRICE + 1n : MAX_SQRT_PRICE - 1n);
  const protocolFee = BigInt(pool.protocolFee ?? 0);
  const lpFee = BigInt(pool.lpFee);
  // ProtocolFeeLibrary.calculateSwapFee: the protocol fee is taken first, the LP fee on the rest.
  const swapFee = protocolFee === 0n ? lpFee : protocolFee + lpFee - (protocolFee * lpFee) / MAX_SWAP_FEE;
  if (swapFee >= MAX_SWAP_FEE && amountSpecified > 0n) throw new Error('InvalidFeeForExactOut');

  let sqrtPriceX96 = pool.sqrtPriceX96;
  let tick = pool.tick;
  let liquidity = pool.liquidity;
  let amountSpecifiedRemaining = amountSpecified;
  let amountCalculated = 0n;
  let feeTotal = 0n;
  let ticksCrossed = 0;
  const empty = { amount0: 0n, amount1: 0n, amountIn: 0n, amountOut: 0n, feeAmount: 0n, sqrtPriceX96, tick, liquidity, ticksCrossed };
  if (amountSpecified === 0n) return empty;

  if (zeroForOne) {
    if (limit >= sqrtPriceX96) throw new Error(`PriceLimitAlreadyExceeded(${sqrtPriceX96}, ${limit})`);
    if (limit <= MIN_SQRT_PRICE) throw new Error(`PriceLimitOutOfBounds(${limit})`);
  } else {
    if (limit <= sqrtPriceX96) throw new Error(`PriceLimitAlreadyExceeded(${sqrtPriceX96}, ${limit})`);
    if (limit >= MAX_SQRT_PRICE) throw new Error(`PriceLimitOutOfBounds(${limit})`);
  }

  const word = (wordPos: number) => pool.bitmap.get(wordPos) ?? 0n;
  while (!(amountSpecifiedRemaining === 0n || sqrtPriceX96 === limit)) {
    const sqrtPriceStartX96 = sqrtPriceX96;
    let { next: tickNext, initialized } = nextInitializedTickWithinOneWord(word, tick, pool.tickSpacing, zeroForOne);
    if (tickNext <= MIN_TICK) tickNext = MIN_TICK;
    if (tickNext >= MAX_TICK) tickNext = MAX_TICK;
    const sqrtPriceNextX96 = getSqrtPriceAtTick(tickNext);

    const step = computeSwapStep(
      sqrtPriceX96,
      getSqrtPriceTarget(zeroForOne, sqrtPriceNextX96, limit),
      liquidity,
      amountSpecifiedRemaining,
      swapFee,
    );
    sqrtPriceX96 = step.sqrtPriceNextX96;
    if (amountSpecified > 0n) {
      amountSpecifiedRemaining -= step.amountOut;
      amountCalculated -= step.amountIn + step.feeAmount;
    } else {
      amountSpecifiedRemaining += step.amountIn + step.feeAmount;
      amountCalculated += step.amountOut;
    }
    feeTotal += step.feeAmount;

    if (sqrtPriceX96 === sqrtPriceNextX96) {
      if (initialized) {
        const net = pool.liquidityNet.get(tickNext);
        if (net === undefined) throw new Error(`snapshot lacks liquidityNet for initialized tick ${tickNext}`);
        liquidity += zeroForOne ? -net : net;
        ticksCrossed++;
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
    } else if (sqrtPriceX96 !== sqrtPriceStartX96) {
      tick = getTickAtSqrtPrice(sqrtPriceX96);
    }
  }

  const specified = amountSpecified - amountSpecifiedRemaining;
  const [amount0, amount1] = zeroForOne !== amountSpecified < 0n ? [amountCalculated, specified] : [specified, amountCalculated];
  const paid = zeroForOne ? amount0 : amount1;
  const received = zeroForOne ? amount1 : amount0;
  return {
    amount0,
    amount1,
    amountIn: -paid,
    amountOut: received,
    feeAmount: feeTotal,
    sqrtPriceX96,
    tick,
    liquidity,
    ticksCrossed,
  };
}
