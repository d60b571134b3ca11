/** Share prices from a pool's sqrtPriceX96 (a security with 18 decimals against a 6-decimal stablecoin). */
import { MAX_SQRT_PRICE, MIN_SQRT_PRICE, sqrt } from './math.ts';

const SHARE = 10n ** 18n;
const Q192 = 1n << 192n;

/** The mid price in stablecoin micro-units per whole share. */
export function midPriceMicros(sqrtPriceX96: bigint, securityIs0: boolean): bigint {
  const ratio = sqrtPriceX96 * sqrtPriceX96; // currency1 per currency0, times 2^192
  return securityIs0 ? (ratio * SHARE) / Q192 : (Q192 * SHARE) / ratio;
}

/** sqrtPriceX96 after the share price moves by `bps` basis points (positive: up), kept inside the valid range. */
export function shiftedSqrtPrice(sqrtPriceX96: bigint, bps: number, securityIs0: boolean): bigint {
  // price' = price * (1 + bps/1e4); the raw pool price moves the same way when the security is currency0.
  const num = 10_000n + BigInt(bps);
  const [n, d] = securityIs0 ? [num, 10_000n] : [10_000n, num];
  const target = (sqrtPriceX96 * sqrt((n << 192n) / d)) >> 96n;
  return target < MIN_SQRT_PRICE + 1n ? MIN_SQRT_PRICE + 1n : target > MAX_SQRT_PRICE - 1n ? MAX_SQRT_PRICE - 1n : target;
}
