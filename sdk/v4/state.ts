import type { Address, Hex, PublicClient } from 'viem';
import { stateViewAbi } from '../abis/generated.ts';
import { compress, MAX_TICK, MIN_TICK, position } from './math.ts';
import type { PoolSnapshot } from './swap.ts';

export interface ReadPoolParameters {
  stateView: Address;
  poolId: Hex;
  tickSpacing: number;
  /** Read at this block (default: the latest), so that every part of the snapshot agrees. */
  blockNumber?: bigint;
}

/**
 * Everything a swap in `poolId` reads, at one block, through StateView: slot0, active liquidity, every tick bitmap
 * word of the usable range, and the liquidityNet of every initialized tick. With a batching transport
 * (`http(url, { batch: true })`) that is three round trips.
 */
export async function readPoolSnapshot(client: PublicClient, p: ReadPoolParameters): Promise<PoolSnapshot> {
  const blockNumber = p.blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    client.readContract({ address: p.stateView, abi: stateViewAbi, functionName: functionName as never, args: args as never, blockNumber }) as Promise<T>;

  const minWord = position(compress(MIN_TICK, p.tickSpacing)).wordPos;
  const maxWord = position(compress(MAX_TICK, p.tickSpacing)).wordPos;
  const wordPositions = Array.from({ length: maxWord - minWord + 1 }, (_, i) => minWord + i);
  const [slot0, liquidity, words] = await Promise.all([
    read<readonly [bigint, number, number, number]>('getSlot0', [p.poolId]),
    read<bigint>('getLiquidity', [p.poolId]),
    Promise.all(wordPositions.map((w) => read<bigint>('getTickBitmap', [p.poolId, w]))),
  ]);

  const bitmap = new Map<number, bigint>();
  const initializedTicks: number[] = [];
  words.forEach((word, i) => {
    if (word === 0n) return;
    bitmap.set(wordPositions[i], word);
    for (let bit = 0; bit < 256; bit++) {
      if ((word >> BigInt(bit)) & 1n) initializedTicks.push((wordPositions[i] * 256 + bit) * p.tickSpacing);
    }
  });
  const nets = await Promise.all(
    initializedTicks.map((tick) => read<readonly [bigint, bigint]>('getTickLiquidity', [p.poolId, tick])),
  );
  const [sqrtPriceX96, tick, protocolFee, lpFee] = slot0;
  return {
    sqrtPriceX96,
    tick,
    liquidity,
    lpFee,
    protocolFee,
    tickSpacing: p.tickSpacing,
    bitmap,
    liquidityNet: new Map(initializedTicks.map((t, i) => [t, nets[i][1]])),
    blockNumber,
  };
}
