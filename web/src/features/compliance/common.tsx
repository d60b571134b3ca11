/** Small pieces the desk's panels share: names for addresses, an address cell, a role note, a hash cell. */
import { useMemo, type ReactNode } from 'react';
import type { Address, Hex } from 'viem';
import { useVenue } from '../../app/venue.tsx';
import { shortAddress } from '../../lib/amount.ts';
import { addressBook, type ImportVerdict } from './logic.ts';

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
          <table className="preview-table">{p.children}</table>
        </div>
      )}
      {p.verdict.blocker && <p className="blocker" role="alert" data-testid="import-blocker">{p.verdict.blocker}</p>}
      {p.sendBlocker && <p className="blocker" role="alert">{p.sendBlocker}</p>}
      <button className="primary" disabled={!p.canSend || p.busy || !!p.sendBlocker} onClick={p.onSend} data-testid="import-submit">
        {p.busy ? 'Working…' : p.canSend ? p.sendLabel : 'Import blocked until every row is valid'}
      </button>
    </section>
  );
}

/** A preview row's last cell: its problems, or what it does (`children`). */
export function RowResult({ errors, children }: { errors: readonly string[]; children: ReactNode }) {
  if (errors.length > 0) return <ul className="row-errors" data-testid="row-errors">{errors.map((e) => <li key={e}>{e}</li>)}</ul>;
  return <>{children}</>;
}
