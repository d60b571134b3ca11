/**
 * The investor roster: everyone the registry's events ever named, with their current record read each block,
 * accreditation against chain time, and the lockup that applies to them in each security. Officers edit, freeze,
 * unfreeze and remove from here, and open a wallet's identity in the identity editor.
 */
import { Fragment, useMemo, useState } from 'react';
import { encodeFunctionData, type Address } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { Field, Panel, Skeleton, StackedTable, Stat } from '../../app/ui.tsx';
import { useChainNow, useVenue } from '../../app/venue.tsx';
import { formatDate, formatDuration } from '../../lib/amount.ts';
import { AddressCell, useNames } from './common.tsx';
import {
  accreditationState,
  expiryPhrase,
  filterRoster,
  lockupOverrides,
  overrideKey,
  rosterAddresses,
  sortRoster,
  type Capabilities,
  type RegistryEvent,
  type RosterEntry,
} from './logic.ts';
import { identityRosterCsv } from './identityRoster.ts';
import { useIdentityRecords, useRoster } from './queries.ts';
import { useDesk } from './store.ts';
import { useSend } from '../../lib/useSend.ts';

export function RosterPanel({ caps, events }: { caps: Capabilities; events: RegistryEvent[] | undefined }) {
  const { deployment } = useVenue();
  const now = useChainNow();
  const { labelOf } = useNames();
  const addresses = useMemo(() => (events ? rosterAddresses(events) : []), [events]);
  const overrides = useMemo(() => (events ? lockupOverrides(events) : new Map<string, number>()), [events]);
  const roster = useRoster(addresses);
  const { filter, setFilter } = useDesk();

  const entries = useMemo<RosterEntry[] | undefined>(() => {
    if (!roster.data) return undefined;
    return sortRoster(
      roster.data.map((r) => ({
        address: r.address,
        label: labelOf(r.address),
        record: r.record,
        lockups: deployment.pools.map((pool, i) => ({
          security: pool.security,
          symbol: pool.name.split('/')[0],
          end: r.lockupEnds[i],
          override: overrides.has(overrideKey(pool.security, r.address)),
        })),
      })),
    );
  }, [roster.data, deployment.pools, overrides, labelOf]);

  if (!events || !entries || now === undefined) {
    return (
      <Panel title="Investor roster">
        {roster.isError ? <p className="blocker" role="alert">Couldn't read the roster: {roster.error.message}</p> : <Skeleton lines={6} label="Loading the roster" />}
      </Panel>
    );
  }

  const registered = entries.filter((e) => e.record.registered);
  const count = (f: Partial<typeof filter>) => filterRoster(entries, { search: '', expiring: false, lockup: false, frozen: false, ...f }, now).length;
  const shown = filterRoster(entries, filter, now);

  return (
    <Panel title="Investor roster" className="roster">
      <dl className="facts roster-stats">
        <Stat label="Registered" value={registered.length} />
        <Stat label="Accreditation expired" value={registered.filter((e) => accreditationState(e.record, now) === 'expired').length} tone="bad" />
        <Stat label="Expiring within 30 days" value={count({ expiring: true })} tone="warn" />
        <Stat label="In lockup" value={count({ lockup: true })} />
        <Stat label="Frozen" value={count({ frozen: true })} tone="bad" />
      </dl>
      <div className="roster-tools">
        <Field
          label="Search by address or name"
          placeholder="0x70997970… or alice"
          value={filter.search}
          onChange={(e) => setFilter({ search: e.target.value })}
          autoComplete="off"
          spellCheck={false}
          data-testid="roster-search"
        />
        <fieldset className="filters">
          <legend>Show only</legend>
          <label><input type="checkbox" checked={filter.expiring} onChange={(e) => setFilter({ expiring: e.target.checked })} /> Expiring within 30 days</label>
          <label><input type="checkbox" checked={filter.lockup} onChange={(e) => setFilter({ lockup: e.target.checked })} /> In lockup</label>
          <label><input type="checkbox" checked={filter.frozen} onChange={(e) => setFilter({ frozen: e.target.checked })} /> Frozen</label>
        </fieldset>
      </div>
      <RosterTable entries={shown} total={entries.length} now={now} caps={caps} />
      <RosterExport entries={entries} now={now} />
    </Panel>
  );
}

/** The whole roster as an identity roster CSV (the import's own format), every linked wallet of every identity. */
function RosterExport({ entries, now }: { entries: RosterEntry[]; now: number }) {
  const ids = useMemo(() => [...new Set(entries.filter((e) => e.record.registered && e.record.identity).map((e) => e.record.identity!))], [entries]);
  const identities = useIdentityRecords(ids).data;
  function download() {
    if (!identities) return;
    const csv = identityRosterCsv([...identities].map(([id, details]) => ({ id: BigInt(id), details })));
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: `roster-${formatDate(now)}.csv` });
    link.click();
    // Revoked once the download has its copy: at once, some browsers cancel it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return (
    <p className="roster-export">
      <button type="button" onClick={download} disabled={!identities} data-testid="roster-csv">Export CSV</button>{' '}
      <span className="muted">every identity and its wallets, in the identity roster's format: edit it and import it again</span>
    </p>
  );
}

function RosterTable({ entries, total, now, caps }: { entries: RosterEntry[]; total: number; now: number; caps: Capabilities }) {
  const { deployment } = useVenue();
  const { send, busy, blocker } = useSend();
  const edit = useDesk((s) => s.edit);
  const openIdentity = useDesk((s) => s.openIdentity);
  const [confirming, setConfirming] = useState<Address>();
  const registry = deployment.investorRegistry;
  const name = (e: RosterEntry) => e.label ?? e.address;

  const setFrozen = (e: RosterEntry, frozen: boolean) =>
    void send(`${frozen ? 'Freeze' : 'Unfreeze'} ${name(e)}`, registry, encodeFunctionData({ abi: investorRegistryAbi, functionName: 'setFrozen', args: [e.address, frozen] }));
  const remove = async (e: RosterEntry) => {
    const receipt = await send(`Remove ${name(e)}`, registry, encodeFunctionData({ abi: investorRegistryAbi, functionName: 'unlinkWallet', args: [e.address] }));
    if (receipt) setConfirming(undefined);
  };
  const columns = 5 + deployment.pools.length + (caps.compliance ? 1 : 0);

  return (
    <>
      <p className="muted roster-count" aria-live="polite">
        {entries.length === total ? `${total} investors` : `${entries.length} of ${total} investors match`}
        {caps.compliance && blocker ? ` · ${blocker}` : ''}
      </p>
      <div className="table-scroll">
        <StackedTable className="roster-table" data-testid="roster">
          <thead>
            <tr>
              <th>Investor</th>
              <th>Registered</th>
              <th>Accreditation</th>
              <th>Frozen</th>
              {deployment.pools.map((p) => <th key={p.security}>Lockup {p.name.split('/')[0]}</th>)}
              <th>Overrides</th>
              {caps.compliance && <th><span className="sr-only">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && (
              <tr><td colSpan={columns} className="muted">No investor matches the search and filters.</td></tr>
            )}
            {entries.map((e) => {
              const state = accreditationState(e.record, now);
              return (
                <Fragment key={e.address}>
                  <tr data-testid="roster-row" data-address={e.address} data-label={e.label} className={e.record.registered ? '' : 'removed'}>
                    <td className="investor"><AddressCell address={e.address} name={e.label} stacked /></td>
                    <td>{e.record.registered ? <span className="tag good">Yes</span> : <span className="tag">No (removed)</span>}</td>
                    <td data-testid="accreditation">
                      {e.record.registered ? (
                        <>
                          <span className={`tag ${state === 'expired' ? 'bad' : state === 'expiring' ? 'warn' : 'good'}`}>
                            {state === 'expired' ? 'Expired' : state === 'expiring' ? 'Expiring' : 'Accredited'}
                          </span>{' '}
                          {formatDate(e.record.accreditationExpiry)}
                          <div className="sub">{expiryPhrase(e.record.accreditationExpiry, now)}</div>
                        </>
                      ) : '—'}
                    </td>
                    <td data-testid="frozen">{e.record.registered ? (e.record.frozen ? <span className="tag bad">Frozen</span> : <span className="muted">No</span>) : '—'}</td>
                    {e.lockups.map((l) => (
                      <td key={l.security} data-testid={`lockup-${l.symbol}`}>
                        {now < l.end ? (
                          <>
                            <span className="tag warn">Locked</span> {formatDuration(l.end - now)}
                            <div className="sub">until {formatDate(l.end)}{l.override ? ' · override' : ''}</div>
                          </>
                        ) : (
                          <>
                            <span className="muted">Free</span>
                            {l.override && <div className="sub">override ended {formatDate(l.end)}</div>}
                          </>
                        )}
                      </td>
                    ))}
                    <td className="num">{e.record.lockupOverrides ?? 0}</td>
                    {caps.compliance && (
                      <td>
                        <div className="actions">
                          <button onClick={() => edit({ address: e.address, expiry: e.record.registered ? e.record.accreditationExpiry : undefined, frozen: e.record.frozen })} aria-label={`Edit ${name(e)}`}>
                            {e.record.registered ? 'Edit' : 'Re-register'}
                          </button>
                          {!!e.record.identity && (
                            <button onClick={() => openIdentity(e.address)} aria-label={`Identity of ${name(e)}`}>Identity</button>
                          )}
                          {e.record.registered && (
                            <>
                              <button disabled={busy || !!blocker} onClick={() => setFrozen(e, !e.record.frozen)} aria-label={`${e.record.frozen ? 'Unfreeze' : 'Freeze'} ${name(e)}`}>
                                {e.record.frozen ? 'Unfreeze' : 'Freeze'}
                              </button>
                              <button className="danger" disabled={busy || !!blocker} onClick={() => setConfirming(e.address)} aria-label={`Remove ${name(e)}`} aria-expanded={confirming === e.address}>
                                Remove
                              </button>
                            </>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                  {confirming === e.address && (
                    <tr className="confirm-row">
                      <td colSpan={columns}>
                        <div className="confirm" role="alertdialog" aria-label={`Remove ${name(e)}?`}>
                          <span>
                            Remove <strong>{name(e)}</strong> from the registry? They can no longer trade or receive securities. Their lockup
                            overrides are kept and apply again if they are re-registered.
                          </span>
                          <button className="danger" disabled={busy} onClick={() => void remove(e)} autoFocus>Remove {name(e)}</button>
                          <button onClick={() => setConfirming(undefined)}>Cancel</button>
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </StackedTable>
      </div>
    </>
  );
}
