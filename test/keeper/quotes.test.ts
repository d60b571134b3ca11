/** The quote keeper against the real venue: exact boards, once per block, re-reading ticks only when they change. */
import { createTestClient, createWalletClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { universalRouterAbi, v4QuoterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment, type Pool } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';
import { type Anvil } from '../../script/venue/anvil.ts';
import { addRandomPositions, approveRouterForLp, LP_ACCOUNT, seededRandom, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import type { Rung } from '../../script/keeper/quotes/board.ts';
import { newQuoteState, quoteOnce, type QuoteOptions, type QuoteState } from '../../script/keeper/quotes/keeper.ts';

let anvil: Anvil;
let client: PublicClient;
let deployment: Deployment;
let ledger: Ledger;
let options: QuoteOptions;
let state: QuoteState;
let venue: LocalVenue;

interface QuoteRow { pool_id: string; block_number: string; mid_price: string; ladder: Rung[]; depth: Record<string, string>; cross_check: { ok: boolean } }
const latest = async (poolId: string) =>
  (await ledger.query<QuoteRow>('select * from quotes where pool_id = $1 order by block_number desc limit 1', [poolId]))[0];

/** Every filled rung of a board equals V4Quoter at the board's block, both sides, and prices move away from mid. */
async function expectBoardEqualsV4Quoter(q: QuoteRow, pool: Pool) {
  const mid = Number(q.mid_price);
  expect(mid).toBeGreaterThan(0);
  const securityIs0 = pool.currency0 === pool.security;
  let lastImpact = -1;
  for (const rung of q.ladder) {
    const args = { poolKey: poolKeyOf(pool), exactAmount: BigInt(rung.size) * 10n ** 6n, hookData: '0x' as const };
    expect(rung.buy).not.toBeNull();
    const buy = await client.simulateContract({ address: deployment.v4Quoter, abi: v4QuoterAbi, functionName: 'quoteExactInputSingle', args: [{ ...args, zeroForOne: !securityIs0 }], blockNumber: BigInt(q.block_number) });
    expect(rung.buy!.shares).toBe(buy.result[0].toString());
    expect(Number(rung.buy!.price)).toBeGreaterThan(mid);
    expect(rung.buy!.impactBps).toBeGreaterThan(lastImpact);
    lastImpact = rung.buy!.impactBps;
    if (rung.sell) {
      const sell = await client.simulateContract({ address: deployment.v4Quoter, abi: v4QuoterAbi, functionName: 'quoteExactOutputSingle', args: [{ ...args, zeroForOne: securityIs0 }], blockNumber: BigInt(q.block_number) });
      expect(rung.sell.shares).toBe(sell.result[0].toString());
      expect(Number(rung.sell.price)).toBeLessThan(mid);
    }
  }
}

beforeAll(async () => {
  venue = await startLocalVenue('quotes-keeper', { batch: true });
  ({ anvil, client, deployment } = venue);
  ledger = await openPgliteLedger();
  options = { client, ledger, deployment };
  state = newQuoteState();
}, 180_000);

afterAll(async () => {
  await ledger?.close();
  await venue?.stop();
});

describe('quote keeper', () => {
  it('publishes a board per pool whose every filled rung equals V4Quoter, both sides', async () => {
    await quoteOnce(options, state);
    for (const pool of deployment.pools) {
      const q = await latest(pool.poolId);
      expect(q.cross_check.ok).toBe(true);
      await expectBoardEqualsV4Quoter(q, pool);
      expect(BigInt(q.depth.up1)).toBeGreaterThan(0n);
      expect(BigInt(q.depth.up5)).toBeGreaterThan(BigInt(q.depth.up1));
      expect(BigInt(q.depth.down5)).toBeGreaterThan(BigInt(q.depth.down1));
    }
  });

  it('quotes once per block, after a swap re-reading only the price, after a mint re-reading the ticks', async () => {
    const pool = deployment.pools[0];
    const before = await latest(pool.poolId);
    expect((await quoteOnce(options, state)).caughtUp).toBe(true);
    expect((await ledger.query('select * from quotes')).length).toBe(2); // same block: nothing new

    await approveRouterForLp(client, anvil.rpcUrl, deployment, pool);
    const fullReads = state.fullReads;
    const securityIs0 = pool.currency0 === pool.security;
    const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne: !securityIs0, amountIn: 50_000n * 10n ** 6n, amountOutMinimum: 0n });
    const lp = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(anvil.rpcUrl) });
    await client.waitForTransactionReceipt({ hash: await lp.writeContract({ address: deployment.universalRouter, abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] }) });
    await quoteOnce(options, state);
    const afterSwap = await latest(pool.poolId);
    expect(Number(afterSwap.mid_price)).toBeGreaterThan(Number(before.mid_price)); // someone bought shares
    expect(state.fullReads).toBe(fullReads);
    expect(afterSwap.cross_check.ok).toBe(true);

    await addRandomPositions(client, anvil.rpcUrl, deployment, pool, 1, seededRandom(7));
    await quoteOnce(options, state);
    expect(state.fullReads).toBe(fullReads + 1);
    expect((await latest(pool.poolId)).cross_check.ok).toBe(true);
    expect(state.mismatches).toBe(0);
  });

  it('after a reorg, drops the boards of lost blocks and re-reads the ticks that a lost mint had changed', async () => {
    const pool = deployment.pools[0];
    await addRandomPositions(client, anvil.rpcUrl, deployment, pool, 1, seededRandom(11));
    await quoteOnce(options, state);
    const lost = await latest(pool.poolId); // includes the new position
    // The mint's block gives way to an empty one at the same height.
    await createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) }).request({ method: 'anvil_reorg' as never, params: [1, []] as never });
    const fullReads = state.fullReads;
    await quoteOnce(options, state);
    expect(state.fullReads).toBe(fullReads + deployment.pools.length);
    const rows = await ledger.query<{ block_number: string; block_hash: string }>('select block_number::text, block_hash from quotes');
    for (const row of rows) expect(row.block_hash).toBe((await client.getBlock({ blockNumber: BigInt(row.block_number) })).hash);
    const now = await latest(pool.poolId);
    expect(now.block_number).toBe(lost.block_number);
    expect(now.ladder).not.toEqual(lost.ladder);
    await expectBoardEqualsV4Quoter(now, pool);
    expect(state.mismatches).toBe(0);
  });

  it('restarted after the chain lost blocks, drops the boards of the lost blocks before it serves a new one', async () => {
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    for (let i = 0; i < 3; i++) {
      await test.mine({ blocks: 1 });
      await quoteOnce(options, state);
    }
    const before = await client.getBlockNumber();
    // The keeper restarts (no memory of what it quoted) while the chain went back 3 blocks and mined 1 other.
    await test.request({ method: 'anvil_rollback' as never, params: [3] as never });
    await test.mine({ blocks: 1 });
    const restarted = newQuoteState();
    await quoteOnce(options, restarted);
    const rows = await ledger.query<{ block_number: string; block_hash: string }>('select distinct block_number::text, block_hash from quotes order by block_number::text');
    for (const row of rows) expect(row.block_hash).toBe((await client.getBlock({ blockNumber: BigInt(row.block_number) })).hash);
    expect(BigInt((await latest(deployment.pools[0].poolId)).block_number)).toBe(before - 2n);
  });
});
