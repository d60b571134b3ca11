/**
 * What every keeper that follows the chain's logs shares: ranges sized from the log density just seen (so one
 * eth_getLogs never returns more than the transport takes), refusals acted on at once, a consistent view of the
 * range (its last block read before and after the logs, and the parent of its first block, which must be the
 * keeper's checkpoint), and the walk back to a common ancestor after a reorganization.
 */
import type { Address, Hex, PublicClient } from 'viem';
import type { BlockRef, RpcLog } from './settlement/decode.ts';

/**
 * The most logs one eth_getLogs should return: about 7.5 MB of swap logs, under the 10 MB response limit of viem's
 * HTTP transport and the usual provider caps.
 */
export const TARGET_LOGS = 10_000;
/** The first range asked for: small, so a dense history costs one short probe instead of a refused giant. */
const FIRST_RANGE = 100;

export async function header(client: PublicClient, number: bigint): Promise<BlockRef & { parentHash: Hex }> {
  const block = await client.getBlock({ blockNumber: number });
  return { number, hash: block.hash!, timestamp: block.timestamp, parentHash: block.parentHash };
}

/** A range refusal: too many blocks or results, or a body over the transport's limit. Retrying it can't help. */
const isRangeRefusal = (err: unknown) =>
  (err as Error).name === 'ResponseBodyTooLargeError' || /range|limit|too many|exceed|size/i.test(String((err as Error).message));

export interface LogRange {
  logs: RpcLog[];
  /** The last block the range covers (at most the head; less after a refusal). */
  to: bigint;
  last: BlockRef;
  /** The parent of the range's first block, on the same branch as `last`. */
  parentHash: Hex;
}

export interface LogRangeOptions {
  client: PublicClient;
  filter: { address: Address[]; topics?: (Hex | Hex[] | null)[] };
  /** The most blocks asked for at once. */
  maxRange: number;
  /** Kept between steps: the next range, sized from the density just seen (at most fourfold growth a step). */
  state: { range?: number };
  log?: { warn(obj: object, msg?: string): void };
}

/**
 * The logs of the next range from `from`, up to `head`: halving while the RPC refuses it as too large (the first try
 * has no transport retries, so a refusal is acted on at once; any other failure is retried as usual). `last` is read
 * before and after the logs: if it changed, the chain reorganized meanwhile and the step fails, to be retried.
 */
export async function nextLogRange(o: LogRangeOptions, from: bigint, head: bigint): Promise<LogRange> {
  const range = o.state.range ?? Math.min(o.maxRange, FIRST_RANGE);
  let to = head < from + BigInt(range) - 1n ? head : from + BigInt(range) - 1n;
  let refused = false;
  for (;;) {
    const last = await header(o.client, to);
    const { parentHash } = from === to ? last : await header(o.client, from);
    const getLogs = (retryCount?: number) =>
      o.client.request(
        { method: 'eth_getLogs', params: [{ address: o.filter.address, topics: o.filter.topics, fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}` }] },
        { retryCount },
      ) as Promise<unknown> as Promise<RpcLog[]>;
    let logs: RpcLog[];
    try {
      logs = await getLogs(0);
    } catch (err) {
      if (to > from && isRangeRefusal(err)) {
        to = from + (to - from) / 2n;
        refused = true;
        o.log?.warn({ from: Number(from), to: Number(to) }, 'eth_getLogs refused the range; halving it');
        continue;
      }
      logs = await getLogs();
    }
    if ((await header(o.client, to)).hash !== last.hash) throw new Error(`block ${to} changed while indexing; retry`);
    const worked = Number(to - from + 1n);
    const sized = Math.floor((worked * TARGET_LOGS) / Math.max(1, logs.length));
    o.state.range = Math.max(1, Math.min(o.maxRange, refused ? Math.ceil(worked * 1.25) : Math.min(range * 4, sized)));
    return { logs, to, last, parentHash };
  }
}

/**
 * The newest of `stored` (block number and hash, newest first) still on the chain: where a keeper rolls back to
 * after a reorganization. Undefined when none is (roll back to the start).
 */
export async function commonAncestor(client: PublicClient, stored: { number: string | bigint; hash: Hex }[]): Promise<{ number: bigint; hash: Hex } | undefined> {
  for (const b of stored) {
    const onChain = await header(client, BigInt(b.number)).catch(() => undefined);
    if (onChain?.hash === b.hash) return { number: BigInt(b.number), hash: b.hash };
  }
  return undefined;
}
