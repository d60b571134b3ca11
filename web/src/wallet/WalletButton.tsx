/** Connect: every EIP-6963 wallet the page heard from, and on the local chain the seeded demo accounts. */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
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

/** Which menu item a key moves focus to, from item `at` of `count` (undefined: not a moving key). */
function moveTo(key: string, at: number, count: number): number | undefined {
  if (key === 'ArrowDown') return (at + 1) % count;
  if (key === 'ArrowUp') return (at - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return undefined;
}

/**
 * The wallet picker as a menu (WAI-ARIA menu button): opening it focuses its first item, the arrow keys, Home and End
 * move between items, Escape closes it and gives focus back to the button, Tab or a click outside closes it.
 */
function useMenu() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const outside = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
      return;
    }
    if (e.key === 'Tab') return setOpen(false);
    const list = items();
    const next = moveTo(e.key, list.indexOf(document.activeElement as HTMLElement), list.length);
    if (next === undefined || list.length === 0) return;
    e.preventDefault();
    list[next].focus();
  }

  return { open, setOpen, button, menu, onKeyDown };
}

export function WalletButton() {
  const venue = useVenue();
  const { wallets, connection, address, connecting, error } = useWalletStore();
  const { open, setOpen, button, menu, onKeyDown } = useMenu();
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
      <button ref={button} aria-expanded={open} aria-haspopup="menu" aria-controls="wallet-menu" onClick={() => setOpen(!open)} disabled={connecting}>
        {connecting ? 'Connecting…' : 'Connect wallet'}
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Wallets" id="wallet-menu" ref={menu} onKeyDown={onKeyDown}>
          {wallets.length === 0 && <p className="muted" role="none">No browser wallet found. Install one (MetaMask, Rabby…)</p>}
          {wallets.map((w) => (
            <button key={w.info.uuid} role="menuitem" tabIndex={-1} onClick={() => (setOpen(false), void connectInjected(venue, w))}>
              <img src={w.info.icon} alt="" width={18} height={18} /> {w.info.name}
            </button>
          ))}
          {venue.isLocal && venue.deployment.accounts && (
            <div role="group" aria-labelledby="wallet-menu-dev" style={{ display: 'contents' }}>
              <div className="menu-label" id="wallet-menu-dev" role="none">Dev accounts (local chain only)</div>
              {venue.deployment.accounts.map((a) => (
                <button key={a.index} role="menuitem" tabIndex={-1} title={a.role} onClick={() => (setOpen(false), void connectDev(venue, a.index, a.label))}>
                  <strong>{a.label}</strong> <span className="muted">{a.role}</span>
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      {error && <span className="field-error" role="alert">{error}</span>}
    </div>
  );
}
