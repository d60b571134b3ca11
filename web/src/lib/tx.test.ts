import type { PublicClient, WalletClient } from 'viem';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendTransaction, TOAST_LINGER_MS, useToasts } from './tx.ts';

const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const HASH = `0x${'ab'.repeat(32)}` as const;
const req = { title: 'Buy 10 ACME-A', to: BOB, data: '0x' } as const;

/** A chain that answers the simulation, takes the transaction, and mines it when `mine` is called. */
function chain(from: string) {
  let mine: (status: 'success' | 'reverted') => void = () => {};
  const receipt = new Promise<{ status: string; blockNumber: bigint; transactionHash: string }>((done) => (mine = (status) => done({ status, blockNumber: 7n, transactionHash: HASH })));
  const client = { call: vi.fn(async () => ({})), waitForTransactionReceipt: vi.fn(() => receipt) } as unknown as PublicClient;
  const wallet = { account: { address: from }, chain: undefined, sendTransaction: vi.fn(async () => HASH) } as unknown as WalletClient;
  return { ctx: { client, wallet }, mine: (status: 'success' | 'reverted' = 'success') => mine(status) };
}

const statuses = () => useToasts.getState().toasts.map((t) => t.status);

beforeEach(() => {
  vi.useFakeTimers();
  useToasts.setState({ toasts: [], owner: undefined });
});
afterEach(() => vi.useRealTimers());

describe('transaction toasts', () => {
  it('a pending toast stays until its transaction settles; a confirmed one then leaves by itself', async () => {
    const { ctx, mine } = chain(ALICE);
    const sent = sendTransaction(ctx, req);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statuses()).toEqual(['pending']);
    mine();
    await sent;
    expect(statuses()).toEqual(['confirmed']);
    await vi.advanceTimersByTimeAsync(TOAST_LINGER_MS.confirmed! - 1);
    expect(statuses()).toEqual(['confirmed']);
    await vi.advanceTimersByTimeAsync(1);
    expect(statuses()).toEqual([]);
  });

  it('a failed toast stays longer (its reason is read), then leaves', async () => {
    const { ctx } = chain(ALICE);
    vi.mocked(ctx.client.call).mockRejectedValueOnce(new Error('execution reverted'));
    await sendTransaction(ctx, req);
    expect(statuses()).toEqual(['failed']);
    await vi.advanceTimersByTimeAsync(TOAST_LINGER_MS.confirmed!);
    expect(statuses()).toEqual(['failed']);
    await vi.advanceTimersByTimeAsync(TOAST_LINGER_MS.failed! - TOAST_LINGER_MS.confirmed!);
    expect(statuses()).toEqual([]);
  });

  it("switching accounts clears the previous account's toasts, and its pending transaction does not bring them back", async () => {
    useToasts.getState().setOwner(ALICE);
    const { ctx, mine } = chain(ALICE);
    const sent = sendTransaction(ctx, req);
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses()).toEqual(['pending']);
    useToasts.getState().setOwner(BOB);
    expect(statuses()).toEqual([]);
    mine();
    await sent;
    expect(statuses()).toEqual([]);
    // The same account again (any case) keeps its toasts.
    const bob = chain(BOB);
    const bobSent = sendTransaction(bob.ctx, req);
    await vi.advanceTimersByTimeAsync(0);
    useToasts.getState().setOwner(BOB.toLowerCase() as `0x${string}`);
    expect(statuses()).toEqual(['pending']);
    bob.mine();
    await bobSent;
  });
});
