/**
 * The investor's history (trades and liquidity events, filterable, CSV) with each trade's confirmation, and their
 * monthly and quarterly statements. Both are the keepers' API's, for the signed-in wallet only.
 */
import { useMemo, useState } from 'react';
import type { Address } from 'viem';
import { Panel, Skeleton, Unavailable } from '../../app/ui.tsx';
import { useChainNow, useVenue } from '../../app/venue.tsx';
import { isAccessError } from '../../lib/api.ts';
import { formatAmount, formatDate } from '../../lib/amount.ts';
import { formatFixed } from '../market/logic.ts';
import { confirmationLinks, filterHistory, historyCsv, historyRows, KIND_LABEL, statementLink, statementPeriods, type HistoryFilter, type HistoryRow } from './history.ts';
import { useMyLiquidity, useMyTrades } from './queries.ts';

const KINDS: [HistoryFilter['kind'], string][] = [['all', 'Everything'], ['trades', 'Trades'], ['buy', 'Buys'], ['sell', 'Sells'], ['liquidity', 'Liquidity'], ['add', 'Adds'], ['remove', 'Removals']];

/** Why the API's data can't be shown, as a paragraph, or undefined when it can. */
function apiBlocker(what: string, signedIn: boolean, apiDown: boolean, error: unknown, loaded: boolean) {
  if (!signedIn && apiDown) return <p className="unavailable" role="status">The keepers' API can't be reached, so {what} can't be shown now.</p>;
  if (!signedIn) return <p className="unavailable" role="status" data-testid="history-sign-in">Sign in to the keepers' API to see {what}: only you can read them there.</p>;
  if (error && !loaded) return isAccessError(error) ? <Unavailable what={what} error={error} /> : <p className="unavailable" role="status">The keepers' API can't be reached, so {what} can't be shown now.</p>;
  return undefined;
}

/** `wallets`: the identity's, whose trades are all the investor's; liquidity is the signed-in wallet's. */
export function History({ wallets }: { wallets: readonly Address[] }) {
  const { deployment, config } = useVenue();
  const { trades, signedIn, apiDown } = useMyTrades(wallets);
  const liquidity = useMyLiquidity();
  const [filter, setFilter] = useState<HistoryFilter>({ kind: 'all', poolId: 'all' });
  const rows = useMemo(() => (trades.data && liquidity.data ? historyRows(trades.data, liquidity.data) : undefined), [trades.data, liquidity.data]);
  const poolName = (id: string) => deployment.pools.find((p) => p.poolId.toLowerCase() === id.toLowerCase())?.name ?? id;
  const blocked = apiBlocker('your history', signedIn, apiDown, trades.error ?? liquidity.error, rows !== undefined);
  const shown = rows && filterHistory(rows, filter);

  function download() {
    const url = URL.createObjectURL(new Blob([historyCsv(shown!, poolName)], { type: 'text/csv' }));
    Object.assign(document.createElement('a'), { href: url, download: 'accredex-history.csv' }).click();
    // Revoked once the download has its copy: at once, some browsers cancel it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  return (
    <Panel title="History" actions={shown && shown.length > 0 && <button type="button" onClick={download} data-testid="history-csv">Export CSV</button>}>
      {blocked ?? (!shown ? <Skeleton lines={3} label="Loading your history" /> : (
        <>
          <div className="pf-filters">
            <label>Show <select value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value as HistoryFilter['kind'] })} data-testid="history-kind">
              {KINDS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
            </select></label>
            <label>Pool <select value={filter.poolId} onChange={(e) => setFilter({ ...filter, poolId: e.target.value })} data-testid="history-pool">
              <option value="all">All pools</option>
              {deployment.pools.map((p) => <option key={p.poolId} value={p.poolId}>{p.name}</option>)}
            </select></label>
          </div>
          {shown.length === 0 ? <p className="muted" data-testid="history-empty">Nothing here yet{filter.kind === 'all' && filter.poolId === 'all' ? '' : ' for this filter'}.</p> : (
            <ul className="pf-history" aria-label="Your trades and liquidity events">
              {shown.map((r) => <HistoryItem key={r.key} row={r} pool={poolName(r.poolId)} apiUrl={config.apiUrl} />)}
            </ul>
          )}
        </>
      ))}
    </Panel>
  );
}

function HistoryItem({ row, pool, apiUrl }: { row: HistoryRow; pool: string; apiUrl: string }) {
  const trade = row.kind === 'buy' || row.kind === 'sell';
  const links = trade ? confirmationLinks(apiUrl, row.txHash, row.logIndex) : undefined;
  return (
    <li className="pf-event" data-testid="history-row" data-kind={row.kind} data-tx={row.txHash}>
      <span className="pf-event-when">{new Date(row.blockTime * 1000).toLocaleString()}</span>
      <span className="pf-event-what">
        <strong>You</strong> {KIND_LABEL[row.kind].toLowerCase()} {trade
          ? <>{formatAmount(row.shares!, 18)} shares in {pool} at {row.price} for {formatFixed(row.stable!, 6, 2)} dUSD</>
          : <>in {pool} ({row.liquidity!.toString()} liquidity, ticks {row.range![0]} to {row.range![1]})</>}
      </span>
      <span className={`chip ${row.status === 'final' ? 'good' : 'warn'}`}>{row.status}</span>
      {links && (
        <span className="pf-event-docs">
          Confirmation: <a href={links.html} target="_blank" rel="noreferrer" data-testid="confirmation-html">page</a> · <a href={links.pdf} target="_blank" rel="noreferrer" data-testid="confirmation-pdf">PDF</a>
        </span>
      )}
    </li>
  );
}

export function Statements() {
  const { config } = useVenue();
  const { trades, signedIn, apiDown } = useMyTrades();
  const now = useChainNow();
  const blocked = apiBlocker('your statements', signedIn, apiDown, trades.error, trades.data !== undefined);
  if (now === undefined) return null;
  const first = trades.data?.reduce((m, t) => Math.min(m, t.blockTime), Infinity);
  const periods = statementPeriods(now, first === undefined || first === Infinity ? now : first);
  return (
    <Panel title="Statements">
      {blocked ?? (
        <>
          <p className="muted pf-note">Each statement lists your trades in the period and their totals per pool, in UTC. Periods start with your first trade (as of {formatDate(now)}).</p>
          <ul className="pf-statements">
            {periods.map((p) => (
              <li key={`${p.kind}:${p.from}`} data-testid={`statement-${p.kind}`}>
                <span>{p.label}</span> <a href={statementLink(config.apiUrl, p, 'html')} target="_blank" rel="noreferrer">page</a> · <a href={statementLink(config.apiUrl, p, 'pdf')} target="_blank" rel="noreferrer" data-testid="statement-pdf">PDF</a> · <a href={statementLink(config.apiUrl, p, 'csv')}>CSV</a>
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
