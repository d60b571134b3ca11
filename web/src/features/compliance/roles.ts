/**
 * The registry's roles on the desk: who holds each (from RoleGranted and RoleRevoked, in chain order), a grant or a
 * revocation checked and worded before it is sent, and the default admin's two-step transfer (OpenZeppelin
 * AccessControlDefaultAdminRules: the admin begins it, the new admin accepts once the delay has passed).
 */
import { encodeFunctionData, getAddress, isAddress, zeroAddress, type Address, type Hex } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { sortChronological, type RegistryEvent } from './logic.ts';

/** The roles granted and revoked one by one (the default admin changes hands only by its two-step transfer). */
export const GRANTABLE = ['compliance', 'pauser', 'issuer'] as const;
export type GrantableRole = (typeof GRANTABLE)[number];
export const ROLE_LABELS: Record<GrantableRole, string> = { compliance: 'Compliance officer', pauser: 'Pauser', issuer: 'Issuer (transfer agent)' };

export type RoleIds = Record<GrantableRole | 'admin', Hex>;

/** Each role's holders now, oldest grant first. */
export function roleHolders(events: readonly RegistryEvent[], ids: RoleIds): Record<GrantableRole | 'admin', Address[]> {
  const byId = new Map<string, Set<Address>>(Object.values(ids).map((id) => [id.toLowerCase(), new Set<Address>()]));
  for (const e of sortChronological(events)) {
    if (e.name !== 'RoleGranted' && e.name !== 'RoleRevoked') continue;
    const holders = byId.get(String(e.args.role).toLowerCase());
    const account = getAddress(String(e.args.account));
    if (!holders) continue;
    if (e.name === 'RoleGranted') holders.add(account);
    else holders.delete(account);
  }
  const of = (id: Hex) => [...byId.get(id.toLowerCase())!];
  return { compliance: of(ids.compliance), pauser: of(ids.pauser), issuer: of(ids.issuer), admin: of(ids.admin) };
}

export interface RoleChange {
  action: 'grant' | 'revoke';
  role: GrantableRole;
  account: string;
}

export interface RolePlan {
  title: string;
  confirm: string;
  data: Hex;
}

/** The grant or revocation to send, or what is wrong with it (keyed by field). */
export function checkRoleChange(c: RoleChange, holders: Record<GrantableRole, readonly Address[]>, ids: RoleIds, nameOf: (a: Address) => string): { errors: Record<string, string>; plan?: RolePlan } {
  const text = c.account.trim();
  if (!isAddress(text, { strict: false })) return { errors: { account: `"${text}" is not a wallet address (0x and 40 hex digits)` } };
  const account = getAddress(text);
  if (account === zeroAddress) return { errors: { account: 'The zero address cannot hold a role' } };
  const has = holders[c.role].includes(account);
  const label = ROLE_LABELS[c.role];
  const who = nameOf(account);
  if (c.action === 'grant' && has) return { errors: { account: `${who} holds the ${label} role already: nothing to grant` } };
  if (c.action === 'revoke' && !has) return { errors: { account: `${who} does not hold the ${label} role: nothing to revoke` } };
  const functionName = c.action === 'grant' ? 'grantRole' : 'revokeRole';
  const effect: Record<GrantableRole, string> = {
    compliance: 'edit the roster, identities, lockups and offering rules, freeze investors and take remedies',
    pauser: 'pause and unpause gated pools',
    issuer: 'mint and issue the securities',
  };
  const confirm = c.action === 'grant'
    ? `Give ${who} (${account}) the ${label} role: it may ${effect[c.role]}, from the next block.`
    : `Take the ${label} role from ${who} (${account}): from the next block it may no longer ${effect[c.role]}.${c.role === 'compliance' && holders.compliance.length === 1 ? ' No compliance officer will be left.' : ''}`;
  return {
    errors: {},
    plan: {
      title: `${c.action === 'grant' ? 'Grant' : 'Revoke'} ${label}: ${who}`,
      confirm,
      data: encodeFunctionData({ abi: investorRegistryAbi, functionName, args: [ids[c.role], account] }),
    },
  };
}

export interface AdminTransfer {
  admin: Address;
  /** The pending new admin (zero: none), and from when it may accept (seconds). */
  pending: Address;
  acceptFrom: number;
  delaySeconds: number;
}

/** Where the two-step transfer stands, for `viewer`, at chain time `now`: the step to show and who may take it. */
export function adminTransferStep(t: AdminTransfer, viewer: Address | undefined, now: number): { step: 1 | 2; text: string; canBegin: boolean; canAccept: boolean; canCancel: boolean } {
  const isAdmin = viewer !== undefined && viewer.toLowerCase() === t.admin.toLowerCase();
  if (t.pending === zeroAddress) {
    return { step: 1, text: `Step 1 of 2: the admin names the new admin; the new admin may accept ${t.delaySeconds === 0 ? 'at once' : `after ${Math.ceil(t.delaySeconds / 3600)} hour(s)`}.`, canBegin: isAdmin, canAccept: false, canCancel: false };
  }
  const isPending = viewer !== undefined && viewer.toLowerCase() === t.pending.toLowerCase();
  const waiting = now < t.acceptFrom;
  const when = new Date(t.acceptFrom * 1000).toISOString().replace('T', ' ').slice(0, 16);
  return {
    step: 2,
    text: waiting ? `Step 2 of 2: ${t.pending} may accept from ${when} UTC; until then the admin may cancel.` : `Step 2 of 2: ${t.pending} may accept now, and becomes the admin; the admin may still cancel.`,
    canBegin: false,
    canAccept: isPending && !waiting,
    canCancel: isAdmin,
  };
}
