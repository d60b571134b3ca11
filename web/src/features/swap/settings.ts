/** The trader's swap settings (UI state), kept across pages and visits. */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { DEADLINE, SLIPPAGE } from './logic.ts';

interface SwapSettings {
  slippageBps: number;
  deadlineMinutes: number;
  set(patch: Partial<Pick<SwapSettings, 'slippageBps' | 'deadlineMinutes'>>): void;
}

export const useSwapSettings = create<SwapSettings>()(
  persist((set) => ({ slippageBps: SLIPPAGE.defaultBps, deadlineMinutes: DEADLINE.defaultMinutes, set: (patch) => set(patch) }), { name: 'accredex.swap-settings' }),
);
