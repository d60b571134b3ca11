/** The LP's slippage and deadline for adds and removals (UI state), kept across pages and visits. */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { DEADLINE, SLIPPAGE } from './logic.ts';

interface LiquiditySettings {
  slippageBps: number;
  deadlineMinutes: number;
  /** A settings field holds text that isn't a valid value: every action waits until it is fixed. */
  invalid: boolean;
  set(patch: Partial<Pick<LiquiditySettings, 'slippageBps' | 'deadlineMinutes' | 'invalid'>>): void;
}

export const useLiquiditySettings = create<LiquiditySettings>()(
  persist(
    (set) => ({ slippageBps: SLIPPAGE.defaultBps, deadlineMinutes: DEADLINE.defaultMinutes, invalid: false, set: (patch) => set(patch) }),
    { name: 'accredex.liquidity-settings', partialize: (s) => ({ slippageBps: s.slippageBps, deadlineMinutes: s.deadlineMinutes }) },
  ),
);
