/**
 * Signed webhooks, as the Standard Webhooks specification (https://www.standardwebhooks.com/) defines them: the
 * keepers sign each delivery with this module and a receiver verifies it with the same one.
 *
 * A delivery carries three headers: `webhook-id` (the same on every retry of one delivery, so a receiver dedupes on
 * it), `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` over
 * `<id>.<timestamp>.<body>`, keyed by the shared secret). Only `@noble/hashes` and web globals (`atob`, `btoa`,
 * `crypto.getRandomValues`) are used, so this runs in Node and in browsers alike.
 */
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';

const SECRET_PREFIX = 'whsec_';
/** The specification asks for keys of 24 to 64 bytes; fewer random bytes would make the HMAC guessable sooner. */
const MIN_SECRET_BYTES = 24;
const GENERATED_SECRET_BYTES = 32;
const SIGNATURE_VERSION = 'v1';
const SECRET_FORMAT = `"${SECRET_PREFIX}" followed by the base64 of at least ${MIN_SECRET_BYTES} random bytes`;

/** Why a delivery was refused; a receiver may log it, and should answer 401 whatever it is. */
export type WebhookVerificationReason = 'missing-header' | 'bad-timestamp' | 'timestamp-too-old' | 'timestamp-too-new' | 'bad-signature';

/** A delivery that is not authentic or not fresh; `reason` says which check refused it, the message says how. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** Strict base64 (standard alphabet, padded): `atob` alone accepts whitespace and missing padding. */
function base64ToBytes(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Equal length and content, in time that depends on the length only: a mismatch's position is never revealed. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * The HMAC key inside a `whsec_<base64>` secret. Both sides call it, so a secret that is truncated, mistyped or too
 * short is refused at start rather than signing (or checking) with a weak key. The message never repeats the secret.
 */
export function parseWebhookSecret(secret: string): Uint8Array {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error(`The webhook secret must be ${SECRET_FORMAT}; this one does not start with "${SECRET_PREFIX}".`);
  const key = base64ToBytes(secret.slice(SECRET_PREFIX.length));
  if (!key) throw new Error(`The webhook secret must be ${SECRET_FORMAT}; what follows "${SECRET_PREFIX}" is not valid base64.`);
  if (key.length < MIN_SECRET_BYTES) throw new Error(`The webhook secret must be ${SECRET_FORMAT}; this one holds only ${key.length} bytes.`);
  return key;
}

/** A new secret of 32 random bytes, in the `whsec_` form the sender's setting and the receiver both take. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + bytesToBase64(crypto.getRandomValues(new Uint8Array(GENERATED_SECRET_BYTES)));
}

const utf8 = new TextEncoder();

/** HMAC-SHA256 of `<id>.<timestamp>.<body>`: the id and time are signed too, so neither can be swapped on a body. */
function mac(key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array): Uint8Array {
  const head = utf8.encode(`${id}.${timestamp}.`);
  const payload = typeof body === 'string' ? utf8.encode(body) : body;
  const content = new Uint8Array(head.length + payload.length);
  content.set(head);
  content.set(payload, head.length);
  return hmac(sha256, key, content);
}

export interface SignWebhookParams {
  /** `whsec_<base64 key>`. */
  secret: string;
  /** The delivery's `webhook-id`: the same on every retry of one delivery. */
  id: string;
  /** Unix seconds of this attempt (the `webhook-timestamp` header). */
  timestamp: number;
  /** The exact bytes sent as the request body (a string is sent, and signed, as UTF-8). */
  body: string | Uint8Array;
}

/**
 * The `webhook-signature` header value, `v1,<base64 HMAC-SHA256>`, for one attempt of a delivery. Sign the body as
 * it is sent: a receiver checks the raw bytes, and re-serialized JSON would not match.
 */
export function signWebhook({ secret, id, timestamp, body }: SignWebhookParams): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error(`The webhook timestamp must be whole Unix seconds; got ${timestamp}.`);
  if (id.length === 0) throw new Error('The webhook id must not be empty: receivers dedupe on it.');
  return `${SIGNATURE_VERSION},${bytesToBase64(mac(parseWebhookSecret(secret), id, String(timestamp), body))}`;
}

/** Request headers as Node (`req.headers`), fetch (`Headers`) or a plain object give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(' ') : value;
  }
  return undefined;
}

export interface VerifyWebhookParams {
  /** `whsec_<base64 key>`, the same secret the sender has. */
  secret: string;
  headers: WebhookHeaders;
  /** The raw request body, before any JSON parsing. */
  body: string | Uint8Array;
  /** How far `webhook-timestamp` may be from `now`, either way; the specification's 5 minutes by default. */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch (`Date.now()` by default); a parameter so tests can move the clock. */
  now?: number;
}

/**
 * Checks that a delivery was signed with `secret` and is fresh, or throws a `WebhookVerificationError`. A copy
 * replayed later than `toleranceSeconds` is refused; within that window, dedupe on the returned `id` (a retry of a
 * delivery carries the same id). `webhook-signature` may hold several space-separated signatures (the sender may be
 * rotating secrets): one match is enough. Signatures of versions other than `v1` are ignored.
 */
export function verifyWebhook({ secret, headers, body, toleranceSeconds = 300, now = Date.now() }: VerifyWebhookParams): { id: string; timestamp: number } {
  const key = parseWebhookSecret(secret);
  const id = headerOf(headers, 'webhook-id');
  const rawTimestamp = headerOf(headers, 'webhook-timestamp');
  const signatures = headerOf(headers, 'webhook-signature');
  const missing = [
    ['webhook-id', id],
    ['webhook-timestamp', rawTimestamp],
    ['webhook-signature', signatures],
  ].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0 || !id || !rawTimestamp || !signatures) {
    throw new WebhookVerificationError('missing-header', `The webhook lacks the ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}, so it cannot be verified.`);
  }

  if (!/^\d{1,15}$/.test(rawTimestamp)) {
    throw new WebhookVerificationError('bad-timestamp', `The webhook-timestamp header "${rawTimestamp.slice(0, 32)}" is not a whole number of Unix seconds.`);
  }
  const timestamp = Number(rawTimestamp);
  const nowSeconds = Math.floor(now / 1000);
  if (nowSeconds - timestamp > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp-too-old', `The webhook was signed ${nowSeconds - timestamp} s ago, more than the ${toleranceSeconds} s allowed: it may be a replay.`);
  }
  if (timestamp - nowSeconds > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp-too-new', `The webhook's timestamp is ${timestamp - nowSeconds} s in the future, more than the ${toleranceSeconds} s allowed: the sender's clock or this one is wrong.`);
  }

  const expected = mac(key, id, rawTimestamp, body);
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== SIGNATURE_VERSION) continue;
    const candidate = base64ToBytes(entry.slice(comma + 1));
    // Every candidate is compared (no early exit), each in constant time.
    if (candidate && constantTimeEqual(candidate, expected)) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError('bad-signature', 'No signature in the webhook-signature header matches this body signed with this secret: the body, id or timestamp was altered, or the secret is not the sender\'s.');
  }
  return { id, timestamp };
}
