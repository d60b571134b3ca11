/**
 * The compliance desk's pure logic: the CSV roster import (parsed and validated row by row before anything is sent),
 * the roster folded from the registry's events, its statuses, filters and search, the audit log's sentences, and which
 * router kinds the gate accepts. No React, no chain: everything here is unit-tested on its own.
 */
import { formatUnits, getAddress, isAddress, zeroAddress, type Address, type Hex } from 'viem';
import type { Deployment } from '../../../../sdk/manifest.ts';
import { formatDate, formatDuration, parseDate, type Parsed } from '../../lib/amount.ts';
import { describeClasses } from '../../../../sdk/errors.ts';

export const DAY = 86_400;
/** "Expiring soon" means within this many days (the keepers alert on the same window). */
export const EXPIRING_WINDOW_DAYS = 30;
/**
 * The most rows one import sends. upsertInvestors costs roughly 30-50k gas a row, so 200 rows stay far below a block's
 * gas limit on any chain, and a bad batch reverts as a whole without burning a block's worth of gas.
 */
export const MAX_IMPORT_ROWS = 200;
export const CSV_COLUMNS = ['address', 'accreditation_expiry', 'frozen'] as const;

const lower = (a: string) => a.toLowerCase();

// ------------------------------------------------------------------ CSV import

export interface CsvRow {
  /** 1-based line number in the file as pasted, so the officer can find it. */
  line: number;
  raw: string;
  address?: Address;
  /** Unix seconds, UTC midnight of the date given. */
  expiry?: number;
  frozen?: boolean;
  errors: string[];
}

export interface CsvParse {
  rows: CsvRow[];
  /** Problems with the file as a whole (header, row count). */
  fileErrors: string[];
  hasHeader: boolean;
}

/** One CSV line as cells: commas separate, double quotes may wrap a cell ("" is a quote inside one). */
export function splitCsvLine(line: string): Parsed<string[]> {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') {
      if (cell.trim() !== '') return { ok: false, error: 'A quote in the middle of a cell' };
      quoted = true;
      wasQuoted = true;
      cell = '';
    } else if (c === ',') {
      cells.push(wasQuoted ? cell : cell.trim());
      cell = '';
      wasQuoted = false;
    } else if (wasQuoted) {
      if (c.trim() !== '') return { ok: false, error: 'Text after a closing quote' };
    } else cell += c;
  }
  if (quoted) return { ok: false, error: 'A quote is never closed' };
  cells.push(wasQuoted ? cell : cell.trim());
  return { ok: true, value: cells };
}

/** A header cell as a column name: case, spaces and a trailing "(YYYY-MM-DD)"-style note don't matter. */
export const headerName = (cell: string) => cell.trim().toLowerCase().replace(/\(.*\)$/, '').trim().replace(/[\s-]+/g, '_');

/** An investor address from a roster: any case, but a mixed-case address must carry a valid checksum (a typo otherwise). */
export function parseInvestorAddress(text: string): Parsed<Address> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return { ok: false, error: `Not an address (0x and 40 hex digits): "${clip(text)}"` };
  // EIP-55: all-lowercase or all-uppercase hex carries no checksum; mixed case must match it.
  const hex = text.slice(2);
  const plain = hex === hex.toLowerCase() || hex === hex.toUpperCase();
  if (!plain && !isAddress(text, { strict: true })) return { ok: false, error: 'Checksum does not match: a mistyped character?' };
  if (lower(text) === zeroAddress) return { ok: false, error: 'The zero address cannot be an investor' };
  return { ok: true, value: getAddress(text) };
}

const clip = (text: string) => (text.length > 24 ? `${text.slice(0, 21)}…` : text);

/**
 * How far ahead an accreditation expiry may be set. Accreditation is re-verified (the SEC's reasonable-steps guidance
 * looks back at most five years), so a date beyond this is a typo ("9999-12-31", "2205-01-01"), never a decision.
 */
export const MAX_EXPIRY_YEARS = 10;

/** The latest accreditation expiry allowed as of `now` (Unix seconds): the same calendar day MAX_EXPIRY_YEARS ahead. */
export function latestExpiry(now: number): number {
  const d = new Date(now * 1000);
  return Date.UTC(d.getUTCFullYear() + MAX_EXPIRY_YEARS, d.getUTCMonth(), d.getUTCDate()) / 1000;
}

/** An accreditation expiry typed or imported: a real date, after `now` and at most MAX_EXPIRY_YEARS ahead of it. */
export function parseAccreditationExpiry(text: string, now: number): Parsed<number> {
  const date = parseDate(text, { future: true, now });
  if (!date.ok && date.error !== 'Date is too far in the future') return date;
  const latest = latestExpiry(now);
  if (!date.ok || date.value > latest) {
    return { ok: false, error: `${text.trim()} is more than ${MAX_EXPIRY_YEARS} years ahead: accreditation is re-verified, so it may run at most until ${formatDate(latest)}` };
  }
  return date;
}

/**
 * Parses an onboarding roster, `address,accreditation_expiry(YYYY-MM-DD),frozen(true|false)` with an optional header,
 * and names every problem of every row: bad address or checksum, bad or past date (as of chain time `now`), bad frozen
 * value, a wrong number of cells, an address listed twice. Blank lines and `#` comments are skipped.
 */
export function parseRosterCsv(text: string, now: number): CsvParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const rows: CsvRow[] = [];
  const fileErrors: string[] = [];
  let hasHeader = false;
  let first = true;
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const line = i + 1;
    const split = splitCsvLine(raw);
    if (first) {
      first = false;
      // A header is a first line that names the address column; anything else there is a data row.
      if (split.ok && headerName(split.value[0]) === 'address') {
        hasHeader = true;
        const names = split.value.map(headerName);
        if (names.length !== CSV_COLUMNS.length || names.some((n, j) => n !== CSV_COLUMNS[j])) {
          fileErrors.push(`Line ${line}: the header must be ${CSV_COLUMNS.join(',')} (found ${split.value.join(',')})`);
        }
        return;
      }
    }
    const row = parseRow(raw, line, split, now);
    // A first line of words is most likely a header with other column names: say what the header must be.
    if (rows.length === 0 && !hasHeader && split.ok && !row.address && /^[a-z _()-]+$/i.test(split.value[0])) {
      row.errors.push(`If this is a header, it must be ${CSV_COLUMNS.join(',')}`);
    }
    rows.push(row);
  });

  // The same investor twice in one batch: which line wins would be an accident of order, so both are refused.
  const byAddress = new Map<string, CsvRow[]>();
  for (const row of rows) if (row.address) byAddress.set(lower(row.address), [...(byAddress.get(lower(row.address)) ?? []), row]);
  for (const group of byAddress.values()) {
    if (group.length < 2) continue;
    for (const row of group) {
      const others = group.filter((r) => r !== row).map((r) => r.line);
      row.errors.push(`Duplicate address: also on line${others.length > 1 ? 's' : ''} ${others.join(', ')}`);
    }
  }

  if (rows.length === 0) fileErrors.push(`No investor rows: one per line, ${CSV_COLUMNS.join(',')}`);
  if (rows.length > MAX_IMPORT_ROWS) fileErrors.push(`${rows.length} rows: import at most ${MAX_IMPORT_ROWS} at a time (split the file)`);
  return { rows, fileErrors, hasHeader };
}

function parseRow(raw: string, line: number, split: Parsed<string[]>, now: number): CsvRow {
  const row: CsvRow = { line, raw, errors: [] };
  if (!split.ok) {
    row.errors.push(split.error);
    return row;
  }
  const cells = split.value;
  if (cells.length !== CSV_COLUMNS.length) {
    const hint = cells.length === 1 && raw.includes(';') ? ' (separate the columns with commas, not semicolons)' : '';
    row.errors.push(`Expected ${CSV_COLUMNS.length} columns (${CSV_COLUMNS.join(', ')}), found ${cells.length}${hint}`);
    return row;
  }
  const [addressText, dateText, frozenText] = cells;
  const address = parseInvestorAddress(addressText);
  if (address.ok) row.address = address.value;
  else row.errors.push(address.error);
  const expiry = parseAccreditationExpiry(dateText, now);
  if (expiry.ok) row.expiry = expiry.value;
  else row.errors.push(`Accreditation expiry: ${expiry.error}${dateText ? ` ("${clip(dateText)}")` : ''}`);
  const frozen = /^(true|false)$/i.exec(frozenText);
  if (frozen) row.frozen = frozen[1].toLowerCase() === 'true';
  else row.errors.push(`Frozen must be true or false${frozenText ? ` (found "${clip(frozenText)}")` : ''}`);
  return row;
}

/** What the registry holds for an address (the subset the desk uses). */
export interface ChainRecord {
  registered: boolean;
  venue: boolean;
  frozen: boolean;
  accreditationExpiry: number;
  lockupOverrides?: number;
  /** The identity the wallet belongs (or, unlinked, belonged) to; 0 if it never had one. */
  identity?: bigint;
  /** Its identity's InvestorClass bits. */
  classes?: number;
}

/** Whether the registry holds a freeze for this record that only Freeze/Unfreeze may change (FreezeNotEditable). */
export const freezeIsSet = (record: ChainRecord | undefined): record is ChainRecord => !!record && (record.registered || record.frozen);

/**
 * Adds the checks that need the chain: an address the registry lists as a venue contract can never be an investor (the
 * batch would revert with AccountIsVenue), nor can any other contract of the manifest; and a row may not change a
 * freeze (the batch would revert with FreezeNotEditable: a legal hold changes only with its own action). Returns a new
 * parse; rows whose record is not in `records` yet are left as they are.
 */
export function checkAgainstChain(parse: CsvParse, records: ReadonlyMap<string, ChainRecord>, book: AddressBook): CsvParse {
  const rows = parse.rows.map((row) => {
    if (!row.address) return row;
    const errors = [...row.errors];
    const known = book.get(lower(row.address));
    const record = records.get(lower(row.address));
    if (record?.venue) errors.push(`A venue contract${known?.contract ? ` (${known.name})` : ''}, not an investor`);
    else if (known?.contract) errors.push(`The venue's ${known.name} contract, not an investor`);
    else if (freezeIsSet(record) && row.frozen !== undefined && row.frozen !== record.frozen) {
      errors.push(record.frozen ? 'Frozen now: a roster row cannot lift a freeze (use Unfreeze in the roster)' : 'Not frozen now: a roster row cannot freeze (use Freeze in the roster)');
    }
    return errors.length === row.errors.length ? row : { ...row, errors };
  });
  return { ...parse, rows };
}

/** What an import row does to the registry. */
export function rowChange(row: CsvRow, record: ChainRecord | undefined): { kind: 'new' | 'update' | 'unchanged'; text: string } | undefined {
  if (!row.address || row.expiry === undefined || row.frozen === undefined || !record) return undefined;
  if (!record.registered) return { kind: 'new', text: 'New investor' };
  const changes: string[] = [];
  if (record.accreditationExpiry !== row.expiry) changes.push(`expiry ${formatDate(record.accreditationExpiry)} → ${formatDate(row.expiry)}`);
  return changes.length === 0 ? { kind: 'unchanged', text: UNCHANGED } : { kind: 'update', text: `Updates: ${changes.join(', ')}` };
}

/** A preview row that matches the registry already. */
export const UNCHANGED = 'Already so (no change)';

export interface ImportVerdict {
  ok: boolean;
  /** Why the import can't be sent, if it can't. */
  blocker?: string;
  valid: number;
  invalid: number;
  /** Every row matches the registry already: a transaction would change nothing. */
  nothingToSend?: boolean;
}

/**
 * Whether the roster may be sent: every row valid, checked against the chain, and the file itself sound; and not when
 * all `unchanged` rows (those that match the registry already) are the whole file, since a transaction would change nothing.
 */
export function importVerdict(parse: CsvParse, pendingChainChecks: number, unchanged = 0): ImportVerdict {
  const invalid = parse.rows.filter((r) => r.errors.length > 0).length;
  const valid = parse.rows.length - invalid;
  const result = (blocker?: string): ImportVerdict => ({ ok: blocker === undefined, blocker, valid, invalid });
  if (parse.fileErrors.length > 0) return result(parse.fileErrors[0]);
  if (invalid > 0) return result(`${invalid} row${invalid === 1 ? ' has' : 's have'} problems: fix ${invalid === 1 ? 'it' : 'them'} and the import can go ahead. Nothing is sent until every row is valid.`);
  if (pendingChainChecks > 0) return result('Checking the addresses against the registry…');
  if (unchanged === valid) {
    const every = valid === 1 ? 'its one row matches' : `all ${valid} rows match`;
    return { ...result(`No change: ${every} the registry already, so there is nothing to send.`), nothingToSend: true };
  }
  return result();
}

/** The rows as `upsertInvestors` takes them; only for a parse whose verdict is ok. */
export function toInvestorInputs(parse: CsvParse): { investor: Address; accreditationExpiry: number; frozen: boolean }[] {
  return parse.rows.map((r) => {
    if (!r.address || r.expiry === undefined || r.frozen === undefined || r.errors.length > 0) throw new Error(`line ${r.line} is not valid`);
    return { investor: r.address, accreditationExpiry: r.expiry, frozen: r.frozen };
  });
}

// ------------------------------------------------------------------ names

export interface AddressName {
  name: string;
  /** A contract of the venue (never an investor), rather than a demo account. */
  contract: boolean;
}
export type AddressBook = ReadonlyMap<string, AddressName>;

/** Names for the addresses the manifest knows: the demo cast (local chain) and the venue's contracts. */
export function addressBook(d: Deployment): AddressBook {
  const book = new Map<string, AddressName>();
  const contracts: [string, Address][] = [
    ['PoolManager', d.poolManager],
    ['PositionManager', d.positionManager],
    ['UniversalRouter', d.universalRouter],
    ['V4Quoter', d.v4Quoter],
    ['StateView', d.stateView],
    ['Permit2', d.permit2],
    ['InvestorRegistry', d.investorRegistry],
    ['GateHook', d.gateHook],
    [`stablecoin`, d.stablecoin],
    ...d.pools.map((p): [string, Address] => [`${p.name.split('/')[0]} token`, p.security]),
  ];
  for (const [name, address] of contracts) book.set(lower(address), { name, contract: true });
  for (const a of d.accounts ?? []) book.set(lower(a.address), { name: a.label, contract: false });
  return book;
}

// ------------------------------------------------------------------ registry events

export interface RegistryEvent {
  name: string;
  args: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  txHash: Hex;
}

const INVESTOR_EVENTS = new Set([
  'InvestorUpserted', 'InvestorFrozen', 'InvestorExitOnly', 'WalletLinked', 'WalletUnlinked', 'LockupOverrideSet', 'LockupOverrideCleared',
]);

/** Every wallet the registry ever held a record for, in order of first appearance (unlinked wallets included). */
export function rosterAddresses(events: readonly RegistryEvent[]): Address[] {
  const seen = new Map<string, Address>();
  for (const e of events) {
    if (!INVESTOR_EVENTS.has(e.name)) continue;
    const investor = (e.args.investor ?? e.args.wallet) as Address | undefined;
    if (investor && !seen.has(lower(investor))) seen.set(lower(investor), getAddress(investor));
  }
  return [...seen.values()];
}

export const overrideKey = (security: string, investor: string) => `${lower(security)}:${lower(investor)}`;

/** The lockup overrides in force, folded from Set/Cleared events in chain order: `security:investor` → end. */
export function lockupOverrides(events: readonly RegistryEvent[]): Map<string, number> {
  const overrides = new Map<string, number>();
  for (const e of sortChronological(events)) {
    if (e.name === 'LockupOverrideSet') overrides.set(overrideKey(String(e.args.security), String(e.args.investor)), Number(e.args.lockupEnd));
    if (e.name === 'LockupOverrideCleared') overrides.delete(overrideKey(String(e.args.security), String(e.args.investor)));
  }
  return overrides;
}

/**
 * The warning a new default lockup end for `symbol` needs when it frees investors at once: it has passed (chain time
 * `now`) while the current default still runs. `freed` counts the registered wallets that follow the default (no
 * override of their own), undefined while they are read. Undefined when nobody is freed by it.
 */
export function defaultLockupWarning(symbol: string, current: number, next: number, now: number, freed: number | undefined): string | undefined {
  if (next > now || current <= now) return undefined;
  let who = `every registered wallet without an override of its own`;
  if (freed === 0) who = 'no registered wallet (all have overrides of their own), but every wallet registered later,';
  else if (freed !== undefined) who = `${freed} registered wallet${freed === 1 ? '' : 's'} without an override of ${freed === 1 ? 'its' : 'their'} own`;
  return `${formatDate(next)} has passed: ${symbol}'s default lockup, now until ${formatDate(current)}, ends at once, and ${who} may sell ${symbol} from the next block.`;
}

/** The registered wallets a default lockup change reaches: those with no override for `security`. */
export function followingDefault(security: Address, wallets: readonly Address[], overrides: ReadonlyMap<string, number>): Address[] {
  return wallets.filter((w) => !overrides.has(overrideKey(security, w)));
}

/**
 * The warning an override ending `next` needs when it frees `who` at once: it has passed while the wallet's lockup in
 * `symbol` (its current override, else the security's default) still runs.
 */
export function overrideWarning(who: string, symbol: string, lockup: { end: number; override: boolean }, next: number, now: number): string | undefined {
  if (next > now || lockup.end <= now) return undefined;
  const source = lockup.override ? 'its override' : "the security's default";
  return `${formatDate(next)} has passed: ${who}'s lockup in ${symbol}, now until ${formatDate(lockup.end)} (${source}), ends at once, and this one wallet may sell ${symbol} from the next block.`;
}

/** The warning clearing an override needs when it frees the wallet at once: the override runs, the default has ended. */
export function clearOverrideWarning(who: string, symbol: string, overrideEnd: number, defaultEnd: number, now: number): string | undefined {
  if (overrideEnd <= now || defaultEnd > now) return undefined;
  return `Clearing ${who}'s override in ${symbol}, now until ${formatDate(overrideEnd)}, leaves the security's default, which ended ${formatDate(defaultEnd)}: this one wallet may sell ${symbol} from the next block.`;
}

const byChainOrder = (a: RegistryEvent, b: RegistryEvent) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1);
export const sortChronological = (events: readonly RegistryEvent[]) => [...events].sort(byChainOrder);
export const sortNewestFirst = (events: readonly RegistryEvent[]) => [...events].sort((a, b) => byChainOrder(b, a));

export interface LogLike {
  blockNumber: bigint | null;
  logIndex: number | null;
  transactionHash: Hex | null;
}

const logId = (l: LogLike) => `${l.transactionHash}:${l.logIndex}`;

/**
 * The log cache after re-reading blocks `from` and later: older logs are kept, everything from `from` on is replaced
 * by what was just read (so a log dropped by a reorg of the last few blocks disappears), and nothing is counted twice.
 */
export function mergeLogs<L extends LogLike>(previous: readonly L[], fresh: readonly L[], from: bigint): L[] {
  const kept = previous.filter((l) => l.blockNumber !== null && l.blockNumber < from);
  const seen = new Set(kept.map(logId));
  const merged = [...kept];
  for (const l of fresh) {
    // Pending logs (no block yet) are left for the next read.
    if (l.blockNumber === null || seen.has(logId(l))) continue;
    seen.add(logId(l));
    merged.push(l);
  }
  return merged;
}

/** Block ranges of at most `span` blocks covering [from, to], for RPCs that cap eth_getLogs ranges. */
export function logRanges(from: bigint, to: bigint, span: bigint): [bigint, bigint][] {
  if (span < 1n) throw new Error('span must be at least one block');
  const ranges: [bigint, bigint][] = [];
  for (let start = from; start <= to; start += span) ranges.push([start, start + span - 1n < to ? start + span - 1n : to]);
  return ranges;
}

/** Who made a registry change: the officer, admin or sender the event names. */
export function actorOf(e: RegistryEvent): Address | undefined {
  return (e.args.officer ?? e.args.admin ?? e.args.sender) as Address | undefined;
}

const ROLE_LABELS: Record<string, string> = {
  '0x0000000000000000000000000000000000000000000000000000000000000000': 'default admin',
};

/** An identity id as officers read it: a wallet-derived id (one-wallet identity) as an address, others as a number. */
export function identityLabel(id: unknown): string {
  const n = BigInt(id as bigint);
  return n >= 1n << 64n ? getAddress(`0x${n.toString(16).padStart(40, '0')}`).slice(0, 10) : `#${n}`;
}


/** IRestrictedSecurity.LotKind and RemedyReason, in order. */
export const LOT_KINDS = ['Rule 144 issuance lot', 'bought from an affiliate', 'partial freeze'] as const;
export const REMEDY_REASONS = ['court order', 'error correction', 'lost key', 'estate transfer'] as const;
/** The release time the token stores for a partial freeze "until lifted" (type(uint40).max; freezeShares takes 0 for it). */
export const UNTIL_LIFTED = 2 ** 40 - 1;
const shares = (amount: unknown) => formatUnits(BigInt(amount as bigint), 18);

/** One audit-log line for a registry or security event, with addresses named by `name`. */
export function describeEvent(e: RegistryEvent, name: (a: Address) => string, roleNames: Record<string, string> = {}): string {
  const a = e.args;
  const who = (key: string) => name(a[key] as Address);
  const role = (key: string) => roleNames[String(a[key])] ?? ROLE_LABELS[String(a[key])] ?? String(a[key]).slice(0, 10);
  switch (e.name) {
    case 'InvestorUpserted':
      return `${who('investor')} recorded: accredited until ${formatDate(Number(a.accreditationExpiry))}${a.frozen ? ', frozen' : ''}`;
    case 'InvestorFrozen':
      return `${who('investor')} ${a.frozen ? 'frozen' : 'unfrozen'}`;
    case 'InvestorExitOnly':
      return `${who('investor')} ${a.exitOnly ? 'made exit-only (may sell, not buy)' : 'active again'}`;
    case 'WalletLinked':
      return `${who('wallet')} linked to identity ${identityLabel(a.identity)}`;
    case 'WalletUnlinked':
      return `${who('wallet')} unlinked from identity ${identityLabel(a.identity)} (its shares still count for it)`;
    case 'IdentityUpserted':
      return `identity ${identityLabel(a.identity)} recorded: ${describeClasses(Number(a.classes))}, jurisdiction ${Number(a.jurisdiction)}, accredited until ${formatDate(Number(a.accreditationExpiry))}`;
    case 'OfferingRulesSet':
      return `${who('security')} offering rules changed`;
    case 'JurisdictionsSet':
      return `${who('security')} jurisdictions ${(a.jurisdictions as readonly number[]).join(', ')} ${a.listed ? 'listed' : 'unlisted'}`;
    case 'SanctionsListSet':
      return `sanctions oracle set to ${who('sanctionsList')}`;
    case 'VenueSet':
      return `${who('account')} ${a.isVenue ? 'listed as' : 'no longer'} a venue contract`;
    case 'SecurityConfigured':
      return `${who('security')} listed, default lockup ends ${formatDate(Number(a.defaultLockupEnd))}`;
    case 'SecurityDelisted':
      return `${who('security')} delisted`;
    case 'LockupOverrideSet':
      return `${who('investor')}'s lockup in ${who('security')} ends ${formatDate(Number(a.lockupEnd))} (override)`;
    case 'LockupOverrideCleared':
      return `${who('investor')}'s lockup override in ${who('security')} cleared`;
    case 'RoleGranted':
      return `${role('role')} role granted to ${who('account')}`;
    case 'RoleRevoked':
      return `${role('role')} role revoked from ${who('account')}`;
    case 'RoleAdminChanged':
      return `admin of the ${role('role')} role changed to ${role('newAdminRole')}`;
    case 'DefaultAdminTransferScheduled':
      return `default admin transfer to ${who('newAdmin')} scheduled`;
    case 'DefaultAdminTransferCanceled':
      return 'default admin transfer canceled';
    case 'LimitsSet':
      return `${who('security')} holder caps and limits changed`;
    case 'Locked':
      return `${shares(a.amount)} ${who('security')} of identity ${identityLabel(a.identity)} locked until ${formatDate(Number(a.releaseAt))} (${LOT_KINDS[Number(a.kind)]})`;
    case 'SharesFrozen':
      return `${shares(a.amount)} ${who('security')} of identity ${identityLabel(a.identity)} frozen ${Number(a.releaseAt) === UNTIL_LIFTED ? 'until lifted' : `until ${formatDate(Number(a.releaseAt))}`} (${REMEDY_REASONS[Number(a.reason)]})`;
    case 'SharesUnfrozen':
      return `${shares(a.amount)} ${who('security')} of identity ${identityLabel(a.identity)} unfrozen (${REMEDY_REASONS[Number(a.reason)]})`;
    case 'ForcedTransfer':
      return `${shares(a.amount)} ${who('security')} forced from ${who('from')} to ${who('to')} (${REMEDY_REASONS[Number(a.reason)]})`;
    case 'WalletRecovered':
      return `${shares(a.amount)} ${who('security')} recovered from ${who('lost')} to ${who('replacement')} (${REMEDY_REASONS[Number(a.reason)]})`;
    case 'AffiliateHoldingPeriodSet':
      return `${who('security')}: a purchase from an affiliate now starts a ${Math.round(Number(a.period) / 86_400)}-day holding period`;
    default:
      return e.name;
  }
}

// ------------------------------------------------------------------ roster statuses, filters

export type AccreditationState = 'unregistered' | 'expired' | 'expiring' | 'active';

/** Accreditation is valid while chain time is before the expiry; "expiring" within the 30-day window. */
export function accreditationState(record: ChainRecord, now: number): AccreditationState {
  if (!record.registered) return 'unregistered';
  if (now >= record.accreditationExpiry) return 'expired';
  if (record.accreditationExpiry - now <= EXPIRING_WINDOW_DAYS * DAY) return 'expiring';
  return 'active';
}

/** "expires in 365 days", "expires in 5h 2m", "expired 1 day ago". */
export function expiryPhrase(expiry: number, now: number): string {
  const left = expiry - now;
  if (left <= 0) {
    const days = Math.floor(-left / DAY);
    return days >= 1 ? `expired ${days} day${days === 1 ? '' : 's'} ago` : `expired ${formatDuration(-left)} ago`;
  }
  const days = Math.floor(left / DAY);
  return days >= 1 ? `expires in ${days} day${days === 1 ? '' : 's'}` : `expires in ${formatDuration(left)}`;
}

export interface Lockup {
  security: Address;
  symbol: string;
  end: number;
  override: boolean;
}

export interface RosterEntry {
  address: Address;
  label?: string;
  record: ChainRecord;
  lockups: Lockup[];
}

export interface RosterFilter {
  search: string;
  expiring: boolean;
  lockup: boolean;
  frozen: boolean;
}

export const inLockup = (entry: RosterEntry, now: number) => entry.lockups.some((l) => now < l.end);

/**
 * The rows that pass every active filter (they narrow together). The search matches an address prefix (with or without
 * 0x, any case) or the start of a demo label.
 */
export function filterRoster(entries: readonly RosterEntry[], filter: RosterFilter, now: number): RosterEntry[] {
  const query = filter.search.trim().toLowerCase();
  const hex = query.replace(/^0x/, '');
  return entries.filter((e) => {
    if (query) {
      const byAddress = /^[0-9a-f]*$/.test(hex) && lower(e.address).slice(2).startsWith(hex);
      const byLabel = e.label !== undefined && e.label.toLowerCase().startsWith(query);
      if (!byAddress && !byLabel) return false;
    }
    if (filter.expiring && accreditationState(e.record, now) !== 'expiring') return false;
    if (filter.lockup && !(e.record.registered && inLockup(e, now))) return false;
    if (filter.frozen && !(e.record.registered && e.record.frozen)) return false;
    return true;
  });
}

/** Registered first, then named (demo labels) before bare addresses, so the roster reads the same each block. */
export function sortRoster(entries: readonly RosterEntry[]): RosterEntry[] {
  return [...entries].sort((a, b) => {
    if (a.record.registered !== b.record.registered) return a.record.registered ? -1 : 1;
    if ((a.label === undefined) !== (b.label === undefined)) return a.label !== undefined ? -1 : 1;
    return (a.label ?? lower(a.address)).localeCompare(b.label ?? lower(b.address));
  });
}

// ------------------------------------------------------------------ roles and routers

export const DEFAULT_ADMIN_ROLE = `0x${'0'.repeat(64)}` as Hex;

export interface Capabilities {
  compliance: boolean;
  pauser: boolean;
  /** The issuer's transfer agent: mints and issues lots of the securities. */
  issuer: boolean;
  admin: boolean;
}
export const hasAnyRole = (c: Capabilities) => c.compliance || c.pauser || c.issuer || c.admin;

export const ROUTER_KINDS = ['Untrusted', 'Forwarder', 'Quoter'] as const;
export type RouterKind = (typeof ROUTER_KINDS)[number];
export const ROUTER_KIND_TEXT: Record<RouterKind, string> = {
  Untrusted: 'Not a router: the caller itself must be an eligible investor',
  Forwarder: 'Trusted router: the investor it reports (msgSender) must be eligible',
  Quoter: 'Quoter: its swaps always revert, so quotes are open to everyone',
};

/** The kinds the gate accepts for `router`: a canonical router only its own kind or Untrusted, any other address any kind. */
export function allowedRouterKinds(router: Address, d: Deployment): RouterKind[] {
  const a = lower(router);
  if (a === lower(d.universalRouter) || a === lower(d.positionManager)) return ['Forwarder', 'Untrusted'];
  if (a === lower(d.v4Quoter)) return ['Quoter', 'Untrusted'];
  return [...ROUTER_KINDS];
}

/** Refuses a router kind change the gate would revert (RouterKindMismatch), before it is simulated. */
export function checkRouterKind(router: Address, kind: RouterKind, d: Deployment): string | undefined {
  if (!allowedRouterKinds(router, d).includes(kind)) return `This canonical router can only be ${allowedRouterKinds(router, d).join(' or ')}`;
  if (lower(router) === zeroAddress) return 'The zero address is not a router';
  return undefined;
}

// ------------------------------------------------------------------ offerings in plain words

export interface OfferingView {
  requiredClasses: number;
  jurisdictionMode: number;
  regSCompliancePeriodEnd: number;
  windingDown: boolean;
  maxHolders: number;
  maxNonAccredited: number;
  maxHolding: bigint;
  minTrade: bigint;
  holders: number;
  nonAccredited: number;
}

const CLASS_PLURALS: [number, string][] = [[1, 'accredited investors'], [2, 'qualified institutional buyers'], [4, 'non-US persons'], [8, 'affiliates']];

/** Which exemption an offering's who-rules look like; "Custom" when they match none. */
export function offeringRegime(o: Pick<OfferingView, 'requiredClasses' | 'regSCompliancePeriodEnd'>): string {
  if (o.requiredClasses === 2) return 'Rule 144A';
  if (o.requiredClasses === 4 || o.regSCompliancePeriodEnd > 0) return 'Reg S';
  if (o.requiredClasses === 1) return 'Reg D 506(c)';
  return 'Custom';
}

/**
 * An offering's rules as officers read them, one sentence each, with the live counts beside the caps, e.g.
 * "Reg D 506(c): accredited investors, any jurisdiction" and "At most 2,000 holders of record (412 now)".
 */
export function describeOffering(o: OfferingView, now: number, shares: (n: bigint) => string): string[] {
  const who = o.requiredClasses === 0 ? 'every investor class' : CLASS_PLURALS.filter(([bit]) => o.requiredClasses & bit).map(([, n]) => n).join(' or ');
  const where = ['any jurisdiction', 'listed jurisdictions only', 'all but the listed jurisdictions'][o.jurisdictionMode] ?? 'unknown jurisdiction rule';
  const lines = [`${offeringRegime(o)}: ${who}, ${where}`];
  const count = (n: number) => n.toLocaleString('en-US');
  if (o.maxHolders > 0) lines.push(`At most ${count(o.maxHolders)} holders of record (${count(o.holders)} now)`);
  else lines.push(`No cap on holders of record (${count(o.holders)} now)`);
  if (o.maxNonAccredited > 0) lines.push(`At most ${count(o.maxNonAccredited)} of them not accredited (${count(o.nonAccredited)} now)`);
  if (o.maxHolding > 0n) lines.push(`At most ${shares(o.maxHolding)} shares per investor, all wallets together`);
  if (o.minTrade > 0n) lines.push(`Trades of at least ${shares(o.minTrade)} shares`);
  if (o.regSCompliancePeriodEnd > now) lines.push(`Until ${formatDate(o.regSCompliancePeriodEnd)} only non-US persons may acquire (Reg S distribution compliance period)`);
  if (o.windingDown) lines.push('Winding down: holders may sell and withdraw, nobody may buy or add');
  return lines;
}
