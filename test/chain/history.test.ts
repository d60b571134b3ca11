/**
 * Ten thousand transactions through the real npm start program, then the ways an operator stops it: Ctrl-C (SIGINT)
 * and SIGTERM, each under traffic, lose nothing that was acknowledged; `chain verify` replays the whole journal onto
 * a scratch anvil and reproduces every block hash; `chain export` lists every transaction, its method decoded.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PublicClient } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../sdk/manifest.ts';
import { burst, deploymentOf, prepareTraffic, startTraffic, testVenue, type Acked, type Venue } from './venue.ts';

const run = promisify(execFile);
let venue: Venue;
let deployment: Deployment;
let client: PublicClient;
const acked = new Map<string, Acked>();

beforeAll(async () => {
  venue = await testVenue('history', { ACCREDEX_LOG_LEVEL: 'warn' });
  await venue.start();
  deployment = deploymentOf(venue);
  client = await prepareTraffic(venue, deployment);
  for (const [hash, a] of await burst(venue, 10_000)) acked.set(hash, a);
}, 600_000);

afterAll(async () => {
  if (venue?.process && venue.process.exitCode === null && venue.process.signalCode === null) await venue.signal('SIGTERM');
  if (!process.env.KEEP) venue?.remove();
});

async function missing(): Promise<string[]> {
  const out: string[] = [];
  for (const a of acked.values()) {
    const r = await client.getTransactionReceipt({ hash: a.hash }).catch(() => undefined);
    if (!r || r.blockNumber !== a.blockNumber || r.blockHash !== a.blockHash) out.push(a.hash);
  }
  return out;
}

const chainCli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'script/chain/main.ts', ...args], { env: { ...process.env, ACCREDEX_DATA_DIR: venue.dataDir }, maxBuffer: 256 * 1024 * 1024 });

describe('a venue with 10,000 transactions', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops on ${signal} under traffic, loses nothing acknowledged, and comes back`, async () => {
      const traffic = startTraffic(venue, deployment);
      await new Promise((r) => setTimeout(r, 2_000));
      await venue.signal(signal);
      await traffic.stop();
      expect(venue.output).toMatch(new RegExp(`${signal}: stopping the venue[\\s\\S]*stopped`));
      for (const [hash, a] of traffic.acked) acked.set(hash, a);
      expect(traffic.acked.size).toBeGreaterThan(10);
      const seconds = await venue.start();
      console.log(`restart after ${signal} with ${acked.size} acknowledged transactions: ${seconds.toFixed(2)} s`);
      expect(await missing()).toEqual([]);
    }, 300_000);
  }

  it('restarts the keepers after a kill -9, shows it in their /health, and still stops on Ctrl-C', async () => {
    type Health = { process: { pid: number; restarts: number; lastExit: string | null }; lagBlocks: number | null };
    const health = () => fetch(`${venue.apiUrl}/health`).then((r) => r.json() as Promise<Health>, () => undefined);
    const before = (await health())!;
    expect(before.process.restarts).toBe(0);
    process.kill(before.process.pid, 'SIGKILL');
    let after: Health | undefined;
    for (const deadline = Date.now() + 60_000; !(after && after.process.pid !== before.process.pid); await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error(`the keepers did not come back:\n${venue.output}`);
      after = await health();
    }
    expect(after.process).toMatchObject({ restarts: 1, lastExit: 'signal SIGKILL' });
    // The new keepers answer /health as soon as their API is up; the supervisor logs "restarted" once they report
    // ready, which can come a moment later.
    await expect
      .poll(() => venue.output, { timeout: 20_000 })
      .toMatch(/keepers exited \(signal SIGKILL\); restarting it in 1 s[\s\S]*keepers restarted \(restart 1\)/);
    // A supervisor whose child died once still stops everything (signal() waits until every port is free).
    await venue.signal('SIGINT');
    expect(venue.output).toMatch(/SIGINT: stopping the venue[\s\S]*stopped/);
    await venue.start();
  }, 300_000);

  it('replays its whole journal onto a scratch anvil and gets every block hash back (chain verify)', async () => {
    const head = await client.getBlock();
    await venue.signal('SIGTERM');
    const { stdout } = await chainCli(['verify']);
    const [, entries, blocks, number, hash] = /verified: (\d+) journal entries replayed onto a scratch anvil, (\d+) blocks, every one with its recorded hash; head (\d+) \((0x[0-9a-f]+)\)/.exec(stdout) ?? [];
    expect(Number(entries)).toBeGreaterThan(10_000);
    expect(Number(blocks)).toBeGreaterThanOrEqual(Number(head.number));
    expect([BigInt(number), hash]).toEqual([head.number, head.hash]);
  }, 600_000);

  it('exports every transaction it accepted, with block, time, sender, target, method and status (chain export)', async () => {
    const { stdout } = await chainCli(['export']);
    const rows = new Map(stdout.trim().split('\n').map((l) => JSON.parse(l) as { block: number; time: string; hash: string; from: string; to: string; method: string; status: string }).map((r) => [r.hash, r]));
    for (const a of acked.values()) expect(BigInt(rows.get(a.hash)?.block ?? -1)).toBe(a.blockNumber);
    const methods = new Set([...rows.values()].map((r) => r.method));
    expect(methods).toContain('execute(bytes,bytes[],uint256)'); // UniversalRouter swaps
    expect(methods).toContain('(transfer)');
    expect(methods).toContain('initialize((address,address,uint24,int24,address),uint160)'); // a struct argument, decoded too
    expect([...methods].filter((m) => /^0x[0-9a-f]{8}$/.test(m))).toEqual([]); // every selector the venue sends is known
    expect([...rows.values()].every((r) => /^\d{4}-\d\d-\d\dT/.test(r.time) && (r.status === 'success' || r.status === 'reverted'))).toBe(true);
    // CSV: the same rows, a cell with commas quoted.
    const { stdout: csv } = await chainCli(['export', '--format', 'csv']);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('block,time,hash,from,to,method,status');
    expect(lines).toHaveLength(rows.size + 1);
    expect(lines.some((l) => l.includes(',"execute(bytes,bytes[],uint256)",success'))).toBe(true);
    const from = Math.max(...[...rows.values()].map((r) => r.block)) - 10;
    const { stdout: recent } = await chainCli(['export', '--from', String(from)]);
    const recentRows = recent.trim().split('\n').map((l) => JSON.parse(l) as { block: number });
    expect(recentRows.length).toBeGreaterThan(0);
    expect(recentRows.every((r) => r.block >= from)).toBe(true);
  }, 300_000);
});
