/**
 * Compaction: in the background, a scratch anvil (at low priority, never the served one) starts from the newest
 * snapshot, replays the journal entries after it, checks every block hash, archives the blocks it replayed, and
 * dumps a new snapshot trimmed to the state and the newest block. Its cost is bounded by the entries it replays and
 * the size of the state, never by the length of the history, and the served chain never waits for it.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startChainAnvil, type ChainAnvil } from './anvil.ts';
import { writeSegments, type ArchivedBlock, type RpcFullBlock, type RpcReceipt, type SegmentInfo } from './archive.ts';
import { chainPaths, latestSnapshot, writeCatalog, type Catalog, type SnapshotInfo } from './catalog.ts';
import { writeFileDurably } from './files.ts';
import type { CallEntry, GenesisEntry, Journal } from './journal.ts';
import { freePort } from './net.ts';
import { applySettings, checkGenesis, replayEntry } from './replay.ts';
import { hex, num } from './rpc.ts';
import { advance, cuttable, genesisState, type ChainState } from './state.ts';

/** Snapshots kept: the newest, and the one before it in case the newest cannot be read. */
const KEEP_SNAPSHOTS = 2;

/** Starts an anvil for `spec` from the newest snapshot in the catalog (or from genesis), its settings applied. */
export async function startFromSnapshot(
  dir: string,
  genesis: GenesisEntry,
  snapshot: SnapshotInfo | undefined,
  o: { port: number; lowPriority?: boolean; logFile: string },
): Promise<{ anvil: ChainAnvil; state: ChainState }> {
  const paths = chainPaths(dir);
  let loadFile: string | undefined;
  if (snapshot) {
    mkdirSync(paths.tmp, { recursive: true });
    loadFile = join(paths.tmp, `load-${process.pid}-${o.port}.json`);
    writeFileSync(loadFile, gunzipSync(readFileSync(join(paths.snapshots, snapshot.file))));
  }
  try {
    const anvil = await startChainAnvil({
      port: o.port,
      spec: genesis.spec,
      snapshot: snapshot && loadFile ? { file: loadFile, timestamp: snapshot.head.timestamp } : undefined,
      lowPriority: o.lowPriority,
      logFile: o.logFile,
    });
    const state = snapshot ? snapshot.state : genesisState(genesis);
    try {
      if (snapshot) {
        const head = await anvil.rpc.call<{ hash: string }>('eth_getBlockByNumber', ['latest', false]);
        if (head.hash !== snapshot.head.hash) throw new Error(`snapshot ${snapshot.file} starts at ${head.hash}, but the catalog says ${snapshot.head.hash}`);
        await applySettings(anvil.rpc, state);
      } else {
        await checkGenesis(anvil.rpc, genesis);
      }
    } catch (err) {
      await anvil.stop();
      throw err;
    }
    return { anvil, state };
  } finally {
    if (loadFile) rmSync(loadFile, { force: true });
  }
}


export interface CompactOptions {
  dir: string;
  journal: Journal;
  genesis: GenesisEntry;
  catalog: Catalog;
  maxRewind: number;
  /** The newest durable entry and head. */
  durable: () => { seq: number; head: number };
  /** At most this many entries are replayed in one run. */
  maxEntries: number;
  /** Run the scratch anvil at low priority (the default), yielding the CPU to the served chain. */
  lowPriority?: boolean;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface Compaction {
  snapshot: SnapshotInfo;
  segments: SegmentInfo[];
  catalog: Catalog;
  ms: number;
}

/**
 * One compaction run. Picks the newest entry after which a snapshot can be cut (not within `maxRewind + 1` blocks of
 * the durable head, so a permitted rollback never reaches an archived block), replays up to it on a scratch anvil,
 * and writes the archive segments, the snapshot and the catalog, in that order. Returns undefined when there is
 * nothing to cut yet.
 */
export async function compactOnce(o: CompactOptions): Promise<Compaction | undefined> {
  const started = performance.now();
  const base = latestSnapshot(o.catalog);
  const durable = o.durable();
  const fromSeq = (base?.seq ?? 0) + 1;
  const entries: CallEntry[] = [];
  const states: ChainState[] = [];
  let state = base ? base.state : genesisState(o.genesis);
  let cut = -1;
  for await (const e of o.journal.entries(fromSeq)) {
    if (e.seq > durable.seq || entries.length >= o.maxEntries) break;
    if (e.kind !== 'call') continue;
    state = advance(state, e, o.maxRewind);
    entries.push(e);
    states.push(state);
    if (cuttable(state) && e.head.number <= durable.head - (o.maxRewind + 1)) cut = entries.length - 1;
  }
  if (cut < 0) return undefined;

  const paths = chainPaths(o.dir);
  const { anvil, state: startState } = await startFromSnapshot(o.dir, o.genesis, base, {
    port: await freePort(),
    lowPriority: o.lowPriority ?? true,
    logFile: join(o.dir, 'compaction.log'),
  });
  try {
    let replayed = startState;
    for (let i = 0; i <= cut; i++) {
      await replayEntry(anvil.rpc, entries[i], replayed);
      replayed = states[i];
    }
    // anvil may report a just-mined transaction as pending for a moment after its receipt: look a few times.
    for (let tries = 0; ; tries++) {
      const pool = await anvil.rpc.call<{ pending: string; queued: string }>('txpool_status');
      if (num(pool.pending) + num(pool.queued) === 0) break;
      if (tries === 40) throw new Error(`compaction: the mempool is not empty after entry ${entries[cut].seq}`);
      await new Promise((r) => setTimeout(r, 25));
    }

    // The canonical blocks the run added, as anvil serves them, become the archive below the new snapshot.
    const head = entries[cut].head;
    const first = base ? base.head.number + 1 : 0;
    const blocks: ArchivedBlock[] = [];
    for (let n = first; n <= head.number; n += 25) {
      const numbers = Array.from({ length: Math.min(25, head.number - n + 1) }, (_, i) => n + i);
      const answers = await anvil.rpc.batch(numbers.flatMap((k) => [['eth_getBlockByNumber', [hex(k), true]], ['eth_getBlockReceipts', [hex(k)]]] as [string, unknown[]][]));
      numbers.forEach((_, i) => blocks.push({ block: answers[2 * i] as RpcFullBlock, receipts: answers[2 * i + 1] as RpcReceipt[] }));
    }
    if (blocks.length > 0 && blocks.at(-1)!.block.hash !== head.hash) throw new Error(`compaction: block ${head.number} replayed as ${blocks.at(-1)!.block.hash}, the journal says ${head.hash}`);

    // The snapshot: anvil's state and only its newest block (what --load-state needs to go on from it).
    const dump = await anvil.rpc.call<string>('anvil_dumpState');
    const json = JSON.parse(gunzipSync(Buffer.from(dump.slice(2), 'hex')).toString('utf8')) as {
      best_block_number: number;
      blocks: { header: { number: string } }[];
      transactions: { block_number: number }[];
      historical_states: unknown;
    };
    json.blocks = json.blocks.filter((b) => Number(b.header.number) === json.best_block_number);
    json.transactions = json.transactions.filter((t) => t.block_number === json.best_block_number);
    json.historical_states = null;
    mkdirSync(paths.snapshots, { recursive: true });
    mkdirSync(paths.archive, { recursive: true });
    const seq = entries[cut].seq;
    const file = `${String(seq).padStart(12, '0')}.json.gz`;
    const segments = writeSegments(paths.archive, blocks);
    writeFileDurably(join(paths.snapshots, file), gzipSync(JSON.stringify(json)));
    const snapshot: SnapshotInfo = { seq, head, file, bytes: statSync(join(paths.snapshots, file)).size, state: states[cut] };
    const snapshots = [...o.catalog.snapshots, snapshot];
    const dropped = snapshots.splice(0, Math.max(0, snapshots.length - KEEP_SNAPSHOTS));
    const catalog: Catalog = { snapshots, archive: [...o.catalog.archive, ...segments] };
    writeCatalog(o.dir, catalog);
    for (const d of dropped) rmSync(join(paths.snapshots, d.file), { force: true });
    const ms = Math.round(performance.now() - started);
    o.log?.info({ seq, block: head.number, entries: cut + 1, archivedBlocks: blocks.length, snapshotBytes: snapshot.bytes, ms }, 'chain: compacted (snapshot and archive)');
    return { snapshot, segments, catalog, ms };
  } finally {
    await anvil.stop();
  }
}
