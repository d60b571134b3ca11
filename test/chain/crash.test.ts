/**
 * The venue's record under `kill -9`, against the real npm start program and steady traffic: the whole venue killed
 * at random moments 20 times, then anvil alone and the chain's front alone. Every transaction that got a receipt
 * before a kill is there after the restart, with the same hash, block number and block hash; the ledger ends equal
 * to the chain; no trade the ledger marked final is ever voided.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicClient } from 'viem';
import { poolManagerAbi } from '../../sdk/abis/generated.ts';
import type { Deployment } from '../../sdk/manifest.ts';
import { seededRandom } from '../../script/venue/fixtures.ts';
import { deploymentOf, prepareTraffic, startTraffic, testVenue, type Acked, type Venue } from './venue.ts';
import { signInAs, type ApiSession } from '../utils/api.ts';

const WHOLE_VENUE_KILLS = 20;
const PART_KILLS = 4;
const random = seededRandom(0xc0ffee);

let venue: Venue;
let deployment: Deployment;
let client: PublicClient;

beforeAll(async () => {
  // Its parts are killed on purpose, more often than npm start tolerates from real crashes.
  venue = await testVenue('crash', { ACCREDEX_POLL_MS: '100', ACCREDEX_LOG_LEVEL: 'warn', ACCREDEX_RESTART_LIMIT: '100' });
  await venue.start();
  deployment = deploymentOf(venue);
  client = await prepareTraffic(venue, deployment);
}, 240_000);

afterAll(async () => {
  if (venue?.process && venue.process.exitCode === null) await venue.signal('SIGTERM');
  if (!process.env.KEEP) venue?.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The acknowledged transactions (all of them, or those from `from` on) that the restarted chain lacks. */
async function lost(acked: Map<string, Acked>, from = 0): Promise<string[]> {
  const missing: string[] = [];
  for (const a of [...acked.values()].slice(from)) {
    const r = await client.getTransactionReceipt({ hash: a.hash }).catch((err: Error) => err);
    if (r instanceof Error) missing.push(`${a.hash} (block ${a.blockNumber}): ${r.message.split('\n')[0]}`);
    else if (r.blockNumber !== a.blockNumber || r.blockHash !== a.blockHash) missing.push(`${a.hash} (block ${a.blockNumber}): now in block ${r.blockNumber} ${r.blockHash}`);
  }
  return missing;
}

interface TradeRow { tx_hash: string; log_index: number; status: string }
/** The officer's API session: signed in once (sessions survive keeper restarts), again only if it is refused. */
let officer: ApiSession | undefined;
async function ledgerTrades(status?: string): Promise<TradeRow[]> {
  const rows: TradeRow[] = [];
  let cursor: string | null = null;
  do {
    officer ??= await signInAs(venue.apiUrl, 'officer');
    const { status: code, body } = await officer.get(`/trades?limit=500${status ? `&status=${status}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
    if (code === 401) officer = undefined;
    if (code !== 200) throw new Error(`/trades answered ${code}: ${JSON.stringify(body)}`);
    const page = body as { items: TradeRow[]; nextCursor: string | null };
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

describe('the venue under kill -9', () => {
  it('loses no acknowledged transaction, whatever is killed, and never voids a final trade', async () => {
    const traffic = startTraffic(venue, deployment);
    const finals = new Set<string>();
    const kills: string[] = [];
    let checked = 0;
    try {
      for (let i = 0; i < WHOLE_VENUE_KILLS + 2 * PART_KILLS; i++) {
        await sleep(300 + random() * 2_500);
        for (const t of await ledgerTrades('final').catch(() => [])) finals.add(`${t.tx_hash}:${t.log_index}`);
        const target = i < WHOLE_VENUE_KILLS ? 'venue' : i < WHOLE_VENUE_KILLS + PART_KILLS ? 'anvil' : 'front';
        kills.push(target);
        if (target === 'venue') {
          await venue.signal('SIGKILL');
          await venue.start();
        } else {
          const { process: p } = await venue.chainHealth();
          const pid = target === 'anvil' ? p.anvilPid : p.pid;
          process.kill(pid, 'SIGKILL');
          // npm start restarts the chain; it answers again with a new process.
          const deadline = Date.now() + 60_000;
          for (;;) {
            const h = await venue.chainHealth().catch(() => undefined);
            if (h && h.process.pid !== p.pid) break;
            if (Date.now() > deadline) throw new Error(`the chain did not come back after its ${target} was killed:\n${venue.output}`);
            await sleep(100);
          }
          expect(venue.output).toMatch(/chain exited \((exit code 75|signal SIGKILL)\); restarting it/);
        }
        // What was acknowledged since the last check (the final check below covers everything again).
        expect(await lost(traffic.acked, checked)).toEqual([]);
        checked = traffic.acked.size;
      }
    } finally {
      await traffic.stop();
    }
    expect(kills.filter((k) => k === 'venue')).toHaveLength(WHOLE_VENUE_KILLS);
    expect(traffic.acked.size).toBeGreaterThan(100);
    expect(await lost(traffic.acked)).toEqual([]);

    // The ledger catches up and equals the chain: every gated-pool swap once, none that the chain lacks.
    const head = Number(await client.getBlockNumber());
    for (const deadline = Date.now() + 120_000; ; await sleep(200)) {
      const h = (await fetch(`${venue.apiUrl}/health`).then((r) => r.json(), () => undefined)) as { settlement?: { checkpoint: number | null } } | undefined;
      if ((h?.settlement?.checkpoint ?? -1) >= head) break;
      if (Date.now() > deadline) throw new Error('the ledger did not catch up with the chain');
    }
    const swaps = await client.getContractEvents({ address: deployment.poolManager, abi: poolManagerAbi, eventName: 'Swap', fromBlock: 0n, toBlock: BigInt(head) });
    const gated = new Set(deployment.pools.map((p) => p.poolId.toLowerCase()));
    const onChain = swaps.filter((s) => gated.has(String(s.args.id).toLowerCase())).map((s) => `${s.transactionHash}:${s.logIndex}`);
    const live = (await ledgerTrades()).filter((t) => t.status !== 'voided').map((t) => `${t.tx_hash}:${t.log_index}`);
    expect(live.sort()).toEqual(onChain.sort());
    // No confirmation the ledger called final was ever taken back.
    const voided = new Set((await ledgerTrades('voided')).map((t) => `${t.tx_hash}:${t.log_index}`));
    expect(finals.size).toBeGreaterThan(20);
    expect([...finals].filter((f) => voided.has(f))).toEqual([]);
  }, 1_200_000);
});
