/**
 * `npm run bench -- chain`: the durable chain's promises, measured.
 *  - chain.crash_lost_acked: acknowledged transactions lost over 20 random `kill -9` of the whole venue under traffic;
 *  - chain.durable_throughput_ratio: swaps per second through the durable chain ÷ the same swaps on a bare anvil;
 *  - chain.throughput_flatness: swaps per second after 100,000 transactions ÷ after 1,000;
 *  - chain.bytes_per_tx: journal, snapshots and archive on disk at 100,000 transactions, per transaction;
 *  - chain.restart_100k_s: a `kill -9` of the chain process at 100,000 transactions until it serves again;
 *  - chain.anvil_rss_mb: the served anvil's memory at 100,000 transactions (it is replaced every
 *    ACCREDEX_RECYCLE_BLOCKS blocks, so this stays bounded).
 * BENCH_CHAIN_TXS shrinks the long history for a quick look (the figures then are not the targets' measure).
 */
import { mnemonicToAccount } from 'viem/accounts';
import { encodeFunctionData, type Hex } from 'viem';
import { universalRouterAbi } from '../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment } from '../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../sdk/periphery.ts';
import { ANVIL_MNEMONIC, ANVIL_OPERATOR_KEY } from '../script/venue/anvil.ts';
import { deployVenue } from '../script/venue/deploy.ts';
import { approveRouterForLp, LP_ACCOUNT, seededRandom, startLocalVenue } from '../script/venue/fixtures.ts';
import { testChain } from '../test/chain/helpers.ts';
import { deploymentOf, prepareTraffic, startTraffic, testVenue } from '../test/chain/venue.ts';
import type { Metric } from './metrics.ts';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const HISTORY = Number(process.env.BENCH_CHAIN_TXS ?? 100_000);
const WINDOW = 2_000;
const ALICE = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 });

const bytesUnder = (path: string): number => {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((sum, f) => sum + bytesUnder(join(path, f)), 0) : s.size;
};

/** Two investors (alice and the LP) swapping back and forth in the first pool, each waiting for its receipt. */
export async function swaps(rpcUrl: string, d: Deployment, count: number): Promise<number> {
  const pool = d.pools[0];
  const securityIs0 = pool.currency0 === pool.security;
  const data = (buy: boolean) => {
    const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne: buy ? !securityIs0 : securityIs0, amountIn: buy ? 25_000_000n : 10n ** 18n, amountOutMinimum: 0n });
    return encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] });
  };
  const calldata = [data(true), data(false)];
  let sent = 0;
  const started = performance.now();
  await Promise.all([ALICE.address, LP_ACCOUNT.address].map(async (from) => {
    for (let i = 0; sent < count; i++) {
      sent++;
      const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendTransactionSync', params: [{ from, to: d.universalRouter, data: calldata[i % 2], gas: '0x927c0' }] }) });
      const { result, error } = (await res.json()) as { result?: { status: Hex }; error?: { message: string } };
      if (error || result?.status !== '0x1') throw new Error(`benchmark swap failed: ${error?.message ?? 'reverted'}`);
    }
  }));
  return count / ((performance.now() - started) / 1000);
}

export async function approveBoth(client: Parameters<typeof approveRouterForLp>[0], rpcUrl: string, d: Deployment) {
  for (const account of [ALICE, LP_ACCOUNT]) await approveRouterForLp(client, rpcUrl, d, d.pools[0], account);
}

async function crashLoss(): Promise<Metric[]> {
  const venue = await testVenue('bench-crash', { ACCREDEX_LOG_LEVEL: 'warn' });
  const random = seededRandom(0xbe7c4);
  let ok = false;
  try {
    await venue.start();
    const d = deploymentOf(venue);
    const client = await prepareTraffic(venue, d);
    const traffic = startTraffic(venue, d);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 300 + random() * 2_500));
      await venue.signal('SIGKILL');
      await venue.start();
    }
    await traffic.stop();
    let lost = 0;
    for (const a of traffic.acked.values()) {
      const r = await client.getTransactionReceipt({ hash: a.hash }).catch(() => undefined);
      if (!r || r.blockHash !== a.blockHash) lost++;
    }
    ok = true;
    return [
      { name: 'chain.crash_lost_acked', value: lost, unit: 'transactions', target: '== 0' },
      { name: 'chain.crash_acked', value: traffic.acked.size, unit: 'transactions', target: 'info' },
    ];
  } finally {
    if (venue.process && venue.process.exitCode === null) await venue.signal('SIGTERM');
    // A failed run keeps its data directory (journal, logs) for the post-mortem.
    if (ok) venue.remove();
    else console.error(`chain bench: the crash run failed; its data directory is kept at ${venue.dataDir}`);
  }
}

export async function runChainBenchmark(): Promise<Metric[]> {
  const metrics: Metric[] = [...(await crashLoss())];

  // The same swaps on a bare anvil and through the durable chain, one after the other on this machine.
  const bare = await startLocalVenue('bench-bare');
  let bareRate: number;
  try {
    await approveBoth(bare.client, bare.anvil.rpcUrl, bare.deployment);
    await swaps(bare.anvil.rpcUrl, bare.deployment, 500);
    bareRate = await swaps(bare.anvil.rpcUrl, bare.deployment, 3 * WINDOW);
  } finally {
    await bare.stop();
  }
  const chain = await testChain('bench-chain', { ACCREDEX_LOG_LEVEL: 'warn' });
  const deploymentsDir = `deployments/.tmp-bench-chain-${process.pid}`;
  try {
    const d = await deployVenue({ rpcUrl: chain.rpcUrl, privateKey: ANVIL_OPERATOR_KEY, deploymentsDir });
    await approveBoth(chain.client, chain.rpcUrl, d);
    await swaps(chain.rpcUrl, d, 500);
    const durableRate = await swaps(chain.rpcUrl, d, 3 * WINDOW);
    metrics.push(
      { name: 'chain.durable_throughput_ratio', value: Math.round((durableRate / bareRate) * 1000) / 1000, unit: 'ratio', target: '>= 0.8' },
      { name: 'chain.bare_swaps_per_s', value: Math.round(bareRate), unit: 'swaps/s', target: 'info' },
      { name: 'chain.durable_swaps_per_s', value: Math.round(durableRate), unit: 'swaps/s', target: 'info' },
    );

    // A long history: the rate after it, the bytes it takes, and a restart from it.
    const early = await swaps(chain.rpcUrl, d, WINDOW);
    const done = () => chain.client.getBlockNumber().then(Number);
    while ((await done()) < HISTORY) {
      const rate = await swaps(chain.rpcUrl, d, Math.min(10_000, HISTORY - (await done()) + 1));
      console.log(`  chain bench: ${await done()} blocks, ${Math.round(rate)} swaps/s`);
    }
    const late = await swaps(chain.rpcUrl, d, WINDOW);
    const txs = Number(await chain.client.getBlockNumber());
    const bytes = bytesUnder(join(chain.dataDir, 'chain'));
    const { process: chainProcess } = (await fetch(`${chain.rpcUrl}/health`).then((r) => r.json())) as { process: { anvilPid: number } };
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${chainProcess.anvilPid}/status`, 'utf8'))![1]) / 1024;
    await chain.kill();
    const started = performance.now();
    await chain.start();
    const restart = (performance.now() - started) / 1000;
    metrics.push(
      { name: 'chain.throughput_flatness', value: Math.round((late / early) * 1000) / 1000, unit: 'ratio', target: '>= 0.9' },
      { name: 'chain.bytes_per_tx', value: Math.round(bytes / txs), unit: 'bytes', target: '<= 5000' },
      { name: 'chain.restart_100k_s', value: Math.round(restart * 100) / 100, unit: 's', target: '<= 30' },
      { name: 'chain.anvil_rss_mb', value: Math.round(rssMb), unit: 'MB', target: '<= 1024' },
      { name: 'chain.history_txs', value: txs, unit: 'transactions', target: HISTORY >= 100_000 ? '>= 100000' : 'info' },
    );
  } finally {
    await chain.stop();
    chain.remove();
    rmSync(deploymentsDir, { recursive: true, force: true });
  }
  return metrics;
}
