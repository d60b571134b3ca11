import { describe, expect, it } from 'vitest';
import { quoteBoard } from '../../../../script/keeper/quotes/board.ts';
import { midPriceMicros } from '../../../../sdk/v4/price.ts';
import { getAmount0Delta, getAmount1Delta, getSqrtPriceAtTick } from '../../../../sdk/v4/math.ts';
import { simulateSwap } from '../../../../sdk/v4/swap.ts';
import { snapshotOf, type Position } from '../../app/poolFixtures.ts';
import {
  candles,
  chainOrder,
  decimalToUnits,
  depthCurve,
  formatCompact,
  formatFixed,
  liquidityAt,
  liquidityRanges,
  mergeTrades,
  parseBoardResponse,
  parseQuarterInput,
  parseTradePage,
  parseTradeRow,
  poolAmounts,
  poolTvl,
  quarterOf,
  recentTrades,
  reportUrl,
  tradePoints,
  volume24h,
  type Trade,
} from './logic.ts';

const TX = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

/** A row as the keepers' API sends it (bigint columns as strings). */
function row(n: number, over: Record<string, unknown> = {}) {
  return {
    tx_hash: TX(n), log_index: 3, pool_id: '0xpool', pool_name: 'ACME-A/dUSD', investor: '0x00000000000000000000000000000000000000aa',
    side: 'buy', security_amount: '2000000000000000000', stable_amount: '50000000', price: '25.000000', block_number: String(100 + n),
    block_time: String(1_000_000 + n * 60), status: 'final', change_seq: String(n), ...over,
  };
}
const trade = (n: number, over: Record<string, unknown> = {}) => parseTradeRow(row(n, over))!;

describe('trade rows', () => {
  it("parses another investor's tape row (an id; no transaction, block, log or address) and orders it by time", () => {
    const anonymous = (n: number, over: Record<string, unknown> = {}) => {
      const { tx_hash: _t, log_index: _l, block_number: _b, investor: _i, ...rest } = row(n, over);
      return parseTradeRow({ ...rest, id: `tanon${n}`, mine: false })!;
    };
    const other = anonymous(2);
    expect(other).toMatchObject({ key: 'tanon2', txHash: undefined, blockNumber: undefined, logIndex: undefined, investor: undefined, mine: false, blockTime: 1_000_120 });
    const own = parseTradeRow({ ...row(1), id: 'town1', mine: true })!;
    expect(own).toMatchObject({ key: 'town1', mine: true, blockNumber: 101n });
    expect(chainOrder([anonymous(3), other, own]).map((t) => t.key)).toEqual(['town1', 'tanon2', 'tanon3']);
    // A row naming its transaction must place it.
    const { block_number: _b, ...unplaced } = row(4);
    expect(parseTradeRow(unplaced)).toBeUndefined();
  });

  it('parses the API row, strings or numbers, and refuses what is not a trade', () => {
    const t = trade(1);
    expect(t).toMatchObject({ side: 'buy', securityAmount: 2n * 10n ** 18n, stableAmount: 50_000_000n, blockNumber: 101n, blockTime: 1_000_060, changeSeq: 1n });
    expect(parseTradeRow(row(1, { block_number: 101, block_time: 1_000_060, change_seq: 1 }))).toEqual(t);
    expect(parseTradeRow(row(1, { side: 'short' }))).toBeUndefined();
    expect(parseTradeRow(row(1, { stable_amount: '-5' }))).toBeUndefined();
    expect(parseTradeRow({ hello: 'world' })).toBeUndefined();
  });

  it('keeps the latest state of each trade, whatever order the copies arrive in', () => {
    const pending = trade(1, { status: 'pending', change_seq: '10' });
    const final = trade(1, { status: 'final', change_seq: '12' });
    const other = trade(2, { change_seq: '11' });
    const a = mergeTrades(new Map(), [pending, other]);
    const b = mergeTrades(a, [final]);
    expect(b.get(final.key)?.status).toBe('final');
    // A history page fetched before the finalization arrives late: it must not roll the row back to pending.
    const c = mergeTrades(b, [pending]);
    expect(c).toBe(b);
    expect(c.size).toBe(2);
    // Voided by a reorg, then revived in another block: each newer state wins.
    const voided = mergeTrades(c, [trade(1, { status: 'voided', change_seq: '13' })]);
    expect(voided.get(final.key)?.status).toBe('voided');
    const revived = mergeTrades(voided, [trade(1, { status: 'pending', change_seq: '14', block_number: '150' })]);
    expect(revived.get(final.key)).toMatchObject({ status: 'pending', blockNumber: 150n });
  });

  it('lists the newest trades first and keeps voided ones visible there', () => {
    const list = recentTrades([trade(1), trade(3, { status: 'voided' }), trade(2)], 2);
    expect(list.map((t) => [t.blockNumber, t.status])).toEqual([[103n, 'voided'], [102n, 'final']]);
  });
});

describe('price chart and volume', () => {
  it('buckets trades into OHLC candles in chain order and leaves voided trades out', () => {
    const t = (n: number, time: number, price: string, stable: string, over: Record<string, unknown> = {}) =>
      trade(n, { block_time: String(time), block_number: String(n), price, stable_amount: stable, ...over });
    const trades = [
      t(3, 1_200, '26.000000', '2000000'),
      t(1, 1_000, '25.000000', '1000000'),
      t(2, 1_100, '24.500000', '3000000'),
      t(4, 1_250, '99.000000', '1000000', { status: 'voided' }),
      t(5, 1_500, '25.500000', '500000'),
    ];
    const c = candles(trades, 300);
    expect(c.map((x) => x.time)).toEqual([900, 1_200, 1_500]);
    expect(c[0]).toEqual({ time: 900, open: 25, high: 25, low: 24.5, close: 24.5, volume: 4, trades: 2 });
    expect(c[1]).toEqual({ time: 1_200, open: 26, high: 26, low: 26, close: 26, volume: 2, trades: 1 });
    expect(c[2]).toMatchObject({ open: 25.5, close: 25.5, trades: 1 });
  });

  it('gives the line one point per second, the last trade of that second', () => {
    const same = [
      trade(1, { block_time: '50', price: '25.000000', stable_amount: '1000000' }),
      trade(2, { block_time: '50', price: '25.100000', stable_amount: '2500000' }),
      trade(4, { block_time: '51', price: '30.000000', status: 'voided' }),
      trade(3, { block_time: '51', price: '25.200000', stable_amount: '500000' }),
    ];
    expect(tradePoints(same)).toEqual([{ time: 50, value: 25.1, volume: 3.5 }, { time: 51, value: 25.2, volume: 0.5 }]);
  });

  it('sums 24h volume of final and pending trades of the last day of chain time, exactly', () => {
    const now = 2_000_000;
    const trades = [
      trade(1, { block_time: String(now - 86_400), stable_amount: '1' }), // exactly a day old: out
      trade(2, { block_time: String(now - 86_399), stable_amount: '1000000000000000000000001' }),
      trade(3, { block_time: String(now - 10), stable_amount: '2', status: 'pending' }),
      trade(4, { block_time: String(now - 5), stable_amount: '7', status: 'voided' }),
    ];
    expect(volume24h(trades, now)).toEqual({ stable: 1_000_000_000_000_000_000_000_003n, count: 2 });
    expect(volume24h([], now)).toEqual({ stable: 0n, count: 0 });
  });
});

/** What one position would pay out on withdrawal at this price (v4's Pool.modifyLiquidity). */
function positionAmounts(p: Position, s: { tick: number; sqrtPriceX96: bigint }) {
  const a = getSqrtPriceAtTick(p.lower);
  const b = getSqrtPriceAtTick(p.upper);
  if (s.tick < p.lower) return { amount0: getAmount0Delta(a, b, p.liquidity, false), amount1: 0n };
  if (s.tick >= p.upper) return { amount0: 0n, amount1: getAmount1Delta(a, b, p.liquidity, false) };
  return { amount0: getAmount0Delta(s.sqrtPriceX96, b, p.liquidity, false), amount1: getAmount1Delta(a, s.sqrtPriceX96, p.liquidity, false) };
}

const POSITIONS: Position[] = [
  { lower: -6_000, upper: 6_000, liquidity: 10n ** 21n },
  { lower: -600, upper: 1_200, liquidity: 3n * 10n ** 21n },
  { lower: 1_800, upper: 3_000, liquidity: 5n * 10n ** 20n }, // above the price: currency0 only
  { lower: -3_000, upper: -1_200, liquidity: 7n * 10n ** 20n }, // below: currency1 only
  { lower: -600, upper: 600, liquidity: 2n * 10n ** 20n }, // shares a tick with another
];

describe('value locked, integrated over the liquidity ranges', () => {
  it('splits overlapping positions into disjoint ranges whose active liquidity matches the pool', () => {
    const s = snapshotOf(POSITIONS, 120);
    const ranges = liquidityRanges(s.liquidityNet);
    expect(ranges.map((r) => [r.lower, r.upper])).toEqual([
      [-6_000, -3_000], [-3_000, -1_200], [-1_200, -600], [-600, 600], [600, 1_200], [1_200, 1_800], [1_800, 3_000], [3_000, 6_000],
    ]);
    expect(liquidityAt(ranges, s.tick)).toBe(s.liquidity);
    expect(liquidityAt(ranges, -2_000)).toBe(17n * 10n ** 20n);
    expect(liquidityAt(ranges, 7_000)).toBe(0n);
  });

  it('equals the sum of what every position would withdraw, within a wei per range', () => {
    for (const tick of [-7_000, -3_000, -1_201, 0, 120, 599, 600, 2_999, 9_000]) {
      const s = snapshotOf(POSITIONS, tick);
      const got = poolAmounts(s);
      const want = POSITIONS.map((p) => positionAmounts(p, s)).reduce((t, a) => ({ amount0: t.amount0 + a.amount0, amount1: t.amount1 + a.amount1 }));
      // Integrating by range rounds once per range instead of once per position: a few wei apart at most.
      expect(got.amount0 - want.amount0 <= 8n && want.amount0 - got.amount0 <= 8n, `amount0 at ${tick}`).toBe(true);
      expect(got.amount1 - want.amount1 <= 8n && want.amount1 - got.amount1 <= 8n, `amount1 at ${tick}`).toBe(true);
      if (tick < -6_000) expect(got.amount1).toBe(0n);
      if (tick >= 6_000) expect(got.amount0).toBe(0n);
    }
  });

  it('agrees with the closed form L(1/sqrt(p) - 1/sqrt(pb)), L(sqrt(p) - sqrt(pa)) of a single position', () => {
    const p = { lower: -600, upper: 900, liquidity: 10n ** 24n };
    const { amount0, amount1 } = poolAmounts(snapshotOf([p], 100));
    const sq = (t: number) => Math.pow(1.0001, t / 2);
    expect(Number(amount0) / (1e24 * (1 / sq(100) - 1 / sq(900)))).toBeCloseTo(1, 6);
    expect(Number(amount1) / (1e24 * (sq(100) - sq(-600)))).toBeCloseTo(1, 6);
  });

  it('moves by exactly what a swap puts in (less its fee, which is not liquidity) and takes out', () => {
    const before = snapshotOf(POSITIONS, 120);
    const swap = simulateSwap(before, { zeroForOne: true, amountSpecified: -(3n * 10n ** 20n) }); // sell 300 units of currency0
    const after = { ...before, sqrtPriceX96: swap.sqrtPriceX96, tick: swap.tick };
    expect(swap.ticksCrossed).toBeGreaterThan(0); // crosses at least one range boundary
    const a = poolAmounts(before);
    const b = poolAmounts(after);
    const in0 = b.amount0 - a.amount0;
    const out1 = a.amount1 - b.amount1;
    expect(in0 - (swap.amountIn - swap.feeAmount)).toBeGreaterThanOrEqual(-8n);
    expect(in0 - (swap.amountIn - swap.feeAmount)).toBeLessThanOrEqual(8n);
    expect(out1 - swap.amountOut).toBeGreaterThanOrEqual(-8n);
    expect(out1 - swap.amountOut).toBeLessThanOrEqual(8n);
  });

  it('values the shares at the mid price, security as currency0 or currency1', () => {
    // $25 a share: raw stable per raw share = 25e6 / 1e18.
    const tick = Math.round(Math.log(25e6 / 1e18) / Math.log(1.0001));
    const asSecurity0 = snapshotOf([{ lower: tick - 600, upper: tick + 600, liquidity: 10n ** 16n }], tick, 1);
    const mid0 = Number(midPriceMicros(asSecurity0.sqrtPriceX96, true)) / 1e6;
    expect(mid0).toBeCloseTo(25, 2);
    const tvl0 = poolTvl(asSecurity0, true);
    // Independently in floats: the shares at $25 (raw: 25e6 per 1e18).
    expect(Number(tvl0.value) / (Number(tvl0.stable) + (Number(tvl0.shares) * mid0) / 1e12)).toBeCloseTo(1, 6);
    // A symmetric range around the price holds about equal value on each side.
    expect(Number(tvl0.value - tvl0.stable) / Number(tvl0.stable)).toBeCloseTo(1, 1);

    const asSecurity1 = snapshotOf([{ lower: -tick - 600, upper: -tick + 600, liquidity: 10n ** 16n }], -tick, 1);
    expect(Number(midPriceMicros(asSecurity1.sqrtPriceX96, false)) / 1e6).toBeCloseTo(25, 2);
    const tvl1 = poolTvl(asSecurity1, false);
    expect(Number(tvl1.value - tvl1.stable) / Number(tvl1.stable)).toBeCloseTo(1, 1);
    expect(Number(tvl1.value) / Number(tvl0.value)).toBeCloseTo(1, 2);
  });
});

describe('depth', () => {
  it('grows with distance from mid and agrees with the quote keeper board at 1% and 5%', () => {
    const s = snapshotOf(POSITIONS, 120);
    for (const securityIs0 of [true, false]) {
      const { asks, bids } = depthCurve(s, securityIs0, [50, 100, 200, 500]);
      for (const side of [asks, bids]) {
        for (let i = 1; i < side.length; i++) expect(side[i].stable).toBeGreaterThan(side[i - 1].stable);
      }
      const board = quoteBoard(s, securityIs0, []);
      expect(asks[1].stable.toString()).toBe(board.depth.up1);
      expect(asks[3].stable.toString()).toBe(board.depth.up5);
      expect(bids[1].shares.toString()).toBe(board.depth.down1);
      expect(bids[3].shares.toString()).toBe(board.depth.down5);
    }
  });

  it('is zero on a side with no liquidity', () => {
    // All the liquidity is below the price: pushing the share price up (security is currency0: the raw price up) finds
    // nothing, and pushing it down finds liquidity only past 12%.
    const s = snapshotOf([{ lower: -3_000, upper: -1_200, liquidity: 10n ** 20n }], 0);
    const { asks, bids } = depthCurve(s, true, [100, 1_000, 2_000]);
    expect(asks.map((a) => a.stable)).toEqual([0n, 0n, 0n]);
    expect(bids.map((b) => b.stable > 0n)).toEqual([false, false, true]);
  });
});

describe('keeper responses', () => {
  it('reads the quote board the keeper writes, as the API returns it', () => {
    const s = snapshotOf(POSITIONS, 120);
    const board = quoteBoard(s, false, [1_000, 10_000]);
    // What /quotes/latest sends: the ledger row, JSON columns as stored (bigints as strings).
    const response = JSON.parse(JSON.stringify({
      items: [{ pool_id: '0xpool', block_number: '73', block_time: '1760000000', mid_price: board.mid, sqrt_price_x96: s.sqrtPriceX96.toString(), tick: 120,
        ladder: board.ladder, depth: board.depth, cross_check: { size: 10_000, side: 'buy', checked: true, ok: true, v4Quoter: board.ladder[1].buy!.shares } }],
    }));
    const parsed = parseBoardResponse(response)!;
    expect(parsed.blockNumber).toBe(73n);
    expect(parsed.mid).toBe(board.mid);
    expect(parsed.ladder.map((r) => r.size)).toEqual([1_000, 10_000]);
    expect(parsed.ladder[1].buy!.shares).toBe(BigInt(board.ladder[1].buy!.shares));
    expect(parsed.depth.up1).toBe(BigInt(board.depth.up1));
    expect(parsed.crossCheck).toEqual({ size: 10_000, checked: true, ok: true, v4Quoter: board.ladder[1].buy!.shares });
    expect(parseBoardResponse({ items: [] })).toBeNull();
    expect(() => parseBoardResponse({ items: [{ ...response.items[0], ladder: [{ size: 1 }] }] })).toThrow(/doesn't understand/);
    expect(() => parseBoardResponse({ error: 'x' })).toThrow(/doesn't understand/);
  });

  it('reads a trades page, skipping rows it can\'t read but never a malformed page', () => {
    const page = parseTradePage({ items: [row(1), { junk: true }, row(2)], nextCursor: 'abc' });
    expect(page.trades.map((t) => t.blockNumber)).toEqual([101n, 102n]);
    expect(page.nextCursor).toBe('abc');
    expect(parseTradePage({ items: [], nextCursor: null })).toEqual({ trades: [], nextCursor: null });
    expect(() => parseTradePage({ items: 'no' })).toThrow();
  });
});

describe('reports', () => {
  const now = Date.UTC(2026, 7, 15) / 1000; // 2026-08-15: Q3

  it('finds the quarter of a date', () => {
    expect(quarterOf(now)).toBe('2026Q3');
    expect(quarterOf(Date.UTC(2026, 0, 1) / 1000)).toBe('2026Q1');
    expect(quarterOf(Date.UTC(2026, 11, 31, 23, 59) / 1000)).toBe('2026Q4');
  });

  it('accepts YYYYQn up to the current quarter and names every other problem', () => {
    expect(parseQuarterInput(' 2026q3 ', now)).toEqual({ ok: true, value: '2026Q3' });
    expect(parseQuarterInput('2025Q4', now)).toEqual({ ok: true, value: '2025Q4' });
    expect(parseQuarterInput('', now)).toMatchObject({ ok: false, error: expect.stringMatching(/Enter a quarter/) });
    expect(parseQuarterInput('2026-Q3', now)).toMatchObject({ ok: false, error: expect.stringMatching(/Not a quarter/) });
    expect(parseQuarterInput('26Q3', now)).toMatchObject({ ok: false, error: expect.stringMatching(/Not a quarter/) });
    expect(parseQuarterInput('2026Q5', now)).toMatchObject({ ok: false, error: 'The quarter must be 1 to 4' });
    expect(parseQuarterInput('2026Q0', now)).toMatchObject({ ok: false, error: 'The quarter must be 1 to 4' });
    expect(parseQuarterInput('2026Q4', now)).toMatchObject({ ok: false, error: expect.stringMatching(/hasn't started yet/) });
    expect(parseQuarterInput('1999Q4', now)).toMatchObject({ ok: false });
  });

  it('builds report links on the API base, with or without a trailing slash', () => {
    expect(reportUrl('http://127.0.0.1:8787/', '2026Q3', 'csv')).toBe('http://127.0.0.1:8787/reports/quarterly?quarter=2026Q3&format=csv');
    expect(reportUrl('https://api.example/keepers', '2026Q1', 'html')).toBe('https://api.example/keepers/reports/quarterly?quarter=2026Q1&format=html');
  });
});

describe('formatting', () => {
  it('prints fixed decimals, rounded down, grouped', () => {
    expect(formatFixed(25_123_456n, 6, 2)).toBe('25.12');
    expect(formatFixed(1_234_567_890_000n, 6, 2)).toBe('1,234,567.89');
    expect(formatFixed(5n, 0, 2)).toBe('5.00');
    expect(formatFixed(-1_500_000n, 6, 1)).toBe('-1.5');
    expect([0.5, 999.994, 8_205.94, 351_012, 2_500_000, 7.1e9].map(formatCompact)).toEqual(['0.50', '999.99', '8.2K', '351.0K', '2.50M', '7.10B']);
    expect(decimalToUnits('25.123456', 6)).toBe(25_123_456n);
    expect(decimalToUnits('25.1', 6)).toBe(25_100_000n);
    expect(decimalToUnits('7', 6)).toBe(7_000_000n);
    expect(decimalToUnits('0.12345678', 6)).toBe(123_456n);
  });
});

// Keeps the Trade type honest against the test rows (a compile-time check).
const _typed: Trade = trade(1);
void _typed;
