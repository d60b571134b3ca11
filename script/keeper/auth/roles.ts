/**
 * Who a signed-in wallet is, read from the investor registry at each request, as of the chain's newest block then
 * (never cached in the session: a role revoked or an investor removed on chain loses access with the block that does
 * it). Each request asks the chain for its newest block; what a wallet is at a given block never changes, so the
 * registry is read once per wallet and block however many requests come in it.
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
  /** The wallets of its identity, itself first (only itself without one): the same investor's data is its own. */
  wallets: Address[];
}

/** Whether `wallet` is one of the viewer's own (its identity's). */
export const ownsWallet = (v: Viewer, wallet: string) => v.wallets.some((w) => w.toLowerCase() === wallet.toLowerCase());

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

/**
 * Per chain client, the viewers as of one block (the newest a request saw, by number and hash, so a reorganized
 * block is a new one): an older block's entries are dropped once a newer block comes.
 */
const cache = new WeakMap<PublicClient, { block: string; viewers: Map<string, Promise<Viewer>> }>();
/** A bound on the wallets remembered for one block (a flood of sign-ins from many wallets). */
const MAX_VIEWERS = 10_000;

/** The viewer a wallet is now: its officer roles and whether it is a registered investor, at the newest block. */
export async function readViewer(client: PublicClient, registry: Address, address: Address): Promise<Viewer> {
  const head = await client.getBlock({ blockTag: 'latest' });
  const block = `${head.number}:${head.hash}`;
  let entry = cache.get(client);
  if (!entry || (entry.block !== block && head.number >= BigInt(entry.block.split(':')[0]))) cache.set(client, (entry = { block, viewers: new Map() }));
  // A request that saw an older head than the newest seen reads at its own block, uncached.
  const viewers = entry.block === block ? entry.viewers : new Map<string, Promise<Viewer>>();
  const key = `${registry}:${address}`.toLowerCase();
  let read = viewers.get(key);
  if (!read) {
    read = readViewerNow(client, registry, address, head.number);
    if (viewers.size >= MAX_VIEWERS) viewers.clear();
    viewers.set(key, read);
    read.catch(() => viewers.delete(key));
  }
  return read;
}

async function readViewerNow(client: PublicClient, registry: Address, address: Address, blockNumber: bigint): Promise<Viewer> {
  const ids = await rolesOf(client, registry);
  const roles = Object.entries(ids) as [OfficerRole, Hex][];
  const [held, record] = await Promise.all([
    Promise.all(roles.map(([, id]) => client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'hasRole', args: [id, address], blockNumber }))),
    client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'investor', args: [address], blockNumber }),
  ]);
  const linked = record.identity === 0n ? [] : (await client.readContract({ address: registry, abi: investorRegistryAbi, functionName: 'identity', args: [record.identity], blockNumber })).wallets;
  const wallets = [address, ...linked.filter((w) => w.toLowerCase() !== address.toLowerCase())];
  return { address, officerRoles: roles.filter((_, i) => held[i]).map(([name]) => name), investor: record.registered, wallets };
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
