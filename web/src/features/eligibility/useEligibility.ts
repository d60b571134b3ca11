/** The connected investor's standing for each listed security, read from the registry every block. */
import { useQuery } from '@tanstack/react-query';
import type { Address } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { ELIGIBILITY, type EligibilityReason } from '../../../../sdk/errors.ts';
import { useBlock, useVenue } from '../../app/venue.tsx';

export interface SecurityStanding {
  security: Address;
  poolName: string;
  reason: EligibilityReason;
  /** For AccreditationExpired the expiry, for LockupActive the lockup end (unix seconds), else 0. */
  until: number;
  lockupEnd: number;
}

export interface Standing {
  registered: boolean;
  frozen: boolean;
  accreditationExpiry: number;
  securities: SecurityStanding[];
}

export function useEligibility(address: Address | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['eligibility', address, block?.toString()],
    enabled: address !== undefined && block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: async (): Promise<Standing> => {
      const registry = { address: deployment.investorRegistry, abi: investorRegistryAbi } as const;
      const record = await client.readContract({ ...registry, functionName: 'investor', args: [address!], blockNumber: block });
      const securities = await Promise.all(
        deployment.pools.map(async (pool) => {
          const [[status, until], lockupEnd] = await Promise.all([
            client.readContract({ ...registry, functionName: 'eligibility', args: [address!, pool.security], blockNumber: block }),
            client.readContract({ ...registry, functionName: 'lockupEnd', args: [pool.security, address!], blockNumber: block }),
          ]);
          return { security: pool.security, poolName: pool.name, reason: ELIGIBILITY[status], until: Number(until), lockupEnd: Number(lockupEnd) };
        }),
      );
      return { registered: record.registered, frozen: record.frozen, accreditationExpiry: Number(record.accreditationExpiry), securities };
    },
  });
}
