/** The connected investor's standing for each listed security, read from the registry (and the gate's pause of its
 * pool) every block. */
import { useQuery } from '@tanstack/react-query';
import type { Address } from 'viem';
import { standingRegistryAbi } from '../../../../sdk/abis/standingRegistryAbi.ts';
import { standingTokenAbi } from '../../../../sdk/abis/standingTokenAbi.ts';
import { ELIGIBILITY, type EligibilityReason } from '../../../../sdk/errors.ts';
import { useBlock, useVenue } from '../../app/venue.tsx';
// GateHook's poolConfig alone (generated): the strip is in the entry chunk, which the gate's whole ABI would weigh on.
import { poolConfigAbi } from '../../../../sdk/abis/poolConfigAbi.ts';

/** The offering's how-many rules and where the investor stands against them (0 in a limit: none). */
export interface OfferingLimits {
  maxHolding: bigint;
  minTrade: bigint;
  maxHolders: number;
  maxNonAccredited: number;
  holders: number;
  nonAccredited: number;
  /** The investor's shares across all of its identity's wallets. */
  holding: bigint;
  /** Of those, the shares still locked in lots (Rule 144 holding periods, partial freezes), and the next release. */
  locked: bigint;
  nextRelease: number;
  accredited: boolean;
}

export interface SecurityStanding {
  security: Address;
  poolName: string;
  /** May the investor buy (swap in, add liquidity)? */
  reason: EligibilityReason;
  /** For AccreditationExpired the expiry, for LockupActive the lockup end, for FlowbackRestricted the period end. */
  until: number;
  /** May the investor sell (and so withdraw and collect)? Exit-only investors may. */
  sellReason: EligibilityReason;
  sellUntil: number;
  lockupEnd: number;
  limits: OfferingLimits;
  /** The gate has paused the security's pool: no one may swap or add there, whatever their standing. */
  paused: boolean;
}

export interface Standing {
  registered: boolean;
  frozen: boolean;
  exitOnly: boolean;
  accreditationExpiry: number;
  identity: bigint;
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
      const registry = { address: deployment.investorRegistry, abi: standingRegistryAbi } as const;
      const record = await client.readContract({ ...registry, functionName: 'investor', args: [address!], blockNumber: block });
      const securities = await Promise.all(
        deployment.pools.map(async (pool) => {
          const token = { address: pool.security, abi: standingTokenAbi, blockNumber: block } as const;
          const [[status, until, key], [sellStatus, sellUntil], lockupEnd, limits, [holders, nonAccredited], holding, [locked, nextRelease], [, , , paused]] = await Promise.all([
            client.readContract({ ...registry, functionName: 'tradeStatus', args: [address!, pool.security, true], blockNumber: block }),
            client.readContract({ ...registry, functionName: 'tradeStatus', args: [address!, pool.security, false], blockNumber: block }),
            client.readContract({ ...registry, functionName: 'lockupEnd', args: [pool.security, address!], blockNumber: block }),
            client.readContract({ ...token, functionName: 'limits' }),
            client.readContract({ ...token, functionName: 'holderCount' }),
            client.readContract({ ...token, functionName: 'holdingOf', args: [record.identity] }),
            client.readContract({ ...token, functionName: 'lockedOf', args: [record.identity] }),
            client.readContract({ address: deployment.gateHook, abi: poolConfigAbi, functionName: 'poolConfig', args: [pool.poolId], blockNumber: block }),
          ]);
          return {
            security: pool.security,
            poolName: pool.name,
            reason: ELIGIBILITY[status],
            until: Number(until),
            sellReason: ELIGIBILITY[sellStatus],
            sellUntil: Number(sellUntil),
            lockupEnd: Number(lockupEnd),
            limits: { ...limits, holders, nonAccredited, holding, locked, nextRelease: Number(nextRelease), accredited: (key >> 160n) & 1n ? true : false },
            paused,
          };
        }),
      );
      return {
        registered: record.registered,
        frozen: record.frozen,
        exitOnly: record.exitOnly,
        accreditationExpiry: Number(record.accreditationExpiry),
        identity: record.identity,
        securities,
      };
    },
  });
}
