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
}

interface ToastState {
  toasts: Toast[];
  dismiss(id: number): void;
}

let nextId = 1;
export const useToasts = create<ToastState>((set) => ({
  toasts: [],
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

function upsert(toast: Toast) {
  useToasts.setState((s) => ({ toasts: [...s.toasts.filter((t) => t.id !== toast.id), toast].slice(-5) }));
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
  upsert({ id, title: req.title, status: 'simulating', message: 'Checking the transaction…' });
  try {
    await ctx.client.call({ account: account.address, to: req.to, data: req.data });
  } catch (err) {
    upsert({ id, title: req.title, status: 'failed', message: explainError(err) });
    return undefined;
  }
  let hash: Hex;
  try {
    upsert({ id, title: req.title, status: 'prompt', message: 'Confirm in your wallet…' });
    hash = await ctx.wallet.sendTransaction({ account, chain: ctx.wallet.chain, to: req.to, data: req.data });
  } catch (err) {
    upsert({ id, title: req.title, status: 'failed', message: explainError(err) });
    return undefined;
  }
  upsert({ id, title: req.title, status: 'pending', hash, message: 'Waiting for the block…' });
  try {
    const receipt = await ctx.client.waitForTransactionReceipt({
      hash,
      onReplaced: (r) => upsert({ id, title: req.title, status: 'replaced', hash: r.transaction.hash, message: `Replaced in your wallet (${r.reason}); following the new transaction…` }),
    });
    if (receipt.status !== 'success') {
      // Replay it in its block to learn why it failed.
      const why = await ctx.client
        .call({ account: account.address, to: req.to, data: req.data, blockNumber: receipt.blockNumber - 1n })
        .then(() => 'It reverted on chain.', explainError);
      upsert({ id, title: req.title, status: 'failed', hash: receipt.transactionHash, message: why });
      return undefined;
    }
    upsert({ id, title: req.title, status: 'confirmed', hash: receipt.transactionHash, message: `Confirmed in block ${receipt.blockNumber}` });
    await ctx.queryClient?.invalidateQueries();
    return receipt;
  } catch (err) {
    upsert({ id, title: req.title, status: 'failed', hash, message: explainError(err) });
    return undefined;
  }
}
