/**
 * API sessions, stored in the ledger so they survive a keeper restart and can be revoked. The client holds a random
 * 256-bit token (an HttpOnly cookie, or a bearer token for scripts); the ledger holds only its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Address } from 'viem';
import type { Ledger } from '../ledger/db.ts';

export interface Session {
  id: string;
  address: Address;
  expiresAt: Date;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A token is 43 base64url characters (32 bytes); anything else is not one we issued. */
const isTokenShaped = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export async function createSession(
  ledger: Pick<Ledger, 'query'>,
  { address, chainId, ttlSeconds, ip, userAgent }: { address: Address; chainId: number; ttlSeconds: number; ip?: string; userAgent?: string },
): Promise<{ token: string; session: Session }> {
  // Sessions long over (a day past their end) are forgotten as new ones start, so the table stays as small as the users.
  await ledger.query("delete from sessions where expires_at < now() - interval '1 day'");
  const token = randomBytes(32).toString('base64url');
  const id = hashOf(token);
  const [row] = await ledger.query<{ expires_at: Date | string }>(
    `insert into sessions (id, address, chain_id, expires_at, ip, user_agent) values ($1, $2, $3, now() + make_interval(secs => $4), $5, $6)
     returning expires_at`,
    [id, address, chainId, ttlSeconds, ip ?? null, userAgent?.slice(0, 256) ?? null],
  );
  return { token, session: { id, address, expiresAt: new Date(row.expires_at) } };
}

/** The live session a token names, or why there is none ('unknown', 'expired', 'revoked'). */
export async function lookupSession(ledger: Pick<Ledger, 'query'>, chainId: number, token: string): Promise<Session | 'unknown' | 'expired' | 'revoked'> {
  if (!isTokenShaped(token)) return 'unknown';
  const [row] = await ledger.query<{ id: string; address: Address; expires_at: Date | string; revoked: boolean; expired: boolean }>(
    `select id, address, expires_at, revoked_at is not null as revoked, expires_at <= now() as expired from sessions where id = $1 and chain_id = $2`,
    [hashOf(token), chainId],
  );
  if (!row) return 'unknown';
  if (row.revoked) return 'revoked';
  if (row.expired) return 'expired';
  return { id: row.id, address: row.address, expiresAt: new Date(row.expires_at) };
}

export async function revokeSession(ledger: Pick<Ledger, 'query'>, id: string): Promise<void> {
  await ledger.query('update sessions set revoked_at = now() where id = $1 and revoked_at is null', [id]);
}
