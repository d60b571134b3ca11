import { describe, expect, it } from 'vitest';
import { parseTradeRow, type Trade } from '../market/logic.ts';
import { confirmationLinks, filterHistory, historyCsv, historyRows, parseLiquidityPage, statementLink, statementPeriods } from './history.ts';

const tx = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const POOL_A = `0x${'a'.repeat(64)}`;
const POOL_B = `0x${'b'.repeat(64)}`;
const trade = (n: number, side: 'buy' | 'sell', status = 'final', pool = POOL_A): Trade =>
  parseTradeRow({ tx_hash: tx(n), log_index: 1, pool_id: pool, investor: '0x1', side, security_amount: '1500000000000000000', stable_amount: '37500000', price: '25', block_number: String(n), block_time: String(1_790_000_000 + n), status, change_seq: '1' })!;
const liquidityRow = (n: number, delta: string, status = 'final') => ({ tx_hash: tx(n), log_index: 0, pool_id: POOL_B, investor: '0x1', tick_lower: -600, tick_upper: 600, liquidity_delta: delta, block_number: String(n), block_time: String(1_790_000_000 + n), status });

describe('history', () => {
  const liquidity = parseLiquidityPage({ items: [liquidityRow(2, '1000'), liquidityRow(5, '-400'), liquidityRow(6, '7', 'voided'), { junk: true }], nextCursor: null }).events;
  const rows = historyRows([trade(1, 'buy'), trade(4, 'sell', 'pending', POOL_B), trade(3, 'buy', 'voided')], liquidity);

  it('merges trades and liquidity events newest first, leaving out what a reorganization voided', () => {
    expect(rows.map((r) => [Number(r.blockNumber), r.kind, r.status])).toEqual([[5, 'remove', 'final'], [4, 'sell', 'pending'], [2, 'add', 'final'], [1, 'buy', 'final']]);
    expect(rows[0]).toMatchObject({ liquidity: 400n, range: [-600, 600] });
  });

  it('filters by kind (or all trades, all liquidity) and by pool', () => {
    expect(filterHistory(rows, { kind: 'trades', poolId: 'all' }).map((r) => r.kind)).toEqual(['sell', 'buy']);
    expect(filterHistory(rows, { kind: 'liquidity', poolId: 'all' }).map((r) => r.kind)).toEqual(['remove', 'add']);
    expect(filterHistory(rows, { kind: 'all', poolId: POOL_B.toUpperCase().replace('0X', '0x') }).map((r) => r.kind)).toEqual(['remove', 'sell', 'add']);
    expect(filterHistory(rows, { kind: 'buy', poolId: POOL_B })).toEqual([]);
  });

  it('exports CSV with exact amounts and "you" as the investor', () => {
    const csv = historyCsv(rows, (id) => (id === POOL_A ? 'ACME-A/dUSD' : 'HSREF/dUSD')).split('\n');
    expect(csv[0]).toBe('time,investor,action,pool,shares,stablecoin,price,liquidity,tick range,status,transaction,log index');
    expect(csv[4]).toBe(`${new Date((1_790_000_000 + 1) * 1000).toISOString()},you,Bought,ACME-A/dUSD,1.5,37.5,25,,,final,${tx(1)},1`);
    expect(csv[1]).toContain(',you,Removed liquidity,HSREF/dUSD,,,,400,-600..600,final,');
    expect(csv.join('\n')).not.toContain('0x1,');
  });

  it('links each trade to its confirmation, as a page and a PDF', () => {
    expect(confirmationLinks('http://api/', tx(1), 3)).toEqual({ html: `http://api/trades/confirmation?tx=${tx(1)}&log=3&format=html`, pdf: `http://api/trades/confirmation?tx=${tx(1)}&log=3&format=pdf` });
  });
});

describe('statementPeriods', () => {
  const now = Date.UTC(2026, 11, 4, 12) / 1000; // 4 December 2026

  it('offers this month and the eleven before, and this quarter and the three before, in whole UTC days', () => {
    const periods = statementPeriods(now);
    const months = periods.filter((p) => p.kind === 'month');
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ kind: 'month', label: 'December 2026', from: '2026-12-01', to: '2026-12-31' });
    expect(months[10]).toEqual({ kind: 'month', label: 'February 2026', from: '2026-02-01', to: '2026-02-28' });
    expect(months[11].label).toBe('January 2026');
    expect(periods.filter((p) => p.kind === 'quarter').map((p) => `${p.label} ${p.from}..${p.to}`)).toEqual([
      '2026 Q4 2026-10-01..2026-12-31', '2026 Q3 2026-07-01..2026-09-30', '2026 Q2 2026-04-01..2026-06-30', '2026 Q1 2026-01-01..2026-03-31',
    ]);
  });

  it('starts at the first trade, crossing a year boundary correctly', () => {
    const periods = statementPeriods(Date.UTC(2027, 0, 10) / 1000, Date.UTC(2026, 10, 20) / 1000);
    expect(periods.map((p) => p.label)).toEqual(['January 2027', 'December 2026', 'November 2026', '2027 Q1', '2026 Q4']);
    expect(statementLink('http://api', periods[0], 'pdf')).toBe('http://api/reports/statement?from=2027-01-01&to=2027-01-31&format=pdf');
  });
});
