/** Connect: every EIP-6963 wallet the page heard from, and on the local chain the seeded demo accounts. */
import { useState } from 'react';
import { shortAddress } from '../lib/amount.ts';
import { useVenue } from '../app/venue.tsx';
import { connectDev, connectInjected, disconnect, useWalletStore } from './store.ts';
import { isOfficerSession } from '../features/session/logic.ts';
import { useViewer } from '../features/session/queries.ts';

/** Whether the keepers' API knows this wallet (signed in), and as what. */
function SessionChip() {
  const { session } = useViewer();
  if (!session) return null;
  const role = isOfficerSession(session) ? 'officer' : session.investor ? 'investor' : 'not on the roster';
  return (
    <span className="chip good" data-testid="session-address" title={`Signed in to the keepers' API until ${new Date(session.expiresAt).toLocaleString()}`}>
      Signed in · {role}
    </span>
  );
}

export function WalletButton() {
  const venue = useVenue();
  const { wallets, connection, address, connecting, error } = useWalletStore();
  const [open, setOpen] = useState(false);
  if (address && connection) {
    return (
      <div className="wallet">
        <span className="wallet-address" title={address} data-testid="connected-address">
          {connection.kind === 'dev' ? `${connection.label} · ` : ''}{shortAddress(address)}
        </span>
        <SessionChip />
        <button onClick={disconnect}>Disconnect</button>
      </div>
    );
  }
  return (
    <div className="wallet">
      <button aria-expanded={open} aria-haspopup="menu" onClick={() => setOpen(!open)} disabled={connecting}>
        {connecting ? 'Connecting…' : 'Connect wallet'}
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Wallets">
          {wallets.length === 0 && <p className="muted">No browser wallet found. Install one (MetaMask, Rabby…)</p>}
          {wallets.map((w) => (
            <button key={w.info.uuid} role="menuitem" onClick={() => (setOpen(false), void connectInjected(venue, w))}>
              <img src={w.info.icon} alt="" width={18} height={18} /> {w.info.name}
            </button>
          ))}
          {venue.isLocal && venue.deployment.accounts && (
            <>
              <div className="menu-label">Dev accounts (local chain only)</div>
              {venue.deployment.accounts.map((a) => (
                <button key={a.index} role="menuitem" title={a.role} onClick={() => (setOpen(false), void connectDev(venue, a.index, a.label))}>
                  <strong>{a.label}</strong> <span className="muted">{a.role}</span>
                </button>
              ))}
            </>
          )}
        </div>
      )}
      {error && <span className="field-error" role="alert">{error}</span>}
    </div>
  );
}
