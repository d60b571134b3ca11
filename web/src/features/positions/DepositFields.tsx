/**
 * Deposit amounts for a range: the person types one token's amount, the other is what the same liquidity costs at
 * the pool's price. Out of range only one token is taken, and the other field says so.
 */
import { useState } from 'react';
import { Field } from '../../app/ui.tsx';
import { useBalance } from '../../app/venue.tsx';
import { amountInput, formatAmount, parseAmount, understoodAs } from '../../lib/amount.ts';
import { useWalletStore } from '../../wallet/store.ts';
import type { PoolTokens } from './hooks.ts';
import { useEligibility } from '../eligibility/useEligibility.ts';
import { depositFromAmount, depositSides, spendableShares, type Deposit, type PoolPoint, type TickRange } from './logic.ts';

export interface DepositInput {
  /** Which token the person typed. */
  which: 'stable' | 'security';
  text: string;
}

export interface DepositForm {
  input: DepositInput;
  setInput(input: DepositInput): void;
  /** The typed amount as understood (shown beside its field), when it parses. */
  typedAmount?: bigint;
  /** The liquidity and what it costs, when the typed amount is valid for the range. */
  deposit?: Deposit;
  /** A problem per currency (index 0 and 1), shown under its field. */
  errors: [string | undefined, string | undefined];
  /** Which currencies the range takes at the current price. */
  sides: [boolean, boolean];
  balances: [bigint | undefined, bigint | undefined];
}

export function useDepositForm(tokens: PoolTokens | undefined, point: PoolPoint | undefined, range: TickRange | undefined): DepositForm {
  const address = useWalletStore((s) => s.address);
  const [input, setInput] = useState<DepositInput>({ which: 'stable', text: '' });
  const standing = useEligibility(address).data;
  const raw: [bigint | undefined, bigint | undefined] = [useBalance(tokens?.tokens[0].address, address).data, useBalance(tokens?.tokens[1].address, address).data];
  // Shares locked in lots cannot be deposited: what this wallet can put in is at most its identity's free shares.
  const securityLimits = tokens && standing?.securities.find((s) => s.security.toLowerCase() === tokens.tokens[tokens.securityIndex].address.toLowerCase())?.limits;
  const balances = raw.map((b, i) => (tokens && i === tokens.securityIndex ? spendableShares(b, securityLimits) : b)) as [bigint | undefined, bigint | undefined];
  const sides = point && range ? depositSides(point, range.tickLower, range.tickUpper) : ([true, true] as [boolean, boolean]);
  const errors: [string | undefined, string | undefined] = [undefined, undefined];
  if (!tokens) return { input, setInput, errors, sides, balances };

  const stableIndex = tokens.securityIndex === 0 ? 1 : 0;
  const typed = input.which === 'stable' ? stableIndex : tokens.securityIndex;
  const other = typed === 0 ? 1 : 0;
  const token = tokens.tokens[typed];
  let deposit: Deposit | undefined;
  let typedAmount: bigint | undefined;
  if (input.text.trim() !== '' && sides[typed]) {
    const parsed = parseAmount(input.text, token.decimals, balances[typed] !== undefined ? { max: balances[typed], symbol: token.symbol } : {});
    if (!parsed.ok) errors[typed] = parsed.error;
    else typedAmount = parsed.value;
    if (parsed.ok && point && range) {
      const result = depositFromAmount(point, range.tickLower, range.tickUpper, typed, parsed.value);
      if (!result.ok) errors[typed] = result.error;
      else {
        deposit = result.value;
        const cost = other === 0 ? deposit.amount0 : deposit.amount1;
        const have = balances[other];
        if (have !== undefined && cost > have) {
          const t = tokens.tokens[other];
          errors[other] = `This needs ${formatAmount(cost, t.decimals)} ${t.symbol}; you have ${formatAmount(have, t.decimals)}`;
        }
      }
    }
  }
  return { input, setInput, typedAmount, deposit, errors, sides, balances };
}

/** The two amount fields, the security first (as the pool's name reads). */
export function DepositFields({ form, tokens, testidPrefix }: { form: DepositForm; tokens: PoolTokens; testidPrefix: string }) {
  const order = tokens.securityIndex === 0 ? ([0, 1] as const) : ([1, 0] as const);
  const stableIndex = tokens.securityIndex === 0 ? 1 : 0;
  const typed = form.input.which === 'stable' ? stableIndex : tokens.securityIndex;
  const onlyToken = !form.sides[0] ? tokens.tokens[1] : !form.sides[1] ? tokens.tokens[0] : undefined;
  return (
    <div className="lp-deposit">
      {order.map((index) => {
        const token = tokens.tokens[index];
        const which = index === stableIndex ? 'stable' : 'security';
        const taken = form.sides[index];
        const cost = form.deposit ? (index === 0 ? form.deposit.amount0 : form.deposit.amount1) : undefined;
        const balance = form.balances[index];
        return (
          <Field
            key={token.address}
            label={`${token.symbol} amount`}
            inputMode="decimal"
            autoComplete="off"
            placeholder={taken ? '0.0' : 'not needed'}
            value={fieldText(form, index, typed, cost, token.decimals)}
            disabled={!taken}
            onChange={(e) => form.setInput({ which, text: e.target.value })}
            error={form.errors[index]}
            hint={fieldHint(taken, onlyToken?.symbol, balance, token, index !== typed && cost !== undefined)}
            suffix={
              <>
                {index === typed && form.typedAmount !== undefined && (
                  <output className="understood" data-testid={`${testidPrefix}-understood-${which}`}>{understoodAs(form.typedAmount, token.decimals, token.symbol)}</output>
                )}
                {taken && balance !== undefined && (
                  <button type="button" className="link" onClick={() => form.setInput({ which, text: amountInput(balance, token.decimals) })} aria-label={`Use all my ${token.symbol}`}>
                    Max
                  </button>
                )}
              </>
            }
            data-testid={`${testidPrefix}-amount-${which}`}
          />
        );
      })}
    </div>
  );
}

/** What a field shows: the typed text in the typed one, the computed cost in the other (as the locale types it). */
function fieldText(form: DepositForm, index: number, typed: number, cost: bigint | undefined, decimals: number): string {
  if (!form.sides[index]) return '';
  if (index === typed) return form.input.text;
  if (cost === undefined) return '';
  return amountInput(cost, decimals, Math.min(decimals, 8));
}

function fieldHint(taken: boolean, onlySymbol: string | undefined, balance: bigint | undefined, token: { symbol: string; decimals: number }, computed: boolean): string | undefined {
  if (!taken) return `At the current price this range takes only ${onlySymbol}.`;
  if (balance === undefined) return undefined;
  return `Balance: ${formatAmount(balance, token.decimals)} ${token.symbol}${computed ? ' · computed from the other amount' : ''}`;
}
