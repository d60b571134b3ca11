/**
 * The connected wallet (UI state in zustand): an EIP-6963 injected wallet, or on the local chain one of the seeded
 * demo accounts signing in the page. Chain and server state live in react-query, not here.
 */
import { numberToHex, type Address, type WalletClient } from 'viem';
import { create } from 'zustand';
import type { Venue } from '../lib/config.ts';
import { discoverWallets, type AnnouncedWallet } from './eip6963.ts';

export type Connection = { kind: 'injected'; rdns: string; name: string } | { kind: 'dev'; index: number; label: string };

interface WalletState {
  wallets: AnnouncedWallet[];
  connection?: Connection;
  address?: Address;
  chainId?: number;
  client?: WalletClient;
  connecting: boolean;
  error?: string;
}

export const useWalletStore = create<WalletState>(() => ({ wallets: [], connecting: false }));

const REMEMBERED = 'accredex.wallet';

/** Starts EIP-6963 discovery and reconnects the wallet used last time, if it is still there. */
export function startWallets(venue: Venue): () => void {
  const stop = discoverWallets((wallet) => {
    useWalletStore.setState((s) => ({ wallets: [...s.wallets.filter((w) => w.info.uuid !== wallet.info.uuid), wallet] }));
    const remembered = readRemembered();
    if (remembered?.kind === 'injected' && remembered.rdns === wallet.info.rdns && !useWalletStore.getState().connection) {
      void connectInjected(venue, wallet, { silent: true });
    }
  });
  const remembered = readRemembered();
  if (remembered?.kind === 'dev' && venue.isLocal) void connectDev(venue, remembered.index, remembered.label);
  return stop;
}

function readRemembered(): Connection | undefined {
  try {
    return JSON.parse(localStorage.getItem(REMEMBERED) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connects an injected wallet; `silent` only uses accounts already authorized (no prompt). Wallet clients are built
 * in a chunk loaded on connect (./clients.ts), so the first page load doesn't carry signing code.
 */
export async function connectInjected(venue: Venue, wallet: AnnouncedWallet, opts: { silent?: boolean } = {}) {
  useWalletStore.setState({ connecting: true, error: undefined });
  try {
    const { provider } = wallet;
    const accounts = (await provider.request({ method: opts.silent ? 'eth_accounts' : 'eth_requestAccounts' })) as Address[];
    if (accounts.length === 0) throw new Error('The wallet shared no account.');
    const chainId = Number(await provider.request({ method: 'eth_chainId' }));
    const connection: Connection = { kind: 'injected', rdns: wallet.info.rdns, name: wallet.info.name };
    const { injectedClient } = await import('./clients.ts');
    const client = injectedClient(venue, provider, accounts[0]);
    useWalletStore.setState({ connection, address: accounts[0], chainId, client, connecting: false });
    localStorage.setItem(REMEMBERED, JSON.stringify(connection));
    provider.on('accountsChanged', (next: Address[]) => {
      if (next.length === 0) return disconnect();
      useWalletStore.setState({ address: next[0], client: injectedClient(venue, provider, next[0]) });
    });
    provider.on('chainChanged', (id: string) => useWalletStore.setState({ chainId: Number(id) }));
  } catch (err) {
    useWalletStore.setState({ connecting: false, error: opts.silent ? undefined : (err as Error).message });
  }
}

/** Local chain only: a seeded demo account (anvil's public test keys), signing in the page. */
export async function connectDev(venue: Venue, index: number, label: string) {
  if (!venue.isLocal) throw new Error('Dev accounts exist only on the local chain.');
  useWalletStore.setState({ connecting: true, error: undefined });
  const { devClient } = await import('./clients.ts');
  const client = devClient(venue, index);
  const account = client.account;
  const connection: Connection = { kind: 'dev', index, label };
  useWalletStore.setState({ connection, address: account.address, chainId: venue.config.chainId, client, connecting: false });
  localStorage.setItem(REMEMBERED, JSON.stringify(connection));
}

export function disconnect() {
  localStorage.removeItem(REMEMBERED);
  useWalletStore.setState({ connection: undefined, address: undefined, chainId: undefined, client: undefined });
}

/** Asks the injected wallet to switch to the venue's chain, adding it first if the wallet does not know it. */
export async function switchChain(venue: Venue) {
  const { connection, wallets } = useWalletStore.getState();
  if (connection?.kind !== 'injected') return;
  const provider = wallets.find((w) => w.info.rdns === connection.rdns)?.provider;
  if (!provider) return;
  const chainId = numberToHex(venue.config.chainId);
  try {
    await provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
  } catch (err) {
    if ((err as { code?: number }).code !== 4902) throw err;
    await provider.request({
      method: 'wallet_addEthereumChain',
      params: [{ chainId, chainName: venue.chain.name, nativeCurrency: venue.chain.nativeCurrency, rpcUrls: [venue.config.rpcUrl] }],
    });
  }
}
