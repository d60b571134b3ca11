import { parseEventLogs, toEventSelector, type Abi, type AbiEvent, type Address, type Hex, type Log } from 'viem';
import { gateHookAbi, investorRegistryAbi, poolManagerAbi } from '../../../sdk/abis/generated.ts';
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

const SETTLEMENT_EVENTS = new Set(['Swap', 'ModifyLiquidity', 'InvestorSwap', 'InvestorLiquidityAdded', 'InvestorLiquidityRemoved']);
/** Only the events the keeper reads: decoding scans this list for every log, so it is kept short. */
const abi = [
  ...[...poolManagerAbi, ...gateHookAbi].filter((item) => item.type === 'event' && SETTLEMENT_EVENTS.has(item.name)),
  ...investorRegistryAbi.filter((item) => item.type === 'event'),
] as Abi;

/** The topic0 of every event the settlement keeper reads: one eth_getLogs covers all three contracts. */
export const SETTLEMENT_TOPICS: Hex[] = [
  ...new Set(abi.filter((item): item is AbiEvent => item.type === 'event').map((e) => toEventSelector(e))),
];

const formatPrice = (stable: bigint, shares: bigint): string => {
  if (shares === 0n) return '0';
  const micros = (stable * 10n ** 18n) / shares; // stablecoin base units (1e-6) per whole share
  return `${micros / 10n ** 6n}.${(micros % 10n ** 6n).toString().padStart(6, '0')}`;
};

/** Event arguments as JSON can hold them (bigints as decimal strings). */
export const jsonSafe = (args: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));

/**
 * Turns one range of logs (in chain order) into ledger records. A PoolManager Swap or ModifyLiquidity of a gated
 * pool is paired with the gate's event naming the investor in the same transaction: InvestorSwap and
 * InvestorLiquidityAdded come just before the PoolManager's event (the gate emits them from before-hooks),
 * InvestorLiquidityRemoved just after (after-hook).
 */
export function decodeSettlementLogs(logs: Log[], d: Deployment, blocks: Map<bigint, BlockRef>): Decoded {
  const pools = new Map<string, Pool>(d.pools.map((p) => [p.poolId.toLowerCase(), p]));
  const events = parseEventLogs({ abi, logs, strict: true }).filter((e) => {
    const address = e.address.toLowerCase();
    if (address === d.investorRegistry.toLowerCase()) return true;
    if (address === d.gateHook.toLowerCase()) return e.eventName.startsWith('Investor');
    return address === d.poolManager.toLowerCase() && pools.has(String((e.args as { id?: Hex }).id).toLowerCase());
  });
  const out: Decoded = { trades: [], liquidity: [], registry: [], unmatched: 0 };
  const place = (e: (typeof events)[number]): Placed => {
    const block = blocks.get(e.blockNumber!);
    if (!block) throw new Error(`no block header for block ${e.blockNumber}`);
    return { txHash: e.transactionHash!, logIndex: e.logIndex!, block };
  };

  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const args = e.args as Record<string, unknown>;
    if (e.address.toLowerCase() === d.investorRegistry.toLowerCase()) {
      out.registry.push({ ...place(e), event: e.eventName, args: jsonSafe(args) });
      continue;
    }
    if (e.address.toLowerCase() !== d.poolManager.toLowerCase()) continue;
    const pool = pools.get(String(args.id).toLowerCase())!;
    const sameTx = (j: number) => events[j]?.transactionHash === e.transactionHash;
    const gateEvent = (name: string, from: number, step: number) => {
      for (let j = from; j >= 0 && j < events.length && sameTx(j); j += step) {
        const g = events[j];
        if (g.eventName === name && String((g.args as { poolId: Hex }).poolId).toLowerCase() === pool.poolId.toLowerCase()) return g;
      }
      return undefined;
    };

    if (e.eventName === 'Swap') {
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
        investor: ((investorEvent?.args as { investor?: Address })?.investor ?? args.sender) as Address,
        router: args.sender as Address,
        side: securityDelta > 0n ? 'buy' : 'sell',
        securityAmount: securityDelta < 0n ? -securityDelta : securityDelta,
        stableAmount: stableDelta < 0n ? -stableDelta : stableDelta,
        price: formatPrice(stableDelta < 0n ? -stableDelta : stableDelta, securityDelta < 0n ? -securityDelta : securityDelta),
        feePips,
        feeAmount: (input * BigInt(feePips) + 999_999n) / 1_000_000n,
      });
    } else if (e.eventName === 'ModifyLiquidity') {
      const delta = args.liquidityDelta as bigint;
      const investorEvent = delta > 0n ? gateEvent('InvestorLiquidityAdded', i - 1, -1) : gateEvent('InvestorLiquidityRemoved', i + 1, 1);
      if (!investorEvent) out.unmatched++;
      out.liquidity.push({
        ...place(e),
        poolId: pool.poolId,
        investor: ((investorEvent?.args as { investor?: Address })?.investor ?? args.sender) as Address,
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
