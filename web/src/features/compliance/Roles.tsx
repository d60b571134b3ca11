/**
 * The registry's roles (default admin): who holds each, a grant or revocation reviewed in plain words before it is
 * sent, and the default admin's transfer shown as its two steps, each offered only to the one who may take it.
 */
import { useMemo, useState } from 'react';
import { encodeFunctionData, getAddress, isAddress, type Address } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { Panel, Skeleton, StackedTable } from '../../app/ui.tsx';
import { useVenue } from '../../app/venue.tsx';
import { useSend } from '../../lib/useSend.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { AddressCell, RoleNote, ReviewForm, useNames } from './common.tsx';
import type { Capabilities, RegistryEvent } from './logic.ts';
import { useAdminTransfer, useRoleIds } from './queries.ts';
import { adminTransferStep, checkRoleChange, GRANTABLE, ROLE_LABELS, roleHolders, type GrantableRole, type RoleChange } from './roles.ts';

export function RolesPanel({ caps, events }: { caps: Capabilities; events: RegistryEvent[] | undefined }) {
  const ids = useRoleIds().data;
  const { nameOf } = useNames();
  const holders = useMemo(() => (ids && events ? roleHolders(events, ids) : undefined), [ids, events]);
  if (!ids || !holders) return <Panel title="Roles"><Skeleton lines={3} label="Loading the registry's roles" /></Panel>;
  return (
    <Panel title="Roles">
      <StackedTable data-testid="role-holders">
        <tbody>
          {[...GRANTABLE, 'admin' as const].map((role) => (
            <tr key={role} data-role={role}>
              <th scope="row">{role === 'admin' ? 'Default admin' : ROLE_LABELS[role]}</th>
              <td>{holders[role].length === 0 ? <span className="muted">nobody</span> : holders[role].map((a) => <AddressCell key={a} address={a} name={nameOf(a).startsWith('0x') ? undefined : nameOf(a)} />)}</td>
            </tr>
          ))}
        </tbody>
      </StackedTable>
      {!caps.admin && <RoleNote role="the default admin" />}
      <RoleChangeForm allowed={caps.admin} check={(c) => checkRoleChange(c, holders, ids, (a) => nameOf(a))} />
      <AdminTransferSteps />
    </Panel>
  );
}

function RoleChangeForm({ allowed, check }: { allowed: boolean; check: (c: RoleChange) => ReturnType<typeof checkRoleChange> }) {
  const { deployment } = useVenue();
  const [change, setChange] = useState<RoleChange>({ action: 'grant', role: 'compliance', account: '' });
  const result = check(change);
  return (
    <ReviewForm name="Grant or revoke a role" to={deployment.investorRegistry} allowed={allowed} plan={result.plan} onDone={() => setChange({ ...change, account: '' })}>
      {(submitted) => (
        <div className="row">
          <label className="select">Change
            <select aria-label="Change" value={change.action} onChange={(e) => setChange({ ...change, action: e.target.value as RoleChange['action'] })}>
              <option value="grant">Grant</option>
              <option value="revoke">Revoke</option>
            </select>
          </label>
          <label className="select">Role
            <select aria-label="Role" value={change.role} onChange={(e) => setChange({ ...change, role: e.target.value as GrantableRole })}>
              {GRANTABLE.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
            </select>
          </label>
          <label>Wallet
            <input aria-label="Role wallet" placeholder="0x…" value={change.account} onChange={(e) => setChange({ ...change, account: e.target.value })} />
          </label>
          {submitted && result.errors.account && <p className="error" role="alert">{result.errors.account}</p>}
        </div>
      )}
    </ReviewForm>
  );
}

function AdminTransferSteps() {
  const { deployment } = useVenue();
  const account = useWalletStore((w) => w.address);
  const state = useAdminTransfer().data;
  const { send, busy } = useSend();
  const [next, setNext] = useState('');
  if (!state) return null;
  const step = adminTransferStep(state.transfer, account, state.now);
  const registry = deployment.investorRegistry;
  const nextAddress = isAddress(next.trim(), { strict: false }) ? getAddress(next.trim()) : undefined;
  const call = (title: string, functionName: 'acceptDefaultAdminTransfer' | 'cancelDefaultAdminTransfer') => void send(title, registry, encodeFunctionData({ abi: investorRegistryAbi, functionName }));
  return (
    <section className="admin-transfer" aria-label="Default admin transfer" data-testid="admin-transfer">
      <h3>Default admin transfer</h3>
      <p data-testid="admin-transfer-step">{step.text}</p>
      {step.canBegin && (
        <ReviewForm
          name="Begin the admin transfer"
          to={registry}
          allowed
          plan={nextAddress && nextAddress !== state.transfer.admin ? { title: `Begin the admin transfer to ${nextAddress}`, confirm: `Step 1 of 2: name ${nextAddress} the next default admin. It becomes the admin only when it accepts (step 2); until then you remain the admin and may cancel.`, data: encodeFunctionData({ abi: investorRegistryAbi, functionName: 'beginDefaultAdminTransfer', args: [nextAddress as Address] }) } : undefined}
          noPlan="Name the next admin's wallet (0x and 40 hex digits), not the current admin."
        >
          {() => <label>Next admin <input aria-label="Next admin" placeholder="0x…" value={next} onChange={(e) => setNext(e.target.value)} /></label>}
        </ReviewForm>
      )}
      {step.canAccept && <button className="primary" disabled={busy} onClick={() => call('Accept the default admin role', 'acceptDefaultAdminTransfer')}>Accept the default admin role (step 2 of 2)</button>}
      {step.canCancel && <button disabled={busy} onClick={() => call('Cancel the admin transfer', 'cancelDefaultAdminTransfer')}>Cancel the admin transfer</button>}
    </section>
  );
}
