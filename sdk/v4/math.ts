/**
 * Uniswap v4-core's swap arithmetic in bigint, line for line: TickMath, FullMath, SqrtPriceMath, SwapMath and
 * TickBitmap. `@uniswap/v4-sdk` refuses pools whose hook has beforeSwap, so the venue quotes with this instead.
 * Every function rounds exactly as the Solidity it mirrors; the anvil tests compare results with V4Quoter to the
 * last wei.
 */

export const Q96 = 1n << 96n;
export const MAX_UINT128 = (1n << 128n) - 1n;
export const MAX_UINT160 = (1n << 160n) - 1n;
export const MAX_UINT256 = (1n << 256n) - 1n;
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
export const MIN_SQRT_PRICE = 4295128739n;
export const MAX_SQRT_PRICE = 1461446703485210103287273052203988822378723970342n;
/** SwapMath.MAX_SWAP_FEE: fees are in pips, hundredths of a basis point. */
export const MAX_SWAP_FEE = 1_000_000n;

// ------------------------------------------------------------------ FullMath, UnsafeMath

/** floor(sqrt(n)), exact for any size (Newton's method from a power of two above the root). */
export function sqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('sqrt of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('mulDiv: division by zero');
  const result = (a * b) / denominator;
  if (result > MAX_UINT256) throw new RangeError('mulDiv: overflow');
  return result;
}

export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  const product = a * b;
  let result = product / denominator;
  if (product % denominator !== 0n) result += 1n;
  if (result > MAX_UINT256) throw new RangeError('mulDivRoundingUp: overflow');
  return result;
}

export function divRoundingUp(x: bigint, y: bigint): bigint {
  return x / y + (x % y === 0n ? 0n : 1n);
}

// ------------------------------------------------------------------ TickMath

const TICK_RATIOS: [number, bigint][] = [
  [0x2, 0xfff97272373d413259a46990580e213an],
  [0x4, 0xfff2e50f5f656932ef12357cf3c7fdccn],
  [0x8, 0xffe5caca7e10e4e61c3624eaa0941cd0n],
  [0x10, 0xffcb9843d60f6159c9db58835c926644n],
  [0x20, 0xff973b41fa98c081472e6896dfb254c0n],
  [0x40, 0xff2ea16466c96a3843ec78b326b52861n],
  [0x80, 0xfe5dee046a99a2a811c461f1969c3053n],
  [0x100, 0xfcbe86c7900a88aedcffc83b479aa3a4n],
  [0x200, 0xf987a7253ac413176f2b074cf7815e54n],
  [0x400, 0xf3392b0822b70005940c7a398e4b70f3n],
  [0x800, 0xe7159475a2c29b7443b29c7fa6e889d9n],
  [0x1000, 0xd097f3bdfd2022b8845ad8f792aa5825n],
  [0x2000, 0xa9f746462d870fdf8a65dc1f90e061e5n],
  [0x4000, 0x70d869a156d2a1b890bb3df62baf32f7n],
  [0x8000, 0x31be135f97d08fd981231505542fcfa6n],
  [0x10000, 0x9aa508b5b7a84e1c677de54f3e99bc9n],
  [0x20000, 0x5d6af8dedb81196699c329225ee604n],
  [0x40000, 0x2216e584f5fa1ea926041bedfe98n],
  [0x80000, 0x48a170391f7dc42444e8fa2n],
];

export function getSqrtPriceAtTick(tick: number): bigint {
  const absTick = Math.abs(tick);
  if (!Number.isInteger(tick) || absTick > MAX_TICK) throw new RangeError(`tick ${tick} out of range`);
  let ratio = absTick & 0x1 ? 0xfffcb933bd6fad37aa2d162d1a594001n : 0x100000000000000000000000000000000n;
  for (const [bit, factor] of TICK_RATIOS) if (absTick & bit) ratio = (ratio * factor) >> 128n;
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  return (ratio >> 32n) + (ratio % (1n << 32n) === 0n ? 0n : 1n);
}

/** The greatest tick whose sqrt price is at most `sqrtPriceX96` (TickMath.getTickAtSqrtPrice), by bisection. */
export function getTickAtSqrtPrice(sqrtPriceX96: bigint): number {
  if (sqrtPriceX96 < MIN_SQRT_PRICE || sqrtPriceX96 >= MAX_SQRT_PRICE) {
    throw new RangeError(`sqrt price ${sqrtPriceX96} out of range`);
  }
  let lo = MIN_TICK;
  let hi = MAX_TICK;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (getSqrtPriceAtTick(mid) <= sqrtPriceX96) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ------------------------------------------------------------------ SqrtPriceMath

function nextSqrtPriceFromAmount0RoundingUp(sqrtPX96: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (amount === 0n) return sqrtPX96;
  const numerator1 = liquidity << 96n;
  if (add) {
    const product = amount * sqrtPX96;
    if (product <= MAX_UINT256) {
      const denominator = numerator1 + product;
      if (denominator <= MAX_UINT256) return mulDivRoundingUp(numerator1, sqrtPX96, denominator);
    }
    return divRoundingUp(numerator1, numerator1 / sqrtPX96 + amount);
  }
  const product = amount * sqrtPX96;
  if (product > MAX_UINT256 || numerator1 <= product) throw new RangeError('SqrtPriceMath: price overflow');
  const next = mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product);
  if (next > MAX_UINT160) throw new RangeError('SqrtPriceMath: price overflow');
  return next;
}

function nextSqrtPriceFromAmount1RoundingDown(sqrtPX96: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (add) {
    const quotient = amount <= MAX_UINT160 ? (amount << 96n) / liquidity : mulDiv(amount, Q96, liquidity);
    const next = sqrtPX96 + quotient;
    if (next > MAX_UINT160) throw new RangeError('SqrtPriceMath: price overflow');
    return next;
  }
  const quotient = amount <= MAX_UINT160 ? divRoundingUp(amount << 96n, liquidity) : mulDivRoundingUp(amount, Q96, liquidity);
  if (sqrtPX96 <= quotient) throw new RangeError('SqrtPriceMath: not enough liquidity');
  return sqrtPX96 - quotient;
}

export function getNextSqrtPriceFromInput(sqrtPX96: bigint, liquidity: bigint, amountIn: bigint, zeroForOne: boolean): bigint {
  return zeroForOne
    ? nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountIn, true)
    : nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountIn, true);
}

export function getNextSqrtPriceFromOutput(sqrtPX96: bigint, liquidity: bigint, amountOut: bigint, zeroForOne: boolean): bigint {
  return zeroForOne
    ? nextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountOut, false)
    : nextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountOut, false);
}

export function getAmount0Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  const numerator1 = liquidity << 96n;
  const numerator2 = sqrtB - sqrtA;
  return roundUp
    ? divRoundingUp(mulDivRoundingUp(numerator1, numerator2, sqrtB), sqrtA)
    : mulDiv(numerator1, numerator2, sqrtB) / sqrtA;
}

export function getAmount1Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  return roundUp ? mulDivRoundingUp(liquidity, sqrtB - sqrtA, Q96) : mulDiv(liquidity, sqrtB - sqrtA, Q96);
}

// ------------------------------------------------------------------ SwapMath

export interface SwapStep {
  sqrtPriceNextX96: bigint;
  amountIn: bigint;
  amountOut: bigint;
  feeAmount: bigint;
}

/** SwapMath.getSqrtPriceTarget: the next tick's price, unless the limit comes first. */
export function getSqrtPriceTarget(zeroForOne: boolean, sqrtPriceNextX96: bigint, sqrtPriceLimitX96: bigint): bigint {
  return zeroForOne
    ? sqrtPriceNextX96 < sqrtPriceLimitX96 ? sqrtPriceLimitX96 : sqrtPriceNextX96
    : sqrtPriceNextX96 > sqrtPriceLimitX96 ? sqrtPriceLimitX96 : sqrtPriceNextX96;
}

/** SwapMath.computeSwapStep. `amountRemaining` < 0 is exact input, > 0 exact output (v4's sign convention). */
export function computeSwapStep(
  sqrtPriceCurrentX96: bigint,
  sqrtPriceTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: bigint,
): SwapStep {
  const zeroForOne = sqrtPriceCurrentX96 >= sqrtPriceTargetX96;
  let sqrtPriceNextX96: bigint;
  let amountIn: bigint;
  let amountOut: bigint;
  let feeAmount: bigint;
  if (amountRemaining < 0n) {
    const amountRemainingLessFee = mulDiv(-amountRemaining, MAX_SWAP_FEE - feePips, MAX_SWAP_FEE);
    amountIn = zeroForOne
      ? getAmount0Delta(sqrtPriceTargetX96, sqrtPriceCurrentX96, liquidity, true)
      : getAmount1Delta(sqrtPriceCurrentX96, sqrtPriceTargetX96, liquidity, true);
    if (amountRemainingLessFee >= amountIn) {
      sqrtPriceNextX96 = sqrtPriceTargetX96;
      feeAmount = feePips === MAX_SWAP_FEE ? amountIn : mulDivRoundingUp(amountIn, feePips, MAX_SWAP_FEE - feePips);
    } else {
      amountIn = amountRemainingLessFee;
      sqrtPriceNextX96 = getNextSqrtPriceFromInput(sqrtPriceCurrentX96, liquidity, amountRemainingLessFee, zeroForOne);
      feeAmount = -amountRemaining - amountIn;
    }
    amountOut = zeroForOne
      ? getAmount1Delta(sqrtPriceNextX96, sqrtPriceCurrentX96, liquidity, false)
      : getAmount0Delta(sqrtPriceCurrentX96, sqrtPriceNextX96, liquidity, false);
  } else {
    amountOut = zeroForOne
      ? getAmount1Delta(sqrtPriceTargetX96, sqrtPriceCurrentX96, liquidity, false)
      : getAmount0Delta(sqrtPriceCurrentX96, sqrtPriceTargetX96, liquidity, false);
    if (amountRemaining >= amountOut) {
      sqrtPriceNextX96 = sqrtPriceTargetX96;
    } else {
      amountOut = amountRemaining;
      sqrtPriceNextX96 = getNextSqrtPriceFromOutput(sqrtPriceCurrentX96, liquidity, amountOut, zeroForOne);
    }
    amountIn = zeroForOne
      ? getAmount0Delta(sqrtPriceNextX96, sqrtPriceCurrentX96, liquidity, true)
      : getAmount1Delta(sqrtPriceCurrentX96, sqrtPriceNextX96, liquidity, true);
    feeAmount = mulDivRoundingUp(amountIn, feePips, MAX_SWAP_FEE - feePips);
  }
  return { sqrtPriceNextX96, amountIn, amountOut, feeAmount };
}

// ------------------------------------------------------------------ TickBitmap

/** TickBitmap.compress: tick / tickSpacing, rounded toward negative infinity. */
export function compress(tick: number, tickSpacing: number): number {
  return Math.floor(tick / tickSpacing);
}

/** TickBitmap.position: the word (int16) and bit (uint8) of a compressed tick. */
export function position(compressed: number): { wordPos: number; bitPos: number } {
  return { wordPos: compressed >> 8, bitPos: compressed & 0xff };
}

function mostSignificantBit(x: bigint): number {
  return x.toString(2).length - 1;
}

function leastSignificantBit(x: bigint): number {
  return mostSignificantBit(x & -x);
}

/** TickBitmap.nextInitializedTickWithinOneWord, reading words through `word(wordPos)`. */
export function nextInitializedTickWithinOneWord(
  word: (wordPos: number) => bigint,
  tick: number,
  tickSpacing: number,
  lte: boolean,
): { next: number; initialized: boolean } {
  const compressed = compress(tick, tickSpacing);
  if (lte) {
    const { wordPos, bitPos } = position(compressed);
    const mask = (1n << BigInt(bitPos + 1)) - 1n; // this bit and every bit below it
    const masked = word(wordPos) & mask;
    const initialized = masked !== 0n;
    const next = initialized
      ? (compressed - (bitPos - mostSignificantBit(masked))) * tickSpacing
      : (compressed - bitPos) * tickSpacing;
    return { next, initialized };
  }
  const { wordPos, bitPos } = position(compressed + 1);
  const mask = MAX_UINT256 ^ ((1n << BigInt(bitPos)) - 1n); // this bit and every bit above it
  const masked = word(wordPos) & mask;
  const initialized = masked !== 0n;
  const next = initialized
    ? (compressed + 1 + (leastSignificantBit(masked) - bitPos)) * tickSpacing
    : (compressed + 1 + (255 - bitPos)) * tickSpacing;
  return { next, initialized };
}

// ------------------------------------------------------------------ positions

/**
 * What a position's liquidity is worth in each currency at `sqrtPriceX96`, as a removal would pay it (rounded down,
 * like Pool.modifyLiquidity for a negative delta): below the range all currency0, above it all currency1.
 */
export function positionAmounts(sqrtPriceX96: bigint, tickLower: number, tickUpper: number, liquidity: bigint): { amount0: bigint; amount1: bigint } {
  const lower = getSqrtPriceAtTick(tickLower);
  const upper = getSqrtPriceAtTick(tickUpper);
  if (sqrtPriceX96 <= lower) return { amount0: getAmount0Delta(lower, upper, liquidity, false), amount1: 0n };
  if (sqrtPriceX96 >= upper) return { amount0: 0n, amount1: getAmount1Delta(lower, upper, liquidity, false) };
  return { amount0: getAmount0Delta(sqrtPriceX96, upper, liquidity, false), amount1: getAmount1Delta(lower, sqrtPriceX96, liquidity, false) };
}
