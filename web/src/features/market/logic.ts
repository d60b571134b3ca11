/**
 * The arithmetic behind the market page, pure so it is unit-tested on its own: parsing the keepers' trade rows,
 * merging the live stream into the history, OHLC bucketing, 24h volume, the pool's value locked (integrated over its
 * liquidity ranges from chain state), the depth curve, and the quarter picker of the reports.
 */
import { getAmount0Delta, getAmount1Delta, getSqrtPriceAtTick } from '../../../../sdk/v4/math.ts';
import { shiftedSqrtPrice } from '../../../../sdk/v4/price.ts';
import { simulateSwap, type PoolSnapshot } from '../../../../sdk/v4/swap.ts';
import type { Parsed } from '../../lib/amount.ts';

// ------------------------------------------------------------------ trade rows

export type TradeStatus = 'pending' | 'final' | 'voided';

/** One trade confirmation of the keepers' ledger, typed (amounts in raw units). */
export interface Trade {
  key: string;
  /** Only on the viewer's own trades, and for officers: the tape names nobody else's transaction, block or log. */
  txHash?: string;
  logIndex?: number;
  poolId: string;
  /** As `txHash`: only the viewer's own (then `mine`) and, for officers, everyone's. */
  investor?: string;
  mine: boolean;
  side: 'buy' | 'sell';
  /** Shares, raw (18 decimals). */
  securityAmount: bigint;
  /** Stablecoin paid or received, raw (6 decimals). */
  stableAmount: bigint;
  /** dUSD per share as the ledger wrote it (a decimal string, six decimals). */
  price: string;
  blockNumber?: bigint;
  /** Unix seconds (chain time). */
  blockTime: number;
  status: TradeStatus;
  /** The ledger's change number: a later change of the same row has a larger one. */
  changeSeq: bigint;
}

/** A trade is one log of one transaction: a row sent again (finalized, voided, revived) has the same key. */
export const tradeKey = (txHash: string, logIndex: number) => `${txHash.toLowerCase()}:${logIndex}`;

// The keepers' rows are checked by hand rather than with zod: the checks are few, and zod's extra modules would
// double this chunk's size. Postgres bigint and numeric columns reach JSON as strings or numbers depending on the
// driver, so both are accepted.
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A non-negative integer column, as a bigint (undefined if it isn't one). */
export function uintOf(v: unknown): bigint | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return undefined;
}

/** A non-negative decimal column, as its text (undefined if it isn't one). */
export function decimalOf(v: unknown): string | undefined {
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return v;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return String(v);
  return undefined;
}

const STATUSES: readonly string[] = ['pending', 'final', 'voided'];

/**
 * A row of `/tape` or `/trades`, or of a `trade` stream event, or undefined if it isn't one (a newer API shape, a bad
 * proxy). Tape rows of other investors carry no transaction and no address.
 */
export function parseTradeRow(raw: unknown): Trade | undefined {
  if (!isRecord(raw)) return undefined;
  const { id, tx_hash: txHash, pool_id: poolId, investor, side, status } = raw;
  const logIndex = uintOf(raw.log_index);
  const securityAmount = uintOf(raw.security_amount);
  const stableAmount = uintOf(raw.stable_amount);
  const price = decimalOf(raw.price);
  const blockNumber = uintOf(raw.block_number);
  const blockTime = uintOf(raw.block_time);
  const changeSeq = raw.change_seq === undefined ? 0n : uintOf(raw.change_seq);
  if (txHash !== undefined && (typeof txHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(txHash))) return undefined;
  if (typeof poolId !== 'string' || (investor !== undefined && typeof investor !== 'string')) return undefined;
  if ((side !== 'buy' && side !== 'sell') || typeof status !== 'string' || !STATUSES.includes(status)) return undefined;
  if (securityAmount === undefined || stableAmount === undefined || price === undefined || blockTime === undefined || changeSeq === undefined) return undefined;
  // A row that names its transaction places it: block and log index too.
  if (txHash !== undefined && (logIndex === undefined || blockNumber === undefined)) return undefined;
  // The tape's id names a trade without its transaction; a `/trades` row is keyed by its transaction and log.
  const key = typeof id === 'string' && id.length > 0 ? id : txHash === undefined ? undefined : tradeKey(txHash, Number(logIndex));
  if (key === undefined) return undefined;
  return {
    key,
    txHash,
    logIndex: logIndex === undefined ? undefined : Number(logIndex),
    poolId,
    investor: investor as string | undefined,
    mine: raw.mine === true,
    side,
    securityAmount,
    stableAmount,
    price,
    blockNumber,
    blockTime: Number(blockTime),
    status: status as TradeStatus,
    changeSeq,
  };
}

/** A page of `/trades`: its rows that are trades, and the cursor of the next page. */
export function parseTradePage(raw: unknown): { trades: Trade[]; nextCursor: string | null } {
  if (!isRecord(raw) || !Array.isArray(raw.items) || (raw.nextCursor !== null && typeof raw.nextCursor !== 'string')) {
    throw new Error("The keepers' API sent a trades page this dashboard doesn't understand");
  }
  return { trades: raw.items.map(parseTradeRow).filter((t): t is Trade => t !== undefined), nextCursor: raw.nextCursor };
}

// ------------------------------------------------------------------ quote board

/** One side of a ladder rung (script/keeper/quotes/board.ts): shares raw, price dUSD per share, impact in bps. */
export interface BoardFill {
  shares: bigint;
  price: string;
  impactBps: number;
}

export interface QuoteBoard {
  blockNumber: bigint;
  blockTime: number;
  mid: string;
  ladder: { size: number; buy: BoardFill | null; sell: BoardFill | null }[];
  /** Stablecoin (raw) to move the price up 1% / 5%, shares (raw) to move it down. */
  depth: { up1: bigint; up5: bigint; down1: bigint; down5: bigint };
  crossCheck: { size: number; checked: boolean; ok?: boolean; v4Quoter?: string };
}

function fillOf(v: unknown): BoardFill | null | undefined {
  if (v === null) return null;
  if (!isRecord(v)) return undefined;
  const shares = uintOf(v.shares);
  const price = decimalOf(v.price);
  if (shares === undefined || price === undefined || typeof v.impactBps !== 'number') return undefined;
  return { shares, price, impactBps: v.impactBps };
}

/** The newest board of `/quotes/latest?pool=` (null when the keeper has none yet); throws on a shape it can't read. */
export function parseBoardResponse(raw: unknown): QuoteBoard | null {
  const bad = () => new Error("The keepers' API sent a quote board this dashboard doesn't understand");
  if (!isRecord(raw) || !Array.isArray(raw.items)) throw bad();
  if (raw.items.length === 0) return null;
  const b: unknown = raw.items[0];
  if (!isRecord(b) || !Array.isArray(b.ladder) || !isRecord(b.depth) || !isRecord(b.cross_check)) throw bad();
  const blockNumber = uintOf(b.block_number);
  const blockTime = uintOf(b.block_time);
  const mid = decimalOf(b.mid_price);
  const depth = { up1: uintOf(b.depth.up1), up5: uintOf(b.depth.up5), down1: uintOf(b.depth.down1), down5: uintOf(b.depth.down5) };
  const ladder = b.ladder.map((r: unknown) => {
    if (!isRecord(r) || typeof r.size !== 'number') return undefined;
    const buy = fillOf(r.buy);
    const sell = fillOf(r.sell);
    return buy === undefined || sell === undefined ? undefined : { size: r.size, buy, sell };
  });
  const check = b.cross_check;
  if (blockNumber === undefined || blockTime === undefined || mid === undefined || Object.values(depth).includes(undefined)) throw bad();
  if (ladder.includes(undefined) || typeof check.size !== 'number' || typeof check.checked !== 'boolean') throw bad();
  return {
    blockNumber,
    blockTime: Number(blockTime),
    mid,
    ladder: ladder as QuoteBoard['ladder'],
    depth: depth as QuoteBoard['depth'],
    crossCheck: {
      size: check.size,
      checked: check.checked,
      ok: typeof check.ok === 'boolean' ? check.ok : undefined,
      v4Quoter: typeof check.v4Quoter === 'string' ? check.v4Quoter : undefined,
    },
  };
}

/**
 * Merges rows into the trades known so far, keeping the latest state of each (tx, log index): the one with the
 * larger change number, so a stale copy (a history page fetched before the stream delivered a newer state) never
 * overwrites a newer one, whatever order they arrive in. Returns the same map when nothing changed.
 */
export function mergeTrades(known: ReadonlyMap<string, Trade>, rows: readonly Trade[]): ReadonlyMap<string, Trade> {
  let next: Map<string, Trade> | undefined;
  for (const row of rows) {
    const current = (next ?? known).get(row.key);
    if (current && current.changeSeq > row.changeSeq) continue;
    if (current && current.changeSeq === row.changeSeq && current.status === row.status && current.blockNumber === row.blockNumber) continue;
    next ??= new Map(known);
    next.set(row.key, row);
  }
  return next ?? known;
}

/** Chain order: block and log index where the row has them (officers, the viewer's own), else time then change number. */
export function chainOrder(trades: Iterable<Trade>): Trade[] {
  return [...trades].sort(compareTrades);
}

function compareTrades(a: Trade, b: Trade): number {
  if (a.blockNumber !== undefined && b.blockNumber !== undefined) {
    if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
    return (a.logIndex ?? 0) - (b.logIndex ?? 0);
  }
  if (a.blockTime !== b.blockTime) return a.blockTime - b.blockTime;
  return a.changeSeq < b.changeSeq ? -1 : a.changeSeq > b.changeSeq ? 1 : 0;
}

/** A voided trade was undone by a reorg: it never happened and counts nowhere (but the feed shows it, marked). */
export const counts = (t: Trade) => t.status !== 'voided';

// ------------------------------------------------------------------ price chart and volume

export interface Candle {
  /** Bucket start, unix seconds. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** dUSD traded in the bucket. */
  volume: number;
  trades: number;
}

/** OHLC candles of `bucketSeconds` from the trades that count, in chain order; empty buckets are left out. */
export function candles(trades: Iterable<Trade>, bucketSeconds: number, stableDecimals = 6): Candle[] {
  const out: Candle[] = [];
  for (const t of chainOrder(trades)) {
    if (!counts(t)) continue;
    const price = Number(t.price);
    const time = Math.floor(t.blockTime / bucketSeconds) * bucketSeconds;
    const volume = Number(t.stableAmount) / 10 ** stableDecimals;
    const last = out[out.length - 1];
    // Chain order is time order (block times never go back), so a trade belongs to the last candle or a new one.
    if (last && last.time === time) {
      last.high = Math.max(last.high, price);
      last.low = Math.min(last.low, price);
      last.close = price;
      last.volume += volume;
      last.trades++;
    } else {
      out.push({ time, open: price, high: price, low: price, close: price, volume, trades: 1 });
    }
  }
  return out;
}

/** One point per second that had trades (the chart's time axis is in seconds): the last trade's price, the dUSD traded. */
export function tradePoints(trades: Iterable<Trade>, stableDecimals = 6): { time: number; value: number; volume: number }[] {
  const out: { time: number; value: number; volume: number }[] = [];
  for (const t of chainOrder(trades)) {
    if (!counts(t)) continue;
    const volume = Number(t.stableAmount) / 10 ** stableDecimals;
    const last = out[out.length - 1];
    if (last && last.time === t.blockTime) {
      last.value = Number(t.price);
      last.volume += volume;
    } else {
      out.push({ time: t.blockTime, value: Number(t.price), volume });
    }
  }
  return out;
}

export const DAY = 86_400;

/** Stablecoin traded (raw) and trade count over the 24 hours of chain time before `now`: final and pending trades. */
export function volume24h(trades: Iterable<Trade>, now: number): { stable: bigint; count: number } {
  let stable = 0n;
  let count = 0;
  for (const t of trades) {
    if (!counts(t) || t.blockTime <= now - DAY) continue;
    stable += t.stableAmount;
    count++;
  }
  return { stable, count };
}

/** The newest `n` trades, newest first (voided included: the feed says they were undone). */
export function recentTrades(trades: Iterable<Trade>, n: number): Trade[] {
  return chainOrder(trades).reverse().slice(0, n);
}

// ------------------------------------------------------------------ pool value, from chain state

export interface LiquidityRange {
  lower: number;
  upper: number;
  /** The liquidity active when the price is in [lower, upper). */
  liquidity: bigint;
}

/**
 * The pool's liquidity as disjoint ranges between consecutive initialized ticks: walking up from the lowest tick,
 * the active liquidity is the running sum of liquidityNet (every position adds its L at its lower tick and removes it
 * at its upper tick). Ranges with no liquidity are left out.
 */
export function liquidityRanges(liquidityNet: ReadonlyMap<number, bigint>): LiquidityRange[] {
  const ticks = [...liquidityNet.keys()].sort((a, b) => a - b);
  const out: LiquidityRange[] = [];
  let active = 0n;
  for (let i = 0; i < ticks.length - 1; i++) {
    active += liquidityNet.get(ticks[i])!;
    if (active > 0n) out.push({ lower: ticks[i], upper: ticks[i + 1], liquidity: active });
  }
  return out;
}

/**
 * The token amounts the pool's positions hold at the current price, to the wei up to per-position rounding: each
 * range holds what v4's Pool.modifyLiquidity would pay out for its liquidity (rounded down, as a withdrawal is), i.e.
 * only currency0 above the price, only currency1 below it, and both in the range the price is in. The PoolManager's
 * token balances can't be used: they are shared by every pool of the singleton. Uncollected fees are not included.
 */
export function poolAmounts(snapshot: Pick<PoolSnapshot, 'liquidityNet' | 'sqrtPriceX96' | 'tick'>): { amount0: bigint; amount1: bigint } {
  let amount0 = 0n;
  let amount1 = 0n;
  for (const r of liquidityRanges(snapshot.liquidityNet)) {
    const sqrtLower = getSqrtPriceAtTick(r.lower);
    const sqrtUpper = getSqrtPriceAtTick(r.upper);
    // The same branches as Pool.modifyLiquidity: compared by tick, so a price exactly on a tick is placed as v4 does.
    if (snapshot.tick < r.lower) {
      amount0 += getAmount0Delta(sqrtLower, sqrtUpper, r.liquidity, false);
    } else if (snapshot.tick < r.upper) {
      amount0 += getAmount0Delta(snapshot.sqrtPriceX96, sqrtUpper, r.liquidity, false);
      amount1 += getAmount1Delta(sqrtLower, snapshot.sqrtPriceX96, r.liquidity, false);
    } else {
      amount1 += getAmount1Delta(sqrtLower, sqrtUpper, r.liquidity, false);
    }
  }
  return { amount0, amount1 };
}

/** The active liquidity the ranges imply at `tick`: must equal the pool's own (a check of the integration). */
export function liquidityAt(ranges: readonly LiquidityRange[], tick: number): bigint {
  return ranges.find((r) => r.lower <= tick && tick < r.upper)?.liquidity ?? 0n;
}

const Q192 = 1n << 192n;

/** The stablecoin value (raw) of `shares` (raw) at the pool price: exact bigint, no float on the way. */
export function sharesValue(shares: bigint, sqrtPriceX96: bigint, securityIs0: boolean): bigint {
  const ratio = sqrtPriceX96 * sqrtPriceX96; // raw currency1 per raw currency0, times 2^192
  return securityIs0 ? (shares * ratio) / Q192 : (shares * Q192) / ratio;
}

/** The pool's value locked, in stablecoin raw units: its stablecoin plus its shares at the mid price. */
export function poolTvl(snapshot: Pick<PoolSnapshot, 'liquidityNet' | 'sqrtPriceX96' | 'tick'>, securityIs0: boolean) {
  const { amount0, amount1 } = poolAmounts(snapshot);
  const [shares, stable] = securityIs0 ? [amount0, amount1] : [amount1, amount0];
  return { shares, stable, value: stable + sharesValue(shares, snapshot.sqrtPriceX96, securityIs0) };
}

// ------------------------------------------------------------------ depth

export interface DepthPoint {
  /** Distance from mid in basis points (positive: above). */
  bps: number;
  /** Stablecoin (raw) it takes to push the price there (asks: paid by buyers, fee included; bids: received by sellers). */
  stable: bigint;
  /** Shares (raw) bought out of the pool (asks) or sold into it (bids) on the way. */
  shares: bigint;
}

/**
 * The cumulative depth on each side of the mid, at each of `steps` (positive basis points): what a swap in this
 * block would move to get the price there, simulated exactly on the snapshot (the same math as V4Quoter).
 */
export function depthCurve(snapshot: PoolSnapshot, securityIs0: boolean, steps: readonly number[]): { asks: DepthPoint[]; bids: DepthPoint[] } {
  const buyZeroForOne = !securityIs0; // buying shares pays stablecoin
  const side = (bps: number): DepthPoint => {
    const buy = bps > 0;
    try {
      const r = simulateSwap(snapshot, {
        zeroForOne: buy ? buyZeroForOne : !buyZeroForOne,
        amountSpecified: -(2n ** 127n),
        sqrtPriceLimitX96: shiftedSqrtPrice(snapshot.sqrtPriceX96, bps, securityIs0),
      });
      return buy ? { bps, stable: r.amountIn, shares: r.amountOut } : { bps, stable: r.amountOut, shares: r.amountIn };
    } catch {
      return { bps, stable: 0n, shares: 0n };
    }
  };
  return { asks: steps.map((s) => side(s)), bids: steps.map((s) => side(-s)) };
}

// ------------------------------------------------------------------ reports

/** The quarter (e.g. 2026Q3) that contains `seconds` (UTC). */
export function quarterOf(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** A quarter typed by a person (`2026Q3`, any case, spaces ignored), not after the quarter of `now`. */
export function parseQuarterInput(input: string, now: number): Parsed<string> {
  const text = input.replace(/\s+/g, '').toUpperCase();
  if (text === '') return { ok: false, error: 'Enter a quarter, like 2026Q3' };
  const match = /^(\d{4})Q(\d)$/.exec(text);
  if (!match) return { ok: false, error: 'Not a quarter: write the year, Q, and 1 to 4 (like 2026Q3)' };
  const quarter = Number(match[2]);
  if (quarter < 1 || quarter > 4) return { ok: false, error: 'The quarter must be 1 to 4' };
  const year = Number(match[1]);
  if (year < 2000) return { ok: false, error: 'No trades before 2000' };
  const current = quarterOf(now);
  if (text > current) return { ok: false, error: `That quarter hasn't started yet (now is ${current})` };
  return { ok: true, value: text };
}

export type ReportFormat = 'csv' | 'json' | 'html';

export function reportUrl(apiUrl: string, quarter: string, format: ReportFormat): string {
  return `${apiUrl.replace(/\/+$/, '')}/reports/quarterly?quarter=${encodeURIComponent(quarter)}&format=${format}`;
}

// ------------------------------------------------------------------ formatting

/** A raw amount with exactly `places` decimals (rounded down), grouped: prices and dUSD values in tables line up. */
export function formatFixed(value: bigint, decimals: number, places: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scaled = places <= decimals ? abs / 10n ** BigInt(decimals - places) : abs * 10n ** BigInt(places - decimals);
  const base = 10n ** BigInt(places);
  const whole = (scaled / base).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = places > 0 ? `${whole}.${(scaled % base).toString().padStart(places, '0')}` : whole;
  return negative ? `-${text}` : text;
}

/** A non-negative decimal string (as the ledger writes prices) as units of `decimals` places, extra digits cut off. */
export function decimalToUnits(text: string, decimals: number): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt(fraction.slice(0, decimals).padEnd(decimals, '0') || '0');
}

/** A dUSD amount in a few characters for stats and axes: 1.23B, 4.56M, 45.6K, 789.00. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}K`;
  return value.toFixed(2);
}

/** Unix seconds as HH:MM:SS (UTC), with the date when not `today`'s (chain time). */
export function formatTime(seconds: number, now: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now * 1000).toISOString().slice(0, 10);
  return sameDay ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
