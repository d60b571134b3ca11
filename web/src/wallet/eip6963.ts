/** EIP-6963: injected wallets (MetaMask, Rabby, …) announce themselves; the dashboard lists every one it hears. */
import type { EIP1193Provider } from 'viem';

export interface WalletInfo {
  uuid: string;
  name: string;
  /** An image (data URI) the wallet provides for itself. */
  icon: string;
  /** Reverse-DNS id, stable across sessions (e.g. io.metamask). */
  rdns: string;
}

export interface AnnouncedWallet {
  info: WalletInfo;
  provider: EIP1193Provider;
}

/** Listens for announcements and asks wallets to announce; returns the unsubscribe function. */
export function discoverWallets(onAnnounce: (wallet: AnnouncedWallet) => void): () => void {
  const listener = (event: Event) => {
    const detail = (event as CustomEvent<AnnouncedWallet>).detail;
    if (detail?.info?.rdns && detail.provider) onAnnounce(detail);
  };
  window.addEventListener('eip6963:announceProvider', listener);
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  return () => window.removeEventListener('eip6963:announceProvider', listener);
}
