/**
 * What the durable chain knows about itself after each journal entry: the head, the recent blocks, the node settings
 * a snapshot does not carry, the clock, outstanding evm_snapshot ids. A pure function of the journal, so the front,
 * a replay and compaction all arrive at the same state from the same entries.
 */
import type { BlockRef, CallEntry, GenesisEntry, JournalEntry } from './journal.ts';
import { defaultSettings, nextSettings, ONE_SHOT_METHODS, type NodeSettings } from './methods.ts';

/** How many recent blocks are remembered: rewinds and ancestor searches look no further back. */
export const RECENT_BLOCKS = 512;

export interface ChainState {
  seq: number;
  head: BlockRef;
  /** The newest canonical blocks, oldest first, ending with the head. */
  recent: BlockRef[];
  settings: NodeSettings;
  /** Chain time minus wall-clock time, in seconds. */
  clock: number;
  /** evm_snapshot ids that may still be reverted to, oldest first, with the block each was taken at. */
  snapshotIds: { id: string; block: number }[];
  /** Transactions waiting in the mempool. */
  pooled: number;
  /** A one-shot setting (next block's time or base fee) waits for the next block. */
  oneShot: boolean;
}

export function genesisState(g: GenesisEntry): ChainState {
  return {
    seq: 0,
    head: g.genesis,
    recent: [g.genesis],
    settings: defaultSettings(),
    clock: g.genesis.timestamp - Math.floor(g.at / 1000),
    snapshotIds: [],
    pooled: 0,
    oneShot: false,
  };
}

/**
 * The state after `entry`. `maxRewind` is how deep a rewind may go: evm_snapshot ids older than that can no longer
 * be reverted to (the front refuses), so they stop holding back compaction.
 */
export function advance(s: ChainState, entry: JournalEntry, maxRewind: number): ChainState {
  if (entry.kind === 'genesis') return genesisState(entry);
  const ok = entry.error === undefined;
  let recent = entry.rewind === undefined ? s.recent : s.recent.filter((b) => b.number <= entry.rewind!);
  recent = [...recent, ...entry.blocks.map(({ number, hash, timestamp }) => ({ number, hash, timestamp }))].slice(-RECENT_BLOCKS);
  let snapshotIds = s.snapshotIds;
  if (ok && entry.method === 'evm_snapshot') snapshotIds = [...snapshotIds, { id: String(entry.result), block: s.head.number }];
  if (entry.method === 'evm_revert') {
    const at = snapshotIds.findIndex((x) => x.id === String(entry.params[0]));
    if (at !== -1) snapshotIds = snapshotIds.slice(0, at);
  }
  snapshotIds = snapshotIds.filter((x) => entry.head.number - x.block <= maxRewind);
  return {
    seq: entry.seq,
    head: entry.head,
    recent,
    settings: ok ? nextSettings(s.settings, entry.method, entry.params) : s.settings,
    clock: entry.clock,
    snapshotIds,
    pooled: entry.pooled ?? 0,
    oneShot: entry.blocks.length > 0 ? false : s.oneShot || (ok && ONE_SHOT_METHODS.has(entry.method)),
  };
}

/**
 * Whether a snapshot may be cut after this state: a restart from it must give the same chain as replaying
 * everything, and anvil_dumpState carries neither the mempool, nor one-shot settings, nor evm_snapshot ids.
 */
export const cuttable = (s: ChainState) => s.pooled === 0 && !s.oneShot && s.snapshotIds.length === 0;

/** The clock (chain time minus wall time) after a call at `at` (ms) that mined `blocks` or changed the time. */
export function clockAfter(s: ChainState, e: Pick<CallEntry, 'at' | 'method' | 'params' | 'result' | 'error' | 'blocks'>): number {
  const wall = Math.floor(e.at / 1000);
  if (e.error === undefined && (e.method === 'evm_increaseTime' || e.method === 'anvil_increaseTime')) return Number(e.result);
  if (e.error === undefined && (e.method === 'evm_setTime' || e.method === 'anvil_setTime')) return Number(e.params[0]) - wall;
  const last = e.blocks.at(-1);
  return last ? last.timestamp - wall : s.clock;
}
