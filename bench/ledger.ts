import { encodeFunctionData, numberToHex, parseEventLogs, type Address, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { demoStablecoinAbi, investorRegistryAbi, permit2Abi, poolManagerAbi, universalRouterAbi } from '../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment } from '../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../sdk/periphery.ts';
import { ANVIL_MNEMONIC } from '../script/venue/anvil.ts';
import { approveRouterForLp, LP_ACCOUNT, startLocalVenue, type LocalVenue } from '../script/venue/fixtures.ts';
import { openPgliteLedger } from '../script/keeper/ledger/db.ts';
import { runLoop } from '../script/keeper/loop.ts';
import { decodeSettlementLogs, SETTLEMENT_TOPICS, type RpcLog } from '../script/keeper/settlement/decode.ts';
import { syncOnce, writeDecoded } from '../script/keeper/settlement/indexer.ts';
import type { Metric } from './metrics.ts';

const INGEST_SWAPS = 20_000;
const LOAD_INVESTORS = 50;
const LOAD_SWAPS = 1_000;
const BATCH = 250;
const SWAPS_PER_BLOCK = 10;

type Rpc = (method: string, params: unknown[]) => Promise<unknown>;

/** JSON-RPC straight to anvil, many requests per HTTP call (to build large histories quickly). */
function rpcTo(url: string): Rpc & { batch(calls: [string, unknown[]][]): Promise<unknown[]> } {
  const post = async (body: unknown) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return res.json();
  };
  const one = async (method: string, params: unknown[]) => {
    const r = (await post({ jsonrpc: '2.0', id: 1, method, params })) as { result?: unknown; error?: { message: string } };
    if (r.error) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
  return Object.assign(one, {
    async batch(calls: [string, unknown[]][]) {
      const rs = (await post(calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params })))) as { id: number; result?: unknown; error?: { message: string } }[];
      const failed = rs.find((r) => r.error);
      if (failed) throw new Error(`batch: ${failed.error!.message}`);
      return rs.sort((a, b) => a.id - b.id).map((r) => r.result);
    },
  });
}

/** UniversalRouter calldata for a small buy or sell in `pool`, as any investor would send it. */
function swapCalldata(d: Deployment, buy: boolean): Hex {
  const pool = d.pools[0];
  const securityIs0 = pool.currency0 === pool.security;
  const { commands, inputs } = encodeSwapExactInSingle({
    poolKey: poolKeyOf(pool), zeroForOne: buy ? !securityIs0 : securityIs0, amountIn: buy ? 50_000_000n : 2n * 10n ** 18n, amountOutMinimum: 0n,
  });
  return encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] });
}

/** Sends in JSON-RPC batches, with explicit nonces: anvil may take a batch's entries in any order. */
async function sendAll(rpc: ReturnType<typeof rpcTo>, txs: { from: Address; to: Address; data: Hex }[]) {
  const nonces = new Map<Address, number>();
  for (const from of new Set(txs.map((t) => t.from))) {
    nonces.set(from, Number(await rpc('eth_getTransactionCount', [from, 'pending'])));
  }
  const withNonces = txs.map((tx) => {
    const nonce = nonces.get(tx.from)!;
    nonces.set(tx.from, nonce + 1);
    return { ...tx, nonce: numberToHex(nonce), gas: numberToHex(600_000) };
  });
  for (let i = 0; i < withNonces.length; i += BATCH) {
    await rpc.batch(withNonces.slice(i, i + BATCH).map((tx) => ['eth_sendTransaction', [tx]]));
  }
}

/** Puts `swaps` swaps on the chain, ten a block, mined on demand so none is dropped; fails if any reverted. */
export async function buildSwapHistory(venue: LocalVenue, swaps: number): Promise<{ first: bigint; head: bigint }> {
  const { anvil, client, deployment: d } = venue;
  const rpc = rpcTo(anvil.rpcUrl);
  await approveRouterForLp(client, anvil.rpcUrl, d, d.pools[0]);
  const buy = swapCalldata(d, true);
  const sell = swapCalldata(d, false);
  const first = await client.getBlockNumber();
  await rpc('evm_setAutomine', [false]);
  for (let i = 0; i < swaps; i += SWAPS_PER_BLOCK) {
    await sendAll(rpc, Array.from({ length: SWAPS_PER_BLOCK }, (_, j) => ({ from: LP_ACCOUNT.address, to: d.universalRouter, data: (i + j) % 2 ? sell : buy })));
    await rpc('evm_mine', []);
  }
  await rpc('evm_setAutomine', [true]);
  const head = await client.getBlockNumber();
  let failed = 0;
  for (let b = first + 1n; b <= head; b++) {
    const receipts = (await rpc('eth_getBlockReceipts', [numberToHex(b)])) as { status: Hex }[];
    failed += receipts.filter((r) => r.status !== '0x1').length;
  }
  if (failed > 0) throw new Error(`${failed} of the ${swaps} benchmark swaps reverted`);
  return { first, head };
}

/**
 * The naive indexer the keeper is measured against: the same rows from the same decoder, but one eth_getLogs and
 * one header per block, and one INSERT per row (autocommit). Returns the trades it recorded and the seconds taken.
 */
export async function naiveIngest(venue: LocalVenue, head: bigint): Promise<{ rows: number; seconds: number }> {
  const { client, deployment: d } = venue;
  const ledger = await openPgliteLedger();
  const t = performance.now();
  let rows = 0;
  for (let b = BigInt(d.deployBlock); b <= head; b++) {
    const logs = (await client.request({
      method: 'eth_getLogs',
      params: [{ address: [d.poolManager, d.gateHook, d.investorRegistry], topics: [SETTLEMENT_TOPICS], fromBlock: numberToHex(b), toBlock: numberToHex(b) }],
    })) as unknown as RpcLog[];
    if (logs.length === 0) continue;
    const block = await client.getBlock({ blockNumber: b });
    const decoded = decodeSettlementLogs(logs, d, new Map([[b, { number: b, hash: block.hash!, timestamp: block.timestamp }]]));
    for (const trade of decoded.trades) {
      await writeDecoded(ledger, d.chainId, { trades: [trade], liquidity: [], registry: [], unmatched: 0 }, head);
      rows++;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  await ledger.close();
  return { rows, seconds };
}

/** The settlement keeper from its deploy block to `head`, as `npm start` runs it. */
export async function keeperIngest(venue: LocalVenue): Promise<{ rows: number; seconds: number }> {
  const { client, deployment: d } = venue;
  const ledger = await openPgliteLedger();
  const t = performance.now();
  const log = process.env.BENCH_VERBOSE ? { info: (o: object) => console.log(JSON.stringify(o)), warn: (o: object) => console.log(JSON.stringify(o)) } : undefined;
  const state = {};
  while (!(await syncOnce({ client, ledger, deployment: d, confirmations: 1, maxRange: 2000, log, state })).caughtUp);
  const seconds = (performance.now() - t) / 1000;
  const [{ n }] = await ledger.query<{ n: string }>("select count(*)::text as n from trades where status <> 'voided'");
  await ledger.close();
  return { rows: Number(n), seconds };
}

/**
 * Ledger ingestion of 20,000 swaps already on the chain: the settlement keeper against the naive indexer, which must
 * find the same number of trades.
 */
async function ingest(venue: LocalVenue): Promise<Metric[]> {
  const { first, head } = await buildSwapHistory(venue, INGEST_SWAPS);
  const naive = await naiveIngest(venue, head);
  const keeper = await keeperIngest(venue);
  if (keeper.rows !== naive.rows) throw new Error(`the keeper recorded ${keeper.rows} trades, the naive indexer ${naive.rows}`);
  if (naive.rows < INGEST_SWAPS) throw new Error(`only ${naive.rows} swaps on the chain, fewer than ${INGEST_SWAPS}`);

  const keeperRate = keeper.rows / keeper.seconds;
  const naiveRate = naive.rows / naive.seconds;
  return [
    { name: 'ledger.ingest_ratio', value: Math.round((keeperRate / naiveRate) * 100) / 100, unit: 'ratio', target: '>= 10' },
    { name: 'ledger.ingest_events_per_s', value: Math.round(keeperRate), unit: 'events/s', target: 'info' },
    { name: 'ledger.naive_events_per_s', value: Math.round(naiveRate), unit: 'events/s', target: 'info' },
    { name: 'ledger.ingest_swaps', value: naive.rows, unit: 'swaps', target: '>= 20000' },
    { name: 'ledger.ingest_blocks', value: Number(head - first), unit: 'blocks', target: 'info' },
  ];
}

/**
 * Load: 50 investors send 1,000 swaps through UniversalRouter on a chain with one-second blocks while the settlement
 * keeper follows it; its lag (head minus checkpoint) is sampled every 100 ms, and the ledger must end with every swap.
 */
async function load(venue: LocalVenue): Promise<Metric[]> {
  const { anvil, client, deployment: d } = venue;
  const rpc = rpcTo(anvil.rpcUrl);
  const operator = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 }).address;
  const investors = Array.from({ length: LOAD_INVESTORS }, (_, i) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 100 + i }).address);
  const expiry = Math.floor(Date.now() / 1000) + 365 * 86_400;
  await sendAll(rpc, [
    { from: operator, to: d.investorRegistry, data: encodeFunctionData({ abi: investorRegistryAbi, functionName: 'upsertInvestors', args: [investors.map((investor) => ({ investor, accreditationExpiry: expiry, frozen: false }))] }) },
    ...investors.map((to) => ({ from: operator, to: d.stablecoin, data: encodeFunctionData({ abi: demoStablecoinAbi, functionName: 'mint', args: [to, 10_000_000_000n] }) })),
  ]);
  for (const who of investors) {
    await rpc('anvil_impersonateAccount', [who]);
    await rpc('anvil_setBalance', [who, numberToHex(10n ** 20n)]);
  }
  await sendAll(rpc, investors.flatMap((from) => [
    { from, to: d.stablecoin, data: encodeFunctionData({ abi: demoStablecoinAbi, functionName: 'approve', args: [d.permit2, 2n ** 255n] }) },
    { from, to: d.permit2, data: encodeFunctionData({ abi: permit2Abi, functionName: 'approve', args: [d.stablecoin, d.universalRouter, 2n ** 159n, 2 ** 47] }) },
  ]));

  // From here the chain has a block time, as a real one does: one block a second, the swaps in the mempool between.
  await rpc('evm_setAutomine', [false]);
  await rpc('evm_setIntervalMining', [1]);
  const ledger = await openPgliteLedger();
  const stop = new AbortController();
  const keeper = runLoop(() => syncOnce({ client, ledger, deployment: d, confirmations: 1, maxRange: 2000 }), { pollMs: 100, signal: stop.signal });
  const buy = swapCalldata(d, true);
  let maxLag = 0;
  const sampleLag = async () => {
    const head = Number(await client.getBlockNumber());
    const [cp] = await ledger.query<{ block_number: string }>("select block_number from checkpoints where keeper = 'settlement'");
    if (cp) maxLag = Math.max(maxLag, head - Number(cp.block_number));
  };
  for (let sent = 0; sent < LOAD_SWAPS; sent += LOAD_INVESTORS) {
    const before = await client.getBlockNumber();
    await sendAll(rpc, investors.map((from) => ({ from, to: d.universalRouter, data: buy })));
    // Sample the lag every 100 ms until the next block has been mined.
    while ((await client.getBlockNumber()) === before) {
      await sampleLag();
      await new Promise((r) => setTimeout(r, 100));
    }
    await sampleLag();
  }
  // Let the last swaps be mined before the final count.
  const last = await client.getBlockNumber();
  while ((await client.getBlockNumber()) <= last) await new Promise((r) => setTimeout(r, 100));
  const head = await client.getBlockNumber();
  for (;;) {
    const [cp] = await ledger.query<{ block_number: string }>("select block_number from checkpoints where keeper = 'settlement'");
    if (cp && BigInt(cp.block_number) >= head) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  stop.abort();
  await keeper;
  const logs = await client.getLogs({ address: d.poolManager, fromBlock: 0n, toBlock: 'latest' });
  const swaps = parseEventLogs({ abi: poolManagerAbi, logs, eventName: 'Swap' });
  const rows = await ledger.query<{ k: string }>("select tx_hash || ':' || log_index as k from trades where status <> 'voided'");
  await ledger.close();
  const recorded = new Set(rows.map((r) => r.k));
  const missing = swaps.filter((s) => !recorded.has(`${s.transactionHash}:${s.logIndex}`)).length;
  return [
    { name: 'load.max_lag_blocks', value: maxLag, unit: 'blocks', target: '<= 2' },
    { name: 'load.missing_rows', value: missing, unit: 'rows', target: '== 0' },
  ];
}

export async function runLedgerBenchmark(): Promise<Metric[]> {
  const venue = await startLocalVenue('ingest-bench', { batch: true });
  try {
    return await ingest(venue);
  } finally {
    await venue.stop();
  }
}

export async function runLoadBenchmark(): Promise<Metric[]> {
  const venue = await startLocalVenue('load-bench', { batch: true });
  try {
    return await load(venue);
  } finally {
    await venue.stop();
  }
}
