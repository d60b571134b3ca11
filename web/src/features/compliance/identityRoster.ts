/**
 * The identity roster: a CSV of investors as identities (one row per wallet, the identity's fields repeated on each of
 * its rows), parsed and validated row by row before anything is sent, then checked against the registry, and sent as
 * ONE transaction (the registry's multicall of upsertIdentities and linkWallets): all rows or none. Pure logic.
 */
import { getAddress, type Address, type Hex } from 'viem';
import { formatDate, parseDate, type Parsed } from '../../lib/amount.ts';
import { describeClasses } from '../../../../sdk/errors.ts';
import { headerName, identityLabel, MAX_IMPORT_ROWS, parseAccreditationExpiry, parseInvestorAddress, splitCsvLine, UNCHANGED, type AddressBook, type ChainRecord } from './logic.ts';

export const IDENTITY_COLUMNS = ['identity', 'wallet', 'accreditation_expiry', 'classes', 'jurisdiction', 'verification_method', 'verified_at', 'evidence_hash'] as const;

/** Investor class bits (contracts/libraries/Eligibility.sol, InvestorClass), by the names a roster uses. */
export const CLASS_BITS: Record<string, number> = { accredited: 1, qib: 2, non_us: 4, affiliate: 8 };

/** Verification method codes (IInvestorRegistry.Verification), by name. */
export const VERIFICATION_METHODS: Record<string, number> = {
  income: 1, net_worth: 2, licence: 3, third_party_letter: 4, entity_assets: 5, qib_certificate: 6, non_us_attestation: 7,
};

/** Officers create identities with ids below this; ids above are wallets' own (`uint160(wallet)`). */
export const OFFICER_IDS = 1n << 64n;
const MAX_ID = 1n << 160n;

export interface IdentityRow {
  line: number;
  raw: string;
  identity?: bigint;
  wallet?: Address;
  expiry?: number;
  classes?: number;
  jurisdiction?: number;
  method?: number;
  verifiedAt?: number;
  evidenceHash?: Hex;
  errors: string[];
}

export interface IdentityParse {
  rows: IdentityRow[];
  fileErrors: string[];
}

const clip = (text: string) => (text.length > 24 ? `${text.slice(0, 21)}…` : text);
const key = (text: string) => text.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** A decimal or 0x-hex identity id, nonzero and below 2^160. */
export function parseIdentityId(text: string): Parsed<bigint> {
  if (!/^(0x[0-9a-fA-F]{1,40}|[0-9]{1,49})$/.test(text)) return { ok: false, error: `Identity: a whole number, decimal or 0x-hex (found "${clip(text)}")` };
  const id = BigInt(text);
  if (id === 0n || id >= MAX_ID) return { ok: false, error: 'Identity: must be above 0 and below 2^160' };
  return { ok: true, value: id };
}

/** Class names joined by "|", "+" or spaces (accredited, qib, non_us, affiliate), or "none". */
export function parseClasses(text: string): Parsed<number> {
  const names = text.split(/[|+\s]+/).map(key).filter(Boolean);
  if (names.length === 0) return { ok: false, error: 'Classes: name them (accredited, qib, non_us, affiliate) or write none' };
  if (names.length === 1 && names[0] === 'none') return { ok: true, value: 0 };
  let bits = 0;
  for (const n of names) {
    const bit = CLASS_BITS[n.replace(/^non_?us(_person)?$/, 'non_us')];
    if (bit === undefined) return { ok: false, error: `Classes: "${clip(n)}" is not one of accredited, qib, non_us, affiliate` };
    bits |= bit;
  }
  return { ok: true, value: bits };
}

/** An ISO 3166-1 numeric country code (840 is the United States). */
export function parseJurisdiction(text: string): Parsed<number> {
  if (!/^[0-9]{1,3}$/.test(text) || Number(text) === 0) return { ok: false, error: `Jurisdiction: an ISO 3166-1 numeric code, e.g. 840 for the United States (found "${clip(text)}")` };
  return { ok: true, value: Number(text) };
}

/** A verification method by name or code (VERIFICATION_METHODS). */
export function parseMethod(text: string): Parsed<number> {
  const named = VERIFICATION_METHODS[key(text)];
  if (named !== undefined) return { ok: true, value: named };
  if (/^[1-7]$/.test(text)) return { ok: true, value: Number(text) };
  return { ok: false, error: `Verification method: one of ${Object.keys(VERIFICATION_METHODS).join(', ')} (or its code 1–7)${text ? `, found "${clip(text)}"` : ''}` };
}

/** The date of a KYC and accreditation check: a calendar date, not after chain time `now`. */
export function parseVerifiedAt(text: string, now: number): Parsed<number> {
  const verified = parseDate(text);
  if (!verified.ok) return { ok: false, error: `Verified at: ${verified.error}` };
  if (verified.value > now) return { ok: false, error: 'Verified at: a check cannot be dated in the future' };
  return verified;
}

/** The 32-byte hash of the off-chain evidence file (its lowercase hex). */
export function parseEvidenceHash(text: string): Parsed<Hex> {
  if (/^0x[0-9a-fA-F]{64}$/.test(text) && !/^0x0{64}$/.test(text)) return { ok: true, value: text.toLowerCase() as Hex };
  return { ok: false, error: 'Evidence hash: the 32-byte hash of the evidence file (0x and 64 hex digits, not all zero)' };
}

/** Whether a first line is the identity roster's header. */
export const isIdentityHeader = (cells: readonly string[]) => headerName(cells[0] ?? '') === 'identity';

/**
 * Parses an identity roster (`IDENTITY_COLUMNS`, the header required) as of chain time `now`, naming every problem of
 * every row: each cell, a wallet listed twice, and rows of one identity that disagree on its fields.
 */
export function parseIdentityRoster(text: string, now: number): IdentityParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const rows: IdentityRow[] = [];
  const fileErrors: string[] = [];
  let header = false;
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const line = i + 1;
    const split = splitCsvLine(raw);
    if (!header) {
      header = true;
      const names = split.ok ? split.value.map(headerName) : [];
      if (names.length !== IDENTITY_COLUMNS.length || names.some((n, j) => n !== IDENTITY_COLUMNS[j])) {
        fileErrors.push(`Line ${line}: the header must be ${IDENTITY_COLUMNS.join(',')}`);
      }
      return;
    }
    rows.push(parseRow(raw, line, split, now));
  });

  const groups = (by: (r: IdentityRow) => string | undefined) => {
    const map = new Map<string, IdentityRow[]>();
    for (const r of rows) {
      const k = by(r);
      if (k !== undefined) map.set(k, [...(map.get(k) ?? []), r]);
    }
    return [...map.values()].filter((g) => g.length > 1);
  };
  for (const group of groups((r) => r.wallet?.toLowerCase())) {
    for (const row of group) row.errors.push(`Duplicate wallet: also on line ${group.filter((r) => r !== row).map((r) => r.line).join(', ')}`);
  }
  // One identity's rows must say the same of it, or which row wins would be an accident of order.
  for (const group of groups((r) => (r.identity === undefined || r.errors.length > 0 ? undefined : r.identity.toString()))) {
    const first = group[0];
    for (const row of group.slice(1)) {
      if (identityFields(row) !== identityFields(first)) row.errors.push(`Identity ${row.identity} is described differently on line ${first.line}: its rows must agree`);
    }
  }
  if (rows.length === 0) fileErrors.push('No rows: one per wallet, under the header');
  if (rows.length > MAX_IMPORT_ROWS) fileErrors.push(`${rows.length} rows: import at most ${MAX_IMPORT_ROWS} at a time (split the file)`);
  return { rows, fileErrors };
}

const identityFields = (r: IdentityRow) => [r.expiry, r.classes, r.jurisdiction, r.method, r.verifiedAt, r.evidenceHash].join('|');

function parseRow(raw: string, line: number, split: Parsed<string[]>, now: number): IdentityRow {
  const row: IdentityRow = { line, raw, errors: [] };
  if (!split.ok) return { ...row, errors: [split.error] };
  const cells = split.value;
  if (cells.length !== IDENTITY_COLUMNS.length) return { ...row, errors: [`Expected ${IDENTITY_COLUMNS.length} columns (${IDENTITY_COLUMNS.join(', ')}), found ${cells.length}`] };
  const [idText, walletText, expiryText, classesText, jurisdictionText, methodText, verifiedText, hashText] = cells;
  const take = <T>(parsed: Parsed<T>, set: (v: T) => void, prefix = '') => (parsed.ok ? set(parsed.value) : row.errors.push(`${prefix}${parsed.error}`));
  take(parseIdentityId(idText), (v) => (row.identity = v));
  take(parseInvestorAddress(walletText), (v) => (row.wallet = v), 'Wallet: ');
  take(parseAccreditationExpiry(expiryText, now), (v) => (row.expiry = v), 'Accreditation expiry: ');
  take(parseClasses(classesText), (v) => (row.classes = v));
  take(parseJurisdiction(jurisdictionText), (v) => (row.jurisdiction = v));
  take(parseMethod(methodText), (v) => (row.method = v));
  take(parseVerifiedAt(verifiedText, now), (v) => (row.verifiedAt = v));
  take(parseEvidenceHash(hashText), (v) => (row.evidenceHash = v));
  return row;
}

/** What the registry holds for a wallet and for an identity (the subset the check needs). */
export interface WalletRecord {
  registered: boolean;
  venue: boolean;
  /** The identity the wallet belongs (or belonged, if unlinked) to; 0 if never linked. */
  identity: bigint;
}
export interface IdentityRecord {
  exists: boolean;
  accreditationExpiry: number;
  classes: number;
  jurisdiction: number;
}
export interface Verification {
  method: number;
  verifiedAt: number;
  evidenceHash: Hex;
}
/** An identity as the editor shows it: its record, its status, its linked wallets and its verification record. */
export interface IdentityDetails extends IdentityRecord {
  frozen: boolean;
  wallets: readonly Address[];
  verification: Verification;
}

/** Why `wallet` can never be linked to identity `id`: a venue contract, or a wallet of another identity. */
export function walletProblem(wallet: Address, w: WalletRecord | undefined, id: bigint, book: AddressBook): string | undefined {
  const known = book.get(wallet.toLowerCase());
  if (w?.venue || known?.contract) return `A venue contract${known?.contract ? ` (${known.name})` : ''}, not an investor's wallet`;
  if (w && w.identity !== 0n && w.identity !== id) return `This wallet belongs to identity ${w.identity}: a wallet never moves to another identity (recover it instead)`;
  return undefined;
}

/**
 * The checks that need the chain: a venue contract is never an investor; a wallet belongs to one identity for good
 * (WalletOfAnotherIdentity); a new identity needs an officer's id (below 2^64). Rows whose records are not loaded yet
 * are left as they are.
 */
export function checkIdentitiesAgainstChain(
  parse: IdentityParse,
  wallets: ReadonlyMap<string, WalletRecord>,
  identities: ReadonlyMap<string, IdentityRecord>,
  book: AddressBook,
): IdentityParse {
  const rows = parse.rows.map((row) => {
    if (!row.wallet || row.identity === undefined) return row;
    const errors = [...row.errors];
    const id = identities.get(row.identity.toString());
    const problem = walletProblem(row.wallet, wallets.get(row.wallet.toLowerCase()), row.identity, book);
    if (problem) errors.push(problem);
    if (id && !id.exists && row.identity >= OFFICER_IDS) errors.push(`Identity ${row.identity} does not exist yet, and a new identity's id must be below 2^64 (larger ids are wallets' own)`);
    return errors.length === row.errors.length ? row : { ...row, errors };
  });
  return { ...parse, rows };
}

/** What a row does: a new identity, a new wallet of one, an update of its fields, or nothing. */
export function identityRowChange(row: IdentityRow, w: WalletRecord | undefined, id: (IdentityRecord & { verification?: Verification }) | undefined): string | undefined {
  if (!row.wallet || row.identity === undefined || !w || !id) return undefined;
  if (!id.exists) return 'New identity';
  const linked = w.registered && w.identity === row.identity;
  const changes = identityFieldChanges(id, { accreditationExpiry: row.expiry!, classes: row.classes!, jurisdiction: row.jurisdiction! });
  const verification = { method: row.method!, verifiedAt: row.verifiedAt!, evidenceHash: row.evidenceHash! };
  if (id.verification && !sameVerification(id.verification, verification)) changes.push('verification record');
  const parts = [...(linked ? [] : ['links this wallet']), ...(changes.length ? [`updates ${changes.join(', ')}`] : [])];
  return parts.length ? parts.join('; ').replace(/^./, (c) => c.toUpperCase()) : UNCHANGED;
}

/** What an identity's record changes to, in words ("expiry 2027-12-31 → 2028-06-30", "classes", …). */
export function identityFieldChanges(before: IdentityRecord, after: Pick<IdentityRecord, 'accreditationExpiry' | 'classes' | 'jurisdiction'>): string[] {
  const changes: string[] = [];
  if (before.accreditationExpiry !== after.accreditationExpiry) changes.push(`expiry ${formatDate(before.accreditationExpiry)} → ${formatDate(after.accreditationExpiry)}`);
  if (before.classes !== after.classes) changes.push(`classes ${describeClasses(before.classes)} → ${describeClasses(after.classes)}`);
  if (before.jurisdiction !== after.jurisdiction) changes.push(`jurisdiction ${before.jurisdiction} → ${after.jurisdiction}`);
  return changes;
}

/** One row of `upsertIdentities`. */
export interface IdentityInput {
  id: bigint;
  accreditationExpiry: number;
  classes: number;
  jurisdiction: number;
  verification: Verification;
}

export interface IdentityPlan {
  identities: IdentityInput[];
  links: { identity: bigint; wallets: Address[] }[];
}

/** The calls a valid, checked parse makes: every identity once, then the wallets not linked to it yet. */
export function identityPlan(parse: IdentityParse, wallets: ReadonlyMap<string, WalletRecord>): IdentityPlan {
  const plan: IdentityPlan = { identities: [], links: [] };
  const seen = new Map<bigint, Address[]>();
  for (const r of parse.rows) {
    if (r.errors.length > 0 || r.identity === undefined || !r.wallet) throw new Error(`line ${r.line} is not valid`);
    if (!seen.has(r.identity)) {
      seen.set(r.identity, []);
      plan.identities.push({ id: r.identity, accreditationExpiry: r.expiry!, classes: r.classes!, jurisdiction: r.jurisdiction!, verification: { method: r.method!, verifiedAt: r.verifiedAt!, evidenceHash: r.evidenceHash! } });
    }
    const w = wallets.get(r.wallet.toLowerCase());
    if (!(w?.registered && w.identity === r.identity)) seen.get(r.identity)!.push(getAddress(r.wallet));
  }
  for (const [identity, list] of seen) if (list.length > 0) plan.links.push({ identity, wallets: list });
  return plan;
}

// ------------------------------------------------------------------ one identity, edited by hand

/** The most wallets an identity may have linked (InvestorRegistry.MAX_WALLETS). */
export const MAX_WALLETS = 20;

/** The identity editor's fields as typed; classes are bits (one checkbox each). */
export interface IdentityForm {
  expiry: string;
  classes: number;
  jurisdiction: string;
  method: string;
  verifiedAt: string;
  evidenceHash: string;
}
export type IdentityFormErrors = Partial<Record<keyof IdentityForm, string>>;

const methodName = (code: number) => Object.entries(VERIFICATION_METHODS).find(([, c]) => c === code)?.[0];

/** The form as the identity stands on chain (a verification never recorded leaves its fields empty). */
export function identityForm(d: IdentityDetails): IdentityForm {
  return {
    expiry: d.accreditationExpiry > 0 ? formatDate(d.accreditationExpiry) : '',
    classes: d.classes,
    jurisdiction: d.jurisdiction > 0 ? String(d.jurisdiction) : '',
    method: methodName(d.verification.method) ?? '',
    verifiedAt: d.verification.verifiedAt > 0 ? formatDate(d.verification.verifiedAt) : '',
    evidenceHash: /^0x0{64}$/.test(d.verification.evidenceHash) ? '' : d.verification.evidenceHash,
  };
}

/** The form as one `upsertIdentities` row, or each field's problem: the roster's own checks, cell by cell. */
export function parseIdentityForm(id: bigint, form: IdentityForm, now: number): { errors: IdentityFormErrors; input?: IdentityInput } {
  const errors: IdentityFormErrors = {};
  const field = <T>(name: keyof IdentityForm, parsed: Parsed<T>, prefix = ''): T | undefined => {
    if (parsed.ok) return parsed.value;
    errors[name] = `${prefix}${parsed.error}`;
    return undefined;
  };
  const expiry = field('expiry', parseAccreditationExpiry(form.expiry, now), 'Accreditation expiry: ');
  const jurisdiction = field('jurisdiction', parseJurisdiction(form.jurisdiction.trim()));
  const method = field('method', parseMethod(form.method));
  const verifiedAt = field('verifiedAt', parseVerifiedAt(form.verifiedAt.trim(), now));
  const evidenceHash = field('evidenceHash', parseEvidenceHash(form.evidenceHash.trim()));
  if (expiry === undefined || jurisdiction === undefined || method === undefined || verifiedAt === undefined || evidenceHash === undefined) return { errors };
  return { errors, input: { id, accreditationExpiry: expiry, classes: form.classes, jurisdiction, verification: { method, verifiedAt, evidenceHash } } };
}

const sameVerification = (a: Verification, b: Verification) => a.method === b.method && a.verifiedAt === b.verifiedAt && a.evidenceHash.toLowerCase() === b.evidenceHash.toLowerCase();

/** What saving the form does, for the confirmation; undefined when it would change nothing. */
export function identityEditSummary(before: IdentityDetails, input: IdentityInput): string | undefined {
  const changes = identityFieldChanges(before, input);
  if (!sameVerification(before.verification, input.verification)) {
    changes.push(`verification record (${methodName(input.verification.method)?.replace(/_/g, ' ')}, checked ${formatDate(input.verification.verifiedAt)}, evidence ${input.verification.evidenceHash.slice(0, 10)}…)`);
  }
  if (changes.length === 0) return undefined;
  const wallets = before.wallets.length;
  return `Replace identity ${identityLabel(input.id)}'s ${changes.join(', ')}. Its freeze and exit-only status stay as they are; ${wallets === 1 ? 'its one linked wallet takes' : `its ${wallets} linked wallets take`} the new profile at once.`;
}

/** Why `wallet` cannot be linked to identity `id` now (the registry's refusals), or undefined while its record loads. */
export function linkProblem(wallet: Address, record: ChainRecord | undefined, id: bigint, identity: IdentityDetails, book: AddressBook): string | undefined {
  const problem = walletProblem(wallet, record && { registered: record.registered, venue: record.venue, identity: record.identity ?? 0n }, id, book);
  if (problem || !record) return problem;
  if (record.registered) return 'This wallet is linked to this identity already';
  if (record.frozen && !identity.frozen) return 'This wallet was unlinked while frozen: linking it to an identity that is not frozen would lift the hold (freeze the identity first)';
  if (identity.wallets.length >= MAX_WALLETS) return `The identity has ${MAX_WALLETS} wallets, the most it may have: unlink one first`;
  return undefined;
}

/** The confirmation of linking `name` to identity `id`. */
export const linkConfirm = (name: string, id: bigint) =>
  `Link ${name} to identity ${identityLabel(id)}? From the next block it trades, and its shares count, as the identity's: same accreditation, classes, jurisdiction and status. A wallet never leaves its identity again (unlinking only stops it trading).`;

/** The confirmation of unlinking `name` from identity `id`. */
export const unlinkConfirm = (name: string, id: bigint) =>
  `Unlink ${name} from identity ${identityLabel(id)}? It can no longer trade or receive securities. The shares it still holds keep counting for the identity, and its lockup overrides and any freeze stay with it.`;

/** One identity with the wallets an export lists for it. */
export interface IdentityExport {
  id: bigint;
  details: IdentityDetails;
}

const METHOD_NAMES = Object.fromEntries(Object.entries(VERIFICATION_METHODS).map(([name, code]) => [code, name]));
const CLASS_NAMES = Object.entries(CLASS_BITS);

/**
 * The roster as an identity roster CSV (`IDENTITY_COLUMNS`, one row per linked wallet), the format the import reads:
 * an export edited and imported again changes only what was edited. Dates are UTC days, as the import takes them; a
 * never-verified identity's verification cells stay empty (the import asks for them before it accepts the row).
 */
export function identityRosterCsv(identities: readonly IdentityExport[]): string {
  const day = (seconds: number) => (seconds === 0 ? '' : new Date(seconds * 1000).toISOString().slice(0, 10));
  const classes = (bits: number) => CLASS_NAMES.filter(([, bit]) => bits & bit).map(([name]) => name).join('|') || 'none';
  const lines = [IDENTITY_COLUMNS.join(',')];
  for (const { id, details: d } of [...identities].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const verified = d.verification.method !== 0;
    for (const wallet of d.wallets) {
      lines.push([
        id.toString(), wallet, day(d.accreditationExpiry), classes(d.classes), String(d.jurisdiction),
        verified ? (METHOD_NAMES[d.verification.method] ?? String(d.verification.method)) : '', verified ? day(d.verification.verifiedAt) : '', verified ? d.verification.evidenceHash : '',
      ].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
