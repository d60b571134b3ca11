/** The audit log's export: the keepers' /audit route, filtered as the officer asks, or why the filter is not valid. */
import { getAddress, isAddress } from 'viem';

export interface AuditExportForm {
  /** Event names of the group shown (none: every event). */
  events: string[];
  investor: string;
  /** yyyy-mm-dd, both or neither. */
  from: string;
  to: string;
}

export function auditExportPath(f: AuditExportForm): { path: string } | { problem: string } {
  const q = new URLSearchParams({ format: 'csv', limit: '500' });
  if (f.events.length > 0) q.set('event', f.events.join(','));
  const investor = f.investor.trim();
  if (investor) {
    if (!isAddress(investor, { strict: false })) return { problem: `"${investor}" is not a wallet address (0x and 40 hex digits).` };
    q.set('investor', getAddress(investor));
  }
  if (Boolean(f.from) !== Boolean(f.to)) return { problem: 'Give both dates of the period, or neither.' };
  if (f.from && f.to) {
    if (f.to < f.from) return { problem: `The period ends (${f.to}) before it starts (${f.from}).` };
    q.set('from', f.from);
    q.set('to', f.to);
  }
  return { path: `/audit?${q.toString()}` };
}
