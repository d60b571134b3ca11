import type { Hex, PublicClient } from 'viem';
import { poolManagerAbi, stateViewAbi, v4QuoterAbi } from '../../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment, type Pool } from '../../../sdk/manifest.ts';
import { readPoolSnapshot } from '../../../sdk/v4/state.ts';
import type { PoolSnapshot } from '../../../sdk/v4/swap.ts';
import type { Ledger } from '../ledger/db.ts';
import { quoteBoard } from './board.ts';

export const DEFAULT_LADDER = [1_000, 10_000, 100_000, 1_000_000];
/** The most blocks scanned for liquidity changes in one step; further behind, pools are read again in full. */
const MAX_SCAN = 2_000n;
const modifyLiquidity = poolManagerAbi.find((i) => i.type === 'event' && i.name === 'ModifyLiquidity') as Extract<
  (typeof poolManagerAbi)[number],
  { type: 'event'; name: 'ModifyLiquidity' }
>;

export interface QuoteOptions {
  client: PublicClient;
  ledger: Ledger;
  deployment: Deployment;
  /** Ladder sizes in whole stablecoin units. */
  ladder?: number[];
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** What the keeper keeps between blocks: each pool's snapshot, so ticks are re-read only when liquidity changed. */
export interface QuoteState {
  snapshots: Map<Hex, PoolSnapshot>;
  lastBlock?: bigint;
  lastHash?: Hex;
  /** Whether the newest stored board has been checked against the chain since the keeper started. */
  checkedStored?: boolean;
  fullReads: number;
  crossChecks: number;
  mismatches: number;
}

export const newQuoteState = (): QuoteState => ({ snapshots: new Map(), fullReads: 0, crossChecks: 0, mismatches: 0 });

/**
 * Quotes every gated pool at the newest block, once per block. A swap changes only slot0 and active liquidity, so
 * those are all that is re-read, unless a ModifyLiquidity in the pool since the last snapshot may have changed the
 * tick bitmap or a tick, in which case the pool is read again in full. Each block, one quote is checked against
 * V4Quoter in that block, and a mismatch is logged as an error.
 */
export async function quoteOnce(o: QuoteOptions, state: QuoteState): Promise<{ caughtUp: boolean }> {
  const d = o.deployment;
  const block = await o.client.getBlock({ blockTag: 'latest' });
  const head = block.number!;
  if (state.lastBlock === head && state.lastHash === block.hash) return { caughtUp: true };
  if (state.lastBlock === undefined && !state.checkedStored) {
    // A (re)started keeper picks up from the newest board it stored, which may be of a block the chain has lost.
    const [newest] = await o.ledger.query<{ block_number: string; block_hash: Hex }>(
      'select block_number::text, block_hash from quotes where chain_id = $1 order by block_number desc limit 1',
      [d.chainId],
    );
    state.checkedStored = true;
    if (newest) Object.assign(state, { lastBlock: BigInt(newest.block_number), lastHash: newest.block_hash });
  }
  if (state.lastBlock !== undefined) {
    const last = state.lastBlock <= head ? await o.client.getBlock({ blockNumber: state.lastBlock }).catch(() => undefined) : undefined;
    if (last?.hash !== state.lastHash) await forgetReorged(o, state);
  }
  // Far behind (or just started): read every pool in full rather than scan a long range for liquidity changes.
  if (state.lastBlock !== undefined && head - state.lastBlock > MAX_SCAN) state.snapshots.clear();
  const changed = new Set<string>();
  if (state.lastBlock !== undefined && state.snapshots.size > 0) {
    const logs = await o.client.getLogs({ address: d.poolManager, event: modifyLiquidity, fromBlock: state.lastBlock + 1n, toBlock: head });
    for (const l of logs) changed.add(String(l.args.id).toLowerCase());
  }
  for (const pool of d.pools) {
    const snapshot = await refresh(o, state, pool, head, changed.has(pool.poolId.toLowerCase()));
    const securityIs0 = pool.currency0 === pool.security;
    const board = quoteBoard(snapshot, securityIs0, o.ladder ?? DEFAULT_LADDER);
    const crossCheck = await crossCheckRung(o, state, pool, snapshot, securityIs0, board.ladder[Math.min(1, board.ladder.length - 1)]);
    await o.ledger.query(
      `insert into quotes (chain_id, pool_id, block_number, block_hash, block_time, mid_price, sqrt_price_x96, tick, liquidity, ladder, depth, cross_check)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (chain_id, pool_id, block_number) do update set block_hash = excluded.block_hash, mid_price = excluded.mid_price,
         sqrt_price_x96 = excluded.sqrt_price_x96, tick = excluded.tick, liquidity = excluded.liquidity, ladder = excluded.ladder,
         depth = excluded.depth, cross_check = excluded.cross_check`,
      [d.chainId, pool.poolId, head.toString(), block.hash, block.timestamp.toString(), board.mid, snapshot.sqrtPriceX96.toString(),
        snapshot.tick, snapshot.liquidity.toString(), JSON.stringify(board.ladder), JSON.stringify(board.depth), JSON.stringify(crossCheck)],
    );
  }
  state.lastBlock = head;
  state.lastHash = block.hash!;
  o.log?.info({ block: Number(head), pools: d.pools.length }, 'quoted');
  return { caughtUp: true };
}

/**
 * The chain reorganized under the last board. Quotes of blocks no longer on the chain are deleted (walking the stored
 * blocks down until one still matches), and the cached ticks are dropped: a liquidity change may have been undone.
 */
async function forgetReorged(o: QuoteOptions, state: QuoteState) {
  const chainId = o.deployment.chainId;
  const stored = await o.ledger.query<{ block_number: string; block_hash: Hex }>(
    'select distinct block_number::text, block_hash from quotes where chain_id = $1 order by block_number desc limit 256',
    [chainId],
  );
  let removed = 0;
  for (const row of stored) {
    const onChain = await o.client.getBlock({ blockNumber: BigInt(row.block_number) }).catch(() => undefined);
    if (onChain?.hash === row.block_hash) break;
    await o.ledger.query('delete from quotes where chain_id = $1 and block_number = $2 and block_hash = $3', [chainId, row.block_number, row.block_hash]);
    removed++;
  }
  state.snapshots.clear();
  state.lastBlock = undefined;
  state.lastHash = undefined;
  o.log?.warn({ removedBlocks: removed }, 'reorg: dropped the quotes of blocks no longer on the chain');
}

async function refresh(o: QuoteOptions, state: QuoteState, pool: Pool, head: bigint, liquidityChanged: boolean): Promise<PoolSnapshot> {
  const cached = state.snapshots.get(pool.poolId);
  let snapshot: PoolSnapshot;
  if (!cached || liquidityChanged) {
    snapshot = await readPoolSnapshot(o.client, { stateView: o.deployment.stateView, poolId: pool.poolId, tickSpacing: pool.tickSpacing, blockNumber: head });
    state.fullReads++;
  } else {
    const [slot0, liquidity] = await Promise.all([
      o.client.readContract({ address: o.deployment.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId], blockNumber: head }),
      o.client.readContract({ address: o.deployment.stateView, abi: stateViewAbi, functionName: 'getLiquidity', args: [pool.poolId], blockNumber: head }),
    ]);
    snapshot = { ...cached, sqrtPriceX96: slot0[0], tick: slot0[1], protocolFee: slot0[2], lpFee: slot0[3], liquidity, blockNumber: head };
  }
  state.snapshots.set(pool.poolId, snapshot);
  return snapshot;
}


async function crossCheckRung(
  o: QuoteOptions,
  state: QuoteState,
  pool: Pool,
  snapshot: PoolSnapshot,
  securityIs0: boolean,
  rung: { size: number; buy: { shares: string } | null },
) {
  if (!rung.buy) return { size: rung.size, side: 'buy', checked: false };
  const { result } = await o.client.simulateContract({
    address: o.deployment.v4Quoter,
    abi: v4QuoterAbi,
    functionName: 'quoteExactInputSingle',
    args: [{ poolKey: poolKeyOf(pool), zeroForOne: !securityIs0, exactAmount: BigInt(rung.size) * 10n ** 6n, hookData: '0x' }],
    blockNumber: snapshot.blockNumber,
  });
  state.crossChecks++;
  const ok = result[0].toString() === rung.buy.shares;
  if (!ok) {
    state.mismatches++;
    o.log?.error({ pool: pool.name, size: rung.size, offChain: rung.buy.shares, v4Quoter: result[0].toString(), block: Number(snapshot.blockNumber) }, 'QUOTE MISMATCH with V4Quoter');
  }
  return { size: rung.size, side: 'buy', checked: true, ok, v4Quoter: result[0].toString() };
}
