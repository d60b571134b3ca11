/**
 * The arithmetic behind liquidity positions: prices and ticks, liquidity from deposit amounts (v4-periphery's
 * LiquidityAmounts), amounts of a position (v4-core's Pool.modifyLiquidity), uncollected fees (Position.update) and
 * slippage bounds. Pure and exact in bigint where the chain is, so it is unit-tested on its own.
 */
import { maxUsableTick } from '../../../../sdk/periphery.ts';
import {
  getAmount0Delta,
  getAmount1Delta,
  getSqrtPriceAtTick,
  getTickAtSqrtPrice,
  MAX_SQRT_PRICE,
  MAX_UINT128,
  MIN_SQRT_PRICE,
  mulDiv,
  Q96,
  sqrt,
} from '../../../../sdk/v4/math.ts';
import type { Parsed } from '../../lib/amount.ts';

export const Q128 = 1n << 128n;

// ------------------------------------------------------------------ prices and ticks

/** How a pool's raw tick price reads as a person's price: stablecoin per share. */
export interface Orientation {
  stableIs0: boolean;
  stableDecimals: number;
  securityDecimals: number;
}

const LN_TICK = Math.log(1.0001);

/**
 * Stablecoin per share at `tick`. The tick prices token1 in token0 raw units (1.0001^tick); with the stablecoin as
 * currency0 a higher tick means more shares per dollar, so the person's price falls as the tick rises.
 */
export function priceAtTick(tick: number, o: Orientation): number {
  const decimalsShift = (o.securityDecimals - o.stableDecimals) * Math.LN10;
  return Math.exp((o.stableIs0 ? -tick : tick) * LN_TICK + decimalsShift);
}

/** The (fractional) tick of a stablecoin-per-share price: the inverse of priceAtTick. */
export function tickAtPrice(price: number, o: Orientation): number {
  const t = (Math.log(price) - (o.securityDecimals - o.stableDecimals) * Math.LN10) / LN_TICK;
  return o.stableIs0 ? -t : t;
}

/** Stablecoin per share at a sqrt price (the pool's current price), exact to double precision. */
export function priceAtSqrtPrice(sqrtPriceX96: bigint, o: Orientation): number {
  const ratio = Number(sqrtPriceX96) / Number(Q96);
  const raw1per0 = ratio * ratio;
  const shift = 10 ** (o.securityDecimals - o.stableDecimals);
  return o.stableIs0 ? shift / raw1per0 : raw1per0 * shift;
}

/** The nearest usable tick (a multiple of the spacing within TickMath's range): PositionManager refuses any other. */
export function snapTick(tick: number, tickSpacing: number): number {
  const max = maxUsableTick(tickSpacing);
  const snapped = Math.round(tick / tickSpacing) * tickSpacing;
  return Math.min(max, Math.max(-max, snapped)) + 0; // + 0 turns -0 into 0
}

/** The usable ticks at the ends of the price axis: a position between them is "full range". */
export function fullRangeTicks(tickSpacing: number): { tickLower: number; tickUpper: number } {
  const max = maxUsableTick(tickSpacing);
  return { tickLower: -max, tickUpper: max };
}

export function isFullRange(tickLower: number, tickUpper: number, tickSpacing: number): boolean {
  const max = maxUsableTick(tickSpacing);
  return tickLower <= -max && tickUpper >= max;
}

/** A range's prices, lower first (the tick order flips when the stablecoin is currency0). */
export function rangePrices(tickLower: number, tickUpper: number, o: Orientation): { min: number; max: number } {
  const a = priceAtTick(tickLower, o);
  const b = priceAtTick(tickUpper, o);
  return { min: Math.min(a, b), max: Math.max(a, b) };
}

/** A price typed by a person (stablecoin per share): a positive decimal, grouping commas allowed. */
export function parsePrice(input: string): Parsed<number> {
  const text = input.trim().replace(/,/g, '');
  if (text === '') return { ok: false, error: 'Enter a price' };
  if (!/^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return { ok: false, error: 'Not a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, error: 'Too large' };
  if (value <= 0) return { ok: false, error: 'Must be more than zero' };
  return { ok: true, value };
}

export interface TickRange {
  tickLower: number;
  tickUpper: number;
}

/** A min/max price pair as the usable tick range it snaps to, or why it can't be one. */
export function rangeFromPrices(min: number, max: number, o: Orientation, tickSpacing: number): Parsed<TickRange> {
  if (!(min < max)) return { ok: false, error: 'The minimum price must be below the maximum' };
  const a = snapTick(tickAtPrice(min, o), tickSpacing);
  const b = snapTick(tickAtPrice(max, o), tickSpacing);
  const tickLower = Math.min(a, b);
  const tickUpper = Math.max(a, b);
  if (tickLower === tickUpper) return { ok: false, error: 'Both prices snap to the same tick: widen the range' };
  return { ok: true, value: { tickLower, tickUpper } };
}

/** The price one tick spacing up or down from `price` (snapped first), as the +/- buttons step. */
export function stepPrice(price: number, direction: 1 | -1, o: Orientation, tickSpacing: number): number {
  const tick = snapTick(tickAtPrice(price, o), tickSpacing);
  // The person's price rises with the tick only when the stablecoin is currency1.
  const next = snapTick(tick + direction * (o.stableIs0 ? -1 : 1) * tickSpacing, tickSpacing);
  return priceAtTick(next, o);
}

/** A price for people: seven significant digits (enough to snap back to the same tick), exponents at the extremes. */
export function formatPrice(price: number): string {
  if (!Number.isFinite(price)) return '∞';
  if (price === 0) return '0';
  if (price < 1e-4 || price >= 1e15) return price.toExponential(6);
  return price.toLocaleString('en-US', { maximumSignificantDigits: 7 });
}

// ------------------------------------------------------------------ liquidity and amounts

function toUint128(x: bigint): bigint {
  if (x > MAX_UINT128) throw new RangeError('liquidity overflows uint128');
  return x;
}

/** LiquidityAmounts.getLiquidityForAmount0: amount0 * (sqrtA * sqrtB / Q96) / (sqrtB - sqrtA), rounded down. */
export function liquidityForAmount0(sqrtA: bigint, sqrtB: bigint, amount0: bigint): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  const intermediate = mulDiv(sqrtA, sqrtB, Q96);
  return toUint128(mulDiv(amount0, intermediate, sqrtB - sqrtA));
}

/** LiquidityAmounts.getLiquidityForAmount1: amount1 * Q96 / (sqrtB - sqrtA), rounded down. */
export function liquidityForAmount1(sqrtA: bigint, sqrtB: bigint, amount1: bigint): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  return toUint128(mulDiv(amount1, Q96, sqrtB - sqrtA));
}

/** LiquidityAmounts.getLiquidityForAmounts: the most liquidity both amounts pay for at `sqrtPriceX96`. */
export function liquidityForAmounts(sqrtPriceX96: bigint, sqrtA: bigint, sqrtB: bigint, amount0: bigint, amount1: bigint): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  if (sqrtPriceX96 <= sqrtA) return liquidityForAmount0(sqrtA, sqrtB, amount0);
  if (sqrtPriceX96 < sqrtB) {
    const l0 = liquidityForAmount0(sqrtPriceX96, sqrtB, amount0);
    const l1 = liquidityForAmount1(sqrtA, sqrtPriceX96, amount1);
    return l0 < l1 ? l0 : l1;
  }
  return liquidityForAmount1(sqrtA, sqrtB, amount1);
}

export interface PoolPoint {
  /** slot0: the pool decides which side of a range it is on by the tick, and prices by the sqrt price. */
  sqrtPriceX96: bigint;
  tick: number;
}

export interface Amounts {
  amount0: bigint;
  amount1: bigint;
}

/**
 * What `liquidity` in [tickLower, tickUpper) is worth at the pool's price, as Pool.modifyLiquidity computes it:
 * rounded up for an add (what the pool charges), down for a removal (what it pays).
 */
export function amountsForLiquidity(at: PoolPoint, tickLower: number, tickUpper: number, liquidity: bigint, round: 'up' | 'down'): Amounts {
  const up = round === 'up';
  const sqrtLower = getSqrtPriceAtTick(tickLower);
  const sqrtUpper = getSqrtPriceAtTick(tickUpper);
  if (at.tick < tickLower) return { amount0: getAmount0Delta(sqrtLower, sqrtUpper, liquidity, up), amount1: 0n };
  if (at.tick < tickUpper) {
    return { amount0: getAmount0Delta(at.sqrtPriceX96, sqrtUpper, liquidity, up), amount1: getAmount1Delta(sqrtLower, at.sqrtPriceX96, liquidity, up) };
  }
  return { amount0: 0n, amount1: getAmount1Delta(sqrtLower, sqrtUpper, liquidity, up) };
}

/** Which currencies an add to [tickLower, tickUpper) takes at the pool's price (one side only when out of range). */
export function depositSides(at: PoolPoint, tickLower: number, tickUpper: number): [boolean, boolean] {
  const takes0 = at.tick < tickUpper;
  const takes1 = at.tick >= tickUpper || (at.tick >= tickLower && at.sqrtPriceX96 > getSqrtPriceAtTick(tickLower));
  return [takes0, takes1];
}

export interface Deposit extends Amounts {
  liquidity: bigint;
}

/**
 * The liquidity a deposit of `amount` of currency `side` buys in the range, and what it costs in each currency
 * (rounded up, as the pool charges). The cost of the typed side never exceeds `amount`.
 */
export function depositFromAmount(at: PoolPoint, tickLower: number, tickUpper: number, side: 0 | 1, amount: bigint): Parsed<Deposit> {
  const sides = depositSides(at, tickLower, tickUpper);
  if (!sides[side]) return { ok: false, error: 'At the current price this range takes only the other token' };
  const sqrtLower = getSqrtPriceAtTick(tickLower);
  const sqrtUpper = getSqrtPriceAtTick(tickUpper);
  const inRange = at.tick >= tickLower && at.tick < tickUpper;
  let liquidity: bigint;
  try {
    liquidity = side === 0
      ? liquidityForAmount0(inRange ? at.sqrtPriceX96 : sqrtLower, sqrtUpper, amount)
      : liquidityForAmount1(sqrtLower, inRange ? at.sqrtPriceX96 : sqrtUpper, amount);
  } catch {
    return { ok: false, error: 'Too large for one position' };
  }
  if (liquidity === 0n) return { ok: false, error: 'Too small to add any liquidity' };
  return { ok: true, value: { liquidity, ...amountsForLiquidity(at, tickLower, tickUpper, liquidity, 'up') } };
}

// ------------------------------------------------------------------ fees

/**
 * Fees a position has earned but not collected, as Position.update credits them on the next modification:
 * (feeGrowthInside now - at the last modification) * liquidity / 2^128. Fee growth is a uint256 that may wrap, so
 * the difference is taken mod 2^256, as Solidity's unchecked subtraction does.
 */
export function feesOwed(feeGrowthInsideX128: bigint, feeGrowthInsideLastX128: bigint, liquidity: bigint): bigint {
  return mulDiv(BigInt.asUintN(256, feeGrowthInsideX128 - feeGrowthInsideLastX128), liquidity, Q128);
}

// ------------------------------------------------------------------ slippage


/** The pool prices `slippageBps` below and above the current one (the sqrt price moves by sqrt(1 ± s)). */
export function slippageBand(sqrtPriceX96: bigint, slippageBps: number): { low: bigint; high: bigint } {
  const bps = BigInt(slippageBps);
  const squared = sqrtPriceX96 * sqrtPriceX96;
  const low = sqrt((squared * (10_000n - bps)) / 10_000n);
  const high = sqrt((squared * (10_000n + bps)) / 10_000n);
  return { low: low < MIN_SQRT_PRICE ? MIN_SQRT_PRICE : low, high: high >= MAX_SQRT_PRICE ? MAX_SQRT_PRICE - 1n : high };
}

function pointsOfBand(at: PoolPoint, slippageBps: number): PoolPoint[] {
  const { low, high } = slippageBand(at.sqrtPriceX96, slippageBps);
  return [at, { sqrtPriceX96: low, tick: getTickAtSqrtPrice(low) }, { sqrtPriceX96: high, tick: getTickAtSqrtPrice(high) }];
}

/**
 * amount0Max/amount1Max for adding `liquidity`: the most each currency can cost anywhere within the slippage band.
 * A price pushed further (a front-run) needs more of one currency than this, and the add reverts.
 */
export function maxAmountsForAdd(at: PoolPoint, tickLower: number, tickUpper: number, liquidity: bigint, slippageBps: number): Amounts {
  const costs = pointsOfBand(at, slippageBps).map((p) => amountsForLiquidity(p, tickLower, tickUpper, liquidity, 'up'));
  return {
    amount0: costs.reduce((m, c) => (c.amount0 > m ? c.amount0 : m), 0n),
    amount1: costs.reduce((m, c) => (c.amount1 > m ? c.amount1 : m), 0n),
  };
}

/**
 * amount0Min/amount1Min for removing `liquidity`: the least each currency can return anywhere within the slippage
 * band. PositionManager checks them against the principal only (fees come on top).
 */
export function minAmountsForRemove(at: PoolPoint, tickLower: number, tickUpper: number, liquidity: bigint, slippageBps: number): Amounts {
  const returns = pointsOfBand(at, slippageBps).map((p) => amountsForLiquidity(p, tickLower, tickUpper, liquidity, 'down'));
  const min = (f: (a: Amounts) => bigint) => returns.map(f).reduce((m, x) => (x < m ? x : m));
  return { amount0: min((a) => a.amount0), amount1: min((a) => a.amount1) };
}

/**
 * The bounds PositionManager can check on a gated pool's exit. The gate pays the security principal straight to the
 * depositor's wallet (the hook's own delta), so PositionManager sees none of it and its minimum must be 0; the
 * quote side keeps its minimum.
 */
export function gatedExitMinimums(min: Amounts, securityIs0: boolean): Amounts {
  return securityIs0 ? { amount0: 0n, amount1: min.amount1 } : { amount0: min.amount0, amount1: 0n };
}

/** The share of a position's liquidity a percentage (in basis points) removes, rounded down; 100% is all of it. */
export function liquidityForPercent(liquidity: bigint, bps: number): bigint {
  return bps >= 10_000 ? liquidity : (liquidity * BigInt(bps)) / 10_000n;
}

// ------------------------------------------------------------------ status

export type PricePosition = 'inside' | 'above' | 'below';

/**
 * Where the current price is relative to a range, in the person's terms (stablecoin per share). The pool counts a
 * range as active while tickLower <= tick < tickUpper; outside, it holds one currency only.
 */
export function priceVersusRange(tick: number, tickLower: number, tickUpper: number, stableIs0: boolean): PricePosition {
  if (tick >= tickLower && tick < tickUpper) return 'inside';
  const belowInTicks = tick < tickLower;
  return belowInTicks === stableIs0 ? 'above' : 'below';
}

/** Permit2 allowances the page grants PositionManager last this long. */
export const PERMIT2_LIFETIME_S = 30 * 86_400;

// ------------------------------------------------------------------ payment approvals

export interface PaymentNeed {
  token: `0x${string}`;
  /** The most PositionManager may pull (the slippage bound), in base units. */
  amount: bigint;
}

export interface AllowanceState {
  token: `0x${string}`;
  erc20Allowance: bigint;
  permitAmount: bigint;
  permitExpiration: number;
}

export interface ApprovalStep {
  token: `0x${string}`;
  /** 'erc20': the token approves Permit2 (once); 'permit2': Permit2 lets PositionManager pull the token. */
  kind: 'erc20' | 'permit2';
}

/**
 * The approvals missing before PositionManager can pull each need through Permit2, in the order to send them. A
 * Permit2 allowance about to expire (within `marginS`) counts as missing: it could lapse before the add is mined.
 */
export function missingApprovals(needs: PaymentNeed[], allowances: AllowanceState[], now: number, marginS = 300): ApprovalStep[] {
  const steps: ApprovalStep[] = [];
  for (const need of needs) {
    if (need.amount === 0n) continue;
    const state = allowances.find((a) => a.token.toLowerCase() === need.token.toLowerCase());
    if (!state || state.erc20Allowance < need.amount) steps.push({ token: need.token, kind: 'erc20' });
    if (!state || state.permitAmount < need.amount || state.permitExpiration <= now + marginS) steps.push({ token: need.token, kind: 'permit2' });
  }
  return steps;
}

// ------------------------------------------------------------------ chart

/**
 * The price axis of a range preview, on a log scale (a range may span orders of magnitude): the range and the
 * current price with a margin around them, or a band around the current price for a full range.
 */
export function chartDomain(current: number, range: { min: number; max: number } | 'full' | undefined): { lo: number; hi: number } {
  if (range === undefined || range === 'full') return { lo: current / 2, hi: current * 2 };
  const lo = Math.log(Math.min(range.min, current));
  const hi = Math.log(Math.max(range.max, current));
  const pad = Math.max((hi - lo) * 0.2, 0.05);
  return { lo: Math.exp(lo - pad), hi: Math.exp(hi + pad) };
}

/** Where `price` falls on the axis, 0 to 1 (clamped), log-scaled. */
export function chartX(price: number, domain: { lo: number; hi: number }): number {
  if (price <= 0) return 0;
  const x = (Math.log(price) - Math.log(domain.lo)) / (Math.log(domain.hi) - Math.log(domain.lo));
  return Math.min(1, Math.max(0, x));
}

/** What a wallet can deposit of the security: its balance, within its identity's shares not locked in lots. */
export function spendableShares(balance: bigint | undefined, limits: { holding: bigint; locked: bigint } | undefined): bigint | undefined {
  if (balance === undefined || !limits || limits.locked === 0n) return balance;
  const free = limits.holding - limits.locked;
  return balance < free ? balance : free;
}
