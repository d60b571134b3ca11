/**
 * Onboarding by roster: a CSV chosen or pasted, previewed row by row with every problem named (bad address or
 * checksum, bad or past date, bad frozen value, duplicates, venue contracts), and sent only when every row is valid,
 * as ONE transaction: the registry applies all rows or none. Two formats, told apart by the header: the wallet roster
 * (`upsertInvestors`: one-wallet accredited US investors) and the identity roster (IdentityImport: identities with
 * their classes, jurisdiction, verification record and several wallets).
 */
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import { encodeFunctionData } from 'viem';
import { investorRegistryAbi } from '../../../../sdk/abis/generated.ts';
import { Panel, Skeleton } from '../../app/ui.tsx';
import { useChainNow, useVenue } from '../../app/venue.tsx';
import { formatDate } from '../../lib/amount.ts';
import { AddressCell, ImportPreview, RoleNote, RowResult, useNames } from './common.tsx';
import { IdentityImport } from './IdentityImport.tsx';
import { IDENTITY_COLUMNS, isIdentityHeader } from './identityRoster.ts';
import { checkAgainstChain, CSV_COLUMNS, splitCsvLine, importVerdict, MAX_IMPORT_ROWS, parseRosterCsv, rowChange, toInvestorInputs, type Capabilities, type CsvRow } from './logic.ts';
import { useRecords } from './queries.ts';
import { useSend } from '../../lib/useSend.ts';

const MAX_FILE_BYTES = 1_000_000;
const TEMPLATE = `${CSV_COLUMNS.join(',')}\n0x0000000000000000000000000000000000000001,2027-12-31,false\n`;
const IDENTITY_TEMPLATE = `${IDENTITY_COLUMNS.join(',')}\n1001,0x0000000000000000000000000000000000000001,2027-12-31,accredited,840,net_worth,2026-11-02,0x${'ab'.repeat(32)}\n1001,0x0000000000000000000000000000000000000002,2027-12-31,accredited,840,net_worth,2026-11-02,0x${'ab'.repeat(32)}\n`;

const CHANGE_TAG = { new: 'good', update: 'warn', unchanged: '' } as const;

/** Whether pasted text is an identity roster: its first line (not blank, not a comment) is that header. */
function isIdentityRoster(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const cells = first === undefined ? undefined : splitCsvLine(first);
  return !!cells?.ok && isIdentityHeader(cells.value);
}

export function CsvImport({ caps }: { caps: Capabilities }) {
  const { deployment } = useVenue();
  const now = useChainNow();
  const { book, labelOf } = useNames();
  const { send, busy, blocker } = useSend();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [fileError, setFileError] = useState<string>();
  const [done, setDone] = useState<string>();
  const areaId = useId();
  const fileId = useId();

  // "Past" is judged by chain time (what the registry compares with), to the day: dates are UTC midnights, so the end
  // of the chain's current day draws the same line as `now` while re-parsing once a day instead of every second.
  const today = now === undefined ? undefined : Math.floor(now / 86_400) * 86_400;
  const identities = isIdentityRoster(text);
  const parsed = useMemo(() => (text.trim() === '' || today === undefined || identities ? undefined : parseRosterCsv(text, today + 86_399)), [text, today, identities]);
  const addresses = parsed ? parsed.rows.flatMap((r) => (r.address ? [r.address] : [])) : [];
  const records = useRecords(addresses);
  const checked = parsed && records.data ? checkAgainstChain(parsed, records.data, book) : parsed;
  const pending = addresses.filter((a) => !records.data?.has(a.toLowerCase())).length;
  const changeOf = (row: CsvRow) => (row.errors.length === 0 ? rowChange(row, records.data?.get(row.address!.toLowerCase())) : undefined);
  const unchanged = checked ? checked.rows.filter((row) => changeOf(row)?.kind === 'unchanged').length : 0;
  const verdict = checked ? importVerdict(checked, pending, unchanged) : undefined;

  async function chooseFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = ''; // choosing the same file again reloads it
    setFileError(undefined);
    setDone(undefined);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) return setFileError(`${file.name} is ${Math.round(file.size / 1000)} kB: a roster file is at most 1 MB (${MAX_IMPORT_ROWS} rows)`);
    setFileName(file.name);
    setText(await file.text());
  }

  async function submit() {
    if (!checked || !verdict?.ok || !caps.compliance) return;
    const rows = toInvestorInputs(checked);
    const receipt = await send(
      `Import ${rows.length} investor${rows.length === 1 ? '' : 's'}`,
      deployment.investorRegistry,
      encodeFunctionData({ abi: investorRegistryAbi, functionName: 'upsertInvestors', args: [rows] }),
    );
    if (receipt) {
      setDone(`Imported ${rows.length} investor${rows.length === 1 ? '' : 's'} in block ${receipt.blockNumber}${fileName ? ` from ${fileName}` : ''}.`);
      setText('');
      setFileName(undefined);
    }
  }

  return (
    <Panel title="Import a roster (CSV)" className="csv-import">
      {!caps.compliance && <RoleNote role="compliance" />}
      <p className="muted">
        One investor per line: <code>{CSV_COLUMNS.join(',')}</code> with the expiry as <code>YYYY-MM-DD</code> (UTC; accreditation is valid until that
        day begins) and frozen as <code>true</code> or <code>false</code>. A header line is optional. Every row is checked before anything is sent, and
        the whole file goes in one transaction (at most {MAX_IMPORT_ROWS} rows).{' '}
        <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(TEMPLATE)}`} download="roster-template.csv">Download a template</a>
      </p>
      <p className="muted">
        Identities with several wallets, classes (<code>accredited|qib|non_us|affiliate</code>, or <code>none</code>), an ISO 3166-1 numeric
        jurisdiction (840 is the United States) and the verification record: start the file with the header <code>{IDENTITY_COLUMNS.join(',')}</code>,
        one row per wallet, the identity's fields the same on each of its rows. A new identity's id is yours to choose, below 2^64.{' '}
        <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(IDENTITY_TEMPLATE)}`} download="identity-roster-template.csv">Download an identity template</a>
      </p>
      <fieldset className="plain" disabled={!caps.compliance || busy}>
        <div className="csv-inputs">
          <div className="field">
            <label htmlFor={fileId}>Choose a CSV file</label>
            <input id={fileId} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void chooseFile(e)} data-testid="csv-file" />
            {fileError && <div className="field-error" role="alert">{fileError}</div>}
          </div>
          <div className="field csv-text">
            <label htmlFor={areaId}>…or paste the roster{fileName ? ` (loaded from ${fileName}; edit freely)` : ''}</label>
            <textarea
              id={areaId}
              rows={6}
              spellCheck={false}
              placeholder={`${CSV_COLUMNS.join(',')}\n0x…,2027-06-30,false`}
              value={text}
              onChange={(e) => (setText(e.target.value), setDone(undefined))}
              data-testid="csv-text"
            />
          </div>
        </div>
      </fieldset>
      {done && <p className="success" role="status" data-testid="import-done">{done}</p>}
      {text.trim() !== '' && today === undefined && <Skeleton lines={2} label="Reading chain time" />}
      {identities && today !== undefined && (
        <IdentityImport
          text={text}
          today={today}
          caps={caps}
          onDone={(message) => {
            setDone(`${message}${fileName ? ` From ${fileName}.` : ''}`);
            setText('');
            setFileName(undefined);
          }}
        />
      )}
      {checked && verdict && (
        <ImportPreview
          rows={checked.rows.length}
          fileErrors={checked.fileErrors}
          verdict={verdict}
          sendBlocker={caps.compliance ? blocker : undefined}
          busy={busy}
          canSend={verdict.ok && caps.compliance}
          sendLabel={`Import ${verdict.valid} investor${verdict.valid === 1 ? '' : 's'} in one transaction`}
          onSend={() => void submit()}
        >
          <thead>
            <tr><th>Line</th><th>Investor</th><th>Accreditation until</th><th>Frozen</th><th>Result</th></tr>
          </thead>
          <tbody>
            {checked.rows.map((row) => {
              const change = changeOf(row);
              return (
                <tr key={row.line} className={row.errors.length > 0 ? 'invalid' : ''} data-testid="preview-row" data-valid={row.errors.length === 0}>
                  <td className="num">{row.line}</td>
                  <td>{row.address ? <AddressCell address={row.address} name={labelOf(row.address)} /> : <code className="raw">{row.raw}</code>}</td>
                  <td>{row.expiry !== undefined ? formatDate(row.expiry) : '—'}</td>
                  <td>{row.frozen === undefined ? '—' : row.frozen ? 'Yes' : 'No'}</td>
                  <td>
                    <RowResult errors={row.errors}>
                      {change ? <span className={`tag ${CHANGE_TAG[change.kind]}`}>{change.text}</span> : <span className="muted">Checking…</span>}
                    </RowResult>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </ImportPreview>
      )}
    </Panel>
  );
}
