/**
 * Slippage tolerance and deadline, the two settings every trading form has: their bounds and a persisted store per
 * form (UI state). `TxSettingsPanel.tsx` edits one.
 */
import { create, type UseBoundStore, type StoreApi } from 'zustand';
import { persist } from 'zustand/middleware';

export const SLIPPAGE = { defaultBps: 50, minPercent: 0.01, maxPercent: 5 } as const;
export const DEADLINE = { defaultMinutes: 20, min: 1, max: 180 } as const;

export interface TxSettings {
  slippageBps: number;
  deadlineMinutes: number;
  /** A settings field holds text that isn't a valid value: the form waits until it is fixed. */
  invalid: boolean;
  set(patch: Partial<Pick<TxSettings, 'slippageBps' | 'deadlineMinutes' | 'invalid'>>): void;
}

export type TxSettingsStore = UseBoundStore<StoreApi<TxSettings>>;

/** A settings store kept across pages and visits under `name` (the last valid values, never the invalid flag). */
export function createTxSettings(name: string): TxSettingsStore {
  return create<TxSettings>()(
    persist(
      (set) => ({ slippageBps: SLIPPAGE.defaultBps, deadlineMinutes: DEADLINE.defaultMinutes, invalid: false, set: (patch) => set(patch) }),
      { name, partialize: (s) => ({ slippageBps: s.slippageBps, deadlineMinutes: s.deadlineMinutes }) },
    ),
  ) as TxSettingsStore;
}
