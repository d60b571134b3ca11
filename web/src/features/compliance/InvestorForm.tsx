/**
 * Add or edit one investor: address, accreditation expiry, and (for a new investor only) frozen. Sent as a one-row
 * `upsertInvestors`. What the registry holds for the address is shown before saving, so an officer sees whether they
 * create or replace a record. A known investor's freeze is shown as it stands and changes only with Freeze/Unfreeze
 * in the roster: the registry refuses a row that would change it.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { encodeFunctionData } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { Field, Panel } from '../../app/ui.tsx';
import { useChainNow, useVenue } from '../../app/venue.tsx';
import { formatDate } from '../../lib/amount.ts';
import { RoleNote, useNames } from './common.tsx';
import { expiryPhrase, freezeIsSet, latestExpiry, parseAccreditationExpiry, parseInvestorAddress, type Capabilities } from './logic.ts';
import { useRecords } from './queries.ts';
import { useDesk } from './store.ts';
import { useSend } from '../../lib/useSend.ts';

export function InvestorForm({ caps }: { caps: Capabilities }) {
  const { deployment } = useVenue();
  const now = useChainNow();
  const { book, labelOf } = useNames();
  const editing = useDesk((s) => s.editing);
  const { send, busy, blocker } = useSend();
  const [addressText, setAddressText] = useState('');
  const [dateText, setDateText] = useState('');
  const [frozen, setFrozen] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const panel = useRef<HTMLDivElement>(null);

  // "Edit" in the roster loads that investor here and brings the form into view.
  useEffect(() => {
    if (!editing) return;
    setAddressText(editing.address);
    setDateText(editing.expiry !== undefined ? formatDate(editing.expiry) : '');
    setFrozen(editing.frozen);
    setSubmitted(false);
    panel.current?.scrollIntoView({ block: 'nearest' });
    panel.current?.querySelector<HTMLInputElement>('input[type=date]')?.focus();
  }, [editing]);

  const address = parseInvestorAddress(addressText);
  const date = parseAccreditationExpiry(dateText, now ?? Date.now() / 1000);
  const records = useRecords(address.ok ? [address.value] : []);
  const record = address.ok ? records.data?.get(address.value.toLowerCase()) : undefined;
  const known = address.ok ? book.get(address.value.toLowerCase()) : undefined;
  const freezeLocked = freezeIsSet(record);
  const frozenToSend = freezeLocked ? record.frozen : frozen;

  const addressError =
    addressText.trim() === ''
      ? submitted ? 'Enter the investor’s address' : undefined
      : !address.ok
        ? address.error
        : record?.venue
          ? 'A venue contract, not an investor'
          : known?.contract
            ? `The venue's ${known.name} contract, not an investor`
            : undefined;
  const dateError =
    dateText === ''
      ? submitted ? 'Enter the date accreditation lapses' : undefined
      : !date.ok
        ? date.error === 'Date is in the past'
          ? 'Date is in the past: accreditation must run beyond today (to stop trading, freeze or remove instead)'
          : date.error
        : undefined;
  const who = address.ok ? labelOf(address.value) ?? address.value : 'investor';
  const ready = caps.compliance && address.ok && date.ok && record !== undefined && !addressError && !dateError && !busy && !blocker;

  let recordNote: string | undefined;
  if (address.ok && !addressError && now !== undefined) {
    if (!record) recordNote = 'Reading the registry…';
    else if (!record.registered) recordNote = 'Not in the registry: saving registers this investor.';
    else {
      recordNote = `Registered: accredited until ${formatDate(record.accreditationExpiry)} (${expiryPhrase(record.accreditationExpiry, now)})${record.frozen ? ', frozen' : ''}. Saving replaces the record; lockup overrides are kept.`;
    }
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (!ready || !address.ok || !date.ok) return;
    const receipt = await send(
      `${record?.registered ? 'Update' : 'Register'} ${who}`,
      deployment.investorRegistry,
      encodeFunctionData({ abi: investorRegistryAbi, functionName: 'upsertInvestors', args: [[{ investor: address.value, accreditationExpiry: date.value, frozen: frozenToSend }]] }),
    );
    if (receipt) {
      setAddressText('');
      setDateText('');
      setFrozen(false);
      setSubmitted(false);
    }
  }

  return (
    <div ref={panel}>
      <Panel title="Add or edit an investor">
        {!caps.compliance && <RoleNote role="compliance" />}
        <form onSubmit={(e) => void save(e)} noValidate aria-label="Add or edit an investor">
          <fieldset disabled={!caps.compliance} className="plain">
            <Field
              label="Investor address"
              value={addressText}
              onChange={(e) => setAddressText(e.target.value)}
              placeholder="0x…"
              autoComplete="off"
              spellCheck={false}
              error={addressError}
              hint={recordNote}
              data-testid="investor-address"
            />
            <Field
              label="Accreditation expires on (UTC)"
              type="date"
              max={now !== undefined ? formatDate(latestExpiry(now)) : undefined}
              value={dateText}
              onChange={(e) => setDateText(e.target.value)}
              error={dateError}
              hint={date.ok && now !== undefined ? `Accredited until ${formatDate(date.value)} 00:00 UTC, ${expiryPhrase(date.value, now)}` : undefined}
              data-testid="investor-expiry"
            />
            <label className="check">
              <input type="checkbox" checked={frozenToSend} disabled={freezeLocked} onChange={(e) => setFrozen(e.target.checked)} data-testid="investor-frozen" />
              Frozen (a legal hold: no trading, no transfers out)
            </label>
            {freezeLocked && <p className="field-hint">A freeze changes only with Freeze or Unfreeze in the roster, so this record keeps it as it stands.</p>}
            {caps.compliance && blocker && <p className="blocker" role="alert">{blocker}</p>}
            <button className="primary" type="submit" disabled={busy || (submitted && !ready)} data-testid="investor-save">
              {busy ? 'Working…' : record?.registered ? `Update ${who}` : 'Register investor'}
            </button>
          </fieldset>
        </form>
      </Panel>
    </div>
  );
}
