/** Slippage and deadline for every liquidity action on the page, with inline problems. */
import { useState } from 'react';
import { Field } from '../../app/ui.tsx';
import { parseMinutes, parsePercent } from '../../lib/amount.ts';
import { DEADLINE, SLIPPAGE } from './logic.ts';
import { useLiquiditySettings } from './settings.ts';

export function SettingsDetails() {
  const settings = useLiquiditySettings();
  const [slippageText, setSlippageText] = useState(String(settings.slippageBps / 100));
  const [deadlineText, setDeadlineText] = useState(String(settings.deadlineMinutes));
  const slippage = parsePercent(slippageText, SLIPPAGE.minPercent, SLIPPAGE.maxPercent);
  const deadline = parseMinutes(deadlineText, DEADLINE.min, DEADLINE.max);

  function update(nextSlippage: string, nextDeadline: string) {
    const s = parsePercent(nextSlippage, SLIPPAGE.minPercent, SLIPPAGE.maxPercent);
    const d = parseMinutes(nextDeadline, DEADLINE.min, DEADLINE.max);
    settings.set({
      invalid: !s.ok || !d.ok,
      ...(s.ok ? { slippageBps: s.value } : {}),
      ...(d.ok ? { deadlineMinutes: d.value } : {}),
    });
  }

  return (
    <details className="settings lp-settings">
      <summary>
        Settings: slippage {slippage.ok ? `${slippage.value / 100}%` : '?'}, deadline {deadline.ok ? `${deadline.value} min` : '?'}
      </summary>
      <p className="muted lp-note">
        Adds and removals revert if the pool price moves more than the slippage tolerance before they are mined (every
        amount is bounded), or if they are mined after the deadline.
      </p>
      <div className="grid-2">
        <Field
          label="Slippage tolerance (%)"
          inputMode="decimal"
          value={slippageText}
          onChange={(e) => (setSlippageText(e.target.value), update(e.target.value, deadlineText))}
          error={slippage.ok ? undefined : slippage.error}
          data-testid="lp-slippage"
        />
        <Field
          label="Deadline (minutes)"
          inputMode="numeric"
          value={deadlineText}
          onChange={(e) => (setDeadlineText(e.target.value), update(slippageText, e.target.value))}
          error={deadline.ok ? undefined : deadline.error}
        />
      </div>
    </details>
  );
}
