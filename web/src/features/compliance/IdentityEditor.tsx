/**
 * One identity, opened from the roster ("Identity"): its accreditation expiry, classes, jurisdiction and verification
 * record, replaced with a one-row `upsertIdentities`; its linked wallets, one more linked with `linkWallets`, one
 * unlinked with `unlinkWallet`. Every field is checked as the identity roster checks its cells (identityRoster.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { encodeFunctionData, type Address } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { Field, Panel, Skeleton, StackedTable } from '../../app/ui.tsx';
import { useChainNow, useVenue } from '../../app/venue.tsx';
import { useSend } from '../../lib/useSend.ts';
import { AddressCell, Confirm, ReviewForm, RoleNote, useNames } from './common.tsx';
import {
  CLASS_BITS,
  identityEditSummary,
  identityForm,
  linkConfirm,
  linkProblem,
  parseIdentityForm,
  unlinkConfirm,
  VERIFICATION_METHODS,
  type IdentityDetails,
  type IdentityForm,
} from './identityRoster.ts';
import { describeClasses } from '../../../../sdk/errors.ts';
import { identityLabel, parseInvestorAddress, type Capabilities } from './logic.ts';
import { useIdentityRecords, useRecords } from './queries.ts';
import { useDesk } from './store.ts';

export function IdentityEditor({ caps }: { caps: Capabilities }) {
  const open = useDesk((s) => s.identity);
  const close = useDesk((s) => s.closeIdentity);
  if (!open) return null;
  return <IdentityPanel key={open.nonce} wallet={open.wallet} caps={caps} onClose={close} />;
}

interface Props {
  id: bigint;
  details: IdentityDetails;
  allowed: boolean;
}

function IdentityPanel({ wallet, caps, onClose }: { wallet: Address; caps: Capabilities; onClose(): void }) {
  const { labelOf } = useNames();
  const now = useChainNow();
  const record = useRecords([wallet]).data?.get(wallet.toLowerCase());
  const id = record?.identity ?? 0n;
  const details = useIdentityRecords(id ? [id] : []).data?.get(id.toString());
  const panel = useRef<HTMLDivElement>(null);
  // Opened from the roster above: bring the editor into view. (A block body: Chromium's scrollIntoView returns a
  // promise, which React would take for the effect's cleanup and call when the editor closes.)
  useEffect(() => {
    void panel.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const name = labelOf(wallet) ?? wallet;

  let body;
  if (record && id === 0n) body = <p className="blocker" role="alert">{name} has no identity in the registry: register it first (Add or edit an investor).</p>;
  else if (!details || now === undefined) body = <Skeleton lines={4} label="Reading the identity" />;
  else {
    const props: Props = { id, details, allowed: caps.compliance };
    body = (
      <>
        {!caps.compliance && <RoleNote role="compliance" />}
        <p className="muted">
          Identity {identityLabel(id)}{details.frozen ? ' (frozen)' : ''}: every wallet linked to it trades, and counts, as one investor. Its freeze and
          exit-only status change only from the roster.
        </p>
        <h3>Record</h3>
        <RecordForm {...props} now={now} />
        <h3>Wallets</h3>
        <Wallets {...props} />
      </>
    );
  }
  return (
    <div ref={panel}>
      <Panel title={`Identity of ${name}`} className="identity-editor" actions={<button onClick={onClose}>Close</button>}>
        {body}
      </Panel>
    </div>
  );
}

function RecordForm({ id, details, allowed, now }: Props & { now: number }) {
  const { deployment } = useVenue();
  const [form, setForm] = useState(() => identityForm(details));
  const parsed = parseIdentityForm(id, form, now);
  const summary = parsed.input && identityEditSummary(details, parsed.input);
  const plan = parsed.input && summary
    ? { title: `Update identity ${identityLabel(id)}`, confirm: summary, data: encodeFunctionData({ abi: investorRegistryAbi, functionName: 'upsertIdentities', args: [[parsed.input]] }) }
    : undefined;
  const set = (patch: Partial<IdentityForm>) => setForm({ ...form, ...patch });

  return (
    <ReviewForm name="Identity record" to={deployment.investorRegistry} allowed={allowed} plan={plan} noPlan={parsed.input ? 'Nothing to change: the identity already reads so.' : undefined}>
      {(submitted) => {
        const error = (field: keyof IdentityForm) => (submitted || String(form[field]).trim() !== '' ? parsed.errors[field] : undefined);
        return (
          <>
            <div className="grid-2 tight">
              <Field label="Accreditation expires on (UTC)" type="date" value={form.expiry} onChange={(e) => set({ expiry: e.target.value })} error={error('expiry')} />
              <Field label="Jurisdiction (ISO 3166-1 numeric)" inputMode="numeric" value={form.jurisdiction} onChange={(e) => set({ jurisdiction: e.target.value })} error={error('jurisdiction')} />
            </div>
            <fieldset className="filters">
              <legend>Classes</legend>
              {Object.values(CLASS_BITS).map((bit) => (
                <label key={bit}>
                  <input type="checkbox" checked={(form.classes & bit) !== 0} onChange={(e) => set({ classes: e.target.checked ? form.classes | bit : form.classes & ~bit })} /> {describeClasses(bit)}
                </label>
              ))}
            </fieldset>
            <div className="grid-2 tight">
              <label className="select">
                Verification method
                <select value={form.method} onChange={(e) => set({ method: e.target.value })} aria-invalid={error('method') ? true : undefined}>
                  <option value="">Choose…</option>
                  {Object.keys(VERIFICATION_METHODS).map((m) => <option key={m} value={m}>{m.replace(/_/g, ' ')}</option>)}
                </select>
                {error('method') && <span className="field-error" role="alert">{error('method')}</span>}
              </label>
              <Field label="Verified on (UTC)" type="date" value={form.verifiedAt} onChange={(e) => set({ verifiedAt: e.target.value })} error={error('verifiedAt')} />
            </div>
            <Field label="Evidence file hash (32 bytes)" placeholder="0x…" value={form.evidenceHash} onChange={(e) => set({ evidenceHash: e.target.value })} error={error('evidenceHash')} spellCheck={false} autoComplete="off" />
          </>
        );
      }}
    </ReviewForm>
  );
}

function Wallets({ id, details, allowed }: Props) {
  const { deployment } = useVenue();
  const { book, labelOf } = useNames();
  const { send, busy, blocker } = useSend();
  const [unlinking, setUnlinking] = useState<Address>();
  const [text, setText] = useState('');
  const address = parseInvestorAddress(text.trim());
  const record = useRecords(address.ok ? [address.value] : []).data?.get(address.ok ? address.value.toLowerCase() : '');
  const registry = deployment.investorRegistry;
  const name = (w: Address) => labelOf(w) ?? w;

  const problem = text.trim() === '' ? undefined : address.ok ? linkProblem(address.value, record, id, details, book) : address.error;
  const plan = address.ok && record && !problem
    ? { title: `Link ${name(address.value)} to identity ${identityLabel(id)}`, confirm: linkConfirm(name(address.value), id), data: encodeFunctionData({ abi: investorRegistryAbi, functionName: 'linkWallets', args: [id, [address.value]] }) }
    : undefined;

  async function unlink(wallet: Address) {
    const receipt = await send(`Unlink ${name(wallet)}`, registry, encodeFunctionData({ abi: investorRegistryAbi, functionName: 'unlinkWallet', args: [wallet] }));
    if (receipt) setUnlinking(undefined);
  }

  return (
    <>
      {details.wallets.length === 0 ? (
        <p className="muted">No wallet is linked: the identity cannot trade.</p>
      ) : (
        <StackedTable data-testid="identity-wallets">
          <tbody>
            {details.wallets.map((w) => (
              <tr key={w} data-testid="identity-wallet" data-address={w}>
                <td><AddressCell address={w} name={labelOf(w)} /></td>
                <td className="actions">
                  <button className="danger" disabled={!allowed || busy || !!blocker} onClick={() => setUnlinking(w)} aria-label={`Unlink ${name(w)}`}>Unlink</button>
                </td>
              </tr>
            ))}
          </tbody>
        </StackedTable>
      )}
      {unlinking && <Confirm text={unlinkConfirm(name(unlinking), id)} action={`Unlink ${name(unlinking)}`} busy={busy} onConfirm={() => void unlink(unlinking)} onCancel={() => setUnlinking(undefined)} />}
      <ReviewForm name="Link a wallet" to={registry} allowed={allowed} plan={plan} onDone={() => setText('')}>
        {(submitted) => (
          <Field
            label="Link another wallet"
            placeholder="0x…"
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={problem ?? (submitted && text.trim() === '' ? 'Enter the wallet’s address' : undefined)}
            spellCheck={false}
            autoComplete="off"
          />
        )}
      </ReviewForm>
    </>
  );
}
