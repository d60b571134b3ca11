/**
 * Who a signed-in wallet is, read from the investor registry at each request (never cached in the session: a role
 * revoked or an investor removed on chain loses access at once).
 */
import type { Address, Hex, PublicClient } from 'viem';
import { investorRegistryAbi } from '../../../sdk/abis/investorRegistryAbi.ts';

export type OfficerRole = 'compliance' | 'pauser' | 'admin';

export interface Viewer {
  address: Address;
  /** The registry roles that let this wallet see every investor's data (empty for an investor). */
  officerRoles: OfficerRole[];
  /** Whether the registry holds an investor record for this wallet. */
  investor: boolean;
}

export const isOfficer = (v: Viewer) => v.officerRoles.length > 0;

const DEFAULT_ADMIN_ROLE: Hex = `0x${'00'.repeat(32)}`;

/** The registry's role ids are constants of the contract; read once per registry. */
const roleIds = new Map<Address, Promise<Record<OfficerRole, Hex>>>();

function rolesOf(client: PublicClient, registry: Address) {
  let ids = roleIds.get(registry);
  if (!ids) {
    ids = Promise.all([
      client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'COMPLIANCE_ROLE' }),
      client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'PAUSER_ROLE' }),
    ]).then(([compliance, pauser]) => ({ compliance, pauser, admin: DEFAULT_ADMIN_ROLE }));
    ids.catch(() => roleIds.delete(registry));
    roleIds.set(registry, ids);
  }
  return ids;
}

/** Reads in flight, by wallet: requests that arrive together share one read of the registry (never a cached one). */
const inFlight = new Map<string, Promise<Viewer>>();

/** The viewer a wallet is now: its officer roles and whether it is a registered investor. */
export function readViewer(client: PublicClient, registry: Address, address: Address): Promise<Viewer> {
  const key = `${registry}:${address}`.toLowerCase();
  let read = inFlight.get(key);
  if (!read) {
    read = readViewerNow(client, registry, address).finally(() => inFlight.delete(key));
    inFlight.set(key, read);
  }
  return read;
}

async function readViewerNow(client: PublicClient, registry: Address, address: Address): Promise<Viewer> {
  const ids = await rolesOf(client, registry);
  const roles = Object.entries(ids) as [OfficerRole, Hex][];
  const [held, record] = await Promise.all([
    Promise.all(roles.map(([, id]) => client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'hasRole', args: [id, address] }))),
    client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'investor', args: [address] }),
  ]);
  return { address, officerRoles: roles.filter((_, i) => held[i]).map(([name]) => name), investor: record.registered };
}

/** Eligibility values (contracts/libraries/Eligibility.sol) under which an investor is a participant of a security. */
const PARTICIPANT = new Set([0 /* Ok */, 4 /* LockupActive: may trade once it ends */]);

/**
 * Whether an investor may see a security's market data (quotes, depth, the anonymized tape): they may trade it now,
 * at least as sellers (an exit-only or lapsed investor sells on the venue, and needs a price to), or will once their
 * lockup ends. Frozen, sanctioned, unregistered wallets and delisted securities see none.
 */
export async function mayTrade(client: PublicClient, registry: Address, investor: Address, security: Address): Promise<boolean> {
  const [status] = await client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'tradeStatus', args: [investor, security, false] });
  return PARTICIPANT.has(Number(status));
}
