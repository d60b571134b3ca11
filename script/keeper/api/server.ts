import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { PublicClient } from 'viem';
import type { Ledger } from '../ledger/db.ts';
import { KEEPER } from '../settlement/indexer.ts';
import {
  investorStatement,
  parseDays,
  parseQuarter,
  quarterlyReport,
  renderQuarterly,
  renderStatement,
  type ReportFormat,
} from '../reports/reports.ts';

export interface ApiOptions {
  ledger: Ledger;
  client: PublicClient;
  chainId: number;
  host: string;
  port: number;
  /** How often the trade stream looks for new confirmations. */
  streamPollMs?: number;
}

interface TradeRow {
  tx_hash: string;
  log_index: number;
  block_number: string;
  [column: string]: unknown;
}

const MAX_PAGE = 500;

/** A cursor is the last row's (block, log index), opaque to clients. */
const encodeCursor = (row: TradeRow) => Buffer.from(`${row.block_number}:${row.log_index}`).toString('base64url');
function decodeCursor(cursor: string): [string, number] {
  const [block, index] = Buffer.from(cursor, 'base64url').toString().split(':');
  if (!/^\d+$/.test(block ?? '') || !/^\d+$/.test(index ?? '')) throw new HttpError(400, 'cursor is not one this API issued');
  return [block, Number(index)];
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const TRADE_FILTERS = {
  pool: 'pool_id',
  investor: 'investor',
  security: 'security',
  status: 'status',
  side: 'side',
} as const;

/**
 * The keepers' read-only HTTP API, on loopback by default. The swap path never depends on it.
 *   GET /health                  chain head, ledger checkpoint, lag in blocks
 *   GET /trades?pool=&investor=&security=&side=&status=&limit=&cursor=
 *                                trade confirmations, oldest first, cursor paging
 *   GET /trades/stream?pool=&investor=&...
 *                                Server-Sent Events: each confirmation as it is recorded, finalized or voided
 *                                (`?cursor=` or Last-Event-ID resumes)
 *   GET /quotes/latest?pool=      the newest quote board of each pool (or one)
 *   GET /quotes/history?pool=&limit=
 *                                a pool's boards, newest first
 *   GET /alerts?kind=&severity=&limit=&cursor=&voided=include
 *                                compliance alerts, newest first (voided ones only on request)
 *   GET /reports/quarterly?quarter=2026Q3&format=json|csv|html
 *   GET /reports/statement?investor=0x..&from=2026-07-01&to=2026-09-30&format=json|csv
 */
export function startApi(o: ApiOptions): Promise<Server> {
  const server = createServer((req, res) => {
    // A read-only API of public ledger data: the dashboard, served from another origin, may read it.
    res.setHeader('access-control-allow-origin', '*');
    handle(o, req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) json(res, status, { error: err instanceof Error ? err.message : String(err) });
      else res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}

async function handle(o: ApiOptions, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://api');
  if (req.method !== 'GET') throw new HttpError(405, 'read-only API: GET only');
  if (url.pathname === '/health') return json(res, 200, await health(o));
  if (url.pathname === '/trades') return json(res, 200, await trades(o, url.searchParams));
  if (url.pathname === '/trades/stream') return stream(o, url.searchParams, req, res);
  if (url.pathname === '/alerts') return json(res, 200, await alerts(o, url.searchParams));
  if (url.pathname === '/quotes/latest') return json(res, 200, await latestQuotes(o, url.searchParams));
  if (url.pathname === '/quotes/history') return json(res, 200, await quoteHistory(o, url.searchParams));
  if (url.pathname === '/reports/quarterly') return report(o, url.searchParams, res);
  if (url.pathname === '/reports/statement') return statement(o, url.searchParams, res);
  throw new HttpError(404, `no route ${url.pathname}`);
}

async function health(o: ApiOptions) {
  const checkpoints = await o.ledger.query<{ keeper: string; block_number: string; updated_at: string }>(
    'select keeper, block_number, updated_at from checkpoints where chain_id = $1',
    [o.chainId],
  );
  const cp = checkpoints.find((c) => c.keeper === KEEPER);
  const monitor = checkpoints.find((c) => c.keeper === 'monitor');
  const head = await o.client.getBlockNumber({ cacheTime: 0 }).catch(() => undefined);
  const checkpoint = cp ? Number(cp.block_number) : undefined;
  return {
    chainId: o.chainId,
    head: head === undefined ? null : Number(head),
    settlement: { checkpoint: checkpoint ?? null, updatedAt: cp?.updated_at ?? null },
    monitor: { checkpoint: monitor ? Number(monitor.block_number) : null, updatedAt: monitor?.updated_at ?? null },
    lagBlocks: head !== undefined && checkpoint !== undefined ? Number(head) - checkpoint : null,
    rpc: head === undefined ? 'unreachable' : 'ok',
    // Under npm start, how often the supervisor has restarted this process, and how the last one ended.
    process: { pid: process.pid, restarts: Number(process.env.ACCREDEX_SUPERVISED_RESTARTS ?? 0), lastExit: process.env.ACCREDEX_SUPERVISED_LAST_EXIT ?? null },
  };
}

function tradeQuery(o: ApiOptions, params: URLSearchParams, after?: [string, number]) {
  const where = ['chain_id = $1'];
  const values: unknown[] = [o.chainId];
  for (const [param, column] of Object.entries(TRADE_FILTERS)) {
    const value = params.get(param);
    if (value === null) continue;
    values.push(column === 'investor' || column === 'security' ? normalizeAddress(param, value) : value);
    where.push(`${column === 'investor' || column === 'security' ? `lower(${column})` : column} = $${values.length}`);
  }
  if (after) {
    values.push(after[0], after[1]);
    where.push(`(block_number, log_index) > ($${values.length - 1}::bigint, $${values.length}::integer)`);
  }
  return { where: where.join(' and '), values };
}

function normalizeAddress(param: string, value: string) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new HttpError(400, `${param} must be an address`);
  return value.toLowerCase();
}

async function trades(o: ApiOptions, params: URLSearchParams) {
  const limit = params.has('limit') ? Number(params.get('limit')) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new HttpError(400, `limit must be 1 to ${MAX_PAGE}`);
  const status = params.get('status');
  if (status !== null && !['pending', 'final', 'voided'].includes(status)) throw new HttpError(400, 'status must be pending, final or voided');
  const cursor = params.get('cursor');
  const { where, values } = tradeQuery(o, params, cursor ? decodeCursor(cursor) : undefined);
  values.push(limit + 1);
  const rows = await o.ledger.query<TradeRow>(
    `select * from trades where ${where} order by block_number, log_index limit $${values.length}`,
    values,
  );
  const page = rows.slice(0, limit);
  return { items: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
}

/**
 * SSE: every change to a trade confirmation, in order: recorded (pending or final), finalized, voided by a reorg,
 * revived. Each event carries the row as it now is (a row that changed twice between two polls is sent once, as it
 * ended); a client keeps the latest per (tx_hash, log_index). The event id
 * is the ledger's change number, so `?cursor=` or a reconnecting EventSource's Last-Event-ID resumes exactly; without
 * either the stream starts at the present. It polls the ledger, so any keeper process may write it.
 */
async function stream(o: ApiOptions, params: URLSearchParams, req: IncomingMessage, res: ServerResponse) {
  const resumeFrom = params.get('cursor') ?? req.headers['last-event-id'];
  let after: string;
  if (typeof resumeFrom === 'string') {
    if (!/^\d+$/.test(resumeFrom)) throw new HttpError(400, 'cursor must be the id of an event from this stream');
    after = resumeFrom;
  } else {
    const [last] = await o.ledger.query<{ seq: string | null }>('select max(change_seq)::text as seq from trades where chain_id = $1', [o.chainId]);
    after = last?.seq ?? '0';
  }
  const { where, values } = tradeQuery(o, params);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(': accredex trade confirmations\n\n');
  let open = true;
  req.on('close', () => (open = false));
  while (open) {
    const rows = await o.ledger.query<TradeRow & { change_seq: string }>(
      `select * from trades where ${where} and change_seq > $${values.length + 1} order by change_seq limit 500`,
      [...values, after],
    );
    for (const row of rows) {
      res.write(`id: ${row.change_seq}\nevent: trade\ndata: ${JSON.stringify(row)}\n\n`);
      after = row.change_seq;
    }
    if (rows.length < 500) await new Promise((r) => setTimeout(r, o.streamPollMs ?? 500));
  }
}

function poolParam(params: URLSearchParams, required: boolean): string | undefined {
  const pool = params.get('pool');
  if (pool === null) {
    if (required) throw new HttpError(400, 'pool is required (a pool id)');
    return undefined;
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(pool)) throw new HttpError(400, 'pool must be a pool id (32 bytes, hex)');
  return pool.toLowerCase();
}

async function latestQuotes(o: ApiOptions, params: URLSearchParams) {
  const pool = poolParam(params, false);
  const rows = await o.ledger.query(
    `select distinct on (pool_id) * from quotes where chain_id = $1 ${pool ? 'and lower(pool_id) = $2' : ''}
     order by pool_id, block_number desc`,
    pool ? [o.chainId, pool] : [o.chainId],
  );
  return { items: rows };
}

async function quoteHistory(o: ApiOptions, params: URLSearchParams) {
  const pool = poolParam(params, true);
  const limit = params.has('limit') ? Number(params.get('limit')) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new HttpError(400, `limit must be 1 to ${MAX_PAGE}`);
  const rows = await o.ledger.query(
    'select * from quotes where chain_id = $1 and lower(pool_id) = $2 order by block_number desc limit $3',
    [o.chainId, pool, limit],
  );
  return { items: rows };
}

async function alerts(o: ApiOptions, params: URLSearchParams) {
  const limit = params.has('limit') ? Number(params.get('limit')) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new HttpError(400, `limit must be 1 to ${MAX_PAGE}`);
  // Alerts of blocks a reorganization removed are kept, voided; they are shown only when asked for.
  const where = params.get('voided') === 'include' ? ['chain_id = $1'] : ['chain_id = $1', 'voided_at is null'];
  const values: unknown[] = [o.chainId];
  for (const column of ['kind', 'severity'] as const) {
    const value = params.get(column);
    if (value !== null) where.push(`${column} = $${values.push(value)}`);
  }
  const cursor = params.get('cursor');
  if (cursor !== null) {
    if (!/^\d+$/.test(cursor)) throw new HttpError(400, 'cursor is not one this API issued');
    where.push(`id < $${values.push(cursor)}`);
  }
  values.push(limit + 1);
  const rows = await o.ledger.query<{ id: string }>(`select * from alerts where ${where.join(' and ')} order by id desc limit $${values.length}`, values);
  const page = rows.slice(0, limit);
  return { items: page, nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null };
}

const CONTENT_TYPES: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv', html: 'text/html' };

function formatOf(params: URLSearchParams): ReportFormat {
  const format = params.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'html') throw new HttpError(400, 'format must be json, csv or html');
  return format;
}

/** Turns a parse error of the reports module into a 400 that names the problem. */
async function asBadRequest<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new HttpError(400, (err as Error).message.replace(/--/g, ''));
  }
}

async function report(o: ApiOptions, params: URLSearchParams, res: ServerResponse) {
  const format = formatOf(params);
  const period = await asBadRequest(() => parseQuarter(params.get('quarter') ?? ''));
  res.writeHead(200, { 'content-type': CONTENT_TYPES[format] });
  res.end(renderQuarterly(await quarterlyReport(o.ledger, o.chainId, period), format));
}

async function statement(o: ApiOptions, params: URLSearchParams, res: ServerResponse) {
  const format = formatOf(params);
  const period = await asBadRequest(() => parseDays(params.get('from') ?? '', params.get('to') ?? ''));
  const st = await asBadRequest(() => investorStatement(o.ledger, o.chainId, params.get('investor') ?? '', period));
  const body = await asBadRequest(() => renderStatement(st, format));
  res.writeHead(200, { 'content-type': CONTENT_TYPES[format] });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
