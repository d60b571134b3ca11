/**
 * The catalog of a chain directory: its snapshots (the newest few) and its archive segments. Written atomically
 * after each compaction; the journal stays the truth, and everything the catalog lists can be rebuilt from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SegmentInfo } from './archive.ts';
import { writeFileDurably } from './files.ts';
import type { BlockRef } from './journal.ts';
import type { ChainState } from './state.ts';

export interface SnapshotInfo {
  /** The journal entry the snapshot was cut after. */
  seq: number;
  head: BlockRef;
  /** Under snapshots/, gzipped JSON of a trimmed anvil_dumpState (state, plus only the newest block). */
  file: string;
  bytes: number;
  /** The chain state at the cut (settings, clock, recent blocks), for the replay that starts from it. */
  state: ChainState;
}

export interface Catalog {
  snapshots: SnapshotInfo[];
  archive: SegmentInfo[];
}

/** The layout of a chain directory. */
export const chainPaths = (dir: string) => ({
  catalog: join(dir, 'catalog.json'),
  snapshots: join(dir, 'snapshots'),
  archive: join(dir, 'archive'),
  tmp: join(dir, 'tmp'),
  anvilLog: join(dir, 'anvil.log'),
});

export function readCatalog(dir: string): Catalog {
  const file = chainPaths(dir).catalog;
  if (!existsSync(file)) return { snapshots: [], archive: [] };
  return JSON.parse(readFileSync(file, 'utf8')) as Catalog;
}

export function writeCatalog(dir: string, catalog: Catalog): void {
  writeFileDurably(chainPaths(dir).catalog, JSON.stringify(catalog));
}

export const latestSnapshot = (c: Catalog): SnapshotInfo | undefined => c.snapshots.at(-1);
