/**
 * The chain's history below its newest snapshot: blocks (with their transactions) and receipts, as anvil served them,
 * in gzipped segments of at most SEGMENT_BLOCKS blocks, each with an index of its block and transaction hashes. A
 * restarted anvil holds only what came after its snapshot; the front answers the rest from here, so eth_getLogs,
 * receipts and blocks cover the whole history. Everything here can be rebuilt by replaying the journal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Hex } from 'viem';
import { writeFileDurably } from './files.ts';

export const SEGMENT_BLOCKS = 500;

export interface RpcLog {
  address: Hex;
  topics: Hex[];
  blockNumber: Hex;
  logIndex: Hex;
  [field: string]: unknown;
}

export interface RpcReceipt {
  transactionHash: Hex;
  logs: RpcLog[];
  [field: string]: unknown;
}

export interface RpcFullBlock {
  number: Hex;
  hash: Hex;
  transactions: { hash: Hex; [field: string]: unknown }[];
  [field: string]: unknown;
}

export interface ArchivedBlock {
  block: RpcFullBlock;
  receipts: RpcReceipt[];
}

/** A segment as the catalog lists it. `addresses` lets eth_getLogs skip segments that cannot match. */
export interface SegmentInfo {
  from: number;
  to: number;
  file: string;
  addresses: string[];
}

interface SegmentIndex {
  blockHashes: Hex[];
  txs: [Hex, number][];
}

export interface LogFilter {
  fromBlock: number;
  toBlock: number;
  address?: string | string[] | null;
  topics?: (string | string[] | null)[];
}

const fileName = (from: number, to: number) => `${String(from).padStart(10, '0')}-${String(to).padStart(10, '0')}.ndjson.gz`;

/** Writes `blocks` (consecutive, oldest first) as segments in `dir` and returns them for the catalog. */
export function writeSegments(dir: string, blocks: ArchivedBlock[]): SegmentInfo[] {
  const segments: SegmentInfo[] = [];
  for (let i = 0; i < blocks.length; i += SEGMENT_BLOCKS) {
    const chunk = blocks.slice(i, i + SEGMENT_BLOCKS);
    const from = Number(chunk[0].block.number);
    const to = Number(chunk.at(-1)!.block.number);
    const file = fileName(from, to);
    const addresses = new Set<string>();
    const index: SegmentIndex = { blockHashes: [], txs: [] };
    for (const b of chunk) {
      index.blockHashes.push(b.block.hash);
      for (const t of b.block.transactions) index.txs.push([t.hash, Number(b.block.number)]);
      for (const r of b.receipts) for (const l of r.logs) addresses.add(l.address.toLowerCase());
    }
    writeFileDurably(join(dir, file), gzipSync(chunk.map((b) => JSON.stringify(b)).join('\n')));
    writeFileDurably(join(dir, `${file}.idx.json`), JSON.stringify(index));
    segments.push({ from, to, file, addresses: [...addresses] });
  }
  return segments;
}

const asSet = (v: string | string[] | null | undefined) => (v === undefined || v === null ? undefined : new Set((Array.isArray(v) ? v : [v]).map((x) => x.toLowerCase())));

export function logMatches(log: RpcLog, addresses: Set<string> | undefined, topics: (Set<string> | undefined)[]): boolean {
  if (addresses && !addresses.has(log.address.toLowerCase())) return false;
  return topics.every((want, i) => !want || (log.topics[i] !== undefined && want.has(log.topics[i].toLowerCase())));
}

export interface Archive {
  /** The newest archived block; -1 while nothing is archived. */
  readonly head: number;
  /** Adds segments a compaction just wrote. */
  add(segments: SegmentInfo[]): void;
  block(number: number): ArchivedBlock | undefined;
  numberOfBlockHash(hash: string): number | undefined;
  blockOfTx(hash: string): number | undefined;
  logs(filter: LogFilter): RpcLog[];
}

/** Opens the archive of `dir` whose segments the catalog lists. Parsed segments are cached, a few at a time. */
export function openArchive(dir: string, segments: SegmentInfo[]): Archive {
  const list: SegmentInfo[] = [];
  const blockHashes = new Map<string, number>();
  const txBlocks = new Map<string, number>();
  const cache = new Map<string, ArchivedBlock[]>();
  const CACHED = 4;

  const index = (s: SegmentInfo) => {
    const idx = JSON.parse(readFileSync(join(dir, `${s.file}.idx.json`), 'utf8')) as SegmentIndex;
    idx.blockHashes.forEach((h, i) => blockHashes.set(h.toLowerCase(), s.from + i));
    for (const [h, n] of idx.txs) txBlocks.set(h.toLowerCase(), n);
    list.push(s);
  };
  for (const s of segments) {
    if (!existsSync(join(dir, s.file))) throw new Error(`the chain archive is missing ${join(dir, s.file)}; restore it, or move the data directory aside and let npm start rebuild it by replaying the journal`);
    index(s);
  }

  const load = (s: SegmentInfo): ArchivedBlock[] => {
    let blocks = cache.get(s.file);
    if (blocks) {
      cache.delete(s.file);
    } else {
      blocks = gunzipSync(readFileSync(join(dir, s.file))).toString('utf8').split('\n').map((line) => JSON.parse(line) as ArchivedBlock);
      if (cache.size >= CACHED) cache.delete(cache.keys().next().value!);
    }
    cache.set(s.file, blocks);
    return blocks;
  };
  const segmentOf = (n: number) => list.find((s) => s.from <= n && n <= s.to);

  return {
    get head() {
      return list.length ? list.at(-1)!.to : -1;
    },
    add(segments) {
      for (const s of segments) index(s);
    },
    block(number) {
      const s = segmentOf(number);
      return s ? load(s)[number - s.from] : undefined;
    },
    numberOfBlockHash: (hash) => blockHashes.get(hash.toLowerCase()),
    blockOfTx: (hash) => txBlocks.get(hash.toLowerCase()),
    logs(f) {
      const addresses = asSet(f.address);
      const topics = (f.topics ?? []).map(asSet);
      const out: RpcLog[] = [];
      for (const s of list) {
        if (s.to < f.fromBlock || s.from > f.toBlock) continue;
        if (addresses && !s.addresses.some((a) => addresses.has(a))) continue;
        const blocks = load(s);
        for (let n = Math.max(s.from, f.fromBlock); n <= Math.min(s.to, f.toBlock); n++) {
          for (const r of blocks[n - s.from].receipts) for (const l of r.logs) if (logMatches(l, addresses, topics)) out.push(l);
        }
      }
      return out;
    },
  };
}
