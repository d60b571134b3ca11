import { describe, expect, it } from 'vitest';
import { HttpError } from './http.ts';
import { ChangeFeed } from './streams.ts';

const ledger = { query: async () => [] as never[] };

describe('stream caps', () => {
  it('refuses a stream past the per-client cap (429) and past the total (503), and frees a slot on release', () => {
    const feed = new ChangeFeed(ledger, 1, { total: 3, perClient: 2, maxBufferedBytes: 1024, drainTimeoutMs: 1000, recheckMs: 1000, pollMs: 1000 });
    const a1 = feed.reserve('a');
    feed.reserve('a');
    expect(() => feed.reserve('a')).toThrow(expect.objectContaining({ status: 429, message: 'at most 2 streams per session; close one first' }));
    feed.reserve('b');
    const refused = (() => {
      try {
        feed.reserve('c');
      } catch (err) {
        return err as HttpError;
      }
    })();
    expect(refused).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    expect(feed.streams).toEqual({ open: 3, limit: 3 });
    a1();
    a1(); // releasing twice frees one slot only
    expect(feed.streams.open).toBe(2);
    expect(() => feed.reserve('c')).not.toThrow();
    expect(() => feed.reserve('a')).toThrow(expect.objectContaining({ status: 503 }));
  });
});
