/**
 * `npm run bench -- scale`: the keepers' API over a ledger the size of a busy venue's, on a real chain (the demo venue
 * on a bare anvil: the API reads each caller's roles from the registry at every request). The ledger is filled in
 * bulk with 10,000 investors' records, 200,000 trades and 2,000 liquidity positions, of which alice (a registered
 * demo investor) made 1,000 trades.
 *  - scale.portfolio_ms: alice's portfolio over the API: every page of her trades, then her cost basis and P&L (the
 *    dashboard's own costBasis), median of five;
 *  - scale.api_p99_ms: the 99th percentile latency of 50 signed-in clients (the officer and 49 registered investors,
 *    each its own wallet) each reading in a loop for 10 s (their own trades and liquidity, the tape, the quote board,
 *    their alerts) while the chain makes a block a second, from a worker thread so that they do not share the API's.
 *    The alerts and quote tables are empty here: those routes cost their session and role reads.
 * The roster's first page (scale.roster_first_page_ms) is not measured: the desk still reads the roster from the chain.
 */
import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import { startApi } from '../script/keeper/api/server.ts';
import { createSession } from '../script/keeper/auth/sessions.ts';
import { openPgliteLedger, type Ledger } from '../script/keeper/ledger/db.ts';
import { startLocalVenue } from '../script/venue/fixtures.ts';
import { createWalletClient, http, type Address } from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { investorRegistryAbi } from '../sdk/abis/generated.ts';
import { ANVIL_MNEMONIC, ANVIL_OPERATOR_KEY, freePort } from '../script/venue/anvil.ts';
import { castAccount } from '../test/utils/api.ts';
import { parseTradePage, type Trade } from '../web/src/features/market/logic.ts';
import { costBasis } from '../web/src/features/portfolio/logic.ts';
import type { Metric } from './metrics.ts';

const INVESTORS = 10_000;
const TRADES = 200_000;
const POSITIONS = 2_000;
const ALICE_TRADES = 1_000;
const CLIENTS = 50;
const LOAD_S = 10;

/** Synthetic rows, in bulk, shaped as the settlement keeper writes them. */
export async function fill(ledger: Ledger, chainId: number, pools: { poolId: string; name: string; security: string }[], alice: string) {
  const investor = (expr: string) => `'0x' || lpad(to_hex(${expr}), 40, '0')`;
  const pool = (i: number) => pools[i % pools.length];
  const started = performance.now();
  await ledger.query(
    `insert into registry_events (chain_id, tx_hash, log_index, event, args, block_number, block_hash, block_time, status)
     select $1, '0x0' || lpad(to_hex(g), 63, '0'), 0, 'InvestorUpserted',
       jsonb_build_object('investor', ${investor('g')}, 'accreditationExpiry', '2000000000', 'frozen', false), g, '0xb' || lpad(to_hex(g), 63, '0'), 1700000000 + g, 'final'
     from generate_series(1, ${INVESTORS}) g`,
    [chainId],
  );
  for (const [k, p] of [pool(0), pool(1)].entries()) {
    // Half the trades in each of two pools; alice's among them, every 100th of the first pool's.
    await ledger.query(
      `insert into trades (chain_id, tx_hash, log_index, pool_id, pool_name, security, investor, router, side, security_amount, stable_amount, price, fee_pips, fee_amount, block_number, block_hash, block_time, status)
       select $1, '0xc' || lpad(to_hex(g * 2 + $5), 63, '0'), 1, $2, $3, $4,
         case when $5 = 0 and g % ${(TRADES / 2 / ALICE_TRADES) | 0} = 0 then $6 else ${investor(`g % ${INVESTORS} + 1`)} end,
         '0x0000000000000000000000000000000000000001', case when g % 3 = 0 then 'sell' else 'buy' end,
         (1000000000000000000 + g)::numeric, (25000000 + g)::numeric, 25.0, 3000, 75000, ${INVESTORS} + g, '0xd' || lpad(to_hex(g), 63, '0'), 1700100000 + g, 'final'
       from generate_series(1, ${TRADES / 2}) g`,
      [chainId, p.poolId, p.name, p.security, k, alice],
    );
  }
  await ledger.query(
    `insert into liquidity_events (chain_id, tx_hash, log_index, pool_id, investor, router, tick_lower, tick_upper, liquidity_delta, salt, block_number, block_hash, block_time, status)
     select $1, '0xe' || lpad(to_hex(g), 63, '0'), 0, $2, ${investor(`g % ${INVESTORS} + 1`)}, '0x0000000000000000000000000000000000000001', -600, 600, (10000000 + g)::numeric, '0x' || repeat('0', 64), ${INVESTORS + TRADES} + g, '0xf' || lpad(to_hex(g), 63, '0'), 1700400000 + g, 'final'
     from generate_series(1, ${POSITIONS}) g`,
    [chainId, pool(0).poolId],
  );
  await ledger.query('analyze');
  return (performance.now() - started) / 1000;
}

/** Every page of the caller's `/trades`, read with the dashboard's own parser (the browser sends a cookie instead). */
async function allTrades(base: string, token: string): Promise<Trade[]> {
  const out: Trade[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${base}/trades?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    const page = parseTradePage(await res.json());
    out.push(...page.trades);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The 50 clients' loop, as a worker thread's source (plain JavaScript: the worker loads nothing else). */
const CLIENTS_SOURCE = `
const { parentPort, workerData: { base, tokens, paths, seconds } } = require('node:worker_threads');
const latencies = [];
let failures = 0;
const until = performance.now() + seconds * 1000;
Promise.all(tokens.map(async (token, c) => {
  for (let i = c; performance.now() < until; i++) {
    const started = performance.now();
    const res = await fetch(base + paths[i % paths.length], { headers: { authorization: 'Bearer ' + token } });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    if (!res.ok) failures++;
  }
})).then(() => parentPort.postMessage({ latencies, failures }));
`;

function load(workerData: { base: string; tokens: string[]; paths: string[]; seconds: number }): Promise<{ latencies: number[]; failures: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENTS_SOURCE, { eval: true, workerData });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runScaleBenchmark(): Promise<Metric[]> {
  // The API's client batches its reads, as the keepers' (script/keeper/main.ts) does.
  const venue = await startLocalVenue('bench-scale', { batch: true });
  const ledger = await openPgliteLedger();
  let server: Server | undefined;
  try {
    const d = venue.deployment;
    const alice = castAccount('alice').address;
    const seconds = await fill(ledger, d.chainId, d.pools, alice);
    console.log(`  scale bench: ledger filled in ${seconds.toFixed(1)} s`);
    const port = await freePort();
    server = await startApi({ ledger, client: venue.client, deployment: d, host: '127.0.0.1', port, webOrigins: [], sessionTtlSeconds: 3600, publicTape: false });
    const base = `http://127.0.0.1:${port}`;
    const session = async (who: 'alice' | 'officer') => (await createSession(ledger, { address: castAccount(who).address, chainId: d.chainId, ttlSeconds: 3600 })).token;

    // The portfolio: every page of alice's trades, as the dashboard fetches them, then her basis.
    const aliceToken = await session('alice');
    const portfolio: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const trades = await allTrades(base, aliceToken);
      const bases = costBasis(trades);
      portfolio.push(performance.now() - started);
      if (trades.length !== ALICE_TRADES || bases.size !== 1) throw new Error(`alice has ${trades.length} trades in ${bases.size} pools, not ${ALICE_TRADES} in 1`);
    }

    // 50 signed-in clients reading in a loop: the officer and 49 registered investors, each its own wallet, while
    // the chain makes a block a second (each block, every wallet's roles are read anew).
    const crowd = Array.from({ length: CLIENTS - 1 }, (_, i) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 300 + i }).address);
    const operator = createWalletClient({ account: privateKeyToAccount(ANVIL_OPERATOR_KEY), chain: foundry, transport: http(venue.anvil.rpcUrl) });
    const expiry = Math.floor(Date.now() / 1000) + 365 * 86_400;
    await venue.client.waitForTransactionReceipt({
      hash: await operator.writeContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'upsertInvestors', args: [crowd.map((investor) => ({ investor, accreditationExpiry: expiry, frozen: false }))] }),
    });
    const sessionOf = async (address: Address) => (await createSession(ledger, { address, chainId: d.chainId, ttlSeconds: 3600 })).token;
    const tokens = [await session('officer'), ...(await Promise.all(crowd.map(sessionOf)))];
    await venue.client.request({ method: 'evm_setIntervalMining' as never, params: [1] as never });
    const paths = [`/trades?limit=100`, `/tape?pool=${d.pools[0].poolId}&limit=100`, '/quotes/latest', '/alerts?limit=50', '/liquidity?limit=100'];
    // The clients run in a worker thread, so their own work (fetch is not free) does not queue behind the API's.
    const { latencies, failures } = await load({ base, tokens, paths, seconds: LOAD_S });
    if (failures > 0) throw new Error(`${failures} of ${latencies.length} requests under load failed`);
    latencies.sort((a, b) => a - b);
    return [
      { name: 'scale.portfolio_ms', value: Math.round(median(portfolio)), unit: 'ms', target: '<= 1000' },
      { name: 'scale.api_p99_ms', value: Math.round(percentile(latencies, 99)), unit: 'ms', target: '<= 250' },
      { name: 'scale.api_p50_ms', value: Math.round(percentile(latencies, 50)), unit: 'ms', target: 'info' },
      { name: 'scale.api_requests', value: latencies.length, unit: 'requests', target: 'info' },
      { name: 'scale.ledger_trades', value: TRADES, unit: 'trades', target: '>= 200000' },
    ];
  } finally {
    await new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve()));
    await ledger.close();
    await venue.stop();
  }
}

