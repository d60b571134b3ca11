/**
 * Runs the calls that change the chain, one at a time, on the served anvil, and journals each with what it did
 * before anyone hears the answer. Reads never wait for it. Execution is serial (the order in the journal is the
 * order the chain saw), while commits are grouped: the next call runs while the last one's entry is being synced.
 */
import { keccak_256 } from '@noble/hashes/sha3';
import type { Address, Hex } from 'viem';
import type { BlockRef, CallEntry, Journal, MinedBlock, TxSummary } from './journal.ts';
import { isMutation, MINE_METHODS, refusal, rewindDepth, SEND_METHODS } from './methods.ts';
import { hex, num, RpcError, type Rpc } from './rpc.ts';
import { advance, clockAfter, type ChainState } from './state.ts';

/** A JSON-RPC answer body: a result or an error. */
export type Outcome = { result: unknown; error?: undefined } | { error: { code: number; message: string; data?: unknown }; result?: undefined };

/** JSON-RPC error codes the front uses for its own refusals. */
export const REFUSED = -32003;
export const UNAVAILABLE = -32005;

/** The largest anvil_mine / hardhat_mine count taken: each mined block is journaled. */
export const MAX_MINE = 10_000;
/** How long a submitted transaction may take to be mined before the mempool is asked whether it is waiting there. */
const MINE_WAIT_MS = 250;

interface RpcBlock {
  number: Hex;
  hash: Hex;
  parentHash: Hex;
  timestamp: Hex;
  transactions: Hex[];
}

interface RpcReceipt {
  transactionHash: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  blockTimestamp?: Hex;
  from: Address;
  to: Address | null;
  contractAddress: Address | null;
  status: Hex;
}

const summary = (r: RpcReceipt): TxSummary => ({
  hash: r.transactionHash,
  from: r.from,
  to: r.to,
  ...(r.contractAddress ? { contract: r.contractAddress } : {}),
  status: r.status === '0x1' ? 1 : 0,
});

/**
 * A raw transaction's hash (keccak-256 of its bytes), from noble directly: the chain process loads no more than it
 * needs, so it starts fast.
 */
const txHash = (raw: Hex): Hex => `0x${Buffer.from(keccak_256(Buffer.from(raw.slice(2), 'hex'))).toString('hex')}`;

const blockRef = (b: RpcBlock): BlockRef => ({ number: num(b.number), hash: b.hash, timestamp: num(b.timestamp) });

export interface ExecutorOptions {
  rpc: Rpc;
  journal: Journal;
  /** The state the journal leads to (after replay). */
  state: ChainState;
  /** The deepest rewind taken: blocks with this many confirmations more are final. */
  maxRewind: number;
  /** Rewinds may not reach below this block: it is archived (the newest snapshot's block). */
  floor: () => number;
  /** Told of each entry once it is durable. */
  onDurable?: (entry: CallEntry) => void;
  /** Told when the journal can no longer be written: the chain must stop. */
  onFatal: (err: Error) => void;
}

export interface Executor {
  /** The state after the newest executed call (it may not be durable yet). */
  readonly state: ChainState;
  /** The newest durable head: what readers may see. */
  readonly durable: BlockRef;
  readonly durableSeq: number;
  /** Runs a call that changes the chain; resolves with its answer once its entry is durable. */
  execute(method: string, params: unknown[]): Promise<Outcome>;
  /** Resolves once every call taken so far is answered. */
  drain(): Promise<void>;
  /** Runs `fn` between two calls, once every call executed so far is durable: nothing changes the chain meanwhile. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export function createExecutor(o: ExecutorOptions): Executor {
  let state = o.state;
  let durable = state.head;
  let durableSeq = state.seq;
  let tail: Promise<unknown> = Promise.resolve();
  /** The commit of the newest executed call. */
  let committing: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let idle: (() => void)[] = [];

  /** The blocks the chain gained (and the height it went back to first, if any) since `before`. */
  async function track(before: ChainState): Promise<{ blocks: MinedBlock[]; rewind?: number; head: BlockRef }> {
    const latest = await o.rpc.call<RpcBlock>('eth_getBlockByNumber', ['latest', false]);
    if (latest.hash === before.head.hash) return { blocks: [], head: before.head };
    const known = new Map(before.recent.map((b) => [b.hash, b]));
    const fresh: RpcBlock[] = [];
    const latestNumber = num(latest.number);
    const next = latestNumber > before.head.number ? await o.rpc.call<RpcBlock>('eth_getBlockByNumber', [hex(before.head.number + 1), false]) : undefined;
    let ancestor: BlockRef | undefined;
    if (next && next.parentHash === before.head.hash) {
      // The usual case: blocks on top of the head, read by number, a few at a time.
      ancestor = before.head;
      for (let n = before.head.number + 1; n <= latestNumber; n += 32) {
        const numbers = Array.from({ length: Math.min(32, latestNumber - n + 1) }, (_, i) => n + i);
        fresh.push(...(await Promise.all(numbers.map((k) => (k === before.head.number + 1 ? next : o.rpc.call<RpcBlock>('eth_getBlockByNumber', [hex(k), false]))))));
      }
    } else {
      // A rewind: walk back by parent hash to a block this chain still had.
      for (let b = latest; ; b = await o.rpc.call<RpcBlock>('eth_getBlockByHash', [b.parentHash, false])) {
        ancestor = known.get(b.hash);
        if (ancestor) break;
        fresh.unshift(b);
        if (fresh.length > MAX_MINE) throw new Error('the chain changed more than it can journal in one call');
      }
    }
    const blocks = await Promise.all(fresh.map(async (b): Promise<MinedBlock> => ({
      ...blockRef(b),
      txs: b.transactions.length === 0 ? [] : (await o.rpc.call<RpcReceipt[]>('eth_getBlockReceipts', [b.number])).map(summary),
    })));
    const last = blocks.at(-1);
    return { blocks, rewind: ancestor!.number < before.head.number ? ancestor!.number : undefined, head: last ? { number: last.number, hash: last.hash, timestamp: last.timestamp } : ancestor! };
  }

  /** Why the durable chain will not run this call, if it will not. */
  function refuse(method: string, params: unknown[]): string | undefined {
    const basic = refusal(method, params, { headTimestamp: state.head.timestamp });
    if (basic) return basic;
    if ((method === 'anvil_mine' || method === 'hardhat_mine') && Number(params[0] ?? 1) > MAX_MINE) {
      return `${method}: at most ${MAX_MINE} blocks a call (each is journaled); to move time on, use evm_increaseTime`;
    }
    if (SEND_METHODS.has(method) && method.endsWith('Sync') && !state.settings.automine) {
      return `${method}: automine is off, so no receipt would come; send it with ${method.replace('Sync', '')} and mine with evm_mine`;
    }
    let depth = rewindDepth(method, params);
    if (method === 'evm_revert') {
      const id = state.snapshotIds.find((x) => x.id === String(params[0]));
      if (!id) return undefined; // unknown to the venue: anvil answers as it would
      depth = state.head.number - id.block;
    }
    if (depth === undefined) return undefined;
    if (!Number.isInteger(depth) || depth < 0) return `${method}: the depth must be a whole number of blocks`;
    if (depth > o.maxRewind) {
      return `${method}: it would remove ${depth} block(s), but blocks with ${o.maxRewind + 1} confirmations are final on this venue (ACCREDEX_CONFIRMATIONS=${o.maxRewind + 1}), so at most ${o.maxRewind} can be rolled back; raise ACCREDEX_CONFIRMATIONS to test deeper reorganizations`;
    }
    if (state.head.number - depth < o.floor()) {
      return `${method}: blocks up to ${o.floor()} are archived and can no longer be rolled back`;
    }
    return undefined;
  }

  /** The transaction's receipt if it is mined within `ms`. */
  async function receiptWithin(hash: Hex, ms: number): Promise<RpcReceipt | undefined> {
    for (const deadline = Date.now() + ms; ; ) {
      const r = await o.rpc.call<RpcReceipt | null>('eth_getTransactionReceipt', [hash]);
      if (r) return r;
      if (Date.now() > deadline) return undefined;
      await new Promise((res) => setTimeout(res, 1));
    }
  }

  /**
   * Whether the transaction is queued: it waits in the mempool for an earlier nonce, and nothing but another call
   * (which waits its turn behind this one) can change that. A pending one is about to be mined: wait for it.
   */
  async function queuedInPool(hash: Hex): Promise<boolean> {
    const { queued } = await o.rpc.call<{ queued: Record<string, Record<string, { hash: Hex }>> }>('txpool_content');
    return Object.values(queued).some((byNonce) => Object.values(byNonce).some((t) => t.hash === hash));
  }

  /**
   * Submits a transaction and waits until it is mined, or known to wait in the mempool (a nonce gap), which is
   * answered at once as anvil would. A raw transaction's hash is known up front, so it goes with the variant that
   * answers with the receipt, and so does one anvil signs with a nonce of its choosing; one with a nonce of the
   * client's is submitted, then its receipt is read.
   */
  async function send(method: string, params: unknown[]): Promise<{ outcome: Outcome; receipt?: RpcReceipt }> {
    const sync = method.endsWith('Sync');
    if (!state.settings.automine) return { outcome: { result: await o.rpc.call(method, params) } };
    let hash: Hex;
    let receipt: RpcReceipt | undefined;
    if (method.startsWith('eth_sendRaw')) {
      hash = txHash(params[0] as Hex);
      const mined = o.rpc.call<RpcReceipt>('eth_sendRawTransactionSync', params.slice(0, 1));
      let timer: ReturnType<typeof setTimeout> | undefined;
      receipt = await Promise.race([mined, new Promise<undefined>((res) => (timer = setTimeout(() => res(undefined), MINE_WAIT_MS)))]).finally(() => clearTimeout(timer));
      if (!receipt) {
        if (await queuedInPool(hash)) void mined.catch(() => {});
        else receipt = await mined;
      }
    } else if ((params[0] as { nonce?: unknown } | undefined)?.nonce === undefined) {
      // anvil picks the next nonce itself, so there is no gap to wait on: the receipt comes with the answer.
      receipt = await o.rpc.call<RpcReceipt>('eth_sendTransactionSync', params.slice(0, 1));
      hash = receipt.transactionHash;
    } else {
      hash = await o.rpc.call<Hex>('eth_sendTransaction', params.slice(0, 1));
      receipt = await receiptWithin(hash, MINE_WAIT_MS);
      if (!receipt && !(await queuedInPool(hash))) receipt = await receiptWithin(hash, 60_000);
    }
    if (!receipt) {
      if (sync) return { outcome: { error: { code: -32603, message: `${method}: the transaction ${hash} waits in the mempool for an earlier nonce; no receipt yet` } } };
      return { outcome: { result: hash } };
    }
    return { outcome: { result: sync ? receipt : receipt.transactionHash }, receipt };
  }

  /**
   * anvil's automine is deterministic only with an empty mempool: a transaction that fills a nonce gap makes the
   * waiting one ready too, and whether both land in one block or two depends on timing. So while the mempool holds
   * something, the venue mines explicitly: automine off, the call, one evm_mine, automine on, each its own journal
   * entry, all committed before the client is answered. A replay runs the same entries and gets the same blocks.
   */
  async function run(method: string, params: unknown[]): Promise<{ outcome: Outcome; durable?: Promise<void> }> {
    const refused = refuse(method, params);
    if (refused) return { outcome: { error: { code: REFUSED, message: refused } } };
    if (state.pooled > 0 && SEND_METHODS.has(method) && state.settings.automine) {
      await step('evm_setAutomine', [false], 'venue');
      const sent = await step(method.replace(/Sync$/, ''), params);
      await step('evm_mine', [], 'venue');
      const last = await step('evm_setAutomine', [true], 'venue');
      if (sent.outcome.error || !method.endsWith('Sync')) return { outcome: sent.outcome, durable: last.durable };
      return { outcome: { result: await o.rpc.call('eth_getTransactionReceipt', [sent.outcome.result]) }, durable: last.durable };
    }
    if (state.pooled > 0 && /^(evm|anvil|hardhat)_setAutomine$/.test(method) && params[0] === true && !state.settings.automine) {
      await step('evm_mine', [], 'venue');
    }
    return step(method, params);
  }

  async function step(method: string, params: unknown[], origin?: 'venue'): Promise<{ outcome: Outcome; durable?: Promise<void> }> {
    const before = state;
    const at = Date.now();
    let outcome: Outcome;
    let receipt: RpcReceipt | undefined;
    try {
      if (SEND_METHODS.has(method)) ({ outcome, receipt } = await send(method, params));
      else outcome = { result: await o.rpc.call(method, params) };
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      outcome = { error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) } };
    }
    let change: { blocks: MinedBlock[]; rewind?: number; head: BlockRef };
    if (receipt && before.pooled === 0 && num(receipt.blockNumber) === before.head.number + 1 && receipt.blockTimestamp) {
      // The one block this transaction was mined in, straight from its receipt.
      const head = { number: num(receipt.blockNumber), hash: receipt.blockHash, timestamp: num(receipt.blockTimestamp) };
      change = { blocks: [{ ...head, txs: [summary(receipt)] }], head };
    } else {
      change = await track(before);
    }
    // A refused call that changed nothing (a bad nonce, a failed estimate) is answered and not journaled.
    if (outcome.error && change.blocks.length === 0 && change.rewind === undefined) return { outcome };
    // The mempool is asked only when it may hold something: after a send that was not mined, or while it held some.
    let pooled = 0;
    if (before.pooled > 0 || (SEND_METHODS.has(method) && !receipt)) {
      const status = await o.rpc.call<{ pending: Hex; queued: Hex }>('txpool_status');
      pooled = num(status.pending) + num(status.queued);
    }
    const entry: CallEntry = {
      seq: before.seq + 1,
      kind: 'call',
      at,
      method,
      params,
      ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : { result: outcome.result }),
      ...(change.rewind !== undefined ? { rewind: change.rewind } : {}),
      blocks: change.blocks,
      head: change.head,
      clock: 0,
      ...(pooled > 0 ? { pooled } : {}),
      ...(origin ? { origin } : {}),
    };
    entry.clock = clockAfter(before, entry);
    const durablePromise = o.journal.append(entry).then(() => {
      if (entry.seq > durableSeq) {
        durableSeq = entry.seq;
        durable = entry.head;
      }
      o.onDurable?.(entry);
    });
    state = advance(before, entry, o.maxRewind);
    committing = durablePromise.catch(() => {});
    return { outcome, durable: durablePromise };
  }

  return {
    get state() {
      return state;
    },
    get durable() {
      return durable;
    },
    get durableSeq() {
      return durableSeq;
    },
    async execute(method, params) {
      if (!isMutation(method)) throw new Error(`${method} does not change the chain`);
      inFlight++;
      try {
        // One call at a time on the chain; the next starts as soon as this one is executed and queued for commit.
        const turn = tail.then(() => run(method, params));
        tail = turn.catch(() => {});
        const { outcome, durable: committed } = await turn;
        if (committed) {
          try {
            await committed;
          } catch (err) {
            o.onFatal(err as Error);
            return { error: { code: UNAVAILABLE, message: 'the chain could not record this call durably and is restarting; it was not accepted' } };
          }
        }
        return outcome;
      } catch (err) {
        // anvil failed under the call: the chain restarts from its journal, where this call is not.
        o.onFatal(err as Error);
        return { error: { code: UNAVAILABLE, message: `the chain is restarting (${(err as Error).message}); the call was not accepted` } };
      } finally {
        if (--inFlight === 0) for (const resolve of idle.splice(0)) resolve();
      }
    },
    drain: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
    exclusive(fn) {
      const turn = tail.then(async () => {
        await committing;
        return fn();
      });
      tail = turn.catch(() => {});
      return turn;
    },
  };
}
