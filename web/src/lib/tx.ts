/**
 * Every transaction the dashboard sends goes through `sendTransaction`: it is first simulated (a revert is explained
 * and nothing is sent), then signed in the wallet, then followed to its receipt, including replacement (speed-up or
 * cancel in the wallet). Each stage shows in a toast.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { Address, Hex, PublicClient, TransactionReceipt, WalletClient } from 'viem';
import { create } from 'zustand';
import { explainError } from './revert.ts';

export type TxStatus = 'simulating' | 'prompt' | 'pending' | 'replaced' | 'confirmed' | 'failed';

export interface Toast {
  id: number;
  title: string;
  status: TxStatus;
  hash?: Hex;
  message?: string;
  /** The account that sent it: its toasts are that account's, and leave when another one connects. */
  account?: Address;
}

interface ToastState {
  toasts: Toast[];
  /** The connected account; toasts of any other are dropped, now and when they update later. */
  owner?: Address;
  dismiss(id: number): void;
  /** A new account (or none) is connected: the previous account's toasts leave. */
  setOwner(owner: Address | undefined): void;
}

/** How long a settled toast stays (ms): long enough to read, a failure's reason longer. Pending ones stay until settled. */
export const TOAST_LINGER_MS: Partial<Record<TxStatus, number>> = { confirmed: 6_000, failed: 12_000 };

const same = (a: Address | undefined, b: Address | undefined) => a?.toLowerCase() === b?.toLowerCase();

let nextId = 1;
export const useToasts = create<ToastState>((set) => ({
  toasts: [],
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  setOwner: (owner) => set((s) => (same(owner, s.owner) ? s : { owner, toasts: s.toasts.filter((t) => same(t.account, owner)) })),
}));

const timers = new Map<number, ReturnType<typeof setTimeout>>();

function upsert(toast: Toast) {
  const { owner } = useToasts.getState();
  if (owner && toast.account && !same(owner, toast.account)) return;
  useToasts.setState((s) => ({ toasts: [...s.toasts.filter((t) => t.id !== toast.id), toast].slice(-5) }));
  clearTimeout(timers.get(toast.id));
  timers.delete(toast.id);
  const linger = TOAST_LINGER_MS[toast.status];
  if (linger !== undefined) timers.set(toast.id, setTimeout(() => (timers.delete(toast.id), useToasts.getState().dismiss(toast.id)), linger));
}

export interface TxRequest {
  /** What the person is doing, e.g. "Buy 10 ACME-A". */
  title: string;
  to: Address;
  data: Hex;
}

export interface TxContext {
  client: PublicClient;
  wallet: WalletClient;
  queryClient?: QueryClient;
}

/** Simulates, sends and follows one transaction; resolves to the receipt if it succeeded, else undefined. */
export async function sendTransaction(ctx: TxContext, req: TxRequest): Promise<TransactionReceipt | undefined> {
  const id = nextId++;
  const account = ctx.wallet.account!;
  const show = (stage: Omit<Toast, 'id' | 'account' | 'title'>) => upsert({ id, account: account.address, title: req.title, ...stage });
  show({ status: 'simulating', message: 'Checking the transaction…' });
  try {
    await ctx.client.call({ account: account.address, to: req.to, data: req.data });
  } catch (err) {
    show({ status: 'failed', message: explainError(err) });
    return undefined;
  }
  let hash: Hex;
  try {
    show({ status: 'prompt', message: 'Confirm in your wallet…' });
    hash = await ctx.wallet.sendTransaction({ account, chain: ctx.wallet.chain, to: req.to, data: req.data });
  } catch (err) {
    show({ status: 'failed', message: explainError(err) });
    return undefined;
  }
  show({ status: 'pending', hash, message: 'Waiting for the block…' });
  try {
    const receipt = await ctx.client.waitForTransactionReceipt({
      hash,
      onReplaced: (r) => show({ status: 'replaced', hash: r.transaction.hash, message: `Replaced in your wallet (${r.reason}); following the new transaction…` }),
    });
    if (receipt.status !== 'success') {
      // Replay it in its block to learn why it failed.
      const why = await ctx.client
        .call({ account: account.address, to: req.to, data: req.data, blockNumber: receipt.blockNumber - 1n })
        .then(() => 'It reverted on chain.', explainError);
      show({ status: 'failed', hash: receipt.transactionHash, message: why });
      return undefined;
    }
    show({ status: 'confirmed', hash: receipt.transactionHash, message: `Confirmed in block ${receipt.blockNumber}` });
    await ctx.queryClient?.invalidateQueries();
    return receipt;
  } catch (err) {
    show({ status: 'failed', hash, message: explainError(err) });
    return undefined;
  }
}
