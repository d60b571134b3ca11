/**
 * Small pieces the desk's panels share: names for addresses, an address cell, a role note, a hash cell, an inline
 * confirmation, and a form reviewed in plain words before it is sent.
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { Address, Hex } from 'viem';
import { useVenue } from '../../app/venue.tsx';
import { shortAddress } from '../../lib/amount.ts';
import { useToasts } from '../../lib/tx.ts';
import { useSend } from '../../lib/useSend.ts';
import { addressBook, type ImportVerdict } from './logic.ts';
import { StackedTable } from '../../app/ui.tsx';

/** Names the manifest gives addresses: demo labels (local chain) and the venue's contracts. */
export function useNames() {
  const { deployment } = useVenue();
  return useMemo(() => {
    const book = addressBook(deployment);
    return {
      book,
      /** A demo account's label, if the address is one. */
      labelOf: (a: string) => {
        const entry = book.get(a.toLowerCase());
        return entry && !entry.contract ? entry.name : undefined;
      },
      /** The manifest's name for an address, else its short form. */
      nameOf: (a: string) => book.get(a.toLowerCase())?.name ?? shortAddress(a),
    };
  }, [deployment]);
}

export function AddressCell({ address, name, stacked }: { address: Address; name?: string; stacked?: boolean }) {
  return (
    <span className={`addr ${stacked ? 'stacked' : ''}`}>
      {name && <strong className="addr-name">{name}</strong>}
      <code title={address}>{shortAddress(address)}</code>
    </span>
  );
}

export function TxCell({ hash }: { hash: Hex }) {
  const explorer = useVenue().chain.blockExplorers?.default.url;
  return explorer ? (
    <a href={`${explorer}/tx/${hash}`} target="_blank" rel="noreferrer" title={hash}>{shortAddress(hash)}</a>
  ) : (
    <code title={hash}>{shortAddress(hash)}</code>
  );
}

/** Says which role a disabled control needs, so it is never a mystery. */
export function RoleNote({ role }: { role: string }) {
  return <p className="role-note">Read-only for you: changes here need the {role} role in the investor registry.</p>;
}

/**
 * An import's preview around its table: the count and verdict, file problems, why it can't be sent, and the one
 * button that sends it (disabled until every row is valid and checked against the chain).
 */
export function ImportPreview(p: {
  rows: number;
  kind?: string;
  fileErrors: readonly string[];
  verdict: ImportVerdict;
  /** Why the wallet can't send now (no account, wrong chain). */
  sendBlocker?: string;
  busy: boolean;
  canSend: boolean;
  sendLabel: string;
  onSend: () => void;
  children: ReactNode;
}) {
  return (
    <section aria-label="Import preview" data-testid="import-preview">
      <h3 className="preview-title">
        Preview: {p.rows} row{p.rows === 1 ? '' : 's'}{p.kind ? ` (${p.kind})` : ''}
        {p.verdict.invalid > 0 && <span className="tag bad">{p.verdict.invalid} with problems</span>}
        {p.verdict.invalid === 0 && p.verdict.valid > 0 && <span className="tag good">all valid</span>}
      </h3>
      {p.fileErrors.map((e) => <p key={e} className="blocker" role="alert">{e}</p>)}
      {p.rows > 0 && (
        <div className="table-scroll preview-scroll">
          <StackedTable className="preview-table">{p.children}</StackedTable>
        </div>
      )}
      {p.verdict.blocker && <p className="blocker" role="alert" data-testid="import-blocker">{p.verdict.blocker}</p>}
      {p.sendBlocker && <p className="blocker" role="alert">{p.sendBlocker}</p>}
      <button className="primary" disabled={!p.canSend || p.busy || !!p.sendBlocker} onClick={p.onSend} data-testid="import-submit">
        {sendButtonLabel(p)}
      </button>
    </section>
  );
}

function sendButtonLabel(p: { busy: boolean; canSend: boolean; sendLabel: string; verdict: ImportVerdict }): string {
  if (p.busy) return 'Working…';
  if (p.canSend) return p.sendLabel;
  if (p.verdict.nothingToSend) return 'Nothing to import: every row already matches the registry';
  return 'Import blocked until every row is valid';
}

/** A preview row's last cell: its problems, or what it does (`children`). */
export function RowResult({ errors, children }: { errors: readonly string[]; children: ReactNode }) {
  if (errors.length > 0) return <ul className="row-errors" data-testid="row-errors">{errors.map((e) => <li key={e}>{e}</li>)}</ul>;
  return <>{children}</>;
}

/** An inline "are you sure": what will happen, the button that does it (named for it), and Cancel. */
export function Confirm({ text, action, busy, onConfirm, onCancel }: { text: string; action: string; busy: boolean; onConfirm(): void; onCancel(): void }) {
  return (
    <div className="confirm" role="alertdialog" aria-label={action}>
      <span>{text}</span>
      <button type="button" className="danger" disabled={busy} onClick={onConfirm} autoFocus>{action}</button>
      <button type="button" disabled={busy} onClick={onCancel}>Cancel</button>
    </div>
  );
}

/** One transaction a reviewed form sends: its name, what it does in plain words, and its call data. */
export interface ReviewPlan {
  title: string;
  confirm: string;
  data: Hex;
}

/** Why the transaction titled `title` failed, as its toast explained it (simulation, wallet or chain). */
function failureOf(title: string): string {
  const toast = [...useToasts.getState().toasts].reverse().find((t) => t.title === title && t.status === 'failed');
  return toast?.message ?? 'the transaction was not sent.';
}

/**
 * A form whose change is reviewed before it is sent: "Review" shows the fields' problems (`children(submitted)`) or
 * the plan in plain words to confirm; confirming sends it to `to`, and a result line says what happened, or why the
 * chain refused. The fields are disabled while a plan awaits confirmation, so what is confirmed is what was read.
 */
export function ReviewForm(p: {
  name: string;
  to: Address;
  allowed: boolean;
  plan?: ReviewPlan;
  /** Shown after Review when there is no plan and no field says why (nothing would change, say). */
  noPlan?: string;
  onDone?(): void;
  children(submitted: boolean): ReactNode;
}) {
  const { send, busy, blocker } = useSend();
  const [submitted, setSubmitted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const plan = p.plan;

  function review(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setResult(undefined);
    if (plan) setConfirming(true);
  }

  async function confirm() {
    if (!plan) return;
    const receipt = await send(plan.title, p.to, plan.data);
    setConfirming(false);
    if (!receipt) return setResult({ ok: false, text: `Not done: ${failureOf(plan.title)}` });
    setResult({ ok: true, text: `Confirmed in block ${receipt.blockNumber}: ${plan.title}.` });
    setSubmitted(false);
    p.onDone?.();
  }

  return (
    <form className="review-form" onSubmit={review} noValidate aria-label={p.name}>
      <fieldset className="plain" disabled={!p.allowed || busy || confirming}>
        {p.children(submitted)}
        {submitted && !plan && p.noPlan && <p className="blocker" role="alert">{p.noPlan}</p>}
        {p.allowed && blocker && <p className="blocker" role="alert">{blocker}</p>}
        <button className="primary" type="submit" disabled={!!blocker || (submitted && !plan)}>Review</button>
      </fieldset>
      {confirming && plan && <Confirm text={plan.confirm} action={plan.title} busy={busy} onConfirm={() => void confirm()} onCancel={() => setConfirming(false)} />}
      {result && <p className={result.ok ? 'success' : 'blocker'} role="status" data-testid="review-result">{result.text}</p>}
    </form>
  );
}
