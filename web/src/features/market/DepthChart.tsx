/**
 * Liquidity depth from chain state: how many dUSD it takes to push the share price to each distance from the mid
 * (asks, right: paid by buyers, fee included) or how many dUSD sellers get on the way down (bids, left). An SVG, with
 * the same figures in a table for screen readers and keyboard users.
 */
import { useState } from 'react';
import { formatCompact, type DepthPoint } from './logic.ts';

interface Props {
  mid: number;
  asks: DepthPoint[];
  bids: DepthPoint[];
  stableDecimals: number;
  /** The chart's half-width in basis points. */
  rangeBps: number;
}

const W = 480;
const H = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

export function DepthChart({ mid, asks, bids, stableDecimals, rangeBps }: Props) {
  const [hover, setHover] = useState<{ side: 'ask' | 'bid'; point: DepthPoint } | undefined>();
  const value = (p: DepthPoint) => Number(p.stable) / 10 ** stableDecimals;
  const top = Math.max(1, ...asks.map(value), ...bids.map(value)) * 1.08;
  const x = (bps: number) => PAD.left + ((bps + rangeBps) / (2 * rangeBps)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const base = y(0);
  // Cumulative depth is a step function of the price; drawn through the sampled points it reads as a curve.
  const area = (points: DepthPoint[], sign: 1 | -1) => {
    const coords = [`${x(0)},${base}`, ...points.map((p) => `${x(sign * Math.abs(p.bps))},${y(value(p))}`)];
    const last = points[points.length - 1];
    return `M${coords.join(' L')} L${x(sign * Math.abs(last?.bps ?? 0))},${base} Z`;
  };
  const ticks = [-rangeBps, -rangeBps / 2, 0, rangeBps / 2, rangeBps];
  const priceAt = (bps: number) => mid * (1 + bps / 10_000);

  const onMove = (e: React.PointerEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const bps = ((((e.clientX - box.left) / box.width) * W - PAD.left) / (W - PAD.left - PAD.right)) * 2 * rangeBps - rangeBps;
    const side = bps >= 0 ? asks : bids;
    const nearest = side.reduce<DepthPoint | undefined>((best, p) => (!best || Math.abs(Math.abs(p.bps) - Math.abs(bps)) < Math.abs(Math.abs(best.bps) - Math.abs(bps)) ? p : best), undefined);
    setHover(nearest ? { side: bps >= 0 ? 'ask' : 'bid', point: nearest } : undefined);
  };

  return (
    <figure className="depth">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Liquidity depth around the mid price" onPointerMove={onMove} onPointerLeave={() => setHover(undefined)} data-testid="depth-chart">
        {[0.25, 0.5, 0.75, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} className="depth-grid" />
            <text x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end" className="depth-axis">{formatCompact(top * f)}</text>
          </g>
        ))}
        <path d={area(bids, -1)} className="depth-bids" />
        <path d={area(asks, 1)} className="depth-asks" />
        <line x1={x(0)} x2={x(0)} y1={PAD.top} y2={base} className="depth-mid" />
        {ticks.map((t) => (
          <text key={t} x={x(t)} y={H - 8} textAnchor={t === -rangeBps ? 'start' : t === rangeBps ? 'end' : 'middle'} className="depth-axis">
            {t === 0 ? `mid ${mid.toFixed(2)}` : `${priceAt(t).toFixed(2)}`}
          </text>
        ))}
        {hover && (
          <g>
            <line x1={x(hover.point.bps)} x2={x(hover.point.bps)} y1={PAD.top} y2={base} className="depth-cursor" />
            <circle cx={x(hover.point.bps)} cy={y(value(hover.point))} r={4} className={hover.side === 'ask' ? 'depth-dot-ask' : 'depth-dot-bid'} />
          </g>
        )}
      </svg>
      <figcaption className="depth-caption" aria-live="polite">
        {hover
          ? `${hover.side === 'ask' ? 'Buying' : 'Selling'} to ${priceAt(hover.point.bps).toFixed(4)} dUSD (${hover.point.bps > 0 ? '+' : ''}${(hover.point.bps / 100).toFixed(2)}%): ${formatCompact(value(hover.point))} dUSD`
          : 'Point at the chart for the dUSD it takes to move the price there.'}
      </figcaption>
    </figure>
  );
}
