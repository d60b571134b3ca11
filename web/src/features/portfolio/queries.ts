/**
 * The portfolio's reads. Chain (at the newest block, refreshed each block): the identity behind the connected wallet
 * and all its wallets, each wallet's balance of each security, the identity's lots, each pool's price, and each
 * wallet's liquidity positions (the positions feature's own reader). Standing and lockup ends are the eligibility
 * feature's (useEligibility). Keepers' API: the signed-in wallet's own trades and liquidity events (GET /trades and
 * GET /liquidity answer an investor with its own rows only).
 */
import { useQuery } from '@tanstack/react-query';
import { erc20Abi, type Address } from 'viem';
import { investorRegistryAbi, restrictedSecurityTokenAbi } from '../../../../sdk/abis/generated.ts';
import { readPoolState, type PoolState } from '../../app/pools.ts';
import { useBlock, useVenue } from '../../app/venue.tsx';
import { fetchAllTrades } from '../market/queries.ts';
import { readPositions, type Position } from '../positions/queries.ts';
import { useSession, useViewer } from '../session/queries.ts';
import { apiGet } from '../../lib/api.ts';
import { parseLiquidityPage, type LiquidityEvent } from './history.ts';
import type { Lot } from './logic.ts';

export interface SecurityChain {
  /** Each wallet's balance, in the order of `PortfolioChain.wallets`. */
  balances: bigint[];
  lots: Lot[];
  state: PoolState;
}

export interface PortfolioChain {
  identity: bigint;
  /** The identity's wallets (the connected one first), or only the connected wallet when it has no identity. */
  wallets: Address[];
  /** By pool id. */
  securities: Map<string, SecurityChain>;
  positions: Position[];
}

export function usePortfolioChain(address: Address | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['portfolio', address, block?.toString()],
    enabled: address !== undefined && block !== undefined,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === address ? previous : undefined),
    queryFn: async (): Promise<PortfolioChain> => {
      const registry = { address: deployment.investorRegistry, abi: investorRegistryAbi, blockNumber: block } as const;
      const { identity } = await client.readContract({ ...registry, functionName: 'investor', args: [address!] });
      const linked = identity === 0n ? [] : (await client.readContract({ ...registry, functionName: 'identity', args: [identity] })).wallets;
      const wallets = [address!, ...linked.filter((w) => w.toLowerCase() !== address!.toLowerCase())];
      const [securities, positions] = await Promise.all([
        Promise.all(
          deployment.pools.map(async (pool): Promise<[string, SecurityChain]> => {
            const token = { address: pool.security, blockNumber: block } as const;
            const [balances, lots, state] = await Promise.all([
              Promise.all(wallets.map((w) => client.readContract({ ...token, abi: erc20Abi, functionName: 'balanceOf', args: [w] }))),
              identity === 0n ? [] : client.readContract({ ...token, abi: restrictedSecurityTokenAbi, functionName: 'lotsOf', args: [identity] }),
              readPoolState(client, deployment, pool, block!),
            ]);
            return [pool.poolId, { balances, lots: lots.map((l) => ({ amount: l.amount, releaseAt: Number(l.releaseAt), kind: Number(l.kind) })), state }];
          }),
        ),
        Promise.all(wallets.map((w) => readPositions(client, deployment, w, block!))),
      ]);
      return { identity, wallets, securities: new Map(securities), positions: positions.flatMap((p) => p.positions) };
    },
  });
}

/**
 * The investor's own trades, every page: those of each of `wallets` (the identity's; the API answers an investor
 * for any wallet of its identity), or of the signed-in wallet alone. Disabled (and `signedIn` false) until the
 * session is this wallet's. `apiDown`: the session itself could not be read (the keepers' API can't be reached).
 */
export function useMyTrades(wallets?: readonly Address[]) {
  const { config } = useVenue();
  const address = useViewer().session?.address;
  const session = useSession();
  const owners = wallets && wallets.length > 0 ? wallets : address ? [address] : [];
  const trades = useQuery({
    queryKey: ['api:my-trades', config.apiUrl, address, owners.join(',')],
    enabled: address !== undefined,
    staleTime: 2_000,
    refetchInterval: 3_000,
    queryFn: async ({ signal }) => (await Promise.all(owners.map((investor) => fetchAllTrades(config.apiUrl, '/trades', { investor }, true, signal)))).flat(),
  });
  // A session that could not be read is the API down, not a signed-out wallet.
  return { trades, signedIn: address !== undefined, apiDown: session.isError };
}

/** The signed-in wallet's own liquidity events (GET /liquidity answers an investor with its own rows only), every page. */
export function useMyLiquidity() {
  const { config } = useVenue();
  const address = useViewer().session?.address;
  return useQuery({
    queryKey: ['api:my-liquidity', config.apiUrl, address],
    enabled: address !== undefined,
    staleTime: 2_000,
    refetchInterval: 3_000,
    queryFn: async ({ signal }): Promise<LiquidityEvent[]> => {
      const out: LiquidityEvent[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '500', ...(cursor ? { cursor } : {}) });
        const page = parseLiquidityPage(await apiGet(config.apiUrl, `/liquidity?${query}`, { signal, session: true }));
        out.push(...page.events);
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    },
  });
}
