/**
 * Open a position: a pool, full range or a price range (dollars per share, snapped to the pool's tick spacing and
 * drawn against the current price), one deposit amount (the other computed), then PositionManager MINT_POSITION +
 * SETTLE_PAIR with amount0Max/amount1Max from the price tolerance.
 */
import { useState } from 'react';
import { poolKeyOf } from '../../../../sdk/manifest.ts';
import { encodeMintPosition } from '../../../../sdk/periphery.ts';
import { Field, Panel, Skeleton, Stat } from '../../app/ui.tsx';
import { useVenue } from '../../app/venue.tsx';
import { useWalletStore } from '../../wallet/store.ts';
import { ApprovalSteps, useMissingApprovals } from './ApprovalSteps.tsx';
import { DepositFields, useDepositForm } from './DepositFields.tsx';
import { useAddBlocker, useLatest, useModifyLiquidities, usePoolTokens, type PoolTokens } from './hooks.ts';
import {
  formatPrice,
  fullRangeTicks,
  maxAmountsForAdd,
  parsePrice,
  priceAtSqrtPrice,
  priceVersusRange,
  rangeFromPrices,
  rangePrices,
  snapTick,
  stepPrice,
  tickAtPrice,
  priceAtTick,
  type Orientation,
  type TickRange,
} from './logic.ts';
import { usePoolState, type PoolState } from '../../app/pools.ts';
import { amountsText, compactLiquidity } from './format.ts';
import { RangeChart } from './RangeChart.tsx';
import { useLiquiditySettings } from './settings.ts';

const PRESETS = [5, 10, 25, 50] as const;

export function OpenPosition() {
  const { deployment } = useVenue();
  const [poolIndex, setPoolIndex] = useState(0);
  const pool = deployment.pools[poolIndex];
  return (
    <Panel title="Open a position" className="lp-open">
      <label className="select">
        Pool
        <select value={poolIndex} onChange={(e) => setPoolIndex(Number(e.target.value))} data-testid="open-pool">
          {deployment.pools.map((p, i) => (
            <option key={p.poolId} value={i}>{p.name}</option>
          ))}
        </select>
      </label>
      {/* Keyed by pool: a new pool starts a fresh form (its prices and tokens differ). */}
      <OpenForm key={pool.poolId} poolIndex={poolIndex} />
    </Panel>
  );
}

function OpenForm({ poolIndex }: { poolIndex: number }) {
  const { deployment } = useVenue();
  const pool = deployment.pools[poolIndex];
  const tokens = usePoolTokens(pool);
  const state = useLatest(usePoolState(pool).data);
  if (!tokens || !state) return <Skeleton lines={6} label="Loading the pool" />;
  return <OpenFormLoaded poolIndex={poolIndex} tokens={tokens} state={state} />;
}

function presetTexts(current: number, pct: number, o: Orientation, spacing: number) {
  const snapped = (p: number) => formatPrice(priceAtTick(snapTick(tickAtPrice(p, o), spacing), o));
  return { min: snapped(current * (1 - pct / 100)), max: snapped(current * (1 + pct / 100)) };
}

function OpenFormLoaded({ poolIndex, tokens, state }: { poolIndex: number; tokens: PoolTokens; state: PoolState }) {
  const { deployment } = useVenue();
  const pool = deployment.pools[poolIndex];
  const address = useWalletStore((s) => s.address);
  const o = tokens.orientation;
  const unit = `${tokens.stable.symbol} per ${tokens.security.symbol}`;
  const current = priceAtSqrtPrice(state.sqrtPriceX96, o);
  const [mode, setMode] = useState<'range' | 'full'>('range');
  // The form opens on ±10% around the current price, snapped to the spacing.
  const [initial] = useState(() => presetTexts(current, 10, o, pool.tickSpacing));
  const [minText, setMinText] = useState(initial.min);
  const [maxText, setMaxText] = useState(initial.max);
  const settings = useLiquiditySettings();
  const { modify, busy } = useModifyLiquidities();
  const addBlocker = useAddBlocker(pool, state);

  const minParsed = parsePrice(minText);
  const maxParsed = parsePrice(maxText);
  const rangeParsed = minParsed.ok && maxParsed.ok ? rangeFromPrices(minParsed.value, maxParsed.value, o, pool.tickSpacing) : undefined;
  const range: TickRange | undefined = mode === 'full' ? fullRangeTicks(pool.tickSpacing) : rangeParsed?.ok ? rangeParsed.value : undefined;
  const prices = range && mode === 'range' ? rangePrices(range.tickLower, range.tickUpper, o) : undefined;

  const form = useDepositForm(tokens, state, range);
  const deposit = form.deposit;
  const max = deposit && range ? maxAmountsForAdd(state, range.tickLower, range.tickUpper, deposit.liquidity, settings.slippageBps) : undefined;
  const needs = max ? [{ token: pool.currency0, amount: max.amount0 }, { token: pool.currency1, amount: max.amount1 }] : [];
  const missing = useMissingApprovals(needs);

  const snappedHint = (p: { ok: boolean; value?: number }) => {
    if (!p.ok || p.value === undefined) return undefined;
    const snapped = priceAtTick(snapTick(tickAtPrice(p.value, o), pool.tickSpacing), o);
    return `Snaps to ${formatPrice(snapped)} (tick spacing ${pool.tickSpacing})`;
  };
  const onBlurSnap = (text: string, set: (t: string) => void) => {
    const p = parsePrice(text);
    if (p.ok) set(formatPrice(priceAtTick(snapTick(tickAtPrice(p.value, o), pool.tickSpacing), o)));
  };
  const step = (text: string, set: (t: string) => void, direction: 1 | -1) => {
    const p = parsePrice(text);
    set(formatPrice(stepPrice(p.ok ? p.value : current, direction, o, pool.tickSpacing)));
  };

  const rangeError = mode === 'range' && rangeParsed && !rangeParsed.ok ? rangeParsed.error : undefined;
  // Bad input is named under its own field; the blocker says only what no field shows.
  const blocker = addBlocker ?? (settings.invalid ? 'Fix the settings above.' : undefined);
  const ready = !blocker && range !== undefined && form.errors.every((e) => e === undefined) && deposit !== undefined && max !== undefined && missing !== undefined && missing.length === 0 && !busy;
  const where = range ? priceVersusRange(state.tick, range.tickLower, range.tickUpper, o.stableIs0) : undefined;

  async function open() {
    if (!ready || !range || !deposit || !max || !address) return;
    const receipt = await modify(
      `Open ${pool.name} position`,
      encodeMintPosition({
        poolKey: poolKeyOf(pool),
        tickLower: range.tickLower,
        tickUpper: range.tickUpper,
        liquidity: deposit.liquidity,
        amount0Max: max.amount0,
        amount1Max: max.amount1,
        owner: address,
      }),
    );
    if (receipt) form.setInput({ ...form.input, text: '' });
  }

  return (
    <div className="lp-open-body">
      <div className="lp-open-inputs">
        <div className="row">
          <div className="segmented" role="radiogroup" aria-label="Range">
            {(['range', 'full'] as const).map((m) => (
              <button key={m} role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)}>
                {m === 'range' ? 'Price range' : 'Full range'}
              </button>
            ))}
          </div>
          {mode === 'range' && (
            <div className="lp-presets" role="group" aria-label="Range around the current price">
              {PRESETS.map((pct) => (
                <button
                  key={pct}
                  type="button"
                  onClick={() => {
                    const t = presetTexts(current, pct, o, pool.tickSpacing);
                    setMinText(t.min);
                    setMaxText(t.max);
                  }}
                >
                  ±{pct}%
                </button>
              ))}
            </div>
          )}
        </div>
        <p className="lp-current" data-testid="open-current-price">
          Current price: <strong>{formatPrice(current)}</strong> {unit}
        </p>
        {mode === 'range' ? (
          <div className="grid-2">
            <Field
              label={`Min price (${unit})`}
              inputMode="decimal"
              autoComplete="off"
              value={minText}
              onChange={(e) => setMinText(e.target.value)}
              onBlur={() => onBlurSnap(minText, setMinText)}
              error={minParsed.ok ? undefined : minParsed.error}
              hint={snappedHint(minParsed)}
              suffix={<Stepper label="min price" onStep={(d) => step(minText, setMinText, d)} />}
              data-testid="open-min-price"
            />
            <Field
              label={`Max price (${unit})`}
              inputMode="decimal"
              autoComplete="off"
              value={maxText}
              onChange={(e) => setMaxText(e.target.value)}
              onBlur={() => onBlurSnap(maxText, setMaxText)}
              error={!maxParsed.ok ? maxParsed.error : rangeError}
              hint={snappedHint(maxParsed)}
              suffix={<Stepper label="max price" onStep={(d) => step(maxText, setMaxText, d)} />}
              data-testid="open-max-price"
            />
          </div>
        ) : (
          <p className="muted lp-note">Full range: the position earns fees at every price, from 0 to ∞, and is never out of range.</p>
        )}
        {where && (
          <p className={`lp-where ${where === 'inside' ? 'good' : 'warn'}`} data-testid="open-range-status">
            {where === 'inside'
              ? 'The current price is inside this range: you deposit both tokens and earn fees now.'
              : where === 'above'
                ? `The current price is above this range: you deposit only ${tokens.stable.symbol}, and earn fees once the price falls into it.`
                : `The current price is below this range: you deposit only ${tokens.security.symbol}, and earn fees once the price rises into it.`}
          </p>
        )}
        <DepositFields form={form} tokens={tokens} testidPrefix="open" />
      </div>
      <div className="lp-open-preview">
        <RangeChart current={current} range={mode === 'full' ? 'full' : prices} unit={unit} />
        <dl className="facts lp-facts">
          <Stat label="Range" value={mode === 'full' ? 'Full range' : prices ? `${formatPrice(prices.min)} – ${formatPrice(prices.max)}` : '—'} />
          <Stat label="Liquidity" value={deposit ? <span title={deposit.liquidity.toString()}>{compactLiquidity(deposit.liquidity)}</span> : '—'} />
          <Stat label="You deposit" value={deposit ? amountsText(deposit, tokens) : '—'} />
          <Stat label={`At most (±${settings.slippageBps / 100}% price)`} value={max ? amountsText(max, tokens) : '—'} />
        </dl>
      </div>
      <div className="lp-open-actions">
        {blocker && <p className="blocker" role="alert" data-testid="open-blocker">{blocker}</p>}
        {!blocker && <ApprovalSteps needs={needs} tokens={tokens.tokens} />}
        <button className="primary" onClick={() => void open()} disabled={!ready} data-testid="open-submit">
          {busy ? 'Working…' : !blocker && missing && missing.length > 0 ? 'Add liquidity (approve first)' : 'Add liquidity'}
        </button>
      </div>
    </div>
  );
}

function Stepper({ label, onStep }: { label: string; onStep(direction: 1 | -1): void }) {
  return (
    <span className="lp-stepper">
      <button type="button" onClick={() => onStep(-1)} aria-label={`Lower the ${label} by one tick spacing`}>−</button>
      <button type="button" onClick={() => onStep(1)} aria-label={`Raise the ${label} by one tick spacing`}>+</button>
    </span>
  );
}
