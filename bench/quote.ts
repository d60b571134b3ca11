import { createPublicClient, http } from 'viem';
import { foundry } from 'viem/chains';
import { v4QuoterAbi } from '../sdk/abis/generated.ts';
import { poolKeyOf } from '../sdk/manifest.ts';
import { readPoolSnapshot } from '../sdk/v4/state.ts';
import { simulateSwap } from '../sdk/v4/swap.ts';
import { addRandomPositions, seededRandom, startLocalVenue } from '../script/venue/fixtures.ts';
import type { Metric } from './metrics.ts';

const CASES = 1_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Off-chain exact quotes from a StateView snapshot held in memory (as the quote keeper holds one) against V4Quoter
 * `eth_call`, on the same anvil, over the same random exact-input swaps: latency p50 ratio, and how many agree to
 * the wei.
 */
export async function runQuoteBenchmark(): Promise<Metric[]> {
  const venue = await startLocalVenue('quote-bench', { batch: true });
  try {
    const { anvil, client, deployment: d } = venue;
    // V4Quoter is timed one eth_call at a time, without batching.
    const single = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl), cacheTime: 0 });
    const pool = d.pools[0];
    const random = seededRandom(0xbe7c4);
    await addRandomPositions(client, anvil.rpcUrl, d, pool, 40, random);
    const snapshot = await readPoolSnapshot(client, { stateView: d.stateView, poolId: pool.poolId, tickSpacing: pool.tickSpacing });
    const usdIs0 = pool.currency0 === d.stablecoin;

    const offChain: number[] = [];
    const onChain: number[] = [];
    let exact = 0;
    for (let i = 0; i < CASES; i++) {
      const zeroForOne = random() < 0.5;
      const amountIn = BigInt(Math.floor(zeroForOne === usdIs0 ? 10 ** (2 + random() * 9.5) : 10 ** (12 + random() * 10)));
      let t = performance.now();
      const simulated = simulateSwap(snapshot, { zeroForOne, amountSpecified: -amountIn });
      offChain.push(performance.now() - t);
      t = performance.now();
      const { result } = await single.simulateContract({
        address: d.v4Quoter, abi: v4QuoterAbi, functionName: 'quoteExactInputSingle',
        args: [{ poolKey: poolKeyOf(pool), zeroForOne, exactAmount: amountIn, hookData: '0x' }], blockNumber: snapshot.blockNumber,
      });
      onChain.push(performance.now() - t);
      if (result[0] === simulated.amountOut) exact++;
    }
    const ratio = median(offChain) / median(onChain);
    return [
      { name: 'quote.latency_ratio', value: Math.round(ratio * 10_000) / 10_000, unit: 'ratio', target: '<= 0.05' },
      { name: 'quote.exact_pct', value: Math.round((exact / CASES) * 10_000) / 100, unit: '%', target: '>= 100' },
      { name: 'quote.offchain_p50_ms', value: Math.round(median(offChain) * 1000) / 1000, unit: 'ms', target: 'info' },
      { name: 'quote.v4quoter_p50_ms', value: Math.round(median(onChain) * 1000) / 1000, unit: 'ms', target: 'info' },
    ];
  } finally {
    await venue.stop();
  }
}
