/**
 * Sign-In with Ethereum (EIP-4361) for the keepers' API: single-use nonces in the ledger, and a check of every field
 * of the signed message before its signature, so each refusal names its reason. Signatures are verified by viem's
 * `verifyMessage`, which accepts an EOA's signature and a contract wallet's (EIP-1271, and ERC-6492 for one not yet
 * deployed).
 */
import { randomBytes } from 'node:crypto';
import { getAddress, isHex, type Address, type Hex, type PublicClient } from 'viem';
import { createSiweMessage, parseSiweMessage, type SiweMessage } from 'viem/siwe';
import type { Ledger } from '../ledger/db.ts';

/** A nonce must be used within this long of being issued. */
export const NONCE_TTL_S = 600;
/** How far a message's issued-at may be ahead of this server's clock (clocks differ a little). */
const CLOCK_SKEW_S = 60;
/** SIWE messages are short; anything longer is not one. */
const MAX_MESSAGE_BYTES = 4096;

/** Why a sign-in was refused: the API answers 401 with this sentence. */
export class SignInError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export interface SignInExpectation {
  /** The authorities (`host:port`) a message may name: the dashboard's origins and the API's own. */
  domains: ReadonlySet<string>;
  chainId: number;
  now?: Date;
  /** Called with the signer the message names, once it is well-formed, for this venue and fresh; may throw (a limit). */
  beforeSignature?: (address: Address) => void;
}

/** Issues a fresh single-use nonce (alphanumeric, as EIP-4361 requires), valid for NONCE_TTL_S. */
export async function issueNonce(ledger: Pick<Ledger, 'query'>): Promise<{ nonce: string; expiresAt: string }> {
  const nonce = randomBytes(16).toString('hex');
  const [row] = await ledger.query<{ expires_at: Date | string }>(
    `insert into auth_nonces (nonce, expires_at) values ($1, now() + make_interval(secs => $2)) returning expires_at`,
    [nonce, NONCE_TTL_S],
  );
  // Expired nonces are never useful: drop them as new ones are issued, so the table stays as small as the traffic.
  await ledger.query('delete from auth_nonces where expires_at < now()');
  return { nonce, expiresAt: new Date(row.expires_at).toISOString() };
}

/**
 * Checks a signed SIWE message and consumes its nonce; returns the signer. Throws SignInError naming the first
 * problem: a malformed message, a domain, URI or chain this venue doesn't serve, an issued-at in the future or an
 * expiry in the past, a nonce that was never issued or was already used (a replay), or a bad signature.
 */
export async function verifySignIn(
  ledger: Pick<Ledger, 'query'>,
  client: PublicClient,
  { message, signature }: { message: unknown; signature: unknown },
  expect: SignInExpectation,
): Promise<{ address: Address; expiresAt?: Date }> {
  if (typeof message !== 'string' || message.length === 0 || Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    throw new SignInError('malformed', `message must be the signed EIP-4361 text (at most ${MAX_MESSAGE_BYTES} bytes)`);
  }
  if (typeof signature !== 'string' || !isHex(signature) || signature.length < 4) throw new SignInError('malformed', 'signature must be 0x-prefixed hex');
  const fields = parseSiweMessage(message);
  if (!fields.address || !fields.domain || !fields.uri || !fields.nonce || fields.version !== '1' || fields.chainId === undefined || !fields.issuedAt) {
    throw new SignInError('malformed', 'message is not an EIP-4361 message with address, domain, URI, version 1, chain ID, nonce and issued-at');
  }
  for (const [name, date] of [['issued-at', fields.issuedAt], ['expiration time', fields.expirationTime], ['not-before', fields.notBefore]] as const) {
    if (date !== undefined && Number.isNaN(date.getTime())) throw new SignInError('malformed', `message ${name} is not a date`);
  }
  // The parser is lenient (text may hide between its lines, where a wallet would show it): the message must be
  // exactly what its own fields make, so what the wallet showed is what is checked here.
  if (canonical({ ...fields, version: '1' } as SiweMessage) !== withMillis(message)) {
    throw new SignInError('malformed', 'message is not in the EIP-4361 format (extra or reordered text)');
  }
  const now = expect.now ?? new Date();
  if (!expect.domains.has(fields.domain)) throw new SignInError('domain', `message is for ${fields.domain}, not a site this venue serves`);
  if (!URL.canParse(fields.uri)) throw new SignInError('uri', 'message URI is not a URL');
  const uri = new URL(fields.uri);
  if (uri.host !== fields.domain) throw new SignInError('uri', `message URI ${fields.uri} is not on its domain ${fields.domain}`);
  if (fields.scheme !== undefined && `${fields.scheme}:` !== uri.protocol) throw new SignInError('uri', `message scheme ${fields.scheme} is not its URI's`);
  if (fields.chainId !== expect.chainId) throw new SignInError('chain', `message is for chain ${fields.chainId}; this venue is chain ${expect.chainId}`);
  if (fields.issuedAt.getTime() > now.getTime() + CLOCK_SKEW_S * 1000) throw new SignInError('issued-at', 'message issued-at is in the future');
  if (fields.issuedAt.getTime() < now.getTime() - NONCE_TTL_S * 1000) throw new SignInError('issued-at', `message was issued more than ${NONCE_TTL_S / 60} minutes ago`);
  if (fields.expirationTime && fields.expirationTime.getTime() <= now.getTime()) throw new SignInError('expired', 'message has expired');
  if (fields.notBefore && fields.notBefore.getTime() > now.getTime()) throw new SignInError('not-before', 'message is not valid yet (not-before)');
  const address = getAddress(fields.address);
  // A nonce we never issued (or already consumed) is refused before any signature work.
  const [known] = await ledger.query('select 1 from auth_nonces where nonce = $1 and expires_at > now()', [fields.nonce]);
  if (!known) throw new SignInError('nonce', NONCE_REFUSED);
  expect.beforeSignature?.(address);
  // Verify before consuming: a forged signature must not burn a nonce that its rightful signer is about to use.
  const valid = await client.verifyMessage({ address, message, signature: signature as Hex }).catch(() => false);
  if (!valid) throw new SignInError('signature', `signature is not ${address}'s (checked as an EOA and through EIP-1271)`);
  // Single use, atomically: of two requests with the same message only one deletes the row.
  const used = await ledger.query('delete from auth_nonces where nonce = $1 and expires_at > now() returning nonce', [fields.nonce]);
  if (used.length === 0) throw new SignInError('nonce', NONCE_REFUSED);
  return { address, expiresAt: fields.expirationTime };
}

const NONCE_REFUSED = 'nonce was never issued, has expired or was already used: ask POST /auth/nonce for a new one';

/** Timestamps as `toISOString` writes them (other SIWE libraries may leave out the milliseconds). */
const withMillis = (message: string) => message.replace(/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?Z/g, (_, base: string, ms?: string) => `${base}${(ms ?? '.').padEnd(4, '0')}Z`);

/** The EIP-4361 text of a parsed message's own fields. */
function canonical(fields: SiweMessage): string {
  try {
    return createSiweMessage(fields);
  } catch {
    return '';
  }
}
