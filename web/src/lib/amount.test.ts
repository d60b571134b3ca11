import { describe, expect, it } from 'vitest';
import { amountInput, formatAmount, formatDuration, parseAddress, parseAmount, parseDate, parseMinutes, parsePercent, separatorsOf, understoodAs } from './amount.ts';

describe('parseAmount', () => {
  it('reads decimals exactly, without floating point', () => {
    expect(parseAmount('1.5', 6)).toEqual({ ok: true, value: 1_500_000n });
    expect(parseAmount('0.000001', 6)).toEqual({ ok: true, value: 1n });
    expect(parseAmount('1,234.5', 6)).toEqual({ ok: true, value: 1_234_500_000n });
    expect(parseAmount('.5', 18)).toEqual({ ok: true, value: 5n * 10n ** 17n });
    expect(parseAmount('123456789012345678901234567890', 18)).toEqual({ ok: true, value: 123456789012345678901234567890n * 10n ** 18n });
  });

  const read = (text: string, locale: string, decimals = 6) => parseAmount(text, decimals, { locale });
  const value = (text: string, locale: string) => {
    const parsed = read(text, locale);
    return parsed.ok ? parsed.value : parsed.error;
  };

  it('knows the separators of en-US, de-DE and fr-FR (a narrow no-break space groups)', () => {
    expect(separatorsOf('en-US')).toEqual({ decimal: '.', group: ',' });
    expect(separatorsOf('de-DE')).toEqual({ decimal: ',', group: '.' });
    expect(separatorsOf('fr-FR')).toEqual({ decimal: ',', group: '\u202f' });
  });

  it('reads a decimal comma as a decimal (1,5 is one and a half, never 15), and groups with a decimal either way round, in every locale', () => {
    const everywhere: [string, bigint][] = [
      ['1,5', 1_500_000n],
      ['1.5', 1_500_000n],
      ['0,25', 250_000n],
      [',5', 500_000n],
      ['1234,5678', 1_234_567_800n],
      ['0,123', 123_000n], // a thousands group never starts with 0
      ['1,234.5', 1_234_500_000n],
      ['1.234,5', 1_234_500_000n],
      ['1,234,567.25', 1_234_567_250_000n],
      ['1.234.567,25', 1_234_567_250_000n],
      // A mark that appears twice can only group.
      ['1,234,567', 1_234_567_000_000n],
      ['1.234.567', 1_234_567_000_000n],
    ];
    for (const locale of ['en-US', 'de-DE', 'fr-FR']) {
      for (const [text, raw] of everywhere) expect([locale, text, value(text, locale)]).toEqual([locale, text, raw]);
    }
  });

  it('decides a lone "1,234" or "1.234" by the locale, and refuses the reading the locale does not make', () => {
    expect(value('1.234', 'en-US')).toBe(1_234_000n);
    expect(value('1,234', 'de-DE')).toBe(1_234_000n);
    expect(value('1,234', 'fr-FR')).toBe(1_234_000n);
    expect(read('1,234', 'en-US')).toEqual({
      ok: false,
      error: '"1,234" is ambiguous: "," may group thousands (1234) or mark decimals. Type 1234, or 1.234 for a decimal.',
    });
    expect(read('1.234', 'de-DE')).toEqual({
      ok: false,
      error: '"1.234" is ambiguous: "." may group thousands (1234) or mark decimals. Type 1234, or 1,234 for a decimal.',
    });
    expect(read('123.456', 'fr-FR')).toMatchObject({ ok: false, error: expect.stringMatching(/^"123\.456" is ambiguous.*Type 123456, or 123,456 for a decimal\.$/) });
  });

  it('takes pasted values with spaces, no-break spaces and apostrophes as groups', () => {
    expect(value(' 1 234,5 ', 'fr-FR')).toBe(1_234_500_000n);
    expect(value('1\u202f234\u202f567,5', 'fr-FR')).toBe(1_234_567_500_000n);
    expect(value('1\u00a0234.5', 'en-US')).toBe(1_234_500_000n);
    expect(value('\t12 345\n', 'en-US')).toBe(12_345_000_000n);
    expect(value("1'234.5", 'de-CH')).toBe(1_234_500_000n);
    // With spaces grouping, a lone comma or point is the decimal, even before three digits.
    expect(value('1 234,567', 'en-US')).toBe(1_234_567_000n);
    expect(value('1.234,5', 'de-DE')).toBe(1_234_500_000n);
  });

  it('refuses malformed groups and separators, each with a sentence naming the text', () => {
    expect(read('1 5', 'fr-FR')).toEqual({ ok: false, error: '"1 5": " " would group thousands, but the digits are not in groups of three.' });
    expect(read('12,34,5', 'en-US')).toEqual({ ok: false, error: '"12,34,5": "," would group thousands, but the digits are not in groups of three.' });
    expect(read('1,2.5', 'en-US').ok).toBe(false);
    expect(read('1.234.5', 'de-DE').ok).toBe(false);
    expect(read('1,234.5.6', 'en-US')).toEqual({ ok: false, error: '"1,234.5.6" has more than one decimal separator (".").' });
    expect(read('1.5 25', 'en-US')).toEqual({ ok: false, error: '"1.5 25": digits after the decimal separator "." cannot be grouped.' });
    expect(read('1 234.567.890', 'en-US').ok).toBe(false);
    expect(read('1 234,567,890', 'en-US')).toEqual({ ok: false, error: '"1 234,567,890" has more than one decimal separator (",").' });
    expect(read('1,,5', 'en-US').ok).toBe(false);
    for (const text of [',', '.', ' , ', '1e6', '-1', '+1', '1/2', '١٢']) expect(read(text, 'en-US')).toEqual({ ok: false, error: 'Not a number' });
  });

  it('counts decimal places after whichever separator was the decimal', () => {
    expect(read('1,1234567', 'de-DE')).toEqual({ ok: false, error: 'At most 6 decimal places' });
    expect(read('1.000,000001', 'de-DE')).toEqual({ ok: true, value: 1_000_000_001n });
    expect(read('0,000', 'en-US')).toEqual({ ok: false, error: 'Must be more than zero' });
  });

  it('writes an amount back as the locale types it, which reads back to the same value', () => {
    for (const locale of ['en-US', 'de-DE', 'fr-FR']) {
      for (const raw of [1n, 1_234_000n, 123_456n, 1_234_567_891n, 10n ** 12n]) {
        const text = amountInput(raw, 6, 6, locale);
        expect(text).not.toMatch(/\s/);
        expect(read(text, locale)).toEqual({ ok: true, value: raw });
      }
    }
    expect(amountInput(1_234_500_000n, 6, 6, 'de-DE')).toBe('1234,5');
    expect(amountInput(1_234_500_000n, 6, 6, 'en-US')).toBe('1234.5');
    expect(understoodAs(1_234_500_000n, 6, 'dUSD')).toBe('= 1,234.5 dUSD');
    expect(understoodAs(1n, 6, 'dUSD')).toBe('= 0.000001 dUSD');
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
