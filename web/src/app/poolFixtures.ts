/** Pool snapshots for unit tests: the positions given, at a tick, as StateView would describe them. */
import { compress, getSqrtPriceAtTick, position } from '../../../sdk/v4/math.ts';
import type { PoolSnapshot } from '../../../sdk/v4/swap.ts';

export interface Position {
  lower: number;
  upper: number;
  liquidity: bigint;
}

/** A pool snapshot holding `positions`, at `tick`, as StateView would describe it. */
export function snapshotOf(positions: Position[], tick: number, spacing = 60, lpFee = 3_000): PoolSnapshot {
  const liquidityNet = new Map<number, bigint>();
  for (const p of positions) {
    liquidityNet.set(p.lower, (liquidityNet.get(p.lower) ?? 0n) + p.liquidity);
    liquidityNet.set(p.upper, (liquidityNet.get(p.upper) ?? 0n) - p.liquidity);
  }
  const bitmap = new Map<number, bigint>();
  for (const t of liquidityNet.keys()) {
    const { wordPos, bitPos } = position(compress(t, spacing));
    bitmap.set(wordPos, (bitmap.get(wordPos) ?? 0n) | (1n << BigInt(bitPos)));
  }
  const liquidity = positions.filter((p) => p.lower <= tick && tick < p.upper).reduce((s, p) => s + p.liquidity, 0n);
  return { sqrtPriceX96: getSqrtPriceAtTick(tick), tick, liquidity, lpFee, tickSpacing: spacing, bitmap, liquidityNet };
}
