/** The trader's swap settings (UI state), kept across pages and visits. */
import { createTxSettings } from '../../lib/txSettings.ts';

export const useSwapSettings = createTxSettings('accredex.swap-settings');
