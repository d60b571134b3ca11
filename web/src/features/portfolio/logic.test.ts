import { describe, expect, it } from 'vitest';
import type { Trade } from '../market/logic.ts';
import { applyTrade, averageCost, costBasis, holdingOf, lockupSentence, lotRows, midPrice, pnlTone, sharesInPosition, unrealized } from './logic.ts';

const SHARE = 10n ** 18n;
const USD = 10n ** 6n;
const ACME = '0xaaaa';
const HSREF = '0xbbbb';
let block = 0n;

/** A trade of `shares` whole shares for `usd` whole dUSD (fees included, as the swap's deltas are). */
function trade(side: 'buy' | 'sell', shares: bigint, usd: bigint, over: Partial<Trade> = {}): Trade {
  block += 1n;
  return {
    key: `k${block}`, poolId: ACME, mine: true, side, securityAmount: shares * SHARE, stableAmount: usd * USD, price: '0',
    blockNumber: block, logIndex: 0, blockTime: Number(block), status: 'final', changeSeq: block, ...over,
  };
}

const basisOf = (trades: Trade[], pool = ACME) => costBasis(trades).get(pool)!;

describe('costBasis (average cost)', () => {
  it('several buys at different prices add quantity and cost; the average is cost over quantity', () => {
    const b = basisOf([trade('buy', 10n, 100n), trade('buy', 30n, 600n)]);
    expect(b).toMatchObject({ quantity: 40n * SHARE, cost: 700n * USD, realized: 0n, buys: 2, sells: 0 });
    expect(averageCost(b)).toBe(17_500_000n); // 17.50 dUSD a share
  });

  it('a partial sell realizes (price − average cost) × quantity and takes cost off pro rata', () => {
    // Average 17.50; 10 sold at 20.00: +25.00 realized, cost 700 − 175 = 525 for the 30 left, average unchanged.
    const b = basisOf([trade('buy', 10n, 100n), trade('buy', 30n, 600n), trade('sell', 10n, 200n)]);
    expect(b).toMatchObject({ quantity: 30n * SHARE, cost: 525n * USD, realized: 25n * USD, uncovered: 0n, sells: 1 });
    expect(averageCost(b)).toBe(17_500_000n);
  });

  it('a sell below the average cost realizes a loss', () => {
    const b = basisOf([trade('buy', 4n, 40n), trade('sell', 1n, 7n)]);
    expect(b.realized).toBe(-3n * USD);
    expect(b.cost).toBe(30n * USD);
  });

  it('a sell of everything leaves no quantity and no cost, and the whole gain realized; a later buy starts a new average', () => {
    const all = basisOf([trade('buy', 10n, 100n), trade('buy', 10n, 300n), trade('sell', 20n, 500n)]);
    expect(all).toMatchObject({ quantity: 0n, cost: 0n, realized: 100n * USD });
    expect(averageCost(all)).toBeUndefined();
    const again = basisOf([trade('buy', 10n, 100n), trade('buy', 10n, 300n), trade('sell', 20n, 500n), trade('buy', 5n, 60n)]);
    expect(again).toMatchObject({ quantity: 5n * SHARE, cost: 60n * USD, realized: 100n * USD });
    expect(averageCost(again)).toBe(12n * USD);
  });

  it('fees are in the amounts: a buy costs what was paid with the fee, a sell realizes what was received after it', () => {
    // 0.30% fee: 1,003 dUSD paid for 100 shares worth 1,000 at mid; selling them back at mid nets 997.
    const b = basisOf([trade('buy', 100n, 1_003n), trade('sell', 100n, 997n)]);
    expect(b.realized).toBe(-6n * USD);
  });

  it('keeps several securities apart, never summing them', () => {
    const m = costBasis([trade('buy', 10n, 100n), trade('buy', 1n, 500n, { poolId: HSREF }), trade('sell', 5n, 100n), trade('sell', 1n, 400n, { poolId: HSREF })]);
    expect(m.get(ACME)).toMatchObject({ quantity: 5n * SHARE, cost: 50n * USD, realized: 50n * USD });
    expect(m.get(HSREF)).toMatchObject({ quantity: 0n, cost: 0n, realized: -100n * USD });
    expect(m.size).toBe(2);
  });

  it('applies trades in chain order whatever order they arrive in, and leaves voided trades out', () => {
    const buy = trade('buy', 10n, 100n);
    const sell = trade('sell', 10n, 150n);
    const voided = trade('buy', 10n, 1_000n, { status: 'voided' });
    expect(basisOf([sell, voided, buy])).toMatchObject({ quantity: 0n, cost: 0n, realized: 50n * USD, buys: 1, sells: 1 });
  });

  it('a sell of more than the trades bought realizes only the covered shares and counts the rest as uncovered', () => {
    // 10 bought for 100; 20 sold for 400: 10 covered (proceeds 200, cost 100), 10 of unknown cost.
    const b = basisOf([trade('buy', 10n, 100n), trade('sell', 20n, 400n)]);
    expect(b).toMatchObject({ quantity: 0n, cost: 0n, realized: 100n * USD, uncovered: 10n * SHARE });
    expect(applyTrade(b, 'sell', 5n * SHARE, 50n * USD)).toMatchObject({ realized: 100n * USD, uncovered: 15n * SHARE, sells: 2 });
  });

  it('rounds pro-rata cost down, so the cost left is never more than was paid', () => {
    const b = basisOf([trade('buy', 3n, 10n), trade('sell', 1n, 4n)]);
    expect(b.cost).toBe(6_666_667n);
    expect(b.realized).toBe(4n * USD - 3_333_333n);
  });
});

// sqrtPriceX96 of a pool whose currency0 is the security (18 decimals) and currency1 dUSD (6): price p dUSD a share is
// a raw ratio of p × 1e-12, so sqrt = sqrt(p) × 1e-6 × 2^96. At p = 25 that is exactly 5e-6 × 2^96.
const Q96 = 1n << 96n;
const sqrt25 = (5n * Q96) / 1_000_000n;

describe('valuation at the mid', () => {
  it('the mid and the unrealized P&L of the remaining shares', () => {
    const mid = midPrice(sqrt25, true);
    expect(mid).toBeGreaterThanOrEqual(24_999_999n);
    expect(mid).toBeLessThanOrEqual(25n * USD);
    const b = basisOf([trade('buy', 10n, 200n)]);
    const u = unrealized(b, sqrt25, true);
    expect(u).toBeGreaterThan(49_999_990n);
    expect(u).toBeLessThanOrEqual(50n * USD);
  });

  it('a holding adds every wallet and the security side of the positions in its pool only', () => {
    const pool = { poolId: 'p', security: ACME, currency0: ACME };
    const flipped = { poolId: 'q', security: ACME, currency0: '0x0000' };
    const other = { poolId: 'h', security: HSREF, currency0: HSREF };
    const positions = [
      { pool, principal: { amount0: 2n * SHARE, amount1: 9n * USD } },
      { pool: flipped, principal: { amount0: 7n * USD, amount1: 3n * SHARE } },
      { pool: other, principal: { amount0: 100n * SHARE, amount1: 0n } },
    ];
    expect(sharesInPosition(positions[1])).toBe(3n * SHARE);
    const h = holdingOf(ACME, [1n * SHARE, 4n * SHARE], positions, sqrt25, true);
    expect(h).toMatchObject({ wallets: 5n * SHARE, inPositions: 5n * SHARE, positions: 2, total: 10n * SHARE });
    expect(h.value).toBeGreaterThan(249_999_990n);
    expect(h.value).toBeLessThanOrEqual(250n * USD);
  });

  it('nothing held is worth nothing', () => {
    expect(holdingOf(ACME, [], [], sqrt25, true)).toEqual({ wallets: 0n, inPositions: 0n, positions: 0, total: 0n, value: 0n });
  });
});

describe('lots and lockups', () => {
  it('lists lots in release order with their reason and whether released', () => {
    const rows = lotRows([{ amount: 5n, releaseAt: 300, kind: 2 }, { amount: 7n, releaseAt: 100, kind: 0 }, { amount: 1n, releaseAt: 200, kind: 1 }], 200);
    expect(rows).toEqual([
      { amount: 7n, releaseAt: 100, why: 'Rule 144 holding period', released: true },
      { amount: 1n, releaseAt: 200, why: 'bought from an affiliate', released: true },
      { amount: 5n, releaseAt: 300, why: 'partial freeze', released: false },
    ]);
  });

  it('says whether a lockup applies, ended, or runs until a date', () => {
    const date = (s: number) => `day ${s}`;
    expect(lockupSentence(0, 50, date)).toBe('No lockup applies.');
    expect(lockupSentence(40, 50, date)).toBe('The lockup ended on day 40.');
    expect(lockupSentence(60, 50, date)).toBe('In lockup until day 60.');
  });

  it('a gain is good, a loss bad, zero neither', () => {
    expect([pnlTone(1n), pnlTone(-1n), pnlTone(0n)]).toEqual(['good', 'bad', undefined]);
  });
});
