/**
 * The identity roster's preview and import (see identityRoster.ts): every row checked, the identities and the wallets
 * they gain listed, and one transaction, the registry's multicall of upsertIdentities and linkWallets.
 */
import { encodeFunctionData } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { useVenue } from '../../app/venue.tsx';
import { formatDate } from '../../lib/amount.ts';
import { useSend } from '../../lib/useSend.ts';
import { AddressCell, ImportPreview, RowResult, useNames } from './common.tsx';
import { checkIdentitiesAgainstChain, identityPlan, identityRowChange, parseIdentityRoster, type IdentityRow, type WalletRecord } from './identityRoster.ts';
import { describeClasses } from '../../../../sdk/errors.ts';
import { importVerdict, UNCHANGED, type Capabilities } from './logic.ts';
import { useIdentityRecords, useRecords } from './queries.ts';

export function IdentityImport({ text, today, caps, onDone }: { text: string; today: number; caps: Capabilities; onDone: (message: string) => void }) {
  const { deployment } = useVenue();
  const { book, labelOf } = useNames();
  const { send, busy, blocker } = useSend();
  const parsed = parseIdentityRoster(text, today + 86_399);
  const wallets = parsed.rows.flatMap((r) => (r.wallet ? [r.wallet] : []));
  const ids = parsed.rows.flatMap((r) => (r.identity !== undefined ? [r.identity] : []));
  const walletRecords = useRecords(wallets);
  const identityRecords = useIdentityRecords(ids);
  const walletMap = new Map<string, WalletRecord>([...(walletRecords.data ?? new Map())].map(([k, r]) => [k, { registered: r.registered, venue: r.venue, identity: r.identity ?? 0n }]));
  const checked = walletRecords.data && identityRecords.data ? checkIdentitiesAgainstChain(parsed, walletMap, identityRecords.data, book) : parsed;
  const pending = wallets.filter((w) => !walletRecords.data?.has(w.toLowerCase())).length + ids.filter((id) => !identityRecords.data?.has(id.toString())).length;
  const changeOf = (row: IdentityRow) => (row.errors.length === 0 ? identityRowChange(row, walletMap.get(row.wallet!.toLowerCase()), identityRecords.data?.get(row.identity!.toString())) : undefined);
  const unchanged = checked.rows.filter((row) => changeOf(row) === UNCHANGED).length;
  const verdict = importVerdict({ rows: checked.rows, fileErrors: checked.fileErrors, hasHeader: true }, pending, unchanged);
  const plan = verdict.ok ? identityPlan(checked, walletMap) : undefined;

  async function submit() {
    if (!plan || !caps.compliance) return;
    const calls = [
      encodeFunctionData({ abi: investorRegistryAbi, functionName: 'upsertIdentities', args: [plan.identities] }),
      ...plan.links.map((l) => encodeFunctionData({ abi: investorRegistryAbi, functionName: 'linkWallets', args: [l.identity, l.wallets] })),
    ];
    const linked = plan.links.reduce((n, l) => n + l.wallets.length, 0);
    const what = `${plan.identities.length} identit${plan.identities.length === 1 ? 'y' : 'ies'} and link ${linked} wallet${linked === 1 ? '' : 's'}`;
    const receipt = await send(`Import ${what}`, deployment.investorRegistry, encodeFunctionData({ abi: investorRegistryAbi, functionName: 'multicall', args: [calls] }));
    if (receipt) onDone(`Imported ${what} in block ${receipt.blockNumber}.`);
  }

  const count = plan?.identities.length ?? 0;
  return (
    <ImportPreview
      rows={checked.rows.length}
      kind="identity roster"
      fileErrors={checked.fileErrors}
      verdict={verdict}
      sendBlocker={caps.compliance ? blocker : undefined}
      busy={busy}
      canSend={!!plan && caps.compliance}
      sendLabel={`Import ${count} identit${count === 1 ? 'y' : 'ies'} in one transaction`}
      onSend={() => void submit()}
    >
      <thead>
        <tr><th>Line</th><th>Identity</th><th>Wallet</th><th>Accreditation until</th><th>Classes</th><th>Jurisdiction</th><th>Result</th></tr>
      </thead>
      <tbody>
        {checked.rows.map((row) => {
          const change = changeOf(row);
          return (
            <tr key={row.line} className={row.errors.length > 0 ? 'invalid' : ''} data-testid="preview-row" data-valid={row.errors.length === 0}>
              <td className="num">{row.line}</td>
              <td className="num">{row.identity?.toString() ?? '—'}</td>
              <td>{row.wallet ? <AddressCell address={row.wallet} name={labelOf(row.wallet)} /> : <code className="raw">{row.raw}</code>}</td>
              <td>{row.expiry !== undefined ? formatDate(row.expiry) : '—'}</td>
              <td>{row.classes !== undefined ? describeClasses(row.classes) : '—'}</td>
              <td className="num">{row.jurisdiction ?? '—'}</td>
              <td>
                <RowResult errors={row.errors}>
                  <span className="tag">{change ?? 'Checking…'}</span>
                </RowResult>
              </td>
            </tr>
          );
        })}
      </tbody>
    </ImportPreview>
  );
}
