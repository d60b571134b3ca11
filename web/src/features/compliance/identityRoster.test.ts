import { describe, expect, it } from 'vitest';
import type { Address, Hex } from 'viem';
import {
  checkIdentitiesAgainstChain,
  IDENTITY_COLUMNS,
  identityEditSummary,
  identityForm,
  identityPlan,
  identityRosterCsv,
  identityRowChange,
  linkProblem,
  MAX_WALLETS,
  parseClasses,
  parseIdentityForm,
  parseIdentityRoster,
  type IdentityDetails,
  type IdentityRecord,
  type WalletRecord,
} from './identityRoster.ts';
import type { ChainRecord } from './logic.ts';

const NOW = Date.UTC(2026, 11, 1) / 1000;
const A = '0x00000000000000000000000000000000000000a1';
const B = '0x00000000000000000000000000000000000000b2';
const C = '0x00000000000000000000000000000000000000c3';
const HASH = `0x${'ab'.repeat(32)}`;
const header = IDENTITY_COLUMNS.join(',');
const row = (id: string, wallet: string, rest = `2027-12-31,accredited,840,net_worth,2026-11-02,${HASH}`) => `${id},${wallet},${rest}`;
const parse = (...rows: string[]) => parseIdentityRoster([header, ...rows].join('\n'), NOW);

describe('the identity roster', () => {
  it('parses one identity with two wallets and plans one upsert and one link of both', () => {
    const p = parse(row('1001', A), row('1001', B));
    expect(p.fileErrors).toEqual([]);
    expect(p.rows.map((r) => r.errors)).toEqual([[], []]);
    expect(p.rows[0]).toMatchObject({ identity: 1001n, classes: 1, jurisdiction: 840, method: 2, expiry: Date.UTC(2027, 11, 31) / 1000 });
    const plan = identityPlan(p, new Map());
    expect(plan.identities).toHaveLength(1);
    expect(plan.identities[0]).toMatchObject({ id: 1001n, classes: 1, jurisdiction: 840, verification: { method: 2, evidenceHash: HASH } });
    expect(plan.links).toEqual([{ identity: 1001n, wallets: [expect.stringMatching(/a1$/i), expect.stringMatching(/b2$/i)] }]);
  });

  it('names every bad cell of a row', () => {
    const [r] = parse(row('0', 'nope', '2020-01-01,accredited|banker,0,psychic,2099-01-01,0x12')).rows;
    expect(r.errors).toEqual([
      'Identity: must be above 0 and below 2^160',
      expect.stringContaining('Wallet: Not an address'),
      expect.stringContaining('Accreditation expiry:'),
      expect.stringContaining('"banker" is not one of'),
      expect.stringContaining('Jurisdiction: an ISO 3166-1 numeric code'),
      expect.stringContaining('Verification method: one of'),
      'Verified at: a check cannot be dated in the future',
      expect.stringContaining('Evidence hash:'),
    ]);
  });

  it('refuses an accreditation expiry more than 10 years ahead, in the roster and in the editor', () => {
    const [r] = parse(row('1001', A, `9999-12-31,accredited,840,net_worth,2026-11-02,${HASH}`)).rows;
    const refusal = 'Accreditation expiry: 9999-12-31 is more than 10 years ahead: accreditation is re-verified, so it may run at most until 2036-12-01';
    expect(r.errors).toEqual([refusal]);
    const form = { expiry: '9999-12-31', classes: 1, jurisdiction: '840', method: 'net_worth', verifiedAt: '2026-11-02', evidenceHash: HASH };
    expect(parseIdentityForm(1001n, form, NOW).errors).toEqual({ expiry: refusal });
  });

  it('refuses a wrong header, a wallet twice, and one identity described two ways', () => {
    expect(parseIdentityRoster(`identity,wallet\n${row('1', A)}`, NOW).fileErrors[0]).toMatch(/the header must be identity,wallet,accreditation_expiry/);
    const dup = parse(row('1', A), row('2', A));
    expect(dup.rows.map((r) => r.errors[0])).toEqual(['Duplicate wallet: also on line 3', 'Duplicate wallet: also on line 2']);
    const disagree = parse(row('1', A), row('1', B, `2027-12-31,qib,840,net_worth,2026-11-02,${HASH}`));
    expect(disagree.rows[0].errors).toEqual([]);
    expect(disagree.rows[1].errors).toEqual(['Identity 1 is described differently on line 2: its rows must agree']);
  });

  it('reads class names in any spelling it documents, and none', () => {
    expect(parseClasses('accredited|non_us')).toEqual({ ok: true, value: 5 });
    expect(parseClasses('QIB + Non-US')).toEqual({ ok: true, value: 6 });
    expect(parseClasses('affiliate accredited')).toEqual({ ok: true, value: 9 });
    expect(parseClasses('none')).toEqual({ ok: true, value: 0 });
    expect(parseClasses('').ok).toBe(false);
  });

  it('checks against the chain: venues, wallets of another identity, new ids of 2^64 and above', () => {
    const big = (1n << 64n).toString();
    const p = parse(row('1', A), row('2', B), row(big, C));
    const wallets = new Map<string, WalletRecord>([
      [A.toLowerCase(), { registered: false, venue: true, identity: 0n }],
      [B.toLowerCase(), { registered: false, venue: false, identity: 9n }],
      [C.toLowerCase(), { registered: false, venue: false, identity: 0n }],
    ]);
    const ids = new Map<string, IdentityRecord>([['1', none], ['2', none], [big, none]]);
    const checked = checkIdentitiesAgainstChain(p, wallets, ids, new Map());
    expect(checked.rows[0].errors).toEqual([expect.stringContaining('A venue contract')]);
    expect(checked.rows[1].errors).toEqual([expect.stringContaining('belongs to identity 9')]);
    expect(checked.rows[2].errors).toEqual([expect.stringContaining('must be below 2^64')]);
  });

  it('plans no link for a wallet already linked, and says what each row changes', () => {
    const p = parse(row('7', A), row('7', B));
    const wallets = new Map<string, WalletRecord>([[A.toLowerCase(), { registered: true, venue: false, identity: 7n }], [B.toLowerCase(), { registered: false, venue: false, identity: 0n }]]);
    expect(identityPlan(p, wallets).links).toEqual([{ identity: 7n, wallets: [expect.stringMatching(/b2$/i)] }]);
    const id: IdentityRecord = { exists: true, accreditationExpiry: Date.UTC(2027, 11, 31) / 1000, classes: 1, jurisdiction: 276 };
    expect(identityRowChange(p.rows[0], wallets.get(A.toLowerCase()), id)).toBe('Updates jurisdiction 276 → 840');
    expect(identityRowChange(p.rows[1], wallets.get(B.toLowerCase()), id)).toBe('Links this wallet; updates jurisdiction 276 → 840');
    expect(identityRowChange(p.rows[0], wallets.get(A.toLowerCase()), { ...id, jurisdiction: 840 })).toBe('Already so (no change)');
    expect(identityRowChange(p.rows[0], wallets.get(A.toLowerCase()), none)).toBe('New identity');
    expect(identityRowChange(p.rows[0], wallets.get(A.toLowerCase()), { ...id, classes: 3, jurisdiction: 840 })).toBe('Updates classes accredited, QIB → accredited');
    // A row whose only difference is the verification record still changes the identity.
    const verification = { method: 2, verifiedAt: Date.UTC(2026, 10, 2) / 1000, evidenceHash: HASH as `0x${string}` };
    expect(identityRowChange(p.rows[0], wallets.get(A.toLowerCase()), { ...id, jurisdiction: 840, verification })).toBe('Already so (no change)');
    expect(identityRowChange(p.rows[0], wallets.get(A.toLowerCase()), { ...id, jurisdiction: 840, verification: { ...verification, method: 1 } })).toBe('Updates verification record');
  });
});

describe('one identity, edited by hand', () => {
  const details: IdentityDetails = {
    exists: true, frozen: false, accreditationExpiry: Date.UTC(2027, 11, 31) / 1000, classes: 1, jurisdiction: 840, wallets: [A as Address, B as Address],
    verification: { method: 2, verifiedAt: Date.UTC(2026, 10, 2) / 1000, evidenceHash: HASH as `0x${string}` },
  };

  it('fills the form from the chain, leaving a verification never recorded empty', () => {
    expect(identityForm(details)).toEqual({ expiry: '2027-12-31', classes: 1, jurisdiction: '840', method: 'net_worth', verifiedAt: '2026-11-02', evidenceHash: HASH });
    const bare = identityForm({ ...details, verification: { method: 0, verifiedAt: 0, evidenceHash: `0x${'0'.repeat(64)}` } });
    expect(bare).toMatchObject({ method: '', verifiedAt: '', evidenceHash: '' });
  });

  it('checks each field as the roster checks its cell, and makes one upsertIdentities row', () => {
    const form = { ...identityForm(details), expiry: '2028-06-30', classes: 3, jurisdiction: ' 276 ' };
    expect(parseIdentityForm(7n, form, NOW)).toEqual({
      errors: {},
      input: { id: 7n, accreditationExpiry: Date.UTC(2028, 5, 30) / 1000, classes: 3, jurisdiction: 276, verification: details.verification },
    });
    const bad = parseIdentityForm(7n, { expiry: '2020-01-01', classes: 0, jurisdiction: '0', method: '', verifiedAt: '2099-01-01', evidenceHash: '0x12' }, NOW);
    expect(bad.input).toBeUndefined();
    expect(bad.errors).toEqual({
      expiry: 'Accreditation expiry: Date is in the past',
      jurisdiction: expect.stringContaining('Jurisdiction: an ISO 3166-1 numeric code'),
      method: expect.stringContaining('Verification method: one of'),
      verifiedAt: 'Verified at: a check cannot be dated in the future',
      evidenceHash: expect.stringContaining('Evidence hash:'),
    });
  });

  it('says what saving replaces, or that nothing would change', () => {
    const input = parseIdentityForm(7n, { ...identityForm(details), expiry: '2028-06-30', classes: 3 }, NOW).input!;
    expect(identityEditSummary(details, input)).toBe(
      "Replace identity #7's expiry 2027-12-31 → 2028-06-30, classes accredited → accredited, QIB. Its freeze and exit-only status stay as they are; its 2 linked wallets take the new profile at once.",
    );
    const reverified = { ...input, accreditationExpiry: details.accreditationExpiry, classes: 1, verification: { ...details.verification, method: 4 } };
    expect(identityEditSummary({ ...details, wallets: [A as Address] }, reverified)).toBe(
      "Replace identity #7's verification record (third party letter, checked 2026-11-02, evidence 0xabababab…). Its freeze and exit-only status stay as they are; its one linked wallet takes the new profile at once.",
    );
    expect(identityEditSummary(details, parseIdentityForm(7n, identityForm(details), NOW).input!)).toBeUndefined();
  });

  it('refuses a link the registry would refuse', () => {
    const record = (patch: Partial<ChainRecord>): ChainRecord => ({ registered: false, venue: false, frozen: false, accreditationExpiry: 0, identity: 0n, ...patch });
    const book = new Map([[C.toLowerCase(), { name: 'PoolManager', contract: true }]]);
    expect(linkProblem(C as Address, record({}), 7n, details, book)).toBe("A venue contract (PoolManager), not an investor's wallet");
    expect(linkProblem(C as Address, record({ identity: 9n }), 7n, details, new Map())).toMatch(/^This wallet belongs to identity 9/);
    expect(linkProblem(C as Address, record({ registered: true, identity: 7n }), 7n, details, new Map())).toBe('This wallet is linked to this identity already');
    expect(linkProblem(C as Address, record({ frozen: true, identity: 7n }), 7n, details, new Map())).toMatch(/^This wallet was unlinked while frozen/);
    expect(linkProblem(C as Address, record({ frozen: true, identity: 7n }), 7n, { ...details, frozen: true }, new Map())).toBeUndefined();
    const full = { ...details, wallets: Array.from({ length: MAX_WALLETS }, () => A as Address) };
    expect(linkProblem(C as Address, record({}), 7n, full, new Map())).toBe(`The identity has ${MAX_WALLETS} wallets, the most it may have: unlink one first`);
    expect(linkProblem(C as Address, undefined, 7n, details, new Map())).toBeUndefined();
  });
});

const none: IdentityRecord = { exists: false, accreditationExpiry: 0, classes: 0, jurisdiction: 0 };

describe('identityRosterCsv', () => {
  const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
  const A2 = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720' as Address;
  const B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address;
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
  const verified = { method: 4, verifiedAt: day('2026-11-02'), evidenceHash: `0x${'ab'.repeat(32)}` as Hex };
  const identities = [
    { id: 4242n, details: { exists: true, frozen: false, accreditationExpiry: day('2027-06-30'), classes: 5, jurisdiction: 276, wallets: [A, A2], verification: verified } },
    { id: 7n, details: { exists: true, frozen: false, accreditationExpiry: day('2027-01-15'), classes: 2, jurisdiction: 840, wallets: [B], verification: { ...verified, method: 6 } } },
  ];

  it('writes one row per wallet in the import format, and reads back as the same identities', () => {
    const csv = identityRosterCsv(identities);
    expect(csv.split('\n')).toEqual([
      'identity,wallet,accreditation_expiry,classes,jurisdiction,verification_method,verified_at,evidence_hash',
      `7,${B},2027-01-15,qib,840,qib_certificate,2026-11-02,0x${'ab'.repeat(32)}`,
      `4242,${A},2027-06-30,accredited|non_us,276,third_party_letter,2026-11-02,0x${'ab'.repeat(32)}`,
      `4242,${A2},2027-06-30,accredited|non_us,276,third_party_letter,2026-11-02,0x${'ab'.repeat(32)}`,
      '',
    ]);
    const parsed = parseIdentityRoster(csv, day('2026-12-01'));
    expect(parsed.fileErrors).toEqual([]);
    expect(parsed.rows.map((r) => [r.errors, r.identity, r.wallet, r.expiry, r.classes, r.jurisdiction, r.method, r.verifiedAt, r.evidenceHash])).toEqual([
      [[], 7n, B, day('2027-01-15'), 2, 840, 6, verified.verifiedAt, verified.evidenceHash],
      [[], 4242n, A, day('2027-06-30'), 5, 276, 4, verified.verifiedAt, verified.evidenceHash],
      [[], 4242n, A2, day('2027-06-30'), 5, 276, 4, verified.verifiedAt, verified.evidenceHash],
    ]);
  });

  it('leaves a never-verified identity\'s verification cells empty, for the officer to fill in', () => {
    const csv = identityRosterCsv([{ id: 7n, details: { ...identities[1].details, classes: 0, verification: { method: 0, verifiedAt: 0, evidenceHash: `0x${'0'.repeat(64)}` as Hex } } }]);
    expect(csv.split('\n')[1]).toBe(`7,${B},2027-01-15,none,840,,,`);
  });
});
