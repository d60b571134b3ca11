/** Slippage and deadline for every liquidity action on the page, with inline problems. */
import { TxSettingsPanel } from '../../lib/TxSettingsPanel.tsx';
import { useLiquiditySettings } from './settings.ts';

export function SettingsDetails() {
  return (
    <TxSettingsPanel
      useSettings={useLiquiditySettings}
      className="lp-settings"
      testId="lp-slippage"
      note="Adds and removals revert if the pool price moves more than the slippage tolerance before they are mined (every amount is bounded), or if they are mined after the deadline."
    />
  );
}
