import { decodeEventLog, getAddress, toEventSelector, type Abi, type AbiEvent, type Address, type Hex } from 'viem';
import { gateHookAbi, investorRegistryAbi, poolManagerAbi } from '../../../sdk/abis/generated.ts';
import { securityAuditEvents } from '../../../sdk/audit.ts';
import type { Deployment, Pool } from '../../../sdk/manifest.ts';

export interface BlockRef {
  number: bigint;
  hash: Hex;
  timestamp: bigint;
}

interface Placed {
  txHash: Hex;
  logIndex: number;
  block: BlockRef;
}

export interface TradeRecord extends Placed {
  poolId: Hex;
  poolName: string;
  security: Address;
  investor: Address;
  router: Address;
  side: 'buy' | 'sell';
  securityAmount: bigint;
  stableAmount: bigint;
  /** Stablecoin per share, as a decimal string with six decimals (stablecoin 6 decimals, shares 18). */
  price: string;
  feePips: number;
  /** The LP fee paid in the input currency, ceil(input * fee / 1e6): within per-step rounding of the exact fee. */
  feeAmount: bigint;
}

export interface LiquidityRecord extends Placed {
  poolId: Hex;
  investor: Address;
  router: Address;
  tickLower: number;
  tickUpper: number;
  liquidityDelta: bigint;
  salt: Hex;
}

export interface RegistryRecord extends Placed {
  event: string;
  args: Record<string, unknown>;
}

export interface Decoded {
  trades: TradeRecord[];
  liquidity: LiquidityRecord[];
  registry: RegistryRecord[];
  /** PoolManager events of gated pools that had no investor event from the gate (should never happen). */
  unmatched: number;
}

// PoolAuthorized: a pool the manifest may not name yet (the indexer stops there until it does).
const SETTLEMENT_EVENTS = new Set(['Swap', 'ModifyLiquidity', 'InvestorSwap', 'InvestorLiquidityAdded', 'InvestorLiquidityRemoved', 'PoolAuthorized']);
/** Only the events the keeper reads. */
const abi = [
  ...[...poolManagerAbi, ...gateHookAbi].filter((item) => item.type === 'event' && SETTLEMENT_EVENTS.has(item.name)),
  ...investorRegistryAbi.filter((item) => item.type === 'event'),
  // A security's own compliance events: the audit trail beside the registry's.
  ...securityAuditEvents,
] as Abi;

/** The contracts whose events the settlement keeper reads: the PoolManager, the gate, the registry, the securities. */
export function settlementSources(d: Deployment): Address[] {
  return [d.poolManager, d.gateHook, d.investorRegistry, ...new Set(d.pools.map((p) => getAddress(p.security)))];
}

/** The topic0 of every event the settlement keeper reads: one eth_getLogs covers all the contracts. */
export const SETTLEMENT_TOPICS: Hex[] = [
  ...new Set(abi.filter((item): item is AbiEvent => item.type === 'event').map((e) => toEventSelector(e))),
];

/** A log as eth_getLogs returns it (quantities in hex). `blockTimestamp` is newer and not served by every node. */
export interface RpcLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: Hex;
  blockHash: Hex;
  blockTimestamp?: Hex;
  transactionHash: Hex;
  logIndex: Hex;
  removed?: boolean;
}

interface Event {
  name: string;
  address: string;
  args: Record<string, unknown>;
  blockNumber: bigint;
  txHash: Hex;
  logIndex: number;
}

const topic = (name: string) => toEventSelector(abi.find((e): e is AbiEvent => e.type === 'event' && e.name === name && 'inputs' in e)!);
const checksummed = new Map<string, Address>();
/** An address from the low 20 bytes of a 32-byte word, checksummed as viem returns it (memoized: few distinct). */
const addressIn = (word: string): Address => {
  const lower = `0x${word.slice(-40)}`;
  let a = checksummed.get(lower);
  if (!a) checksummed.set(lower, (a = getAddress(lower)));
  return a;
};
const word = (data: Hex, i: number) => data.slice(2 + i * 64, 2 + (i + 1) * 64);
const int = (bits: number, w: string) => BigInt.asIntN(bits, BigInt(`0x${w}`));

/**
 * The events of every swap and liquidity change have fixed layouts, and decoding them is most of what the keeper
 * does with a range of logs, so they are read straight from their words (pinned to viem's decoder by a test).
 * Anything else (the registry's audit events) goes through viem.
 */
const FIXED: Record<Hex, (l: RpcLog) => { name: string; args: Record<string, unknown> }> = {
  [topic('Swap')]: (l) => ({
    name: 'Swap',
    args: {
      id: l.topics[1], sender: addressIn(l.topics[2]),
      amount0: int(128, word(l.data, 0)), amount1: int(128, word(l.data, 1)),
      sqrtPriceX96: BigInt(`0x${word(l.data, 2)}`), liquidity: BigInt(`0x${word(l.data, 3)}`),
      tick: Number(int(24, word(l.data, 4))), fee: Number(BigInt(`0x${word(l.data, 5)}`)),
    },
  }),
  [topic('ModifyLiquidity')]: (l) => ({
    name: 'ModifyLiquidity',
    args: {
      id: l.topics[1], sender: addressIn(l.topics[2]),
      tickLower: Number(int(24, word(l.data, 0))), tickUpper: Number(int(24, word(l.data, 1))),
      liquidityDelta: int(256, word(l.data, 2)), salt: `0x${word(l.data, 3)}`,
    },
  }),
  ...Object.fromEntries(['InvestorSwap', 'InvestorLiquidityAdded', 'InvestorLiquidityRemoved'].map((name) => [
    topic(name),
    (l: RpcLog) => ({ name, args: { poolId: l.topics[1], investor: addressIn(l.topics[2]) } }),
  ])),
};

/** One log's event name and arguments, as viem's `decodeEventLog` would give them. */
export function decodeLog(l: RpcLog): { name: string; args: Record<string, unknown> } {
  const fixed = FIXED[l.topics[0]];
  if (fixed) return fixed(l);
  const { eventName, args } = decodeEventLog({ abi, topics: l.topics as [Hex, ...Hex[]], data: l.data, strict: true });
  return { name: eventName!, args: args as unknown as Record<string, unknown> };
}

const formatPrice = (stable: bigint, shares: bigint): string => {
  if (shares === 0n) return '0';
  const micros = (stable * 10n ** 18n) / shares; // stablecoin base units (1e-6) per whole share
  return `${micros / 10n ** 6n}.${(micros % 10n ** 6n).toString().padStart(6, '0')}`;
};

/** Event arguments as JSON can hold them (bigints as decimal strings, in structs and arrays too). */
export const jsonSafe = (args: Record<string, unknown>): Record<string, unknown> => {
  const safe = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return v.map(safe);
    if (v !== null && typeof v === 'object') return jsonSafe(v as Record<string, unknown>);
    return v;
  };
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, safe(v)]));
};

/**
 * Turns one range of logs (in chain order) into ledger records. A PoolManager Swap or ModifyLiquidity of a gated
 * pool is paired with the gate's event naming the investor in the same transaction: InvestorSwap and
 * InvestorLiquidityAdded come just before the PoolManager's event (the gate emits them from before-hooks),
 * InvestorLiquidityRemoved just after (after-hook).
 */
export function decodeSettlementLogs(logs: RpcLog[], d: Deployment, blocks: Map<bigint, BlockRef>): Decoded {
  const pools = new Map<string, Pool>(d.pools.map((p) => [p.poolId.toLowerCase(), p]));
  const registry = d.investorRegistry.toLowerCase();
  const gate = d.gateHook.toLowerCase();
  const poolManager = d.poolManager.toLowerCase();
  const securities = new Set(d.pools.map((p) => p.security.toLowerCase()));
  const events: Event[] = [];
  for (const l of logs) {
    if (l.removed) continue;
    const address = l.address.toLowerCase();
    // The PoolManager's events of pools other than the gated ones are not the venue's (topic1 is the pool id).
    if (address === poolManager && !pools.has(l.topics[1]?.toLowerCase())) continue;
    if (address !== poolManager && address !== gate && address !== registry && !securities.has(address)) continue;
    const { name, args } = decodeLog(l);
    if (address === gate && !name.startsWith('Investor')) continue;
    events.push({ name, address, args, blockNumber: BigInt(l.blockNumber), txHash: l.transactionHash, logIndex: Number(l.logIndex) });
  }
  const out: Decoded = { trades: [], liquidity: [], registry: [], unmatched: 0 };
  const place = (e: Event): Placed => {
    const block = blocks.get(e.blockNumber);
    if (!block) throw new Error(`no block header for block ${e.blockNumber}`);
    return { txHash: e.txHash, logIndex: e.logIndex, block };
  };

  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const args = e.args;
    if (e.address === registry) {
      out.registry.push({ ...place(e), event: e.name, args: jsonSafe(args) });
      continue;
    }
    if (securities.has(e.address)) {
      out.registry.push({ ...place(e), event: e.name, args: jsonSafe({ ...args, security: getAddress(e.address) }) });
      continue;
    }
    if (e.address !== poolManager) continue;
    const pool = pools.get(String(args.id).toLowerCase())!;
    const gateEvent = (name: string, from: number, step: number) => {
      for (let j = from; j >= 0 && j < events.length && events[j].txHash === e.txHash; j += step) {
        const g = events[j];
        if (g.name === name && String(g.args.poolId).toLowerCase() === pool.poolId.toLowerCase()) return g;
      }
      return undefined;
    };

    if (e.name === 'Swap') {
      const investorEvent = gateEvent('InvestorSwap', i - 1, -1);
      if (!investorEvent) out.unmatched++;
      const amount0 = args.amount0 as bigint;
      const amount1 = args.amount1 as bigint;
      const securityIs0 = pool.currency0.toLowerCase() === pool.security.toLowerCase();
      const securityDelta = securityIs0 ? amount0 : amount1;
      const stableDelta = securityIs0 ? amount1 : amount0;
      const input = amount0 < 0n ? -amount0 : -amount1;
      const feePips = Number(args.fee);
      out.trades.push({
        ...place(e),
        poolId: pool.poolId,
        poolName: pool.name,
        security: pool.security,
        investor: (investorEvent?.args.investor ?? args.sender) as Address,
        router: args.sender as Address,
        side: securityDelta > 0n ? 'buy' : 'sell',
        securityAmount: securityDelta < 0n ? -securityDelta : securityDelta,
        stableAmount: stableDelta < 0n ? -stableDelta : stableDelta,
        price: formatPrice(stableDelta < 0n ? -stableDelta : stableDelta, securityDelta < 0n ? -securityDelta : securityDelta),
        feePips,
        feeAmount: (input * BigInt(feePips) + 999_999n) / 1_000_000n,
      });
    } else if (e.name === 'ModifyLiquidity') {
      const delta = args.liquidityDelta as bigint;
      const investorEvent = delta > 0n ? gateEvent('InvestorLiquidityAdded', i - 1, -1) : gateEvent('InvestorLiquidityRemoved', i + 1, 1);
      if (!investorEvent) out.unmatched++;
      out.liquidity.push({
        ...place(e),
        poolId: pool.poolId,
        investor: (investorEvent?.args.investor ?? args.sender) as Address,
        router: args.sender as Address,
        tickLower: Number(args.tickLower),
        tickUpper: Number(args.tickUpper),
        liquidityDelta: delta,
        salt: args.salt as Hex,
      });
    }
  }
  return out;
}
