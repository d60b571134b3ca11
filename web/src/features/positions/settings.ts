/** The LP's slippage and deadline for adds and removals (UI state), kept across pages and visits. */
import { createTxSettings } from '../../lib/txSettings.ts';

export const useLiquiditySettings = createTxSettings('accredex.liquidity-settings');
