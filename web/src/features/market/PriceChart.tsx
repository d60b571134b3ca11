/**
 * The pool's price from its settled trades, with lightweight-charts (imported only here, so it ships in the market
 * chunk): OHLC candles of the chosen interval or a line through every trade, the traded dUSD as a histogram, and the
 * chain's current mid as a dashed price line. Times are chain times, in UTC.
 */
import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type AutoscaleInfo,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { Candle } from './logic.ts';
import { useResolvedTheme } from '../../app/theme.ts';

export type ChartMode = 'candles' | 'line';

interface Props {
  candles: Candle[];
  points: { time: number; value: number; volume: number }[];
  mode: ChartMode;
  /** The chain's mid price now, dUSD per share. */
  mid: number | undefined;
}

/** The canvas can't read CSS variables: the chart's colours per theme, matching styles.css. */
const PALETTES = {
  dark: { up: '#3fb950', down: '#f85149', line: '#4f8cff', text: '#8b949e', grid: '#21262d', mid: '#d29922', volume: '#2f3b4d', volumeUp: '#1f3b2a', volumeDown: '#3d1f22', volumeLine: '#1f2d45' },
  light: { up: '#1a7f37', down: '#cf222e', line: '#0969da', text: '#59636e', grid: '#d8dee4', mid: '#9a6700', volume: '#d0d7de', volumeUp: '#b7e4c2', volumeDown: '#f5c2c0', volumeLine: '#c6d8f0' },
};

export function PriceChart({ candles, points, mode, mid }: Props) {
  const theme = useResolvedTheme();
  const COLORS = PALETTES[theme];
  const container = useRef<HTMLDivElement>(null);
  // The price scale takes in the mid too, so its line is on screen even when every trade was at one price.
  const midRef = useRef(mid);
  midRef.current = mid;
  const chart = useRef<{ api: IChartApi; candles: ISeriesApi<'Candlestick'>; line: ISeriesApi<'Line'>; volume: ISeriesApi<'Histogram'>}>(undefined);

  useEffect(() => {
    const api = createChart(container.current!, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: COLORS.text, attributionLogo: false },
      grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
      rightPriceScale: { borderColor: COLORS.grid },
      // Few trades on a young venue: cap the bar width so three candles don't fill the chart edge to edge.
      timeScale: { borderColor: COLORS.grid, timeVisible: true, secondsVisible: false, maxBarSpacing: 28, rightOffset: 4 },
      localization: { priceFormatter: (p: number) => p.toFixed(4) },
    });
    const priceFormat = { type: 'price' as const, precision: 4, minMove: 0.0001 };
    const autoscaleInfoProvider = (original: () => AutoscaleInfo | null): AutoscaleInfo | null => {
      const info = original();
      const m = midRef.current;
      if (!info?.priceRange || m === undefined) return info;
      return { ...info, priceRange: { minValue: Math.min(info.priceRange.minValue, m), maxValue: Math.max(info.priceRange.maxValue, m) } };
    };
    const candleSeries = api.addSeries(CandlestickSeries, {
      upColor: COLORS.up, downColor: COLORS.down, borderVisible: false, wickUpColor: COLORS.up, wickDownColor: COLORS.down, priceFormat, autoscaleInfoProvider,
    });
    const line = api.addSeries(LineSeries, { color: COLORS.line, lineWidth: 2, pointMarkersVisible: true, priceFormat, autoscaleInfoProvider });
    const volume = api.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' }, color: COLORS.volume, lastValueVisible: false, priceLineVisible: false });
    // Volume sits in the bottom fifth, under the price.
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false });
    api.priceScale('right').applyOptions({ scaleMargins: { top: 0.1, bottom: 0.25 } });
    chart.current = { api, candles: candleSeries, line, volume };
    return () => {
      chart.current = undefined;
      api.remove();
    };
  }, []);

  useEffect(() => {
    const c = chart.current!;
    c.candles.applyOptions({ visible: mode === 'candles' });
    c.line.applyOptions({ visible: mode === 'line' });
    c.candles.setData(candles.map((k) => ({ time: k.time as UTCTimestamp, open: k.open, high: k.high, low: k.low, close: k.close })));
    c.line.setData(points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    // The histogram follows the mode: per candle, or per second of trades under the line.
    c.volume.setData(
      mode === 'candles'
        ? candles.map((k) => ({ time: k.time as UTCTimestamp, value: k.volume, color: k.close >= k.open ? COLORS.volumeUp : COLORS.volumeDown }))
        : points.map((p) => ({ time: p.time as UTCTimestamp, value: p.volume, color: COLORS.volumeLine })),
    );
    c.api.timeScale().fitContent();
  }, [candles, points, mode, COLORS]);

  // A theme switch recolours the chart in place.
  useEffect(() => {
    const c = chart.current!;
    c.api.applyOptions({ layout: { textColor: COLORS.text }, grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } }, rightPriceScale: { borderColor: COLORS.grid }, timeScale: { borderColor: COLORS.grid } });
    c.candles.applyOptions({ upColor: COLORS.up, downColor: COLORS.down, wickUpColor: COLORS.up, wickDownColor: COLORS.down });
    c.line.applyOptions({ color: COLORS.line });
    c.volume.applyOptions({ color: COLORS.volume });
  }, [COLORS]);

  useEffect(() => {
    const c = chart.current!;
    if (mid === undefined) return;
    const series = mode === 'candles' ? c.candles : c.line;
    const line = series.createPriceLine({ price: mid, color: COLORS.mid, lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: true, title: 'mid' });
    return () => {
      if (chart.current) series.removePriceLine(line);
    };
  }, [mid, mode, COLORS]);

  return (
    <div
      ref={container}
      className="market-chart"
      role="img"
      aria-label={`Price chart: ${mode === 'candles' ? `${candles.length} candles` : `${points.length} trade points`}, latest ${points.at(-1)?.value.toFixed(4) ?? '—'} dUSD`}
      data-testid="price-chart"
      data-candles={candles.length}
      data-points={points.length}
    />
  );
}
