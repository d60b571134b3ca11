import { describe, expect, it } from 'vitest';
import { formatAmount, formatDuration, parseAddress, parseAmount, parseDate, parseMinutes, parsePercent } from './amount.ts';

describe('parseAmount', () => {
  it('reads decimals exactly, without floating point', () => {
    expect(parseAmount('1.5', 6)).toEqual({ ok: true, value: 1_500_000n });
    expect(parseAmount('0.000001', 6)).toEqual({ ok: true, value: 1n });
    expect(parseAmount('1,234.5', 6)).toEqual({ ok: true, value: 1_234_500_000n });
    expect(parseAmount('.5', 18)).toEqual({ ok: true, value: 5n * 10n ** 17n });
    expect(parseAmount('123456789012345678901234567890', 18)).toEqual({ ok: true, value: 123456789012345678901234567890n * 10n ** 18n });
  });

  it('names each problem', () => {
    expect(parseAmount('', 6)).toEqual({ ok: false, error: 'Enter an amount' });
    expect(parseAmount('abc', 6)).toEqual({ ok: false, error: 'Not a number' });
    expect(parseAmount('-1', 6)).toEqual({ ok: false, error: 'Not a number' });
    expect(parseAmount('1e6', 6)).toEqual({ ok: false, error: 'Not a number' });
    expect(parseAmount('.', 6)).toEqual({ ok: false, error: 'Not a number' });
    expect(parseAmount('0.0', 6)).toEqual({ ok: false, error: 'Must be more than zero' });
    expect(parseAmount('1.1234567', 6)).toEqual({ ok: false, error: 'At most 6 decimal places' });
    expect(parseAmount('3', 6, { max: 2_000_000n, symbol: 'dUSD' })).toEqual({ ok: false, error: 'More than your balance (2 dUSD)' });
    expect(parseAmount('2', 6, { max: 2_000_000n })).toEqual({ ok: true, value: 2_000_000n });
  });
});

describe('formatAmount', () => {
  it('groups, trims and rounds down', () => {
    expect(formatAmount(1_234_567_891n, 6)).toBe('1,234.5678');
    expect(formatAmount(10n ** 18n, 18)).toBe('1');
    expect(formatAmount(0n, 18)).toBe('0');
    expect(formatAmount(-1_500_000n, 6)).toBe('-1.5');
    expect(formatAmount(1n, 18)).toBe('<0.0001');
    expect(formatAmount(123_456_789n, 6, 6)).toBe('123.456789');
  });

  it('round-trips through parseAmount at full precision', () => {
    for (const raw of [1n, 999_999n, 10n ** 6n, 123_456_789_012n]) {
      const text = formatAmount(raw, 6, 6).replace(/,/g, '');
      expect(parseAmount(text, 6)).toEqual({ ok: true, value: raw });
    }
  });
});

describe('settings and form fields', () => {
  it('bounds percentages and minutes', () => {
    expect(parsePercent('0.5', 0.01, 5)).toEqual({ ok: true, value: 50 });
    expect(parsePercent('5%', 0.01, 5)).toEqual({ ok: true, value: 500 });
    expect(parsePercent('9', 0.01, 5)).toEqual({ ok: false, error: 'Between 0.01% and 5%' });
    expect(parsePercent('0', 0.01, 5)).toEqual({ ok: false, error: 'Between 0.01% and 5%' });
    expect(parsePercent('0.005', 0.01, 5).ok).toBe(false);
    expect(parseMinutes('20', 1, 180)).toEqual({ ok: true, value: 20 });
    expect(parseMinutes('2.5', 1, 180)).toEqual({ ok: false, error: 'Whole minutes' });
    expect(parseMinutes('0', 1, 180)).toEqual({ ok: false, error: 'Between 1 and 180 minutes' });
  });

  it('checks addresses and dates', () => {
    expect(parseAddress(' 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 ').ok).toBe(true);
    expect(parseAddress('0x123')).toEqual({ ok: false, error: 'Not an address (0x and 40 hex digits)' });
    expect(parseDate('2030-01-01')).toEqual({ ok: true, value: 1_893_456_000 });
    expect(parseDate('2030-02-30')).toEqual({ ok: false, error: 'No such date' });
    expect(parseDate('01/02/2030')).toEqual({ ok: false, error: 'Not a date (YYYY-MM-DD)' });
    expect(parseDate('2020-01-01', { future: true, now: 1_700_000_000 })).toEqual({ ok: false, error: 'Date is in the past' });
  });

  it('formats durations for countdowns', () => {
    expect(formatDuration(3 * 86_400 + 4 * 3_600 + 5)).toBe('3d 4h');
    expect(formatDuration(5 * 3_600 + 2 * 60)).toBe('5h 2m');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(-1)).toBe('0s');
  });
});
