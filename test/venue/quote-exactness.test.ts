/**
 * The off-chain v4 math against the chain: for 1,000+ random swaps, in both directions, exact input and exact
 * output, small to large enough to cross many initialized ticks, the amount computed from a StateView snapshot must
 * equal V4Quoter's answer in the same block, to the wei. Real swaps between rounds move the pool.
 */
import { join } from 'node:path';
import { createWalletClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { universalRouterAbi, v4QuoterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment, type Pool } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';
import { readPoolSnapshot } from '../../sdk/v4/state.ts';
import { simulateSwap, type PoolSnapshot } from '../../sdk/v4/swap.ts';
import { type Anvil } from '../../script/venue/anvil.ts';

import { addRandomPositions, approveRouterForLp, LP_ACCOUNT, seededRandom, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';

const ROUNDS = 10;
const QUOTES_PER_ROUND = 110;

let anvil: Anvil;
let client: PublicClient;
let deployment: Deployment;
let pool: Pool;
let venue: LocalVenue;

const random = seededRandom(0xacc4ed);

beforeAll(async () => {
  venue = await startLocalVenue('quotes', { batch: true });
  ({ anvil, client, deployment } = venue);
  pool = deployment.pools[0];

  await addRandomPositions(client, anvil.rpcUrl, deployment, pool, 40, random);
  await approveRouterForLp(client, anvil.rpcUrl, deployment, pool);
}, 300_000);

afterAll(async () => {
  await venue?.stop();
});

/** Log-uniform between 10^lo and 10^hi units. */
function amount(lo: number, hi: number): bigint {
  return BigInt(Math.floor(10 ** (lo + random() * (hi - lo))));
}

async function quote(snapshot: PoolSnapshot, zeroForOne: boolean, exactIn: boolean, exact: bigint) {
  const args = [{ poolKey: poolKeyOf(pool), zeroForOne, exactAmount: exact, hookData: '0x' as const }] as const;
  const blockNumber = snapshot.blockNumber;
  const onChain = exactIn
    ? (await client.simulateContract({ address: deployment.v4Quoter, abi: v4QuoterAbi, functionName: 'quoteExactInputSingle', args, blockNumber })).result[0]
    : (await client.simulateContract({ address: deployment.v4Quoter, abi: v4QuoterAbi, functionName: 'quoteExactOutputSingle', args, blockNumber })).result[0];
  const offChain = simulateSwap(snapshot, { zeroForOne, amountSpecified: exactIn ? -exact : exact });
  return { onChain, offChain: exactIn ? offChain.amountOut : offChain.amountIn, ticksCrossed: offChain.ticksCrossed };
}

describe('off-chain v4 quotes', () => {
  it(`equal V4Quoter to the wei over ${ROUNDS * QUOTES_PER_ROUND} random swaps, crossing many ticks`, async () => {
    const usdIs0 = pool.currency0 === deployment.stablecoin;
    const mismatches: string[] = [];
    let compared = 0;
    let maxCrossed = 0;
    let multiTick = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const snapshot = await readPoolSnapshot(client, { stateView: deployment.stateView, poolId: pool.poolId, tickSpacing: pool.tickSpacing });
      const cases = Array.from({ length: QUOTES_PER_ROUND }, () => {
        const zeroForOne = random() < 0.5;
        const exactIn = random() < 0.5;
        // The exact side is USD (6 decimals) or shares (18): up to about 600k dollars or 15k shares.
        const exactIsUsd = exactIn ? zeroForOne === usdIs0 : zeroForOne !== usdIs0;
        const exact = exactIsUsd ? amount(2, exactIn ? 11.8 : 11.3) : amount(12, exactIn ? 22.2 : 21.6);
        return { zeroForOne, exactIn, exact };
      });
      const results = await Promise.all(
        cases.map((c) => quote(snapshot, c.zeroForOne, c.exactIn, c.exact).then((r) => ({ ...c, ...r }), (e: Error) => ({ ...c, error: e.message }))),
      );
      for (const r of results) {
        if ('error' in r) continue; // beyond the pool's liquidity: the quoter reverts, and so does the simulation
        compared++;
        maxCrossed = Math.max(maxCrossed, r.ticksCrossed);
        if (r.ticksCrossed >= 2) multiTick++;
        if (r.onChain !== r.offChain) {
          mismatches.push(`round ${round} ${r.zeroForOne ? '0->1' : '1->0'} ${r.exactIn ? 'in' : 'out'} ${r.exact}: chain ${r.onChain} off-chain ${r.offChain}`);
        }
      }
      // Move the pool with a real swap before the next round.
      const zeroForOne = round % 2 === 0;
      const exactIsUsd = zeroForOne === usdIs0;
      const { commands, inputs } = encodeSwapExactInSingle({
        poolKey: poolKeyOf(pool), zeroForOne, amountIn: exactIsUsd ? amount(9, 11.3) : amount(20, 21.5), amountOutMinimum: 0n,
      });
      const lp = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(anvil.rpcUrl) });
      await client.waitForTransactionReceipt({
        hash: await lp.writeContract({ address: deployment.universalRouter, abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] }),
      });
    }
    expect(mismatches, mismatches.slice(0, 5).join('\n')).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(1000);
    expect(multiTick).toBeGreaterThan(100);
    expect(maxCrossed).toBeGreaterThanOrEqual(10);
  }, 300_000);
});

