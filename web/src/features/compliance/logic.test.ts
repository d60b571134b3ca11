import { getAddress, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../../sdk/manifest.ts';
import {
  accreditationState,
  addressBook,
  allowedRouterKinds,
  checkAgainstChain,
  checkRouterKind,
  DAY,
  describeEvent,
  describeOffering,
  identityLabel,
  offeringRegime,
  expiryPhrase,
  filterRoster,
  importVerdict,
  lockupOverrides,
  logRanges,
  MAX_IMPORT_ROWS,
  clearOverrideWarning,
  defaultLockupWarning,
  followingDefault,
  overrideWarning,
  parseAccreditationExpiry,
  mergeLogs,
  parseInvestorAddress,
  parseRosterCsv,
  rosterAddresses,
  rowChange,
  sortNewestFirst,
  sortRoster,
  splitCsvLine,
  toInvestorInputs,
  type ChainRecord,
  type RegistryEvent,
  type RosterEntry,
} from './logic.ts';
import { NOW, ALICE, BOB, CAROL, DAVE, EVE } from './testCast.ts';

const ROUTER = '0x61591daCD61eF879349A23beC8631be2D34ccfD1' as Address;
const POSM = '0x30d325d77F943954843cEF3fec4133ff042A0Df2' as Address;
const QUOTER = '0xcB19FD2b2334026aed368A1D27802e253d4f25b3' as Address;
const ACME = '0xd04DD6c250380430Ea5a128C338bd7C7f41b0106' as Address;
const HSREF = '0x8aB0f71319b82CAB1D42feE568a0B415752c773c' as Address;
const GATE = '0x16c352c7f65629FB4BA5D84A4db11863DF7569A0' as Address;

const deployment: Deployment = {
  chainId: 31337,
  deployBlock: 0,
  poolManager: '0x8028D6c11E7ef9D3993E67Aa54A90cf74d01fEBC',
  positionManager: POSM,
  universalRouter: ROUTER,
  v4Quoter: QUOTER,
  stateView: '0x37A5b1Fb0d7DaAAcca91058A5E80edfAe34fbd2f',
  permit2: '0x000000000022D473030F116dDEE9F6B43aC78BA3',
  investorRegistry: '0xF143fC63306CD20A3A09eCeFE4B776648809BD68',
  gateHook: GATE,
  sanctionsList: '0x0000000000000000000000000000000000000000',
  stablecoin: '0x62FF671362FBa24139ae911761f1730C6139b2cb',
  pools: [
    { name: 'ACME-A/dUSD', poolId: `0x${'1'.repeat(64)}`, currency0: '0x62FF671362FBa24139ae911761f1730C6139b2cb', currency1: ACME, fee: 3000, tickSpacing: 60, hooks: GATE, security: ACME },
  ],
  accounts: [
    { label: 'alice', index: 1, address: ALICE, role: 'accredited' },
    { label: 'bob', index: 2, address: BOB, role: 'in lockup' },
  ],
};
const book = addressBook(deployment);

describe('splitCsvLine', () => {
  it('splits on commas and trims unquoted cells', () => {
    expect(splitCsvLine(' a , b,c ')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(splitCsvLine('a,,c')).toEqual({ ok: true, value: ['a', '', 'c'] });
  });

  it('keeps commas and escaped quotes inside quoted cells', () => {
    expect(splitCsvLine('"a,b","say ""hi""",c')).toEqual({ ok: true, value: ['a,b', 'say "hi"', 'c'] });
    expect(splitCsvLine('"x" ,y')).toEqual({ ok: true, value: ['x', 'y'] });
  });

  it('names broken quoting', () => {
    expect(splitCsvLine('"abc,d')).toEqual({ ok: false, error: 'A quote is never closed' });
    expect(splitCsvLine('ab"c",d')).toEqual({ ok: false, error: 'A quote in the middle of a cell' });
    expect(splitCsvLine('"ab"c,d')).toEqual({ ok: false, error: 'Text after a closing quote' });
  });
});

describe('parseInvestorAddress', () => {
  it('accepts any case and returns the checksummed address', () => {
    expect(parseInvestorAddress(ALICE.toLowerCase())).toEqual({ ok: true, value: ALICE });
    expect(parseInvestorAddress(ALICE.toUpperCase().replace('0X', '0x'))).toEqual({ ok: true, value: ALICE });
  });

  it('refuses a mixed-case address whose checksum is wrong, a short one, and the zero address', () => {
    const typo = ALICE.replace('C51812', 'c51812');
    expect(parseInvestorAddress(typo)).toEqual({ ok: false, error: 'Checksum does not match: a mistyped character?' });
    expect(parseInvestorAddress('0x1234')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not an address/) });
    expect(parseInvestorAddress(`0x${'0'.repeat(40)}`)).toEqual({ ok: false, error: 'The zero address cannot be an investor' });
  });
});

describe('parseRosterCsv', () => {
  it('reads a roster with a header, any line endings, a BOM, blank lines and comments', () => {
    const text = `\uFEFFaddress,accreditation_expiry,frozen\r\n${ALICE},2027-07-01,false\r\n\r\n# onboarding batch 2\n${EVE.toLowerCase()},2027-01-31,TRUE\n`;
    const parse = parseRosterCsv(text, NOW);
    expect(parse.hasHeader).toBe(true);
    expect(parse.fileErrors).toEqual([]);
    expect(parse.rows).toEqual([
      { line: 2, raw: `${ALICE},2027-07-01,false`, address: ALICE, expiry: Date.UTC(2027, 6, 1) / 1000, frozen: false, errors: [] },
      { line: 5, raw: `${EVE.toLowerCase()},2027-01-31,TRUE`, address: EVE, expiry: Date.UTC(2027, 0, 31) / 1000, frozen: true, errors: [] },
    ]);
    expect(importVerdict(parse, 0)).toEqual({ ok: true, blocker: undefined, valid: 2, invalid: 0 });
    expect(toInvestorInputs(parse)).toEqual([
      { investor: ALICE, accreditationExpiry: Date.UTC(2027, 6, 1) / 1000, frozen: false },
      { investor: EVE, accreditationExpiry: Date.UTC(2027, 0, 31) / 1000, frozen: true },
    ]);
  });

  it('needs no header, and accepts the documented header with its format notes', () => {
    expect(parseRosterCsv(`${ALICE},2027-07-01,false`, NOW)).toMatchObject({ hasHeader: false, fileErrors: [], rows: [{ line: 1, address: ALICE, errors: [] }] });
    const annotated = parseRosterCsv(`Address, Accreditation_Expiry(YYYY-MM-DD), Frozen(true|false)\n${ALICE},2027-07-01,false`, NOW);
    expect(annotated).toMatchObject({ hasHeader: true, fileErrors: [], rows: [{ line: 2, errors: [] }] });
  });

  it('says what the header must be when the first line is words', () => {
    const parse = parseRosterCsv(`wallet,expiry,frozen\n${ALICE},2027-07-01,false`, NOW);
    expect(parse.hasHeader).toBe(false);
    expect(parse.rows[0].errors).toEqual([
      'Not an address (0x and 40 hex digits): "wallet"',
      'Accreditation expiry: Not a date (YYYY-MM-DD) ("expiry")',
      'Frozen must be true or false (found "frozen")',
      'If this is a header, it must be address,accreditation_expiry,frozen',
    ]);
    expect(parse.rows[1].errors).toEqual([]);
  });

  it('refuses a header with other columns', () => {
    const parse = parseRosterCsv(`address,frozen,accreditation_expiry\n${ALICE},2027-07-01,false`, NOW);
    expect(parse.fileErrors).toEqual(['Line 1: the header must be address,accreditation_expiry,frozen (found address,frozen,accreditation_expiry)']);
    expect(importVerdict(parse, 0).ok).toBe(false);
  });

  it('names every problem of every row at once', () => {
    const text = [
      'address,accreditation_expiry,frozen',
      '0x1234,2027-07-01,false',
      `${ALICE},2026-06-30,false`,
      `${BOB},2026-07-01,no`,
      `${EVE},07/01/2027,`,
      `${EVE.toLowerCase()},2027-02-30,true`,
      `${ALICE.replace('C51812', 'c51812')},2027-07-01,false`,
      `${BOB};2027-07-01;false`,
      `${ALICE},2027-07-01`,
    ].join('\n');
    const rows = parseRosterCsv(text, NOW).rows;
    expect(rows.map((r) => [r.line, r.errors])).toEqual([
      [2, ['Not an address (0x and 40 hex digits): "0x1234"']],
      [3, ['Accreditation expiry: Date is in the past ("2026-06-30")']],
      // Today counts as past: accreditation is valid only while chain time is before the expiry.
      [4, ['Accreditation expiry: Date is in the past ("2026-07-01")', 'Frozen must be true or false (found "no")']],
      [5, ['Accreditation expiry: Not a date (YYYY-MM-DD) ("07/01/2027")', 'Frozen must be true or false', 'Duplicate address: also on line 6']],
      [6, ['Accreditation expiry: No such date ("2027-02-30")', 'Duplicate address: also on line 5']],
      [7, ['Checksum does not match: a mistyped character?']],
      [8, ['Expected 3 columns (address, accreditation_expiry, frozen), found 1 (separate the columns with commas, not semicolons)']],
      [9, ['Expected 3 columns (address, accreditation_expiry, frozen), found 2']],
    ]);
  });

  it('flags an address listed twice (any case) on every line it appears, naming the others', () => {
    const text = `${EVE},2027-07-01,false\n${ALICE},2027-07-01,false\n${EVE.toLowerCase()},2027-08-01,false\n${EVE.toUpperCase().replace('0X', '0x')},2027-08-01,true`;
    const parse = parseRosterCsv(text, NOW);
    expect(parse.rows.map((r) => r.errors)).toEqual([
      ['Duplicate address: also on lines 3, 4'],
      [],
      ['Duplicate address: also on lines 1, 4'],
      ['Duplicate address: also on lines 1, 3'],
    ]);
    expect(importVerdict(parse, 0)).toEqual({ ok: false, blocker: expect.stringMatching(/^3 rows have problems/), valid: 1, invalid: 3 });
    expect(() => toInvestorInputs(parse)).toThrow('line 1 is not valid');
  });

  it('refuses an empty file, a header alone, and more rows than one batch takes', () => {
    expect(parseRosterCsv('  \n\n', NOW).fileErrors).toEqual(['No investor rows: one per line, address,accreditation_expiry,frozen']);
    expect(importVerdict(parseRosterCsv('address,accreditation_expiry,frozen\n', NOW), 0)).toMatchObject({ ok: false, blocker: /^No investor rows/ });
    const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')},2027-07-01,false`).join('\n');
    const parse = parseRosterCsv(many, NOW);
    expect(parse.rows.every((r) => r.errors.length === 0)).toBe(true);
    expect(importVerdict(parse, 0)).toMatchObject({ ok: false, blocker: `${MAX_IMPORT_ROWS + 1} rows: import at most ${MAX_IMPORT_ROWS} at a time (split the file)` });
  });

  it('refuses an accreditation expiry more than 10 years ahead (9999-12-31 is a typo, not a decision), naming the latest date allowed', () => {
    const parse = parseRosterCsv(`${ALICE},9999-12-31,false\n${EVE},2036-07-02,false\n${BOB},2036-07-01,false`, NOW);
    const refusal = 'Accreditation expiry: 9999-12-31 is more than 10 years ahead: accreditation is re-verified, so it may run at most until 2036-07-01 ("9999-12-31")';
    expect(parse.rows.map((r) => r.errors)).toEqual([[refusal], [expect.stringContaining('2036-07-02 is more than 10 years ahead')], []]);
    expect(parseAccreditationExpiry('99999-01-01', NOW)).toEqual({ ok: false, error: 'Not a date (YYYY-MM-DD)' });
    expect(parseAccreditationExpiry('2026-06-30', NOW)).toEqual({ ok: false, error: 'Date is in the past' });
  });
});

const record = (over: Partial<ChainRecord> = {}): ChainRecord => ({ registered: false, venue: false, frozen: false, accreditationExpiry: 0, ...over });

describe('checks against the chain', () => {
  it('refuses venue contracts the registry lists, and the manifest contracts, but not investors', () => {
    const parse = parseRosterCsv(`${ROUTER},2027-07-01,false\n${GATE},2027-07-01,false\n${ALICE},2027-07-01,false\n0x1111111111111111111111111111111111111111,2027-07-01,false`, NOW);
    const records = new Map([
      [ROUTER.toLowerCase(), record({ venue: true })],
      [GATE.toLowerCase(), record()],
      [ALICE.toLowerCase(), record({ registered: true, accreditationExpiry: NOW + DAY })],
      // An unknown contract the registry lists as a venue (no name in the manifest).
      ['0x1111111111111111111111111111111111111111', record({ venue: true })],
    ]);
    const checked = checkAgainstChain(parse, records, book);
    expect(checked.rows.map((r) => r.errors)).toEqual([
      ['A venue contract (UniversalRouter), not an investor'],
      ["The venue's GateHook contract, not an investor"],
      [],
      ['A venue contract, not an investor'],
    ]);
    // The parse it was given is not touched.
    expect(parse.rows.every((r) => r.errors.length === 0)).toBe(true);
  });

  it('holds the import until every address was checked', () => {
    const parse = parseRosterCsv(`${ALICE},2027-07-01,false`, NOW);
    expect(importVerdict(parse, 1)).toEqual({ ok: false, blocker: 'Checking the addresses against the registry…', valid: 1, invalid: 0 });
  });

  it('says what each row changes', () => {
    const [row] = parseRosterCsv(`${ALICE},2027-07-01,true`, NOW).rows;
    const expiry = Date.UTC(2027, 6, 1) / 1000;
    expect(rowChange(row, undefined)).toBeUndefined();
    expect(rowChange(row, record())).toEqual({ kind: 'new', text: 'New investor' });
    expect(rowChange(row, record({ registered: true, accreditationExpiry: expiry, frozen: true }))).toEqual({ kind: 'unchanged', text: 'Already so (no change)' });
    expect(rowChange(row, record({ registered: true, accreditationExpiry: Date.UTC(2026, 11, 31) / 1000, frozen: true }))).toEqual({
      kind: 'update',
      text: 'Updates: expiry 2026-12-31 → 2027-07-01',
    });
  });

  it('sends nothing when every row matches the registry already, and says so', () => {
    const parse = parseRosterCsv(`${ALICE},2027-07-01,false\n${BOB},2027-07-01,false`, NOW);
    expect(importVerdict(parse, 0, 2)).toEqual({ ok: false, blocker: 'No change: all 2 rows match the registry already, so there is nothing to send.', valid: 2, invalid: 0, nothingToSend: true });
    expect(importVerdict({ ...parse, rows: parse.rows.slice(0, 1) }, 0, 1)).toMatchObject({ ok: false, blocker: 'No change: its one row matches the registry already, so there is nothing to send.' });
    // One row that changes something is reason enough to send the file.
    expect(importVerdict(parse, 0, 1)).toEqual({ ok: true, blocker: undefined, valid: 2, invalid: 0 });
  });

  it('refuses a row that would freeze or unfreeze a known investor, as the registry would (FreezeNotEditable)', () => {
    const parse = parseRosterCsv(`${ALICE},2027-07-01,false\n${BOB},2027-07-01,true\n${CAROL},2027-07-01,false\n${DAVE},2027-07-01,true`, NOW);
    const records = new Map([
      [ALICE.toLowerCase(), record({ registered: true, frozen: true, accreditationExpiry: NOW + DAY })],
      [BOB.toLowerCase(), record({ registered: true, accreditationExpiry: NOW + DAY })],
      // Removed while frozen: the freeze stays with the address.
      [CAROL.toLowerCase(), record({ frozen: true })],
      // A new investor may arrive frozen.
      [DAVE.toLowerCase(), record()],
    ]);
    expect(checkAgainstChain(parse, records, book).rows.map((r) => r.errors)).toEqual([
      ['Frozen now: a roster row cannot lift a freeze (use Unfreeze in the roster)'],
      ['Not frozen now: a roster row cannot freeze (use Freeze in the roster)'],
      ['Frozen now: a roster row cannot lift a freeze (use Unfreeze in the roster)'],
      [],
    ]);
  });
});

const event = (name: string, args: Record<string, unknown>, blockNumber: bigint, logIndex = 0): RegistryEvent => ({
  name, args, blockNumber, logIndex, txHash: `0x${blockNumber.toString(16).padStart(64, '0')}` as Hex,
});

describe('the roster from registry events', () => {
  const officer = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720' as Address;
  const events = [
    event('InvestorUpserted', { investor: ALICE.toLowerCase(), accreditationExpiry: 1, frozen: false, officer }, 5n, 0),
    event('VenueSet', { account: ROUTER, isVenue: true, admin: officer }, 4n),
    event('InvestorUpserted', { investor: BOB, accreditationExpiry: 1, frozen: false, officer }, 5n, 1),
    event('LockupOverrideSet', { security: ACME, investor: BOB, lockupEnd: 100, officer }, 6n, 0),
    event('LockupOverrideSet', { security: HSREF, investor: BOB, lockupEnd: 200, officer }, 6n, 1),
    event('LockupOverrideCleared', { security: ACME, investor: BOB, officer }, 8n),
    event('LockupOverrideSet', { security: ACME, investor: BOB, lockupEnd: 300, officer }, 7n),
    event('WalletUnlinked', { identity: BigInt(EVE), wallet: EVE, officer }, 9n),
  ];

  it('lists every investor once, checksummed, in order of appearance, and never venue contracts', () => {
    expect(rosterAddresses(events)).toEqual([ALICE, BOB, EVE]);
  });

  it('folds lockup overrides in chain order, whatever order the logs came in', () => {
    expect([...lockupOverrides(events)]).toEqual([[`${HSREF.toLowerCase()}:${BOB.toLowerCase()}`, 200]]);
    // Without the clear, the later set (block 7) wins over the earlier one (block 6), even when listed first.
    const sets = events.filter((e) => e.name !== 'LockupOverrideCleared').reverse();
    expect(lockupOverrides(sets).get(`${ACME.toLowerCase()}:${BOB.toLowerCase()}`)).toBe(300);
    expect(lockupOverrides(sets).get(`${HSREF.toLowerCase()}:${BOB.toLowerCase()}`)).toBe(200);
  });

  it('orders the audit log newest first by block, then log index', () => {
    expect(sortNewestFirst(events).map((e) => `${e.blockNumber}:${e.logIndex}`)).toEqual(['9:0', '8:0', '7:0', '6:1', '6:0', '5:1', '5:0', '4:0']);
  });

  it('describes each event with names', () => {
    const name = (a: Address) => book.get(a.toLowerCase())?.name ?? a.slice(0, 8);
    expect(describeEvent(event('InvestorUpserted', { investor: ALICE, accreditationExpiry: Date.UTC(2027, 6, 1) / 1000, frozen: true }, 1n), name)).toBe(
      'alice recorded: accredited until 2027-07-01, frozen',
    );
    expect(describeEvent(event('InvestorFrozen', { investor: BOB, frozen: false }, 1n), name)).toBe('bob unfrozen');
    expect(describeEvent(event('InvestorExitOnly', { investor: BOB, exitOnly: true }, 1n), name)).toBe('bob made exit-only (may sell, not buy)');
    expect(describeEvent(event('WalletLinked', { identity: 42n, wallet: BOB }, 1n), name)).toBe('bob linked to identity #42');
    expect(describeEvent(event('IdentityUpserted', { identity: 7n, classes: 6, jurisdiction: 276, accreditationExpiry: 0 }, 1n), name)).toBe(
      'identity #7 recorded: QIB, non-US person, jurisdiction 276, accredited until 1970-01-01',
    );
    expect(describeEvent(event('LockupOverrideSet', { investor: BOB, security: ACME, lockupEnd: Date.UTC(2026, 6, 4) / 1000 }, 1n), name)).toBe(
      "bob's lockup in ACME-A token ends 2026-07-04 (override)",
    );
    expect(describeEvent(event('VenueSet', { account: ROUTER, isVenue: true }, 1n), name)).toBe('UniversalRouter listed as a venue contract');
    expect(describeEvent(event('Locked', { identity: 42n, wallet: BOB, amount: 250n * 10n ** 18n, releaseAt: Date.UTC(2027, 5, 1) / 1000, kind: 0, security: ACME }, 1n), name)).toBe(
      '250 ACME-A token of identity #42 locked until 2027-06-01 (Rule 144 issuance lot)',
    );
    expect(describeEvent(event('SharesFrozen', { identity: 42n, amount: 10n ** 18n, releaseAt: 2 ** 40 - 1, reason: 0, security: ACME }, 1n), name)).toBe(
      '1 ACME-A token of identity #42 frozen until lifted (court order)',
    );
    expect(describeEvent(event('ForcedTransfer', { from: ALICE, to: BOB, amount: 5n * 10n ** 18n, reason: 3, security: ACME }, 1n), name)).toBe(
      '5 ACME-A token forced from alice to bob (estate transfer)',
    );
    expect(describeEvent(event('RoleGranted', { role: `0x${'0'.repeat(64)}`, account: ALICE }, 1n), name)).toBe('default admin role granted to alice');
    expect(describeEvent(event('RoleGranted', { role: `0x${'a'.repeat(64)}`, account: ALICE }, 1n), name, { [`0x${'a'.repeat(64)}`]: 'compliance' })).toBe(
      'compliance role granted to alice',
    );
  });
});

describe('the log cache', () => {
  const log = (block: bigint | null, index: number, tx = 'a') => ({ blockNumber: block, logIndex: index, transactionHash: `0x${tx}` as Hex });

  it('replaces re-read blocks (a reorged log disappears), keeps older ones, counts nothing twice', () => {
    const previous = [log(1n, 0), log(5n, 0, 'b'), log(6n, 0, 'c')];
    const fresh = [log(5n, 0, 'b'), log(6n, 0, 'd'), log(6n, 0, 'd'), log(null, 0, 'e')];
    expect(mergeLogs(previous, fresh, 5n)).toEqual([log(1n, 0), log(5n, 0, 'b'), log(6n, 0, 'd')]);
  });

  it('splits a block range into capped pieces covering it exactly', () => {
    expect(logRanges(0n, 25n, 10n)).toEqual([[0n, 9n], [10n, 19n], [20n, 25n]]);
    expect(logRanges(7n, 7n, 10n)).toEqual([[7n, 7n]]);
    expect(logRanges(8n, 7n, 10n)).toEqual([]);
    expect(() => logRanges(0n, 1n, 0n)).toThrow();
  });
});

describe('lockup changes that free investors at once', () => {
  const past = NOW - 2 * DAY;
  const later = NOW + 30 * DAY;

  it('warns when a new default has passed while the current one runs, counting the wallets that follow it', () => {
    expect(defaultLockupWarning('ACME', later, past, NOW, 3)).toBe(
      `${isoDay(past)} has passed: ACME's default lockup, now until ${isoDay(later)}, ends at once, and 3 registered wallets without an override of their own may sell ACME from the next block.`,
    );
    expect(defaultLockupWarning('ACME', later, past, NOW, 1)).toContain('and 1 registered wallet without an override of its own may sell');
    expect(defaultLockupWarning('ACME', later, past, NOW, undefined)).toContain('and every registered wallet without an override of its own may sell');
    // A later default, or one that had ended already, frees nobody now.
    expect(defaultLockupWarning('ACME', later, NOW + DAY, NOW, 3)).toBeUndefined();
    expect(defaultLockupWarning('ACME', past, NOW - 5 * DAY, NOW, 3)).toBeUndefined();
    const overrides = new Map([[`${SECURITY.toLowerCase()}:${BOB.toLowerCase()}`, later]]);
    expect(followingDefault(SECURITY, [ALICE, BOB, EVE], overrides)).toEqual([ALICE, EVE]);
  });

  it('warns when an override has passed while the wallet is locked, by its override or by the default', () => {
    expect(overrideWarning('bob', 'ACME', { end: later, override: true }, past, NOW)).toBe(
      `${isoDay(past)} has passed: bob's lockup in ACME, now until ${isoDay(later)} (its override), ends at once, and this one wallet may sell ACME from the next block.`,
    );
    expect(overrideWarning('eve', 'ACME', { end: later, override: false }, NOW, NOW)).toContain("(the security's default)");
    expect(overrideWarning('eve', 'ACME', { end: past, override: false }, NOW - DAY, NOW)).toBeUndefined();
    expect(overrideWarning('eve', 'ACME', { end: later, override: false }, NOW + DAY, NOW)).toBeUndefined();
  });

  it('warns when clearing an override that runs leaves a default that has ended', () => {
    expect(clearOverrideWarning('bob', 'ACME', later, past, NOW)).toBe(
      `Clearing bob's override in ACME, now until ${isoDay(later)}, leaves the security's default, which ended ${isoDay(past)}: this one wallet may sell ACME from the next block.`,
    );
    expect(clearOverrideWarning('bob', 'ACME', later, later + DAY, NOW)).toBeUndefined();
    expect(clearOverrideWarning('bob', 'ACME', past, past, NOW)).toBeUndefined();
  });
});

const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const SECURITY = '0x00000000000000000000000000000000000005ec' as Address;

describe('roster statuses and filters', () => {
  it('grades accreditation against chain time, expiry exclusive, with the 30-day window', () => {
    expect(accreditationState(record(), NOW)).toBe('unregistered');
    expect(accreditationState(record({ registered: true, accreditationExpiry: NOW }), NOW)).toBe('expired');
    expect(accreditationState(record({ registered: true, accreditationExpiry: NOW + 30 * DAY }), NOW)).toBe('expiring');
    expect(accreditationState(record({ registered: true, accreditationExpiry: NOW + 30 * DAY + 1 }), NOW)).toBe('active');
  });

  it('phrases how long is left or since', () => {
    expect(expiryPhrase(NOW + 365 * DAY + 5, NOW)).toBe('expires in 365 days');
    expect(expiryPhrase(NOW + DAY, NOW)).toBe('expires in 1 day');
    expect(expiryPhrase(NOW + 3_600 * 5 + 120, NOW)).toBe('expires in 5h 2m');
    expect(expiryPhrase(NOW - DAY, NOW)).toBe('expired 1 day ago');
    expect(expiryPhrase(NOW - 90, NOW)).toBe('expired 1m 30s ago');
  });

  const entry = (address: Address, label: string | undefined, over: Partial<ChainRecord>, lockupEnd = 0): RosterEntry => ({
    address, label, record: record({ registered: true, accreditationExpiry: NOW + 365 * DAY, ...over }),
    lockups: [{ security: ACME, symbol: 'ACME-A', end: lockupEnd, override: lockupEnd > 0 }],
  });
  const roster = [
    entry(ALICE, 'alice', {}),
    entry(BOB, 'bob', {}, NOW + 3 * DAY),
    entry(EVE, undefined, { accreditationExpiry: NOW + 10 * DAY, frozen: true }),
    entry(getAddress('0x3c44000000000000000000000000000000000001'), undefined, { registered: false, frozen: true }, NOW + DAY),
  ];
  const none = { search: '', expiring: false, lockup: false, frozen: false };
  const names = (list: RosterEntry[]) => list.map((e) => e.label ?? e.address.slice(0, 6));

  it('searches by address prefix (with or without 0x, any case) or label', () => {
    expect(names(filterRoster(roster, { ...none, search: '0x3C44' }, NOW))).toEqual(['bob', '0x3C44']);
    expect(names(filterRoster(roster, { ...none, search: '3c44cddd' }, NOW))).toEqual(['bob']);
    expect(names(filterRoster(roster, { ...none, search: 'AL' }, NOW))).toEqual(['alice']);
    expect(names(filterRoster(roster, { ...none, search: 'zz' }, NOW))).toEqual([]);
  });

  it('filters expiring, in lockup and frozen, narrowing together; removed investors count as none of them', () => {
    expect(names(filterRoster(roster, { ...none, expiring: true }, NOW))).toEqual(['0x9965']);
    expect(names(filterRoster(roster, { ...none, lockup: true }, NOW))).toEqual(['bob']);
    expect(names(filterRoster(roster, { ...none, frozen: true }, NOW))).toEqual(['0x9965']);
    expect(names(filterRoster(roster, { ...none, frozen: true, lockup: true }, NOW))).toEqual([]);
    // Lockup ends at its end second exactly.
    expect(names(filterRoster(roster, { ...none, lockup: true }, NOW + 3 * DAY))).toEqual([]);
  });

  it('sorts registered investors first, named before unnamed', () => {
    expect(names(sortRoster([...roster].reverse()))).toEqual(['alice', 'bob', '0x9965', '0x3C44']);
  });
});

describe('router kinds', () => {
  it('lets canonical routers be only their own kind or untrusted', () => {
    expect(allowedRouterKinds(ROUTER, deployment)).toEqual(['Forwarder', 'Untrusted']);
    expect(allowedRouterKinds(POSM.toLowerCase() as Address, deployment)).toEqual(['Forwarder', 'Untrusted']);
    expect(allowedRouterKinds(QUOTER, deployment)).toEqual(['Quoter', 'Untrusted']);
    expect(allowedRouterKinds(ALICE, deployment)).toEqual(['Untrusted', 'Forwarder', 'Quoter']);
    expect(checkRouterKind(ROUTER, 'Quoter', deployment)).toBe('This canonical router can only be Forwarder or Untrusted');
    expect(checkRouterKind(QUOTER, 'Untrusted', deployment)).toBeUndefined();
    expect(checkRouterKind(`0x${'0'.repeat(40)}`, 'Forwarder', deployment)).toBe('The zero address is not a router');
  });
});

describe('offerings in plain words', () => {
  const shares = (n: bigint) => (n / 10n ** 18n).toLocaleString('en-US');
  const base = { requiredClasses: 1, jurisdictionMode: 0, regSCompliancePeriodEnd: 0, windingDown: false, maxHolders: 0, maxNonAccredited: 0, maxHolding: 0n, minTrade: 0n, holders: 412, nonAccredited: 3 };

  it('names the exemption, who may acquire and each cap with its live count', () => {
    expect(describeOffering({ ...base, maxHolders: 2000, maxNonAccredited: 500 }, 0, shares)).toEqual([
      'Reg D 506(c): accredited investors, any jurisdiction',
      'At most 2,000 holders of record (412 now)',
      'At most 500 of them not accredited (3 now)',
    ]);
    expect(describeOffering({ ...base, requiredClasses: 2, jurisdictionMode: 1, maxHolding: 5000n * 10n ** 18n, minTrade: 10n ** 19n }, 0, shares)).toEqual([
      'Rule 144A: qualified institutional buyers, listed jurisdictions only',
      'No cap on holders of record (412 now)',
      'At most 5,000 shares per investor, all wallets together',
      'Trades of at least 10 shares',
    ]);
  });

  it('says when a Reg S period ends, and only until it does; and when a security winds down', () => {
    const regS = { ...base, requiredClasses: 5, regSCompliancePeriodEnd: Date.UTC(2027, 0, 10) / 1000, windingDown: true };
    expect(offeringRegime(regS)).toBe('Reg S');
    expect(describeOffering(regS, Date.UTC(2026, 11, 1) / 1000, shares)).toContain('Until 2027-01-10 only non-US persons may acquire (Reg S distribution compliance period)');
    expect(describeOffering(regS, Date.UTC(2027, 0, 10) / 1000, shares).some((l) => l.startsWith('Until'))).toBe(false);
    expect(describeOffering(regS, 0, shares).at(-1)).toBe('Winding down: holders may sell and withdraw, nobody may buy or add');
  });

  it('shows a wallet-derived identity as its wallet, an officer-assigned one as a number', () => {
    expect(identityLabel(BigInt(ALICE))).toBe(ALICE.slice(0, 10));
    expect(identityLabel(61604n)).toBe('#61604');
  });
});
