/** Quarterly report download: a validated quarter, then the keepers' report as CSV, JSON or a printable page. */
import { useState } from 'react';
import { Field, Panel, Skeleton, Unavailable } from '../../app/ui.tsx';
import { parseQuarterInput, quarterOf, reportUrl, type ReportFormat } from './logic.ts';

const FORMATS: { format: ReportFormat; label: string }[] = [
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'html', label: 'Printable (HTML)' },
];

export function ReportPanel({ apiUrl, now, unavailable, loading }: { apiUrl: string; now: number | undefined; unavailable: boolean; loading: boolean }) {
  const [text, setText] = useState<string>();
  // The default is the quarter of chain time (the ledger's clock), once it is known.
  const value = text ?? (now !== undefined ? quarterOf(now) : '');
  const parsed = now !== undefined ? parseQuarterInput(value, now) : undefined;
  return (
    <Panel title="Quarterly report">
      {unavailable ? (
        <Unavailable what="The quarterly report" />
      ) : loading || now === undefined ? (
        <Skeleton lines={2} label="Loading the report options" />
      ) : (
        <div className="report-row">
          <Field
            label="Quarter (YYYYQn)"
            value={value}
            onChange={(e) => setText(e.target.value)}
            placeholder="2026Q3"
            autoComplete="off"
            spellCheck={false}
            error={parsed && !parsed.ok ? parsed.error : undefined}
            hint="Trades, volume and fees of every pool in that quarter, from the settlement ledger."
            data-testid="report-quarter"
          />
          <div className="report-links" role="group" aria-label="Download the report">
            {FORMATS.map(({ format, label }) =>
              parsed?.ok ? (
                <a key={format} className="button" href={reportUrl(apiUrl, parsed.value, format)} target="_blank" rel="noreferrer" data-testid={`report-${format}`}>
                  {label}
                </a>
              ) : (
                <button key={format} disabled data-testid={`report-${format}`}>{label}</button>
              ),
            )}
          </div>
        </div>
      )}
    </Panel>
  );
}
