/**
 * One position: its range against the current price, status, liquidity, what it holds now and its uncollected fees;
 * and its actions. Increase is for eligible investors only (the gate refuses others); decrease, collect and close
 * are open to every owner, always (the gate never blocks an exit).
 */
import { useState } from 'react';
import { poolKeyOf } from '../../../../sdk/manifest.ts';
import { encodeBurnPosition, encodeCollectFees, encodeDecreaseLiquidity, encodeIncreaseLiquidity } from '../../../../sdk/periphery.ts';
import { Field, Stat } from '../../app/ui.tsx';
import { parsePercent } from '../../lib/amount.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { ApprovalSteps, useMissingApprovals } from './ApprovalSteps.tsx';
import { DepositFields, useDepositForm } from './DepositFields.tsx';
import { useAddBlocker, useModifyLiquidities, type PoolTokens } from './hooks.ts';
import {
  amountsForLiquidity,
  formatPrice,
  isFullRange,
  liquidityForPercent,
  maxAmountsForAdd,
  gatedExitMinimums,
  minAmountsForRemove,
  priceAtSqrtPrice,
  priceVersusRange,
  rangePrices,
  type Amounts,
} from './logic.ts';
import type { PoolState } from '../../app/pools.ts';
import type { Position } from './queries.ts';
import { amountsText, compactLiquidity } from './format.ts';
import { RangeChart } from './RangeChart.tsx';
import { useLiquiditySettings } from './settings.ts';

type Action = 'increase' | 'decrease' | 'collect' | 'close';

/** What amounts are worth in the stablecoin at the current price. */
function valueInStable(a: Amounts, tokens: PoolTokens, price: number): number {
  const stable = tokens.securityIndex === 0 ? a.amount1 : a.amount0;
  const shares = tokens.securityIndex === 0 ? a.amount0 : a.amount1;
  return Number(stable) / 10 ** tokens.stable.decimals + (Number(shares) / 10 ** tokens.security.decimals) * price;
}

const money = (n: number, symbol: string) => `${n.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 })} ${symbol}`;

export function PositionCard({ position, state, tokens }: { position: Position; state: PoolState; tokens: PoolTokens }) {
  const [action, setAction] = useState<Action | undefined>();
  const o = tokens.orientation;
  const unit = `${tokens.stable.symbol} per ${tokens.security.symbol}`;
  const current = priceAtSqrtPrice(state.sqrtPriceX96, o);
  const full = isFullRange(position.tickLower, position.tickUpper, position.pool.tickSpacing);
  const prices = rangePrices(position.tickLower, position.tickUpper, o);
  const where = priceVersusRange(state.tick, position.tickLower, position.tickUpper, o.stableIs0);
  const empty = position.liquidity === 0n;
  const hasFees = position.fees.amount0 > 0n || position.fees.amount1 > 0n;
  const actions: Action[] = empty ? ['collect', 'close'] : ['increase', 'decrease', 'collect', 'close'];
  const label = { increase: 'Increase', decrease: 'Remove', collect: 'Collect fees', close: 'Close' };

  return (
    <article className="panel lp-card" aria-label={`${position.pool.name} position #${position.tokenId}`} data-testid="position-card" data-token-id={position.tokenId.toString()}>
      <header className="panel-head">
        <h3>
          {position.pool.name} <span className="muted">#{position.tokenId.toString()}</span>
        </h3>
        <span className={`tag ${empty ? '' : where === 'inside' ? 'good' : 'warn'}`} data-testid="position-status">
          {empty ? 'Empty' : where === 'inside' ? 'In range' : 'Out of range'}
        </span>
      </header>
      <p className="lp-range" data-testid="position-range">
        {full ? (
          <>Full range <span className="muted">(0 → ∞)</span></>
        ) : (
          <>
            {formatPrice(prices.min)} – {formatPrice(prices.max)} <span className="muted">{unit}</span>
          </>
        )}
        {!empty && where !== 'inside' && (
          <span className="muted"> · price is {where} the range: holds only {where === 'above' ? tokens.stable.symbol : tokens.security.symbol}</span>
        )}
      </p>
      <RangeChart current={current} range={full ? 'full' : prices} unit={unit} compact />
      <dl className="facts lp-card-facts">
        <Stat label="Holds now" value={<span data-testid="position-amounts">{amountsText(position.principal, tokens)}</span>} />
        <Stat label="Value now" value={money(valueInStable(position.principal, tokens, current), tokens.stable.symbol)} />
        <Stat label="Uncollected fees" value={<span data-testid="position-fees">{amountsText(position.fees, tokens)}</span>} tone={hasFees ? 'good' : undefined} />
        <Stat label="Liquidity" value={<span data-testid="position-liquidity" title={position.liquidity.toString()}>{compactLiquidity(position.liquidity)}</span>} />
      </dl>
      <div className="segmented lp-actions" role="radiogroup" aria-label={`Manage position #${position.tokenId}`}>
        {actions.map((a) => (
          <button key={a} role="radio" aria-checked={action === a} className={action === a ? 'on' : ''} onClick={() => setAction(action === a ? undefined : a)}>
            {label[a]}
          </button>
        ))}
      </div>
      {action === 'increase' && !empty && <IncreaseForm position={position} state={state} tokens={tokens} />}
      {action === 'decrease' && !empty && <DecreaseForm position={position} state={state} tokens={tokens} />}
      {action === 'collect' && <CollectForm position={position} tokens={tokens} />}
      {action === 'close' && <CloseForm position={position} state={state} tokens={tokens} />}
    </article>
  );
}

function IncreaseForm({ position, state, tokens }: { position: Position; state: PoolState; tokens: PoolTokens }) {
  const { pool, tokenId } = position;
  const settings = useLiquiditySettings();
  const { modify, busy } = useModifyLiquidities();
  const addBlocker = useAddBlocker(pool, state);
  const range = { tickLower: position.tickLower, tickUpper: position.tickUpper };
  const form = useDepositForm(tokens, state, range);
  const deposit = form.deposit;
  const max = deposit ? maxAmountsForAdd(state, range.tickLower, range.tickUpper, deposit.liquidity, settings.slippageBps) : undefined;
  const needs = max ? [{ token: pool.currency0, amount: max.amount0 }, { token: pool.currency1, amount: max.amount1 }] : [];
  const missing = useMissingApprovals(needs);
  // Bad input is named under its own field; the blocker says only what no field shows.
  const blocker = addBlocker ?? (settings.invalid ? 'Fix the settings above.' : undefined);
  const ready = !blocker && form.errors.every((e) => e === undefined) && deposit !== undefined && max !== undefined && missing?.length === 0 && !busy;

  async function increase() {
    if (!ready || !deposit || !max) return;
    const receipt = await modify(
      `Increase ${pool.name} #${tokenId}`,
      encodeIncreaseLiquidity({ poolKey: poolKeyOf(pool), tokenId, liquidity: deposit.liquidity, amount0Max: max.amount0, amount1Max: max.amount1 }),
    );
    if (receipt) form.setInput({ ...form.input, text: '' });
  }

  return (
    <div className="lp-form" data-testid="increase-form">
      <DepositFields form={form} tokens={tokens} testidPrefix="increase" />
      <dl className="facts">
        <Stat label="You deposit" value={deposit ? amountsText(deposit, tokens) : '—'} />
        <Stat label={`At most (±${settings.slippageBps / 100}% price)`} value={max ? amountsText(max, tokens) : '—'} />
        <Stat label="Fees collected with it" value={amountsText(position.fees, tokens)} />
      </dl>
      {blocker && <p className="blocker" role="alert" data-testid="increase-blocker">{blocker}</p>}
      {/* Approving is pointless while the add is refused anyway: the steps appear once it isn't. */}
      {!blocker && <ApprovalSteps needs={needs} tokens={tokens.tokens} />}
      <button className="primary" onClick={() => void increase()} disabled={!ready} data-testid="increase-submit">
        {busy ? 'Working…' : 'Add to position'}
      </button>
    </div>
  );
}

const PERCENTS = [25, 50, 75, 100] as const;

function DecreaseForm({ position, state, tokens }: { position: Position; state: PoolState; tokens: PoolTokens }) {
  const { pool, tokenId } = position;
  const address = useWalletStore((s) => s.address);
  const settings = useLiquiditySettings();
  const { modify, busy, blocker: walletBlocker } = useModifyLiquidities();
  const [percentText, setPercentText] = useState('50');
  const percent = parsePercent(percentText, 0.01, 100);
  const liquidity = percent.ok ? liquidityForPercent(position.liquidity, percent.value) : 0n;
  const expected = amountsForLiquidity(state, position.tickLower, position.tickUpper, liquidity, 'down');
  const min = gatedExitMinimums(
    minAmountsForRemove(state, position.tickLower, position.tickUpper, liquidity, settings.slippageBps),
    pool.currency0 === pool.security,
  );
  const blocker =
    walletBlocker ??
    (!percent.ok ? undefined : liquidity === 0n ? 'That share of the position is too small to remove.' : undefined) ??
    (settings.invalid ? 'Fix the settings above.' : undefined);
  const ready = !blocker && percent.ok && liquidity > 0n && !busy && address !== undefined;

  async function decrease() {
    if (!ready || !address) return;
    const receipt = await modify(
      `Remove ${percentText}% of ${pool.name} #${tokenId}`,
      encodeDecreaseLiquidity({ poolKey: poolKeyOf(pool), tokenId, liquidity, amount0Min: min.amount0, amount1Min: min.amount1, recipient: address }),
    );
    if (receipt) setPercentText('50');
  }

  return (
    <div className="lp-form" data-testid="decrease-form">
      <div className="row">
        <Field
          label="Share of the position to remove (%)"
          inputMode="decimal"
          value={percentText}
          onChange={(e) => setPercentText(e.target.value)}
          error={percent.ok ? undefined : percent.error}
          data-testid="decrease-percent"
        />
        <div className="lp-presets" role="group" aria-label="Share presets">
          {PERCENTS.map((p) => (
            <button key={p} type="button" onClick={() => setPercentText(String(p))} aria-pressed={percentText === String(p)}>
              {p}%
            </button>
          ))}
        </div>
      </div>
      <dl className="facts">
        <Stat label="You receive" value={percent.ok ? amountsText(expected, tokens) : '—'} />
        <Stat label={`At least (±${settings.slippageBps / 100}% price)`} value={percent.ok ? amountsText(min, tokens) : '—'} />
        <Stat label="Plus all uncollected fees" value={amountsText(position.fees, tokens)} />
      </dl>
      {percent.ok && percent.value === 10_000 && <p className="muted lp-note">Removes all liquidity and keeps the empty position; Close also burns it.</p>}
      {blocker && <p className="blocker" role="alert">{blocker}</p>}
      <button className="primary" onClick={() => void decrease()} disabled={!ready} data-testid="decrease-submit">
        {busy ? 'Working…' : 'Remove liquidity'}
      </button>
    </div>
  );
}

function CollectForm({ position, tokens }: { position: Position; tokens: PoolTokens }) {
  const { pool, tokenId } = position;
  const address = useWalletStore((s) => s.address);
  const { modify, busy, blocker: walletBlocker } = useModifyLiquidities();
  const hasFees = position.fees.amount0 > 0n || position.fees.amount1 > 0n;
  const blocker = walletBlocker ?? (hasFees ? undefined : 'No fees to collect yet: they accrue as trades cross the range.');
  const ready = !blocker && !busy && address !== undefined;

  async function collect() {
    if (!ready || !address) return;
    await modify(`Collect fees of ${pool.name} #${tokenId}`, encodeCollectFees({ poolKey: poolKeyOf(pool), tokenId, recipient: address }));
  }

  return (
    <div className="lp-form" data-testid="collect-form">
      <dl className="facts">
        <Stat label="You collect" value={amountsText(position.fees, tokens)} tone={hasFees ? 'good' : undefined} />
      </dl>
      {blocker && <p className="blocker" role="alert">{blocker}</p>}
      <button className="primary" onClick={() => void collect()} disabled={!ready} data-testid="collect-submit">
        {busy ? 'Working…' : 'Collect fees'}
      </button>
    </div>
  );
}

function CloseForm({ position, state, tokens }: { position: Position; state: PoolState; tokens: PoolTokens }) {
  const { pool, tokenId } = position;
  const address = useWalletStore((s) => s.address);
  const settings = useLiquiditySettings();
  const { modify, busy, blocker: walletBlocker } = useModifyLiquidities();
  const min = gatedExitMinimums(
    minAmountsForRemove(state, position.tickLower, position.tickUpper, position.liquidity, settings.slippageBps),
    pool.currency0 === pool.security,
  );
  const blocker = walletBlocker ?? (settings.invalid ? 'Fix the settings above.' : undefined);
  const ready = !blocker && !busy && address !== undefined;

  async function close() {
    if (!ready || !address) return;
    await modify(
      `Close ${pool.name} #${tokenId}`,
      encodeBurnPosition({ poolKey: poolKeyOf(pool), tokenId, amount0Min: min.amount0, amount1Min: min.amount1, recipient: address }),
    );
  }

  return (
    <div className="lp-form" data-testid="close-form">
      <dl className="facts">
        <Stat label="You receive" value={amountsText(position.principal, tokens)} />
        <Stat label={`At least (±${settings.slippageBps / 100}% price)`} value={amountsText(min, tokens)} />
        <Stat label="Plus uncollected fees" value={amountsText(position.fees, tokens)} />
      </dl>
      <p className="muted lp-note">Closing removes all liquidity, collects the fees and burns the position NFT.</p>
      {blocker && <p className="blocker" role="alert">{blocker}</p>}
      <button className="primary danger" onClick={() => void close()} disabled={!ready} data-testid="close-submit">
        {busy ? 'Working…' : 'Close position'}
      </button>
    </div>
  );
}
