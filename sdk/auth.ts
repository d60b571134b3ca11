/**
 * Signing in to the keepers' API with Ethereum (EIP-4361), for the dashboard and for scripts: ask for a nonce, sign
 * the message with the wallet, and trade it for a session (a cookie in the browser, a bearer token for a script).
 */
import type { Address, Hex } from 'viem';
import { createSiweMessage } from 'viem/siwe';

/** What the wallet shows the investor: what signing does, and what it does not. */
export const SIGN_IN_STATEMENT =
  'Sign in to Accredex to see your trades and statements. This only proves that you control this wallet: it is not a transaction and costs nothing.';

export interface SignInParameters {
  /** The keepers' API, e.g. http://127.0.0.1:8787. */
  apiUrl: string;
  address: Address;
  chainId: number;
  /** Signs an EIP-191 message with the wallet (`walletClient.signMessage`, `account.signMessage`). */
  signMessage: (message: string) => Promise<Hex>;
  /** The site asking: the dashboard's origin in a browser; a script's defaults to the API's own. */
  origin?: string;
  transport: 'cookie' | 'bearer';
  fetch?: typeof fetch;
}

export interface SignedIn {
  address: Address;
  expiresAt: string;
  officerRoles: string[];
  investor: boolean;
  /** Only for `transport: 'bearer'`: send it as `Authorization: Bearer <token>`. */
  token?: string;
}

/** One row of the API's access log (`GET /access-log`): an officer's read of other investors' data. */
export interface AccessLogEntry {
  id: string;
  /** When, as an ISO timestamp. */
  at: string;
  /** The officer's address, lowercased, and the registry roles it held. */
  actor: string;
  roles: string;
  /** The route read, e.g. `GET /trades`, and its query string. */
  action: string;
  query: string;
  /** Whose data: an investor's address (lowercased), or `all`. */
  subject: string;
  ip: string | null;
  user_agent: string | null;
}

/** The EIP-4361 message the API expects. */
export function signInMessage(p: { address: Address; chainId: number; nonce: string; origin: string; issuedAt?: Date }): string {
  const url = new URL(p.origin);
  return createSiweMessage({
    address: p.address,
    chainId: p.chainId,
    domain: url.host,
    uri: url.origin,
    nonce: p.nonce,
    version: '1',
    statement: SIGN_IN_STATEMENT,
    issuedAt: p.issuedAt ?? new Date(),
  });
}

/** Signs in; throws an Error with the API's sentence when it refuses. */
export async function signIn(p: SignInParameters): Promise<SignedIn> {
  const doFetch = p.fetch ?? fetch;
  const api = p.apiUrl.replace(/\/+$/, '');
  const credentials: RequestCredentials = p.transport === 'cookie' ? 'include' : 'omit';
  const post = async (path: string, body?: unknown) => {
    const res = await doFetch(`${api}${path}`, {
      method: 'POST',
      credentials,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new Error(typeof answer.error === 'string' ? answer.error : `the API answered ${res.status}`);
    return answer;
  };
  const { nonce } = (await post('/auth/nonce')) as { nonce: string };
  const message = signInMessage({ address: p.address, chainId: p.chainId, nonce, origin: p.origin ?? api });
  const signature = await p.signMessage(message);
  return (await post('/auth/verify', { message, signature, transport: p.transport })) as unknown as SignedIn;
}
