import type { Hex, Log, PublicClient } from 'viem';
import type { Deployment } from '../../../sdk/manifest.ts';
import type { Ledger } from '../ledger/db.ts';
import { LOG_TABLES } from '../ledger/schema.ts';
import { readCheckpoint, saveCheckpoint } from '../ledger/checkpoints.ts';
import { decodeSettlementLogs, SETTLEMENT_TOPICS, type BlockRef, type Decoded } from './decode.ts';

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
  /** Queue each new confirmation for webhook delivery, in the same transaction as the trade (an outbox). */
  outbox?: boolean;
  /**
   * Kept between steps: the getLogs range that last worked, so a refusal is paid once, not on every step. The range
   * grows back toward `maxRange` by a quarter after each success.
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

async function header(client: PublicClient, number: bigint): Promise<BlockRef> {
  const block = await client.getBlock({ blockNumber: number });
  return { number, hash: block.hash!, timestamp: block.timestamp };
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
    await finalize(o, head);
    return { head, checkpoint: cp.number, indexed, reorgAncestor, caughtUp: true };
  }

  const started = performance.now();
  const range = BigInt(o.state?.range ?? o.maxRange);
  const { logs, to } = await getLogsAdaptive(o, from, head < from + range - 1n ? head : from + range - 1n);
  if (o.state) {
    const worked = Number(to - from + 1n);
    o.state.range = Math.min(o.maxRange, to === head ? Math.max(o.state.range ?? o.maxRange, worked) : Math.ceil(worked * 1.25));
  }
  const gotLogs = performance.now();
  const numbers = new Set<bigint>([to, ...logs.map((l) => l.blockNumber!)]);
  const blocks = new Map<bigint, BlockRef>();
  await Promise.all([...numbers].map(async (n) => blocks.set(n, await header(o.client, n))));
  const gotHeaders = performance.now();
  // A log whose block hash differs from the header we just read means the chain moved under us: try again.
  for (const l of logs) {
    if (blocks.get(l.blockNumber!)!.hash !== l.blockHash) throw new Error(`block ${l.blockNumber} changed while indexing; retry`);
  }
  const decoded = decodeSettlementLogs(logs, o.deployment, blocks);
  const decodedAt = performance.now();
  if (decoded.unmatched > 0) o.log?.warn({ from, to, unmatched: decoded.unmatched }, 'PoolManager events without the gate event naming the investor');

  await o.ledger.transaction(async (tx) => {
    await writeDecoded(tx, chainId, decoded);
    if (o.outbox) {
      await insertMany(
        tx,
        'webhook_outbox',
        ['chain_id', 'tx_hash', 'log_index', 'payload'],
        decoded.trades.map((t) => [chainId, t.txHash, t.logIndex, JSON.stringify({
          event: 'trade', chainId, ...t,
          securityAmount: t.securityAmount.toString(), stableAmount: t.stableAmount.toString(), feeAmount: t.feeAmount.toString(),
          block: { number: t.block.number.toString(), hash: t.block.hash, timestamp: t.block.timestamp.toString() },
        })]),
        'on conflict do nothing',
      );
    }
    await insertMany(
      tx,
      'blocks',
      ['chain_id', 'number', 'hash', 'timestamp'],
      [...blocks.values()].map((b) => [chainId, b.number.toString(), b.hash, b.timestamp.toString()]),
      'on conflict (chain_id, number) do update set hash = excluded.hash, timestamp = excluded.timestamp',
    );
    await saveCheckpoint(tx, KEEPER, chainId, to, blocks.get(to)!.hash);
  });
  const written = performance.now();
  await finalize(o, head);
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
 * INSERT of many rows per statement (far cheaper than one per row), in chunks that stay under PostgreSQL's 65,535
 * bind parameters.
 */
async function insertMany(tx: Pick<Ledger, 'query'>, table: string, columns: string[], rows: unknown[][], onConflict: string) {
  const perStatement = Math.max(1, Math.min(1000, Math.floor(60_000 / columns.length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
    await tx.query(`insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')} ${onConflict}`, params);
  }
}

/** Upserts: a row re-included after a reorg (same tx and log index) comes back to life with its new block. */
export async function writeDecoded(tx: Pick<Ledger, 'query'>, chainId: number, d: Decoded) {
  const placeColumns = ['chain_id', 'tx_hash', 'log_index', 'block_number', 'block_hash', 'block_time'];
  const place = (r: { txHash: Hex; logIndex: number; block: BlockRef }) => [
    chainId, r.txHash, r.logIndex, r.block.number.toString(), r.block.hash, r.block.timestamp.toString(),
  ];
  const revive = `on conflict (chain_id, tx_hash, log_index) do update set block_number = excluded.block_number,
    block_hash = excluded.block_hash, block_time = excluded.block_time, status = 'pending'`;
  await insertMany(
    tx,
    'trades',
    [...placeColumns, 'pool_id', 'pool_name', 'security', 'investor', 'router', 'side', 'security_amount', 'stable_amount', 'price', 'fee_pips', 'fee_amount', 'status'],
    d.trades.map((t) => [...place(t), t.poolId, t.poolName, t.security, t.investor, t.router, t.side, t.securityAmount.toString(),
      t.stableAmount.toString(), t.price, t.feePips, t.feeAmount.toString(), 'pending']),
    revive,
  );
  await insertMany(
    tx,
    'liquidity_events',
    [...placeColumns, 'pool_id', 'investor', 'router', 'tick_lower', 'tick_upper', 'liquidity_delta', 'salt', 'status'],
    d.liquidity.map((l) => [...place(l), l.poolId, l.investor, l.router, l.tickLower, l.tickUpper, l.liquidityDelta.toString(), l.salt, 'pending']),
    revive,
  );
  await insertMany(
    tx,
    'registry_events',
    [...placeColumns, 'event', 'args', 'status'],
    d.registry.map((r) => [...place(r), r.event, JSON.stringify(r.args), 'pending']),
    revive,
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
  let ancestor = BigInt(o.deployment.deployBlock) - 1n;
  let ancestorHash: Hex | undefined;
  for (const b of stored) {
    const onChain = await header(o.client, BigInt(b.number)).catch(() => undefined);
    if (onChain?.hash === b.hash) {
      ancestor = BigInt(b.number);
      ancestorHash = b.hash;
      break;
    }
  }
  await o.ledger.transaction(async (tx) => {
    for (const table of LOG_TABLES) {
      await tx.query(`update ${table} set status = 'voided' where chain_id = $1 and block_number > $2 and status <> 'voided'`, [chainId, ancestor.toString()]);
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
async function finalize(o: SettlementOptions, head: bigint) {
  const finalThrough = head - BigInt(o.confirmations) + 1n;
  for (const table of LOG_TABLES) {
    await o.ledger.query(`update ${table} set status = 'final' where chain_id = $1 and status = 'pending' and block_number <= $2`, [
      o.deployment.chainId,
      finalThrough.toString(),
    ]);
  }
}

/** eth_getLogs over [from, to], halving the range while the RPC refuses it as too large. */
async function getLogsAdaptive(o: SettlementOptions, from: bigint, to: bigint): Promise<{ logs: Log[]; to: bigint }> {
  const d = o.deployment;
  for (;;) {
    try {
      const logs = await o.client.request({
        method: 'eth_getLogs',
        params: [{
          address: [d.poolManager, d.gateHook, d.investorRegistry],
          topics: [SETTLEMENT_TOPICS],
          fromBlock: `0x${from.toString(16)}`,
          toBlock: `0x${to.toString(16)}`,
        }],
      });
      const parsed = (logs as Log[]).map((l) => ({
        ...l,
        blockNumber: BigInt(l.blockNumber as unknown as string),
        logIndex: Number(l.logIndex as unknown as string),
        transactionIndex: Number(l.transactionIndex as unknown as string),
      })) as Log[];
      return { logs: parsed, to };
    } catch (err) {
      if (to > from && /range|limit|too many|exceed|size/i.test(String((err as Error).message))) {
        to = from + (to - from) / 2n;
        o.log?.warn({ from: Number(from), to: Number(to) }, 'eth_getLogs refused the range; halving it');
        continue;
      }
      throw err;
    }
  }
}
