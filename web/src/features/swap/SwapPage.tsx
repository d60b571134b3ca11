/**
 * Swap: an eligible investor buys or sells a security through UniversalRouter. The quote is V4Quoter's at the newest
 * block; the form says why it can't trade before anything is sent (a paused pool, eligibility, balance, a bad or
 * ambiguous amount, more than the pool can fill, an extreme price not confirmed for this very trade); payment goes
 * through Permit2 (approve the token once, then sign a permit that rides in the same transaction as the swap).
 */
import { useState } from 'react';
import { encodeFunctionData, erc20Abi, maxUint160, maxUint256 } from 'viem';
import { universalRouterAbi } from '../../../../sdk/abis/generated.ts';
import { poolKeyOf } from '../../../../sdk/manifest.ts';
import { encodeSwapExactInSingle, encodeSwapExactOutSingle, permitSingleTypedData, withPermit2Permit, type PermitSingle } from '../../../../sdk/periphery.ts';
import { Field, Panel, Skeleton, Stat } from '../../app/ui.tsx';
import { useBalance, useChainNow, useToken, useVenue } from '../../app/venue.tsx';
import { formatAmount, parseAmount, understoodAs } from '../../lib/amount.ts';
import { explainError } from '../../lib/revert.ts';
import { useSend } from '../../lib/useSend.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { useEligibility } from '../eligibility/useEligibility.ts';
import {
  CONFIRM_WORD,
  confirmationText,
  impactLevel,
  isConfirmed,
  midPrice,
  notEnoughLiquidity,
  orderBlocker,
  slippageBound,
  tradeCosts,
  tradeKey,
  type Confirmation,
  type ImpactLevel,
} from './logic.ts';
import { TxSettingsPanel } from '../../lib/TxSettingsPanel.tsx';
import { QuoteError, useLargestFill, usePermit2State, useQuote } from './queries.ts';
import { usePoolState } from '../../app/pools.ts';
import { useSwapSettings } from './settings.ts';

const PERMIT_LIFETIME_S = 30 * 86_400;
const PERMIT_SIGNATURE_LIFETIME_S = 30 * 60;

/** Worse than mid, the LP fee included: the stat's tone and the sentence under it. */
const IMPACT_WARNINGS: Record<ImpactLevel, string> = {
  none: '',
  notice: 'This trade is more than 1% worse than the mid price (fee included).',
  warning: 'High price impact: more than 3% worse than mid (fee included). Consider a smaller trade.',
  danger: 'Very high price impact: more than 5% worse than mid (fee included).',
  confirm: 'Extreme price impact: more than 10% worse than mid (fee included).',
};
const impactTone = (level: ImpactLevel) => (level === 'none' ? undefined : level === 'notice' ? 'warn' : 'bad');
const percent = (bps: number) => `${(bps / 100).toFixed(2)}%`;

export default function SwapPage() {
  const venue = useVenue();
  const { deployment } = venue;
  const { address, client: wallet } = useWalletStore();
  const { send, busy: sending, blocker: walletBlocker } = useSend();
  const [poolIndex, setPoolIndex] = useState(0);
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [exact, setExact] = useState<'in' | 'out'>('in');
  const [input, setInput] = useState('');
  const [confirmation, setConfirmation] = useState<Confirmation>();
  const [signing, setSigning] = useState(false);
  const busy = sending || signing;
  const [formError, setFormError] = useState<string>();
  const settings = useSwapSettings();

  const pool = deployment.pools[poolIndex];
  const stableIs0 = pool.currency0 === deployment.stablecoin;
  const security = useToken(pool.security).data;
  const stable = useToken(deployment.stablecoin).data;
  const payToken = side === 'buy' ? stable : security;
  const getToken = side === 'buy' ? security : stable;
  // Buying shares pays stablecoin: zeroForOne when the stablecoin is currency0.
  const zeroForOne = side === 'buy' ? stableIs0 : !stableIs0;

  const poolState = usePoolState(pool);
  const payBalance = useBalance(payToken?.address, address).data;
  const getBalance = useBalance(getToken?.address, address).data;
  const standing = useEligibility(address).data?.securities.find((s) => s.security === pool.security);
  const permit2 = usePermit2State(payToken?.address, address).data;
  const now = useChainNow();

  const typedToken = exact === 'in' ? payToken : getToken;
  const parsed = typedToken
    ? parseAmount(input, typedToken.decimals, exact === 'in' && payBalance !== undefined ? { max: payBalance, symbol: typedToken.symbol } : {})
    : undefined;
  const amount = parsed?.ok ? parsed.value : undefined;
  const quote = useQuote(amount !== undefined ? { pool, zeroForOne, exact, amount } : undefined);

  const fresh = quote.data && quote.data.request.amount === amount && quote.data.request.exact === exact && quote.data.request.zeroForOne === zeroForOne && quote.data.request.pool.poolId === pool.poolId;
  const quoted = fresh ? quote.data!.amount : undefined;
  const amountIn = exact === 'in' ? amount : quoted;
  const amountOut = exact === 'in' ? quoted : amount;
  const bound = quoted !== undefined ? slippageBound(quoted, settings.slippageBps, exact === 'in' ? 'min' : 'max') : undefined;
  const maxIn = exact === 'in' ? amountIn : bound;

  let mid: number | undefined;
  let costs: ReturnType<typeof tradeCosts> | undefined;
  if (poolState.data && security && stable) {
    mid = midPrice(poolState.data.sqrtPriceX96, stableIs0, stable.decimals, security.decimals);
    if (amountIn !== undefined && amountOut !== undefined) {
      costs = tradeCosts({ side, mid, amountIn, amountOut, feePips: poolState.data.lpFee, stableDecimals: stable.decimals, securityDecimals: security.decimals });
    }
  }
  const level = costs ? impactLevel(costs.totalBps) : 'none';
  // A typed confirmation covers this very trade: another amount, side, pool, quote or bound clears it for good.
  const trade = tradeKey({ poolId: pool.poolId, side, exact, amount, quoted, bound });
  if (confirmation && confirmation.trade !== trade) setConfirmation(undefined);

  // V4Quoter refuses an order larger than the pool can fill: say what does fill, from the pool's own liquidity.
  const short = quote.error instanceof QuoteError && quote.error.revert === 'NotEnoughLiquidity';
  const largest = useLargestFill(pool, short, zeroForOne, exact).data;
  const quoteError = short && typedToken ? notEnoughLiquidity(exact, amount!, largest, typedToken) : quote.error?.message;

  const blocker = orderBlocker({
    side,
    walletBlocker,
    standing,
    paused: poolState.data?.paused,
    input: parsed,
    quoteError,
    sharesIn: side === 'buy' ? amountOut : undefined,
    shares: side === 'buy' ? amountOut : amountIn,
    securityDecimals: security?.decimals ?? 18,
    maxIn,
    payBalance,
    pay: payToken,
    settingsInvalid: settings.invalid,
    unconfirmedBps: level === 'confirm' && !isConfirmed(confirmation, trade) ? costs?.totalBps : undefined,
  });
  const needsErc20Approval = permit2 !== undefined && maxIn !== undefined && permit2.erc20Allowance < maxIn;
  const ready = !blocker && parsed?.ok && quoted !== undefined && bound !== undefined && maxIn !== undefined && !busy;

  async function approvePermit2() {
    if (!payToken) return;
    await send(`Approve ${payToken.symbol} for Permit2`, payToken.address, encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [deployment.permit2, maxUint256] }));
  }

  async function swap() {
    if (!ready || !wallet || !payToken || !getToken || !permit2 || now === undefined) return;
    setFormError(undefined);
    try {
      const poolKey = poolKeyOf(pool);
      let call = exact === 'in'
        ? encodeSwapExactInSingle({ poolKey, zeroForOne, amountIn: amount!, amountOutMinimum: bound! })
        : encodeSwapExactOutSingle({ poolKey, zeroForOne, amountOut: amount!, amountInMaximum: bound! });
      // Permit2 lets UniversalRouter pull the payment only under a live permit: sign one if the current is short.
      if (permit2.permitAmount < maxIn! || permit2.permitExpiration <= now + 60) {
        const permit: PermitSingle = {
          details: { token: payToken.address, amount: maxUint160, expiration: now + PERMIT_LIFETIME_S, nonce: permit2.nonce },
          spender: deployment.universalRouter,
          sigDeadline: BigInt(now + PERMIT_SIGNATURE_LIFETIME_S),
        };
        setSigning(true);
        const signature = await wallet.signTypedData({ account: wallet.account!, ...permitSingleTypedData(permit, venue.config.chainId, deployment.permit2) }).finally(() => setSigning(false));
        call = withPermit2Permit(call, permit, signature);
      }
      const verb = side === 'buy' ? 'Buy' : 'Sell';
      const shares = side === 'buy' ? amountOut! : amountIn!;
      const receipt = await send(
        `${verb} ${formatAmount(shares, security!.decimals)} ${security!.symbol}`,
        deployment.universalRouter,
        encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [call.commands, call.inputs, BigInt(now + settings.deadlineMinutes * 60)] }),
      );
      if (receipt) {
        setInput('');
        setConfirmation(undefined);
      }
    } catch (err) {
      setFormError(explainError(err));
    }
  }

  const otherToken = exact === 'in' ? getToken : payToken;
  const otherSide = quoted !== undefined && otherToken ? formatAmount(quoted, otherToken.decimals, 6) : quote.isFetching && amount !== undefined ? '…' : '';

  return (
    <div className="swap-layout">
      <Panel title="Swap" className="swap">
        <div className="row">
          <label className="select">
            Pool
            <select value={poolIndex} onChange={(e) => (setPoolIndex(Number(e.target.value)), setInput(''))}>
              {deployment.pools.map((p, i) => (
                <option key={p.poolId} value={i}>{p.name}</option>
              ))}
            </select>
          </label>
          <div className="segmented" role="radiogroup" aria-label="Side">
            {(['buy', 'sell'] as const).map((s) => (
              <button key={s} role="radio" aria-checked={side === s} className={side === s ? 'on' : ''} onClick={() => (setSide(s), setInput(''))}>
                {s === 'buy' ? 'Buy' : 'Sell'}
              </button>
            ))}
          </div>
          <div className="segmented" role="radiogroup" aria-label="Exact amount">
            {(['in', 'out'] as const).map((x) => (
              <button key={x} role="radio" aria-checked={exact === x} className={exact === x ? 'on' : ''} onClick={() => (setExact(x), setInput(''))}>
                {x === 'in' ? 'Exact pay' : 'Exact receive'}
              </button>
            ))}
          </div>
        </div>
        {!payToken || !getToken ? (
          <Skeleton lines={3} label="Loading tokens" />
        ) : (
          <>
            <Field
              label={exact === 'in' ? `You pay (${payToken.symbol})` : `You receive (${getToken.symbol})`}
              inputMode="decimal"
              autoComplete="off"
              placeholder="0.0"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              error={input !== '' && parsed && !parsed.ok ? parsed.error : undefined}
              suffix={amount !== undefined && <output className="understood" data-testid="swap-understood">{understoodAs(amount, typedToken!.decimals, typedToken!.symbol)}</output>}
              hint={exact === 'in' && payBalance !== undefined ? `Balance: ${formatAmount(payBalance, payToken.decimals)} ${payToken.symbol}` : getBalance !== undefined ? `Balance: ${formatAmount(getBalance, getToken.decimals)} ${getToken.symbol}` : undefined}
              data-testid="swap-amount"
            />
            <div className="quote-line" data-testid="swap-quote" aria-live="polite">
              {exact === 'in' ? `You receive (${getToken.symbol})` : `You pay (${payToken.symbol})`}: <strong>{otherSide || '—'}</strong>
            </div>
            <dl className="facts">
              <Stat label="Mid price" value={mid !== undefined ? `${mid.toFixed(4)} ${stable?.symbol}` : '…'} />
              <Stat label="Price impact" value={<span data-testid="swap-impact">{costs ? percent(costs.impactBps) : '—'}</span>} tone={impactTone(level)} />
              <Stat
                label={poolState.data ? `LP fee (${percent(poolState.data.lpFee / 100)})` : 'LP fee'}
                value={<span data-testid="swap-fee">{costs ? `${formatAmount(costs.fee, payToken.decimals, 6)} ${payToken.symbol}` : '—'}</span>}
              />
              <Stat label={exact === 'in' ? 'Minimum received' : 'Maximum sold'} value={bound !== undefined ? `${formatAmount(bound, otherToken!.decimals, 6)} ${otherToken!.symbol}` : '—'} />
            </dl>
            {level !== 'none' && (
              <p className={`impact ${level}`} role="alert" data-testid="impact-warning">
                {IMPACT_WARNINGS[level]}
              </p>
            )}
            {level === 'confirm' && (
              <Field
                label={`Type "${CONFIRM_WORD}" to accept this price`}
                value={confirmationText(confirmation, trade)}
                onChange={(e) => trade && setConfirmation({ trade, text: e.target.value })}
              />
            )}
            <TxSettingsPanel useSettings={useSwapSettings} testId="slippage" />
            {blocker && <p className="blocker" role="alert" data-testid="swap-blocker">{blocker}</p>}
            {formError && <p className="blocker" role="alert">{formError}</p>}
            {needsErc20Approval && !blocker ? (
              <button className="primary" onClick={() => void approvePermit2()} disabled={busy}>
                Approve {payToken.symbol} (once, for Permit2)
              </button>
            ) : (
              <button className="primary" onClick={() => void swap()} disabled={!ready} data-testid="swap-submit">
                {busy ? 'Working…' : side === 'buy' ? `Buy ${security?.symbol}` : `Sell ${security?.symbol}`}
              </button>
            )}
          </>
        )}
      </Panel>
    </div>
  );
}
