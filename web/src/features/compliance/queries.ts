/**
 * Chain and keeper reads for the compliance desk, in react-query with the block number in each key so that every read
 * refreshes per block (and right after a write, which invalidates everything).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { parseEventLogs, zeroAddress, type AbiEvent, type Address, type Log, type PublicClient } from 'viem';
import { gateHookAbi, investorRegistryAbi, restrictedSecurityTokenAbi } from '../../../../sdk/abis/generated.ts';
import { securityAuditEvents } from '../../../../sdk/audit.ts';
import type { CapTable } from '../../../../sdk/cap-table.ts';
import { useBlock, useVenue } from '../../app/venue.tsx';
import type { AlertCase, CaseEvent } from '../../../../sdk/cases.ts';
import { apiGet, apiPost } from '../../lib/api.ts';
import { useViewer } from '../session/queries.ts';
import type { IdentityDetails } from './identityRoster.ts';
import { holderView, type HolderView } from './remedies.ts';
import {
  DEFAULT_ADMIN_ROLE,
  logRanges,
  mergeLogs,
  ROUTER_KINDS,
  type Capabilities,
  type ChainRecord,
  type OfferingView,
  type RegistryEvent,
  type RouterKind,
} from './logic.ts';

/** The role ids the registry defines (constants: read once). */
export function useRoleIds() {
  const { client, deployment } = useVenue();
  return useQuery({
    queryKey: ['role-ids', deployment.investorRegistry],
    staleTime: Infinity,
    queryFn: async () => {
      const registry = { address: deployment.investorRegistry, abi: investorRegistryAbi } as const;
      const [compliance, pauser, issuer] = await Promise.all([
        client.readContract({ ...registry, functionName: 'COMPLIANCE_ROLE' }),
        client.readContract({ ...registry, functionName: 'PAUSER_ROLE' }),
        client.readContract({ ...registry, functionName: 'ISSUER_ROLE' }),
      ]);
      return { compliance, pauser, issuer, admin: DEFAULT_ADMIN_ROLE };
    },
  });
}

/** The default admin, its pending successor and when that one may accept, and the delay (registry, newest block). */
export function useAdminTransfer() {
  const { client, deployment } = useVenue();
  const block = useBlock().data;
  return useQuery({
    queryKey: ['admin-transfer', deployment.investorRegistry, block?.number.toString()],
    enabled: block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const registry = { address: deployment.investorRegistry, abi: investorRegistryAbi, blockNumber: block!.number } as const;
      const [admin, [pending, acceptFrom], delay] = await Promise.all([
        client.readContract({ ...registry, functionName: 'defaultAdmin' }),
        client.readContract({ ...registry, functionName: 'pendingDefaultAdmin' }),
        client.readContract({ ...registry, functionName: 'defaultAdminDelay' }),
      ]);
      return { transfer: { admin, pending, acceptFrom: Number(acceptFrom), delaySeconds: Number(delay) }, now: Number(block!.timestamp) };
    },
  });
}

/** Which of the desk's roles `address` holds in the registry (the gate defers to the registry for its roles too). */
export function useCapabilities(address: Address | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  const ids = useRoleIds().data;
  return useQuery({
    queryKey: ['capabilities', address, block?.toString()],
    enabled: address !== undefined && block !== undefined && ids !== undefined,
    // Keep the last answer between blocks, but never carry one address's roles over to another.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === address ? previous : undefined),
    queryFn: async (): Promise<Capabilities> => {
      const has = (role: `0x${string}`) =>
        client.readContract({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'hasRole', args: [role, address!], blockNumber: block });
      const [compliance, pauser, issuer, admin] = await Promise.all([has(ids!.compliance), has(ids!.pauser), has(ids!.issuer), has(ids!.admin)]);
      return { compliance, pauser, issuer, admin };
    },
  });
}

/** Most blocks one eth_getLogs asks for: public RPCs cap ranges (commonly at 10k blocks). */
const LOG_SPAN = 10_000n;
/** Blocks re-read each time, so that logs of a shallow reorg are replaced rather than kept. */
const REORG_MARGIN = 16n;
const logCache = new Map<string, { to: bigint; logs: Log[] }>();

async function readLogs(client: PublicClient, address: Address | Address[], from: bigint, to: bigint, events?: readonly AbiEvent[]): Promise<Log[]> {
  const logs: Log[] = [];
  for (const [start, end] of logRanges(from, to, LOG_SPAN)) logs.push(...((await client.getLogs({ address, events, fromBlock: start, toBlock: end } as never)) as Log[]));
  return logs;
}

/** Logs of `address` since the deploy block, re-reading only new blocks plus a reorg margin on later calls. */
async function cachedLogs(client: PublicClient, key: string, address: Address | Address[], deployBlock: bigint, block: bigint, events?: readonly AbiEvent[]): Promise<Log[]> {
  const cached = logCache.get(key);
  const from = cached && cached.to - REORG_MARGIN > deployBlock ? cached.to - REORG_MARGIN : deployBlock;
  const logs = mergeLogs(cached?.logs ?? [], await readLogs(client, address, from, block, events), from);
  // A slower read of an older block must not roll the cache back.
  if (!cached || block >= cached.to) logCache.set(key, { to: block, logs });
  return logs;
}

/**
 * Every event the registry emitted since the manifest's deploy block, and every compliance event of the venue's
 * securities (limits, remedies, lots), in chain order. The first read walks the whole range; later reads only the
 * new blocks plus a reorg margin, merged into a cache that outlives the page.
 */
export function useRegistryEvents() {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['registry-events', deployment.investorRegistry, block?.toString()],
    enabled: block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: async (): Promise<RegistryEvent[]> => {
      const deployBlock = BigInt(deployment.deployBlock);
      const securities = [...new Set(deployment.pools.map((p) => p.security))];
      const [registryLogs, securityLogs] = await Promise.all([
        cachedLogs(client, `${deployment.chainId}:${deployment.investorRegistry}`, deployment.investorRegistry, deployBlock, block!),
        cachedLogs(client, `${deployment.chainId}:securities`, securities, deployBlock, block!, securityAuditEvents),
      ]);
      const parsed = [
        ...parseEventLogs({ abi: investorRegistryAbi, logs: registryLogs }),
        ...parseEventLogs({ abi: securityAuditEvents, logs: securityLogs }).map((e) => ({ ...e, args: { ...(e.args as object), security: e.address } })),
      ].sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex! - b.logIndex! : a.blockNumber! < b.blockNumber! ? -1 : 1));
      return parsed.map((e) => ({
        name: e.eventName,
        args: e.args as unknown as Record<string, unknown>,
        blockNumber: e.blockNumber,
        logIndex: e.logIndex,
        txHash: e.transactionHash,
      }));
    },
  });
}

async function readRecord(client: PublicClient, registry: Address, account: Address, block: bigint): Promise<ChainRecord> {
  const r = await client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'investor', args: [account], blockNumber: block });
  return { registered: r.registered, venue: r.venue, frozen: r.frozen, accreditationExpiry: Number(r.accreditationExpiry), lockupOverrides: r.lockupOverrides, identity: r.identity, classes: r.classes };
}

/** The registry's records of `addresses` (lowercase keys), e.g. to check an import against the chain. */
export function useRecords(addresses: readonly Address[]) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  const sorted = [...new Set(addresses.map((a) => a.toLowerCase()))].sort();
  return useQuery({
    queryKey: ['investor-records', sorted.join(','), block?.toString()],
    enabled: block !== undefined && sorted.length > 0,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const records = await Promise.all(sorted.map((a) => readRecord(client, deployment.investorRegistry, a as Address, block!)));
      return new Map(sorted.map((a, i) => [a, records[i]]));
    },
  });
}

/** The registry's identities `ids` (decimal keys), e.g. to check an identity roster against the chain or edit one. */
export function useIdentityRecords(ids: readonly bigint[]) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  const sorted = [...new Set(ids.map(String))].sort();
  return useQuery({
    queryKey: ['identity-records', sorted.join(','), block?.toString()],
    enabled: block !== undefined && sorted.length > 0,
    placeholderData: (previous) => previous,
    queryFn: async (): Promise<Map<string, IdentityDetails>> => {
      const views = await Promise.all(sorted.map((id) => client.readContract({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'identity', args: [BigInt(id)], blockNumber: block })));
      return new Map(
        sorted.map((id, i) => {
          const v = views[i];
          const verification = { method: v.verification.method, verifiedAt: Number(v.verification.verifiedAt), evidenceHash: v.verification.evidenceHash };
          return [id, { exists: v.exists, frozen: v.frozen, accreditationExpiry: Number(v.accreditationExpiry), classes: v.classes, jurisdiction: v.jurisdiction, wallets: v.wallets, verification }];
        }),
      );
    },
  });
}

export interface SecurityInfo {
  address: Address;
  symbol: string;
  poolName: string;
  listed: boolean;
  defaultLockupEnd: number;
}

/** Each pool's security: its listing and default lockup end. */
export function useSecurities() {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['securities', block?.toString()],
    enabled: block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: (): Promise<SecurityInfo[]> =>
      Promise.all(
        deployment.pools.map(async (pool) => {
          const [listed, end] = await client.readContract({
            address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'security', args: [pool.security], blockNumber: block,
          });
          return { address: pool.security, symbol: pool.name.split('/')[0], poolName: pool.name, listed, defaultLockupEnd: Number(end) };
        }),
      ),
  });
}

export interface RosterRead {
  address: Address;
  record: ChainRecord;
  /** Per manifest pool, in order: the lockup end that applies to this investor (override, else the default). */
  lockupEnds: number[];
}

/** Each roster address's record and, per pool security, the lockup end that applies to it. */
export function useRoster(addresses: readonly Address[]) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['roster', addresses.join(','), block?.toString()],
    enabled: block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: (): Promise<RosterRead[]> =>
      Promise.all(
        addresses.map(async (address) => {
          const [record, ...ends] = await Promise.all([
            readRecord(client, deployment.investorRegistry, address, block!),
            ...deployment.pools.map((pool) =>
              client.readContract({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'lockupEnd', args: [pool.security, address], blockNumber: block }),
            ),
          ]);
          return { address, record, lockupEnds: ends.map(Number) };
        }),
      ),
  });
}

/** The gate's configuration of each manifest pool (authorized, initialized, paused). */
export function usePoolConfigs() {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['pool-configs', block?.toString()],
    enabled: block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: () =>
      Promise.all(
        deployment.pools.map(async (pool) => {
          const [security, authorized, initialized, paused] = await client.readContract({
            address: deployment.gateHook, abi: gateHookAbi, functionName: 'poolConfig', args: [pool.poolId], blockNumber: block,
          });
          return { pool, security, authorized, initialized, paused };
        }),
      ),
  });
}

/** How the gate treats each of `routers`. */
export function useRouterKinds(routers: readonly Address[]) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['router-kinds', routers.join(','), block?.toString()],
    enabled: block !== undefined && routers.length > 0,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const kinds = await Promise.all(
        routers.map((router) => client.readContract({ address: deployment.gateHook, abi: gateHookAbi, functionName: 'routerKind', args: [router], blockNumber: block })),
      );
      return new Map(routers.map((r, i): [string, RouterKind] => [r.toLowerCase(), ROUTER_KINDS[kinds[i]] ?? 'Untrusted']));
    },
  });
}

/** Block times of the audit log's visible rows (they never change, so they are cached for good). */
export function useBlockTimes(blocks: readonly bigint[]) {
  const { client } = useVenue();
  const unique = [...new Set(blocks)].sort((a, b) => (a < b ? -1 : 1));
  return useQuery({
    queryKey: ['block-times', unique.join(',')],
    enabled: unique.length > 0,
    staleTime: Infinity,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const times = await Promise.all(unique.map((n) => client.getBlock({ blockNumber: n }).then((b) => Number(b.timestamp))));
      return new Map(unique.map((n, i) => [n, times[i]]));
    },
  });
}

export interface KeeperAlert {
  id: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  subject: string;
  message: string;
  block_number: string | null;
  tx_hash: string | null;
  created_at: string;
}

/** A signed-in list from the keepers' API (the `items` of `path`), polled, the last one kept while a refetch runs. */
function useApiItems<T>(name: string, path: string) {
  const { config } = useVenue();
  const { session } = useViewer();
  return useQuery<T[]>({
    queryKey: [`api:${name}`, config.apiUrl, session?.address, path],
    enabled: session !== undefined,
    refetchInterval: 5_000,
    retry: false,
    placeholderData: (previous) => previous,
    queryFn: async ({ signal }) => ((await apiGet(config.apiUrl, path, { signal, session: true })) as { items: T[] }).items,
  });
}

/** The keepers' compliance alerts, newest first; an error means the API is unreachable. */
export const useAlerts = (limit = 50) => useApiItems<KeeperAlert>('alerts', `/alerts?limit=${limit}`);

/** Alert cases (officers): live ones, resolved ones, or all. */
export const useCases = (status: 'live' | 'resolved' | 'all') =>
  useApiItems<AlertCase>('cases', `/cases?limit=100${status === 'all' ? '' : `&status=${status}`}`);

/** One case's history, oldest step first. */
export function useCaseHistory(id: string | undefined) {
  const { config } = useVenue();
  return useQuery<CaseEvent[]>({
    queryKey: ['api:case-history', config.apiUrl, id],
    enabled: id !== undefined,
    retry: false,
    queryFn: async ({ signal }) => ((await apiGet(config.apiUrl, `/cases/history?case=${id}`, { signal, session: true })) as { events: CaseEvent[] }).events,
  });
}

/** Takes a step on a case; the lists and that case's history are read again after it. */
export function useCaseStep() {
  const { config } = useVenue();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: unknown) => apiPost(config.apiUrl, '/cases/action', body) as Promise<AlertCase>,
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['api:cases'] }), queryClient.invalidateQueries({ queryKey: ['api:case-history'] })]),
  });
}

/** Each security's offering rules (registry), how-many rules and live counts (token), at the newest block. */
export function useOfferings() {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['offerings', block?.toString()],
    enabled: block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: (): Promise<(OfferingView & { security: Address; symbol: string })[]> =>
      Promise.all(
        [...new Map(deployment.pools.map((p) => [p.security, p.name.split('/')[0]]))].map(async ([security, symbol]) => {
          const token = { address: security, abi: restrictedSecurityTokenAbi, blockNumber: block } as const;
          const [rules, limits, [holders, nonAccredited]] = await Promise.all([
            client.readContract({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'offeringRules', args: [security], blockNumber: block }),
            client.readContract({ ...token, functionName: 'limits' }),
            client.readContract({ ...token, functionName: 'holderCount' }),
          ]);
          return { security, symbol, ...rules, ...limits, regSCompliancePeriodEnd: Number(rules.regSCompliancePeriodEnd), holders, nonAccredited };
        }),
      ),
  });
}

/** The keepers' cap table of one security (officers; each read is in the access log). */
export function useCapTable(security: Address | undefined) {
  const { config } = useVenue();
  const { session } = useViewer();
  return useQuery<CapTable>({
    queryKey: ['api:cap-table', config.apiUrl, session?.address, security],
    enabled: session !== undefined && security !== undefined,
    refetchInterval: 15_000,
    retry: false,
    queryFn: async ({ signal }) => (await apiGet(config.apiUrl, `/cap-table?security=${security}`, { signal, session: true })) as never,
  });
}

/**
 * What the remedies need to know of `wallet` for one security: its record, its identity's holding, reservation, locks
 * and lots in the token's book, its lockup, and whether it may receive the security now (the recipient half of transferStatus).
 */
export function useHolder(security: Address, wallet: Address | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data;
  return useQuery({
    queryKey: ['holder', security, wallet, block?.number.toString()],
    enabled: wallet !== undefined && block !== undefined,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === wallet ? previous : undefined),
    queryFn: async (): Promise<HolderView> => {
      const blockNumber = block!.number;
      const registry = { address: deployment.investorRegistry, abi: investorRegistryAbi, blockNumber } as const;
      const token = { address: security, abi: restrictedSecurityTokenAbi, blockNumber } as const;
      const record = await readRecord(client, deployment.investorRegistry, wallet!, blockNumber);
      const id = record.identity ?? 0n;
      const [balance, holding, reserved, [locked, nextRelease], lots, lockupEnd, status] = await Promise.all([
        client.readContract({ ...token, functionName: 'balanceOf', args: [wallet!] }),
        client.readContract({ ...token, functionName: 'holdingOf', args: [id] }),
        client.readContract({ ...token, functionName: 'reservedOf', args: [id] }),
        client.readContract({ ...token, functionName: 'lockedOf', args: [id] }),
        client.readContract({ ...token, functionName: 'lotsOf', args: [id] }),
        client.readContract({ ...registry, functionName: 'lockupEnd', args: [security, wallet!] }),
        client.readContract({ ...registry, functionName: 'transferStatus', args: [security, zeroAddress, wallet!] }),
      ]);
      return holderView({ wallet: wallet!, record, balance, holding, reserved, locked, nextRelease, lots, lockupEnd, receive: status[2], receiveUntil: status[3] }, block!.timestamp);
    },
  });
}

/** The holding period a purchase of `security` from an affiliate starts, in seconds. */
export function useAffiliateHoldingPeriod(security: Address) {
  const { client } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['affiliate-holding-period', security, block?.toString()],
    enabled: block !== undefined,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === security ? previous : undefined),
    queryFn: () => client.readContract({ address: security, abi: restrictedSecurityTokenAbi, functionName: 'affiliateHoldingPeriod', blockNumber: block }),
  });
}
