/** Parsing and formatting of token amounts, percentages and dates typed by people: exact, with named problems. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface AmountOptions {
  max?: bigint;
  maxLabel?: string;
  symbol?: string;
  /** Whose separators decide a lone "1,234" or "1.234" (default: the browser's locale). */
  locale?: string;
}

/** The decimal and group separators of `locale` (the browser's by default), as Intl.NumberFormat writes numbers. */
export function separatorsOf(locale?: string): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(1_234_567.5);
  return { decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.', group: parts.find((p) => p.type === 'group')?.value ?? ',' };
}

/** Marks that only ever group digits: spaces of any width (fr-FR's narrow no-break space) and apostrophes (de-CH). */
const GROUP_ONLY = /[\s'’]/g;

/**
 * Where the decimal separator of a number text is: one of "." and ",", at most once, after every group separator.
 * A lone mark followed by exactly three digits ("1,234") may also group thousands: it is read as the locale's
 * decimal separator when it is that, and refused as ambiguous otherwise.
 */
function splitNumber(text: string, localeDecimal: string): Parsed<{ whole: string; fraction: string }> {
  const spaced = text.replace(GROUP_ONLY, ' ');
  if (!/^[\d., ]+$/.test(spaced) || !/\d/.test(spaced)) return { ok: false, error: 'Not a number' };
  const marks = [...new Set(spaced.replace(/\d/g, ''))];
  const last = [...spaced].reverse().find((c) => c === '.' || c === ',');
  const count = (c: string) => spaced.split(c).length - 1;
  let decimal: string | undefined;
  if (last && (marks.length > 1 || count(last) === 1)) {
    decimal = last;
    const [before, after] = spaced.split(last);
    const couldGroup = marks.length === 1 && /^[1-9]\d{0,2}$/.test(before) && /^\d{3}$/.test(after);
    if (couldGroup && last !== localeDecimal) {
      const alt = localeDecimal === ',' ? ',' : '.';
      return { ok: false, error: `"${text}" is ambiguous: "${last}" may group thousands (${before}${after}) or mark decimals. Type ${before}${after}, or ${before}${alt}${after} for a decimal.` };
    }
    if (count(last) > 1) return { ok: false, error: `"${text}" has more than one decimal separator ("${last}").` };
  }
  const [whole, fraction = ''] = decimal ? spaced.split(decimal) : [spaced];
  if (!/^\d*$/.test(fraction)) return { ok: false, error: `"${text}": digits after the decimal separator "${decimal}" cannot be grouped.` };
  const groupMarks = [...new Set(whole.replace(/\d/g, ''))];
  if (groupMarks.length > 1) return { ok: false, error: `"${text}" groups its digits with two different separators (${groupMarks.map((m) => `"${m}"`).join(' and ')}).` };
  if (groupMarks.length === 1 && !/^[1-9]\d{0,2}(?:\D\d{3})+$/.test(whole)) {
    return { ok: false, error: `"${text}": "${groupMarks[0]}" would group thousands, but the digits are not in groups of three.` };
  }
  return { ok: true, value: { whole: whole.replace(/\D/g, ''), fraction } };
}

/**
 * A decimal amount of a token with `decimals` places, as base units. Takes one decimal separator ("." or ",") and
 * thousands groups (",", ".", spaces, apostrophes), deciding by `opts.locale` only where the text could be read two
 * ways; refuses an ambiguous or malformed number, more decimals than the token has, zero, and (when given) more
 * than `max`.
 */
export function parseAmount(input: string, decimals: number, opts: AmountOptions = {}): Parsed<bigint> {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter an amount' };
  const split = splitNumber(text, separatorsOf(opts.locale).decimal);
  if (!split.ok) return split;
  const { whole, fraction } = split.value;
  if (fraction.length > decimals) return { ok: false, error: `At most ${decimals} decimal place${decimals === 1 ? '' : 's'}` };
  const value = BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (value === 0n) return { ok: false, error: 'Must be more than zero' };
  if (opts.max !== undefined && value > opts.max) {
    return { ok: false, error: `More than ${opts.maxLabel ?? 'your balance'} (${formatAmount(opts.max, decimals)}${opts.symbol ? ` ${opts.symbol}` : ''})` };
  }
  return { ok: true, value };
}

/** Base units as a person would type them in `locale` (the browser's by default): no groups, its decimal separator. */
export function amountInput(value: bigint, decimals: number, maxFraction = decimals, locale?: string): string {
  return formatAmount(value, decimals, maxFraction).replace(/,/g, '').replace('.', separatorsOf(locale).decimal === ',' ? ',' : '.');
}

/** How a typed amount was understood, shown beside its field: "= 1,234.5 ACME-A". */
export const understoodAs = (value: bigint, decimals: number, symbol: string) => `= ${formatAmount(value, decimals, decimals)} ${symbol}`;

/** Base units as a decimal string, grouped, with at most `maxFraction` fraction digits (rounded down). */
export function formatAmount(value: bigint, decimals: number, maxFraction = 4): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, '0').slice(0, maxFraction).replace(/0+$/, '');
  const sign = negative ? '-' : '';
  if (abs > 0n && whole === 0n && fraction === '') return `${sign}<0.${'0'.repeat(Math.max(0, maxFraction - 1))}1`;
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = fraction ? `${grouped}.${fraction}` : grouped;
  return negative ? `-${text}` : text;
}

/** A percentage typed by a person, within [min, max] percent, as basis points. */
export function parsePercent(input: string, min: number, max: number): Parsed<number> {
  const text = input.trim().replace(/%$/, '');
  if (text === '') return { ok: false, error: 'Enter a percentage' };
  if (!/^\d*(\.\d{0,2})?$/.test(text) || text === '.') return { ok: false, error: 'Not a number (up to two decimals)' };
  const value = Number(text);
  if (value < min || value > max) return { ok: false, error: `Between ${min}% and ${max}%` };
  return { ok: true, value: Math.round(value * 100) };
}

/** A whole number of minutes within [min, max]. */
export function parseMinutes(input: string, min: number, max: number): Parsed<number> {
  const text = input.trim();
  if (!/^\d+$/.test(text)) return { ok: false, error: 'Whole minutes' };
  const value = Number(text);
  if (value < min || value > max) return { ok: false, error: `Between ${min} and ${max} minutes` };
  return { ok: true, value };
}

/** An address typed or pasted by a person (any case), or a named problem. */
export function parseAddress(input: string): Parsed<`0x${string}`> {
  const text = input.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return { ok: false, error: 'Not an address (0x and 40 hex digits)' };
  return { ok: true, value: text as `0x${string}` };
}

/** A calendar date (YYYY-MM-DD, UTC midnight) as unix seconds; `future` refuses today and earlier. */
export function parseDate(input: string, opts: { future?: boolean; now?: number } = {}): Parsed<number> {
  const text = input.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return { ok: false, error: 'Not a date (YYYY-MM-DD)' };
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const date = new Date(ms);
  if (date.getUTCFullYear() !== Number(match[1]) || date.getUTCMonth() !== Number(match[2]) - 1 || date.getUTCDate() !== Number(match[3])) {
    return { ok: false, error: 'No such date' };
  }
  const seconds = ms / 1000;
  if (opts.future && seconds <= (opts.now ?? Date.now() / 1000)) return { ok: false, error: 'Date is in the past' };
  if (seconds >= 2 ** 40) return { ok: false, error: 'Date is too far in the future' };
  return { ok: true, value: seconds };
}

/** Unix seconds as YYYY-MM-DD (UTC). */
export const formatDate = (seconds: number | bigint) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);

/** A duration in seconds as "3d 4h", "5h 2m", "42s". */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export const shortAddress = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
