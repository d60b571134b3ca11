/** How positions' numbers read on the page. */
import { formatAmount } from '../../lib/amount.ts';
import type { PoolTokens } from './hooks.ts';
import type { Amounts } from './logic.ts';

/** "0.06 ACME-A + 1.5 dUSD", the security first (as the pool's name reads); a zero side is left out unless both are zero. */
export function amountsText(a: Amounts, tokens: PoolTokens): string {
  const order = tokens.securityIndex === 0 ? ([0, 1] as const) : ([1, 0] as const);
  const parts = order
    .map((i) => ({ value: i === 0 ? a.amount0 : a.amount1, token: tokens.tokens[i] }))
    .filter((p) => p.value > 0n)
    .map((p) => `${formatAmount(p.value, p.token.decimals, p.token.address === tokens.stable.address ? 2 : 4)} ${p.token.symbol}`);
  return parts.length > 0 ? parts.join(' + ') : '0';
}

/** Liquidity (a raw v4 unit, not a token amount) in short form; the exact value is in the title. */
export function compactLiquidity(liquidity: bigint): string {
  return Number(liquidity).toLocaleString('en-US', { notation: 'compact', maximumSignificantDigits: 4 });
}
