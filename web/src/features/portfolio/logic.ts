/**
 * The portfolio's arithmetic, pure so it is unit-tested on its own: holdings per security (wallet balances of every
 * wallet of the identity, plus the shares under its liquidity positions) valued at the pool's mid price, cost basis
 * and P&L by the average-cost method from the investor's own trades, and the lots' release dates.
 *
 * Fees: a trade's amounts are what changed hands in the swap (the keepers' ledger takes them from the pool's Swap
 * deltas). The pool fee is taken from the input, so a buy's stablecoin paid already includes it (it is part of the
 * cost) and a sell's stablecoin received already excludes it (it reduces the proceeds). Nothing is added on top: adding
 * the ledger's fee_amount again would count it twice.
 */
import { chainOrder, counts, sharesValue, type Trade } from '../market/logic.ts';
import type { Amounts } from '../positions/logic.ts';

/** Shares have 18 decimals: an average cost is kept as stablecoin raw per whole share. */
const SHARE = 10n ** 18n;

export interface Basis {
  /** Shares bought by the trades and not sold yet (raw). */
  quantity: bigint;
  /** What those shares cost (stablecoin raw, fees included). */
  cost: bigint;
  /** Sum over sells of proceeds minus the cost of the shares sold (stablecoin raw; negative is a loss). */
  realized: bigint;
  /** Shares sold beyond the quantity the trades bought (received otherwise: an issuance, a transfer): cost unknown. */
  uncovered: bigint;
  buys: number;
  sells: number;
}

const EMPTY: Basis = { quantity: 0n, cost: 0n, realized: 0n, uncovered: 0n, buys: 0, sells: 0 };

/** One trade applied to a security's basis. A sell takes cost off pro rata: cost × sold / quantity. */
export function applyTrade(b: Basis, side: 'buy' | 'sell', shares: bigint, stable: bigint): Basis {
  if (side === 'buy') return { ...b, quantity: b.quantity + shares, cost: b.cost + stable, buys: b.buys + 1 };
  if (shares === 0n) return { ...b, sells: b.sells + 1 };
  const covered = shares < b.quantity ? shares : b.quantity;
  // Only the shares whose cost is known realize a gain or loss; the rest's proceeds are not counted.
  const proceeds = (stable * covered) / shares;
  const costOut = b.quantity === 0n ? 0n : (b.cost * covered) / b.quantity;
  return {
    ...b,
    quantity: b.quantity - covered,
    cost: b.cost - costOut,
    realized: b.realized + proceeds - costOut,
    uncovered: b.uncovered + shares - covered,
    sells: b.sells + 1,
  };
}

/**
 * Each security's basis from the investor's trades, in chain order, voided trades left out. Keyed by pool id
 * (lowercase); securities are never summed together.
 */
export function costBasis(trades: Iterable<Trade>): Map<string, Basis> {
  const out = new Map<string, Basis>();
  for (const t of chainOrder([...trades].filter(counts))) {
    const key = t.poolId.toLowerCase();
    out.set(key, applyTrade(out.get(key) ?? EMPTY, t.side, t.securityAmount, t.stableAmount));
  }
  return out;
}

/** Average cost in stablecoin raw per whole share (18 decimals), or undefined with nothing held by the trades. */
export function averageCost(b: Pick<Basis, 'quantity' | 'cost'>): bigint | undefined {
  if (b.quantity === 0n) return undefined;
  return (b.cost * SHARE) / b.quantity;
}

/** Unrealized P&L of the trades' remaining shares at the pool's mid: their value now minus their cost. */
export function unrealized(b: Pick<Basis, 'quantity' | 'cost'>, sqrtPriceX96: bigint, securityIs0: boolean): bigint {
  return sharesValue(b.quantity, sqrtPriceX96, securityIs0) - b.cost;
}

/** The pool's mid in stablecoin raw per whole share. */
export const midPrice = (sqrtPriceX96: bigint, securityIs0: boolean) => sharesValue(SHARE, sqrtPriceX96, securityIs0);

// ------------------------------------------------------------------ holdings

export interface PositionShares {
  pool: { poolId: string; security: string; currency0: string };
  principal: Amounts;
}

/** The security's side of a position's principal. */
export function sharesInPosition(p: PositionShares): bigint {
  return p.pool.currency0.toLowerCase() === p.pool.security.toLowerCase() ? p.principal.amount0 : p.principal.amount1;
}

export interface Holding {
  /** Shares in the identity's wallets. */
  wallets: bigint;
  /** Shares under its liquidity positions (principal, fees not collected left out). */
  inPositions: bigint;
  positions: number;
  total: bigint;
  /** `total` at the pool's mid, stablecoin raw. */
  value: bigint;
}

/**
 * A security's holding: `balances` of each wallet, the security side of each position in its pool, valued at the
 * pool's mid (`sqrtPriceX96`).
 */
export function holdingOf(security: string, balances: readonly bigint[], positions: readonly PositionShares[], sqrtPriceX96: bigint, securityIs0: boolean): Holding {
  const wallets = balances.reduce((a, b) => a + b, 0n);
  const mine = positions.filter((p) => p.pool.security.toLowerCase() === security.toLowerCase());
  const inPositions = mine.reduce((a, p) => a + sharesInPosition(p), 0n);
  const total = wallets + inPositions;
  return { wallets, inPositions, positions: mine.length, total, value: sharesValue(total, sqrtPriceX96, securityIs0) };
}

// ------------------------------------------------------------------ lots

export const LOT_KINDS = ['Rule 144 holding period', 'bought from an affiliate', 'partial freeze'] as const;

export interface Lot {
  amount: bigint;
  releaseAt: number;
  kind: number;
}

export interface LotRow {
  amount: bigint;
  releaseAt: number;
  why: string;
  released: boolean;
}

/** The lots in release order, each with why it is locked and whether its release time has passed at `now`. */
export function lotRows(lots: readonly Lot[], now: number): LotRow[] {
  return [...lots]
    .sort((a, b) => a.releaseAt - b.releaseAt)
    .map((l) => ({ amount: l.amount, releaseAt: l.releaseAt, why: LOT_KINDS[l.kind] ?? `lot kind ${l.kind}`, released: l.releaseAt <= now }));
}

/** The lockup line of a security: when it ends, or that it has ended or never applied. */
export function lockupSentence(lockupEnd: number, now: number, date: (s: number) => string): string {
  if (lockupEnd === 0) return 'No lockup applies.';
  if (lockupEnd <= now) return `The lockup ended on ${date(lockupEnd)}.`;
  return `In lockup until ${date(lockupEnd)}.`;
}

/** The tone of a P&L figure. */
export function pnlTone(value: bigint): 'good' | 'bad' | undefined {
  if (value > 0n) return 'good';
  if (value < 0n) return 'bad';
  return undefined;
}
