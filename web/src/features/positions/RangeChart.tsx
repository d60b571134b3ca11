/**
 * A range drawn against the current price on a log-scaled price axis: the band the position earns fees in, its ends,
 * and where the price is now. Full range shades the whole axis (0 to ∞).
 */
import { chartDomain, chartX, formatPrice } from './logic.ts';

interface RangeChartProps {
  current: number;
  /** The range's prices (stablecoin per share), 'full', or undefined while it is not valid. */
  range: { min: number; max: number } | 'full' | undefined;
  unit: string;
  /** Small, unlabelled ends (position cards). */
  compact?: boolean;
}

const WIDTH = 480;

export function RangeChart({ current, range, unit, compact }: RangeChartProps) {
  const height = compact ? 34 : 120;
  const axisY = compact ? 26 : 92;
  const domain = chartDomain(current, range);
  const x = (p: number) => 8 + chartX(p, domain) * (WIDTH - 16);
  const band = range === 'full' ? { x0: 0, x1: WIDTH } : range ? { x0: x(range.min), x1: x(range.max) } : undefined;
  const inside = range === 'full' || (range !== undefined && current >= range.min && current <= range.max);
  const cx = x(current);
  const label =
    range === undefined
      ? `Current price ${formatPrice(current)} ${unit}; no range yet`
      : range === 'full'
        ? `Full range, 0 to infinity; current price ${formatPrice(current)} ${unit}`
        : `Range ${formatPrice(range.min)} to ${formatPrice(range.max)} ${unit}; current price ${formatPrice(current)}, ${inside ? 'inside' : 'outside'} the range`;
  // Labels near the edges are anchored inwards so they stay readable.
  const anchor = (px: number) => (px < 60 ? 'start' : px > WIDTH - 60 ? 'end' : 'middle');
  return (
    <svg className={`lp-chart ${compact ? 'compact' : ''}`} viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label} data-testid="range-chart">
      <line x1={0} x2={WIDTH} y1={axisY} y2={axisY} className="lp-axis" />
      {band && (
        <rect x={band.x0} width={Math.max(2, band.x1 - band.x0)} y={compact ? 6 : 24} height={axisY - (compact ? 6 : 24)} className={`lp-band ${inside ? 'in' : 'out'}`} />
      )}
      {!compact && range && range !== 'full' && (
        <>
          <text x={band!.x0} y={axisY + 18} textAnchor={anchor(band!.x0)} className="lp-label">{formatPrice(range.min)}</text>
          <text x={band!.x1} y={axisY + 18} textAnchor={anchor(band!.x1)} className="lp-label">{formatPrice(range.max)}</text>
        </>
      )}
      {!compact && range === 'full' && (
        <>
          <text x={4} y={axisY + 18} textAnchor="start" className="lp-label">0</text>
          <text x={WIDTH - 4} y={axisY + 18} textAnchor="end" className="lp-label">∞</text>
        </>
      )}
      <line x1={cx} x2={cx} y1={compact ? 2 : 20} y2={axisY} className="lp-now" />
      {!compact && (
        <text x={cx} y={14} textAnchor={anchor(cx)} className="lp-label now">
          now {formatPrice(current)} {unit}
        </text>
      )}
    </svg>
  );
}
