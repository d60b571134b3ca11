/**
 * A test's view of the keepers' API as one of the demo cast: a real SIWE sign-in (an anvil test key signs the
 * message), then requests with the bearer token it returns.
 */
import type { LocalAccount } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { signIn } from '../../sdk/auth.ts';
import { ANVIL_MNEMONIC, LOCAL_CHAIN_ID } from '../../sdk/local.ts';

/** anvil account indexes of the demo cast (script/Deploy.s.sol). */
export const CAST = { operator: 0, alice: 1, bob: 2, carol: 3, dave: 4, eve: 5, lp: 6, officer: 7, aliceCold: 8 } as const;

export const castAccount = (who: keyof typeof CAST): LocalAccount => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: CAST[who] });

export interface ApiSession {
  token: string;
  address: `0x${string}`;
  /** GETs `path` with the session; the JSON body (or text for other types) and the status. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export async function signInAs(apiUrl: string, who: keyof typeof CAST | LocalAccount, chainId = LOCAL_CHAIN_ID): Promise<ApiSession> {
  const account = typeof who === 'string' ? castAccount(who) : who;
  const signedIn = await signIn({ apiUrl, address: account.address, chainId, transport: 'bearer', signMessage: (message) => account.signMessage({ message }) });
  const token = signedIn.token!;
  return { token, address: account.address, get: (path, headers = {}) => apiGet(apiUrl, path, { authorization: `Bearer ${token}`, ...headers }) };
}

/** GET without a session unless headers carry one. */
export async function apiGet(apiUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(apiUrl.replace(/\/+$/, '') + path, { headers });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(text);
  return { status: res.status, body };
}
