import { describe, expect, it } from 'vitest';
import { getSqrtPriceAtTick } from '../../../../sdk/v4/math.ts';
import { executionPrice, impactLevel, midPrice, orderBlocker, priceImpactBps, slippageBound, type OrderCheck } from './logic.ts';
import type { SecurityStanding } from '../eligibility/useEligibility.ts';

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

describe('order entry: why an order cannot be sent', () => {
  const E18 = 10n ** 18n;
  const standing = (over: Partial<SecurityStanding> = {}, limits: Partial<SecurityStanding['limits']> = {}): SecurityStanding => ({
    security: '0x0000000000000000000000000000000000000001', poolName: 'ACME-A/dUSD', reason: 'Ok', until: 0, sellReason: 'Ok', sellUntil: 0, lockupEnd: 0,
    limits: { maxHolding: 0n, minTrade: 0n, maxHolders: 0, maxNonAccredited: 0, holders: 10, nonAccredited: 0, holding: 5n * E18, locked: 0n, nextRelease: 0, accredited: true, ...limits },
    ...over,
  });
  const order = (over: Partial<OrderCheck>): OrderCheck => ({ side: 'buy', standing: standing(), input: { ok: true }, sharesIn: E18, shares: E18, securityDecimals: 18, ...over });

  it('lets an exit-only investor sell, never buy', () => {
    const exitOnly = standing({ reason: 'AccreditationExpired', until: 1_700_000_000 });
    expect(orderBlocker(order({ side: 'sell', standing: exitOnly }))).toBeUndefined();
    expect(orderBlocker(order({ side: 'buy', standing: exitOnly }))).toMatch(/accreditation has expired \(on 2023-11-14\)/);
    expect(orderBlocker(order({ side: 'sell', standing: standing({ reason: 'Frozen', sellReason: 'Frozen' }) }))).toMatch(/frozen by compliance/);
  });

  it('names the offering rule an order would break, with the numbers', () => {
    const newcomer = { holding: 0n };
    expect(orderBlocker(order({ standing: standing({}, { ...newcomer, maxHolders: 10 }) }))).toBe(
      'The offering is full: 10 holders of record, the most it allows is 10. Only existing holders can buy until one sells out.',
    );
    // An existing holder is not a new holder of record.
    expect(orderBlocker(order({ standing: standing({}, { maxHolders: 10 }) }))).toBeUndefined();
    expect(orderBlocker(order({ standing: standing({}, { ...newcomer, accredited: false, maxNonAccredited: 3, nonAccredited: 3 }) }))).toMatch(/no more non-accredited holders \(3 of 3\)/);
    expect(orderBlocker(order({ standing: standing({}, { maxHolding: 6n * E18 }), sharesIn: 2n * E18 }))).toBe(
      'This would take your holding (all your wallets) to 7 shares; the offering allows at most 6.',
    );
    expect(orderBlocker(order({ side: 'sell', standing: standing({}, { minTrade: 10n * E18 }), shares: 9n * E18 }))).toBe(
      "The offering's minimum trade is 10 shares; this order moves 9.",
    );
  });

  it('refuses to sell shares still locked in lots, before anything is sent, and lets the free ones go', () => {
    const locked = standing({}, { holding: 5n * E18, locked: 3n * E18, nextRelease: 1_893_456_000 });
    expect(orderBlocker(order({ side: 'sell', standing: locked, shares: 3n * E18 }))).toBe(
      'Only 2 of your shares can move now; 3 are locked in lots (a Rule 144 holding period or a partial freeze), the next released on 2030-01-01.',
    );
    expect(orderBlocker(order({ side: 'sell', standing: locked, shares: 2n * E18 }))).toBeUndefined();
    // Buying is not affected by lots.
    expect(orderBlocker(order({ side: 'buy', standing: locked, sharesIn: 3n * E18, shares: 3n * E18 }))).toBeUndefined();
  });

  it('puts the first reason first, and says nothing about an empty form', () => {
    expect(orderBlocker(order({ walletBlocker: 'Connect a wallet', paused: true }))).toBe('Connect a wallet');
    expect(orderBlocker(order({ paused: true }))).toBe('Trading in this pool is paused by the venue.');
    expect(orderBlocker(order({ input: undefined, paused: false }))).toBeUndefined();
    expect(orderBlocker(order({ maxIn: 2n, payBalance: 1n, pay: { symbol: 'dUSD', decimals: 6 } }))).toMatch(/^You need up to/);
    expect(orderBlocker(order({ needsConfirmation: true }))).toMatch(/Type "confirm"/);
  });
});
