/** The newest trades of the pool, live from the keepers' stream; a trade whose status changes is updated in place. */
import { useRef } from 'react';
import { Panel, Skeleton, StackedTable, Unavailable } from '../../app/ui.tsx';
import { formatAmount, shortAddress } from '../../lib/amount.ts';
import { decimalToUnits, formatFixed, formatTime, type Trade } from './logic.ts';
import type { StreamState } from './queries.ts';
import { counterpartyLabel } from '../session/logic.ts';

interface Props {
  trades: Trade[];
  loading: boolean;
  unavailable: boolean;
  /** Why it is unavailable, if the API said (a 401 asks to sign in). */
  error?: unknown;
  stream: StreamState;
  now: number | undefined;
  stableDecimals: number;
  securityDecimals: number;
}

/** How long a new row stays highlighted (the CSS animation's length). */
const FRESH_MS = 2_000;

const STATUS_TONE = { final: 'good', pending: 'warn', voided: 'bad' } as const;
const STATUS_TITLE = {
  final: 'Enough blocks on top: settled',
  pending: 'In a recent block: final after the confirmations',
  voided: 'Undone by a chain reorganization: it never happened',
} as const;

export function TradesFeed({ trades, loading, unavailable, error, stream, now, stableDecimals, securityDecimals }: Props) {
  // Rows that arrive after the feed first loaded are highlighted for a moment, so a live trade is noticed. The first
  // time each row is seen is kept across renders (the page re-renders every second with chain time).
  const firstSeen = useRef(new Map<string, number>());
  const loaded = useRef(false);
  const renderedAt = Date.now();
  for (const t of trades) if (!firstSeen.current.has(t.key)) firstSeen.current.set(t.key, loaded.current ? renderedAt : 0);
  if (!loading && !unavailable) loaded.current = true;
  const fresh = (t: Trade) => renderedAt - (firstSeen.current.get(t.key) ?? 0) < FRESH_MS;
  return (
    <Panel
      title="Recent trades"
      actions={!unavailable && !loading ? <span className={`tag ${stream === 'live' ? 'good' : 'warn'}`} data-testid="stream-state">{stream === 'live' ? '● live' : stream === 'connecting' ? 'connecting…' : 'reconnecting…'}</span> : undefined}
    >
      {unavailable ? (
        <Unavailable what="The trade feed" error={error} />
      ) : loading ? (
        <Skeleton lines={6} label="Loading recent trades" />
      ) : trades.length === 0 ? (
        <p className="muted" data-testid="no-trades">No trades yet in this pool. New trades appear here as they settle.</p>
      ) : (
        <div className="feed-scroll">
          <StackedTable className="feed" data-testid="trades-feed">
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Side</th>
                <th className="num">Shares</th>
                <th className="num">Price</th>
                <th className="num">dUSD</th>
                <th>Investor</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {trades.map((t) => (
                <tr
                  key={t.key}
                  className={`${t.status === 'voided' ? 'voided' : ''} ${fresh(t) ? 'fresh' : ''}`}
                  data-testid="trade-row"
                  data-tx={t.txHash}
                  data-log-index={t.logIndex}
                  data-status={t.status}
                  data-mine={t.mine || undefined}
                  title={t.txHash ? `tx ${t.txHash}, block ${t.blockNumber}` : undefined}
                >
                  <td>{now !== undefined ? formatTime(t.blockTime, now) : ''}</td>
                  <td className={t.side === 'buy' ? 'buy' : 'sell'}>{t.side === 'buy' ? 'Buy' : 'Sell'}</td>
                  <td className="num" data-testid="trade-shares">{formatAmount(t.securityAmount, securityDecimals, 4)}</td>
                  <td className="num" data-testid="trade-price">{formatFixed(decimalToUnits(t.price, 6), 6, 4)}</td>
                  <td className="num" data-testid="trade-stable">{formatFixed(t.stableAmount, stableDecimals, 2)}</td>
                  <td className={t.mine ? undefined : 'mono'} data-testid="trade-investor">{counterpartyLabel(t, shortAddress)}</td>
                  <td>
                    <span className={`tag ${STATUS_TONE[t.status]}`} title={STATUS_TITLE[t.status]}>{t.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </StackedTable>
        </div>
      )}
    </Panel>
  );
}
