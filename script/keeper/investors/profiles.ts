/**
 * Off-chain investor profiles: the legal name, the KYC provider and its reference, notes and hashes of documents, per
 * identity. Nothing personal goes on chain (the registry holds an evidence hash only); these rows live in the ledger
 * database, and only officers read or write them through the API, every read and write in the access log.
 */
import { z } from 'zod';
import type { Ledger } from '../ledger/db.ts';

/** An identity id as the registry takes it: a nonzero whole number below 2^160, in decimal. */
export function isIdentityId(v: string): boolean {
  return /^[1-9]\d{0,48}$/.test(v) && BigInt(v) < 1n << 160n;
}

const text = (max: number) =>
  z.string().max(max, `at most ${max} characters`).refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'no control characters');

export const profileInput = z.object({
  identity: z.string().refine(isIdentityId, 'a nonzero whole number below 2^160, in decimal'),
  legalName: text(200).refine((s) => s.trim().length > 0, 'required'),
  kycProvider: text(100).default(''),
  kycReference: text(200).default(''),
  notes: text(4000).default(''),
  documentHashes: z.array(z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex hash (0x + 64 hex digits)')).max(50, 'at most 50').default([]),
}).strict();

export type ProfileInput = z.input<typeof profileInput>;

export interface Profile {
  identity: string;
  legalName: string;
  kycProvider: string;
  kycReference: string;
  notes: string;
  documentHashes: string[];
  updatedAt: string;
  updatedBy: string;
}

/** Validates a profile, naming every problem: "legalName: required; documentHashes.0: a 32-byte hex hash …". */
export function parseProfile(body: unknown): z.output<typeof profileInput> {
  const r = profileInput.safeParse(body);
  if (r.success) return r.data;
  throw new Error(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

export async function saveProfile(ledger: Pick<Ledger, 'query'>, chainId: number, p: z.output<typeof profileInput>, officer: string): Promise<Profile> {
  const [row] = await ledger.query<ProfileRow>(
    `insert into investor_profiles (chain_id, identity, legal_name, kyc_provider, kyc_reference, notes, document_hashes, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (chain_id, identity) do update set legal_name = excluded.legal_name, kyc_provider = excluded.kyc_provider,
       kyc_reference = excluded.kyc_reference, notes = excluded.notes, document_hashes = excluded.document_hashes,
       updated_by = excluded.updated_by, updated_at = now()
     returning *`,
    [chainId, p.identity, p.legalName, p.kycProvider, p.kycReference, p.notes, JSON.stringify(p.documentHashes.map((h) => h.toLowerCase())), officer.toLowerCase()],
  );
  return fromRow(row);
}

export async function readProfile(ledger: Pick<Ledger, 'query'>, chainId: number, identity: string): Promise<Profile | undefined> {
  const [row] = await ledger.query<ProfileRow>('select * from investor_profiles where chain_id = $1 and identity = $2', [chainId, identity]);
  return row && fromRow(row);
}

interface ProfileRow {
  identity: string;
  legal_name: string;
  kyc_provider: string;
  kyc_reference: string;
  notes: string;
  document_hashes: string[] | string;
  updated_at: Date | string;
  updated_by: string;
}

function fromRow(r: ProfileRow): Profile {
  return {
    identity: r.identity,
    legalName: r.legal_name,
    kycProvider: r.kyc_provider,
    kycReference: r.kyc_reference,
    notes: r.notes,
    documentHashes: typeof r.document_hashes === 'string' ? JSON.parse(r.document_hashes) : r.document_hashes,
    updatedAt: new Date(r.updated_at).toISOString(),
    updatedBy: r.updated_by,
  };
}
