import { erc20Abi, type Address, type PublicClient } from 'viem';
import type { Ledger } from '../ledger/db.ts';
import { renderPdf } from './pdf.ts';

/** Shares have 18 decimals and the stablecoin 6 (the venue's tokens); amounts are reported as exact decimals. */
export const SHARE_DECIMALS = 18;
export const STABLE_DECIMALS = 6;

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
  /** Stablecoin traded, exact. */
  notional: string;
  /** Investors (identities, not wallets) who traded. */
  uniqueInvestors: number;
  /** The pools' LP fees on buys, paid in the stablecoin. */
  feesStable: string;
}

/** One security's figures: its shares are reported for it alone, never added to another security's. */
export interface SecurityLine extends VolumeLine {
  security: string;
  name: string | null;
  symbol: string | null;
  pools: string[];
  shares: string;
  /** The pools' LP fees on sells, paid in this security's shares. */
  feesShares: string;
}

export interface QuarterlyReport {
  venue: string;
  chainId: number;
  period: Period;
  generatedAt: string;
  /** Only final trades count; pending ones (too few confirmations yet) are listed as excluded. */
  pendingExcluded: number;
  securities: SecurityLine[];
  /** Across securities: trades, stablecoin and investors only (shares of different securities are never summed). */
  total: VolumeLine;
  /** Each investor (identity) per security, with the wallets it traded from. */
  participants: { identity: string; wallets: string[]; security: string; symbol: string | null; trades: number; shares: string; notional: string }[];
}

/** What the ledger does not hold: the venue's name and each security's name and symbol, read from the chain. */
export interface ReportContext {
  venue?: string;
  securities?: Record<string, { name: string; symbol: string }>;
  now?: Date;
}

interface SumRow {
  trades: string;
  notional: string;
  investors: string;
  fees_stable: string;
}

const line = (r: SumRow): VolumeLine => ({
  trades: Number(r.trades),
  notional: formatUnits(r.notional ?? '0', STABLE_DECIMALS),
  uniqueInvestors: Number(r.investors),
  feesStable: formatUnits(r.fees_stable ?? '0', STABLE_DECIMALS),
});

/**
 * Each trade with the identity of its wallet: every registered wallet was linked to its identity by a WalletLinked
 * event (a roster row too), and a wallet's identity never changes; a wallet the ledger has no link for stands alone.
 */
const TRADES_BY_IDENTITY = `with links as (
    select distinct on (lower(args->>'wallet')) lower(args->>'wallet') as wallet, args->>'identity' as identity
    from registry_events where chain_id = $1 and event = 'WalletLinked' and status <> 'voided'
    order by lower(args->>'wallet'), block_number
  ), t as (
    select trades.*, coalesce(links.identity, lower(trades.investor)) as identity from trades left join links on links.wallet = lower(trades.investor)
    where trades.chain_id = $1 and block_time >= $2 and block_time < $3 and status = 'final'
  )`;

const sums = `count(*)::text as trades, coalesce(sum(stable_amount), 0)::text as notional, count(distinct identity)::text as investors,
  coalesce(sum(fee_amount) filter (where side = 'buy'), 0)::text as fees_stable`;

/** The figures an ATS files quarterly (Form ATS-R): per security, across securities, and its participants. */
export async function quarterlyReport(ledger: Pick<Ledger, 'query'>, chainId: number, period: Period, ctx: ReportContext = {}): Promise<QuarterlyReport> {
  const params = [chainId, period.from, period.to];
  const perSecurity = await ledger.query<SumRow & { security: string; pools: string; shares: string; fees_shares: string }>(
    `${TRADES_BY_IDENTITY} select security, string_agg(distinct pool_name, ',') as pools, ${sums}, coalesce(sum(security_amount), 0)::text as shares,
       coalesce(sum(fee_amount) filter (where side = 'sell'), 0)::text as fees_shares
     from t group by security order by security`,
    params,
  );
  const [total] = await ledger.query<SumRow>(`${TRADES_BY_IDENTITY} select ${sums} from t`, params);
  const participants = await ledger.query<{ identity: string; security: string; wallets: string; trades: string; shares: string; notional: string }>(
    `${TRADES_BY_IDENTITY} select identity, security, string_agg(distinct investor, ',') as wallets, count(*)::text as trades,
       sum(security_amount)::text as shares, sum(stable_amount)::text as notional
     from t group by identity, security order by identity, security`,
    params,
  );
  const [pending] = await ledger.query<{ n: string }>(
    "select count(*)::text as n from trades where chain_id = $1 and block_time >= $2 and block_time < $3 and status = 'pending'",
    params,
  );
  const meta = (security: string) => ctx.securities?.[security.toLowerCase()];
  return {
    venue: ctx.venue ?? 'Accredex',
    chainId,
    period,
    generatedAt: (ctx.now ?? new Date()).toISOString(),
    pendingExcluded: Number(pending.n),
    securities: perSecurity.map((r) => ({
      security: r.security,
      name: meta(r.security)?.name ?? null,
      symbol: meta(r.security)?.symbol ?? null,
      pools: r.pools.split(','),
      ...line(r),
      shares: formatUnits(r.shares, SHARE_DECIMALS),
      feesShares: formatUnits(r.fees_shares, SHARE_DECIMALS),
    })),
    total: line(total),
    participants: participants.map((p) => ({
      identity: p.identity,
      wallets: p.wallets.split(','),
      security: p.security,
      symbol: meta(p.security)?.symbol ?? null,
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

export type ReportFormat = 'json' | 'csv' | 'html' | 'pdf';

export const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
export const csvCell = (s: string | number) => (/[",\n]/.test(String(s)) ? `"${String(s).replace(/"/g, '""')}"` : String(s));

/** Renders a report as JSON, CSV (one section per table) or a self-contained HTML page. */
export function renderQuarterly(r: QuarterlyReport, format: Exclude<ReportFormat, 'pdf'>): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  const named = (s: { security: string; symbol: string | null; name?: string | null }) => (s.symbol ? `${s.symbol}${s.name ? ` (${s.name})` : ''}` : s.security);
  const volume = [['security', 'identifier', 'pools', 'trades', 'shares', 'notional (stablecoin)', 'unique investors', 'LP fees (stablecoin)', 'LP fees (shares)'],
    ...r.securities.map((s) => [named(s), s.security, s.pools.join(' '), s.trades, s.shares, s.notional, s.uniqueInvestors, s.feesStable, s.feesShares]),
    ['all securities', '', '', r.total.trades, '', r.total.notional, r.total.uniqueInvestors, r.total.feesStable, '']];
  const people = [['identity', 'wallets', 'security', 'trades', 'shares', 'notional (stablecoin)'],
    ...r.participants.map((p) => [p.identity, p.wallets.join(' '), p.symbol ?? p.security, p.trades, p.shares, p.notional])];
  const heading = `${r.venue} quarterly report (Form ATS-R figures) ${r.period.label}, chain ${r.chainId}, generated ${r.generatedAt}; final trades only (${r.pendingExcluded} pending excluded); shares of different securities are never added together`;
  if (format === 'csv') {
    const table = (rows: (string | number)[][]) => rows.map((row) => row.map(csvCell).join(',')).join('\n');
    return `# ${heading}\n${table(volume)}\n\n${table(people)}\n`;
  }
  const table = (rows: (string | number)[][]) =>
    `<table><thead><tr>${rows[0].map((h) => `<th>${escapeHtml(String(h))}</th>`).join('')}</tr></thead><tbody>${rows
      .slice(1)
      .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.venue)} quarterly report ${escapeHtml(r.period.label)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}</style></head>
<body><h1>${escapeHtml(r.venue)}: quarterly report ${escapeHtml(r.period.label)}</h1><p>${escapeHtml(heading)}.</p>
<h2>Volume</h2>${table(volume)}<h2>Participants</h2>${table(people)}</body></html>\n`;
}

/** Per security, what a statement's trades add up to: shares bought and sold, stablecoin paid and received. */
export function statementTotals(st: Statement): { pool: string; bought: string; sold: string; paid: string; received: string; trades: number }[] {
  const by = new Map<string, { bought: bigint; sold: bigint; paid: bigint; received: bigint; trades: number }>();
  const units = (text: string, decimals: number) => {
    const [whole, fraction = ''] = text.split('.');
    return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  };
  for (const t of st.trades) {
    const e = by.get(t.pool) ?? { bought: 0n, sold: 0n, paid: 0n, received: 0n, trades: 0 };
    const shares = units(t.shares, SHARE_DECIMALS);
    const stable = units(t.notional, STABLE_DECIMALS);
    if (t.side === 'buy') (e.bought += shares), (e.paid += stable);
    else (e.sold += shares), (e.received += stable);
    e.trades++;
    by.set(t.pool, e);
  }
  return [...by].map(([pool, e]) => ({
    pool, trades: e.trades,
    bought: formatUnits(e.bought, SHARE_DECIMALS), sold: formatUnits(e.sold, SHARE_DECIMALS),
    paid: formatUnits(e.paid, STABLE_DECIMALS), received: formatUnits(e.received, STABLE_DECIMALS),
  }));
}

/** A statement as JSON, CSV, a self-contained HTML page or a PDF: its trades, and their totals per pool. */
export function renderStatement(st: Statement, format: ReportFormat): string | Uint8Array {
  if (format === 'json') return JSON.stringify(st, null, 2);
  const heading = `Accredex statement for ${st.investor}, ${st.period.label}, chain ${st.chainId}`;
  const header = ['time', 'tx', 'pool', 'side', 'shares', 'notional', 'price', 'status'];
  const rows = st.trades.map((t) => [t.time, t.txHash, t.pool, t.side, t.shares, t.notional, t.price, t.status]);
  if (format === 'csv') return `# ${heading}\n${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
  const totals = statementTotals(st);
  const totalLine = (t: (typeof totals)[number]) => `${t.pool}: ${t.trades} trade(s); bought ${t.bought} shares for ${t.paid} stablecoin; sold ${t.sold} shares for ${t.received} stablecoin`;
  const none = 'No trades in this period.';
  if (format === 'pdf') {
    return renderPdf({
      title: heading,
      createdAt: new Date(),
      lines: [
        { text: 'Accredex: account statement', size: 16, bold: true },
        { text: `${st.period.label} (UTC), chain ${st.chainId}`, space: 4 },
        { text: `Investor wallet ${st.investor}` },
        { text: 'Totals by pool', bold: true, space: 12 },
        ...(totals.length ? totals.map((t) => ({ text: totalLine(t) })) : [{ text: none }]),
        { text: 'Trades', bold: true, space: 12 },
        ...st.trades.map((t) => ({ text: `${t.time}  ${t.side === 'buy' ? 'Bought' : 'Sold'} ${t.shares} shares in ${t.pool} at ${t.price} for ${t.notional} stablecoin (${t.status}); tx ${t.txHash}`, size: 9 })),
        { text: 'Accredex is not a member of the Securities Investor Protection Corporation (SIPC). Each trade has its own confirmation.', size: 8, space: 14 },
      ],
    });
  }
  const table = (head: string[], body: (string | number)[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head>
<body><h1>Accredex: account statement</h1><p>${escapeHtml(heading)}.</p>
<h2>Totals by pool</h2>${totals.length ? table(['pool', 'trades', 'shares bought', 'stablecoin paid', 'shares sold', 'stablecoin received'], totals.map((t) => [t.pool, t.trades, t.bought, t.paid, t.sold, t.received])) : `<p>${none}</p>`}
<h2>Trades</h2>${rows.length ? table(header, rows) : `<p>${none}</p>`}
<p>Accredex is not a member of the Securities Investor Protection Corporation (SIPC). Each trade has its own confirmation.</p></body></html>\n`;
}

/** The report's context from the chain: each pool security's ERC-20 name and symbol (a report names what it counts). */
export async function securityNames(client: { readContract: PublicClient['readContract'] }, securities: readonly Address[]): Promise<Record<string, { name: string; symbol: string }>> {
  const entries = await Promise.all([...new Set(securities)].map(async (address) => {
    const [name, symbol] = await Promise.all([
      client.readContract({ address, abi: erc20Abi, functionName: 'name' }),
      client.readContract({ address, abi: erc20Abi, functionName: 'symbol' }),
    ]);
    return [address.toLowerCase(), { name, symbol }] as const;
  }));
  return Object.fromEntries(entries);
}
