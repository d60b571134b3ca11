/** A durable chain process for tests: started, killed and restarted like npm start does it, on temporary directories. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, http, type Hex, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { freePort } from '../../script/venue/anvil.ts';
import { exitOf, startChain, stopChild } from '../../script/venue/children.ts';

export interface TestChain {
  dataDir: string;
  rpcUrl: string;
  client: PublicClient;
  process: ChildProcess;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** The JSON-RPC error (code, message) a call is answered with, or undefined if it succeeds. */
  rpcError(method: string, params?: unknown[]): Promise<{ code: number; message: string } | undefined>;
  start(env?: Record<string, string>): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
  log(): string;
  remove(): void;
}

export async function testChain(name: string, env: Record<string, string> = {}): Promise<TestChain> {
  const dataDir = mkdtempSync(join(tmpdir(), `accredex-${name}-`));
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const logFile = join(dataDir, 'chain.log');
  const post = async (method: string, params: unknown[] = []) => {
    const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return (await res.json()) as { result?: unknown; error?: { code: number; message: string } };
  };
  const chain: TestChain = {
    dataDir,
    rpcUrl,
    client: createPublicClient({ chain: foundry, transport: http(rpcUrl), cacheTime: 0 }),
    process: undefined as unknown as ChildProcess,
    async rpc<T>(method: string, params: unknown[] = []) {
      const r = await post(method, params);
      if (r.error) throw new Error(`${method}: ${r.error.message}`);
      return r.result as T;
    },
    async rpcError(method, params = []) {
      return (await post(method, params)).error;
    },
    async start(extra = {}) {
      chain.process = await startChain({ host: '127.0.0.1', port, dataDir, logFile, env: { ACCREDEX_LOG_LEVEL: 'info', ...env, ...extra } });
    },
    async kill(signal = 'SIGKILL') {
      chain.process.kill(signal);
      await exitOf(chain.process);
    },
    stop: () => stopChild(chain.process),
    log: () => readFileSync(logFile, 'utf8'),
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
  await chain.start();
  return chain;
}

/** Every history answer the front gives for blocks 0..head: blocks both ways, receipts, transactions, all logs. */
export async function historyAnswers(c: TestChain, head: number) {
  const out: Record<string, unknown> = {};
  for (let n = 0; n <= head; n++) {
    const h = `0x${n.toString(16)}`;
    const full = await c.rpc<{ hash: Hex; transactions: { hash: Hex }[] }>('eth_getBlockByNumber', [h, true]);
    out[`block ${n} full`] = full;
    out[`block ${n}`] = await c.rpc('eth_getBlockByNumber', [h, false]);
    out[`block ${n} by hash`] = await c.rpc('eth_getBlockByHash', [full.hash, false]);
    out[`receipts ${n}`] = await c.rpc('eth_getBlockReceipts', [h]);
    out[`tx count ${n}`] = await c.rpc('eth_getBlockTransactionCountByNumber', [h]);
    for (const [i, t] of full.transactions.entries()) {
      out[`tx ${t.hash}`] = await c.rpc('eth_getTransactionByHash', [t.hash]);
      out[`receipt ${t.hash}`] = await c.rpc('eth_getTransactionReceipt', [t.hash]);
      out[`tx ${n}/${i}`] = await c.rpc('eth_getTransactionByBlockNumberAndIndex', [h, `0x${i.toString(16)}`]);
    }
    out[`logs of block ${full.hash}`] = await c.rpc('eth_getLogs', [{ blockHash: full.hash }]);
  }
  out['all logs'] = await c.rpc('eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest' }]);
  return out;
}
