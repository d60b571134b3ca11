import { describe, expect, it } from 'vitest';
import { getSqrtPriceAtTick } from '../../../../sdk/v4/math.ts';
import { executionPrice, impactLevel, midPrice, priceImpactBps, slippageBound } from './logic.ts';

describe('swap logic', () => {
  it('reads $25 a share from a pool priced in raw units, stablecoin as currency0 or currency1', () => {
    // 25 dUSD (6 decimals) per share (18 decimals): raw shares per raw dUSD = 1e18 / 25e6 = 4e10.
    const tick = Math.round(Math.log(4e10) / Math.log(1.0001));
    expect(midPrice(getSqrtPriceAtTick(tick), true, 6, 18)).toBeCloseTo(25, 2);
    expect(midPrice(getSqrtPriceAtTick(-tick), false, 6, 18)).toBeCloseTo(25, 2);
  });

  it('prices a trade and its impact on each side', () => {
    expect(executionPrice(2_600_000n, 10n ** 17n, 6, 18)).toBeCloseTo(26, 9);
    expect(priceImpactBps('buy', 25, 26)).toBe(400);
    expect(priceImpactBps('sell', 25, 24)).toBe(400);
    expect(priceImpactBps('buy', 25, 24)).toBe(0);
  });

  it('grades impact at 1, 3, 5 and 10 percent', () => {
    expect([50, 100, 299, 300, 500, 1_000, 1_001].map(impactLevel)).toEqual(['none', 'notice', 'notice', 'warning', 'danger', 'danger', 'confirm']);
  });

  it('bounds slippage in the safe direction, rounding against the trader', () => {
    expect(slippageBound(1_000_000n, 50, 'min')).toBe(995_000n);
    expect(slippageBound(1_000_000n, 50, 'max')).toBe(1_005_000n);
    expect(slippageBound(3n, 50, 'max')).toBe(4n); // rounds up
    expect(slippageBound(3n, 50, 'min')).toBe(2n); // rounds down
  });
});
