import { describe, expect, it } from 'vitest';
import { HORIZON, noticesFor, unreadCount } from './logic.ts';

const DAY = 86_400;
const now = 1_800_000_000;
const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const shares = (raw: bigint) => (raw / 10n ** 18n).toString();
const base = { now, registered: true, accreditationExpiry: now + 400 * DAY, securities: [] };

describe('noticesFor', () => {
  it('says nothing when nothing is within 30 days either way', () => {
    const far = { ...base, securities: [{ symbol: 'ACME-A', security: '0xa', lockupEnd: now - 90 * DAY, lots: [{ amount: 250n * 10n ** 18n, releaseAt: now + 60 * DAY, kind: 0 }] }] };
    expect(noticesFor(far, date, shares)).toEqual([]);
  });

  it('announces a lot release, a lockup end and an expiry ahead, and each again once it happened, with its own id', () => {
    const lot = { amount: 250n * 10n ** 18n, releaseAt: now + 10 * DAY, kind: 0 };
    const ahead = { ...base, accreditationExpiry: now + 20 * DAY, securities: [{ symbol: 'ACME-A', security: '0xa', lockupEnd: now + 3 * DAY, lots: [lot] }] };
    const before = noticesFor(ahead, date, shares);
    expect(before.map((n) => [n.tone, n.text])).toEqual([
      ['info', `Your ACME-A lockup ends on ${date(now + 3 * DAY)} (in 3 days).`],
      ['info', `250 ACME-A shares (Rule 144 holding period) unlock on ${date(now + 10 * DAY)} (in 10 days).`],
      ['warn', `Your accreditation expires on ${date(now + 20 * DAY)} (in 20 days). Ask the venue's compliance officers to renew it to keep buying.`],
    ]);
    const after = noticesFor({ ...ahead, now: now + 25 * DAY }, date, shares);
    expect(after.map((n) => n.tone)).toEqual(['bad', 'good', 'good']);
    expect(after.find((n) => n.id.startsWith('lot-released:'))!.text).toBe(`250 ACME-A shares (Rule 144 holding period) unlocked on ${date(now + 10 * DAY)}: they may be sold.`);
    // A read notice of the coming release does not make its release read.
    const read = new Set(before.map((n) => n.id));
    expect(unreadCount(after, read)).toBe(3);
    expect(unreadCount(before, read)).toBe(0);
  });

  it('keeps a past event for 30 days, skips partial freezes held until lifted, and nothing for the unregistered', () => {
    const input = { ...base, securities: [{ symbol: 'HSREF', security: '0xb', lockupEnd: now - HORIZON - 1, lots: [{ amount: 10n ** 18n, releaseAt: 2 ** 40 - 1, kind: 2 }, { amount: 10n ** 18n, releaseAt: now - HORIZON, kind: 1 }] }] };
    expect(noticesFor(input, date, shares).map((n) => n.id)).toEqual([`lot-released:0xb:1:${now - HORIZON}:${10n ** 18n}`]);
    expect(noticesFor({ ...base, registered: false, accreditationExpiry: now + DAY }, date, shares)).toEqual([]);
  });
});
