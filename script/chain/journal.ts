/**
 * The chain's journal: every call that changed the local chain, in order, with what the chain did with it (the
 * blocks it mined, their hashes and times, the transactions in them). It is the venue's record of every transaction:
 * a restart replays it onto the newest snapshot, and `npm run chain -- verify` replays all of it onto a scratch
 * anvil. Nothing is acknowledged to a client before its entry is durable here.
 *
 * Two stores, one entry format:
 *  - an append-only file log (the default): segment files of framed records, written with group commit and
 *    fdatasync, a torn last record (a crash mid-write) cut at open;
 *  - PostgreSQL, when DATABASE_URL is set: the history then lives wherever the operator's database is replicated.
 */
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Address, Hex } from 'viem';

/** What a chain is started from: replaying its journal onto an anvil started with these settings gives it back. */
export interface ChainSpec {
  chainId: number;
  mnemonic: string;
  /** The genesis block's time (anvil --timestamp). */
  genesisTimestamp: number;
  /** The block gas limit anvil was started with. */
  gasLimit: number;
  /**
   * The EVM rules (anvil --hardfork). Cancun, what the contracts are compiled for; also because anvil 1.7 rebuilds
   * the EIP-2935 block-hash history contract's storage trie on every Prague block, which makes each block slower
   * than the last (foundry-rs/foundry#15715).
   */
  hardfork: string;
  /** How many recent blocks' states anvil keeps for historical eth_call (anvil --prune-history). */
  stateHistory: number;
}

export interface BlockRef {
  number: number;
  hash: Hex;
  timestamp: number;
}

/** A transaction as the record keeps it: enough to export it without the chain. */
export interface TxSummary {
  hash: Hex;
  from: Address;
  to: Address | null;
  /** The contract a creation made. */
  contract?: Address;
  status: 0 | 1;
}

export interface MinedBlock extends BlockRef {
  txs: TxSummary[];
}

export interface GenesisEntry {
  seq: 0;
  kind: 'genesis';
  /** Wall-clock time (ms) the chain was created. */
  at: number;
  spec: ChainSpec;
  genesis: BlockRef;
}

export interface CallEntry {
  seq: number;
  kind: 'call';
  /** Wall-clock time (ms) the call ran. */
  at: number;
  method: string;
  params: unknown[];
  /** The answer the client got (absent for errors). */
  result?: unknown;
  error?: { code: number; message: string };
  /** Set when the call removed blocks (rollback, reorg, revert): the height the chain went back to first. */
  rewind?: number;
  /** The blocks the call mined, oldest first. */
  blocks: MinedBlock[];
  /** The chain head after the call. */
  head: BlockRef;
  /** The chain's clock after the call: chain time minus wall-clock time, in seconds. */
  clock: number;
  /** Transactions left waiting in the mempool after the call (absent when none). */
  pooled?: number;
  /** Set when the venue itself made the call (restoring the clock after a restart), not a client. */
  origin?: 'venue';
}

export type JournalEntry = GenesisEntry | CallEntry;

export interface Journal {
  /** Where it is, for messages. */
  readonly location: string;
  /** The newest entry; undefined while the journal is empty. */
  last(): JournalEntry | undefined;
  /** Appends an entry (its seq must be the next one); resolves once it is durable. Entries commit in groups. */
  append(entry: JournalEntry): Promise<void>;
  /** Every entry from `fromSeq` on, in order. */
  entries(fromSeq?: number): AsyncIterable<JournalEntry>;
  close(): Promise<void>;
}

export class JournalCorruptError extends Error {}

/** The journal's first entry, which must be its genesis; undefined for an empty journal. */
export async function readGenesis(journal: Journal): Promise<GenesisEntry | undefined> {
  for await (const e of journal.entries(0)) {
    if (e.kind !== 'genesis') throw new JournalCorruptError(`the chain journal at ${journal.location} does not start with its genesis entry`);
    return e;
  }
  return undefined;
}

export const encodeEntry = (entry: JournalEntry): Buffer => deflateRawSync(JSON.stringify(entry), { level: 1 });
export const decodeEntry = (payload: Uint8Array): JournalEntry => JSON.parse(inflateRawSync(payload).toString('utf8'));

// ---------------------------------------------------------------------------------------------------------------
// File log

/**
 * Each record: MAGIC, payload length (u32 LE), CRC-32 of seq and payload (u32 LE), seq (u64 LE), the payload
 * (deflated JSON). The seq in the header lets a reader skip to an entry without inflating the ones before it.
 */
const MAGIC = Buffer.from('AXJ2');
const HEADER = 20;
/** A segment is closed once it passes this size; the next record starts a new file named after its seq. */
const SEGMENT_BYTES = 64 * 1024 * 1024;
/** Readers remember where every this-many-th record starts, to seek instead of scanning. */
const INDEX_EVERY = 256;
const READ_CHUNK = 4 * 1024 * 1024;

const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(12, '0')}.log`;

function frame(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(payload.length, 4);
  header.writeBigUInt64LE(BigInt(seq), 12);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(12, 20))), 8);
  return Buffer.concat([header, payload]);
}

interface Record_ {
  seq: number;
  payload: Buffer;
  next: number;
}

/** A complete, intact record at `offset` (its checksum checked unless `trust`), or why there is none. */
function recordAt(buf: Buffer, offset: number, trust = false): Record_ | string {
  if (buf.length - offset < HEADER) return `a record header cut off after ${buf.length - offset} bytes`;
  if (!buf.subarray(offset, offset + 4).equals(MAGIC)) return 'bytes that do not start a record';
  const length = buf.readUInt32LE(offset + 4);
  if (offset + HEADER + length > buf.length) return `a record of ${length} bytes cut off after ${buf.length - offset - HEADER}`;
  const payload = buf.subarray(offset + HEADER, offset + HEADER + length);
  if (!trust && crc32(payload, crc32(buf.subarray(offset + 12, offset + 20))) !== buf.readUInt32LE(offset + 8)) return 'a record whose checksum does not match';
  return { seq: Number(buf.readBigUInt64LE(offset + 12)), payload, next: offset + HEADER + length };
}

/** Whether any intact record starts after `offset`: then a bad record there is damage, not a torn last write. */
function intactRecordAfter(buf: Buffer, offset: number): boolean {
  for (let at = buf.indexOf(MAGIC, offset + 1); at !== -1; at = buf.indexOf(MAGIC, at + 1)) {
    if (typeof recordAt(buf, at) !== 'string') return true;
  }
  return false;
}

export interface FileJournalOptions {
  /** Reading only (export, verify, while the venue may be writing): a torn tail is skipped, never cut. */
  readOnly?: boolean;
  /** The size past which a segment is closed (default 64 MB; small in tests). */
  segmentBytes?: number;
  log?: { warn(obj: object, msg?: string): void };
}

/** Where records start, every INDEX_EVERY-th, per segment: seq and byte offset, ascending. */
type SparseIndex = Map<string, { seq: number; offset: number }[]>;

function remember(index: SparseIndex, path: string, seq: number, offset: number) {
  let marks = index.get(path);
  if (!marks) index.set(path, (marks = []));
  if (seq % INDEX_EVERY === 0 && (marks.length === 0 || marks.at(-1)!.seq < seq)) marks.push({ seq, offset });
}

/**
 * Opens the journal in `dir`. A last record cut short or failing its checksum, with nothing intact after it, is what
 * a crash in the middle of a write leaves: it was never acknowledged, so it is cut, with a log line. Damage anywhere
 * else is refused: history is never dropped silently.
 */
export function openFileJournal(dir: string, o: FileJournalOptions = {}): Journal {
  mkdirSync(dir, { recursive: true });
  const segments = () => readdirSync(dir).filter((f) => /^\d{12}\.log$/.test(f)).sort();
  const index: SparseIndex = new Map();
  let last: JournalEntry | undefined;
  let tail: { file: string; size: number } | undefined;
  // The newest segment with a record in it holds the last entry; an empty one (a crash right after a rotation) is
  // ignored when reading and reused for writing. Only its headers and checksums are read, and its last record.
  const files = segments();
  for (let i = files.length - 1; i >= 0 && last === undefined; i--) {
    const path = join(dir, files[i]);
    const buf = readFileSync(path);
    let offset = 0;
    let lastRecord: Record_ | undefined;
    let problem: string | undefined;
    while (offset < buf.length) {
      const r = recordAt(buf, offset);
      if (typeof r === 'string') {
        problem = r;
        break;
      }
      remember(index, path, r.seq, offset);
      lastRecord = r;
      offset = r.next;
    }
    if (problem) {
      if (i < files.length - 1 || intactRecordAfter(buf, offset)) {
        throw new JournalCorruptError(`the chain journal is damaged: ${path} has ${problem} at byte ${offset}, and intact records follow; restore it from a replica or backup (npm run chain -- verify reports what replays)`);
      }
      if (!o.readOnly) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, offset);
        fsyncSync(fd);
        closeSync(fd);
        o.log?.warn({ file: path, offset, cutBytes: buf.length - offset, lastSeq: lastRecord?.seq ?? null }, `chain journal: cut a torn last record (${problem}); every entry before it is intact`);
      }
    }
    last = lastRecord ? decodeEntry(lastRecord.payload) : undefined;
    if (i === files.length - 1) tail = { file: path, size: offset };
  }

  const segmentBytes = o.segmentBytes ?? SEGMENT_BYTES;
  let file: FileHandle | undefined;
  let size = tail?.size ?? 0;
  let writingPath = tail?.file;
  let pending: { seq: number; bytes: Buffer; resolve: () => void; reject: (err: Error) => void }[] = [];
  let flushing: Promise<void> | undefined;
  let failed: Error | undefined;

  /** The segment the next record goes to: the current one until it passes SEGMENT_BYTES, then a new one. */
  const segmentFor = async (firstSeq: number): Promise<FileHandle> => {
    if (file !== undefined && size < segmentBytes) return file;
    await file?.close();
    const created = writingPath === undefined || size >= segmentBytes;
    if (created) writingPath = join(dir, segmentName(firstSeq));
    file = await open(writingPath!, 'a');
    size = (await file.stat()).size;
    if (created) {
      // A new file's name must reach the disk too, or a crash could lose the whole segment.
      const dirHandle = await open(dir, 'r');
      await dirHandle.sync();
      await dirHandle.close();
    }
    return file;
  };

  // Group commit: whatever arrived while the last write and fdatasync ran goes out in the next single write. Both
  // run on libuv's thread pool, so the front keeps answering reads meanwhile.
  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        if (failed) throw failed;
        const handle = await segmentFor(batch[0].seq);
        let at = size;
        for (const p of batch) (remember(index, writingPath!, p.seq, at), (at += p.bytes.length));
        const bytes = Buffer.concat(batch.map((p) => p.bytes));
        for (let written = 0; written < bytes.length; ) written += (await handle.write(bytes, written)).bytesWritten;
        await handle.datasync();
        size += bytes.length;
        for (const p of batch) p.resolve();
      } catch (err) {
        // A failed write may have left part of a record behind: nothing more is appended by this process.
        failed ??= new Error(`the chain journal in ${dir} could not be written: ${(err as Error).message}`);
        for (const p of [...batch, ...pending]) p.reject(failed);
        pending = [];
      }
    }
    flushing = undefined;
  };

  /**
   * Every record of one segment from `fromSeq` on, read in chunks from the nearest remembered offset: the records
   * before `fromSeq` are stepped over by their headers, never inflated.
   */
  async function* read(path: string, fromSeq: number, isLast: boolean) {
    const marks = index.get(path) ?? [];
    let start = { seq: -1, offset: 0 };
    for (const m of marks) if (m.seq <= fromSeq) start = m;
    const handle = await open(path, 'r');
    try {
      let buf = Buffer.alloc(0);
      let base = start.offset; // file offset of buf[0]
      let eof = false;
      for (;;) {
        let at = 0;
        while (true) {
          const r = recordAt(buf, at, false);
          if (typeof r === 'string') break;
          remember(index, path, r.seq, base + at);
          at = r.next;
          if (r.seq >= fromSeq) yield { seq: r.seq, payload: r.payload };
        }
        buf = buf.subarray(at);
        base += at;
        if (eof) break;
        const chunk = Buffer.alloc(READ_CHUNK);
        const { bytesRead } = await handle.read(chunk, 0, READ_CHUNK, base + buf.length);
        if (bytesRead === 0) eof = true;
        buf = Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
      }
      if (buf.length > 0 && (!isLast || intactRecordAfter(buf, 0))) {
        throw new JournalCorruptError(`the chain journal is damaged: ${path} has ${recordAt(buf, 0) as string} at byte ${base}`);
      }
    } finally {
      await handle.close();
    }
  }

  return {
    location: dir,
    last: () => last,
    append(entry) {
      if (o.readOnly) return Promise.reject(new Error('this journal was opened read-only'));
      const expected = last === undefined ? 0 : last.seq + 1;
      if (entry.seq !== expected) return Promise.reject(new Error(`journal entry ${entry.seq} out of order: expected ${expected}`));
      last = entry;
      const done = new Promise<void>((resolve, reject) => pending.push({ seq: entry.seq, bytes: frame(entry.seq, encodeEntry(entry)), resolve, reject }));
      flushing ??= flush();
      return done;
    },
    async *entries(fromSeq = 0) {
      const all = segments();
      let first = 0;
      for (let i = 0; i < all.length; i++) if (Number(all[i].slice(0, 12)) <= fromSeq) first = i;
      let expected: number | undefined;
      for (let i = first; i < all.length; i++) {
        const path = join(dir, all[i]);
        for await (const r of read(path, fromSeq, i === all.length - 1)) {
          if (expected !== undefined && r.seq !== expected) throw new JournalCorruptError(`the chain journal skips from entry ${expected - 1} to ${r.seq} in ${path}`);
          expected = r.seq + 1;
          yield decodeEntry(r.payload);
        }
      }
    },
    async close() {
      while (flushing) await flushing;
      await file?.close();
      file = undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

const PG_SCHEMA = `
create table if not exists chain_journal (
  seq bigint primary key,
  at timestamptz not null,
  method text not null,
  head_block bigint not null,
  payload bytea not null
)`;

/**
 * The journal in a PostgreSQL table. Entries commit in groups (one INSERT per group, in one transaction); a commit
 * is all or nothing, so there is no torn record to cut. `head_block` and `method` are columns for operators' queries.
 */
export async function openPgJournal(url: string, o: { readOnly?: boolean } = {}): Promise<Journal> {
  const { default: pg } = await import('pg'); // only with DATABASE_URL
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  if (!o.readOnly) await pool.query(PG_SCHEMA);
  const [row] = (await pool.query<{ payload: Buffer }>('select payload from chain_journal order by seq desc limit 1').catch((err) => {
    if (o.readOnly && /does not exist/.test(String(err))) return { rows: [] };
    throw err;
  })).rows;
  let last: JournalEntry | undefined = row ? decodeEntry(row.payload) : undefined;
  let pending: { entry: JournalEntry; resolve: () => void; reject: (err: Error) => void }[] = [];
  let flushing: Promise<void> | undefined;
  let failed: Error | undefined;

  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        if (failed) throw failed;
        const cols = batch.map(({ entry }) => [
          entry.seq,
          new Date(entry.at).toISOString(),
          entry.kind === 'genesis' ? 'genesis' : entry.method,
          entry.kind === 'genesis' ? entry.genesis.number : entry.head.number,
          encodeEntry(entry),
        ]);
        await pool.query(
          `insert into chain_journal (seq, at, method, head_block, payload)
           select * from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::bigint[], $5::bytea[])`,
          [0, 1, 2, 3, 4].map((c) => cols.map((r) => r[c])),
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        failed = new Error(`the chain journal in PostgreSQL could not be written: ${(err as Error).message}`);
        for (const p of [...batch, ...pending]) p.reject(failed);
        pending = [];
      }
    }
    flushing = undefined;
  };

  return {
    location: 'PostgreSQL (DATABASE_URL), table chain_journal',
    last: () => last,
    append(entry) {
      if (o.readOnly) return Promise.reject(new Error('this journal was opened read-only'));
      const expected = last === undefined ? 0 : last.seq + 1;
      if (entry.seq !== expected) return Promise.reject(new Error(`journal entry ${entry.seq} out of order: expected ${expected}`));
      last = entry;
      const done = new Promise<void>((resolve, reject) => pending.push({ entry, resolve, reject }));
      flushing ??= flush();
      return done;
    },
    async *entries(fromSeq = 0) {
      let next = fromSeq;
      for (;;) {
        const { rows } = await pool.query<{ seq: string; payload: Buffer }>('select seq, payload from chain_journal where seq >= $1 order by seq limit 1000', [next]);
        for (const r of rows) {
          if (Number(r.seq) !== next && next !== fromSeq) throw new JournalCorruptError(`the chain journal in PostgreSQL skips from entry ${next - 1} to ${r.seq}`);
          next = Number(r.seq) + 1;
          yield decodeEntry(r.payload);
        }
        if (rows.length < 1000) return;
      }
    },
    async close() {
      while (flushing) await flushing;
      await pool.end();
    },
  };
}

/** The journal a chain directory uses: PostgreSQL when `databaseUrl` is set, else the file log under `dir`. */
export async function openJournal(dir: string, databaseUrl: string | undefined, o: FileJournalOptions = {}): Promise<Journal> {
  return databaseUrl ? openPgJournal(databaseUrl, o) : openFileJournal(join(dir, 'journal'), o);
}
