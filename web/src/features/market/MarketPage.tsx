/**
 * Market data of one pool at a time: value locked, mid, depth and the gate's pause read from the chain each block
 * (they work without the keepers), and from the keepers' ledger the price chart, 24h volume, the live trade feed and
 * the quote ladder.
 * When the keepers' API can't be reached, each panel that depends on it says so; the chain-derived ones carry on.
 */
import { useMemo, useState } from 'react';
import type { Pool } from '../../../../sdk/manifest.ts';
import { Panel, Skeleton, StackedTable, Stat, Unavailable } from '../../app/ui.tsx';
import { useBlock, useChainNow, useToken, useVenue } from '../../app/venue.tsx';
import { formatAmount } from '../../lib/amount.ts';
import { POOL_PAUSED } from '../../lib/revert.ts';
import { DepthChart } from './DepthChart.tsx';
import {
  candles as toCandles,
  chainOrder,
  counts,
  decimalToUnits,
  depthCurve,
  formatCompact,
  formatFixed,
  liquidityAt,
  liquidityRanges,
  poolTvl,
  recentTrades,
  sharesValue,
  tradePoints,
  volume24h,
} from './logic.ts';
import { PriceChart, type ChartMode } from './PriceChart.tsx';
import { useApiHealth, useMarketTrades, useQuoteBoard } from './queries.ts';
import { usePoolSnapshot, usePoolState } from '../../app/pools.ts';
import { QuoteLadder } from './QuoteLadder.tsx';
import { ReportPanel } from './ReportPanel.tsx';
import { TradesFeed } from './TradesFeed.tsx';
import { isOfficerSession } from '../session/logic.ts';
import { useViewer } from '../session/queries.ts';
import './market.css';

const FEED_LENGTH = 50;
const INTERVALS = [
  { seconds: 60, label: '1m' },
  { seconds: 300, label: '5m' },
  { seconds: 900, label: '15m' },
  { seconds: 3_600, label: '1h' },
];
const MIN_CANDLES = 3;
const DEPTH_RANGES = [200, 500, 1_000];
const DEPTH_SAMPLES = 40;

/** The pool named in the hash (`#/market?pool=ACME-A/dUSD`), so a pool's page can be linked to. */
function poolFromHash(pools: Pool[]): Pool | undefined {
  const name = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('pool');
  return pools.find((p) => p.name === name || p.poolId.toLowerCase() === name?.toLowerCase());
}

export default function MarketPage() {
  const { deployment, config } = useVenue();
  const [pool, setPool] = useState<Pool | undefined>(() => poolFromHash(deployment.pools) ?? deployment.pools[0]);
  const health = useApiHealth();
  const now = useChainNow();
  const { session } = useViewer();

  const choose = (poolId: string) => {
    const next = deployment.pools.find((p) => p.poolId === poolId);
    setPool(next);
    if (next) window.history.replaceState(null, '', `#/market?pool=${encodeURIComponent(next.name)}`);
  };

  if (!pool) return <Panel title="Market"><p className="muted">The venue's manifest lists no pools.</p></Panel>;
  return (
    <div className="market">
      <div className="market-head">
        <label className="select">
          Pool
          <select value={pool.poolId} onChange={(e) => choose(e.target.value)} data-testid="market-pool">
            {deployment.pools.map((p) => (
              <option key={p.poolId} value={p.poolId}>{p.name}</option>
            ))}
          </select>
        </label>
        <KeeperStatus health={health} />
      </div>
      {/* Keyed by pool: every chart, stream and memo starts afresh for another pool. */}
      <PoolMarket key={pool.poolId} pool={pool} apiDown={health.isError} />
      {/* The quarterly figures name every participant: officers only (the API refuses anyone else too). */}
      {isOfficerSession(session) && <ReportPanel apiUrl={config.apiUrl} now={now} unavailable={health.isError} loading={health.isPending} />}
    </div>
  );
}

function KeeperStatus({ health }: { health: ReturnType<typeof useApiHealth> }) {
  if (health.isPending) return <span className="chip">Keepers: checking…</span>;
  if (health.isError) return <span className="chip bad" data-testid="keeper-status">Keepers' API unavailable</span>;
  const lag = health.data.lagBlocks;
  return (
    <span className={`chip ${lag !== null && lag > 3 ? 'bad' : 'good'}`} data-testid="keeper-status">
      Keepers: {lag === null ? 'starting' : lag > 3 ? `ledger ${lag} blocks behind` : 'up to date'}
    </span>
  );
}

function PoolMarket({ pool, apiDown }: { pool: Pool; apiDown: boolean }) {
  const { deployment } = useVenue();
  const head = useBlock().data?.number;
  const now = useChainNow();
  const security = useToken(pool.security).data;
  const stable = useToken(deployment.stablecoin).data;
  const securityIs0 = pool.currency0 === pool.security;

  const snapshot = usePoolSnapshot(pool);
  const paused = usePoolState(pool).data?.paused;
  const { trades, history, stream } = useMarketTrades(pool);
  const board = useQuoteBoard(pool);

  // Until chosen, the chart shows candles once there are a few, and each trade before that (one candle says little).
  const [chosenMode, setMode] = useState<ChartMode>();
  const [bucket, setBucket] = useState(300);
  const [depthRange, setDepthRange] = useState(500);

  const tradesDown = apiDown || (history.isError && history.data === undefined);
  const tradesLoading = !tradesDown && history.data === undefined;

  const chain = useMemo(() => {
    if (!snapshot.data || !security || !stable) return undefined;
    const s = snapshot.data;
    const ranges = liquidityRanges(s.liquidityNet);
    const tvl = poolTvl(s, securityIs0);
    const midUnits = sharesValue(10n ** BigInt(security.decimals), s.sqrtPriceX96, securityIs0);
    const steps = Array.from({ length: DEPTH_SAMPLES }, (_, i) => Math.round(((i + 1) * depthRange) / DEPTH_SAMPLES));
    return {
      block: s.blockNumber,
      tvl,
      midUnits,
      mid: Number(midUnits) / 10 ** stable.decimals,
      // The integration is checked against the pool's own active liquidity: a mismatch means a bad snapshot.
      consistent: liquidityAt(ranges, s.tick) === s.liquidity,
      ranges: ranges.length,
      depth: depthCurve(s, securityIs0, steps),
      depthTable: depthCurve(s, securityIs0, [100, 200, 500]),
    };
  }, [snapshot.data, security, stable, securityIs0, depthRange]);

  const ordered = useMemo(() => chainOrder(trades.values()), [trades]);
  const counted = useMemo(() => ordered.filter(counts), [ordered]);
  const chartCandles = useMemo(() => toCandles(counted, bucket, stable?.decimals), [counted, bucket, stable?.decimals]);
  const chartPoints = useMemo(() => tradePoints(counted, stable?.decimals), [counted, stable?.decimals]);
  const mode: ChartMode = chosenMode ?? (chartCandles.length >= MIN_CANDLES ? 'candles' : 'line');
  const feed = useMemo(() => recentTrades(ordered, FEED_LENGTH), [ordered]);
  const volume = now !== undefined ? volume24h(counted, now) : undefined;
  const last = counted.at(-1);

  return (
    <>
      <Panel title={`${pool.name} overview`} actions={chain ? <span className="tag">chain state at block {chain.block?.toString()}</span> : undefined}>
        {paused && <p className="blocker" role="status" data-testid="pool-paused">{POOL_PAUSED}</p>}
        {!chain || !security || !stable ? (
          snapshot.isError ? <p className="blocker" role="alert">Can't read the pool from the chain: {snapshot.error.message}</p> : <Skeleton lines={2} label="Reading the pool" />
        ) : (
          <>
            <dl className="market-stats">
              <Stat label="Mid price (chain)" value={<span data-testid="mid-price">{formatFixed(chain.midUnits, stable.decimals, 4)} {stable.symbol}</span>} />
              <Stat
                label="Value locked"
                value={<span data-testid="tvl" data-raw={chain.tvl.value.toString()}>{formatFixed(chain.tvl.value, stable.decimals, 2)} {stable.symbol}</span>}
                tone={chain.consistent ? undefined : 'warn'}
              />
              <Stat
                label="Pool holds"
                value={<span data-testid="pool-holds" data-shares={chain.tvl.shares.toString()} data-stable={chain.tvl.stable.toString()}>{formatAmount(chain.tvl.shares, security.decimals, 2)} {security.symbol} + {formatCompact(Number(chain.tvl.stable) / 10 ** stable.decimals)} {stable.symbol}</span>}
              />
              <Stat
                label="24h volume"
                value={tradesDown ? '—' : volume === undefined || tradesLoading ? '…' : <span data-testid="volume-24h" data-raw={volume.stable.toString()}>{formatFixed(volume.stable, stable.decimals, 2)} {stable.symbol}</span>}
              />
              <Stat label="24h trades" value={tradesDown ? '—' : volume === undefined || tradesLoading ? '…' : <span data-testid="trades-24h">{volume.count}</span>} />
              <Stat
                label="Last trade"
                value={tradesDown ? '—' : tradesLoading ? '…' : last ? <span data-testid="last-price">{formatFixed(decimalToUnits(last.price, 6), 6, 4)} {stable.symbol}</span> : 'none yet'}
              />
            </dl>
            {tradesDown && <Unavailable what="24h volume and trade count" error={history.error} />}
            <p className="muted small">
              Value locked is the pool's positions valued at the mid price: the liquidity of each of its {chain.ranges} initialized tick ranges turned into
              token amounts with v4's own math at this block (fees not yet collected are not included).
              {!chain.consistent && ' The ranges disagree with the pool\u2019s active liquidity: the figure may be off until the next block.'}
            </p>
          </>
        )}
      </Panel>

      <div className="market-charts">
        <Panel
          title="Price"
          actions={
            counted.length > 0 && !tradesDown && (
            <div className="row tight">
              {mode === 'candles' && (
                <div className="segmented" role="radiogroup" aria-label="Candle interval">
                  {INTERVALS.map((i) => (
                    <button key={i.seconds} role="radio" aria-checked={bucket === i.seconds} className={bucket === i.seconds ? 'on' : ''} onClick={() => setBucket(i.seconds)}>
                      {i.label}
                    </button>
                  ))}
                </div>
              )}
              <div className="segmented" role="radiogroup" aria-label="Chart type">
                {(['candles', 'line'] as const).map((m) => (
                  <button key={m} role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)}>
                    {m === 'candles' ? 'Candles' : 'Each trade'}
                  </button>
                ))}
              </div>
            </div>
            )
          }
        >
          {tradesDown ? (
            <Unavailable what="The price chart" error={history.error} />
          ) : tradesLoading ? (
            <Skeleton lines={8} label="Loading the price history" />
          ) : counted.length === 0 ? (
            <div className="chart-empty" data-testid="chart-empty">
              <p>No trades yet in {pool.name}.</p>
              <p className="muted">The chart starts with the first settled trade{chain ? `; the pool's mid price is ${chain.mid.toFixed(4)} ${stable?.symbol}` : ''}.</p>
            </div>
          ) : (
            <>
              <PriceChart candles={chartCandles} points={chartPoints} mode={mode} mid={chain?.mid} />
              <p className="muted small">
                {counted.length} trade{counted.length === 1 ? '' : 's'} · times in UTC (chain time) · dashed line: the mid price now
              </p>
            </>
          )}
        </Panel>

        <Panel
          title="Liquidity depth"
          actions={
            <div className="segmented" role="radiogroup" aria-label="Depth range">
              {DEPTH_RANGES.map((r) => (
                <button key={r} role="radio" aria-checked={depthRange === r} className={depthRange === r ? 'on' : ''} onClick={() => setDepthRange(r)}>
                  ±{r / 100}%
                </button>
              ))}
            </div>
          }
        >
          {!chain || !stable ? (
            <Skeleton lines={6} label="Reading the pool's liquidity" />
          ) : chain.tvl.value === 0n ? (
            <p className="muted">This pool has no liquidity.</p>
          ) : (
            <>
              <DepthChart mid={chain.mid} asks={chain.depth.asks} bids={chain.depth.bids} stableDecimals={stable.decimals} rangeBps={depthRange} />
              <StackedTable className="depth-table" data-testid="depth-table">
                <thead>
                  <tr>
                    <th>Move</th>
                    <th className="num">Up: dUSD to buy</th>
                    <th className="num">Down: dUSD sellers get</th>
                  </tr>
                </thead>
                <tbody>
                  {chain.depthTable.asks.map((a, i) => (
                    <tr key={a.bps}>
                      <td>±{a.bps / 100}%</td>
                      <td className="num">{formatFixed(a.stable, stable.decimals, 0)}</td>
                      <td className="num">{formatFixed(chain.depthTable.bids[i].stable, stable.decimals, 0)}</td>
                    </tr>
                  ))}
                </tbody>
              </StackedTable>
            </>
          )}
        </Panel>
      </div>

      <div className="market-tables">
        <QuoteLadder
          board={board.data}
          loading={board.isPending}
          unavailable={apiDown || board.isError}
          error={board.error}
          head={head}
          securitySymbol={security?.symbol ?? 'shares'}
          stableDecimals={stable?.decimals ?? 6}
          securityDecimals={security?.decimals ?? 18}
        />
        <TradesFeed
          trades={feed}
          loading={tradesLoading}
          unavailable={tradesDown}
          error={history.error}
          stream={stream}
          now={now}
          stableDecimals={stable?.decimals ?? 6}
          securityDecimals={security?.decimals ?? 18}
        />
      </div>
    </>
  );
}
