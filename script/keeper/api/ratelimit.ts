/**
 * Token buckets per key (a session, a wallet, an IP), in memory: a limited client gets 429 with Retry-After. The
 * map is bounded; when full, buckets that have refilled (they'd allow a burst anyway) are forgotten first.
 */
import { HttpError } from './http.ts';

export interface Rate {
  /** Requests allowed in a burst. */
  burst: number;
  /** Requests a minute, sustained. */
  perMinute: number;
}

const MAX_KEYS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one token for `key` or throws 429 saying what was limited and when to come back. */
  take(key: string, rate: Rate, what: string): void {
    const now = this.now();
    const perMs = rate.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: now };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      throw new HttpError(429, `too many ${what}: at most ${rate.perMinute} a minute; retry in ${retryAfter} s`, { 'retry-after': String(retryAfter) });
    }
    bucket.tokens -= 1;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_KEYS) this.evict(now, perMs, rate.burst);
  }

  private evict(now: number, perMs: number, burst: number) {
    for (const [key, b] of this.buckets) {
      if (this.buckets.size <= MAX_KEYS * 0.9) return;
      if (b.tokens + (now - b.at) * perMs >= burst) this.buckets.delete(key);
    }
    // Still full of busy clients: forget the least recently used.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= MAX_KEYS * 0.9) return;
      this.buckets.delete(key);
    }
  }
}
