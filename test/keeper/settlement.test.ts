/**
 * The settlement keeper against a real anvil and the real venue: trade confirmations that name the investor and
 * match the chain, liquidity and registry audit events, idempotent re-indexing, finality, and reorgs.
 */
import { createPublicClient, createTestClient, createWalletClient, custom, erc20Abi, http, maxUint160, maxUint256, parseEventLogs, type PublicClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investorRegistryAbi, permit2Abi, poolManagerAbi } from '../../sdk/abis/generated.ts';
import type { Deployment } from '../../sdk/manifest.ts';
import { ANVIL_MNEMONIC, freePort, type Anvil } from '../../script/venue/anvil.ts';
import { startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { syncOnce, type SettlementOptions } from '../../script/keeper/settlement/indexer.ts';
import { startApi } from '../../script/keeper/api/server.ts';
import { formatUnits, parseQuarter, quarterlyReport } from '../../script/keeper/reports/reports.ts';
import { createServer, type Server } from 'node:http';
import { deliverOnce } from '../../script/keeper/notify/webhook.ts';
import { generateWebhookSecret, verifyWebhook } from '../../sdk/webhooks.ts';
import { signInAs, type ApiSession } from '../utils/api.ts';
import { swapAs, swapCalldata as poolSwapCalldata } from '../utils/trade.ts';

const alice = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 });
let anvil: Anvil;
let client: PublicClient;
let deployment: Deployment;
let ledger: Ledger;
let options: SettlementOptions;
let venue: LocalVenue;

async function syncToHead() {
  for (let i = 0; i < 100; i++) if ((await syncOnce(options)).caughtUp) return;
  throw new Error('the keeper never caught up');
}

/** UniversalRouter calldata for alice's exact-input swap in the first pool: a buy spends stablecoin, a sell shares. */
const swapCalldata = (buy: boolean, amount: bigint) => poolSwapCalldata(deployment, deployment.pools[0], buy, amount);

const swap = (buy: boolean, amount: bigint) => swapAs(client, anvil.rpcUrl, deployment, deployment.pools[0], alice, buy, amount);

const liveTrades = () =>
  ledger.query<{ tx_hash: string; investor: string; side: string; security_amount: string; stable_amount: string; status: string; router: string; price: string }>(
    "select * from trades where status <> 'voided' order by block_number, log_index",
  );

/** Every gated-pool Swap the chain has, from the PoolManager's own logs. */
async function chainSwaps() {
  const logs = await client.getLogs({ address: deployment.poolManager, fromBlock: 0n, toBlock: 'latest' });
  const ids = new Set(deployment.pools.map((p) => p.poolId.toLowerCase()));
  return parseEventLogs({ abi: poolManagerAbi, logs, eventName: 'Swap' }).filter((e) => ids.has(e.args.id.toLowerCase()));
}

beforeAll(async () => {
  venue = await startLocalVenue('settlement');
  ({ anvil, client, deployment } = venue);
  ledger = await openPgliteLedger();
  options = { client, ledger, deployment, confirmations: 2, maxRange: 7 };
  const wallet = createWalletClient({ account: alice, chain: foundry, transport: http(anvil.rpcUrl) });
  const pool = deployment.pools[0];
  for (const token of [pool.currency0, pool.currency1]) {
    await client.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: token, abi: erc20Abi, functionName: 'approve', args: [deployment.permit2, maxUint256] }) });
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: deployment.permit2, abi: permit2Abi, functionName: 'approve', args: [token, deployment.universalRouter, maxUint160, 2 ** 48 - 1] }),
    });
  }
}, 180_000);

afterAll(async () => {
  await ledger?.close();
  await venue?.stop();
});

describe('settlement keeper', () => {
  it('records the seed: the LP positions and the registry audit trail, naming the LP, not the router', async () => {
    await syncToHead();
    const liquidity = await ledger.query<{ investor: string; router: string }>('select investor, router from liquidity_events');
    expect(liquidity).toHaveLength(4); // two positions in each of two pools
    expect(new Set(liquidity.map((l) => l.investor))).toEqual(new Set([mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 6 }).address]));
    expect(new Set(liquidity.map((l) => l.router))).toEqual(new Set([deployment.positionManager]));
    const registry = await ledger.query<{ event: string; n: string }>('select event, count(*)::text as n from registry_events group by event');
    const counts = Object.fromEntries(registry.map((r) => [r.event, Number(r.n)]));
    expect(counts.InvestorUpserted).toBe(7); // five at onboarding, carol's lapse, then gina (a Reg S tranche)
    expect(counts.InvestorFrozen).toBe(1);
    expect(counts.VenueSet).toBe(3); // the PoolManager, PositionManager and UniversalRouter (Permit2 is no venue)
    // The securities' own trail: each offering's limits, and ACME-A's two issuance lots (alice's, gina's).
    expect(counts.LimitsSet).toBe(2);
    const lots = await ledger.query<{ args: { identity: string; amount: string; security: string } }>("select args from registry_events where event = 'Locked'");
    expect(lots.map((l) => [l.args.amount, l.args.security])).toEqual([
      ['250000000000000000000', deployment.pools[0].security],
      ['400000000000000000000', deployment.pools[0].security],
    ]);
  });

  it('writes one confirmation per trade that names the investor and matches the chain', async () => {
    const buy = await swap(true, 2_000n * 10n ** 6n);
    const sell = await swap(false, 10n * 10n ** 18n);
    await syncToHead();
    const trades = await liveTrades();
    expect(trades).toHaveLength(2);
    const pool = deployment.pools[0];
    for (const [trade, receipt, side] of [[trades[0], buy, 'buy'], [trades[1], sell, 'sell']] as const) {
      expect(trade.tx_hash).toBe(receipt.transactionHash);
      expect(trade.investor).toBe(alice.address);
      expect(trade.router).toBe(deployment.universalRouter);
      expect(trade.side).toBe(side);
      // The amounts are what the token and the stablecoin actually moved for alice.
      const transfers = parseEventLogs({ abi: erc20Abi, logs: receipt.logs, eventName: 'Transfer' });
      const moved = (token: string) => transfers.find((t) => t.address.toLowerCase() === token.toLowerCase())!.args.value;
      expect(BigInt(trade.security_amount)).toBe(moved(pool.security));
      expect(BigInt(trade.stable_amount)).toBe(moved(deployment.stablecoin));
    }
    expect(Number(trades[0].price)).toBeGreaterThan(24);
    expect(Number(trades[0].price)).toBeLessThan(27);
    expect(trades.map((t) => t.status)).toEqual(['final', 'pending']); // the sell has one confirmation of two
  });

  it('re-indexing from scratch adds no duplicate', async () => {
    const before = await ledger.query<{ n: string }>('select count(*)::text as n from trades');
    await ledger.query('delete from checkpoints');
    await syncToHead();
    const after = await ledger.query<{ n: string }>('select count(*)::text as n from trades');
    expect(after[0].n).toBe(before[0].n);
    expect((await liveTrades()).length).toBe((await chainSwaps()).length);
  });

  it('voids a trade that a reorg removed and leaves the ledger equal to the canonical chain', async () => {
    const receipt = await swap(true, 500n * 10n ** 6n);
    await syncToHead();
    expect((await liveTrades()).map((t) => t.tx_hash)).toContain(receipt.transactionHash);
    // Replace the swap's block with an empty one at the same height.
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    await test.request({ method: 'anvil_rollback' as never, params: [1] as never });
    await test.mine({ blocks: 1 });
    const result = await syncOnce(options);
    expect(result.reorgAncestor).toBeDefined();
    await syncToHead();
    const voided = await ledger.query<{ status: string }>('select status from trades where tx_hash = $1', [receipt.transactionHash]);
    expect(voided).toEqual([{ status: 'voided' }]);
    const canonical = (await chainSwaps()).map((e) => e.transactionHash);
    expect((await liveTrades()).map((t) => t.tx_hash)).toEqual(canonical);
  });

  it('follows an anvil_reorg that replaces a trade with a different one', async () => {
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    await test.mine({ blocks: 1 });
    const replaced = await swap(true, 400n * 10n ** 6n);
    await syncToHead();
    // The last two blocks give way to two new ones; the first carries alice's sell instead of her buy.
    await test.request({
      method: 'anvil_reorg' as never,
      params: [2, [[{ from: alice.address, to: deployment.universalRouter, data: swapCalldata(false, 3n * 10n ** 18n), gas: '0x7a120' }, 0]]] as never,
    });
    await syncToHead();
    const [gone] = await ledger.query<{ status: string }>('select status from trades where tx_hash = $1', [replaced.transactionHash]);
    expect(gone.status).toBe('voided');
    const canonical = await chainSwaps();
    expect((await liveTrades()).map((t) => t.tx_hash)).toEqual(canonical.map((e) => e.transactionHash));
    const replacement = (await liveTrades()).at(-1)!;
    expect(replacement).toMatchObject({ side: 'sell', investor: alice.address });
    expect(BigInt(replacement.security_amount)).toBe(3n * 10n ** 18n);
  });

  it('revives a trade that a reorg moved to another block, with its new block', async () => {
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    await test.mine({ blocks: 1 });
    const moved = await swap(true, 250n * 10n ** 6n);
    await syncToHead();
    const raw = await client.request({ method: 'eth_getRawTransactionByHash' as never, params: [moved.transactionHash] as never });
    // Two new blocks replace the last two, and the very same signed transaction lands in the second of them.
    await test.request({ method: 'anvil_reorg' as never, params: [2, [[raw, 1]]] as never });
    await syncToHead();
    const receipt = await client.getTransactionReceipt({ hash: moved.transactionHash });
    expect(receipt.blockHash).not.toBe(moved.blockHash);
    const rows = await ledger.query<{ status: string; block_hash: string; block_number: string }>('select status, block_hash, block_number::text from trades where tx_hash = $1', [moved.transactionHash]);
    expect(rows).toEqual([{ status: 'pending', block_hash: receipt.blockHash, block_number: String(receipt.blockNumber) }]);
    expect((await liveTrades()).map((t) => t.tx_hash)).toEqual((await chainSwaps()).map((e) => e.transactionHash));
  });

  it('does not skip a trade when the chain switches branches between its checkpoint check and its logs', async () => {
    // A chain that lost blocks in a crash and mined others at the same heights looks like this: the checkpoint's
    // block still matched when the step began, but the range it then indexes sits on another branch.
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    const indexed = await swap(true, 600n * 10n ** 6n);
    await syncToHead();
    const checkpoint = await client.getBlockNumber();
    expect(checkpoint).toBe(indexed.blockNumber);
    await swap(true, 700n * 10n ** 6n);
    let switched = false;
    const switching = createPublicClient({
      chain: foundry,
      cacheTime: 0,
      transport: custom({
        async request({ method, params }) {
          if (!switched && method === 'eth_getBlockByNumber' && (params as unknown[])[0] === `0x${(checkpoint + 1n).toString(16)}`) {
            switched = true;
            // Both blocks give way: the checkpoint's now carries a sell instead of the indexed buy.
            await test.request({ method: 'anvil_reorg' as never, params: [2, [[{ from: alice.address, to: deployment.universalRouter, data: swapCalldata(false, 4n * 10n ** 18n), gas: '0x7a120' }, 0]]] as never });
          }
          return client.request({ method, params } as never);
        },
      }),
    });
    await syncOnce({ ...options, client: switching as PublicClient });
    expect(switched).toBe(true);
    await syncToHead();
    const [gone] = await ledger.query<{ status: string }>('select status from trades where tx_hash = $1', [indexed.transactionHash]);
    expect(gone.status).toBe('voided');
    expect((await liveTrades()).map((t) => t.tx_hash)).toEqual((await chainSwaps()).map((e) => e.transactionHash));
  });
});

describe('keepers API', () => {
  let server: Server;
  let base: string;
  let officer: ApiSession;

  beforeAll(async () => {
    const port = await freePort();
    server = await startApi({ ledger, client, deployment, host: '127.0.0.1', port, webOrigins: [], sessionTtlSeconds: 3600, publicTape: false, streams: { pollMs: 50 } });
    base = `http://127.0.0.1:${port}`;
    officer = await signInAs(base, 'officer');
  });
  afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

  const get = (path: string) => officer.get(path);

  it('reports health with the settlement lag', async () => {
    await syncToHead();
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ chainId: 31337, rpc: 'ok', lagBlocks: 0 });
  });

  it('pages trades with a cursor and filters them', async () => {
    const all = (await get('/trades?limit=500')).body.items as { tx_hash: string; status: string }[];
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = await get('/trades?limit=1');
    const second = await get(`/trades?limit=1&cursor=${first.body.nextCursor}`);
    expect((first.body.items as { tx_hash: string }[])[0].tx_hash).toBe(all[0].tx_hash);
    expect((second.body.items as { tx_hash: string }[])[0].tx_hash).toBe(all[1].tx_hash);
    const voided = (await get('/trades?status=voided')).body.items as unknown[];
    expect(voided).toHaveLength(all.filter((t) => t.status === 'voided').length);
    const mine = (await get(`/trades?investor=${alice.address.toLowerCase()}&side=sell`)).body.items as { side: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.side === 'sell')).toBe(true);
  });

  it('names bad input', async () => {
    expect(await get('/trades?limit=0')).toEqual({ status: 400, body: { error: 'limit must be a whole number from 1 to 500 (got "0")' } });
    expect(await get('/trades?investor=alice')).toEqual({ status: 400, body: { error: 'investor must be an address (0x and 40 hex digits)' } });
    expect(await get('/trades?cursor=zzz')).toEqual({ status: 400, body: { error: 'cursor is not one this API issued' } });
    expect((await get('/nowhere')).status).toBe(404);
  });

  type StreamEvent = { id: string; row: { tx_hash: string; status: string } };

  /** Subscribes to `path`; `until` reads Server-Sent Events until `done` accepts what arrived (at most 10 s). */
  async function openStream(path: string, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    const res = await fetch(base + path, { signal: controller.signal, headers: { authorization: `Bearer ${officer.token}`, ...headers } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const events: StreamEvent[] = [];
    let text = '';
    return {
      async until(done: (events: StreamEvent[]) => boolean) {
        const deadline = Date.now() + 10_000;
        while (!done(events) && Date.now() < deadline) {
          text += new TextDecoder().decode((await reader.read()).value);
          const blocks = text.split('\n\n');
          text = blocks.pop()!;
          for (const block of blocks.filter((b) => b.startsWith('id: '))) {
            expect(block).toMatch(/^event: trade$/m);
            events.push({ id: /^id: (\d+)$/m.exec(block)![1], row: JSON.parse(/^data: (.*)$/m.exec(block)![1]) });
          }
        }
        return events;
      },
      close: () => controller.abort(),
    };
  }

  it('streams each confirmation as it is recorded and again when it becomes final (SSE), resuming from an event id', async () => {
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    await test.mine({ blocks: 2 });
    await syncToHead(); // earlier trades final, so the stream below carries only this one
    const stream = await openStream('/trades/stream');
    const hash = (await swap(true, 300n * 10n ** 6n)).transactionHash;
    await syncToHead(); // one confirmation of two: pending
    await stream.until((e) => e.length > 0);
    await test.mine({ blocks: 1 });
    await syncToHead(); // now final
    const events = await stream.until((e) => e.length > 1);
    stream.close();
    expect(events.map((e) => [e.row.tx_hash, e.row.status])).toEqual([[hash, 'pending'], [hash, 'final']]);
    expect(BigInt(events[1].id)).toBeGreaterThan(BigInt(events[0].id));

    // A client that saw only the first event resumes from its id, by query or as EventSource reconnects.
    for (const [path, headers] of [[`/trades/stream?cursor=${events[0].id}`, {}], ['/trades/stream', { 'last-event-id': events[0].id }]] as const) {
      const resumed = await openStream(path, headers);
      expect((await resumed.until((e) => e.length > 0))[0]).toEqual(events[1]);
      resumed.close();
    }
    expect(await get('/trades/stream?cursor=abc')).toEqual({ status: 400, body: { error: 'cursor must be the id of an event from this stream' } });
  });
});

describe('quarterly report', () => {
  it('equals the sums computed independently from the chain', async () => {
    // Finalize everything, then report the quarter the chain is in.
    await createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) }).mine({ blocks: 3 });
    await syncToHead();
    const block = await client.getBlock();
    const date = new Date(Number(block.timestamp) * 1000);
    const quarter = `${date.getUTCFullYear()}Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
    const report = await quarterlyReport(ledger, deployment.chainId, parseQuarter(quarter));

    // From the chain alone: every canonical gated-pool Swap, its amounts, and the wallet that sent its transaction.
    const swaps = await chainSwaps();
    const expected = new Map<string, { trades: number; shares: bigint; notional: bigint; investors: Set<string> }>();
    for (const s of swaps) {
      const pool = deployment.pools.find((p) => p.poolId.toLowerCase() === s.args.id.toLowerCase())!;
      const securityIs0 = pool.currency0 === pool.security;
      const abs = (x: bigint) => (x < 0n ? -x : x);
      const tx = await client.getTransaction({ hash: s.transactionHash });
      const line = expected.get(pool.security) ?? { trades: 0, shares: 0n, notional: 0n, investors: new Set<string>() };
      line.trades++;
      line.shares += abs(securityIs0 ? s.args.amount0 : s.args.amount1);
      line.notional += abs(securityIs0 ? s.args.amount1 : s.args.amount0);
      line.investors.add(tx.from);
      expected.set(pool.security, line);
    }
    expect(report.pendingExcluded).toBe(0);
    expect(report.securities.map((r) => r.security).sort()).toEqual([...expected.keys()].sort());
    for (const r of report.securities) {
      const e = expected.get(r.security)!;
      expect(r.trades).toBe(e.trades);
      expect(r.shares).toBe(formatUnits(e.shares, 18));
      expect(r.notional).toBe(formatUnits(e.notional, 6));
      expect(r.uniqueInvestors).toBe(e.investors.size);
    }
    expect(report.total.trades).toBe(swaps.length);
    // By identity and security: alice's wallet, under her identity, in each security she traded.
    const { identity } = await client.readContract({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [alice.address] });
    expect(report.participants.map((p) => [p.identity, p.wallets, p.security]).sort()).toEqual([...expected.keys()].map((security) => [identity.toString(), [alice.address], security]).sort());
    for (const p of report.participants) expect(p.shares).toBe(formatUnits(expected.get(p.security)!.shares, 18));
    expect(report.total).not.toHaveProperty('shares');
  });
});

describe('trade webhook', () => {
  interface Delivery { id: string; at: number; body: { type: string; status: string; trade: { tx_hash: string; log_index: number; investor: string }; confirmation?: { html: string; pdf: string } } }

  const secret = generateWebhookSecret();

  /**
   * A receiver that verifies each delivery's signature as a real one would (401 and recorded in `refused` if it
   * fails), then records it; `answer` decides the status (or hangs, returning 'hang').
   */
  async function receiver(answer: (d: Delivery, attempt: number) => number | 'hang') {
    const received: Delivery[] = [];
    const refused: string[] = [];
    const attempts = new Map<string, number>();
    const server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      try {
        verifyWebhook({ secret, headers: req.headers, body });
      } catch (err) {
        refused.push((err as Error).message);
        return res.writeHead(401).end();
      }
      const d: Delivery = { id: String(req.headers['webhook-id']), at: performance.now(), body: JSON.parse(body) };
      const n = (attempts.get(d.id) ?? 0) + 1;
      attempts.set(d.id, n);
      const status = answer(d, n);
      if (status === 'hang') return; // never answers: the sender's timeout ends it
      if (status < 300) received.push(d);
      res.writeHead(status).end();
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${port}/hook`, received, refused, close: () => (server.closeAllConnections(), server.close()) };
  }

  it('delivers every status change of every trade, in order, retrying a receiver that refuses at first', async () => {
    const hook = await receiver((_d, attempt) => (attempt === 1 ? 503 : 204));
    const outboxLedger = await openPgliteLedger();
    try {
      const o = { ...options, ledger: outboxLedger, outbox: true };
      while (!(await syncOnce(o)).caughtUp);
      const changes = await outboxLedger.query<{ change_seq: string; status: string; tx_hash: string; log_index: number }>('select change_seq::text, status, tx_hash, log_index from webhook_deliveries order by change_seq');
      const trades = await outboxLedger.query<{ status: string }>('select status from trades');
      expect(changes.length).toBeGreaterThanOrEqual(trades.length);
      expect(trades.length).toBeGreaterThan(0);
      await deliverOnce({ ledger: outboxLedger, url: hook.url, secret });
      expect(hook.received).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 1_100)); // the first retry waits one second
      for (let i = 0; i < 5; i++) await deliverOnce({ ledger: outboxLedger, url: hook.url, secret, apiUrl: 'https://api.venue.example/' });
      const delivered = await outboxLedger.query<{ change_seq: string; status: string; state: string; tx_hash: string; log_index: number }>('select change_seq::text, status, state, tx_hash, log_index from webhook_deliveries order by change_seq');
      const sent = delivered.filter((d) => d.state === 'delivered');
      // Only changes of trades voided by now were held back; everything else went, once each.
      const voided = new Set((await outboxLedger.query<{ tx_hash: string }>("select tx_hash from trades where status = 'voided'")).map((t) => t.tx_hash));
      expect(delivered.filter((d) => d.state !== 'delivered').every((d) => voided.has(d.tx_hash))).toBe(true);
      expect(delivered.filter((d) => !voided.has(d.tx_hash)).every((d) => d.state === 'delivered')).toBe(true);
      expect(hook.received.map((r) => r.id).sort()).toEqual(sent.map((d) => `31337:${d.tx_hash}:${d.log_index}:${d.change_seq}`).sort());
      expect(hook.received.every((r) => r.body.type === `trade.${r.body.status}` && r.body.trade.investor === alice.address)).toBe(true);
      expect(hook.received.some((r) => r.body.status === 'final')).toBe(true);
      // Each confirmation links to its trade confirmation document; a retraction links to none.
      for (const r of hook.received) {
        const at = `https://api.venue.example/trades/confirmation?tx=${r.body.trade.tx_hash}&log=${r.body.trade.log_index}`;
        expect(r.body.confirmation).toEqual(r.body.status === 'voided' ? undefined : { html: `${at}&format=html`, pdf: `${at}&format=pdf` });
      }
      const [{ attempts }] = await outboxLedger.query<{ attempts: number }>("select max(attempts) as attempts from webhook_deliveries where state = 'delivered'");
      expect(attempts).toBe(2);
      expect(hook.refused).toEqual([]);
    } finally {
      hook.close();
      await outboxLedger.close();
    }
  });

  it('never confirms a trade already voided, and retracts one whose confirmation went out', async () => {
    const hook = await receiver(() => 204);
    const outboxLedger = await openPgliteLedger();
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    try {
      const o = { ...options, ledger: outboxLedger, outbox: true };
      while (!(await syncOnce(o)).caughtUp);
      await deliverOnce({ ledger: outboxLedger, url: hook.url, secret });
      // A trade confirmed (pending) and delivered, then voided: its retraction goes out.
      const confirmed = await swap(true, 111n * 10n ** 6n);
      while (!(await syncOnce(o)).caughtUp);
      await deliverOnce({ ledger: outboxLedger, url: hook.url, secret });
      await test.request({ method: 'anvil_rollback' as never, params: [1] as never });
      await test.mine({ blocks: 1 });
      // A trade recorded and voided before the webhook ran: nothing at all goes out for it.
      const unseen = await swap(true, 222n * 10n ** 6n);
      while (!(await syncOnce(o)).caughtUp);
      await test.request({ method: 'anvil_rollback' as never, params: [1] as never });
      await test.mine({ blocks: 1 });
      while (!(await syncOnce(o)).caughtUp);
      // Each pass offers a trade's oldest queued change only, so a retraction waits for the pass after its confirmation.
      for (let i = 0; i < 3; i++) await deliverOnce({ ledger: outboxLedger, url: hook.url, secret });
      const about = (hash: string) => hook.received.filter((r) => r.body.trade.tx_hash === hash).map((r) => r.body.status);
      expect(about(confirmed.transactionHash)).toEqual(['pending', 'voided']);
      expect(about(unseen.transactionHash)).toEqual([]);
      const skipped = await outboxLedger.query<{ status: string; last_error: string }>("select status, last_error from webhook_deliveries where tx_hash = $1 order by change_seq", [unseen.transactionHash]);
      expect(skipped.map((s) => s.status)).toEqual(['pending', 'voided']);
      expect(skipped[0].last_error).toMatch(/voided before this confirmation went out/);
      expect(skipped[1].last_error).toMatch(/nothing to retract/);
      expect(hook.refused).toEqual([]);
    } finally {
      hook.close();
      await outboxLedger.close();
    }
  });

  it('delivers concurrently: a receiver that hangs on one trade does not hold up the others', async () => {
    const outboxLedger = await openPgliteLedger();
    let hungId: string | undefined;
    const hook = await receiver((d) => {
      hungId ??= d.id;
      return d.id === hungId ? 'hang' : 204;
    });
    try {
      const o = { ...options, ledger: outboxLedger, outbox: true };
      while (!(await syncOnce(o)).caughtUp);
      const started = performance.now();
      await deliverOnce({ ledger: outboxLedger, url: hook.url, secret, concurrency: 4, timeoutMs: 2_000 });
      const elapsed = performance.now() - started;
      const queued = await outboxLedger.query<{ n: string }>("select count(*)::text as n from webhook_deliveries where state = 'delivered'");
      expect(Number(queued[0].n)).toBe(hook.received.length);
      expect(hook.received.length).toBeGreaterThan(3);
      // Everything else arrived while the hung delivery waited out its timeout, and the whole pass took about that long.
      expect(Math.max(...hook.received.map((r) => r.at)) - started).toBeLessThan(1_900);
      expect(elapsed).toBeGreaterThanOrEqual(2_000);
      expect(elapsed).toBeLessThan(4_000);
      expect(hook.refused).toEqual([]);
    } finally {
      hook.close();
      await outboxLedger.close();
    }
  });
});
