/**
 * Lockups: each pool security's listing and default lockup end (`configureSecurity`), and the investor-specific
 * overrides in force (`setLockupOverride`, `clearLockupOverride`), folded from the registry's events.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { encodeFunctionData, type Address } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { Field, Panel, Skeleton, StackedTable } from '../../app/ui.tsx';
import { useChainNow, useVenue } from '../../app/venue.tsx';
import { formatDate, formatDuration, parseDate } from '../../lib/amount.ts';
import { AddressCell, Confirm, RoleNote, useNames } from './common.tsx';
import { clearOverrideWarning, defaultLockupWarning, followingDefault, lockupOverrides, overrideKey, overrideWarning, parseInvestorAddress, rosterAddresses, type Capabilities, type RegistryEvent } from './logic.ts';
import { useRecords, useSecurities, type SecurityInfo } from './queries.ts';
import { useSend } from '../../lib/useSend.ts';

/** "ended 2026-06-30", "ends 2026-07-04 (in 2d 23h)". */
function endPhrase(end: number, now: number) {
  return now >= end ? `ended ${formatDate(end)}` : `ends ${formatDate(end)} (in ${formatDuration(end - now)})`;
}

export function LockupsPanel({ caps, events }: { caps: Capabilities; events: RegistryEvent[] | undefined }) {
  const securities = useSecurities();
  const now = useChainNow();
  return (
    <Panel title="Lockups">
      {!caps.compliance && <RoleNote role="compliance" />}
      {!securities.data || now === undefined || !events ? (
        <Skeleton lines={4} label="Loading lockups" />
      ) : (
        <>
          <h3>Default lockup per security</h3>
          {securities.data.map((s) => <SecurityDefault key={s.address} security={s} events={events} now={now} caps={caps} />)}
          <h3>Investor overrides</h3>
          <Overrides securities={securities.data} events={events} now={now} caps={caps} />
        </>
      )}
    </Panel>
  );
}

/** The registered wallets (not venue contracts) the registry's events name, once their records are read. */
function useRegisteredWallets(events: RegistryEvent[]): Address[] | undefined {
  const addresses = useMemo(() => rosterAddresses(events), [events]);
  const records = useRecords(addresses).data;
  return records && addresses.filter((a) => {
    const record = records.get(a.toLowerCase());
    return record?.registered && !record.venue;
  });
}

function SecurityDefault({ security, events, now, caps }: { security: SecurityInfo; events: RegistryEvent[]; now: number; caps: Capabilities }) {
  const { deployment } = useVenue();
  const { send, busy, blocker } = useSend();
  const [text, setText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const date = parseDate(text);
  const error = text !== '' && !date.ok ? date.error : undefined;
  const wallets = useRegisteredWallets(events);
  const overrides = useMemo(() => lockupOverrides(events), [events]);
  const freed = wallets && followingDefault(security.address, wallets, overrides).length;
  const warning = date.ok ? defaultLockupWarning(security.symbol, security.defaultLockupEnd, date.value, now, freed) : undefined;

  function review(e: FormEvent) {
    e.preventDefault();
    if (warning) setConfirming(true);
    else void save();
  }

  async function save() {
    setConfirming(false);
    if (!date.ok) return;
    const receipt = await send(
      `${security.listed ? 'Set' : 'List'} ${security.symbol} with default lockup end ${formatDate(date.value)}`,
      deployment.investorRegistry,
      encodeFunctionData({ abi: investorRegistryAbi, functionName: 'configureSecurity', args: [security.address, date.value] }),
    );
    if (receipt) setText('');
  }

  return (
    <form className="security-default" onSubmit={review} aria-label={`Default lockup of ${security.symbol}`} data-testid={`security-${security.symbol}`}>
      <div className="security-facts">
        <strong>{security.symbol}</strong>{' '}
        {security.listed ? <span className="tag good">Listed</span> : <span className="tag bad">Not listed: its pool refuses every trade</span>}
        <div className="muted">Default lockup {endPhrase(security.defaultLockupEnd, now)}</div>
      </div>
      <fieldset className="plain inline-form" disabled={!caps.compliance || busy}>
        <Field
          label={`New default lockup end for ${security.symbol} (UTC)`}
          type="date"
          value={text}
          onChange={(e) => (setText(e.target.value), setConfirming(false))}
          error={error}
          hint={date.ok ? (date.value <= now ? 'In the past: no default lockup, investors without an override may trade' : `Investors without an override wait ${formatDuration(date.value - now)}`) : undefined}
        />
        <button type="submit" disabled={!date.ok || !!blocker}>{security.listed ? 'Set default' : 'List security'}</button>
      </fieldset>
      {confirming && warning && <Confirm text={warning} action={`Free ${security.symbol} now`} busy={busy} onConfirm={() => void save()} onCancel={() => setConfirming(false)} />}
    </form>
  );
}

function Overrides({ securities, events, now, caps }: { securities: SecurityInfo[]; events: RegistryEvent[]; now: number; caps: Capabilities }) {
  const { deployment } = useVenue();
  const { labelOf } = useNames();
  const { send, busy, blocker } = useSend();
  const [securityIndex, setSecurityIndex] = useState(0);
  const [addressText, setAddressText] = useState('');
  const [dateText, setDateText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [clearing, setClearing] = useState<string>();
  const overrides = useMemo(() => lockupOverrides(events), [events]);
  const symbolOf = (a: string) => securities.find((s) => s.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;

  const security = securities[securityIndex];
  const address = parseInvestorAddress(addressText);
  const record = useRecords(address.ok ? [address.value] : []).data?.get(address.ok ? address.value.toLowerCase() : '');
  const date = parseDate(dateText);
  const addressError =
    addressText.trim() === '' ? (submitted ? 'Enter the investor’s address' : undefined)
      : !address.ok ? address.error
        : record && !record.registered ? 'Not in the registry: register the investor first'
          : undefined;
  const dateError = dateText === '' ? (submitted ? 'Enter the lockup end' : undefined) : !date.ok ? date.error : undefined;
  const ready = caps.compliance && security?.listed && address.ok && record?.registered && date.ok && !blocker && !busy;
  const who = address.ok ? labelOf(address.value) ?? address.value : '';
  const current = address.ok && security ? overrides.get(overrideKey(security.address, address.value)) : undefined;
  const lockup = current === undefined ? { end: security?.defaultLockupEnd ?? 0, override: false } : { end: current, override: true };
  const warning = ready && date.ok ? overrideWarning(who, security.symbol, lockup, date.value, now) : undefined;

  function review(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (ready && warning) setConfirming(true);
    else void set();
  }

  async function set() {
    setConfirming(false);
    if (!ready || !address.ok || !date.ok) return;
    const receipt = await send(
      `Lockup of ${who} in ${security.symbol} until ${formatDate(date.value)}`,
      deployment.investorRegistry,
      encodeFunctionData({ abi: investorRegistryAbi, functionName: 'setLockupOverride', args: [security.address, address.value, date.value] }),
    );
    if (receipt) (setAddressText(''), setDateText(''), setSubmitted(false));
  }

  function clear(securityAddress: Address, investor: Address) {
    setClearing(undefined);
    void send(
      `Clear ${labelOf(investor) ?? investor}'s lockup override in ${symbolOf(securityAddress)}`,
      deployment.investorRegistry,
      encodeFunctionData({ abi: investorRegistryAbi, functionName: 'clearLockupOverride', args: [securityAddress, investor] }),
    );
  }

  const rows = [...overrides].map(([key, end]) => {
    const [securityAddress, investor] = key.split(':') as [Address, Address];
    const defaultEnd = securities.find((s) => s.address.toLowerCase() === securityAddress.toLowerCase())?.defaultLockupEnd ?? 0;
    return { key, securityAddress, investor, end, warning: clearOverrideWarning(labelOf(investor) ?? investor, symbolOf(securityAddress), end, defaultEnd, now) };
  });
  const clearingRow = rows.find((r) => r.key === clearing && r.warning);

  return (
    <>
      {rows.length === 0 ? (
        <p className="muted">No investor-specific lockup is set: every investor has the security's default.</p>
      ) : (
        <StackedTable className="overrides" data-testid="overrides">
          <thead><tr><th>Investor</th><th>Security</th><th>Lockup</th>{caps.compliance && <th><span className="sr-only">Actions</span></th>}</tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.securityAddress}:${r.investor}`}>
                <td><AddressCell address={r.investor} name={labelOf(r.investor)} /></td>
                <td>{symbolOf(r.securityAddress)}</td>
                <td>{endPhrase(r.end, now)}</td>
                {caps.compliance && (
                  <td className="actions">
                    <button disabled={busy || !!blocker} onClick={() => (r.warning ? setClearing(r.key) : clear(r.securityAddress, r.investor))} aria-label={`Clear ${labelOf(r.investor) ?? r.investor}'s override in ${symbolOf(r.securityAddress)}`}>
                      Clear
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </StackedTable>
      )}
      {clearingRow && (
        <Confirm
          text={clearingRow.warning!}
          action={`Free ${labelOf(clearingRow.investor) ?? clearingRow.investor} in ${symbolOf(clearingRow.securityAddress)} now`}
          busy={busy}
          onConfirm={() => clear(clearingRow.securityAddress, clearingRow.investor)}
          onCancel={() => setClearing(undefined)}
        />
      )}
      <form onSubmit={review} aria-label="Set a lockup override" noValidate>
        <fieldset className="plain" disabled={!caps.compliance || busy}>
          <div className="grid-2 tight">
            <label className="select">
              Security
              <select value={securityIndex} onChange={(e) => (setSecurityIndex(Number(e.target.value)), setConfirming(false))}>
                {securities.map((s, i) => <option key={s.address} value={i}>{s.symbol}{s.listed ? '' : ' (not listed)'}</option>)}
              </select>
            </label>
            <Field label="Lockup ends on (UTC)" type="date" value={dateText} onChange={(e) => (setDateText(e.target.value), setConfirming(false))} error={dateError} />
          </div>
          <Field label="Investor address" placeholder="0x…" value={addressText} onChange={(e) => (setAddressText(e.target.value), setConfirming(false))} spellCheck={false} autoComplete="off" error={addressError} />
          {security && !security.listed && <p className="blocker" role="alert">{security.symbol} is not listed: list it above before setting overrides.</p>}
          <button type="submit" disabled={busy || !!blocker || (submitted && !ready)}>Set override</button>
        </fieldset>
        {confirming && warning && <Confirm text={warning} action={`Free ${who} in ${security.symbol} now`} busy={busy} onConfirm={() => void set()} onCancel={() => setConfirming(false)} />}
      </form>
    </>
  );
}
