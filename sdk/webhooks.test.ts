import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, parseWebhookSecret, signWebhook, verifyWebhook, WebhookVerificationError, type WebhookVerificationReason } from './webhooks.ts';

const secret = generateWebhookSecret();
const id = '31337:0xabc:3:42';
const body = JSON.stringify({ type: 'trade.final', status: 'final', changeSeq: '42', trade: { investor: '0x1' } });
const now = 1_767_225_600_000; // 2026-01-01T00:00:00Z, in milliseconds
const timestamp = now / 1000;

function headersFor(o: { secret?: string; id?: string; timestamp?: number; body?: string } = {}) {
  const ts = o.timestamp ?? timestamp;
  return {
    'webhook-id': o.id ?? id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signWebhook({ secret: o.secret ?? secret, id: o.id ?? id, timestamp: ts, body: o.body ?? body }),
  };
}

/** The reason a verification failed with (and that it failed with our error, naming the problem in a sentence). */
function reasonOf(run: () => unknown): WebhookVerificationReason {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect((err as Error).message).toMatch(/^[A-Z].+\.$/);
    return (err as WebhookVerificationError).reason;
  }
  throw new Error('the webhook was accepted');
}

describe('signWebhook and verifyWebhook', () => {
  it('verifies a signed delivery, returning its id and timestamp', () => {
    expect(verifyWebhook({ secret, headers: headersFor(), body, now })).toEqual({ id, timestamp });
  });

  it('reads headers case-insensitively, from a plain object or a fetch Headers', () => {
    const h = headersFor();
    const shouted = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook({ secret, headers: shouted, body, now }).id).toBe(id);
    expect(verifyWebhook({ secret, headers: new Headers(h), body, now }).id).toBe(id);
    expect(verifyWebhook({ secret, headers: h, body: new TextEncoder().encode(body), now }).id).toBe(id);
  });

  it('matches an independent HMAC-SHA256 over "<id>.<timestamp>.<body>" with the base64-decoded key', () => {
    // A fixed vector, computed here with node:crypto: a change in the signing format fails this test.
    const key = Buffer.alloc(32, 7);
    const fixed = `whsec_${key.toString('base64')}`;
    const expected = `v1,${createHmac('sha256', key).update(`msg_1.1700000000.{"a":1}`).digest('base64')}`;
    expect(signWebhook({ secret: fixed, id: 'msg_1', timestamp: 1_700_000_000, body: '{"a":1}' })).toBe(expected);
    expect(verifyWebhook({ secret: fixed, headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': expected }, body: '{"a":1}', now: 1_700_000_000_000 }).id).toBe('msg_1');
  });

  it('refuses a tampered body', () => {
    expect(reasonOf(() => verifyWebhook({ secret, headers: headersFor(), body: body.replace('final', 'voided'), now }))).toBe('bad-signature');
  });

  it('refuses a delivery whose id or timestamp was swapped onto a signed body', () => {
    const h = headersFor();
    expect(reasonOf(() => verifyWebhook({ secret, headers: { ...h, 'webhook-id': '31337:0xabc:3:43' }, body, now }))).toBe('bad-signature');
    expect(reasonOf(() => verifyWebhook({ secret, headers: { ...h, 'webhook-timestamp': String(timestamp + 1) }, body, now }))).toBe('bad-signature');
  });

  it('refuses a delivery signed with another secret', () => {
    expect(reasonOf(() => verifyWebhook({ secret, headers: headersFor({ secret: generateWebhookSecret() }), body, now }))).toBe('bad-signature');
  });

  it('refuses a replay older than the tolerance, and accepts one just within it', () => {
    expect(reasonOf(() => verifyWebhook({ secret, headers: headersFor({ timestamp: timestamp - 301 }), body, now }))).toBe('timestamp-too-old');
    expect(verifyWebhook({ secret, headers: headersFor({ timestamp: timestamp - 300 }), body, now }).id).toBe(id);
    expect(reasonOf(() => verifyWebhook({ secret, headers: headersFor({ timestamp: timestamp - 61 }), body, now, toleranceSeconds: 60 }))).toBe('timestamp-too-old');
  });

  it('refuses a timestamp too far in the future', () => {
    expect(reasonOf(() => verifyWebhook({ secret, headers: headersFor({ timestamp: timestamp + 301 }), body, now }))).toBe('timestamp-too-new');
  });

  it('refuses a timestamp that is not whole Unix seconds', () => {
    for (const bad of ['1.5e9', '-1', 'soon', '1767225600.5']) {
      expect(reasonOf(() => verifyWebhook({ secret, headers: { ...headersFor(), 'webhook-timestamp': bad }, body, now }))).toBe('bad-timestamp');
    }
  });

  it('refuses a delivery missing any of the three headers, naming it', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const h: Record<string, string> = headersFor();
      delete h[name];
      expect(reasonOf(() => verifyWebhook({ secret, headers: h, body, now }))).toBe('missing-header');
      expect(() => verifyWebhook({ secret, headers: h, body, now })).toThrow(name);
    }
  });

  it('accepts several space-separated signatures when one matches (a secret being rotated)', () => {
    const h = headersFor();
    const other = signWebhook({ secret: generateWebhookSecret(), id, timestamp, body });
    expect(verifyWebhook({ secret, headers: { ...h, 'webhook-signature': `${other} v1a,Zm9v ${h['webhook-signature']}` }, body, now }).id).toBe(id);
    expect(reasonOf(() => verifyWebhook({ secret, headers: { ...h, 'webhook-signature': `${other} v2,${h['webhook-signature'].slice(3)}` }, body, now }))).toBe('bad-signature');
  });
});

describe('webhook secrets', () => {
  it('generates whsec_ secrets of 32 random bytes, all different', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(parseWebhookSecret(a)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it('refuses a secret without the prefix, not base64, or shorter than 24 bytes, never repeating it', () => {
    const raw = Buffer.alloc(32, 1).toString('base64');
    expect(() => parseWebhookSecret(raw)).toThrow(/"whsec_" followed by the base64 of at least 24 random bytes.*does not start with/);
    expect(() => parseWebhookSecret('whsec_not*base64!')).toThrow(/not valid base64/);
    expect(() => parseWebhookSecret(`whsec_${Buffer.alloc(16, 1).toString('base64')}`)).toThrow(/only 16 bytes/);
    expect(parseWebhookSecret(`whsec_${Buffer.alloc(24, 1).toString('base64')}`)).toHaveLength(24);
    const truncated = `whsec_${raw.slice(0, -1)}`;
    expect(() => parseWebhookSecret(truncated)).toThrow(/not valid base64/);
    expect(() => parseWebhookSecret(truncated)).not.toThrow(raw.slice(0, 10));
  });
});
