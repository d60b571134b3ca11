/** A pool's price and the gate's pause flag at a block: read by the swap form and the positions page alike. */
import { useQuery } from '@tanstack/react-query';
import type { PublicClient } from 'viem';
import { gateHookAbi } from '../../../sdk/abis/gateHookAbi.ts';
import { stateViewAbi } from '../../../sdk/abis/stateViewAbi.ts';
import type { Deployment, Pool } from '../../../sdk/manifest.ts';
import { useBlock, useVenue } from './venue.tsx';

export interface PoolState {
  sqrtPriceX96: bigint;
  tick: number;
  /** The gate refuses swaps and adds (never removals) in a paused pool. */
  paused: boolean;
}

export async function readPoolState(client: PublicClient, d: Deployment, pool: Pool, blockNumber: bigint): Promise<PoolState> {
  const [slot0, config] = await Promise.all([
    client.readContract({ address: d.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId], blockNumber }),
    client.readContract({ address: d.gateHook, abi: gateHookAbi, functionName: 'poolConfig', args: [pool.poolId], blockNumber }),
  ]);
  return { sqrtPriceX96: slot0[0], tick: slot0[1], paused: config[3] };
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
