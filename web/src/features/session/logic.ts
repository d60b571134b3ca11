/** The dashboard's API session, pure: parsing the API's answer and deciding what the header asks of the user. */
import type { Address } from 'viem';

export interface SessionInfo {
  address: Address;
  expiresAt: string;
  /** Registry roles that let this wallet see every investor's data (compliance, pauser, admin). */
  officerRoles: string[];
  investor: boolean;
}

export function parseSession(raw: unknown): SessionInfo | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(r.address) || typeof r.expiresAt !== 'string') return undefined;
  if (!Array.isArray(r.officerRoles) || !r.officerRoles.every((x) => typeof x === 'string') || typeof r.investor !== 'boolean') return undefined;
  return { address: r.address as Address, expiresAt: r.expiresAt, officerRoles: r.officerRoles as string[], investor: r.investor };
}

export type SignInState = 'no-wallet' | 'signed-out' | 'switched' | 'signed-in';

/**
 * What the session is for the connected wallet: none to sign in with, none yet, one for another account (the wallet
 * switched: sign in again; nothing of the other account is shown meanwhile), or this account's.
 */
export function signInState(wallet: Address | undefined, session: SessionInfo | null | undefined): SignInState {
  if (!wallet) return 'no-wallet';
  if (!session) return 'signed-out';
  if (session.address.toLowerCase() !== wallet.toLowerCase()) return 'switched';
  return 'signed-in';
}

export const isOfficerSession = (s: SessionInfo | null | undefined) => (s?.officerRoles.length ?? 0) > 0;

/** Who a feed row belongs to, as the viewer should read it: "you", a short address (officers), or nobody named. */
export function counterpartyLabel(row: { mine: boolean; investor?: string }, short: (a: string) => string): string {
  if (row.mine) return 'you';
  if (row.investor) return short(row.investor);
  return '—';
}
