/**
 * Compaction: in the background, a scratch anvil (at low priority, never the served one) starts from the newest
 * snapshot, replays the journal entries after it, checks every block hash, archives the blocks it replayed, and
 * dumps a new snapshot trimmed to the state and the newest block. Its cost is bounded by the entries it replays and
 * the size of the state, never by the length of the history, and the served chain never waits for it.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Hex } from 'viem';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startChainAnvil, type ChainAnvil } from './anvil.ts';
import { writeSegments, type ArchivedBlock, type RpcFullBlock, type RpcReceipt, type SegmentInfo } from './archive.ts';
import { chainPaths, latestSnapshot, writeCatalog, type Catalog, type SnapshotInfo } from './catalog.ts';
import { writeFileDurably } from './files.ts';
import type { BlockRef, CallEntry, GenesisEntry, Journal } from './journal.ts';
import { freePort } from './net.ts';
import { applySettings, checkGenesis, replayEntry } from './replay.ts';
import { hex, num, rpcClient, type Rpc } from './rpc.ts';
import { advance, cuttable, genesisState, type ChainState } from './state.ts';

/** Snapshots kept: the newest, and the one before it in case the newest cannot be read. */
const KEEP_SNAPSHOTS = 2;

/** Starts an anvil for `spec` from the newest snapshot in the catalog (or from genesis), its settings applied. */
export async function startFromSnapshot(
  dir: string,
  genesis: GenesisEntry,
  snapshot: SnapshotInfo | undefined,
  o: { port: number; lowPriority?: boolean; keepTxBlocks?: number; logFile: string },
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
      keepTxBlocks: o.keepTxBlocks,
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
  /** The new snapshot; a live run may archive blocks without one. */
  snapshot?: SnapshotInfo;
  segments: SegmentInfo[];
  catalog: Catalog;
  ms: number;
}

/** Blocks `from`..`to` with their receipts, as `rpc` serves them, 25 at a time. */
async function fetchBlocks(rpc: Rpc, from: number, to: number): Promise<ArchivedBlock[]> {
  const blocks: ArchivedBlock[] = [];
  for (let n = from; n <= to; n += 25) {
    const numbers = Array.from({ length: Math.min(25, to - n + 1) }, (_, i) => n + i);
    const answers = await rpc.batch(numbers.flatMap((k) => [['eth_getBlockByNumber', [hex(k), true]], ['eth_getBlockReceipts', [hex(k)]]] as [string, unknown[]][]));
    numbers.forEach((_, i) => blocks.push({ block: answers[2 * i] as RpcFullBlock, receipts: (answers[2 * i + 1] ?? []) as RpcReceipt[] }));
  }
  return blocks;
}

/** The newest archived block (number and hash), from the catalog and the last segment's index; undefined if none. */
function archiveHead(dir: string, catalog: Catalog): { number: number; hash: Hex } | undefined {
  const last = catalog.archive.at(-1);
  if (!last) return undefined;
  const hashes = (JSON.parse(readFileSync(join(chainPaths(dir).archive, `${last.file}.idx.json`), 'utf8')) as { blockHashes: Hex[] }).blockHashes;
  return { number: last.to, hash: hashes.at(-1)! };
}

/** One client for the served anvil, kept while its URL stays (a recycled anvil gets a new one), so runs reuse sockets. */
let served: { url: string; rpc: Rpc } | undefined;
const servedRpc = (url: string): Rpc => (served?.url === url ? served : (served = { url, rpc: rpcClient(url) })).rpc;

/**
 * The end of every run: the archive segments, then the snapshot if there is one (anvil's dump trimmed to the state
 * and its newest block, which is what --load-state needs to go on from it), then the catalog that lists them, in
 * that order.
 */
function commitCompaction(
  o: Pick<CompactOptions, 'dir' | 'catalog' | 'log'>,
  run: { blocks: ArchivedBlock[]; snapshot?: { seq: number; head: BlockRef; state: ChainState; dump: string }; entries: number; started: number; live?: boolean },
): Compaction {
  const paths = chainPaths(o.dir);
  mkdirSync(paths.archive, { recursive: true });
  const segments = writeSegments(paths.archive, run.blocks);
  let snapshot: SnapshotInfo | undefined;
  let snapshots = o.catalog.snapshots;
  let dropped: SnapshotInfo[] = [];
  if (run.snapshot) {
    const cut = run.snapshot;
    const json = JSON.parse(gunzipSync(Buffer.from(cut.dump.slice(2), 'hex')).toString('utf8')) as {
      best_block_number: number;
      blocks: { header: { number: string } }[];
      transactions: { block_number: number }[];
      historical_states: unknown;
    };
    if (json.best_block_number !== cut.head.number) throw new Error(`compaction: the dump is of block ${json.best_block_number}, the cut is at ${cut.head.number}`);
    json.blocks = json.blocks.filter((b) => Number(b.header.number) === json.best_block_number);
    json.transactions = json.transactions.filter((t) => t.block_number === json.best_block_number);
    json.historical_states = null;
    mkdirSync(paths.snapshots, { recursive: true });
    const file = `${String(cut.seq).padStart(12, '0')}.json.gz`;
    writeFileDurably(join(paths.snapshots, file), gzipSync(JSON.stringify(json)));
    snapshot = { seq: cut.seq, head: cut.head, file, bytes: statSync(join(paths.snapshots, file)).size, state: cut.state };
    snapshots = [...snapshots, snapshot];
    dropped = snapshots.splice(0, Math.max(0, snapshots.length - KEEP_SNAPSHOTS));
  }
  const catalog: Catalog = { snapshots, archive: [...o.catalog.archive, ...segments] };
  writeCatalog(o.dir, catalog);
  for (const d of dropped) rmSync(join(paths.snapshots, d.file), { force: true });
  const ms = Math.round(performance.now() - run.started);
  o.log?.info({ seq: snapshot?.seq ?? null, block: run.blocks.at(-1) ? num(run.blocks.at(-1)!.block.number) : null, entries: run.entries, archivedBlocks: run.blocks.length, snapshotBytes: snapshot?.bytes ?? null, live: run.live ?? false, ms }, snapshot ? 'chain: compacted (snapshot and archive)' : 'chain: archived');
  return { snapshot, segments, catalog, ms };
}

/** Thrown when the served anvil no longer holds a block's transactions (it keeps only the newest ones): replay instead. */
export class NotHeld extends Error {}

export interface LiveRun {
  /** Archive the blocks after the archive's head up to this one, which is final, reading them from `anvilUrl`. */
  upTo: BlockRef;
  anvilUrl: string;
  /** And cut a snapshot at `upTo`: the served anvil's dump, taken between two calls right after entry `seq`. */
  snapshot?: { seq: number; state: ChainState; dump: string };
}

/**
 * A run from the served anvil, with nothing replayed: the blocks since the archive's head, read from it (each one's
 * parent is the block before it, the last is the one the journal recorded), and, now and then, its dump as the
 * snapshot. It costs the served chain some reads and, per snapshot, the dump (tens to a few hundred milliseconds,
 * growing with the blocks anvil holds, which ACCREDEX_ANVIL_TX_BLOCKS and recycling bound), where a replay costs
 * every transaction once more.
 */
export async function compactLive(o: Pick<CompactOptions, 'dir' | 'genesis' | 'catalog' | 'log'>, run: LiveRun): Promise<Compaction> {
  const started = performance.now();
  const base = latestSnapshot(o.catalog);
  if (run.snapshot && base && run.snapshot.seq <= base.seq) throw new Error(`compaction: the cut at entry ${run.snapshot.seq} is not after the newest snapshot (entry ${base.seq})`);
  const head = archiveHead(o.dir, o.catalog);
  const blocks = await fetchBlocks(servedRpc(run.anvilUrl), (head?.number ?? -1) + 1, run.upTo.number);
  let parent = head?.hash;
  for (const { block, receipts } of blocks) {
    const n = num(block.number);
    // Not a divergence of the journal (the served anvil made it), but a sign of a switch or a bug: replay instead.
    if (n === 0 ? block.hash !== o.genesis.genesis.hash : block.parentHash !== parent) throw new Error(`compaction: block ${n} read from the served anvil does not follow the archived block before it`);
    if (receipts.length !== block.transactions.length) throw new NotHeld(`the served anvil no longer holds the transactions of block ${n}`);
    parent = block.hash;
  }
  if (blocks.length > 0 && parent !== run.upTo.hash) throw new Error(`compaction: block ${run.upTo.number} on the served anvil is ${parent}, the journal records ${run.upTo.hash}`);
  return commitCompaction(o, { blocks, snapshot: run.snapshot && { ...run.snapshot, head: run.upTo }, entries: 0, started, live: true });
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

    // The canonical blocks the run added and the archive does not have yet, as anvil serves them.
    const head = entries[cut].head;
    const blocks = await fetchBlocks(anvil.rpc, (archiveHead(o.dir, o.catalog)?.number ?? -1) + 1, head.number);
    if (blocks.length > 0 && blocks.at(-1)!.block.hash !== head.hash) throw new Error(`compaction: block ${head.number} replayed as ${blocks.at(-1)!.block.hash}, the journal says ${head.hash}`);
    const snapshot = { seq: entries[cut].seq, head, state: states[cut], dump: await anvil.rpc.call<string>('anvil_dumpState') };
    return commitCompaction(o, { blocks, snapshot, entries: cut + 1, started });
  } finally {
    await anvil.stop();
  }
}
