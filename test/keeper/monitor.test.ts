/** The compliance monitor against the real venue: every alert kind, raised once, from confirmed blocks only. */
import { createTestClient, createWalletClient, http, zeroAddress, type Abi, type Address, type PublicClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateHookAbi, investorRegistryAbi, poolManagerAbi } from '../../sdk/abis/generated.ts';
import type { Deployment } from '../../sdk/manifest.ts';
import { ANVIL_MNEMONIC, type Anvil } from '../../script/venue/anvil.ts';
import { startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { monitorOnce, type MonitorOptions } from '../../script/keeper/monitor/monitor.ts';

const operator = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 });
const alice = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 });
let anvil: Anvil;
let client: PublicClient;
let deployment: Deployment;
let ledger: Ledger;
let options: MonitorOptions;
let venue: LocalVenue;

async function sendAsOperator(request: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }) {
  const wallet = createWalletClient({ account: operator, chain: foundry, transport: http(anvil.rpcUrl) });
  await client.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
}

/** Confirms everything so far, then runs the monitor until it has read it all; returns the alerts raised. */
async function monitorToHead() {
  await createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) }).mine({ blocks: options.confirmations });
  const raised = [];
  for (let i = 0; i < 50; i++) {
    const r = await monitorOnce(options);
    raised.push(...r.alerts);
    if (r.caughtUp) return raised;
  }
  throw new Error('the monitor never caught up');
}

beforeAll(async () => {
  venue = await startLocalVenue('monitor');
  ({ anvil, client, deployment } = venue);
  ledger = await openPgliteLedger();
  options = { client, ledger, deployment, confirmations: 2, maxRange: 1000 };
}, 180_000);

afterAll(async () => {
  await ledger?.close();
  await venue?.stop();
});

describe('compliance monitor', () => {
  it('records every registry change of the seed as an alert', async () => {
    const raised = await monitorToHead();
    const registryLogs = await client.getLogs({ address: deployment.investorRegistry, fromBlock: 0n, toBlock: 'latest' });
    expect(raised.filter((a) => a.kind === 'registry_change')).toHaveLength(registryLogs.length);
    expect(raised.some((a) => a.kind === 'unguarded_pool')).toBe(false); // the seeded pools are gated
  });

  it('raises a critical alert when a listed security gets a pool without the gate', async () => {
    const pool = deployment.pools[0];
    const key = { currency0: pool.currency0, currency1: pool.currency1, fee: 500, tickSpacing: 10, hooks: zeroAddress };
    await sendAsOperator({ address: deployment.poolManager, abi: poolManagerAbi, functionName: 'initialize', args: [key, 2n ** 96n] });
    const raised = await monitorToHead();
    const unguarded = raised.filter((a) => a.kind === 'unguarded_pool');
    expect(unguarded).toHaveLength(1);
    expect(unguarded[0].severity).toBe('critical');
    expect(unguarded[0].data.securities).toEqual([pool.security]);
  });

  it('warns when a gated pool is paused', async () => {
    const pool = deployment.pools[1];
    await sendAsOperator({ address: deployment.gateHook, abi: gateHookAbi, functionName: 'setPaused', args: [[pool.poolId], true] });
    const raised = await monitorToHead();
    expect(raised.map((a) => [a.kind, a.subject])).toContainEqual(['pool_paused', pool.poolId]);
  });

  it('warns once about an accreditation expiring within 30 days', async () => {
    const now = (await client.getBlock()).timestamp;
    const expiry = Number(now) + 10 * 86_400;
    await sendAsOperator({
      address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'upsertInvestors',
      args: [[{ investor: alice.address, accreditationExpiry: expiry, frozen: false }]],
    });
    const raised = await monitorToHead();
    const expiring = raised.filter((a) => a.kind === 'accreditation_expiring');
    expect(expiring.map((a) => a.subject)).toEqual([alice.address]);
    expect(expiring[0].message).toBe('accreditation expires in 10 day(s)');
    // Raised once: the next run finds it already recorded.
    expect((await monitorToHead()).filter((a) => a.kind === 'accreditation_expiring')).toEqual([]);
    const stored = await ledger.query<{ n: string }>("select count(*)::text as n from alerts where kind = 'accreditation_expiring'");
    expect(stored[0].n).toBe('1');
  });

  it('follows a chain that lost blocks: rolls back by hash, voids the alerts of lost blocks, sees what comes after', async () => {
    const test = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    const pool = deployment.pools[0];
    // An alert, confirmed and read, in a block the chain then loses (deeper than the monitor's confirmations).
    await sendAsOperator({ address: deployment.gateHook, abi: gateHookAbi, functionName: 'setPaused', args: [[pool.poolId], true] });
    const paused = (await monitorToHead()).filter((a) => a.kind === 'pool_paused');
    expect(paused).toHaveLength(1);
    await test.request({ method: 'anvil_rollback' as never, params: [options.confirmations + 2] as never });
    // The chain goes on without it; a registry change made now must still be seen.
    await sendAsOperator({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'setLockupOverride', args: [pool.security, alice.address, 1] });
    const first = await monitorOnce(options);
    expect(first.reorgAncestor).toBeDefined();
    const after = await monitorToHead();
    expect(after.filter((a) => a.kind === 'registry_change').map((a) => [a.data.event, a.subject])).toContainEqual(['LockupOverrideSet', alice.address]);
    const [lost] = await ledger.query<{ voided_at: string | null }>("select voided_at from alerts where dedupe_key = $1", [paused[0].dedupeKey]);
    expect(lost.voided_at).not.toBeNull();
  });
});
