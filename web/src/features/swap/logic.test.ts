import { describe, expect, it } from 'vitest';
import { getAmount1Delta, getSqrtPriceAtTick } from '../../../../sdk/v4/math.ts';
import { simulateSwap } from '../../../../sdk/v4/swap.ts';
import { largestFill } from './largestFill.ts';
import { snapshotOf } from '../../app/poolFixtures.ts';
import {
  confirmationText, executionPrice, impactLevel, isConfirmed, midPrice, notEnoughLiquidity,
  orderBlocker, priceImpactBps, slippageBound, tradeCosts, tradeKey, type OrderCheck,
} from './logic.ts';
import type { SecurityStanding } from '../eligibility/useEligibility.ts';
import { POOL_PAUSED } from '../../lib/revert.ts';

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

  it('tells the LP fee apart from the price impact', () => {
    // 1,003 dUSD for 40 shares at a mid of $25: 0.3% fee (3.009 dUSD), the rest 999.991 / 40 = $24.9998, below mid.
    const buy = tradeCosts({ side: 'buy', mid: 25, amountIn: 1_003_000_000n, amountOut: 40n * 10n ** 18n, feePips: 3_000, stableDecimals: 6, securityDecimals: 18 });
    expect(buy).toEqual({ fee: 3_009_000n, totalBps: 30, impactBps: 0 });
    // Selling 10 shares for 220 dUSD: the fee is 0.03 shares, and 220 / 9.97 = $22.066 is 11.7% below mid.
    const sell = tradeCosts({ side: 'sell', mid: 25, amountIn: 10n * 10n ** 18n, amountOut: 220_000_000n, feePips: 3_000, stableDecimals: 6, securityDecimals: 18 });
    expect(sell).toEqual({ fee: 3n * 10n ** 16n, totalBps: 1_200, impactBps: 1_174 });
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
    security: '0x0000000000000000000000000000000000000001', poolName: 'ACME-A/dUSD', reason: 'Ok', until: 0, sellReason: 'Ok', sellUntil: 0, lockupEnd: 0, paused: false,
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
    expect(orderBlocker(order({ paused: true }))).toBe(POOL_PAUSED);
    // A pause stops everyone: it is said before the investor's own standing.
    expect(orderBlocker(order({ paused: true, standing: standing({ reason: 'LockupActive', sellReason: 'LockupActive' }) }))).toBe(POOL_PAUSED);
    expect(orderBlocker(order({ paused: true, input: undefined }))).toBe(POOL_PAUSED);
    expect(orderBlocker(order({ input: undefined, paused: false }))).toBeUndefined();
    expect(orderBlocker(order({ maxIn: 2n, payBalance: 1n, pay: { symbol: 'dUSD', decimals: 6 } }))).toMatch(/^You need up to/);
    expect(orderBlocker(order({ unconfirmedBps: 1_234 }))).toBe('This trade is 12.34% worse than the mid price (fee included), more than 10%: type "confirm" to accept it.');
  });
});

describe('the typed confirmation of an extreme price', () => {
  const base = { poolId: '0xpool', side: 'buy', exact: 'in', amount: 40_000_000_000n, quoted: 1_400n * 10n ** 18n, bound: 1_393n * 10n ** 18n } as const;
  const confirmed = { trade: tradeKey(base)!, text: ' Confirm ' };

  it('covers exactly the trade it was typed for', () => {
    expect(isConfirmed(confirmed, tradeKey(base))).toBe(true);
    expect(confirmationText(confirmed, tradeKey(base))).toBe(' Confirm ');
    expect(isConfirmed({ ...confirmed, text: 'confir' }, tradeKey(base))).toBe(false);
    expect(isConfirmed(undefined, tradeKey(base))).toBe(false);
  });

  it('is cleared by any change: amount, side, exact side, pool, quote or bound', () => {
    for (const change of [{ amount: 400_000_000_000n }, { side: 'sell' }, { exact: 'out' }, { poolId: '0xother' }, { quoted: 1_399n * 10n ** 18n }, { bound: 1_300n * 10n ** 18n }] as const) {
      const other = tradeKey({ ...base, ...change });
      expect(other).not.toBe(confirmed.trade);
      expect(isConfirmed(confirmed, other)).toBe(false);
      expect(confirmationText(confirmed, other)).toBe('');
    }
  });

  it('confirms nothing while the quote is unknown', () => {
    expect(tradeKey({ ...base, quoted: undefined })).toBeUndefined();
    expect(isConfirmed(confirmed, undefined)).toBe(false);
  });
});

describe('the largest order a pool fills', () => {
  // One position from tick -600 to 600, the price at tick 0: selling currency0 can take out at most its currency1.
  const L = 10n ** 18n;
  const pool = snapshotOf([{ lower: -600, upper: 600, liquidity: L }], 0);
  const held1 = getAmount1Delta(getSqrtPriceAtTick(-600), getSqrtPriceAtTick(0), L, false);

  it('is what the swap math fills at the price limit, and one unit more is not filled', () => {
    const out = largestFill(pool, true, 'out');
    expect(out).toBe(held1);
    expect(simulateSwap(pool, { zeroForOne: true, amountSpecified: out }).amountOut).toBe(out);
    expect(simulateSwap(pool, { zeroForOne: true, amountSpecified: out + 1n }).amountOut).toBeLessThan(out + 1n);

    const take = largestFill(pool, true, 'in');
    expect(simulateSwap(pool, { zeroForOne: true, amountSpecified: -take }).amountIn).toBe(take);
    expect(simulateSwap(pool, { zeroForOne: true, amountSpecified: -(take + 1n) }).amountIn).toBe(take);
  });

  it('says what fills instead of the revert, with the numbers', () => {
    const acme = { symbol: 'ACME-A', decimals: 18 };
    expect(notEnoughLiquidity('out', 20_000n * 10n ** 18n, 14_321_234_567n * 10n ** 12n, acme)).toBe(
      "The pool's liquidity can't pay out 20,000 ACME-A: the most it would pay out now is 14,321.2345 ACME-A.",
    );
    expect(notEnoughLiquidity('in', 5n * 10n ** 18n, undefined, acme)).toBe("The pool's liquidity can't take 5 ACME-A; working out the largest order it fills now…");
    expect(notEnoughLiquidity('out', 1n, 0n, acme)).toBe('The pool has no liquidity left in this direction: it would pay out nothing now.');
  });
});
