import type { Ledger } from '../ledger/db.ts';

/** Shares have 18 decimals and the stablecoin 6 (the venue's tokens); amounts are reported as exact decimals. */
const SHARE_DECIMALS = 18;
const STABLE_DECIMALS = 6;

export interface Period {
  label: string;
  /** Inclusive start, unix seconds. */
  from: number;
  /** Exclusive end, unix seconds. */
  to: number;
}

/** Reports cover the years a venue can have traded in: not before the Unix epoch, not past 9999. */
const FIRST_YEAR = 1970;

/** "2026Q3" -> 1 July 2026 00:00 UTC to 1 October 2026 00:00 UTC. */
export function parseQuarter(quarter: string): Period {
  const match = /^(\d{4})Q([1-4])$/.exec(quarter);
  if (!match) throw new Error(`quarter must look like 2026Q3 (got "${quarter}")`);
  const year = Number(match[1]);
  if (year < FIRST_YEAR) throw new Error(`quarter must be in ${FIRST_YEAR} or later (got "${quarter}")`);
  const q = Number(match[2]);
  return { label: quarter, from: Date.UTC(year, (q - 1) * 3, 1) / 1000, to: Date.UTC(year, q * 3, 1) / 1000 };
}

/** A calendar day "2026-07-01" as unix seconds at 00:00 UTC; a day that doesn't exist (2026-02-30) is refused. */
function parseDay(s: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : Number.NaN;
  // Date.parse rolls 2026-02-30 over to 2 March; a real day prints back as itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) throw new Error(`${name} must be a calendar date like 2026-07-01 (got "${s}")`);
  if (new Date(ms).getUTCFullYear() < FIRST_YEAR) throw new Error(`${name} must be in ${FIRST_YEAR} or later (got "${s}")`);
  return ms / 1000;
}

/** "2026-07-01" .. "2026-09-30" -> that range of whole UTC days. */
export function parseDays(from: string, to: string): Period {
  const start = parseDay(from, '--from');
  const end = parseDay(to, '--to') + 86_400;
  if (end <= start) throw new Error('--to must not be before --from');
  return { label: `${from}..${to}`, from: start, to: end };
}

export function formatUnits(raw: string | bigint, decimals: number): string {
  const value = BigInt(raw);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const fraction = (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / base}${fraction ? `.${fraction}` : ''}`;
}

export interface VolumeLine {
  trades: number;
  shares: string;
  notional: string;
  uniqueInvestors: number;
}

export interface QuarterlyReport {
  chainId: number;
  period: Period;
  /** Only final trades count; pending ones (too few confirmations yet) are listed as excluded. */
  pendingExcluded: number;
  securities: (VolumeLine & { security: string; pools: string[] })[];
  total: VolumeLine;
  participants: { investor: string; trades: number; shares: string; notional: string }[];
}

interface SumRow {
  trades: string;
  shares: string;
  notional: string;
  investors: string;
}

const line = (r: SumRow): VolumeLine => ({
  trades: Number(r.trades),
  shares: formatUnits(r.shares ?? '0', SHARE_DECIMALS),
  notional: formatUnits(r.notional ?? '0', STABLE_DECIMALS),
  uniqueInvestors: Number(r.investors),
});

/** The figures an ATS files quarterly (Form ATS-R): per security and in total, and the list of participants. */
export async function quarterlyReport(ledger: Pick<Ledger, 'query'>, chainId: number, period: Period): Promise<QuarterlyReport> {
  const where = "chain_id = $1 and block_time >= $2 and block_time < $3 and status = 'final'";
  const params = [chainId, period.from, period.to];
  const sums = `count(*)::text as trades, coalesce(sum(security_amount), 0)::text as shares,
    coalesce(sum(stable_amount), 0)::text as notional, count(distinct investor)::text as investors`;
  const perSecurity = await ledger.query<SumRow & { security: string; pools: string }>(
    `select security, string_agg(distinct pool_name, ',') as pools, ${sums} from trades where ${where} group by security order by security`,
    params,
  );
  const [total] = await ledger.query<SumRow>(`select ${sums} from trades where ${where}`, params);
  const participants = await ledger.query<{ investor: string; trades: string; shares: string; notional: string }>(
    `select investor, count(*)::text as trades, sum(security_amount)::text as shares, sum(stable_amount)::text as notional
     from trades where ${where} group by investor order by investor`,
    params,
  );
  const [pending] = await ledger.query<{ n: string }>(
    "select count(*)::text as n from trades where chain_id = $1 and block_time >= $2 and block_time < $3 and status = 'pending'",
    params,
  );
  return {
    chainId,
    period,
    pendingExcluded: Number(pending.n),
    securities: perSecurity.map((r) => ({ security: r.security, pools: r.pools.split(','), ...line(r) })),
    total: line(total),
    participants: participants.map((p) => ({
      investor: p.investor,
      trades: Number(p.trades),
      shares: formatUnits(p.shares, SHARE_DECIMALS),
      notional: formatUnits(p.notional, STABLE_DECIMALS),
    })),
  };
}

export interface Statement {
  chainId: number;
  investor: string;
  period: Period;
  trades: { time: string; txHash: string; pool: string; side: string; shares: string; notional: string; price: string; status: string }[];
}

/** One investor's trade confirmations in a period (voided ones left out). */
export async function investorStatement(ledger: Pick<Ledger, 'query'>, chainId: number, investor: string, period: Period): Promise<Statement> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(investor)) throw new Error(`--investor must be an address (got "${investor}")`);
  const rows = await ledger.query<{ block_time: string; tx_hash: string; pool_name: string; side: string; security_amount: string; stable_amount: string; price: string; status: string }>(
    `select block_time, tx_hash, pool_name, side, security_amount::text, stable_amount::text, price::text, status from trades
     where chain_id = $1 and lower(investor) = lower($2) and block_time >= $3 and block_time < $4 and status <> 'voided'
     order by block_number, log_index`,
    [chainId, investor, period.from, period.to],
  );
  return {
    chainId,
    investor,
    period,
    trades: rows.map((r) => ({
      time: new Date(Number(r.block_time) * 1000).toISOString(),
      txHash: r.tx_hash,
      pool: r.pool_name,
      side: r.side,
      shares: formatUnits(r.security_amount, SHARE_DECIMALS),
      notional: formatUnits(r.stable_amount, STABLE_DECIMALS),
      price: r.price,
      status: r.status,
    })),
  };
}

export type ReportFormat = 'json' | 'csv' | 'html';

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
export const csvCell = (s: string | number) => (/[",\n]/.test(String(s)) ? `"${String(s).replace(/"/g, '""')}"` : String(s));

/** Renders a report as JSON, CSV (one section per table) or a self-contained HTML page. */
export function renderQuarterly(r: QuarterlyReport, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  const volume = [['security', 'pools', 'trades', 'shares', 'notional', 'unique investors'],
    ...r.securities.map((s) => [s.security, s.pools.join(' '), s.trades, s.shares, s.notional, s.uniqueInvestors]),
    ['total', '', r.total.trades, r.total.shares, r.total.notional, r.total.uniqueInvestors]];
  const people = [['investor', 'trades', 'shares', 'notional'], ...r.participants.map((p) => [p.investor, p.trades, p.shares, p.notional])];
  if (format === 'csv') {
    const table = (rows: (string | number)[][]) => rows.map((row) => row.map(csvCell).join(',')).join('\n');
    return `# Accredex quarterly report ${r.period.label}, chain ${r.chainId}; final trades only (${r.pendingExcluded} pending excluded)\n${table(volume)}\n\n${table(people)}\n`;
  }
  const table = (rows: (string | number)[][]) =>
    `<table><thead><tr>${rows[0].map((h) => `<th>${escapeHtml(String(h))}</th>`).join('')}</tr></thead><tbody>${rows
      .slice(1)
      .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Accredex quarterly report ${escapeHtml(r.period.label)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}</style></head>
<body><h1>Quarterly report ${escapeHtml(r.period.label)}</h1><p>Chain ${r.chainId}. Final trades only; ${r.pendingExcluded} pending excluded.</p>
<h2>Volume</h2>${table(volume)}<h2>Participants</h2>${table(people)}</body></html>\n`;
}

/** A statement as JSON or CSV. */
export function renderStatement(st: Statement, format: ReportFormat): string {
  if (format === 'html') throw new Error('a statement is json or csv (html is for quarterly reports)');
  if (format === 'json') return JSON.stringify(st, null, 2);
  const header = ['time', 'tx', 'pool', 'side', 'shares', 'notional', 'price', 'status'];
  const rows = st.trades.map((t) => [t.time, t.txHash, t.pool, t.side, t.shares, t.notional, t.price, t.status]);
  return `# Accredex statement for ${st.investor}, ${st.period.label}, chain ${st.chainId}\n${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}
