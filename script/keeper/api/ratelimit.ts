/**
 * Token buckets per key (a wallet, an IP address), in memory: a limited client gets 429 with Retry-After. The map is
 * bounded: when full, the least recently used keys are forgotten.
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

  /** Takes one token for `key` or throws 429 saying what was limited and when to come back. */
  take(key: string, rate: Rate, what: string): void {
    const now = Date.now();
    const perMs = rate.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: rate.burst, at: now };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.remember(key, bucket);
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      throw new HttpError(429, `too many ${what}: at most ${rate.perMinute} a minute; retry in ${retryAfter} s`, { 'retry-after': String(retryAfter) });
    }
    bucket.tokens -= 1;
    this.remember(key, bucket);
  }

  /** Keeps the map in least-recently-used order and bounded: the oldest keys go first. */
  private remember(key: string, bucket: { tokens: number; at: number }) {
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    for (const oldest of this.buckets.keys()) {
      if (this.buckets.size <= MAX_KEYS) return;
      this.buckets.delete(oldest);
    }
  }
}
