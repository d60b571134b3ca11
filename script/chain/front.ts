/**
 * The chain's public JSON-RPC endpoint. Calls that change the chain go to the executor (journaled, then answered);
 * reads go straight to anvil, except that
 *  - nothing newer than the newest durable block is shown: while a block is being committed, "latest" means the
 *    block before it, so no one ever sees a block a crash could take back;
 *  - blocks, transactions, receipts and logs at or below the archive's head come from the archive, since a
 *    restarted anvil holds only the blocks after its snapshot.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Hex } from 'viem';
import type { Archive, ArchivedBlock, LogFilter, RpcLog } from './archive.ts';
import { UNAVAILABLE, type Executor, type Outcome } from './executor.ts';
import { BLOCK_PARAM, HISTORY_METHODS, isMutation } from './methods.ts';
import { hex, num, RpcError, type Rpc, type RpcResponse } from './rpc.ts';

/** The largest request body taken (a batch of contract creations fits easily). */
const MAX_BODY = 64 * 1024 * 1024;

export interface FrontOptions {
  host: string;
  port: number;
  executor: Executor;
  anvil: Rpc;
  archive: Archive;
  /** The oldest block whose transactions the served anvil still holds (it keeps only the newest ones). */
  heldFrom: () => number;
  chainId: () => number;
  /** What GET /health answers. */
  health: () => Record<string, unknown>;
}

interface RpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method: string;
  params?: unknown[];
}

const TAGS = new Set(['latest', 'pending', 'safe', 'finalized']);
const isHash = (v: unknown): v is Hex => typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v);

/** The block a tag or number names, given the newest durable block; undefined for a hash (EIP-1898) or garbage. */
export function blockNumberOf(tag: unknown, durable: number): number | undefined {
  if (tag === undefined || tag === null) return durable;
  if (typeof tag === 'object' && 'blockNumber' in (tag as object)) return blockNumberOf((tag as { blockNumber: unknown }).blockNumber, durable);
  if (typeof tag !== 'string') return undefined;
  if (TAGS.has(tag)) return durable;
  if (tag === 'earliest') return 0;
  if (/^0x[0-9a-fA-F]{1,16}$/.test(tag)) return num(tag);
  return undefined;
}

const fullOrHashes = (b: ArchivedBlock, full: unknown) => (full ? b.block : { ...b.block, transactions: b.block.transactions.map((t) => t.hash) });

export function startFront(o: FrontOptions): Promise<Server> {
  const durable = () => o.executor.durable.number;
  /** Whether a newer block than the durable head exists on anvil (it is being committed). */
  const committing = () => o.executor.state.head.hash !== o.executor.durable.hash;

  const forward = async (method: string, params: unknown[]): Promise<unknown> => o.anvil.call(method, params);

  /** Drops a looked-up block, transaction or receipt that is not durable yet. */
  const durableOnly = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    const n = (v as { blockNumber?: Hex | null }).blockNumber ?? (v as { number?: Hex }).number;
    return n && num(n) > durable() ? null : v;
  };

  /**
   * Blocks the archive does not have yet and anvil no longer holds in full: only after a restart with a long backlog,
   * or while compaction keeps failing. Asked for, they are refused rather than served without their transactions.
   */
  const gap = (): { from: number; to: number } | undefined => {
    const from = o.archive.head + 1;
    const to = o.heldFrom() - 1;
    return to >= from ? { from, to } : undefined;
  };
  const unarchived = (g: { from: number; to: number }) =>
    new RpcError('history', UNAVAILABLE, `blocks ${g.from} to ${g.to} are being archived (compaction is catching up); ask again shortly`);
  const refuseGap = (from: number, to = from) => {
    const g = gap();
    if (g && from <= g.to && to >= g.from) throw unarchived(g);
  };

  async function archivedBlockOr(n: number | undefined, viaAnvil: () => Promise<unknown>, fromArchive: (b: ArchivedBlock) => unknown): Promise<unknown> {
    if (n !== undefined && n > durable()) return null;
    if (n !== undefined) refuseGap(n);
    if (n !== undefined && n <= o.archive.head) {
      const b = o.archive.block(n);
      return b ? fromArchive(b) : null;
    }
    return viaAnvil();
  }

  async function logs(filter: LogFilter & { blockHash?: Hex; fromBlock?: unknown; toBlock?: unknown }): Promise<RpcLog[]> {
    if (filter.blockHash !== undefined) {
      const n = o.archive.numberOfBlockHash(filter.blockHash);
      if (n !== undefined) return o.archive.logs({ ...filter, fromBlock: n, toBlock: n });
      const found = (await forward('eth_getLogs', [filter])) as RpcLog[];
      return found.filter((l) => num(l.blockNumber) <= durable());
    }
    const from = blockNumberOf(filter.fromBlock ?? 'latest', durable());
    const to = Math.min(blockNumberOf(filter.toBlock ?? 'latest', durable()) ?? Infinity, durable());
    if (from === undefined || !Number.isFinite(to)) return (await forward('eth_getLogs', [filter])) as RpcLog[];
    if (from > to) return [];
    const out: RpcLog[] = [];
    if (from <= o.archive.head) out.push(...o.archive.logs({ ...filter, fromBlock: from, toBlock: Math.min(to, o.archive.head) }));
    const anvilFrom = Math.max(from, o.archive.head + 1);
    if (anvilFrom <= to) {
      refuseGap(anvilFrom, to);
      out.push(...((await forward('eth_getLogs', [{ ...filter, fromBlock: hex(anvilFrom), toBlock: hex(to) }])) as RpcLog[]));
    }
    return out;
  }

  /** History reads: the archive below its head, anvil above it, never past the durable head. */
  async function history(method: string, p: unknown[]): Promise<unknown> {
    switch (method) {
      case 'eth_getLogs':
        return logs((p[0] ?? {}) as Parameters<typeof logs>[0]);
      case 'eth_getBlockByNumber': {
        const n = blockNumberOf(p[0], durable());
        return archivedBlockOr(n, async () => durableOnly(await forward(method, [n === undefined ? p[0] : hex(n), p[1] ?? false])), (b) => fullOrHashes(b, p[1]));
      }
      case 'eth_getBlockReceipts':
      case 'eth_getBlockTransactionCountByNumber': {
        const n = isHash(p[0]) ? o.archive.numberOfBlockHash(p[0]) : blockNumberOf(p[0], durable());
        const fromArchive = (b: ArchivedBlock) => (method === 'eth_getBlockReceipts' ? b.receipts : hex(b.block.transactions.length));
        return archivedBlockOr(n, () => forward(method, [n === undefined ? p[0] : hex(n)]), fromArchive);
      }
      case 'eth_getBlockByHash':
      case 'eth_getBlockTransactionCountByHash': {
        const n = isHash(p[0]) ? o.archive.numberOfBlockHash(p[0]) : undefined;
        if (n !== undefined) {
          const b = o.archive.block(n)!;
          return method === 'eth_getBlockByHash' ? fullOrHashes(b, p[1]) : hex(b.block.transactions.length);
        }
        return durableOnly(await forward(method, p));
      }
      case 'eth_getTransactionByHash':
      case 'eth_getTransactionReceipt': {
        const n = isHash(p[0]) ? o.archive.blockOfTx(p[0]) : undefined;
        if (n !== undefined) {
          const b = o.archive.block(n)!;
          const i = b.block.transactions.findIndex((t) => t.hash.toLowerCase() === String(p[0]).toLowerCase());
          return method === 'eth_getTransactionByHash' ? b.block.transactions[i] : b.receipts[i];
        }
        const found = durableOnly(await forward(method, p));
        // Not found may mean in a block anvil no longer holds in full: say so rather than "no such transaction".
        const g = found === null ? gap() : undefined;
        if (g) throw unarchived(g);
        return found;
      }
      case 'eth_getTransactionByBlockNumberAndIndex':
      case 'eth_getTransactionByBlockHashAndIndex': {
        const n = method.endsWith('HashAndIndex') ? (isHash(p[0]) ? o.archive.numberOfBlockHash(p[0]) : undefined) : blockNumberOf(p[0], durable());
        return archivedBlockOr(
          n,
          async () => durableOnly(await forward(method, [method.endsWith('NumberAndIndex') && n !== undefined ? hex(n) : p[0], p[1]])),
          (b) => b.block.transactions[num(p[1])] ?? null,
        );
      }
      default:
        return durableOnly(await forward(method, p));
    }
  }

  /** Pins a read's "latest" to the newest durable block while a newer one is being committed. */
  function pinned(method: string, params: unknown[]): unknown[] {
    const at = BLOCK_PARAM[method];
    if (at === undefined || !committing()) return params;
    const tag = params[at];
    if (tag !== undefined && tag !== null && !(typeof tag === 'string' && TAGS.has(tag) && !(tag === 'pending' && method === 'eth_getTransactionCount'))) return params;
    const copy = [...params];
    while (copy.length < at) copy.push(undefined);
    copy[at] = hex(durable());
    return copy;
  }

  async function answer(req: RpcRequest): Promise<Outcome> {
    const params = Array.isArray(req.params) ? req.params : [];
    try {
      if (req.method === 'eth_chainId') return { result: hex(o.chainId()) };
      if (req.method === 'eth_blockNumber') return { result: hex(durable()) };
      if (isMutation(req.method)) return await o.executor.execute(req.method, params);
      if (HISTORY_METHODS.has(req.method)) return { result: await history(req.method, params) };
      return { result: await forward(req.method, pinned(req.method, params)) };
    } catch (err) {
      if (err instanceof RpcError) return { error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) } };
      return { error: { code: UNAVAILABLE, message: `the chain could not answer ${req.method}: ${(err as Error).message}` } };
    }
  }

  const reply = (req: RpcRequest, outcome: Outcome): RpcResponse => ({ jsonrpc: '2.0', id: req.id ?? null, ...outcome });
  const invalid = (id: unknown, message: string): RpcResponse => ({ jsonrpc: '2.0', id: id ?? null, error: { code: -32600, message } });
  const wellFormed = (r: unknown): r is RpcRequest => typeof r === 'object' && r !== null && typeof (r as RpcRequest).method === 'string';

  /** Whether a request can go to anvil byte for byte: a plain read, nothing to pin, no history to route. */
  const passThrough = (r: RpcRequest) => !isMutation(r.method) && !HISTORY_METHODS.has(r.method) && r.method !== 'eth_chainId' && r.method !== 'eth_blockNumber' && !(committing() && r.method in BLOCK_PARAM);

  async function respond(body: Buffer, res: ServerResponse) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return send(res, 200, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'the request body is not JSON' } }));
    }
    if (!Array.isArray(parsed)) {
      if (!wellFormed(parsed)) return send(res, 200, JSON.stringify(invalid((parsed as RpcRequest | null)?.id, 'a JSON-RPC request needs a "method" string')));
      if (passThrough(parsed)) {
        const upstream = await o.anvil.forward(body);
        return send(res, upstream.status, upstream.body);
      }
      return send(res, 200, JSON.stringify(reply(parsed, await answer(parsed))));
    }
    if (parsed.length === 0) return send(res, 200, JSON.stringify(invalid(null, 'an empty batch')));
    // Mutations in a batch run in its order (the executor queues them); reads run alongside.
    const answers = await Promise.all(parsed.map((r) => (wellFormed(r) ? answer(r).then((out) => reply(r, out)) : Promise.resolve(invalid((r as RpcRequest | null)?.id, 'a JSON-RPC request needs a "method" string')))));
    return send(res, 200, JSON.stringify(answers));
  }

  const server = createServer((req, res) => {
    // The dashboard, on another origin, calls the chain from the browser, as it would any public RPC.
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'POST, GET, OPTIONS', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' });
      return void res.end();
    }
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/')) return void send(res, 200, JSON.stringify(o.health()), 'application/json');
    if (req.method !== 'POST') return void send(res, 405, JSON.stringify({ error: 'POST JSON-RPC requests, or GET /health' }));
    readBody(req).then(
      (body) => respond(body, res),
      (err: Error) => send(res, 413, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: err.message } })),
    ).catch((err: Error) => {
      if (!res.headersSent) send(res, 502, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: UNAVAILABLE, message: `the chain is not answering: ${err.message}` } }));
      else res.destroy();
    });
  });
  server.on('upgrade', (_req, socket) => {
    socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n\r\nThe venue chain serves JSON-RPC over HTTP only (no WebSocket); poll with HTTP.\n');
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`the request body is over ${MAX_BODY / 1024 / 1024} MB`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
