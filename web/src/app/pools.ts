/** A pool's price and the gate's pause flag at a block, and its whole snapshot: shared by the swap, positions and market pages. */
import { useQuery } from '@tanstack/react-query';
import type { PublicClient } from 'viem';
// Single-function ABIs (generated): the swap page reads these, and the whole ABIs would weigh on its first download.
import { getSlot0Abi } from '../../../sdk/abis/getSlot0Abi.ts';
import { poolConfigAbi } from '../../../sdk/abis/poolConfigAbi.ts';
import type { Deployment, Pool } from '../../../sdk/manifest.ts';
import { useBlock, useVenue } from './venue.tsx';

export interface PoolState {
  sqrtPriceX96: bigint;
  tick: number;
  /** The LP fee in pips (hundredths of a basis point). */
  lpFee: number;
  /** The gate refuses swaps and adds (never removals) in a paused pool. */
  paused: boolean;
}

export async function readPoolState(client: PublicClient, d: Deployment, pool: Pool, blockNumber: bigint): Promise<PoolState> {
  const [slot0, config] = await Promise.all([
    client.readContract({ address: d.stateView, abi: getSlot0Abi, functionName: 'getSlot0', args: [pool.poolId], blockNumber }),
    client.readContract({ address: d.gateHook, abi: poolConfigAbi, functionName: 'poolConfig', args: [pool.poolId], blockNumber }),
  ]);
  return { sqrtPriceX96: slot0[0], tick: slot0[1], lpFee: slot0[3], paused: config[3] };
}

/** `readPoolState` at the newest block, refreshed each block. */
export function usePoolState(pool: Pool) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['pool-state', pool.poolId, block?.toString()],
    enabled: block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: () => readPoolState(client, deployment, pool, block!),
  });
}

/**
 * Everything a swap in the pool reads (slot0, active liquidity, every initialized tick), at the newest block, while
 * `enabled`: the market's value locked, mid and depth, and the swap form's largest fill, are computed from it.
 */
export function usePoolSnapshot(pool: Pool, enabled = true) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['pool-snapshot', pool.poolId, block?.toString()],
    enabled: enabled && block !== undefined,
    placeholderData: (previous) => previous,
    // One entry per block: drop old blocks' snapshots soon rather than after the default five minutes.
    gcTime: 15_000,
    // Loaded with its first use (the market page, an order too large): not part of the swap page's first download.
    queryFn: async () => (await import('../../../sdk/v4/state.ts')).readPoolSnapshot(client, { stateView: deployment.stateView, poolId: pool.poolId, tickSpacing: pool.tickSpacing, blockNumber: block }),
  });
}
