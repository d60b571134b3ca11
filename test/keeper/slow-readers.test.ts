/**
 * Slow readers cannot take the keepers down: 200 Server-Sent-Event streams that never read, opened against the API
 * while the settlement keeper runs in the same process on a venue with live swaps. The process's memory stays
 * bounded, `/health` keeps answering within 200 ms, the ledger keeps up with the chain, the caps hold (per session
 * and in total), and a client that falls behind is dropped instead of buffered.
 */
import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, type Socket } from 'node:net';
import { createPublicClient, createWalletClient, http } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { investorRegistryAbi } from '../../sdk/abis/generated.ts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../script/keeper/api/server.ts';
import type { ChangeFeed } from '../../script/keeper/api/streams.ts';
import { createSession } from '../../script/keeper/auth/sessions.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { syncOnce } from '../../script/keeper/settlement/indexer.ts';
import { freePort } from '../../script/venue/anvil.ts';
import { approveRouterForLp, LP_ACCOUNT, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { castAccount } from '../utils/api.ts';
import { swapAs } from '../utils/trade.ts';

const STREAMS = 200;
const PER_SESSION = 4;
/** The pool's tape each of the 200 streams resumes through (≈ 0.6 MB each): they connect, catch up, then hang, live. */
const HISTORY_ROWS = 2_000;
/** History past what a socket's kernel buffers hold (≈ 15 MB), for the client that must be dropped. */
const LONG_HISTORY_ROWS = 20_000;

let venue: LocalVenue;
let ledger: Ledger;
let server: Server & { feed: ChangeFeed };
let port: number;
let settling = true;
let settlement: Promise<void>;
const sockets: Socket[] = [];

/** (Synthetic, final) confirmations before the venue's own blocks: history for streams to resume through. */
async function seedHistory(from: number, rows: number) {
  const pool = venue.deployment.pools[0];
  await ledger.query(
    `insert into trades (chain_id, tx_hash, log_index, pool_id, pool_name, security, investor, router, side, security_amount, stable_amount, price,
       fee_pips, fee_amount, block_number, block_hash, block_time, status)
     select $1, '0x' || lpad(to_hex(i), 64, '0'), 0, $2, $3, $4, $5, $6, 'buy', 10 ^ 18, 1000000, 1, 3000, 3000, 0, '0x' || lpad(to_hex(i), 64, 'b'), 1700000000, 'final'
     from generate_series($7::integer, $8::integer) as i`,
    [venue.deployment.chainId, pool.poolId, pool.name, pool.security, LP_ACCOUNT.address, venue.deployment.universalRouter, from, from + rows - 1],
  );
}

beforeAll(async () => {
  venue = await startLocalVenue('slow-readers');
  ledger = await openPgliteLedger();
  await approveRouterForLp(venue.client, venue.anvil.rpcUrl, venue.deployment, venue.deployment.pools[0]);
  await seedHistory(1, HISTORY_ROWS);
  port = await freePort();
  server = await startApi({
    // Batched, as the keepers' own client is (script/keeper/main.ts).
    ledger, client: createPublicClient({ chain: foundry, transport: http(venue.anvil.rpcUrl, { batch: true }), cacheTime: 0 }), deployment: venue.deployment, host: '127.0.0.1', port, webOrigins: [], sessionTtlSeconds: 3600, publicTape: false,
    streams: { total: STREAMS, perClient: PER_SESSION, pollMs: 200 },
  });
  // The settlement keeper, in this process as under npm start (same event loop, same ledger).
  settlement = (async () => {
    while (settling) {
      await syncOnce({ client: venue.client, ledger, deployment: venue.deployment, confirmations: 1, maxRange: 1000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
}, 240_000);

afterAll(async () => {
  settling = false;
  for (const s of sockets) s.destroy();
  await settlement;
  await new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  await ledger?.close();
  await venue?.stop();
});

/** Opens a stream on a raw socket that never reads; resolves with the status line the server sent first. */
function openSlowStream(token: string, path = `/tape/stream?pool=${venue.deployment.pools[0].poolId}&cursor=0`): Promise<{ socket: Socket; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nhost: api\r\nauthorization: Bearer ${token}\r\n\r\n`));
    socket.once('data', (chunk) => {
      socket.pause(); // from now on, never read again
      resolve({ socket, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 0) });
    });
    socket.on('error', () => {});
    socket.once('close', () => reject(new Error('closed before answering')));
  });
}

describe('slow readers', () => {
  it('keep memory bounded, /health fast and the ledger in step with the chain; caps hold; laggards are dropped', async () => {
    // Fifty registered investors (streams are capped per wallet), onboarded by the officer in one roster upload.
    const wallets = Array.from({ length: STREAMS / PER_SESSION }, () => privateKeyToAccount(generatePrivateKey()).address);
    const officer = createWalletClient({ account: castAccount('officer'), chain: foundry, transport: http(venue.anvil.rpcUrl) });
    const expiry = Math.floor(Date.now() / 1000) + 365 * 86_400;
    await venue.client.waitForTransactionReceipt({
      hash: await officer.writeContract({
        address: venue.deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'upsertInvestors',
        args: [wallets.map((investor) => ({ investor, accreditationExpiry: expiry, frozen: false }))],
      }),
    });
    const tokens = await Promise.all(wallets.map((address) => createSession(ledger, { address, chainId: venue.deployment.chainId, ttlSeconds: 3600 }).then((s) => s.token)));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;

    // The per-session cap: a fifth stream of one session is refused with a sentence (the total cap: streams.test.ts).
    for (let i = 0; i < PER_SESSION; i++) sockets.push((await openSlowStream(tokens[0])).socket);
    const fifth = await fetch(`http://127.0.0.1:${port}/trades/stream`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    expect(fifth.status).toBe(429);
    expect(((await fifth.json()) as { error: string }).error).toBe(`at most ${PER_SESSION} streams per session; close one first`);
    // The rest, all at once, as a flood would come.
    const opened = await Promise.all(tokens.slice(1).flatMap((token) => Array.from({ length: PER_SESSION }, () => openSlowStream(token))));
    expect(opened.map((o) => o.status)).toEqual(Array(STREAMS - PER_SESSION).fill(200));
    sockets.push(...opened.map((o) => o.socket));

    // Live trading while all 200 hang: the keepers' own work (settlement, /health) must not notice them.
    const health: number[] = [];
    let rssPeak = 0;
    let peakOpen = 0;
    const deadline = Date.now() + 12_000;
    let swaps = 0;
    const trading = (async () => {
      for (let i = 0; Date.now() < deadline; i++) {
        await swapAs(venue.client, venue.anvil.rpcUrl, venue.deployment, venue.deployment.pools[0], LP_ACCOUNT, i % 2 === 0, i % 2 === 0 ? 20_000_000n : 10n ** 18n);
        swaps++;
      }
    })();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    while (Date.now() < deadline) {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
      health.push(performance.now() - started);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      peakOpen = Math.max(peakOpen, server.feed.streams.open);
      await new Promise((r) => setTimeout(r, 100));
    }
    loop.disable();
    await trading;
    expect(swaps).toBeGreaterThan(10);
    // The measurements above were taken while every stream was open, not after they were dropped.
    expect(peakOpen).toBe(STREAMS);

    // The ledger is in step with the chain within a couple of its polls.
    const head = await venue.client.getBlockNumber();
    await expect
      .poll(async () => Number((await ledger.query<{ block_number: string }>("select block_number from checkpoints where keeper = 'settlement'"))[0]?.block_number ?? -1), { timeout: 5_000 })
      .toBe(Number(head));
    const [{ n }] = await ledger.query<{ n: string }>('select count(*)::text as n from trades where block_number > 0');
    expect(Number(n)).toBe(swaps);

    const sorted = [...health].sort((a, b) => a - b);
    const growthMb = (rssPeak - rssBefore) / 2 ** 20;
    console.log(`slow readers: /health p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms over ${health.length}; rss +${growthMb.toFixed(0)} MB; streams open at most ${peakOpen}; event loop delay max ${(loop.max / 1e6).toFixed(0)} ms; ${swaps} swaps`);
    expect(sorted.at(-1)).toBeLessThan(200);
    // What 200 streams are owed (their history, then every live change) is never held for them: at most a page each.
    expect(growthMb).toBeLessThan(300);
    for (const socket of sockets.splice(0)) socket.destroy();
    await expect.poll(() => server.feed.streams.open, { timeout: 5_000 }).toBe(0);
  }, 120_000);

  it('drops a client that stops reading, which then resumes from its last event id', async () => {
    await seedHistory(HISTORY_ROWS + 1, LONG_HISTORY_ROWS);
    const { token } = await createSession(ledger, { address: castAccount('officer').address, chainId: venue.deployment.chainId, ttlSeconds: 3600 });
    const { socket, status } = await openSlowStream(token, '/trades/stream?cursor=0');
    sockets.push(socket);
    expect(status).toBe(200);
    // More than its kernel buffers hold is owed to it, and it reads nothing: dropped after the drain timeout (10 s).
    await expect.poll(() => server.feed.streams.open, { timeout: 30_000 }).toBe(0);
    // A reader resuming from a cursor gets the rows after it, first one first.
    const [{ seq }] = await ledger.query<{ seq: string }>('select change_seq::text as seq from trades order by change_seq offset 100 limit 1');
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/trades/stream?cursor=${seq}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!/^id: \d+$/m.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(BigInt(/^id: (\d+)$/m.exec(text)![1])).toBe(BigInt(seq) + 1n);
  }, 60_000);
});
