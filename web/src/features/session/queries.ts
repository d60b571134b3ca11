/**
 * The API session in react-query: who the cookie signs in (GET /auth/session; null when none), signing in with the
 * connected wallet (one EIP-4361 signature; the API sets an HttpOnly cookie), and signing out. Queries of private
 * data are keyed by the session's address, so one account's data is never shown for another.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useVenue } from '../../app/venue.tsx';
import { apiGet, apiPost, ApiError } from '../../lib/api.ts';
import { useWalletStore } from '../../wallet/store.ts';
import { parseSession, signInState, type SessionInfo } from './logic.ts';

const sessionKey = (apiUrl: string) => ['api-session', apiUrl];

export function useSession() {
  const { config } = useVenue();
  return useQuery<SessionInfo | null>({
    queryKey: sessionKey(config.apiUrl),
    staleTime: 60_000,
    retry: false,
    queryFn: async ({ signal }) => {
      try {
        return parseSession(await apiGet(config.apiUrl, '/auth/session', { signal, session: true })) ?? null;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
  });
}

/** The session's state for the connected wallet, and the session if it is this wallet's. */
export function useViewer() {
  const address = useWalletStore((s) => s.address);
  const session = useSession();
  const state = signInState(address, session.data);
  return { state, session: state === 'signed-in' ? session.data! : undefined, pending: session.isPending };
}

/** Forgets every private answer: after sign-out, a switch of account, or an expired session. */
function dropPrivate(queryClient: QueryClient) {
  // Private queries are keyed 'api:…' (the session's own key, 'api-session', is not one of them).
  queryClient.removeQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('api:') });
}

export function useSignIn() {
  const { config } = useVenue();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const { client, address } = useWalletStore.getState();
      if (!client || !address) throw new Error('Connect a wallet first.');
      // The EIP-4361 code is loaded on the first sign-in, not with the first page.
      const { signIn } = await import('../../../../sdk/auth.ts');
      const signed = await signIn({
        apiUrl: config.apiUrl,
        address,
        chainId: config.chainId,
        origin: window.location.origin,
        transport: 'cookie',
        signMessage: (message) => client.signMessage({ account: client.account ?? address, message }),
      });
      return parseSession(signed) ?? null;
    },
    onSuccess: (session) => {
      dropPrivate(queryClient);
      queryClient.setQueryData(sessionKey(config.apiUrl), session);
    },
  });
}

export async function signOut(apiUrl: string, queryClient: QueryClient) {
  // The cookie is HttpOnly: only the API can end it. If it can't be reached, the data is still dropped here.
  await apiPost(apiUrl, '/auth/logout').catch(() => undefined);
  dropPrivate(queryClient);
  queryClient.setQueryData(sessionKey(apiUrl), null);
}

/** Signs out when the wallet disconnects; drops the other account's data when it switches. */
export function useSessionLifecycle() {
  const { config } = useVenue();
  const queryClient = useQueryClient();
  const address = useWalletStore((s) => s.address);
  const session = useSession().data;
  const previous = useRef(address);
  useEffect(() => {
    const before = previous.current;
    previous.current = address;
    if (before && !address && session) void signOut(config.apiUrl, queryClient);
    else if (before && address && before !== address) dropPrivate(queryClient);
  }, [address, session, config.apiUrl, queryClient]);
}
