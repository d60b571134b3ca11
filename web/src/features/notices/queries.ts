/**
 * What notices are made of: the investor's standing (the eligibility feature's, read each block) and the lots of its
 * identity in each security (lotsOf), read each block too.
 */
import { useQuery } from '@tanstack/react-query';
import type { Address } from 'viem';
import { restrictedSecurityTokenAbi } from '../../../../sdk/abis/generated.ts';
import { useBlock, useChainNow, useVenue } from '../../app/venue.tsx';
import { formatAmount, formatDate } from '../../lib/amount.ts';
import { useEligibility } from '../eligibility/useEligibility.ts';
import type { Lot } from '../portfolio/logic.ts';
import { noticesFor, type Notice } from './logic.ts';

function useLots(identity: bigint | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['notice-lots', identity?.toString(), block?.toString()],
    enabled: identity !== undefined && identity !== 0n && block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: () =>
      Promise.all(deployment.pools.map(async (pool): Promise<Lot[]> => {
        const lots = await client.readContract({ address: pool.security, abi: restrictedSecurityTokenAbi, functionName: 'lotsOf', args: [identity!], blockNumber: block });
        return lots.map((l) => ({ amount: l.amount, releaseAt: Number(l.releaseAt), kind: Number(l.kind) }));
      })),
  });
}

/** The connected investor's notices now (chain time), nearest first; undefined while they are read. */
export function useNotices(address: Address | undefined): Notice[] | undefined {
  const { deployment } = useVenue();
  const standing = useEligibility(address).data;
  const lots = useLots(standing?.identity).data;
  const now = useChainNow();
  if (!standing || now === undefined || (standing.identity !== 0n && !lots)) return undefined;
  return noticesFor(
    {
      now,
      registered: standing.registered,
      accreditationExpiry: standing.accreditationExpiry,
      securities: deployment.pools.map((pool, i) => ({
        symbol: pool.name.split('/')[0],
        security: pool.security,
        lockupEnd: standing.securities.find((s) => s.security === pool.security)?.lockupEnd ?? 0,
        lots: lots?.[i] ?? [],
      })),
    },
    formatDate,
    (raw) => formatAmount(raw, 18),
  );
}
