/**
 * The audit trail: every event the registry ever emitted (newest first, with who, block, time and transaction),
 * read from the chain itself, and the keepers' compliance alerts (which need their API, so they say when it is down).
 */
import { useViewer } from '../session/queries.ts';
import { useMemo, useState } from 'react';
import type { Address } from 'viem';
import { Panel, Skeleton, StackedTable, Unavailable } from '../../app/ui.tsx';
import { useVenue } from '../../app/venue.tsx';
import { apiUrlOf } from '../../lib/api.ts';
import { formatDate } from '../../lib/amount.ts';
import { auditExportPath } from './auditExport.ts';
import { AddressCell, TxCell, useNames } from './common.tsx';
import { actorOf, describeEvent, sortNewestFirst, type RegistryEvent } from './logic.ts';
import { useAlerts, useBlockTimes, useRoleIds } from './queries.ts';

const PAGE = 20;
const ALERTS_PAGE = 10;

const GROUPS: Record<string, { label: string; events: string[] }> = {
  all: { label: 'All events', events: [] },
  investors: { label: 'Investor records', events: ['InvestorUpserted', 'IdentityUpserted', 'WalletLinked', 'WalletUnlinked', 'InvestorFrozen', 'InvestorExitOnly'] },
  lockups: { label: 'Lockups and securities', events: ['LockupOverrideSet', 'LockupOverrideCleared', 'SecurityConfigured', 'SecurityDelisted'] },
  remedies: { label: 'Limits, lots and remedies', events: ['LimitsSet', 'Locked', 'SharesFrozen', 'SharesUnfrozen', 'ForcedTransfer', 'WalletRecovered', 'AffiliateHoldingPeriodSet'] },
  access: { label: 'Roles and venue contracts', events: ['RoleGranted', 'RoleRevoked', 'RoleAdminChanged', 'VenueSet', 'DefaultAdminTransferScheduled', 'DefaultAdminTransferCanceled', 'DefaultAdminDelayChangeScheduled', 'DefaultAdminDelayChangeCanceled'] },
};

const time = (seconds: number) => `${formatDate(seconds)} ${new Date(seconds * 1000).toISOString().slice(11, 19)}`;

export function AuditLogPanel({ events, error }: { events: RegistryEvent[] | undefined; error?: string }) {
  const { nameOf, labelOf } = useNames();
  const ids = useRoleIds().data;
  const [group, setGroup] = useState('all');
  const [shown, setShown] = useState(PAGE);
  const roleNames = useMemo<Record<string, string>>(() => (ids ? { [ids.compliance]: 'compliance', [ids.pauser]: 'pauser', [ids.issuer]: 'issuer' } : {}), [ids]);
  const list = useMemo(() => {
    const wanted = GROUPS[group].events;
    return sortNewestFirst(events ?? []).filter((e) => wanted.length === 0 || wanted.includes(e.name));
  }, [events, group]);
  const page = list.slice(0, shown);
  const times = useBlockTimes(page.map((e) => e.blockNumber)).data;

  return (
    <Panel
      title="Audit log"
      actions={
        <label className="select inline">
          Show
          <select value={group} onChange={(e) => (setGroup(e.target.value), setShown(PAGE))}>
            {Object.entries(GROUPS).map(([key, g]) => <option key={key} value={key}>{g.label}</option>)}
          </select>
        </label>
      }
    >
      {error && <p className="blocker" role="alert">Couldn't read the registry's events: {error}</p>}
      {!events ? (
        !error && <Skeleton lines={5} label="Loading the audit log" />
      ) : (
        <>
          <p className="muted">From the registry's events on chain: {list.length} entr{list.length === 1 ? 'y' : 'ies'}, newest first.</p>
          <div className="table-scroll">
            <StackedTable className="audit" data-testid="audit-log">
              <thead><tr><th>Block</th><th>Time (UTC)</th><th>Event</th><th>Details</th><th>By</th><th>Transaction</th></tr></thead>
              <tbody>
                {page.map((e) => {
                  const actor = actorOf(e);
                  return (
                    <tr key={`${e.txHash}:${e.logIndex}`} data-testid="audit-row" data-event={e.name}>
                      <td className="num">{e.blockNumber.toString()}</td>
                      <td>{times?.get(e.blockNumber) !== undefined ? time(times.get(e.blockNumber)!) : '…'}</td>
                      <td><code>{e.name}</code></td>
                      <td>{describeEvent(e, nameOf, roleNames)}</td>
                      <td>{actor ? <AddressCell address={actor as Address} name={labelOf(actor)} /> : '—'}</td>
                      <td><TxCell hash={e.txHash} /></td>
                    </tr>
                  );
                })}
              </tbody>
            </StackedTable>
          </div>
          {list.length > shown && <button onClick={() => setShown(shown + PAGE)}>Show {Math.min(PAGE, list.length - shown)} more</button>}
          <AuditExport events={GROUPS[group].events} />
        </>
      )}
    </Panel>
  );
}

/** A CSV of the keepers' ledger copy of the trail: the group shown, narrowed by investor and period (officers). */
function AuditExport({ events }: { events: string[] }) {
  const { config } = useVenue();
  const [form, setForm] = useState({ investor: '', from: '', to: '' });
  const target = auditExportPath({ events, ...form });
  return (
    <div className="row audit-export" data-testid="audit-export">
      <label>Investor <input aria-label="Export investor" placeholder="any (0x…)" value={form.investor} onChange={(e) => setForm({ ...form, investor: e.target.value })} /></label>
      <label>From <input type="date" aria-label="Export from" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} /></label>
      <label>To <input type="date" aria-label="Export to" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} /></label>
      {'path' in target ? (
        <a className="button" href={apiUrlOf(config.apiUrl, target.path)} data-testid="audit-csv">Export CSV</a>
      ) : (
        <span className="error" role="alert">{target.problem}</span>
      )}
    </div>
  );
}

export function AlertsPanel() {
  const { config } = useVenue();
  const alerts = useAlerts();
  const { session } = useViewer();
  const [shown, setShown] = useState(ALERTS_PAGE);
  if (!session) {
    return (
      <Panel title="Keeper alerts">
        <p className="muted" data-testid="alerts-sign-in">Sign in to see the keepers' alerts: officers see all of them, an investor those about them.</p>
      </Panel>
    );
  }
  return (
    <Panel title="Keeper alerts" actions={<a className="button" href={apiUrlOf(config.apiUrl, '/alerts?format=csv&limit=500')} data-testid="alerts-csv">Export CSV</a>}>
      {alerts.isError && <Unavailable what="The keepers' alert feed" />}
      {alerts.isPending && !alerts.isError ? (
        <Skeleton lines={3} label="Loading keeper alerts" />
      ) : alerts.data && alerts.data.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : alerts.data ? (
        <div className="table-scroll">
          {alerts.isError && <p className="muted">Last alerts received:</p>}
          <StackedTable className="alerts" data-testid="alerts">
            <thead><tr><th>Raised (UTC)</th><th>Severity</th><th>Kind</th><th>Subject</th><th>Message</th></tr></thead>
            <tbody>
              {alerts.data.slice(0, shown).map((a) => (
                <tr key={a.id}>
                  <td>{new Date(a.created_at).toISOString().replace('T', ' ').slice(0, 19)}</td>
                  <td><span className={`tag ${a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : ''}`}>{a.severity}</span></td>
                  <td>{a.kind.replace(/_/g, ' ')}</td>
                  <td><SubjectCell subject={a.subject} /></td>
                  <td>{a.message}</td>
                </tr>
              ))}
            </tbody>
          </StackedTable>
          {alerts.data.length > shown && <button onClick={() => setShown(shown + ALERTS_PAGE)}>Show {Math.min(ALERTS_PAGE, alerts.data.length - shown)} more</button>}
        </div>
      ) : null}
    </Panel>
  );
}

/** An alert's subject: a pool by name, a wallet with its name, else the raw text. */
export function SubjectCell({ subject }: { subject: string }) {
  const { nameOf } = useNames();
  const pool = useVenue().deployment.pools.find((p) => p.poolId.toLowerCase() === subject.toLowerCase());
  if (pool) return <span>{pool.name}</span>;
  if (/^0x[0-9a-fA-F]{40}$/.test(subject)) {
    const name = nameOf(subject);
    return <AddressCell address={subject as Address} name={name.startsWith('0x') ? undefined : name} />;
  }
  return <code title={subject}>{subject.length > 20 ? `${subject.slice(0, 10)}…${subject.slice(-6)}` : subject}</code>;
}
