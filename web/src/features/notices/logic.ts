/**
 * In-app notices for an investor, from what the chain says about them now: a lot or lockup about to release (or just
 * released), accreditation about to expire (or expired). Each has a stable id (what happened, to what, and when), so
 * a notice once read stays read, and the same event released later is a new notice.
 */
import type { Lot } from '../portfolio/logic.ts';
import { LOT_KINDS } from '../portfolio/logic.ts';

/** Notices look this far ahead, and keep a past event this long. */
export const HORIZON = 30 * 86_400;
/** A lot held until an officer lifts it (a partial freeze) never "releases": it has no notice. */
const UNTIL_LIFTED = 2 ** 40 - 1;

export interface NoticeInput {
  now: number;
  registered: boolean;
  accreditationExpiry: number;
  securities: { symbol: string; security: string; lockupEnd: number; lots: readonly Lot[] }[];
}

export interface Notice {
  id: string;
  tone: 'info' | 'good' | 'warn' | 'bad';
  /** When the event is (or was). */
  at: number;
  text: string;
}

const days = (seconds: number) => Math.max(1, Math.ceil(seconds / 86_400));
const inDays = (seconds: number) => (days(seconds) === 1 ? 'tomorrow or sooner' : `in ${days(seconds)} days`);

export function noticesFor(input: NoticeInput, date: (unixSeconds: number) => string, shares: (raw: bigint) => string): Notice[] {
  const { now } = input;
  const out: Notice[] = [];
  const soon = (t: number) => t > now && t - now <= HORIZON;
  const lately = (t: number) => t <= now && now - t <= HORIZON;
  const x = input.accreditationExpiry;
  if (input.registered && x > 0) {
    if (lately(x)) out.push({ id: `accreditation-expired:${x}`, tone: 'bad', at: x, text: `Your accreditation expired on ${date(x)}: you may still sell, but not buy or add liquidity, until an officer renews it.` });
    else if (soon(x)) out.push({ id: `accreditation-expiring:${x}`, tone: 'warn', at: x, text: `Your accreditation expires on ${date(x)} (${inDays(x - now)}). Ask the venue's compliance officers to renew it to keep buying.` });
  }
  for (const s of input.securities) {
    const end = s.lockupEnd;
    if (lately(end)) out.push({ id: `lockup-ended:${s.security}:${end}`, tone: 'good', at: end, text: `Your ${s.symbol} lockup ended on ${date(end)}: you may now sell ${s.symbol}.` });
    else if (soon(end)) out.push({ id: `lockup-ends:${s.security}:${end}`, tone: 'info', at: end, text: `Your ${s.symbol} lockup ends on ${date(end)} (${inDays(end - now)}).` });
    for (const lot of s.lots) {
      if (lot.releaseAt >= UNTIL_LIFTED) continue;
      const why = LOT_KINDS[lot.kind] ?? `lot kind ${lot.kind}`;
      const what = `${shares(lot.amount)} ${s.symbol} shares (${why})`;
      const key = `${s.security}:${lot.kind}:${lot.releaseAt}:${lot.amount}`;
      if (lately(lot.releaseAt)) out.push({ id: `lot-released:${key}`, tone: 'good', at: lot.releaseAt, text: `${what} unlocked on ${date(lot.releaseAt)}: they may be sold.` });
      else if (soon(lot.releaseAt)) out.push({ id: `lot-releases:${key}`, tone: 'info', at: lot.releaseAt, text: `${what} unlock on ${date(lot.releaseAt)} (${inDays(lot.releaseAt - now)}).` });
    }
  }
  // The nearest event first, past or coming.
  return out.sort((a, b) => Math.abs(a.at - now) - Math.abs(b.at - now));
}

/** How many of the notices have not been read. */
export const unreadCount = (notices: readonly Notice[], read: ReadonlySet<string>) => notices.filter((n) => !read.has(n.id)).length;
