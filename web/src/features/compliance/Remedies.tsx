/**
 * The issuer's remedies per security: issuing a locked lot (issuer role), partial freezes and their lifting, forced
 * transfers, wallet recovery and the affiliate holding period (compliance role). Each form names what the token would
 * refuse before anything is sent, shows the holder's figures beside each wallet, says in plain words what will happen
 * and asks to confirm, then reports the result. The checks and the sentences are in remedies.ts.
 */
import { useId, useState, type ReactNode } from 'react';
import type { Address } from 'viem';
import { Field, Panel, Skeleton } from '../../app/ui.tsx';
import { useChainNow, useToken } from '../../app/venue.tsx';
import { formatAmount, shortAddress } from '../../lib/amount.ts';
import { ReviewForm, RoleNote, useNames } from './common.tsx';
import { identityLabel, parseInvestorAddress, REMEDY_REASONS, UNTIL_LIFTED, type Capabilities } from './logic.ts';
import { useAffiliateHoldingPeriod, useHolder, useSecurities } from './queries.ts';
import {
  checkAffiliatePeriod,
  checkForceTransfer,
  checkFreeze,
  checkIssue,
  checkRecovery,
  checkUnfreeze,
  formatTime,
  lotLine,
  periodDays,
  visibleErrors,
  type HolderView,
  type ReleaseInput,
  type RemedyCheck,
  type RemedyContext,
  type RemedyErrors,
  type RemedyField,
  type WalletInput,
} from './remedies.ts';

const ACTIONS = [
  { key: 'issue', label: 'Issue a lot', role: 'issuer' },
  { key: 'freeze', label: 'Freeze shares', role: 'compliance' },
  { key: 'unfreeze', label: 'Unfreeze shares', role: 'compliance' },
  { key: 'force', label: 'Forced transfer', role: 'compliance' },
  { key: 'recover', label: 'Wallet recovery', role: 'compliance' },
  { key: 'affiliate', label: 'Affiliate holding period', role: 'compliance' },
] as const;
type ActionKey = (typeof ACTIONS)[number]['key'];

interface FormProps {
  security: Address;
  ctx: RemedyContext;
  allowed: boolean;
}

export function RemediesPanel({ caps }: { caps: Capabilities }) {
  const securities = useSecurities();
  const [selected, setSelected] = useState<Address>();
  const [actionKey, setActionKey] = useState<ActionKey>('issue');
  const security = securities.data?.find((s) => s.address === selected) ?? securities.data?.[0];
  const decimals = useToken(security?.address).data?.decimals;
  const now = useChainNow();
  const { labelOf } = useNames();
  const action = ACTIONS.find((a) => a.key === actionKey)!;

  if (!securities.data || !security || decimals === undefined || now === undefined) {
    return <Panel title="Remedies"><Skeleton lines={4} label="Loading the securities" /></Panel>;
  }
  const ctx: RemedyContext = { symbol: security.symbol, decimals, now, name: (a) => labelOf(a) ?? shortAddress(a) };
  const props: FormProps = { security: security.address, ctx, allowed: caps[action.role] };
  return (
    <Panel title="Remedies" className="remedies">
      <div className="remedy-tabs">
        <div className="segmented" role="group" aria-label="Security">
          {securities.data.map((s) => (
            <button key={s.address} className={s.address === security.address ? 'on' : ''} aria-pressed={s.address === security.address} onClick={() => setSelected(s.address)}>
              {s.symbol}{s.listed ? '' : ' (not listed)'}
            </button>
          ))}
        </div>
        <div className="segmented" role="group" aria-label="Remedy">
          {ACTIONS.map((a) => (
            <button key={a.key} className={a.key === action.key ? 'on' : ''} aria-pressed={a.key === action.key} onClick={() => setActionKey(a.key)}>{a.label}</button>
          ))}
        </div>
      </div>
      {!props.allowed && <RoleNote role={action.role} />}
      <ActionForm key={`${security.address}:${action.key}`} action={action.key} {...props} />
    </Panel>
  );
}

function ActionForm({ action, ...props }: FormProps & { action: ActionKey }) {
  switch (action) {
    case 'issue': return <IssueForm {...props} />;
    case 'freeze': return <FreezeForm {...props} />;
    case 'unfreeze': return <UnfreezeForm {...props} />;
    case 'force': return <ForceTransferForm {...props} />;
    case 'recover': return <RecoveryForm {...props} />;
    case 'affiliate': return <AffiliatePeriodForm {...props} />;
  }
}

function IssueForm({ security, ctx, allowed }: FormProps) {
  const to = useWalletInput(security);
  const [amount, setAmount] = useState('');
  const [release, setRelease] = useState<ReleaseInput>({ timed: true, text: '' });
  const check = checkIssue({ to: to.input, amount, release }, ctx);
  return (
    <RemedyForm name="Issue a lot" security={security} allowed={allowed} check={check} texts={{ to: to.text, amount, release: release.text }} onDone={() => setAmount('')}>
      {(errors) => (
        <>
          <WalletField label="Investor wallet" wallet={to} error={errors.to} ctx={ctx} />
          <AmountField value={amount} onChange={setAmount} error={errors.amount} symbol={ctx.symbol} />
          <ReleaseField untimed="Free now (no holding period)" value={release} onChange={setRelease} error={errors.release} />
        </>
      )}
    </RemedyForm>
  );
}

function FreezeForm({ security, ctx, allowed }: FormProps) {
  const wallet = useWalletInput(security);
  const [amount, setAmount] = useState('');
  const [release, setRelease] = useState<ReleaseInput>({ timed: false, text: '' });
  const [reason, setReason] = useState(0);
  const check = checkFreeze({ wallet: wallet.input, amount, release, reason }, ctx);
  return (
    <RemedyForm name="Freeze shares" security={security} allowed={allowed} check={check} texts={{ wallet: wallet.text, amount, release: release.text }} onDone={() => setAmount('')}>
      {(errors) => (
        <>
          <WalletField label="Investor wallet" wallet={wallet} error={errors.wallet} ctx={ctx} />
          <AmountField value={amount} onChange={setAmount} error={errors.amount} symbol={ctx.symbol} />
          <ReleaseField untimed="Until lifted by an officer" value={release} onChange={setRelease} error={errors.release} />
          <ReasonField value={reason} onChange={setReason} />
        </>
      )}
    </RemedyForm>
  );
}

function UnfreezeForm({ security, ctx, allowed }: FormProps) {
  const wallet = useWalletInput(security);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState(0);
  const check = checkUnfreeze({ wallet: wallet.input, amount, reason }, ctx);
  return (
    <RemedyForm name="Unfreeze shares" security={security} allowed={allowed} check={check} texts={{ wallet: wallet.text, amount }} onDone={() => setAmount('')}>
      {(errors) => (
        <>
          <WalletField label="Investor wallet" wallet={wallet} error={errors.wallet} ctx={ctx} />
          <AmountField value={amount} onChange={setAmount} error={errors.amount} symbol={ctx.symbol} />
          <ReasonField value={reason} onChange={setReason} />
        </>
      )}
    </RemedyForm>
  );
}

function ForceTransferForm({ security, ctx, allowed }: FormProps) {
  const from = useWalletInput(security);
  const to = useWalletInput(security);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState(0);
  const check = checkForceTransfer({ from: from.input, to: to.input, amount, reason }, ctx);
  return (
    <RemedyForm name="Forced transfer" security={security} allowed={allowed} check={check} texts={{ wallet: from.text, to: to.text, amount }} onDone={() => setAmount('')}>
      {(errors) => (
        <>
          <div className="grid-2 tight">
            <WalletField label="From wallet" wallet={from} error={errors.wallet} ctx={ctx} />
            <WalletField label="To wallet" wallet={to} error={errors.to} ctx={ctx} />
          </div>
          <AmountField value={amount} onChange={setAmount} error={errors.amount} symbol={ctx.symbol} />
          <ReasonField value={reason} onChange={setReason} />
        </>
      )}
    </RemedyForm>
  );
}

function RecoveryForm({ security, ctx, allowed }: FormProps) {
  const lost = useWalletInput(security);
  const replacement = useWalletInput(security);
  const [reason, setReason] = useState(REMEDY_REASONS.indexOf('lost key'));
  const check = checkRecovery({ lost: lost.input, replacement: replacement.input, reason }, ctx);
  return (
    <RemedyForm name="Wallet recovery" security={security} allowed={allowed} check={check} texts={{ wallet: lost.text, to: replacement.text }}>
      {(errors) => (
        <>
          <p className="muted">Moves every share of a lost wallet to a new wallet of the same identity. Unlink the lost wallet and link the new one first (the identity editor, from the roster).</p>
          <div className="grid-2 tight">
            <WalletField label="Lost wallet (unlinked)" wallet={lost} error={errors.wallet} ctx={ctx} />
            <WalletField label="Replacement wallet (linked)" wallet={replacement} error={errors.to} ctx={ctx} />
          </div>
          <ReasonField value={reason} onChange={setReason} />
        </>
      )}
    </RemedyForm>
  );
}

function AffiliatePeriodForm({ security, ctx, allowed }: FormProps) {
  const current = useAffiliateHoldingPeriod(security).data;
  const [days, setDays] = useState('');
  if (current === undefined) return <Skeleton lines={2} label="Reading the affiliate holding period" />;
  const check = checkAffiliatePeriod(days, current, ctx);
  return (
    <RemedyForm name="Affiliate holding period" security={security} allowed={allowed} check={check} texts={{ period: days }} onDone={() => setDays('')}>
      {(errors) => (
        <>
          <p data-testid="affiliate-period">
            Now <strong>{periodDays(current)} days</strong>: a purchase of {ctx.symbol} from an affiliate of the issuer locks the buyer's shares for that long (Rule 144(d):
            one year for an issuer that does not report under the Exchange Act, six months for one that does).
          </p>
          <Field label="New holding period (days)" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} error={errors.period} autoComplete="off" />
        </>
      )}
    </RemedyForm>
  );
}

// ------------------------------------------------------------------ shared pieces

/** A reviewed form (common.tsx) for one remedy: its fields' problems show once they have text, all of them on Review. */
function RemedyForm({ security, check, texts, children, ...form }: {
  name: string;
  security: Address;
  allowed: boolean;
  check: RemedyCheck;
  texts: Partial<Record<RemedyField, string>>;
  onDone?(): void;
  children(errors: RemedyErrors): ReactNode;
}) {
  return (
    <ReviewForm {...form} to={security} plan={check.plan}>
      {(submitted) => children(visibleErrors(check.errors, texts, submitted))}
    </ReviewForm>
  );
}

/** A wallet field's text and, once it is an address, the holder read from the chain for it. */
function useWalletInput(security: Address) {
  const [text, setText] = useState('');
  const address = parseInvestorAddress(text.trim());
  const holder = useHolder(security, address.ok ? address.value : undefined).data;
  const input: WalletInput = { text, holder };
  return { text, setText, input };
}

function WalletField({ label, wallet, error, ctx }: { label: string; wallet: ReturnType<typeof useWalletInput>; error?: string; ctx: RemedyContext }) {
  const holder = wallet.input.holder;
  return (
    <div className="wallet-field">
      <Field label={label} value={wallet.text} onChange={(e) => wallet.setText(e.target.value)} placeholder="0x…" spellCheck={false} autoComplete="off" error={error} />
      {holder && <HolderFigures holder={holder} ctx={ctx} />}
    </div>
  );
}

function HolderFigures({ holder: h, ctx }: { holder: HolderView; ctx: RemedyContext }) {
  if (h.venue || h.identity === 0n) return null;
  const n = (v: bigint) => formatAmount(v, ctx.decimals);
  return (
    <div className="holder" data-testid="holder-figures">
      <dl className="holder-figures">
        <div><dt>Identity</dt><dd>{identityLabel(h.identity)}{h.registered ? '' : ' · unlinked'}</dd></div>
        <div><dt>Holding (all wallets)</dt><dd data-testid="holder-holding">{n(h.holding)}</dd></div>
        <div><dt>In this wallet</dt><dd data-testid="holder-balance">{n(h.balance)}</dd></div>
        {h.reserved > 0n && <div><dt>Positions could return</dt><dd data-testid="holder-reserved">{n(h.reserved)}</dd></div>}
        <div><dt>Locked</dt><dd data-testid="holder-locked">{n(h.locked)}</dd></div>
        <div><dt>Of which frozen</dt><dd data-testid="holder-frozen">{n(h.frozen)}</dd></div>
        <div><dt>Free</dt><dd data-testid="holder-free">{n(h.free)}</dd></div>
      </dl>
      {h.locked > 0n && h.nextRelease !== UNTIL_LIFTED && <p className="sub">First release {formatTime(h.nextRelease)} UTC</p>}
      {h.lots.length > 0 && <ul className="lots" data-testid="holder-lots">{h.lots.map((l, i) => <li key={i}>{lotLine(l, ctx.decimals)}</li>)}</ul>}
    </div>
  );
}

function AmountField({ value, onChange, error, symbol }: { value: string; onChange(v: string): void; error?: string; symbol: string }) {
  return <Field label={`Amount (${symbol})`} inputMode="decimal" placeholder="0" value={value} onChange={(e) => onChange(e.target.value)} error={error} autoComplete="off" />;
}

/** Timed (a release time, UTC) or not: `untimed` says what not timed means for this remedy. */
function ReleaseField({ untimed, value, onChange, error }: { untimed: string; value: ReleaseInput; onChange(v: ReleaseInput): void; error?: string }) {
  const name = useId();
  return (
    <fieldset className="release">
      <legend>Release</legend>
      <label className="check"><input type="radio" name={name} checked={value.timed} onChange={() => onChange({ ...value, timed: true })} /> Locked until a release time</label>
      <label className="check"><input type="radio" name={name} checked={!value.timed} onChange={() => onChange({ ...value, timed: false })} /> {untimed}</label>
      {value.timed && <Field label="Release time (UTC)" type="datetime-local" value={value.text} onChange={(e) => onChange({ timed: true, text: e.target.value })} error={error} />}
    </fieldset>
  );
}

function ReasonField({ value, onChange }: { value: number; onChange(reason: number): void }) {
  return (
    <label className="select">
      Reason (recorded in the audit trail)
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {REMEDY_REASONS.map((r, i) => <option key={r} value={i}>{r[0].toUpperCase() + r.slice(1)}</option>)}
      </select>
    </label>
  );
}
