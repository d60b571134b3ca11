/**
 * The desk's UI state (zustand): roster search and filters, the investor loaded into the edit form, and the identity
 * open in the identity editor.
 */
import type { Address } from 'viem';
import { create } from 'zustand';
import type { RosterFilter } from './logic.ts';

export interface EditTarget {
  address: Address;
  /** Unix seconds; undefined for a new record. */
  expiry?: number;
  frozen: boolean;
  /** Bumped on each "Edit" click so the form reloads even for the same investor. */
  nonce: number;
}

interface DeskState {
  filter: RosterFilter;
  setFilter(patch: Partial<RosterFilter>): void;
  editing?: EditTarget;
  edit(target: Omit<EditTarget, 'nonce'>): void;
  /** The wallet whose identity the editor shows; the nonce reloads it on each "Identity" click. */
  identity?: { wallet: Address; nonce: number };
  openIdentity(wallet: Address): void;
  closeIdentity(): void;
}

export const useDesk = create<DeskState>((set) => ({
  filter: { search: '', expiring: false, lockup: false, frozen: false },
  setFilter: (patch) => set((s) => ({ filter: { ...s.filter, ...patch } })),
  edit: (target) => set((s) => ({ editing: { ...target, nonce: (s.editing?.nonce ?? 0) + 1 } })),
  openIdentity: (wallet) => set((s) => ({ identity: { wallet, nonce: (s.identity?.nonce ?? 0) + 1 } })),
  closeIdentity: () => set({ identity: undefined }),
}));
