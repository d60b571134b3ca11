/** Transaction toasts: each stage of each transaction, with its hash (linked to an explorer when one is configured). */
import { useEffect } from 'react';
import { shortAddress } from '../lib/amount.ts';
import { useToasts } from '../lib/tx.ts';
import { useWalletStore } from '../wallet/store.ts';
import { useVenue } from './venue.tsx';

const STATUS_LABEL = { simulating: 'Checking', prompt: 'Confirm in wallet', pending: 'Pending', replaced: 'Replaced', confirmed: 'Confirmed', failed: 'Failed' };

export function Toasts() {
  const { toasts, dismiss, setOwner } = useToasts();
  const address = useWalletStore((s) => s.address);
  // Toasts belong to the account that sent them: switching accounts (or disconnecting) clears them.
  useEffect(() => setOwner(address), [address, setOwner]);
  const explorer = useVenue().chain.blockExplorers?.default.url;
  return (
    <div className="toasts" aria-live="polite" aria-label="Transactions">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.status}`} role={t.status === 'failed' ? 'alert' : 'status'} data-testid="toast" data-status={t.status}>
          <div className="toast-head">
            <strong>{t.title}</strong>
            <span className="toast-status">{STATUS_LABEL[t.status]}</span>
            <button className="link" aria-label="Dismiss" onClick={() => dismiss(t.id)}>×</button>
          </div>
          {t.message && <div className="toast-message">{t.message}</div>}
          {t.hash && (
            <div className="toast-hash">
              {explorer ? <a href={`${explorer}/tx/${t.hash}`} target="_blank" rel="noreferrer">{shortAddress(t.hash)}</a> : <code title={t.hash}>{shortAddress(t.hash)}</code>}
              <button className="link" onClick={() => void navigator.clipboard?.writeText(t.hash!)}>copy</button>
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
