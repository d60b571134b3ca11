/**
 * The investor's history: their trades and liquidity events from the keepers' API, newest first, filtered, exported as
 * CSV with "you" where their own address would be; the links to each trade's confirmation; and the statement periods
 * (months and quarters) the API can render.
 */
import { apiUrlOf } from '../../lib/api.ts';
import { uintOf, type Trade, type TradeStatus } from '../market/logic.ts';

/** Liquidity added (positive) or removed (negative) through the gate, as `/liquidity` rows carry it. */
export interface LiquidityEvent {
  key: string;
  txHash: string;
  logIndex: number;
  poolId: string;
  tickLower: number;
  tickUpper: number;
  liquidityDelta: bigint;
  blockNumber: bigint;
  blockTime: number;
  status: TradeStatus;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const STATUSES: readonly string[] = ['pending', 'final', 'voided'];

/** A `/liquidity` row, or undefined if it isn't one. */
export function parseLiquidityRow(raw: unknown): LiquidityEvent | undefined {
  if (!isRecord(raw)) return undefined;
  const { tx_hash: txHash, pool_id: poolId, status } = raw;
  const logIndex = uintOf(raw.log_index);
  const blockNumber = uintOf(raw.block_number);
  const blockTime = uintOf(raw.block_time);
  const delta = typeof raw.liquidity_delta === 'string' && /^-?\d+$/.test(raw.liquidity_delta) ? BigInt(raw.liquidity_delta) : undefined;
  const tick = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
  const [tickLower, tickUpper] = [tick(raw.tick_lower), tick(raw.tick_upper)];
  if (typeof txHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(txHash) || typeof poolId !== 'string') return undefined;
  if (typeof status !== 'string' || !STATUSES.includes(status)) return undefined;
  if (logIndex === undefined || blockNumber === undefined || blockTime === undefined || delta === undefined || tickLower === undefined || tickUpper === undefined) return undefined;
  return { key: `${txHash.toLowerCase()}:${logIndex}`, txHash, logIndex: Number(logIndex), poolId, tickLower, tickUpper, liquidityDelta: delta, blockNumber, blockTime: Number(blockTime), status: status as TradeStatus };
}

/** A page of `/liquidity`. */
export function parseLiquidityPage(raw: unknown): { events: LiquidityEvent[]; nextCursor: string | null } {
  if (!isRecord(raw) || !Array.isArray(raw.items) || (raw.nextCursor !== null && typeof raw.nextCursor !== 'string')) {
    throw new Error("The keepers' API sent a liquidity page this dashboard doesn't understand");
  }
  return { events: raw.items.map(parseLiquidityRow).filter((e): e is LiquidityEvent => e !== undefined), nextCursor: raw.nextCursor };
}

export type HistoryKind = 'buy' | 'sell' | 'add' | 'remove';

export interface HistoryRow {
  key: string;
  kind: HistoryKind;
  poolId: string;
  blockTime: number;
  blockNumber: bigint;
  txHash: string;
  logIndex: number;
  status: TradeStatus;
  /** Trades: shares and stablecoin (raw) and the price. */
  shares?: bigint;
  stable?: bigint;
  price?: string;
  /** Liquidity events: the liquidity added or removed (positive) and the position's range. */
  liquidity?: bigint;
  range?: [number, number];
}

/** Trades and liquidity events as one history, newest first; voided rows (a reorganization took them) are left out. */
export function historyRows(trades: readonly Trade[], liquidity: readonly LiquidityEvent[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const t of trades) {
    if (t.status === 'voided' || t.txHash === undefined || t.logIndex === undefined || t.blockNumber === undefined) continue;
    rows.push({ key: t.key, kind: t.side, poolId: t.poolId, blockTime: t.blockTime, blockNumber: t.blockNumber, txHash: t.txHash, logIndex: t.logIndex, status: t.status, shares: t.securityAmount, stable: t.stableAmount, price: t.price });
  }
  for (const e of liquidity) {
    if (e.status === 'voided' || e.liquidityDelta === 0n) continue;
    const add = e.liquidityDelta > 0n;
    rows.push({ key: e.key, kind: add ? 'add' : 'remove', poolId: e.poolId, blockTime: e.blockTime, blockNumber: e.blockNumber, txHash: e.txHash, logIndex: e.logIndex, status: e.status, liquidity: add ? e.liquidityDelta : -e.liquidityDelta, range: [e.tickLower, e.tickUpper] });
  }
  return rows.sort((a, b) => (a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1));
}

export type HistoryFilter = { kind: 'all' | 'trades' | 'liquidity' | HistoryKind; poolId: 'all' | string };

export function filterHistory(rows: readonly HistoryRow[], f: HistoryFilter): HistoryRow[] {
  return rows.filter((r) => {
    if (f.poolId !== 'all' && r.poolId.toLowerCase() !== f.poolId.toLowerCase()) return false;
    if (f.kind === 'all') return true;
    if (f.kind === 'trades') return r.kind === 'buy' || r.kind === 'sell';
    if (f.kind === 'liquidity') return r.kind === 'add' || r.kind === 'remove';
    return r.kind === f.kind;
  });
}

export const KIND_LABEL: Record<HistoryKind, string> = { buy: 'Bought', sell: 'Sold', add: 'Added liquidity', remove: 'Removed liquidity' };

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const exact = (raw: bigint | undefined, decimals: number) => {
  if (raw === undefined) return '';
  const base = 10n ** BigInt(decimals);
  const fraction = (raw % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${raw / base}${fraction ? `.${fraction}` : ''}`;
};

/** The history as CSV: exact amounts, ISO times, and "you" as the investor (the file is about its reader). */
export function historyCsv(rows: readonly HistoryRow[], poolName: (poolId: string) => string): string {
  const header = ['time', 'investor', 'action', 'pool', 'shares', 'stablecoin', 'price', 'liquidity', 'tick range', 'status', 'transaction', 'log index'];
  const lines = rows.map((r) => [
    new Date(r.blockTime * 1000).toISOString(), 'you', KIND_LABEL[r.kind], poolName(r.poolId), exact(r.shares, 18), exact(r.stable, 6), r.price ?? '',
    r.liquidity?.toString() ?? '', r.range ? `${r.range[0]}..${r.range[1]}` : '', r.status, r.txHash, String(r.logIndex),
  ]);
  return `${[header, ...lines].map((l) => l.map(csvCell).join(',')).join('\n')}\n`;
}

/** Where a trade's confirmation is, as a page and as a PDF (the session cookie opens them). */
export function confirmationLinks(apiUrl: string, txHash: string, logIndex: number): { html: string; pdf: string } {
  const at = apiUrlOf(apiUrl, `/trades/confirmation?tx=${txHash}&log=${logIndex}`);
  return { html: `${at}&format=html`, pdf: `${at}&format=pdf` };
}

export interface StatementPeriod {
  kind: 'month' | 'quarter';
  label: string;
  /** First and last day, inclusive, as the API takes them. */
  from: string;
  to: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * The statement periods to offer at `now` (unix seconds, chain time): this month and the eleven before it, and this
 * quarter and the three before it, newest first, in UTC as the API counts them. None before `since` (the first trade).
 */
export function statementPeriods(now: number, since?: number): StatementPeriod[] {
  const d = new Date(now * 1000);
  const [year, month] = [d.getUTCFullYear(), d.getUTCMonth()];
  const out: StatementPeriod[] = [];
  const keep = (endMs: number) => since === undefined || endMs > since * 1000;
  for (let i = 0; i < 12; i++) {
    const start = Date.UTC(year, month - i, 1);
    const end = Date.UTC(year, month - i + 1, 1);
    if (!keep(end)) break;
    const s = new Date(start);
    out.push({ kind: 'month', label: `${MONTHS[s.getUTCMonth()]} ${s.getUTCFullYear()}`, from: day(start), to: day(end - 86_400_000) });
  }
  const quarter = Math.floor(month / 3);
  for (let i = 0; i < 4; i++) {
    const start = Date.UTC(year, (quarter - i) * 3, 1);
    const end = Date.UTC(year, (quarter - i + 1) * 3, 1);
    if (!keep(end)) break;
    const s = new Date(start);
    out.push({ kind: 'quarter', label: `${s.getUTCFullYear()} Q${Math.floor(s.getUTCMonth() / 3) + 1}`, from: day(start), to: day(end - 86_400_000) });
  }
  return out;
}

export const statementLink = (apiUrl: string, p: StatementPeriod, format: 'html' | 'pdf' | 'csv') =>
  apiUrlOf(apiUrl, `/reports/statement?from=${p.from}&to=${p.to}&format=${format}`);
