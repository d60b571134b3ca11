/**
 * The front's history routing around a gap: blocks the archive does not have yet while the served anvil no longer
 * holds their transactions (it keeps only the newest). Unit test: the executor, anvil and archive are stand-ins.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Archive, ArchivedBlock } from './archive.ts';
import { UNAVAILABLE, type Executor } from './executor.ts';
import { startFront } from './front.ts';
import { hex, type Rpc } from './rpc.ts';

const HEAD = 100;
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const;
const block = (n: number): ArchivedBlock => ({ block: { number: hex(n) as `0x${string}`, hash: hash(n), transactions: [{ hash: hash(1000 + n) }] }, receipts: [{ transactionHash: hash(1000 + n), logs: [] }] });

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A front over an archive up to `archived` and an anvil that holds transactions from `heldFrom` on. */
async function front(archived: number, heldFrom: number) {
  const head = { number: HEAD, hash: hash(HEAD), timestamp: 1 };
  const executor = { state: { head }, durable: head, durableSeq: HEAD } as unknown as Executor;
  const asked: string[] = [];
  const anvil: Rpc = {
    url: 'stand-in',
    async call<T>(method: string, params: unknown[] = []) {
      asked.push(method);
      if (method === 'eth_getBlockByNumber') return { number: params[0], hash: hash(Number(params[0])), transactions: [] } as T;
      if (method === 'eth_getLogs') return [] as T;
      return null as T;
    },
    batch: async () => [],
    forward: async () => ({ status: 200, body: Buffer.from('{}') }),
  };
  const archive = {
    head: archived,
    add() {},
    block: (n: number) => (n <= archived ? block(n) : undefined),
    numberOfBlockHash: () => undefined,
    blockOfTx: () => undefined,
    logs: () => [],
  } as Archive;
  server = await startFront({ host: '127.0.0.1', port: 0, executor, anvil, archive, heldFrom: () => heldFrom, chainId: () => 31337, health: () => ({}) });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rpc = async (method: string, params: unknown[]) =>
    (await (await fetch(url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as { result?: unknown; error?: { code: number; message: string } };
  return { rpc, asked };
}

describe('the front over a gap in the history', () => {
  it('refuses blocks, logs and lookups in the gap, naming it, and serves both sides of it', async () => {
    const { rpc } = await front(10, 50);
    const gap = { code: UNAVAILABLE, message: expect.stringContaining('blocks 11 to 49 are being archived') };
    expect((await rpc('eth_getBlockByNumber', [hex(20), true])).error).toMatchObject(gap);
    expect((await rpc('eth_getBlockReceipts', [hex(49)])).error).toMatchObject(gap);
    expect((await rpc('eth_getLogs', [{ fromBlock: hex(0), toBlock: hex(HEAD) }])).error).toMatchObject(gap);
    expect((await rpc('eth_getTransactionReceipt', [hash(7)])).error).toMatchObject(gap);
    // Below the gap from the archive, above it from anvil.
    expect((await rpc('eth_getBlockByNumber', [hex(10), false])).result).toMatchObject({ hash: hash(10), transactions: [hash(1010)] });
    expect((await rpc('eth_getBlockByNumber', [hex(50), false])).result).toMatchObject({ hash: hash(50) });
    expect((await rpc('eth_getLogs', [{ fromBlock: hex(50), toBlock: hex(HEAD) }])).result).toEqual([]);
  });

  it('without a gap answers an unknown transaction with null, as any node does', async () => {
    const { rpc } = await front(60, 50);
    expect(await rpc('eth_getTransactionReceipt', [hash(7)])).toMatchObject({ result: null });
    expect((await rpc('eth_getLogs', [{ fromBlock: hex(0), toBlock: hex(HEAD) }])).result).toEqual([]);
    expect((await rpc('eth_getBlockByNumber', [hex(55), false])).result).toMatchObject({ hash: hash(55), transactions: [hash(1055)] });
  });
});
