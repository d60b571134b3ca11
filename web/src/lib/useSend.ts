/**
 * The one way a page sends: `send` goes through `sendTransaction` (simulated first, decoded reverts, toasts) with
 * the connected wallet; `busy` is true while one is under way; `blocker` says why nothing can be sent right now (no
 * wallet, wrong chain), before any wallet prompt.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Address, Hex, TransactionReceipt } from 'viem';
import { useVenue } from '../app/venue.tsx';
import { sendTransaction } from './tx.ts';
import { useWalletStore } from '../wallet/store.ts';

export function useSend() {
  const { client, config } = useVenue();
  const queryClient = useQueryClient();
  const { client: wallet, chainId } = useWalletStore();
  const [busy, setBusy] = useState(false);
  const blocker = !wallet ? 'Connect a wallet first.' : chainId !== config.chainId ? `Switch your wallet to chain ${config.chainId}.` : undefined;

  async function send(title: string, to: Address, data: Hex): Promise<TransactionReceipt | undefined> {
    if (!wallet || blocker || busy) return undefined;
    setBusy(true);
    try {
      return await sendTransaction({ client, wallet, queryClient }, { title, to, data });
    } finally {
      setBusy(false);
    }
  }
  return { send, busy, blocker };
}
