/**
 * Replays journal entries onto an anvil, each block pinned to its recorded time, and checks that every block comes
 * back with its recorded hash. A restart, compaction and `chain verify` all replay through here.
 */
import type { Hex } from 'viem';
import type { CallEntry, GenesisEntry, Journal } from './journal.ts';
import { MINE_METHODS, SEND_METHODS, settingsCalls } from './methods.ts';
import { hex, num, RpcError, type Rpc } from './rpc.ts';
import { advance, genesisState, type ChainState } from './state.ts';

/** The replayed chain is not the recorded one: the first block (or answer) that differs. */
export class ChainDivergence extends Error {
  constructor(
    readonly seq: number,
    readonly method: string,
    readonly block: number | undefined,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      block === undefined
        ? `the chain diverges from its journal at entry ${seq} (${method}): the journal records ${expected}, the replay gave ${actual}`
        : `the chain diverges from its journal at block ${block} (entry ${seq}, ${method}): the journal records hash ${expected}, the replay made ${actual}`,
    );
  }
}

interface RpcBlock {
  number: Hex;
  hash: Hex;
}

async function blockHash(rpc: Rpc, n: number): Promise<string> {
  return (await rpc.call<RpcBlock | null>('eth_getBlockByNumber', [hex(n), false]))?.hash ?? 'no block';
}

/** Checks a fresh anvil's genesis against the journal's: the same settings must give the same first block. */
export async function checkGenesis(rpc: Rpc, g: GenesisEntry): Promise<void> {
  const actual = await blockHash(rpc, 0);
  if (actual !== g.genesis.hash) throw new ChainDivergence(0, 'genesis', 0, g.genesis.hash, actual);
}

/** Puts the node settings of `state` (which a snapshot does not carry) on an anvil just started from a snapshot. */
export async function applySettings(rpc: Rpc, state: ChainState): Promise<void> {
  for (const [method, params] of settingsCalls(state.settings)) await rpc.call(method, params);
}

const DETERMINISTIC_ANSWERS = new Set(['eth_sendRawTransaction', 'eth_sendTransaction', 'evm_snapshot']);

/** Runs one entry's call again, block times pinned, and checks every block it makes. */
export async function replayEntry(rpc: Rpc, e: CallEntry, before: ChainState): Promise<void> {
  const call = async (method: string, params: unknown[]): Promise<unknown> => {
    try {
      return await rpc.call(method, params);
    } catch (err) {
      if (err instanceof RpcError && e.error) return undefined; // it failed the first time too
      throw err;
    }
  };
  const pin = (ts: number) => rpc.call('evm_setNextBlockTimestamp', [ts]);
  let result: unknown;
  let viaReceipt: { number: number; hash: string } | undefined;
  if (MINE_METHODS.has(e.method) && e.blocks.length > 0) {
    // However the blocks were asked for (a count, an interval, a time), one pinned evm_mine each gives them back.
    for (const b of e.blocks) {
      await pin(b.timestamp);
      await rpc.call('evm_mine', []);
    }
    result = e.result;
  } else if (SEND_METHODS.has(e.method)) {
    const mined = e.blocks.length > 0;
    if (mined) await pin(e.blocks[0].timestamp);
    const raw = e.method.startsWith('eth_sendRaw');
    if (mined && before.settings.automine) {
      const receipt = await rpc.call<{ transactionHash: Hex; blockNumber: Hex; blockHash: Hex }>(raw ? 'eth_sendRawTransactionSync' : 'eth_sendTransactionSync', e.params.slice(0, 1));
      viaReceipt = { number: num(receipt.blockNumber), hash: receipt.blockHash };
      result = e.method.endsWith('Sync') ? e.result : receipt.transactionHash;
    } else {
      result = await call(raw ? 'eth_sendRawTransaction' : 'eth_sendTransaction', e.params.slice(0, 1));
      if (e.method.endsWith('Sync')) result = e.result;
    }
  } else {
    if (e.blocks.length > 0) await pin(e.blocks[0].timestamp);
    result = await call(e.method, e.params);
  }
  // A transaction's hash and a snapshot id must come back the same; other answers (evm_increaseTime's new offset,
  // say) depend on the wall clock and are not compared.
  if (!e.error && (DETERMINISTIC_ANSWERS.has(e.method)) && result !== e.result) {
    throw new ChainDivergence(e.seq, e.method, undefined, `the answer ${JSON.stringify(e.result)}`, `${JSON.stringify(result)}`);
  }
  // Every block the entry made, and the head it left.
  const onlyOne = viaReceipt && e.blocks.length === 1 && e.head.number === viaReceipt.number;
  if (onlyOne) {
    if (viaReceipt!.hash !== e.blocks[0].hash) throw new ChainDivergence(e.seq, e.method, e.blocks[0].number, e.blocks[0].hash, viaReceipt!.hash);
    return;
  }
  for (const b of e.blocks) {
    const actual = await blockHash(rpc, b.number);
    if (actual !== b.hash) throw new ChainDivergence(e.seq, e.method, b.number, b.hash, actual);
  }
  const head = await rpc.call<RpcBlock>('eth_getBlockByNumber', ['latest', false]);
  if (head.hash !== e.head.hash) throw new ChainDivergence(e.seq, e.method, e.head.number, e.head.hash, `${head.hash} (block ${num(head.number)})`);
}

export interface ReplayOptions {
  rpc: Rpc;
  journal: Journal;
  /** The state the anvil is in now (a snapshot's, or genesis). */
  from: ChainState;
  /** Stop after this entry (default: the journal's end). */
  toSeq?: number;
  maxRewind: number;
  /** Told after each entry (progress, archive bookkeeping). */
  onEntry?: (e: CallEntry, state: ChainState) => void;
}

/** Replays the journal after `from.seq` and returns the state it ends in. Throws ChainDivergence at the first mismatch. */
export async function replay(o: ReplayOptions): Promise<ChainState> {
  let state = o.from;
  for await (const e of o.journal.entries(o.from.seq + 1)) {
    if (o.toSeq !== undefined && e.seq > o.toSeq) break;
    if (e.kind === 'genesis') {
      state = genesisState(e);
      continue;
    }
    await replayEntry(o.rpc, e, state);
    state = advance(state, e, o.maxRewind);
    o.onEntry?.(e, state);
  }
  return state;
}
