/**
 * Each security's offering rules in plain words, with the live holder counts beside the caps, and its cap table per
 * identity (every wallet, shares under positions, concentration) from the keepers' API.
 */
import { useState } from 'react';
import type { Address } from 'viem';
import { Panel, Skeleton, StackedTable, Unavailable } from '../../app/ui.tsx';
import { useChainNow, useVenue } from '../../app/venue.tsx';
import { apiUrlOf } from '../../lib/api.ts';
import { formatAmount, formatDate, shortAddress } from '../../lib/amount.ts';
import { useViewer } from '../session/queries.ts';
import { describeOffering, identityLabel, UNTIL_LIFTED } from './logic.ts';
import { useCapTable, useOfferings } from './queries.ts';

export function OfferingsPanel() {
  const offerings = useOfferings();
  const now = useChainNow() ?? 0;
  const [selected, setSelected] = useState<Address>();
  const security = selected ?? offerings.data?.[0]?.security;
  return (
    <Panel title="Offerings and cap table">
      {offerings.isError ? (
        <Unavailable what="The offering rules" error={offerings.error} />
      ) : !offerings.data ? (
        <Skeleton lines={3} label="Loading the offering rules" />
      ) : (
        <div className="offerings" data-testid="offerings">
          {offerings.data.map((o) => (
            <section key={o.security} data-testid={`offering-${o.symbol}`}>
              <h3>
                <button className={o.security === security ? 'tab active' : 'tab'} onClick={() => setSelected(o.security)} aria-pressed={o.security === security}>{o.symbol}</button>
              </h3>
              <ul>{describeOffering(o, now, (n) => formatAmount(n, 18)).map((line) => <li key={line}>{line}</li>)}</ul>
            </section>
          ))}
        </div>
      )}
      {security && <CapTable security={security} />}
    </Panel>
  );
}

function CapTable({ security }: { security: Address }) {
  const { session } = useViewer();
  const { config } = useVenue();
  const table = useCapTable(security);
  if (!session) return <p className="muted">Sign in to see the cap table.</p>;
  if (table.isError) return <Unavailable what="The cap table" error={table.error} />;
  if (!table.data) return <Skeleton lines={4} label="Loading the cap table" />;
  return (
    <div className="table-scroll">
      <StackedTable data-testid="cap-table">
        <thead><tr><th>Identity</th><th>Wallets</th><th>In wallets</th><th>In positions</th><th>Total</th><th title="The most the identity's open positions could still come to hold, counted against its maximum holding">Reserved</th><th>Locked</th><th>Share</th><th>Accredited</th></tr></thead>
        <tbody>
          {table.data.rows.map((r) => (
            <tr key={r.identity} data-testid="cap-row" data-identity={r.identity}>
              <td className="mono">{identityLabel(BigInt(r.identity))}</td>
              <td className="mono">{r.wallets.map((w) => <div key={w.address} title={`${w.balance} shares${w.linked ? '' : ' (unlinked)'}`}>{shortAddress(w.address)}{w.linked ? '' : ' · unlinked'}</div>)}</td>
              <td>{r.inWallets}</td>
              <td>{r.inPositions}</td>
              <td>{r.total}</td>
              <td>{r.reserved}</td>
              <td data-testid="cap-locked">
                {r.lots.length === 0 ? '—' : (
                  <details>
                    <summary>{r.locked}</summary>
                    <ul className="lots">{r.lots.map((l, i) => <li key={i}>{l.amount} · {l.kind} · {l.releaseAt === UNTIL_LIFTED ? 'until lifted' : `until ${formatDate(l.releaseAt)}`}</li>)}</ul>
                  </details>
                )}
              </td>
              <td>{r.concentrationPct.toFixed(2)}%</td>
              <td>{r.accredited ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </StackedTable>
      <p className="muted">
        {table.data.holders} holders of record on the token's book at block {table.data.block}. An open position keeps its depositor on the book until it closes.{' '}
        <a className="button" href={apiUrlOf(config.apiUrl, `/cap-table?security=${security}&format=csv`)} data-testid="cap-table-csv">Export CSV</a>{' '}
        <a className="button" href={apiUrlOf(config.apiUrl, `/cap-table?security=${security}&format=json`)} data-testid="cap-table-json">JSON</a>
      </p>
    </div>
  );
}
