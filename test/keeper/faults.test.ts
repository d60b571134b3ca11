/**
 * The settlement keeper behind a hostile RPC: a loopback proxy in front of anvil answers some requests with 429 or
 * 500, lets some hang past the client's timeout, and cuts some response bodies short. The keeper retries and backs
 * off; the ledger must end equal to the chain, with nothing lost or written twice.
 */
import { createServer, type Server } from 'node:http';
import { createPublicClient, createWalletClient, http, parseEventLogs, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolManagerAbi, universalRouterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';
import { freePort, type Anvil } from '../../script/venue/anvil.ts';
import { approveRouterForLp, LP_ACCOUNT, seededRandom, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { syncOnce } from '../../script/keeper/settlement/indexer.ts';
import { runLoop } from '../../script/keeper/loop.ts';

let anvil: Anvil;
let direct: PublicClient;
let deployment: Deployment;
let ledger: Ledger;
let proxy: Server;
let proxyUrl: string;
let venue: LocalVenue;
const random = seededRandom(0xfa17);
const faults = { tooManyRequests: 0, serverError: 0, hang: 0, truncated: 0, passed: 0 };

/**
 * Forwards JSON-RPC to anvil, or fails in one of four ways: a third of the requests, in shuffled cycles of twelve so
 * that every kind of fault happens however few requests the keeper needs. One cycle in three starts with an outage
 * (five 500s in a row), longer than the client's retries, so whole steps fail and the keeper's loop backs off.
 */
const CYCLE = ['429', '500', 'hang', 'truncate', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass'] as const;
let cycle: (typeof CYCLE)[number][] = [];
function nextFate() {
  if (cycle.length === 0) {
    cycle = [...CYCLE].sort(() => random() - 0.5);
    if (random() < 1 / 3) cycle.push('500', '500', '500', '500', '500');
  }
  return cycle.pop()!;
}

function startProxy(target: string, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fate = nextFate();
    if (fate === '429') return faults.tooManyRequests++, res.writeHead(429).end('slow down');
    if (fate === '500') return faults.serverError++, res.writeHead(500).end('{"error":"boom"}');
    if (fate === 'hang') {
      faults.hang++;
      setTimeout(() => res.destroy(), 1_500); // past the client's timeout
      return;
    }
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
    const body = await upstream.text();
    if (fate === 'truncate') {
      faults.truncated++;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(body.slice(0, Math.floor(body.length / 2)));
    }
    faults.passed++;
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  venue = await startLocalVenue('faults');
  ({ anvil, client: direct, deployment } = venue);
  await approveRouterForLp(direct, anvil.rpcUrl, deployment, deployment.pools[0]);
  const port = await freePort();
  proxy = await startProxy(anvil.rpcUrl, port);
  proxyUrl = `http://127.0.0.1:${port}`;
  ledger = await openPgliteLedger();
}, 180_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await ledger?.close();
  await venue?.stop();
});

describe('settlement keeper behind a faulty RPC', () => {
  it('ends with exactly the chain\'s trades', async () => {
    // As the keepers' main configures it: each request retried a few times, then the step fails and backs off.
    const client = createPublicClient({ chain: foundry, transport: http(proxyUrl, { timeout: 500, retryCount: 3, retryDelay: 50 }), cacheTime: 0 });
    const stop = new AbortController();
    const warnings: string[] = [];
    const keeper = runLoop(() => syncOnce({ client, ledger, deployment, confirmations: 1, maxRange: 5 }), {
      pollMs: 20,
      signal: stop.signal,
      log: { warn: (obj) => warnings.push(JSON.stringify(obj)) },
    });

    const pool = deployment.pools[0];
    const securityIs0 = pool.currency0 === pool.security;
    const lp = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(anvil.rpcUrl) });
    for (let i = 0; i < 25; i++) {
      const buy = i % 2 === 0;
      const { commands, inputs } = encodeSwapExactInSingle({
        poolKey: poolKeyOf(pool), zeroForOne: buy ? !securityIs0 : securityIs0, amountIn: buy ? 200_000_000n : 5n * 10n ** 18n, amountOutMinimum: 0n,
      });
      await direct.waitForTransactionReceipt({ hash: await lp.writeContract({ address: deployment.universalRouter, abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] }) });
    }

    const head = await direct.getBlockNumber();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const [cp] = await ledger.query<{ block_number: string }>("select block_number from checkpoints where keeper = 'settlement'");
      if (cp && BigInt(cp.block_number) >= head) break;
      if (Date.now() > deadline) throw new Error(`the keeper did not catch up; faults ${JSON.stringify(faults)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    stop.abort();
    await keeper;

    const rows = await ledger.query<{ tx_hash: string; log_index: number }>("select tx_hash, log_index from trades where status <> 'voided' order by block_number, log_index");
    const logs = await direct.getLogs({ address: deployment.poolManager, fromBlock: 0n, toBlock: 'latest' });
    const swaps = parseEventLogs({ abi: poolManagerAbi, logs, eventName: 'Swap' });
    expect(rows.map((r) => `${r.tx_hash}:${r.log_index}`)).toEqual(swaps.map((s) => `${s.transactionHash}:${s.logIndex}`));
    expect(rows).toHaveLength(25);
    // Every kind of fault happened, and the keeper retried through them.
    expect(Math.min(faults.tooManyRequests, faults.serverError, faults.hang, faults.truncated)).toBeGreaterThan(0);
    expect(warnings.length).toBeGreaterThan(0);
  }, 180_000);
});
