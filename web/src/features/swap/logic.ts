/** The arithmetic behind the swap form: prices, impact, slippage bounds. Pure, so it is unit-tested on its own. */
import { Q96 } from '../../../../sdk/v4/math.ts';

/** Stablecoin per share at the pool's current price. */
export function midPrice(sqrtPriceX96: bigint, stableIs0: boolean, stableDecimals: number, securityDecimals: number): number {
  // price1per0 = (sqrtPriceX96 / 2^96)^2 in raw units; scaled by 1e18 to keep precision in bigint.
  const scale = 10n ** 18n;
  const raw1per0 = (sqrtPriceX96 * sqrtPriceX96 * scale) / (Q96 * Q96);
  const rawStablePerShare = stableIs0 ? Number(scale * scale / (raw1per0 === 0n ? 1n : raw1per0)) / 1e18 : Number(raw1per0) / 1e18;
  return rawStablePerShare * 10 ** (securityDecimals - stableDecimals);
}

/** Stablecoin per share of a trade. */
export function executionPrice(stableAmount: bigint, shares: bigint, stableDecimals: number, securityDecimals: number): number {
  if (shares === 0n) return 0;
  return (Number(stableAmount) / Number(shares)) * 10 ** (securityDecimals - stableDecimals);
}

/** How much worse than mid a trade executes, in basis points (fee included). Buys pay above mid, sells get below. */
export function priceImpactBps(side: 'buy' | 'sell', mid: number, execution: number): number {
  if (mid <= 0 || execution <= 0) return 0;
  const impact = side === 'buy' ? execution / mid - 1 : 1 - execution / mid;
  return Math.max(0, Math.round(impact * 10_000));
}

export type ImpactLevel = 'none' | 'notice' | 'warning' | 'danger' | 'confirm';

/** 1% notice, 3% warning, 5% danger; above 10% the trade needs a typed confirmation. */
export function impactLevel(bps: number): ImpactLevel {
  if (bps > 1_000) return 'confirm';
  if (bps >= 500) return 'danger';
  if (bps >= 300) return 'warning';
  if (bps >= 100) return 'notice';
  return 'none';
}

/** The least to accept for a quoted output, or the most to pay for a quoted input, `slippageBps` away. */
export function slippageBound(quoted: bigint, slippageBps: number, bound: 'min' | 'max'): bigint {
  const bps = BigInt(slippageBps);
  return bound === 'min' ? (quoted * (10_000n - bps)) / 10_000n : (quoted * (10_000n + bps) + 9_999n) / 10_000n;
}

/** What a person types to accept a trade more than 10% worse than mid. */
export const CONFIRM_WORD = 'confirm';
