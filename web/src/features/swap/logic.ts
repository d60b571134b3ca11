/** The logic behind the swap form: prices, impact and fee, slippage bounds, the largest fill, the typed confirmation,
 * and whether an order may be sent. Pure, so it is unit-tested on its own. */
import { Q96 } from '../../../../sdk/v4/math.ts';
import { formatAmount, formatDate } from '../../lib/amount.ts';
import { eligibilitySentence, POOL_PAUSED } from '../../lib/revert.ts';
import type { OfferingLimits, SecurityStanding } from '../eligibility/useEligibility.ts';

/** Stablecoin per share at the pool's current price. */
export function midPrice(sqrtPriceX96: bigint, stableIs0: boolean, stableDecimals: number, securityDecimals: number): number {
  // price1per0 = (sqrtPriceX96 / 2^96)^2 in raw units; scaled by 1e18 to keep precision in bigint.
  const scale = 10n ** 18n;
  const raw1per0 = (sqrtPriceX96 * sqrtPriceX96 * scale) / (Q96 * Q96);
  const rawStablePerShare = stableIs0 ? Number(scale * scale / (raw1per0 === 0n ? 1n : raw1per0)) / 1e18 : Number(raw1per0) / 1e18;
  return rawStablePerShare * 10 ** (securityDecimals - stableDecimals);
}

/** Stablecoin per share of a trade. */
export function executionPrice(stableAmount: bigint, shares: bigint, stableDecimals: number, securityDecimals: number): number {
  if (shares === 0n) return 0;
  return (Number(stableAmount) / Number(shares)) * 10 ** (securityDecimals - stableDecimals);
}

/** How much worse than mid a trade executes, in basis points (fee included). Buys pay above mid, sells get below. */
export function priceImpactBps(side: 'buy' | 'sell', mid: number, execution: number): number {
  if (mid <= 0 || execution <= 0) return 0;
  const impact = side === 'buy' ? execution / mid - 1 : 1 - execution / mid;
  return Math.max(0, Math.round(impact * 10_000));
}

/**
 * A trade's figures against mid: `totalBps` how much worse than mid it executes with the LP fee, `impactBps` without
 * it (what the price moves), and the fee itself, in the token paid (v4 takes it from the input, rounded up).
 */
export function tradeCosts(t: {
  side: 'buy' | 'sell';
  mid: number;
  amountIn: bigint;
  amountOut: bigint;
  feePips: number;
  stableDecimals: number;
  securityDecimals: number;
}): { totalBps: number; impactBps: number; fee: bigint } {
  const fee = (t.amountIn * BigInt(t.feePips) + 999_999n) / 1_000_000n;
  const worseBy = (paid: bigint) => {
    const [stable, shares] = t.side === 'buy' ? [paid, t.amountOut] : [t.amountOut, paid];
    return priceImpactBps(t.side, t.mid, executionPrice(stable, shares, t.stableDecimals, t.securityDecimals));
  };
  return { totalBps: worseBy(t.amountIn), impactBps: worseBy(t.amountIn - fee), fee };
}

export type ImpactLevel = 'none' | 'notice' | 'warning' | 'danger' | 'confirm';

/** 1% notice, 3% warning, 5% danger; above 10% the trade needs a typed confirmation. */
export function impactLevel(bps: number): ImpactLevel {
  if (bps > 1_000) return 'confirm';
  if (bps >= 500) return 'danger';
  if (bps >= 300) return 'warning';
  if (bps >= 100) return 'notice';
  return 'none';
}

/** The least to accept for a quoted output, or the most to pay for a quoted input, `slippageBps` away. */
export function slippageBound(quoted: bigint, slippageBps: number, bound: 'min' | 'max'): bigint {
  const bps = BigInt(slippageBps);
  return bound === 'min' ? (quoted * (10_000n - bps)) / 10_000n : (quoted * (10_000n + bps) + 9_999n) / 10_000n;
}

/** What a person types to accept a trade more than 10% worse than mid. */
export const CONFIRM_WORD = 'confirm';

/** A typed confirmation, and the trade it was typed for (`tradeKey`). */
export interface Confirmation {
  trade: string;
  text: string;
}

/**
 * Everything a confirmation covers, as one key: the pool, the side, which amount is exact, that amount, the quote and
 * the slippage bound sent with it. Undefined while any is unknown (no quote yet): nothing can be confirmed then.
 */
export function tradeKey(t: { poolId: string; side: 'buy' | 'sell'; exact: 'in' | 'out'; amount?: bigint; quoted?: bigint; bound?: bigint }): string | undefined {
  if (t.amount === undefined || t.quoted === undefined || t.bound === undefined) return undefined;
  return [t.poolId, t.side, t.exact, t.amount, t.quoted, t.bound].join(':');
}

/** The confirmation's text if it was typed for `trade`, else '': any change to the trade clears it. */
export function confirmationText(c: Confirmation | undefined, trade: string | undefined): string {
  return c && trade !== undefined && c.trade === trade ? c.text : '';
}

export const isConfirmed = (c: Confirmation | undefined, trade: string | undefined) => confirmationText(c, trade).trim().toLowerCase() === CONFIRM_WORD;

/** The refusal of an order the pool's liquidity can't fill, with the size that would trade now (once it is known). */
export function notEnoughLiquidity(exact: 'in' | 'out', asked: bigint, largest: bigint | undefined, token: { symbol: string; decimals: number }): string {
  const amount = (n: bigint) => `${formatAmount(n, token.decimals)} ${token.symbol}`;
  const verb = exact === 'in' ? 'take' : 'pay out';
  if (largest === undefined) return `The pool's liquidity can't ${verb} ${amount(asked)}; working out the largest order it fills now…`;
  if (largest === 0n) return `The pool has no liquidity left in this direction: it would ${verb} nothing now.`;
  return `The pool's liquidity can't ${verb} ${amount(asked)}: the most it would ${verb} now is ${amount(largest)}.`;
}

/** What the swap form knows when it decides whether the order may be sent. */
export interface OrderCheck {
  side: 'buy' | 'sell';
  walletBlocker?: string;
  standing?: SecurityStanding;
  paused?: boolean;
  /** The typed amount parsed, or why it could not be. */
  input?: { ok: true } | { ok: false };
  quoteError?: string;
  /** Shares the order would bring the investor (a buy's output). */
  sharesIn?: bigint;
  /** Shares the order would move (either side), for the offering's minimum trade. */
  shares?: bigint;
  securityDecimals: number;
  /** What the order may cost at most, and what the investor has. */
  maxIn?: bigint;
  payBalance?: bigint;
  pay?: { symbol: string; decimals: number };
  settingsInvalid?: boolean;
  /** How much worse than mid (fee included) a trade is that needs a typed confirmation it does not have. */
  unconfirmedBps?: number;
}

/**
 * Why an order cannot be sent, first reason first, or undefined when it can: the wallet, a paused pool, the investor's
 * standing for this side (an exit-only investor may sell), the input, the quote, the offering's caps, the balance,
 * the settings, and a large price impact not yet confirmed. Shown before any wallet prompt.
 */
export function orderBlocker(c: OrderCheck): string | undefined {
  if (c.walletBlocker) return c.walletBlocker;
  if (c.paused) return POOL_PAUSED;
  const s = c.standing;
  if (s && c.side === 'buy' && s.reason !== 'Ok') return eligibilitySentence(s.reason, s.until);
  if (s && c.side === 'sell' && s.sellReason !== 'Ok') return eligibilitySentence(s.sellReason, s.sellUntil);
  if (!c.input || !c.input.ok) return undefined;
  if (c.quoteError) return c.quoteError;
  const limits = s?.limits;
  if (limits) {
    const shares = (n: bigint) => formatAmount(n, c.securityDecimals);
    if (c.shares !== undefined && limits.minTrade > 0n && c.shares < limits.minTrade) {
      return `The offering's minimum trade is ${shares(limits.minTrade)} shares; this order moves ${shares(c.shares)}.`;
    }
    const free = limits.holding - limits.locked;
    if (c.side === 'sell' && c.shares !== undefined && limits.locked > 0n && c.shares > free) {
      return `Only ${shares(free)} of your shares can move now; ${shares(limits.locked)} are locked in lots (a Rule 144 holding period or a partial freeze), the next released on ${formatDate(limits.nextRelease)}.`;
    }
    if (c.side === 'buy' && c.sharesIn !== undefined) {
      const full = offeringFull(limits);
      if (full) return full;
      if (limits.maxHolding > 0n && limits.holding + c.sharesIn > limits.maxHolding) {
        return `This would take your holding (all your wallets) to ${shares(limits.holding + c.sharesIn)} shares; the offering allows at most ${shares(limits.maxHolding)}.`;
      }
    }
  }
  if (c.maxIn !== undefined && c.payBalance !== undefined && c.pay && c.maxIn > c.payBalance) {
    return `You need up to ${formatAmount(c.maxIn, c.pay.decimals)} ${c.pay.symbol}; you have ${formatAmount(c.payBalance, c.pay.decimals)}.`;
  }
  if (c.settingsInvalid) return 'Fix the settings below.';
  if (c.unconfirmedBps !== undefined) {
    return `This trade is ${(c.unconfirmedBps / 100).toFixed(2)}% worse than the mid price (fee included), more than 10%: type "${CONFIRM_WORD}" to accept it.`;
  }
  return undefined;
}

/** A new holder meets a full book: why it cannot buy in, or undefined (existing holders always may). */
export function offeringFull(l: OfferingLimits): string | undefined {
  if (l.holding > 0n) return undefined;
  if (l.maxHolders > 0 && l.holders >= l.maxHolders) {
    return `The offering is full: ${l.holders} holders of record, the most it allows is ${l.maxHolders}. Only existing holders can buy until one sells out.`;
  }
  if (!l.accredited && l.maxNonAccredited > 0 && l.nonAccredited >= l.maxNonAccredited) {
    return `The offering has room for no more non-accredited holders (${l.nonAccredited} of ${l.maxNonAccredited}).`;
  }
  return undefined;
}
