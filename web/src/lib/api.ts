/**
 * The keepers' API from the dashboard: a request carries the session cookie only when asked to (`session`: the
 * connected wallet is signed in), so a cookie left by another account, or by a wallet no longer connected, is never
 * used to show anything. Each request has a timeout and fails with a sentence. A 401 or 403 is an ApiError with
 * its status, so a panel can ask the user to sign in instead of calling the API down.
 */
const TIMEOUT_MS = 5_000;

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Whether an error means "sign in (again)" or "not for you", rather than "the API is down". */
export const isAccessError = (err: unknown): err is ApiError => err instanceof ApiError && (err.status === 401 || err.status === 403);

export const apiUrlOf = (apiUrl: string, path: string) => `${apiUrl.replace(/\/+$/, '')}${path}`;

async function request(apiUrl: string, path: string, init: RequestInit & { signal?: AbortSignal; session: boolean }): Promise<unknown> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(apiUrlOf(apiUrl, path), { ...init, credentials: init.session ? 'include' : 'omit', cache: 'no-store', signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  } catch {
    throw new Error("The keepers' API can't be reached");
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: string } | undefined;
    throw new ApiError(res.status, `The keepers' API answered ${res.status}${body?.error ? `: ${body.error}` : ''}`);
  }
  return res.json();
}

/** GET a JSON route of the keepers' API, with the session cookie if `session`. */
export const apiGet = (apiUrl: string, path: string, { signal, session = false }: { signal?: AbortSignal; session?: boolean } = {}) =>
  request(apiUrl, path, { signal, session });

/** POST to the keepers' API with the session cookie (the browser adds the Origin header the API checks, CSRF). */
export const apiPost = (apiUrl: string, path: string, body?: unknown) =>
  request(apiUrl, path, { method: 'POST', session: true, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
