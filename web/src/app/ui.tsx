/** Small shared building blocks: panels, labelled fields with inline errors, skeletons, stats. */
import { isAccessError } from '../lib/api.ts';
import { useId, useLayoutEffect, useRef, type InputHTMLAttributes, type ReactNode, type TableHTMLAttributes } from 'react';

export function Panel({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={typeof title === 'string' ? title : undefined}>
      {(title || actions) && (
        <header className="panel-head">
          {title && <h2>{title}</h2>}
          {actions}
        </header>
      )}
      {children}
    </section>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string;
  hint?: ReactNode;
  suffix?: ReactNode;
}

/** A labelled input whose problem is announced inline (aria-invalid + aria-describedby). */
export function Field({ label, error, hint, suffix, ...input }: FieldProps) {
  const id = useId();
  return (
    <div className={`field ${error ? 'has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-input">
        <input id={id} aria-invalid={error ? true : undefined} aria-describedby={error || hint ? `${id}-note` : undefined} {...input} />
        {suffix}
      </div>
      {(error || hint) && (
        <div id={`${id}-note`} className={error ? 'field-error' : 'field-hint'} role={error ? 'alert' : undefined}>
          {error ?? hint}
        </div>
      )}
    </div>
  );
}

export function Skeleton({ lines = 3, label }: { lines?: number; label: string }) {
  return (
    <div className="skeleton" role="status" aria-live="polite" aria-label={label}>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" style={{ width: `${90 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

export function Stat({ label, value, tone }: { label: string; value: ReactNode; tone?: 'good' | 'warn' | 'bad' }) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}

/** Says that a keeper-backed panel has no data source, rather than showing nothing. */
/** A keeper-backed panel that has nothing to show: the API is down, or (`error` a 401/403) it is not for this viewer. */
export function Unavailable({ what, error }: { what: string; error?: unknown }) {
  if (isAccessError(error)) {
    return (
      <p className="unavailable" role="status" data-testid="sign-in-needed">
        {error.status === 401 ? `Sign in to see ${what.replace(/^The /, 'the ')}.` : `${what} is not shown to this account: ${error.message.replace(/^.*?: /, '')}`}
      </p>
    );
  }
  return (
    <p className="unavailable" role="status">
      {what} is unavailable: the keepers' API can't be reached. Trading and positions work without it.
    </p>
  );
}

/**
 * A data table that turns into labelled cards on a phone (styles.css, `table.stacked`): each body cell carries its
 * column's header text as `data-label`, copied after every render from the last header row (spans counted), so the
 * cells never need their labels written twice.
 */
export function StackedTable({ className, children, ...rest }: TableHTMLAttributes<HTMLTableElement>) {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = ref.current;
    const head = table?.tHead?.rows[table.tHead.rows.length - 1];
    if (!table || !head) return;
    const labels = [...head.cells].flatMap((th) => Array<string>(th.colSpan).fill(th.textContent?.trim() ?? ''));
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          // A cell spanning every column (an empty-state row) has no single label.
          cell.dataset.label = cell.colSpan >= labels.length ? '' : labels[column] ?? '';
          column += cell.colSpan;
        }
      }
    }
  });
  return <table ref={ref} className={`stacked ${className ?? ''}`} {...rest}>{children}</table>;
}
