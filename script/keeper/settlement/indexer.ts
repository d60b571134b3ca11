import { getAbiItem, toEventSelector, type Hex, type PublicClient } from 'viem';
import { gateHookAbi } from '../../../sdk/abis/generated.ts';
import type { Deployment } from '../../../sdk/manifest.ts';
import type { Ledger } from '../ledger/db.ts';
import { LOG_TABLES } from '../ledger/schema.ts';
import { readCheckpoint, saveCheckpoint } from '../ledger/checkpoints.ts';
import { commonAncestor, header, nextLogRange } from '../logs.ts';
import { decodeSettlementLogs, settlementSources, SETTLEMENT_TOPICS, type BlockRef, type Decoded, type RpcLog } from './decode.ts';

export const KEEPER = 'settlement';

export interface SettlementOptions {
  client: PublicClient;
  ledger: Ledger;
  deployment: Deployment;
  /** A row is final once this many blocks (its own included) are on top of the chain. */
  confirmations: number;
  /** The most blocks asked of eth_getLogs at once; halved while the RPC refuses a range. */
  maxRange: number;
  /** Structured log lines (pino-compatible). */
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /**
   * Queue every status change of a trade (recorded, final, voided, revived) for webhook delivery, in the same
   * statement that makes it (a transactional outbox).
   */
  outbox?: boolean;
  /**
   * The manifest as it is on disk now. When the gate authorizes a pool the manifest in hand does not name (an issuer
   * ran `npm run venue -- list-security`), the keeper reads the manifest again before indexing that block, and if it
   * still lacks the pool, indexes up to the block before and nothing after until it does: the new pool's trades, and
   * its security's own events from then on, are never skipped for want of a manifest.
   */
  reloadDeployment?: () => Deployment;
  /**
   * Kept between steps: the next getLogs range (see nextLogRange in ../logs.ts).
   */
  state?: { range?: number };
}

export interface SyncResult {
  head: bigint;
  /** The last block now in the ledger. */
  checkpoint: bigint;
  indexed: { trades: number; liquidity: number; registry: number };
  /** Set when a reorg was found: the common ancestor the ledger rolled back to. */
  reorgAncestor?: bigint;
  caughtUp: boolean;
}

interface Checkpoint {
  number: bigint;
  hash: Hex | undefined;
}

async function checkpointOf(o: SettlementOptions): Promise<Checkpoint> {
  return (await readCheckpoint(o.ledger, KEEPER, o.deployment.chainId)) ?? { number: BigInt(o.deployment.deployBlock) - 1n, hash: undefined };
}

/**
 * Brings the ledger one step closer to the chain head: rolls back a reorg if the checkpoint's block changed, then
 * indexes at most `maxRange` blocks and finalizes what has enough confirmations. Rows, block hashes and the
 * checkpoint commit in one transaction, so a crash at any point leaves the ledger at a consistent checkpoint.
 */
export async function syncOnce(o: SettlementOptions): Promise<SyncResult> {
  const chainId = o.deployment.chainId;
  const head = await o.client.getBlockNumber({ cacheTime: 0 });
  let cp = await checkpointOf(o);
  let reorgAncestor: bigint | undefined;

  if (cp.hash !== undefined && cp.number >= 0n) {
    const onChain = cp.number <= head ? (await header(o.client, cp.number)).hash : undefined;
    if (onChain !== cp.hash) {
      reorgAncestor = await rollBack(o, cp.number);
      cp = await checkpointOf(o);
    }
  }

  const from = cp.number + 1n;
  const indexed = { trades: 0, liquidity: 0, registry: 0 };
  if (from > head) {
    await finalize(o, head - BigInt(o.confirmations) + 1n);
    return { head, checkpoint: cp.number, indexed, reorgAncestor, caughtUp: true };
  }

  const started = performance.now();
  const fetched = await nextLogRange(
    { client: o.client, filter: { address: settlementSources(o.deployment), topics: [SETTLEMENT_TOPICS] }, maxRange: o.maxRange, state: (o.state ??= {}), log: o.log },
    from,
    head,
  );
  let { logs, to, last } = fetched;
  if (cp.hash !== undefined && fetched.parentHash !== cp.hash) {
    // The range is on another branch than the checkpoint (the chain switched after the check above): roll back.
    reorgAncestor = await rollBack(o, cp.number);
    return { head, checkpoint: reorgAncestor, indexed, reorgAncestor, caughtUp: false };
  }
  const unlisted = unlistedPools(logs, o.deployment);
  if (unlisted) {
    const fresh = o.reloadDeployment?.();
    if (fresh && sameVenue(fresh, o.deployment) && unlistedPools(logs, fresh) === undefined) {
      // The manifest names it now: read the range again, with the new security's own events in the filter. The
      // deployment is the one every keeper of this process holds: they all see the new pool from here on.
      Object.assign(o.deployment, fresh);
      o.log?.info({ block: unlisted.block.toString(), pools: unlisted.pools, count: fresh.pools.length }, 'settlement: manifest reloaded for a newly authorized pool');
      return { head, checkpoint: cp.number, indexed, caughtUp: false };
    }
    const why = `the gate authorized pool ${unlisted.pools.join(', ')} at block ${unlisted.block}, which deployments/${chainId}.json does not name${fresh && !sameVenue(fresh, o.deployment) ? ' (and the manifest on disk is another venue\'s: its chain, contracts or deploy block differ)' : ''}; blocks from ${unlisted.block} on are not indexed until it does (the deploy or list-security writes it when it finishes)`;
    if (unlisted.block === from) throw new Error(why);
    // Index what came before the authorization, and stop there.
    o.log?.warn({ block: unlisted.block.toString(), pools: unlisted.pools }, why);
    to = unlisted.block - 1n;
    logs = logs.filter((l) => BigInt(l.blockNumber) <= to);
    last = await header(o.client, to);
  }
  const gotLogs = performance.now();
  const blocks = await blocksOf(o, logs, last);
  const gotHeaders = performance.now();
  const decoded = decodeSettlementLogs(logs, o.deployment, blocks);
  const decodedAt = performance.now();
  if (decoded.unmatched > 0) o.log?.warn({ from, to, unmatched: decoded.unmatched }, 'PoolManager events without the gate event naming the investor');

  const finalThrough = head - BigInt(o.confirmations) + 1n;
  await o.ledger.transaction(async (tx) => {
    await writeDecoded(tx, chainId, decoded, finalThrough, o.outbox);
    await insertMany(
      tx,
      'blocks',
      { chain_id: 'integer', number: 'bigint', hash: 'text', timestamp: 'bigint' },
      [...blocks.values()].map((b) => [chainId, b.number.toString(), b.hash, b.timestamp.toString()]),
      'on conflict (chain_id, number) do update set hash = excluded.hash, timestamp = excluded.timestamp',
    );
    await saveCheckpoint(tx, KEEPER, chainId, to, last.hash);
  });
  const written = performance.now();
  await finalize(o, finalThrough);
  indexed.trades = decoded.trades.length;
  indexed.liquidity = decoded.liquidity.length;
  indexed.registry = decoded.registry.length;
  const ms = (a: number, b: number) => Math.round(b - a);
  o.log?.info(
    {
      from: Number(from), to: Number(to), head: Number(head), ...indexed,
      ms: { logs: ms(started, gotLogs), headers: ms(gotLogs, gotHeaders), decode: ms(gotHeaders, decodedAt), write: ms(decodedAt, written), finalize: ms(written, performance.now()) },
    },
    'indexed',
  );
  return { head, checkpoint: to, indexed, reorgAncestor, caughtUp: to === head };
}

/**
 * INSERT of many rows in one statement: each column goes as one array parameter and `unnest` turns them back into
 * rows, so a statement costs the same few parameters however many rows it carries (and no bind-parameter limit).
 */
async function insertMany(tx: Pick<Ledger, 'query'>, table: string, columns: Record<string, string>, rows: unknown[][], onConflict: string, outbox = false) {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const arrays = names.map((_, c) => rows.map((row) => row[c]));
  const casts = Object.values(columns).map((type, c) => `$${c + 1}::${type}[]`);
  const insert = `insert into ${table} (${names.join(', ')}) select * from unnest(${casts.join(', ')}) ${onConflict}`;
  await tx.query(outbox ? queueChanges(insert) : insert, arrays);
}

/**
 * Wraps a statement that changes trades (and returns nothing) so that each row it inserts or changes is queued for
 * the webhook in the same statement: `returning` hands the changed rows to an insert into the outbox.
 */
const queueChanges = (statement: string) => `with changed as (${statement} returning chain_id, tx_hash, log_index, change_seq, status)
  insert into webhook_deliveries (chain_id, tx_hash, log_index, change_seq, status) select chain_id, tx_hash, log_index, change_seq, status from changed`;

/**
 * Upserts: a row re-included after a reorg (same tx and log index) comes back to life with its new block. Rows at or
 * below `finalThrough` are written final: they already have their confirmations.
 */
export async function writeDecoded(tx: Pick<Ledger, 'query'>, chainId: number, d: Decoded, finalThrough: bigint, outbox = false) {
  const placeColumns = { chain_id: 'integer', tx_hash: 'text', log_index: 'integer', block_number: 'bigint', block_hash: 'text', block_time: 'bigint' };
  const place = (r: { txHash: Hex; logIndex: number; block: BlockRef }) => [
    chainId, r.txHash, r.logIndex, r.block.number.toString(), r.block.hash, r.block.timestamp.toString(),
  ];
  const status = (r: { block: BlockRef }) => (r.block.number <= finalThrough ? 'final' : 'pending');
  // Re-indexing a row that did not change (say, after the checkpoint was lost) leaves it alone, change number included.
  const revive = (table: string) => `on conflict (chain_id, tx_hash, log_index) do update set block_number = excluded.block_number,
    block_hash = excluded.block_hash, block_time = excluded.block_time, status = excluded.status, change_seq = nextval('ledger_changes')
    where (${table}.block_hash, ${table}.status) is distinct from (excluded.block_hash, excluded.status)`;
  await insertMany(
    tx,
    'trades',
    {
      ...placeColumns, pool_id: 'text', pool_name: 'text', security: 'text', investor: 'text', router: 'text', side: 'text',
      security_amount: 'numeric', stable_amount: 'numeric', price: 'numeric', fee_pips: 'integer', fee_amount: 'numeric', status: 'text',
    },
    d.trades.map((t) => [...place(t), t.poolId, t.poolName, t.security, t.investor, t.router, t.side, t.securityAmount.toString(),
      t.stableAmount.toString(), t.price, t.feePips, t.feeAmount.toString(), status(t)]),
    revive('trades'),
    outbox,
  );
  await insertMany(
    tx,
    'liquidity_events',
    {
      ...placeColumns, pool_id: 'text', investor: 'text', router: 'text', tick_lower: 'integer', tick_upper: 'integer',
      liquidity_delta: 'numeric', salt: 'text', status: 'text',
    },
    d.liquidity.map((l) => [...place(l), l.poolId, l.investor, l.router, l.tickLower, l.tickUpper, l.liquidityDelta.toString(), l.salt, status(l)]),
    revive('liquidity_events'),
  );
  await insertMany(
    tx,
    'registry_events',
    { ...placeColumns, event: 'text', args: 'jsonb', status: 'text' },
    d.registry.map((r) => [...place(r), r.event, JSON.stringify(r.args), status(r)]),
    revive('registry_events'),
  );
}

/**
 * Finds the common ancestor of the ledger and the chain by walking the stored block hashes down from `from`, then,
 * in one transaction, voids every row above it, forgets those blocks and moves the checkpoint back.
 */
async function rollBack(o: SettlementOptions, from: bigint): Promise<bigint> {
  const chainId = o.deployment.chainId;
  const stored = await o.ledger.query<{ number: string; hash: Hex }>(
    'select number, hash from blocks where chain_id = $1 and number <= $2 order by number desc',
    [chainId, from.toString()],
  );
  const found = await commonAncestor(o.client, stored);
  const ancestor = found?.number ?? BigInt(o.deployment.deployBlock) - 1n;
  const ancestorHash = found?.hash;
  await o.ledger.transaction(async (tx) => {
    for (const table of LOG_TABLES) {
      const voiding = `update ${table} set status = 'voided', change_seq = nextval('ledger_changes') where chain_id = $1 and block_number > $2 and status <> 'voided'`;
      await tx.query(o.outbox && table === 'trades' ? queueChanges(voiding) : voiding, [chainId, ancestor.toString()]);
    }
    await tx.query('delete from blocks where chain_id = $1 and number > $2', [chainId, ancestor.toString()]);
    if (ancestorHash) {
      await saveCheckpoint(tx, KEEPER, chainId, ancestor, ancestorHash);
    } else {
      await tx.query('delete from checkpoints where keeper = $1 and chain_id = $2', [KEEPER, chainId]);
    }
  });
  o.log?.warn({ from: Number(from), ancestor: Number(ancestor) }, 'reorg: rolled the ledger back to the common ancestor');
  return ancestor;
}

/** pending -> final once `confirmations` blocks (the row's own included) are on the chain. */
async function finalize(o: SettlementOptions, finalThrough: bigint) {
  for (const table of LOG_TABLES) {
    const finalizing = `update ${table} set status = 'final', change_seq = nextval('ledger_changes') where chain_id = $1 and status = 'pending' and block_number <= $2`;
    await o.ledger.query(o.outbox && table === 'trades' ? queueChanges(finalizing) : finalizing, [o.deployment.chainId, finalThrough.toString()]);
  }
}

/**
 * The blocks of a range's logs and its last block: number, hash and time, from the logs themselves where the node
 * includes `blockTimestamp`, from headers otherwise. Logs of one block must agree on its hash.
 */
async function blocksOf(o: SettlementOptions, logs: RpcLog[], last: BlockRef): Promise<Map<bigint, BlockRef>> {
  const hashes = new Map<bigint, Hex>([[last.number, last.hash]]);
  const blocks = new Map<bigint, BlockRef>([[last.number, last]]);
  for (const l of logs) {
    const number = BigInt(l.blockNumber);
    const hash = hashes.get(number);
    if (hash !== undefined && hash !== l.blockHash) throw new Error(`logs of block ${number} disagree on its hash; retry`);
    hashes.set(number, l.blockHash);
    if (l.blockTimestamp !== undefined) blocks.set(number, { number, hash: l.blockHash, timestamp: BigInt(l.blockTimestamp) });
  }
  const missing = [...hashes.keys()].filter((n) => !blocks.has(n));
  await Promise.all(missing.map(async (n) => {
    const b = await header(o.client, n);
    if (b.hash !== hashes.get(n)) throw new Error(`block ${n} changed while indexing; retry`);
    blocks.set(n, b);
  }));
  return blocks;
}

const POOL_AUTHORIZED = toEventSelector(getAbiItem({ abi: gateHookAbi, name: 'PoolAuthorized' }));

/** Pools the gate authorized in these logs that the manifest does not name, and the first such block. */
export function unlistedPools(logs: readonly RpcLog[], d: Deployment): { block: bigint; pools: Hex[] } | undefined {
  const known = new Set(d.pools.map((p) => p.poolId.toLowerCase()));
  const gate = d.gateHook.toLowerCase();
  const found = logs.filter((l) => !l.removed && l.address.toLowerCase() === gate && l.topics[0] === POOL_AUTHORIZED && !known.has(l.topics[1]!.toLowerCase()));
  if (found.length === 0) return undefined;
  return { block: BigInt(found[0].blockNumber), pools: [...new Set(found.map((l) => l.topics[1]!.toLowerCase() as Hex))] };
}

/** Whether a manifest read from disk is this venue's, grown: same chain, contracts and deploy block, every pool kept. */
export function sameVenue(fresh: Deployment, held: Deployment): boolean {
  const fields = ['chainId', 'deployBlock', 'poolManager', 'investorRegistry', 'gateHook', 'stablecoin'] as const;
  if (fields.some((f) => String(fresh[f]).toLowerCase() !== String(held[f]).toLowerCase())) return false;
  const pools = new Set(fresh.pools.map((p) => p.poolId.toLowerCase()));
  return held.pools.every((p) => pools.has(p.poolId.toLowerCase()));
}
