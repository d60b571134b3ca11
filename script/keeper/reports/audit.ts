/**
 * The audit trail as the ledger keeps it: every registry and security event the settlement keeper recorded (roster,
 * identities, wallets, freezes, lockups, offering rules, limits, lots, remedies, roles), filtered by investor, event
 * and date, newest first, as JSON or CSV. Events of blocks a reorganization removed are kept, voided, and left out.
 */
import type { Address } from 'viem';
import type { Ledger } from '../ledger/db.ts';
import { csvCell, type Period } from './reports.ts';

export interface AuditFilter {
  /** Only events with this address among their arguments (investor, wallet, account, from, to, officer…). */
  investor?: Address;
  /** Only these event names. */
  events?: string[];
  period?: Period;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AuditRow {
  blockNumber: string;
  blockTime: string;
  txHash: string;
  logIndex: number;
  event: string;
  status: 'pending' | 'final';
  args: Record<string, unknown>;
}

/** Event names as the filter takes them: "InvestorFrozen,ForcedTransfer". */
export function parseEvents(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((n) => !/^[A-Z][A-Za-z0-9]{0,63}$/.test(n));
  if (bad !== undefined || names.length === 0 || names.length > 50) throw new Error(`event must be up to 50 event names separated by commas, such as InvestorFrozen,ForcedTransfer${bad ? ` ("${bad.slice(0, 40)}" is not one)` : ''}`);
  return names;
}

/** A page cursor: the block and log index of the last row shown, "1234-5". */
export function parseAuditCursor(text: string): [string, number] {
  const m = /^(\d{1,18})-(\d{1,6})$/.exec(text);
  if (!m) throw new Error('cursor must be the nextCursor of the previous page, such as 1234-5');
  return [m[1], Number(m[2])];
}

export async function auditTrail(ledger: Pick<Ledger, 'query'>, chainId: number, f: AuditFilter): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  const where = ["chain_id = $1", "status <> 'voided'"];
  const values: unknown[] = [chainId];
  if (f.investor) where.push(`exists (select 1 from jsonb_each_text(args) kv where lower(kv.value) = $${values.push(f.investor.toLowerCase())})`);
  if (f.events) where.push(`event = any($${values.push(f.events)}::text[])`);
  if (f.period) where.push(`block_time >= $${values.push(f.period.from)} and block_time < $${values.push(f.period.to)}`);
  if (f.cursor) {
    const [block, log] = parseAuditCursor(f.cursor);
    where.push(`(block_number, log_index) < ($${values.push(block)}::bigint, $${values.push(log)}::integer)`);
  }
  const rows = await ledger.query<{ block_number: string; block_time: string; tx_hash: string; log_index: number; event: string; status: 'pending' | 'final'; args: Record<string, unknown> }>(
    // Ordered by the table's columns: the text aliases of the select would sort "6" after "58".
    `select block_number::text, block_time::text, tx_hash, log_index, event, status, args from registry_events where ${where.join(' and ')}
     order by registry_events.block_number desc, log_index desc limit $${values.push(f.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ blockNumber: r.block_number, blockTime: new Date(Number(r.block_time) * 1000).toISOString(), txHash: r.tx_hash, logIndex: r.log_index, event: r.event, status: r.status, args: r.args })),
    nextCursor: rows.length > f.limit && last ? `${last.block_number}-${last.log_index}` : null,
  };
}

const COLUMNS = ['block_number', 'block_time', 'tx_hash', 'log_index', 'event', 'status', 'args'] as const;

export function auditCsv(rows: AuditRow[]): string {
  const cells = (r: AuditRow) => [r.blockNumber, r.blockTime, r.txHash, r.logIndex, r.event, r.status, JSON.stringify(r.args)];
  return `${[COLUMNS.join(','), ...rows.map((r) => cells(r).map(csvCell).join(','))].join('\n')}\n`;
}
