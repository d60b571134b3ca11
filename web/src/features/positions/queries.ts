/**
 * Chain reads for liquidity positions, each at one block (the block number is in every key, so they refresh per block):
 * the connected LP's PositionManager positions in the venue's pools with their amounts and uncollected fees, and the Permit2 allowances that let PositionManager pull a deposit.
 */
import { useQuery } from '@tanstack/react-query';
import { erc20Abi, getAbiItem, type Address, type PublicClient } from 'viem';
import { permit2Abi, positionManagerAbi, stateViewAbi } from '../../../../sdk/abis/generated.ts';
import type { Deployment, Pool } from '../../../../sdk/manifest.ts';
import { decodePositionInfo, positionSalt } from '../../../../sdk/periphery.ts';
import { readPoolState, type PoolState } from '../../app/pools.ts';
import { useBlock, useVenue } from '../../app/venue.tsx';
import { amountsForLiquidity, feesOwed, type Amounts } from './logic.ts';

export interface Position {
  tokenId: bigint;
  pool: Pool;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  /** What removing all the liquidity would pay now (principal, rounded down as the pool pays). */
  principal: Amounts;
  /** Fees earned and not collected yet. */
  fees: Amounts;
}

export interface PositionsSnapshot {
  blockNumber: bigint;
  positions: Position[];
  pools: Map<string, PoolState>;
}

const transferEvent = getAbiItem({ abi: positionManagerAbi, name: 'Transfer' });
/** getLogs spans this many blocks at most per request (public RPCs refuse wider ranges). */
const LOG_SPAN = 10_000n;
/** Blocks scanned again each time, so that a log of a reorganized block is not missed. */
const REORG_OVERLAP = 12n;

/** Token ids ever transferred to an owner, scanned incrementally per (PositionManager, owner). */
const received = new Map<string, { scannedTo: bigint; ids: Set<bigint> }>();

/**
 * PositionManager is an ERC-721 without enumeration: the ids an owner may hold are those ever transferred to it
 * (mints included), from the manifest's deploy block on. Which of them it still holds is for ownerOf to say.
 */
async function tokenIdsReceived(client: PublicClient, d: Deployment, owner: Address, toBlock: bigint): Promise<bigint[]> {
  const key = `${d.positionManager}:${owner}`.toLowerCase();
  let scan = received.get(key);
  // A chain that went backwards (a reset local chain) starts the scan over.
  if (!scan || toBlock + REORG_OVERLAP < scan.scannedTo) scan = { scannedTo: BigInt(d.deployBlock) - 1n, ids: new Set() };
  let from = scan.scannedTo + 1n - REORG_OVERLAP;
  if (from < BigInt(d.deployBlock)) from = BigInt(d.deployBlock);
  for (; from <= toBlock; from += LOG_SPAN) {
    const to = from + LOG_SPAN - 1n < toBlock ? from + LOG_SPAN - 1n : toBlock;
    const logs = await client.getLogs({ address: d.positionManager, event: transferEvent, args: { to: owner }, fromBlock: from, toBlock: to });
    for (const log of logs) if (log.args.id !== undefined) scan.ids.add(log.args.id);
  }
  if (toBlock > scan.scannedTo) scan.scannedTo = toBlock;
  received.set(key, scan);
  return [...scan.ids];
}

/** Every position `owner` holds in the manifest's pools at `blockNumber`, newest first. */
export async function readPositions(client: PublicClient, d: Deployment, owner: Address, blockNumber: bigint): Promise<PositionsSnapshot> {
  const posm = { address: d.positionManager, abi: positionManagerAbi, blockNumber } as const;
  const ids = await tokenIdsReceived(client, d, owner, blockNumber);
  // A burned id's ownerOf reverts: it is simply not held.
  const owners = await Promise.all(ids.map((id) => client.readContract({ ...posm, functionName: 'ownerOf', args: [id] }).catch(() => undefined)));
  const held = ids.filter((_, i) => owners[i]?.toLowerCase() === owner.toLowerCase());

  const infos = await Promise.all(
    held.map(async (tokenId) => {
      const [[, packed], liquidity] = await Promise.all([
        client.readContract({ ...posm, functionName: 'getPoolAndPositionInfo', args: [tokenId] }),
        client.readContract({ ...posm, functionName: 'getPositionLiquidity', args: [tokenId] }),
      ]);
      const info = decodePositionInfo(packed);
      // Only the venue's gated pools count; PositionManager keys pools by the first 25 bytes of the PoolId.
      const pool = d.pools.find((p) => p.poolId.slice(0, 52).toLowerCase() === info.poolIdPrefix.toLowerCase());
      return pool ? { tokenId, pool, tickLower: info.tickLower, tickUpper: info.tickUpper, liquidity } : undefined;
    }),
  );
  const mine = infos.filter((p) => p !== undefined);

  const poolIds = [...new Set(mine.map((p) => p.pool.poolId))];
  const states = await Promise.all(poolIds.map((id) => readPoolState(client, d, d.pools.find((p) => p.poolId === id)!, blockNumber)));
  const pools = new Map(poolIds.map((id, i) => [id, states[i]]));

  const stateView = { address: d.stateView, abi: stateViewAbi, blockNumber } as const;
  const positions = await Promise.all(
    mine.map(async (p): Promise<Position> => {
      const [[growth0, growth1], [, last0, last1]] = await Promise.all([
        client.readContract({ ...stateView, functionName: 'getFeeGrowthInside', args: [p.pool.poolId, p.tickLower, p.tickUpper] }),
        client.readContract({
          ...stateView,
          functionName: 'getPositionInfo',
          args: [p.pool.poolId, d.positionManager, p.tickLower, p.tickUpper, positionSalt(p.tokenId)],
        }),
      ]);
      return {
        ...p,
        principal: amountsForLiquidity(pools.get(p.pool.poolId)!, p.tickLower, p.tickUpper, p.liquidity, 'down'),
        fees: { amount0: feesOwed(growth0, last0, p.liquidity), amount1: feesOwed(growth1, last1, p.liquidity) },
      };
    }),
  );
  positions.sort((a, b) => (a.tokenId > b.tokenId ? -1 : 1));
  return { blockNumber, positions, pools };
}

export function usePositions(owner: Address | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['lp-positions', owner, block?.toString()],
    enabled: owner !== undefined && block !== undefined,
    // Keep the last list while the next block's loads (and while the owner is the same).
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === owner ? previous : undefined),
    queryFn: () => readPositions(client, deployment, owner!, block!),
  });
}

export interface PermitState {
  token: Address;
  /** The ERC-20 allowance the token gives Permit2. */
  erc20Allowance: bigint;
  /** Permit2's allowance for PositionManager: amount and expiry (unix seconds). */
  permitAmount: bigint;
  permitExpiration: number;
}

/** What stands between `owner` and paying `tokens` to PositionManager: each token's approval of Permit2, and Permit2's allowance. */
export function usePositionPermits(tokens: Address[], owner: Address | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['lp-permits', tokens.join(','), owner, block?.toString()],
    enabled: owner !== undefined && block !== undefined && tokens.length > 0,
    placeholderData: (previous) => previous,
    queryFn: () =>
      Promise.all(
        tokens.map(async (token): Promise<PermitState> => {
          const [erc20Allowance, [amount, expiration]] = await Promise.all([
            client.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [owner!, deployment.permit2], blockNumber: block }),
            client.readContract({ address: deployment.permit2, abi: permit2Abi, functionName: 'allowance', args: [owner!, token, deployment.positionManager], blockNumber: block }),
          ]);
          return { token, erc20Allowance, permitAmount: amount, permitExpiration: Number(expiration) };
        }),
      ),
  });
}
