import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Address, PublicClient } from 'viem';
import type { Deployment, Pool } from '../../../sdk/manifest.ts';
import type { AccessLogEntry } from '../../../sdk/auth.ts';
import { logAccess } from '../auth/access-log.ts';
import { isOfficer, mayTrade, ownsWallet, readViewer, type Viewer } from '../auth/roles.ts';
import { createSession, lookupSession, revokeSession, type Session } from '../auth/sessions.ts';
import { issueNonce, SignInError, verifySignIn } from '../auth/siwe.ts';
import type { Ledger } from '../ledger/db.ts';
import { KEEPER } from '../settlement/indexer.ts';
import { capTable, capTableCsv } from '../reports/cap-table.ts';
import { isIdentityId, parseProfile, readProfile, saveProfile } from '../investors/profiles.ts';
import { confirmationHtml, confirmationPdf, confirmationTrade, tradeConfirmation, TradeVoidedError, type Confirmation } from '../reports/confirmation.ts';
import { actOnCase, CaseConflict, caseHistory, listCases, parseCaseAction } from '../cases/cases.ts';
import { auditCsv, auditTrail, parseAuditCursor, parseEvents } from '../reports/audit.ts';
import {
  csvCell,
  investorStatement,
  parseDays,
  parseQuarter,
  quarterlyReport,
  renderQuarterly,
  securityNames,
  renderStatement,
  type ReportFormat,
} from '../reports/reports.ts';
import { clientIp, cookies, HttpError, json, readJsonBody, send } from './http.ts';
import { isBigintText, Params, uintText } from './params.ts';
import { RateLimiter, type Rate } from './ratelimit.ts';
import { ChangeFeed, serveStream, type ChangeRow, type StreamLimits } from './streams.ts';

export const SESSION_COOKIE = 'accredex_session';

export interface ApiOptions {
  ledger: Ledger;
  client: PublicClient;
  deployment: Deployment;
  host: string;
  port: number;
  /** The dashboard's origins: the only ones CORS admits, that may use the session cookie, and sign in for. */
  webOrigins: readonly string[];
  /** How long a session lasts. */
  sessionTtlSeconds: number;
  /** Whether `/tape` answers without a session (ACCREDEX_PUBLIC_TAPE). */
  publicTape: boolean;
  streams?: Partial<StreamLimits>;
  rates?: Partial<typeof RATES>;
  /** Blocks after which a trade is final (ACCREDEX_CONFIRMATIONS), as trade confirmations state it. */
  confirmations?: number;
  /** Internal errors are logged here and never sent to the client. */
  log?: { error(obj: object, msg?: string): void };
}

/** Sign-in is cheap to ask for and costly to check; reports scan the ledger. */
const RATES = {
  signInPerIp: { burst: 20, perMinute: 20 } as Rate,
  signInPerAddress: { burst: 5, perMinute: 10 } as Rate,
  reports: { burst: 5, perMinute: 10 } as Rate,
  /** A confirmation is one trade's page or PDF: an investor opens several from the history. */
  confirmations: { burst: 30, perMinute: 60 } as Rate,
};

const MAX_PAGE = 500;
/** Longer request targets are refused with 414; the whole head (request line and headers) is capped at 16 KB. */
const MAX_URL = 8192;
const MAX_HEAD = 16 * 1024;
const MAX_BODY = 8192;

/** Who asks: a session (and the viewer it is now, read from the registry), or nobody. */
interface Caller {
  session?: Session;
  viewer?: Viewer;
}

interface Ctx {
  o: ApiOptions;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Params;
  caller: Caller;
  /** Records an officer's read of `subject`'s data (an address, or `all`). No-op for a viewer's own data. */
  audit(subject: string): Promise<void>;
  /** Whether the caller would still be let in as they were (session live, same roles): streams ask it as they run. */
  stillAllowed(): Promise<boolean>;
}

/**
 * public: anyone. signed-in: any session (its own data). participant: an investor who may trade the pool, or an
 * officer. tape: as participant, or anyone with ACCREDEX_PUBLIC_TAPE. officer: registry roles only.
 */
type Access = 'public' | 'signed-in' | 'participant' | 'tape' | 'officer';

interface Route {
  access: Access;
  params: readonly string[];
  handle(ctx: Ctx): Promise<void> | void;
}

/**
 * The keepers' HTTP API. Investor data leaves it only for its owner and for officers (registry roles compliance,
 * pauser, admin, read at each request); each officer's read of another investor's data is written to the access log
 * first. 401: no session, or a bad one; 403: signed in, not allowed. Every parameter is checked before it reaches SQL.
 *
 *   GET  /health                       public: chain head, ledger checkpoints, lag
 *   POST /auth/nonce                   public: a single-use SIWE nonce
 *   POST /auth/verify {message, signature, transport?: "cookie"|"bearer"}
 *                                      a session: an HttpOnly SameSite=Strict cookie, or a bearer token
 *   POST /auth/logout                  ends the session
 *   GET  /auth/session                 who the session is, and its roles now
 *   GET  /trades?pool=&investor=&security=&side=&status=&limit=&cursor=
 *                                      trade confirmations, oldest first (an investor: only their own)
 *   GET  /liquidity?pool=&investor=&status=&limit=&cursor=
 *                                      liquidity added and removed through the gate, oldest first (an investor: own only)
 *   GET  /trades/stream?…&cursor=      SSE of every change to those rows (Last-Event-ID resumes)
 *   GET  /trades/confirmation?tx=&log=&format=html|pdf|json
 *                                      one trade's confirmation (Rule 10b-10's contents): its investor's own, or officers
 *   GET  /tape?pool=&limit=&cursor=    a pool's trades, anonymized (time, side, size, price) except the viewer's own
 *   GET  /tape/stream?pool=&cursor=    the same, live
 *   GET  /quotes/latest?pool=          newest quote board of each pool the viewer may trade
 *   GET  /quotes/history?pool=&limit=  a pool's boards, newest first
 *   GET  /alerts?kind=&severity=&limit=&cursor=&voided=include&format=json|csv
 *                                      compliance alerts (an investor: only those about them)
 *   GET  /audit?investor=&event=A,B&from=&to=&limit=&cursor=&format=json|csv
 *                                      officers: the registry's and securities' events from the ledger, newest first
 *   GET  /cases?status=open|acknowledged|resolved|live&assignee=&limit=&cursor=
 *                                      officers: alert cases (warnings and critical alerts, grouped by kind and subject)
 *   GET  /cases/history?case=          officers: one case, every step taken on it, and its alerts
 *   POST /cases/action {case, action: acknowledge|assign|escalate|resolve|reopen, note?, assignee?}
 *                                      officers: one step (resolve, escalate and reopen need a note)
 *   GET  /reports/quarterly?quarter=2026Q3&format=json|csv|html        officers
 *   GET  /reports/statement?investor=&from=&to=&format=json|csv|html|pdf
 *                                      an investor's own statement (its trades and their totals), or any for officers
 *   GET  /access-log?limit=&cursor=&format=json|csv                     officers
 */
export async function startApi(o: ApiOptions): Promise<Server & { feed: ChangeFeed }> {
  const tapeKey = await apiSecret(o.ledger, 'tape-id');
  const streams: StreamLimits = { total: 200, perClient: 4, maxBufferedBytes: 256 * 1024, drainTimeoutMs: 10_000, recheckMs: 5_000, pollMs: 500, ...o.streams };
  const feed = new ChangeFeed(o.ledger, o.deployment.chainId, streams);
  const head = watchHead(o.client);
  const limiter = new RateLimiter();
  const rates = { ...RATES, ...o.rates };
  const routes = buildRoutes(o, feed, head, limiter, rates, (row) => tapeId(tapeKey, row));
  const server = createServer({ maxHeaderSize: MAX_HEAD }, (req, res) => {
    handle(o, routes, req, res).catch((err: unknown) => {
      if (!(err instanceof HttpError)) o.log?.error({ err: err instanceof Error ? err.message : String(err), url: req.url?.slice(0, 200) }, 'api request failed');
      if (res.headersSent) return void res.destroy();
      // Never echo an internal error: its text may carry SQL, paths or data.
      const [status, message, headers] = err instanceof HttpError ? [err.status, err.message, err.headers] : [500, 'internal error (logged on the server)', {}];
      json(res, status, { error: message }, headers);
    });
  });
  // A head past MAX_HEAD never reaches the handler: answer it with a sentence rather than a reset connection.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return void socket.destroy();
    const [status, reason, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', `the request line and headers must be at most ${MAX_HEAD} bytes`]
        : [400, 'Bad Request', 'the request is not valid HTTP'];
    const body = JSON.stringify({ error: message });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('close', head.stop);
    server.listen(o.port, o.host, () => resolve(Object.assign(server, { feed })));
  });
}

async function handle(o: ApiOptions, routes: Map<string, Route>, req: IncomingMessage, res: ServerResponse) {
  const origin = req.headers.origin;
  const allowedOrigin = typeof origin === 'string' && o.webOrigins.includes(origin);
  if (allowedOrigin) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
  }
  res.setHeader('vary', 'Origin');
  if ((req.url ?? '').length > MAX_URL) throw new HttpError(414, `the request target must be at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://api');
  } catch {
    throw new HttpError(400, 'the request target is not a valid URL');
  }
  const methods = ['GET', 'POST'].filter((m) => routes.has(`${m} ${url.pathname}`));
  if (methods.length === 0) throw new HttpError(404, `no route ${url.pathname.slice(0, 100)}`);
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', methods.join(', '));
    res.setHeader('access-control-allow-headers', 'content-type, authorization, last-event-id');
    res.setHeader('access-control-max-age', '600');
    return send(res, 204, 'text/plain', '');
  }
  const route = routes.get(`${req.method} ${url.pathname}`);
  if (!route) throw new HttpError(405, `${url.pathname} takes ${methods.join(' or ')}`, { allow: methods.join(', ') });
  // A stale session on a public route (signing in again, /health) is no session: it must not lock anyone out.
  const { caller, viaCookie } = await authenticate(o, req).catch((err: unknown) => {
    if (route.access === 'public' && err instanceof HttpError && err.status === 401) return { caller: {} as Caller, viaCookie: false };
    throw err;
  });
  // CSRF: a browser sends the cookie with any request, so a state change from a page must come from the dashboard's
  // own origin, and one carrying the cookie must say where it comes from. Bearer tokens are never sent implicitly.
  if (req.method === 'POST' && origin !== undefined && !allowedOrigin) throw new HttpError(403, `requests from ${String(origin).slice(0, 100)} are not accepted: it is not the dashboard's origin`);
  if (req.method === 'POST' && viaCookie && origin === undefined) throw new HttpError(403, 'a request with the session cookie must carry an Origin header (CSRF check)');
  // SameSite=Strict still lets a same-site page (another port of localhost, a sibling subdomain) embed a GET that
  // carries the cookie (an image, a script tag): such a GET would log an officer's "read" they never made. A GET with
  // the cookie must come from the dashboard (its fetches carry Origin) or be the user opening a link (navigation).
  if (req.method === 'GET' && viaCookie && !allowedOrigin && req.headers['sec-fetch-mode'] !== 'navigate') {
    throw new HttpError(403, "a request with the session cookie must come from the dashboard's own pages");
  }
  const params = new Params(url.searchParams, route.params);
  await authorize(o, route.access, caller, params);
  const audit = async (subject: string) => {
    const v = caller.viewer;
    if (!v || !isOfficer(v) || ownsWallet(v, subject)) return;
    await logAccess(o.ledger, o.deployment.chainId, {
      viewer: v, action: `${req.method} ${url.pathname}`, subject, query: url.search, ip: clientIp(req), userAgent: req.headers['user-agent'],
    });
  };
  const stillAllowed = async () => {
    if (!caller.session) return true;
    const now = await authenticate(o, req).catch(() => undefined);
    const [before, after] = [caller.viewer, now?.caller.viewer];
    if (!after || !before || isOfficer(after) !== isOfficer(before) || after.investor !== before.investor) return false;
    // A wallet unlinked from the viewer's identity is no longer its own.
    const named = params.get('investor');
    if (named !== undefined && !isOfficer(after) && !ownsWallet(after, named)) return false;
    return authorize(o, route.access, now!.caller, params).then(() => true, () => false);
  };
  await route.handle({ o, req, res, url, params, caller, audit, stillAllowed });
}

/** The session a request names (bearer token first, then the cookie) and who it is now. */
async function authenticate(o: ApiOptions, req: IncomingMessage): Promise<{ caller: Caller; viaCookie: boolean }> {
  const header = req.headers.authorization;
  let token: string | undefined;
  let viaCookie = false;
  if (header !== undefined) {
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) throw new HttpError(401, 'the Authorization header must be "Bearer <token>"');
    token = match[1];
  } else {
    const jar = cookies(req);
    // Two cookies of our name: one was planted (by a sibling subdomain, say) to sign the browser in as someone else.
    if ((jar.get(SESSION_COOKIE)?.length ?? 0) > 1) throw new HttpError(401, `the request carries more than one ${SESSION_COOKIE} cookie: sign in again`, { 'set-cookie': clearCookie() });
    token = jar.get(SESSION_COOKIE)?.[0];
    viaCookie = token !== undefined;
  }
  if (token === undefined) return { caller: {}, viaCookie };
  const found = await lookupSession(o.ledger, o.deployment.chainId, token);
  if (typeof found === 'string') {
    const why = { unknown: 'is not one this API issued', expired: 'has expired', revoked: 'was signed out' }[found];
    throw new HttpError(401, `the session ${why}: sign in again (POST /auth/nonce, then /auth/verify)`, viaCookie ? { 'set-cookie': clearCookie() } : {});
  }
  return { caller: { session: found, viewer: await readViewer(o.client, o.deployment.investorRegistry, found.address) }, viaCookie };
}

async function authorize(o: ApiOptions, access: Access, caller: Caller, params: Params) {
  if (access === 'public') return;
  const v = caller.viewer;
  if (!v) {
    if (access === 'tape' && o.publicTape) return;
    throw new HttpError(401, 'sign in first: this route needs a session (POST /auth/nonce, then /auth/verify)');
  }
  if (access === 'signed-in' || isOfficer(v)) return;
  if (access === 'officer') throw new HttpError(403, 'only compliance officers, pausers and admins may read this');
  if (access === 'tape' && o.publicTape) return;
  if (!v.investor) throw notAnInvestor(v);
  if (access === 'participant' || access === 'tape') await requireMayTrade(o, v, poolOf(o, params));
}

const notAnInvestor = (v: Viewer) => new HttpError(403, `${v.address} is not a registered investor of this venue`);

async function requireMayTrade(o: ApiOptions, v: Viewer, pool: Pool) {
  if (!(await mayTrade(o.client, o.deployment.investorRegistry, v.address, pool.security))) {
    throw new HttpError(403, `${v.address} may not trade ${pool.name}, so its market data is not shown`);
  }
}

/** Whether a route sees every investor's rows (officers) or only the viewer's own (undefined: public). */
function ownerScope(caller: Caller): Address | 'all' | undefined {
  const v = caller.viewer;
  if (!v) return undefined;
  return isOfficer(v) ? 'all' : v.address;
}

function poolOf(o: ApiOptions, params: Params) {
  const id = params.required('pool', params.poolId('pool'), 'a pool id');
  const pool = o.deployment.pools.find((p) => p.poolId.toLowerCase() === id);
  if (!pool) throw new HttpError(404, `pool ${id} is not a gated pool of this venue`);
  return pool;
}

function buildRoutes(o: ApiOptions, feed: ChangeFeed, head: HeadWatch, limiter: RateLimiter, rates: typeof RATES, idOf: (row: ChangeRow) => string): Map<string, Route> {
  const chainId = o.deployment.chainId;
  const routes: Record<string, Route> = {
    'GET /health': { access: 'public', params: [], handle: async ({ res }) => json(res, 200, await health(o, feed, head)) },

    'POST /auth/nonce': {
      access: 'public',
      params: [],
      async handle({ req, res }) {
        limiter.take(`ip:${clientIp(req)}`, rates.signInPerIp, 'sign-in requests from this address');
        json(res, 200, await issueNonce(o.ledger));
      },
    },
    'POST /auth/verify': {
      access: 'public',
      params: [],
      async handle({ req, res }) {
        limiter.take(`ip:${clientIp(req)}`, rates.signInPerIp, 'sign-in requests from this address');
        const body = await readJsonBody(req, MAX_BODY);
        const transport = body.transport ?? (req.headers.origin ? 'cookie' : 'bearer');
        if (transport !== 'cookie' && transport !== 'bearer') throw new HttpError(400, 'transport must be "cookie" or "bearer"');
        let signed: { address: Address; expiresAt?: Date };
        try {
          signed = await verifySignIn(o.ledger, o.client, { message: body.message, signature: body.signature }, {
            domains: signInDomains(o),
            chainId,
            // Checked once the message is known to be well-formed and for us, before its signature: only the wallet
            // the message names is charged, so nobody can lock another wallet out by sending junk in its name.
            beforeSignature: (address) => limiter.take(`signin:${address.toLowerCase()}`, rates.signInPerAddress, `sign-ins for ${address}`),
          });
        } catch (err) {
          if (err instanceof SignInError) throw new HttpError(401, `sign-in refused: ${err.message}`);
          throw err;
        }
        // A session never outlives the message it was signed in with.
        const untilExpiry = signed.expiresAt ? Math.floor((signed.expiresAt.getTime() - Date.now()) / 1000) : Infinity;
        const ttlSeconds = Math.max(1, Math.min(o.sessionTtlSeconds, untilExpiry));
        const address = signed.address;
        const { token, session } = await createSession(o.ledger, { address, chainId, ttlSeconds, ip: clientIp(req), userAgent: req.headers['user-agent'] });
        const viewer = await readViewer(o.client, o.deployment.investorRegistry, address);
        const answer = { address, expiresAt: session.expiresAt.toISOString(), ...rolesOf(viewer) };
        if (transport === 'bearer') return json(res, 200, { ...answer, token });
        json(res, 200, answer, { 'set-cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${ttlSeconds}${secureCookies(o) ? '; Secure' : ''}` });
      },
    },
    'POST /auth/logout': {
      access: 'signed-in',
      params: [],
      async handle({ res, caller }) {
        await revokeSession(o.ledger, caller.session!.id);
        feed.closeAll(caller.session!.id);
        json(res, 200, { signedOut: true }, { 'set-cookie': clearCookie() });
      },
    },
    'GET /auth/session': {
      access: 'signed-in',
      params: [],
      handle: ({ res, caller }) => json(res, 200, { address: caller.viewer!.address, expiresAt: caller.session!.expiresAt.toISOString(), ...rolesOf(caller.viewer!) }),
    },

    'GET /trades': {
      access: 'signed-in',
      params: [...TRADE_PARAMS, 'limit', 'cursor'],
      async handle(ctx) {
        const filter = tradeFilter(ctx);
        await ctx.audit(filter.subject);
        json(ctx.res, 200, await eventPage(o.ledger, 'trades', [chainId, ...filter.values], filter.where, ctx.params));
      },
    },
    'GET /liquidity': {
      access: 'signed-in',
      params: ['pool', 'investor', 'status', 'limit', 'cursor'],
      async handle(ctx) {
        const p = ctx.params;
        const investor = ownedSubject(ctx.caller, p.address('investor'));
        const officerWide = isOfficer(ctx.caller.viewer!) && p.get('investor') === undefined;
        const filters = [
          ...(officerWide ? [] : [['investor', investor.toLowerCase()]]),
          ['pool_id', p.poolId('pool')],
          ['status', p.oneOf('status', ['pending', 'final', 'voided'] as const)],
        ].filter((f): f is [string, string] => f[1] !== undefined);
        await ctx.audit(officerWide ? 'all' : investor.toLowerCase());
        const where = filters.map(([column], i) => `lower(${column}) = $${i + 2}`);
        json(ctx.res, 200, await eventPage(o.ledger, 'liquidity_events', [chainId, ...filters.map(([, v]) => v)], where, p));
      },
    },
    'GET /trades/confirmation': {
      access: 'signed-in',
      params: ['tx', 'log', 'format'],
      async handle(ctx) {
        limiter.take(`confirmation:${ctx.caller.viewer!.address.toLowerCase()}`, rates.confirmations, 'trade confirmations for this wallet');
        const format = formatOf(ctx.params, ['html', 'pdf', 'json']);
        const txHash = ctx.params.required('tx', ctx.params.bytes32('tx', 'a transaction hash'), 'the settlement transaction hash');
        const logIndex = Number(ctx.params.required('log', ctx.params.uint('log'), "the swap's log index in that transaction"));
        const trade = await confirmationTrade(o.ledger, chainId, txHash, logIndex);
        // Someone else's trade is answered as no trade at all: a 403 would confirm that it exists.
        if (!trade || (!isOfficer(ctx.caller.viewer!) && !ownsWallet(ctx.caller.viewer!, trade.investor))) {
          throw new HttpError(404, `no trade ${txHash} (log ${logIndex}) of yours in the ledger`);
        }
        await ctx.audit(trade.investor.toLowerCase());
        let c: Confirmation;
        try {
          c = await tradeConfirmation({ ledger: o.ledger, client: o.client, deployment: o.deployment, txHash, logIndex, confirmations: o.confirmations ?? 2 });
        } catch (err) {
          if (err instanceof TradeVoidedError) throw new HttpError(410, err.message);
          throw err;
        }
        const file = { 'content-disposition': `inline; filename="confirmation-${c.number}.${format}"` };
        if (format === 'json') return json(ctx.res, 200, c);
        if (format === 'pdf') return send(ctx.res, 200, 'application/pdf', confirmationPdf(c), file);
        send(ctx.res, 200, 'text/html', confirmationHtml(c), { ...file, 'content-security-policy': SELF_CONTAINED_HTML });
      },
    },
    'GET /trades/stream': {
      access: 'signed-in',
      params: [...TRADE_PARAMS, 'cursor'],
      async handle(ctx) {
        const filter = tradeFilter(ctx);
        const after = streamCursor(ctx);
        await ctx.audit(filter.subject);
        await serveStream(feed, o.ledger, chainId, {
          where: filter.where.join(' and ') || 'true', values: filter.values, after, ...streamOwner(ctx), stillAllowed: ctx.stillAllowed,
          present: (row) => (filter.matches(row) ? row : undefined),
        }, ctx.req, ctx.res);
      },
    },
    'GET /tape': {
      access: 'tape',
      params: ['pool', 'limit', 'cursor'],
      async handle(ctx) {
        const pool = poolOf(o, ctx.params);
        const limit = ctx.params.limit(100, MAX_PAGE);
        const cursor = ctx.params.get('cursor');
        const values: unknown[] = [chainId, pool.poolId.toLowerCase()];
        const where = ['chain_id = $1', 'lower(pool_id) = $2'];
        if (cursor !== undefined) where.push(`change_seq > $${values.push(uintText(cursor, 'cursor'))}`);
        const scope = ownerScope(ctx.caller);
        if (scope === 'all') await ctx.audit('all');
        // Paged by change number, as the stream is: a row that changes between two pages comes again, as it is now, so
        // none is skipped; a client keeps the latest of each id.
        const rows = await o.ledger.query<ChangeRow>(
          `select * from trades where ${where.join(' and ')} order by change_seq limit $${values.push(limit + 1)}`,
          values,
        );
        const page = rows.slice(0, limit);
        json(ctx.res, 200, { items: page.map((r) => tapeRow(r, scope, idOf)), nextCursor: rows.length > limit ? page[page.length - 1].change_seq : null });
      },
    },
    'GET /tape/stream': {
      access: 'tape',
      params: ['pool', 'cursor'],
      async handle(ctx) {
        const pool = poolOf(o, ctx.params);
        const after = streamCursor(ctx);
        const scope = ownerScope(ctx.caller);
        if (scope === 'all') await ctx.audit('all');
        const id = pool.poolId.toLowerCase();
        await serveStream(feed, o.ledger, chainId, {
          where: 'lower(pool_id) = $2', values: [id], after, ...streamOwner(ctx), stillAllowed: ctx.stillAllowed,
          present: (row) => (String(row.pool_id).toLowerCase() === id ? tapeRow(row, scope, idOf) : undefined),
        }, ctx.req, ctx.res);
      },
    },

    'GET /quotes/latest': {
      access: 'signed-in',
      params: ['pool'],
      async handle(ctx) {
        const pools = await visiblePools(o, ctx.caller, ctx.params);
        if (pools.length === 0) return json(ctx.res, 200, { items: [] });
        const rows = await o.ledger.query(
          `select distinct on (pool_id) * from quotes where chain_id = $1 and lower(pool_id) = any($2::text[]) order by pool_id, block_number desc`,
          [chainId, pools],
        );
        json(ctx.res, 200, { items: rows });
      },
    },
    'GET /quotes/history': {
      access: 'participant',
      params: ['pool', 'limit'],
      async handle(ctx) {
        const pool = poolOf(o, ctx.params);
        const rows = await o.ledger.query(
          'select * from quotes where chain_id = $1 and lower(pool_id) = $2 order by block_number desc limit $3',
          [chainId, pool.poolId.toLowerCase(), ctx.params.limit(100, MAX_PAGE)],
        );
        json(ctx.res, 200, { items: rows });
      },
    },

    'GET /alerts': {
      access: 'signed-in',
      params: ['kind', 'severity', 'limit', 'cursor', 'voided', 'format'],
      async handle(ctx) {
        const p = ctx.params;
        const format = formatOf(p, ['json', 'csv']);
        const limit = p.limit(format === 'csv' ? MAX_PAGE : 100, MAX_PAGE);
        // Alerts of blocks a reorganization removed are kept, voided; they are shown only when asked for.
        const where = p.oneOf('voided', ['include'] as const) ? ['chain_id = $1'] : ['chain_id = $1', 'voided_at is null'];
        const values: unknown[] = [chainId];
        const kind = p.get('kind');
        if (kind !== undefined) {
          if (!/^[a-z_]{1,64}$/.test(kind)) throw new HttpError(400, 'kind must be an alert kind such as registry_change');
          where.push(`kind = $${values.push(kind)}`);
        }
        const severity = p.oneOf('severity', ['info', 'warning', 'critical'] as const);
        if (severity) where.push(`severity = $${values.push(severity)}`);
        const cursor = p.uint('cursor');
        if (cursor !== undefined) where.push(`id < $${values.push(cursor)}`);
        const scope = ownerScope(ctx.caller)!;
        // An investor sees the alerts about them; an officer sees all, and that read is logged.
        if (scope === 'all') await ctx.audit('all');
        else where.push(`lower(subject) = $${values.push(scope.toLowerCase())}`);
        const rows = await o.ledger.query<Record<string, unknown> & { id: string }>(`select * from alerts where ${where.join(' and ')} order by id desc limit $${values.push(limit + 1)}`, values);
        const page = rows.slice(0, limit);
        const nextCursor = rows.length > limit ? String(page[page.length - 1].id) : null;
        if (format === 'json') return json(ctx.res, 200, { items: page, nextCursor });
        send(ctx.res, 200, 'text/csv', alertsCsv(page), nextCursor ? { 'x-next-cursor': nextCursor } : {});
      },
    },

    'GET /audit': {
      access: 'officer',
      params: ['investor', 'event', 'from', 'to', 'limit', 'cursor', 'format'],
      async handle(ctx) {
        const p = ctx.params;
        const format = formatOf(p, ['json', 'csv']);
        const investor = p.address('investor');
        const [from, to] = [p.get('from'), p.get('to')];
        if ((from === undefined) !== (to === undefined)) throw new HttpError(400, 'from and to go together: both dates, like from=2026-07-01&to=2026-09-30');
        const filter = {
          investor,
          events: asBadRequest(() => (p.get('event') === undefined ? undefined : parseEvents(p.get('event')!))),
          period: from === undefined ? undefined : asBadRequest(() => parseDays(from, to!)),
          limit: p.limit(format === 'csv' ? MAX_PAGE : 100, MAX_PAGE),
          cursor: p.get('cursor'),
        };
        if (filter.cursor !== undefined) asBadRequest(() => parseAuditCursor(filter.cursor!));
        await ctx.audit(investor ? investor.toLowerCase() : 'all');
        const trail = await auditTrail(o.ledger, chainId, filter);
        if (format === 'json') return json(ctx.res, 200, trail);
        send(ctx.res, 200, 'text/csv', auditCsv(trail.items), trail.nextCursor ? { 'x-next-cursor': trail.nextCursor } : {});
      },
    },
    'GET /cases': {
      access: 'officer',
      params: ['status', 'assignee', 'limit', 'cursor'],
      async handle(ctx) {
        const p = ctx.params;
        const filter = { status: p.oneOf('status', ['open', 'acknowledged', 'resolved', 'live'] as const), assignee: p.address('assignee'), limit: p.limit(100, MAX_PAGE), cursor: p.uint('cursor') };
        // Cases name investors: an officer's read of them is logged like any other.
        await ctx.audit('all');
        json(ctx.res, 200, await listCases(o.ledger, chainId, filter));
      },
    },
    'GET /cases/history': {
      access: 'officer',
      params: ['case'],
      async handle(ctx) {
        const id = ctx.params.required('case', ctx.params.uint('case'), 'a case id');
        await ctx.audit(`case:${id}`);
        json(ctx.res, 200, await caseStep(() => caseHistory(o.ledger, chainId, id)));
      },
    },
    'POST /cases/action': {
      access: 'officer',
      params: [],
      async handle(ctx) {
        const body = await readJsonBody(ctx.req, MAX_BODY);
        const input = asBadRequest(() => parseCaseAction(body));
        await ctx.audit(`case:${input.case}`);
        json(ctx.res, 200, await caseStep(() => actOnCase(o.ledger, chainId, input, ctx.caller.viewer!.address)));
      },
    },

    'GET /reports/quarterly': {
      access: 'officer',
      params: ['quarter', 'format'],
      async handle(ctx) {
        limiter.take(`report:${ctx.caller.viewer!.address.toLowerCase()}`, rates.reports, 'reports for this wallet');
        const format = formatOf(ctx.params, ['json', 'csv', 'html']);
        const period = asBadRequest(() => parseQuarter(ctx.params.required('quarter', ctx.params.get('quarter'), 'e.g. 2026Q3')));
        await ctx.audit('all');
        // The HTML report is one self-contained page: its own inline styles, nothing else.
        const csp: Record<string, string> = format === 'html' ? { 'content-security-policy': SELF_CONTAINED_HTML } : {};
        send(ctx.res, 200, CONTENT_TYPES[format], renderQuarterly(await quarterlyReport(o.ledger, chainId, period, { securities: await securityNames(o.client, o.deployment.pools.map((p) => p.security)) }), format), csp);
      },
    },
    'GET /reports/statement': {
      access: 'signed-in',
      params: ['investor', 'from', 'to', 'format'],
      async handle(ctx) {
        limiter.take(`report:${ctx.caller.viewer!.address.toLowerCase()}`, rates.reports, 'reports for this wallet');
        const format = formatOf(ctx.params, ['json', 'csv', 'html', 'pdf']);
        const investor = ownedSubject(ctx.caller, ctx.params.address('investor'));
        const period = asBadRequest(() => parseDays(ctx.params.required('from', ctx.params.get('from'), 'a date like 2026-07-01'), ctx.params.required('to', ctx.params.get('to'), 'a date like 2026-09-30')));
        await ctx.audit(investor.toLowerCase());
        send(ctx.res, 200, CONTENT_TYPES[format], renderStatement(await investorStatement(o.ledger, chainId, investor, period), format), format === 'html' ? { 'content-security-policy': SELF_CONTAINED_HTML } : {});
      },
    },
    'GET /cap-table': {
      access: 'officer',
      params: ['security', 'format'],
      async handle(ctx) {
        const format = formatOf(ctx.params, ['json', 'csv']);
        const security = ctx.params.required('security', ctx.params.address('security'), 'the address of a listed security');
        if (!o.deployment.pools.some((p) => p.security.toLowerCase() === security.toLowerCase())) {
          throw new HttpError(404, `${security} is not a security of this venue's pools`);
        }
        await ctx.audit('all');
        const table = await capTable({ client: o.client, ledger: o.ledger, deployment: o.deployment, security });
        if (format === 'csv') return send(ctx.res, 200, 'text/csv', capTableCsv(table));
        json(ctx.res, 200, table);
      },
    },
    'GET /investors/profile': {
      access: 'officer',
      params: ['identity'],
      async handle(ctx) {
        const identity = ctx.params.required('identity', ctx.params.get('identity'), 'an identity id');
        if (!isIdentityId(identity)) throw new HttpError(400, 'identity must be a nonzero whole number below 2^160, in decimal');
        await ctx.audit(`identity:${identity}`);
        const profile = await readProfile(o.ledger, chainId, identity);
        if (!profile) throw new HttpError(404, `no profile for identity ${identity}`);
        json(ctx.res, 200, profile);
      },
    },
    'POST /investors/profile': {
      access: 'officer',
      params: [],
      async handle(ctx) {
        const body = await readJsonBody(ctx.req, MAX_BODY);
        const input = asBadRequest(() => parseProfile(body));
        await ctx.audit(`identity:${input.identity}`);
        json(ctx.res, 200, await saveProfile(o.ledger, chainId, input, ctx.caller.viewer!.address));
      },
    },
    'GET /access-log': {
      access: 'officer',
      params: ['limit', 'cursor', 'format'],
      async handle(ctx) {
        const format = formatOf(ctx.params, ['json', 'csv']);
        const limit = ctx.params.limit(format === 'csv' ? MAX_PAGE : 100, MAX_PAGE);
        const cursor = ctx.params.uint('cursor');
        const values: unknown[] = [chainId];
        const rows = await o.ledger.query<AccessLogEntry>(
          `select id::text, at, actor, roles, action, subject, query, ip, user_agent from access_log where chain_id = $1 ${cursor ? `and id < $${values.push(cursor)}` : ''}
           order by access_log.id desc limit $${values.push(limit + 1)}`,
          values,
        );
        const page = rows.slice(0, limit);
        const nextCursor = rows.length > limit ? page[page.length - 1].id : null;
        if (format === 'json') return json(ctx.res, 200, { items: page, nextCursor });
        const columns = ['id', 'at', 'actor', 'roles', 'action', 'subject', 'query', 'ip', 'user_agent'] as const;
        const csv = [columns.join(','), ...page.map((r) => columns.map((c) => csvCell(c === 'at' ? new Date(r.at).toISOString() : (r[c] ?? ''))).join(','))].join('\n');
        send(ctx.res, 200, 'text/csv', `${csv}\n`, nextCursor ? { 'x-next-cursor': nextCursor } : {});
      },
    },
  };
  return new Map(Object.entries(routes));
}

/** How often /health's view of the chain head is refreshed. */
const HEAD_POLL_MS = 1_000;

interface HeadWatch {
  /** The newest head read, and when; undefined if the last read failed. */
  current(): { head: number; ageMs: number } | undefined;
  state(): 'starting' | 'ok' | 'unreachable';
  stop(): void;
}

/**
 * The chain head, read in the background: /health answers from it, so a chain or RPC busy with other work (a flood of
 * sign-ins, say) never holds up the health check.
 */
function watchHead(client: PublicClient): HeadWatch {
  let last: { head: number; at: number } | undefined;
  let tried = false;
  let stopped = false;
  const read = async () => {
    last = await client.getBlockNumber({ cacheTime: 0 }).then((h) => ({ head: Number(h), at: Date.now() }), () => undefined);
    tried = true;
    if (!stopped) timer = setTimeout(() => void read(), HEAD_POLL_MS).unref();
  };
  let timer = setTimeout(() => void read(), 0).unref();
  return {
    current: () => (last ? { head: last.head, ageMs: Date.now() - last.at } : undefined),
    state: () => (last ? 'ok' : tried ? 'unreachable' : 'starting'),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

async function health(o: ApiOptions, feed: ChangeFeed, watch: HeadWatch) {
  const checkpoints = await o.ledger.query<{ keeper: string; block_number: string; updated_at: string }>(
    'select keeper, block_number, updated_at from checkpoints where chain_id = $1',
    [o.deployment.chainId],
  );
  const cp = checkpoints.find((c) => c.keeper === KEEPER);
  const monitor = checkpoints.find((c) => c.keeper === 'monitor');
  const now = watch.current();
  const head = now?.head;
  const checkpoint = cp ? Number(cp.block_number) : undefined;
  return {
    chainId: o.deployment.chainId,
    head: head ?? null,
    headAgeMs: now?.ageMs ?? null,
    settlement: { checkpoint: checkpoint ?? null, updatedAt: cp?.updated_at ?? null },
    monitor: { checkpoint: monitor ? Number(monitor.block_number) : null, updatedAt: monitor?.updated_at ?? null },
    // The head is up to a second old: a ledger that got ahead of it is not behind.
    lagBlocks: head !== undefined && checkpoint !== undefined ? Math.max(0, head - checkpoint) : null,
    rpc: watch.state(),
    streams: feed.streams,
    // Under npm start, how often the supervisor has restarted this process, and how the last one ended.
    process: { pid: process.pid, restarts: Number(process.env.ACCREDEX_SUPERVISED_RESTARTS ?? 0), lastExit: process.env.ACCREDEX_SUPERVISED_LAST_EXIT ?? null },
  };
}

const rolesOf = (v: Viewer) => ({ officerRoles: v.officerRoles, investor: v.investor });

const clearCookie = () => `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

/** Over HTTPS (every dashboard origin https) the cookie is Secure: it never travels in the clear. */
const secureCookies = (o: ApiOptions) => o.webOrigins.length > 0 && o.webOrigins.every((origin) => origin.startsWith('https://'));

/** The domains a SIWE message may name: the dashboard's hosts and the API's own (for scripts). */
function signInDomains(o: ApiOptions): Set<string> {
  const domains = new Set(o.webOrigins.map((origin) => new URL(origin).host));
  domains.add(`${o.host}:${o.port}`);
  return domains;
}

/** The investor a route is about: the viewer themself, or (officers only) whoever they name. */
function ownedSubject(caller: Caller, named: Address | undefined): Address {
  const v = caller.viewer!;
  if (named === undefined) return v.address;
  if (!isOfficer(v) && !ownsWallet(v, named)) throw new HttpError(403, `${v.address} may see only its own data (its identity's wallets), not ${named}'s`);
  return named;
}

/** The `/trades` filters a request may add, each read strictly (a bad value is a 400 naming it). */
const TRADE_FILTERS: Record<string, (p: Params) => string | undefined> = {
  pool_id: (p) => p.poolId('pool'),
  security: (p) => p.address('security')?.toLowerCase(),
  side: (p) => p.oneOf('side', ['buy', 'sell'] as const),
  status: (p) => p.oneOf('status', ['pending', 'final', 'voided'] as const),
};
const TRADE_PARAMS = ['pool', 'investor', 'security', 'side', 'status'] as const;

/**
 * The `trades` columns a request narrows to, lowercased; an investor's is always narrowed to their own rows. Both the
 * SQL of a page and the matcher of a stream's live rows come from it.
 */
function tradeFilter(ctx: Ctx) {
  const p = ctx.params;
  const investor = ownedSubject(ctx.caller, p.address('investor'));
  const officerWide = isOfficer(ctx.caller.viewer!) && p.get('investor') === undefined;
  const filters: [column: string, value: string][] = officerWide ? [] : [['investor', investor.toLowerCase()]];
  for (const [column, read] of Object.entries(TRADE_FILTERS)) {
    const value = read(p);
    if (value !== undefined) filters.push([column, value]);
  }
  return {
    /** SQL over `trades`, its values numbered from `$2` (`$1` is the chain id). */
    where: filters.map(([column], i) => `lower(${column}) = $${i + 2}`),
    values: filters.map(([, value]) => value),
    matches: (row: ChangeRow) => filters.every(([column, value]) => String(row[column]).toLowerCase() === value),
    subject: officerWide ? 'all' : investor.toLowerCase(),
  };
}

/**
 * A tape row: the trade without who made it, unless the viewer is that investor or an officer. Nor does it carry the
 * block and log index: with them, the gate's own event in that block names the investor to anyone who reads the chain.
 */
function tapeRow(row: ChangeRow, scope: Address | 'all' | undefined, idOf: (row: ChangeRow) => string) {
  const mine = scope !== undefined && scope !== 'all' && String(row.investor).toLowerCase() === scope.toLowerCase();
  const base = {
    id: idOf(row),
    pool_id: row.pool_id,
    side: row.side,
    security_amount: row.security_amount,
    stable_amount: row.stable_amount,
    price: row.price,
    block_time: row.block_time,
    status: row.status,
    change_seq: row.change_seq,
  };
  if (scope === 'all' || mine) return { ...base, mine, investor: row.investor, tx_hash: row.tx_hash, block_number: row.block_number, log_index: row.log_index };
  return { ...base, mine: false };
}

/**
 * A stable id for a trade on the tape that says nothing of it: an HMAC of its transaction and log index under a key
 * only the API holds (kept in the ledger, so ids survive a restart and a client's merged view stays whole).
 */
const tapeId = (key: string, row: ChangeRow) => `t${createHmac('sha256', key).update(`${row.tx_hash}:${row.log_index}`).digest('hex').slice(0, 24)}`;

/** A random secret of the API's, made once and kept in the ledger. */
async function apiSecret(ledger: Ledger, name: string): Promise<string> {
  await ledger.query('insert into api_secrets (name, value) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(32).toString('hex')]);
  const [row] = await ledger.query<{ value: string }>('select value from api_secrets where name = $1', [name]);
  return row.value;
}

/**
 * The pools a viewer may see quotes of: officers all, investors those they may trade. With `pool`, just that one,
 * refused (403) if the viewer may not see it.
 */
async function visiblePools(o: ApiOptions, caller: Caller, params: Params): Promise<string[]> {
  const v = caller.viewer!;
  const named = params.get('pool') === undefined ? undefined : poolOf(o, params);
  const ids = (pools: Pool[]) => pools.map((p) => p.poolId.toLowerCase());
  if (isOfficer(v)) return ids(named ? [named] : o.deployment.pools);
  if (!v.investor) throw notAnInvestor(v);
  if (named) {
    await requireMayTrade(o, v, named);
    return ids([named]);
  }
  const allowed = await Promise.all(o.deployment.pools.map((p) => mayTrade(o.client, o.deployment.investorRegistry, v.address, p.security)));
  return ids(o.deployment.pools.filter((_, i) => allowed[i]));
}

/** Where a stream resumes: `?cursor=` or Last-Event-ID (an event id of a stream), or undefined for "from now". */
function streamCursor(ctx: Ctx): bigint | undefined {
  const given = ctx.params.get('cursor') ?? ctx.req.headers['last-event-id'];
  if (given === undefined) return undefined;
  if (typeof given !== 'string' || !isBigintText(given)) throw new HttpError(400, 'cursor must be the id of an event from this stream');
  return BigInt(given);
}

/** Who a stream counts against: its session (closed at once on sign-out) and its wallet (whatever its sessions). */
function streamOwner(ctx: Ctx): { session?: string; client: string } {
  const { session, viewer } = ctx.caller;
  if (!session || !viewer) return { client: `ip:${clientIp(ctx.req)}` };
  // Streams hold server resources: only wallets the registry knows (investors, officers) may hold them.
  if (!viewer.investor && !isOfficer(viewer)) throw new HttpError(403, `${viewer.address} is not a registered investor of this venue, so it may not open streams (its own trades: GET /trades)`);
  return { session: session.id, client: `wallet:${viewer.address.toLowerCase()}` };
}

interface TradeKeyRow {
  block_number: string;
  log_index: number;
  tx_hash: string;
}

/**
 * A `/trades` cursor is the last row's (block, log index, tx hash): a total order, since a rollback can leave a voided
 * row and a live one at the same (block, log index). Opaque to clients.
 */
const encodeTradeCursor = (row: TradeKeyRow) => Buffer.from(`${row.block_number}:${row.log_index}:${row.tx_hash}`).toString('base64url');

/**
 * A page of the trades or liquidity events `where` selects (its values from `$2`; `$1` is the chain id), oldest
 * first, keyed by block, log index and transaction so a cursor resumes exactly after the last row.
 */
async function eventPage(ledger: Ledger, table: 'trades' | 'liquidity_events', values: unknown[], filters: string[], params: Params) {
  const where = ['chain_id = $1', ...filters];
  const limit = params.limit(100, MAX_PAGE);
  const cursor = params.get('cursor');
  if (cursor !== undefined) {
    const [block, index, tx] = decodeTradeCursor(cursor);
    where.push(`(block_number, log_index, tx_hash) > ($${values.push(block)}::bigint, $${values.push(index)}::integer, $${values.push(tx)})`);
  }
  const rows = await ledger.query<ChangeRow & TradeKeyRow>(
    `select * from ${table} where ${where.join(' and ')} order by block_number, log_index, tx_hash limit $${values.push(limit + 1)}`,
    values,
  );
  const page = rows.slice(0, limit);
  return { items: page, nextCursor: rows.length > limit ? encodeTradeCursor(page[page.length - 1]) : null };
}

function decodeTradeCursor(cursor: string): [string, number, string] {
  const [block, index, tx, ...rest] = Buffer.from(cursor, 'base64url').toString().split(':');
  const bad = () => new HttpError(400, 'cursor is not one this API issued');
  if (rest.length > 0 || !isBigintText(block ?? '') || !/^\d{1,9}$/.test(index ?? '') || !/^0x[0-9a-fA-F]{64}$/.test(tx ?? '')) throw bad();
  return [block, Number(index), tx];
}

/** A report or confirmation page: its own inline styles, nothing loaded, never framed. */
const SELF_CONTAINED_HTML = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv', html: 'text/html', pdf: 'application/pdf' };

function formatOf<F extends ReportFormat>(params: Params, formats: readonly F[]): F {
  return params.oneOf('format', formats) ?? formats[0];
}

const ALERT_COLUMNS = ['id', 'created_at', 'severity', 'kind', 'subject', 'message', 'block_number', 'tx_hash', 'case_id', 'voided_at', 'data'] as const;

/** Alerts as CSV, one per line, their data as JSON in the last cell. */
function alertsCsv(rows: Record<string, unknown>[]): string {
  const cell = (r: Record<string, unknown>, c: (typeof ALERT_COLUMNS)[number]) => {
    const v = r[c];
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString();
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  return `${[ALERT_COLUMNS.join(','), ...rows.map((r) => ALERT_COLUMNS.map((c) => csvCell(cell(r, c))).join(','))].join('\n')}\n`;
}

/** A case step, its refusals (no such case, a state that does not allow the step) answered as 404 and 409. */
async function caseStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CaseConflict) throw new HttpError(err.status, err.message);
    throw err;
  }
}

/** Turns a parse error of the reports module into a 400 that names the problem. */
function asBadRequest<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, (err as Error).message.replace(/--/g, ''));
  }
}
