import { describe, expect, it } from 'vitest';
import { readPdf } from '../../../test/utils/pdf.ts';
import { formatUnits, parseDays, parseQuarter, renderQuarterly, renderStatement, statementTotals, type QuarterlyReport } from './reports.ts';

describe('periods', () => {
  it('reads quarters as UTC calendar quarters', () => {
    expect(parseQuarter('2026Q3')).toEqual({ label: '2026Q3', from: Date.UTC(2026, 6, 1) / 1000, to: Date.UTC(2026, 9, 1) / 1000 });
    expect(parseQuarter('2026Q4').to).toBe(Date.UTC(2027, 0, 1) / 1000);
  });

  it('names malformed input', () => {
    expect(() => parseQuarter('2026-Q3')).toThrow(/quarter must look like 2026Q3/);
    expect(() => parseDays('2026-07-01', 'soon')).toThrow(/--to must be a calendar date/);
    expect(() => parseDays('2026-07-02', '2026-07-01')).toThrow(/must not be before/);
  });

  it('refuses days that do not exist and years before 1970, instead of rolling them over', () => {
    expect(() => parseDays('2026-02-30', '2026-03-31')).toThrow(/--from must be a calendar date like 2026-07-01 \(got "2026-02-30"\)/);
    expect(() => parseDays('2026-01-01', '2026-13-01')).toThrow(/--to must be a calendar date/);
    expect(() => parseQuarter('0000Q1')).toThrow(/quarter must be in 1970 or later/);
    expect(() => parseDays('1900-01-01', '1900-01-02')).toThrow(/--from must be in 1970 or later/);
    expect(parseDays('2028-02-29', '2028-02-29').from).toBe(Date.UTC(2028, 1, 29) / 1000);
  });

  it('includes the whole last day', () => {
    const p = parseDays('2026-07-01', '2026-07-01');
    expect(p.to - p.from).toBe(86_400);
  });
});

describe('formatUnits', () => {
  it('is exact and trims trailing zeros', () => {
    expect(formatUnits(1_500_000n, 6)).toBe('1.5');
    expect(formatUnits('123456789012345678901', 18)).toBe('123.456789012345678901');
    expect(formatUnits(0n, 18)).toBe('0');
    expect(formatUnits(-5n, 1)).toBe('-0.5');
  });
});

describe('renderStatement', () => {
  const st = {
    chainId: 31337,
    investor: '0x1',
    period: parseQuarter('2026Q4'),
    trades: [
      { time: '2026-10-02T10:00:00.000Z', txHash: '0xaa', pool: 'ACME-A/dUSD', side: 'buy', shares: '2.5', notional: '62.5', price: '25', status: 'final' },
      { time: '2026-10-03T10:00:00.000Z', txHash: '0xbb', pool: 'ACME-A/dUSD', side: 'sell', shares: '1', notional: '26.1', price: '26.1', status: 'final' },
      { time: '2026-11-01T10:00:00.000Z', txHash: '0xcc', pool: 'HSREF/dUSD', side: 'buy', shares: '0.000000000000000001', notional: '0.000001', price: '1', status: 'pending' },
    ],
  };

  it('adds each pool\'s trades up exactly, never across pools', () => {
    expect(statementTotals(st)).toEqual([
      { pool: 'ACME-A/dUSD', trades: 2, bought: '2.5', sold: '1', paid: '62.5', received: '26.1' },
      { pool: 'HSREF/dUSD', trades: 1, bought: '0.000000000000000001', sold: '0', paid: '0.000001', received: '0' },
    ]);
  });

  it('writes CSV, HTML and a PDF a reader accepts, each with the trades and totals', () => {
    expect(renderStatement(st, 'csv')).toMatch(/^# Accredex statement for 0x1, 2026Q4, chain 31337\ntime,tx,pool/);
    const html = renderStatement(st, 'html') as string;
    expect(html).toContain('<td>ACME-A/dUSD</td><td>2</td><td>2.5</td><td>62.5</td><td>1</td><td>26.1</td>');
    const pdf = readPdf(renderStatement(st, 'pdf') as Uint8Array);
    expect(pdf.title).toBe('Accredex statement for 0x1, 2026Q4, chain 31337');
    expect(pdf.text).toContain('ACME-A/dUSD: 2 trade(s); bought 2.5 shares for 62.5 stablecoin; sold 1 shares for 26.1 stablecoin');
    expect(pdf.text).toContain('Sold 1 shares in ACME-A/dUSD at 26.1 for 26.1 stablecoin (final); tx 0xbb');
  });

  it('says when a period has no trades', () => {
    const empty = { ...st, trades: [] };
    expect(readPdf(renderStatement(empty, 'pdf') as Uint8Array).text).toContain('No trades in this period.');
    expect(renderStatement(empty, 'html')).toContain('<p>No trades in this period.</p>');
  });
});

describe('renderQuarterly', () => {
  const report: QuarterlyReport = {
    venue: 'Accredex',
    chainId: 31337,
    period: parseQuarter('2026Q4'),
    generatedAt: '2026-12-04T02:00:00.000Z',
    pendingExcluded: 1,
    securities: [
      { security: '0xabc', name: 'Acme Robotics Series A Preferred', symbol: 'ACME-A', pools: ['ACME-A/dUSD'], trades: 2, shares: '3.5', notional: '87.5', uniqueInvestors: 1, feesStable: '0.15', feesShares: '0.0045' },
      { security: '0x123', name: null, symbol: null, pools: ['HSREF/dUSD'], trades: 1, shares: '1', notional: '100', uniqueInvestors: 1, feesStable: '0.3', feesShares: '0' },
    ],
    total: { trades: 3, notional: '187.5', uniqueInvestors: 1, feesStable: '0.45' },
    participants: [{ identity: '42', wallets: ['0xdef', '0xfed'], security: '0xabc', symbol: 'ACME-A', trades: 2, shares: '3.5', notional: '87.5' }],
  };

  it('names the venue, the period and when it was made, each security with its identifier, and each participant by identity', () => {
    const csv = renderQuarterly(report, 'csv');
    expect(csv).toMatch(/^# Accredex quarterly report \(Form ATS-R figures\) 2026Q4, chain 31337, generated 2026-12-04T02:00:00.000Z; final trades only \(1 pending excluded\)/);
    expect(csv).toContain('ACME-A (Acme Robotics Series A Preferred),0xabc,ACME-A/dUSD,2,3.5,87.5,1,0.15,0.0045');
    // A security whose name was not read is named by its address.
    expect(csv).toContain('0x123,0x123,HSREF/dUSD,1,1,100,1,0.3,0');
    expect(csv).toContain('42,0xdef 0xfed,ACME-A,2,3.5,87.5');
  });

  it('never adds shares of different securities together', () => {
    const csv = renderQuarterly(report, 'csv');
    expect(csv).toContain('all securities,,,3,,187.5,1,0.45,');
    expect(csv).not.toContain('4.5');
    expect(report.total).not.toHaveProperty('shares');
  });

  it('escapes HTML', () => {
    const html = renderQuarterly({ ...report, securities: [{ ...report.securities[0], pools: ['<script>'] }] }, 'html');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });
});
