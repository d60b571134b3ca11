/**
 * The durable chain as its clients see it: the history survives compaction and `kill -9`, every block comes back
 * with its hash, time never runs backwards, a journal that disagrees with its chain is refused (naming the block),
 * a torn last record is cut, and the calls that would make history unreplayable are refused.
 */
import { appendFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createWalletClient, http, parseEther, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileJournal, type JournalEntry } from '../../script/chain/journal.ts';
import { ANVIL_MNEMONIC, ANVIL_OPERATOR_KEY } from '../../script/venue/anvil.ts';
import { deployVenue } from '../../script/venue/deploy.ts';
import { historyAnswers, testChain, type TestChain } from './helpers.ts';

let chain: TestChain;
const deploymentsDir = `deployments/.tmp-durable-${process.pid}`;
const alice = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 });
const wallet = () => createWalletClient({ account: alice, chain: foundry, transport: http(chain.rpcUrl) });

async function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const health = () => fetch(`${chain.rpcUrl}/health`).then((r) => r.json() as Promise<{ snapshot: { seq: number; block: number } | null; archive: { head: number }; durable: { seq: number } }>);

beforeAll(async () => {
  // Small compaction batches, so this history spans several snapshots and archive runs.
  chain = await testChain('durable', { ACCREDEX_SNAPSHOT_EVERY: '25' });
  await deployVenue({ rpcUrl: chain.rpcUrl, privateKey: ANVIL_OPERATOR_KEY, deploymentsDir });
  for (let i = 0; i < 30; i++) await chain.client.waitForTransactionReceipt({ hash: await wallet().sendTransaction({ to: alice.address, value: 1n }) });
}, 180_000);

afterAll(async () => {
  await chain?.stop();
  if (!process.env.KEEP) chain?.remove();
  rmSync(deploymentsDir, { recursive: true, force: true });
});

describe('the durable chain', () => {
  it('answers every history read the same before compaction, after it (from the archive) and after kill -9', async () => {
    const head = Number(await chain.client.getBlockNumber());
    const before = await historyAnswers(chain, head);
    await waitFor('compaction to archive most of the history', async () => (await health()).archive.head >= head - 5);
    expect(await historyAnswers(chain, head)).toEqual(before);
    await chain.kill();
    await chain.start();
    const after = await historyAnswers(chain, head);
    expect(after).toEqual(before);
    expect((after['all logs'] as unknown[]).length).toBeGreaterThan(50);
    expect(chain.log()).toMatch(/"replayed":\d+/);
  }, 180_000);

  it('never lets time run backwards: the clock offset survives a kill -9', async () => {
    await chain.rpc('evm_increaseTime', [100 * 86_400]);
    await chain.rpc('evm_mine');
    const ahead = await chain.client.getBlock();
    await chain.kill();
    await chain.start();
    await chain.rpc('evm_mine');
    const next = await chain.client.getBlock();
    expect(next.timestamp).toBeGreaterThanOrEqual(ahead.timestamp);
    expect(next.timestamp - ahead.timestamp).toBeLessThan(120n); // the 100 days are kept, not lost or doubled
    expect(await chain.rpcError('evm_setTime', [Number(ahead.timestamp) - 10])).toMatchObject({ code: -32003, message: expect.stringMatching(/only moves forward/) });
  }, 120_000);

  it('refuses what its journal could not replay, and rollbacks that would undo final blocks', async () => {
    expect(await chain.rpcError('evm_setIntervalMining', [1])).toMatchObject({ message: expect.stringMatching(/interval mining/) });
    expect(await chain.rpcError('anvil_reset', [])).toMatchObject({ message: expect.stringMatching(/npm run reset/) });
    expect(await chain.rpcError('anvil_rollback', [5])).toMatchObject({ message: expect.stringMatching(/at most 1 can be rolled back/) });
    const head = await chain.client.getBlockNumber();
    await chain.rpc('evm_mine');
    await chain.rpc('anvil_rollback', [1]);
    expect(await chain.client.getBlockNumber()).toBe(head);
    await chain.kill();
    await chain.start();
    expect(await chain.client.getBlockNumber()).toBe(head);
  }, 120_000);

  it('answers a transaction with a nonce gap at once, and mines it with the one that fills the gap, replayably', async () => {
    const nonce = await chain.client.getTransactionCount({ address: alice.address });
    const later = await wallet().signTransaction({ to: alice.address, value: 2n, nonce: nonce + 1, gas: 21_000n, maxFeePerGas: parseEther('0.00001'), maxPriorityFeePerGas: 1n });
    const now = await wallet().signTransaction({ to: alice.address, value: 1n, nonce, gas: 21_000n, maxFeePerGas: parseEther('0.00001'), maxPriorityFeePerGas: 1n });
    const t = performance.now();
    const laterHash = await chain.rpc<Hex>('eth_sendRawTransaction', [later]);
    expect(performance.now() - t).toBeLessThan(5_000); // not anvil's 30 s wait for a receipt
    expect(await chain.client.getTransactionReceipt({ hash: laterHash }).catch(() => null)).toBeNull();
    const nowHash = await chain.rpc<Hex>('eth_sendRawTransaction', [now]);
    const receipts = await Promise.all([nowHash, laterHash].map((hash) => chain.client.waitForTransactionReceipt({ hash })));
    await chain.kill();
    await chain.start();
    for (const r of receipts) expect((await chain.client.getTransactionReceipt({ hash: r.transactionHash })).blockHash).toBe(r.blockHash);
  }, 120_000);

  it('replays manual mining (automine off) and keeps the setting across a restart', async () => {
    await chain.rpc('evm_setAutomine', [false]);
    const hashes: Hex[] = [];
    for (let i = 0; i < 3; i++) hashes.push(await wallet().sendTransaction({ to: alice.address, value: BigInt(i + 1) }));
    await chain.rpc('evm_mine');
    const receipts = await Promise.all(hashes.map((hash) => chain.client.getTransactionReceipt({ hash })));
    expect(new Set(receipts.map((r) => r.blockHash)).size).toBe(1);
    await chain.kill();
    await chain.start();
    expect(await chain.rpc('anvil_getAutomine')).toBe(false);
    for (const r of receipts) expect((await chain.client.getTransactionReceipt({ hash: r.transactionHash })).blockHash).toBe(r.blockHash);
    await chain.rpc('evm_setAutomine', [true]);
  }, 120_000);

  it('cuts a torn last journal record at start, with a log line, and keeps everything before it', async () => {
    const head = await chain.client.getBlock();
    await chain.stop();
    const dir = join(chain.dataDir, 'chain', 'journal');
    const last = readdirSync(dir).filter((f) => f.endsWith('.log')).sort().at(-1)!;
    appendFileSync(join(dir, last), Buffer.from('AXJ1\xff\x00\x00\x00garbage'));
    await chain.start();
    expect(chain.log()).toMatch(/cut a torn last record/);
    expect((await chain.client.getBlock()).hash).toBe(head.hash);
  }, 120_000);

  it('refuses to serve a chain that differs from its journal, naming the first block that differs', async () => {
    await chain.rpc('evm_mine');
    const tampered = await chain.client.getBlock();
    await chain.stop();
    // Rewrite the journal with the newest block's recorded hash changed (the replay will make the real one).
    const dir = join(chain.dataDir, 'chain', 'journal');
    const entries: JournalEntry[] = [];
    for await (const e of openFileJournal(dir, { readOnly: true }).entries()) entries.push(e);
    const forged = `0x${'ee'.repeat(32)}` as Hex;
    const copy = openFileJournal(`${dir}.forged`);
    for (const e of entries) {
      if (e.kind === 'call' && e.blocks.some((b) => b.number === Number(tampered.number))) {
        e.blocks = e.blocks.map((b) => (b.number === Number(tampered.number) ? { ...b, hash: forged } : b));
        e.head = { ...e.head, hash: forged };
      }
      await copy.append(e);
    }
    await copy.close();
    renameSync(dir, `${dir}.real`);
    renameSync(`${dir}.forged`, dir);
    await expect(chain.start()).rejects.toThrow(/exited \(65\)/);
    expect(chain.log()).toContain(`the chain diverges from its journal at block ${tampered.number}`);
    expect(chain.log()).toContain(forged);
    rmSync(dir, { recursive: true });
    renameSync(`${dir}.real`, dir);
    await chain.start();
    expect((await chain.client.getBlock()).hash).toBe(tampered.hash);
  }, 120_000);
});

describe('a long-running chain', () => {
  interface Receipt { transactionHash: Hex; blockNumber: Hex; blockHash: Hex }
  interface Health { anvil: { from: number; recycles: number }; process: { anvilPid: number }; compaction: { runs: { live: number; replay: number }; worker: string; running: boolean }; archive: { head: number }; snapshot: { seq: number } | null; durable: { seq: number } }

  it('archives and snapshots from the served anvil, which keeps only its newest transactions, and serves every receipt before and after a crash', async () => {
    // The served anvil keeps the transactions of 100 blocks; 200 go by, so most of them are only in the archive.
    const c = await testChain('live', { ACCREDEX_SNAPSHOT_EVERY: '20', ACCREDEX_ANVIL_TX_BLOCKS: '100' });
    const health = () => fetch(`${c.rpcUrl}/health`).then((r) => r.json() as Promise<Health>);
    try {
      // Traffic starts once the worker runs and the quiet chain's entries are compacted (by a replay: it is quiet), up
      // to the last two, which are not final yet.
      const settled = (h: Health) => h.compaction.worker === 'ready' && !h.compaction.running && h.durable.seq - (h.snapshot?.seq ?? 0) <= 2;
      for (const deadline = Date.now() + 30_000; !settled(await health()); ) {
        if (Date.now() > deadline) throw new Error(`the compaction worker did not start:\n${c.log()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const before = (await health()).compaction.runs;
      const receipts: Receipt[] = [];
      for (let i = 0; i < 200; i++) {
        receipts.push(await c.rpc<Receipt>('eth_sendTransactionSync', [{ from: alice.address, to: alice.address, value: '0x1' }]));
        await new Promise((r) => setTimeout(r, 20)); // a pace live runs keep up with (the fallback, a replay, is tested below)
      }
      const h = await health();
      expect(h.compaction.runs.replay).toBe(before.replay);
      expect(h.compaction.runs.live - before.live).toBeGreaterThan(3);
      expect(h.archive.head).toBeGreaterThan(Number(receipts[150].blockNumber));
      const served = async () => {
        for (const r of receipts) {
          expect(await c.rpc<Receipt>('eth_getTransactionReceipt', [r.transactionHash])).toMatchObject({ blockHash: r.blockHash });
          expect(await c.rpc<{ transactions: { hash: Hex }[] }>('eth_getBlockByNumber', [r.blockNumber, true])).toMatchObject({ hash: r.blockHash, transactions: [{ hash: r.transactionHash }] });
        }
      };
      await served();
      await c.kill();
      await c.start();
      await served();
    } finally {
      await c.stop().catch(() => {});
      if (!process.env.KEEP) c.remove();
    }
  }, 180_000);

  it('replaces its anvil by a fresh one from the newest snapshot while clients send and read, losing nothing', async () => {
    const c = await testChain('recycle', { ACCREDEX_SNAPSHOT_EVERY: '20', ACCREDEX_RECYCLE_BLOCKS: '100' });
    const health = () => fetch(`${c.rpcUrl}/health`).then((r) => r.json() as Promise<Health>);
    try {
      const first = { pid: (await health()).process.anvilPid };
      await c.rpc('evm_increaseTime', [30 * 86_400]);
      await c.rpc('evm_mine');
      const jumped = await c.client.getBlock();
      // A reader alongside the sender: every read is answered, across every switch.
      let reading = true;
      let reads = 0;
      const readErrors: string[] = [];
      const reader = (async () => {
        while (reading) {
          await c.rpc('eth_getBalance', [alice.address, 'latest']).then(() => reads++, (err: Error) => readErrors.push(err.message));
        }
      })();
      const receipts: Receipt[] = [];
      const seenPids = new Set([first.pid]);
      for (const deadline = Date.now() + 120_000; (await health()).anvil.recycles < 2; ) {
        if (Date.now() > deadline) throw new Error(`fewer than 2 recycles after ${receipts.length} transactions:\n${c.log()}`);
        receipts.push(await c.rpc<Receipt>('eth_sendTransactionSync', [{ from: alice.address, to: alice.address, value: '0x1' }]));
        await new Promise((r) => setTimeout(r, 10)); // a pace compaction keeps up with at 20 entries a snapshot
        seenPids.add((await health()).process.anvilPid);
      }
      // The second replacement may land between the last look at the pid and the loop's check: look once more.
      seenPids.add((await health()).process.anvilPid);
      reading = false;
      await reader;
      expect(readErrors).toEqual([]);
      expect(reads).toBeGreaterThan(100);
      expect(seenPids.size).toBeGreaterThanOrEqual(3);
      expect(c.log()).toMatch(/replaced anvil by a fresh one/);
      // One block a transaction, none skipped or repeated, and each still where its receipt said.
      for (let i = 1; i < receipts.length; i++) expect(Number(receipts[i].blockNumber)).toBe(Number(receipts[i - 1].blockNumber) + 1);
      for (const r of receipts) expect(await c.rpc<Receipt>('eth_getTransactionReceipt', [r.transactionHash])).toMatchObject({ blockHash: r.blockHash });
      // The clock went on from where it was, the 30 days included.
      const now = await c.client.getBlock();
      expect(now.timestamp).toBeGreaterThanOrEqual(jumped.timestamp);
      expect(now.timestamp - jumped.timestamp).toBeLessThan(600n);
      // The replaced anvils are stopped; the serving one is not.
      await new Promise((r) => setTimeout(r, 6_000));
      const serving = (await health()).process.anvilPid;
      const alive = (pid: number) => {
        try {
          return process.kill(pid, 0);
        } catch {
          return false;
        }
      };
      expect([...seenPids].filter((pid) => pid !== serving && alive(pid))).toEqual([]);
      expect(alive(serving)).toBe(true);
      // And a restart finds the same chain.
      await c.kill();
      await c.start();
      expect((await c.client.getBlock({ blockNumber: now.number })).hash).toBe(now.hash);
    } finally {
      await c.stop().catch(() => {});
      if (!process.env.KEEP) c.remove();
    }
  }, 240_000);
});
