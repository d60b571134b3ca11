/** The venue the dashboard talks to, and the chain reads every feature shares (react-query, refreshed per block). */
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { createPublicClient, erc20Abi, http, type Address, type PublicClient } from 'viem';
import type { Venue } from '../lib/config.ts';

interface VenueContextValue extends Venue {
  client: PublicClient;
}

const VenueContext = createContext<VenueContextValue | undefined>(undefined);

export function VenueProvider({ venue, children }: { venue: Venue; children: ReactNode }) {
  const client = createPublicClient({ chain: venue.chain, transport: http(venue.config.rpcUrl, { batch: true }), cacheTime: 0 });
  return <VenueContext.Provider value={{ ...venue, client }}>{children}</VenueContext.Provider>;
}

export function useVenue(): VenueContextValue {
  const venue = useContext(VenueContext);
  if (!venue) throw new Error('useVenue outside VenueProvider');
  return venue;
}

/**
 * The chain head, polled each second: queries that read state put it in their key and refresh on a new block. A
 * failed poll is not retried on its own: the next one is the retry, and the failure shows at once (ChainStatus).
 */
export function useBlock() {
  const { client } = useVenue();
  return useQuery({
    queryKey: ['block'],
    queryFn: async () => {
      const block = await client.getBlock({ blockTag: 'latest' });
      return { number: block.number!, timestamp: Number(block.timestamp), fetchedAt: Date.now() };
    },
    refetchInterval: 1_000,
    retry: false,
  });
}

/** Chain time now, ticking each second between blocks (the last block's time plus the wall time since it was read). */
export function useChainNow(): number | undefined {
  const block = useBlock().data;
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  return block ? block.timestamp + Math.floor((Date.now() - block.fetchedAt) / 1000) : undefined;
}

export interface TokenInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

/** A token's symbol and decimals (they never change). */
export function useToken(address: Address | undefined) {
  const { client } = useVenue();
  return useQuery({
    queryKey: ['token', address],
    enabled: address !== undefined,
    staleTime: Infinity,
    queryFn: async (): Promise<TokenInfo> => {
      const [symbol, decimals] = await Promise.all([
        client.readContract({ address: address!, abi: erc20Abi, functionName: 'symbol' }),
        client.readContract({ address: address!, abi: erc20Abi, functionName: 'decimals' }),
      ]);
      return { address: address!, symbol, decimals };
    },
  });
}

/** `owner`'s balance of `token`, refreshed each block. */
export function useBalance(token: Address | undefined, owner: Address | undefined) {
  const { client } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['balance', token, owner, block?.toString()],
    enabled: token !== undefined && owner !== undefined && block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: () => client.readContract({ address: token!, abi: erc20Abi, functionName: 'balanceOf', args: [owner!], blockNumber: block }),
  });
}
