import { useState } from 'react';
import { Field } from '../app/ui.tsx';
import { parseMinutes, parsePercent } from './amount.ts';
import { DEADLINE, SLIPPAGE, type TxSettingsStore } from './txSettings.ts';

/** The collapsible settings panel: edits `useSettings`, naming a bad value under its field. */
export function TxSettingsPanel({ useSettings, note, testId, className }: { useSettings: TxSettingsStore; note?: string; testId: string; className?: string }) {
  const settings = useSettings();
  const [slippageText, setSlippageText] = useState(String(settings.slippageBps / 100));
  const [deadlineText, setDeadlineText] = useState(String(settings.deadlineMinutes));
  const slippage = parsePercent(slippageText, SLIPPAGE.minPercent, SLIPPAGE.maxPercent);
  const deadline = parseMinutes(deadlineText, DEADLINE.min, DEADLINE.max);

  function update(nextSlippage: string, nextDeadline: string) {
    const s = parsePercent(nextSlippage, SLIPPAGE.minPercent, SLIPPAGE.maxPercent);
    const d = parseMinutes(nextDeadline, DEADLINE.min, DEADLINE.max);
    settings.set({ invalid: !s.ok || !d.ok, ...(s.ok ? { slippageBps: s.value } : {}), ...(d.ok ? { deadlineMinutes: d.value } : {}) });
  }

  return (
    <details className={`settings ${className ?? ''}`}>
      <summary>
        Settings: slippage {slippage.ok ? `${slippage.value / 100}%` : '?'}, deadline {deadline.ok ? `${deadline.value} min` : '?'}
      </summary>
      {note && <p className="muted lp-note">{note}</p>}
      <div className="grid-2">
        <Field
          label="Slippage tolerance (%)"
          inputMode="decimal"
          value={slippageText}
          onChange={(e) => (setSlippageText(e.target.value), update(e.target.value, deadlineText))}
          error={slippage.ok ? undefined : slippage.error}
          data-testid={testId}
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
