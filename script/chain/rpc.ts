/**
 * A small JSON-RPC client for the chain's own processes (front, replay, compaction), talking to an anvil on
 * loopback. node:http with a keep-alive agent: about a third of the time per request that fetch takes, and every
 * transaction costs the front one request to anvil and a replay two.
 */
import http from 'node:http';

export class RpcError extends Error {
  constructor(readonly method: string, readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

export interface RpcResponse {
  jsonrpc: '2.0';
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface Rpc {
  readonly url: string;
  /** One call; an RPC error is thrown as RpcError. */
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Several reads in one HTTP request (anvil may run them in any order, so never mutations). */
  batch(calls: [string, unknown[]][]): Promise<unknown[]>;
  /** The raw HTTP exchange, for passing a client's request through unchanged. */
  forward(body: string | Buffer): Promise<{ status: number; body: Buffer }>;
}

export function rpcClient(url: string, timeoutMs = 120_000): Rpc {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let id = 0;
  const post = (body: string | Buffer) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = http.request(
        { host: hostname, port, method: 'POST', path: '/', agent, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return {
    url,
    forward: post,
    async batch(calls) {
      if (calls.length === 0) return [];
      const first = id + 1;
      const { body } = await post(JSON.stringify(calls.map(([method, params]) => ({ jsonrpc: '2.0', id: ++id, method, params }))));
      const answers = JSON.parse(body.toString('utf8')) as RpcResponse[];
      return calls.map(([method], i) => {
        const r = answers.find((a) => a.id === first + i);
        if (!r) throw new RpcError(method, -32603, 'no answer in the batch');
        if (r.error) throw new RpcError(method, r.error.code, r.error.message, r.error.data);
        return r.result;
      });
    },
    async call<T>(method: string, params: unknown[] = []) {
      const { body } = await post(JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }));
      const r = JSON.parse(body.toString('utf8')) as RpcResponse;
      if (r.error) throw new RpcError(method, r.error.code, r.error.message, r.error.data);
      return r.result as T;
    },
  };
}

/** Quantity helpers: JSON-RPC numbers are 0x-hex. */
export const hex = (n: number | bigint) => `0x${n.toString(16)}`;
export const num = (q: unknown) => Number(BigInt(q as string));
