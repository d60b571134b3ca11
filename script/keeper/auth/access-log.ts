/**
 * The access log: every read by an officer of another investor's data (who, what, when, from where), for the
 * officers themselves to read and export. Written before the data is sent, so no read goes unrecorded.
 */
import type { Ledger } from '../ledger/db.ts';
import type { Viewer } from './roles.ts';

export interface AccessEntry {
  viewer: Viewer;
  /** The route read, e.g. `GET /trades`. */
  action: string;
  /** Whose data: an investor's address, or `all` for a read across investors. */
  subject: string;
  /** The request's query string (what was asked for). */
  query: string;
  ip?: string;
  userAgent?: string;
}

export async function logAccess(ledger: Pick<Ledger, 'query'>, chainId: number, e: AccessEntry): Promise<void> {
  await ledger.query(
    `insert into access_log (chain_id, actor, roles, action, subject, query, ip, user_agent) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [chainId, e.viewer.address.toLowerCase(), e.viewer.officerRoles.join(','), e.action, e.subject, e.query.slice(0, 2048), e.ip ?? null, e.userAgent?.slice(0, 256) ?? null],
  );
}
