/** The compliance monitor against the real venue: every alert kind, raised once, from confirmed blocks only. */
import { createTestClient, createWalletClient, http, zeroAddress, type Abi, type Address, type PublicClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateHookAbi, investorRegistryAbi, poolManagerAbi, restrictedSecurityTokenAbi, sanctionsListAbi } from '../../sdk/abis/generated.ts';
import type { Deployment } from '../../sdk/manifest.ts';
import { ANVIL_MNEMONIC, type Anvil } from '../../script/venue/anvil.ts';
import { startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { monitorOnce, type MonitorOptions } from '../../script/keeper/monitor/monitor.ts';
import { syncOnce } from '../../script/keeper/settlement/indexer.ts';
import { LP_ACCOUNT } from '../../script/venue/fixtures.ts';

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

  it('alerts on a pool made while its security was delisted, once the security is listed again', async () => {
    const pool = deployment.pools[0];
    const [, lockupEnd] = await client.readContract({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'security', args: [pool.security] });
    await sendAsOperator({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'delistSecurity', args: [pool.security] });
    const key = { currency0: pool.currency0, currency1: pool.currency1, fee: 100, tickSpacing: 1, hooks: zeroAddress };
    await sendAsOperator({ address: deployment.poolManager, abi: poolManagerAbi, functionName: 'initialize', args: [key, 2n ** 96n] });
    const whileDelisted = await monitorToHead();
    expect(whileDelisted.filter((a) => a.kind === 'unguarded_pool')).toEqual([]);

    await sendAsOperator({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'configureSecurity', args: [pool.security, lockupEnd] });
    const unguarded = (await monitorToHead()).filter((a) => a.kind === 'unguarded_pool');
    expect(unguarded).toHaveLength(1); // the pool alerted earlier (fee 500) is not alerted again
    expect(unguarded[0].data).toMatchObject({ fee: 100, securities: [pool.security] });
  });

  it('warns once per live position whose investor can only exit (here: the LP, frozen)', async () => {
    // Live positions come from the settlement keeper's liquidity events, in the ledger the keepers share.
    for (let i = 0; i < 50 && !(await syncOnce({ client, ledger, deployment, confirmations: 1, maxRange: 1000 })).caughtUp; i++);
    const [{ n: live }] = await ledger.query<{ n: string }>(
      `select count(*)::text as n from (select 1 from liquidity_events where lower(investor) = $1 group by pool_id, router, tick_lower, tick_upper, salt
       having sum(liquidity_delta) > 0) p`,
      [LP_ACCOUNT.address.toLowerCase()],
    );
    expect(Number(live)).toBeGreaterThan(0);
    expect((await monitorToHead()).filter((a) => a.kind === 'restricted_liquidity')).toEqual([]);

    await sendAsOperator({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'setFrozen', args: [LP_ACCOUNT.address, true] });
    const restricted = (await monitorToHead()).filter((a) => a.kind === 'restricted_liquidity');
    expect(restricted).toHaveLength(Number(live));
    expect(restricted.every((a) => a.subject === LP_ACCOUNT.address && a.data.reason === 'Frozen' && a.data.role === 'depositor and owner')).toBe(true);
    // Raised once per position and reason.
    expect((await monitorToHead()).filter((a) => a.kind === 'restricted_liquidity')).toEqual([]);
    await sendAsOperator({ address: deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'setFrozen', args: [LP_ACCOUNT.address, false] });
  });

  it('warns at 80% and alerts critically at 95% of a holder cap, once each', async () => {
    const hsref = deployment.pools[1].security;
    const [holders] = await client.readContract({ address: hsref, abi: restrictedSecurityTokenAbi, functionName: 'holderCount' });
    expect(holders).toBe(5); // alice, bob, carol, dave, lp: alice's cold wallet is the same holder
    const setCap = (maxHolders: number) =>
      sendAsOperator({ address: hsref, abi: restrictedSecurityTokenAbi, functionName: 'setLimits', args: [{ maxHolding: 0n, minTrade: 0n, maxHolders, maxNonAccredited: 0 }] });

    await setCap(6); // 5 of 6: 83%
    const warned = (await monitorToHead()).filter((a) => a.kind === 'holder_cap');
    expect(warned.map((a) => [a.severity, a.subject, a.message])).toEqual([['warning', hsref, 'holders of record: 5 of at most 6 (83%)']]);
    await setCap(5); // full
    const critical = (await monitorToHead()).filter((a) => a.kind === 'holder_cap');
    expect(critical.map((a) => a.severity)).toEqual(['critical']);
    expect((await monitorToHead()).filter((a) => a.kind === 'holder_cap')).toEqual([]);
    await setCap(100);
  });

  it('raises a critical alert, once, when a holder is put on the sanctions list', async () => {
    expect(BigInt(deployment.sanctionsList)).not.toBe(0n);
    const list = (functionName: 'addToSanctionsList' | 'removeFromSanctionsList') =>
      sendAsOperator({ address: deployment.sanctionsList, abi: sanctionsListAbi, functionName, args: [[alice.address]] });
    expect((await monitorToHead()).filter((a) => a.kind === 'sanctioned_holder')).toEqual([]);
    await list('addToSanctionsList');
    const raised = (await monitorToHead()).filter((a) => a.kind === 'sanctioned_holder');
    expect(raised.map((a) => [a.severity, a.subject])).toEqual([['critical', alice.address]]);
    expect(raised[0].data.securities).toEqual([...new Set(deployment.pools.map((p) => p.security))]);
    expect((await monitorToHead()).filter((a) => a.kind === 'sanctioned_holder')).toEqual([]);
    await list('removeFromSanctionsList');
  });

  it('warns when an officer changes a holder\'s classes or jurisdiction, saying what changed; not for a new expiry alone', async () => {
    const registry = { address: deployment.investorRegistry, abi: investorRegistryAbi } as const;
    const { identity } = await client.readContract({ ...registry, functionName: 'investor', args: [alice.address] });
    const current = await client.readContract({ ...registry, functionName: 'identity', args: [identity] });
    const upsert = (classes: number, jurisdiction: number, accreditationExpiry = current.accreditationExpiry) =>
      sendAsOperator({ ...registry, functionName: 'upsertIdentities', args: [[{ id: identity, accreditationExpiry, classes, jurisdiction, verification: current.verification }]] });
    const profileAlerts = async () => (await monitorToHead()).filter((a) => a.kind === 'holder_profile_change');
    await monitorToHead();
    await upsert(current.classes, current.jurisdiction, current.accreditationExpiry + 1);
    expect(await profileAlerts()).toEqual([]);

    await upsert(2, 826); // QIB only, United Kingdom
    const raised = await profileAlerts();
    expect(raised.map((a) => [a.severity, a.subject])).toEqual([['warning', current.wallets[0]]]);
    expect(raised[0].data.before).toEqual({ classes: current.classes, jurisdiction: current.jurisdiction });
    expect(raised[0].data.after).toEqual({ classes: 2, jurisdiction: 826 });
    expect(raised[0].message).toContain(`jurisdiction ${current.jurisdiction} → 826`);
    // Admitted as accredited, a QIB alone may no longer acquire what it holds.
    const held = raised[0].data.securities as { security: Address; mayAcquire: string }[];
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((h) => h.mayAcquire !== 'Ok')).toBe(true);
    await upsert(current.classes, current.jurisdiction);
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
