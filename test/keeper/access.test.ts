/**
 * Who may see what, tried as outside clients against a real venue: the keepers' API in this process over a ledger the
 * settlement keeper filled from real swaps. Every route × {no session, expired session, investor asking for their
 * own data, investor asking for another's, a wallet registered nowhere, officer}; SIWE refusals (replay, wrong chain,
 * wrong domain, expired message, someone else's signature); a contract wallet signing in through EIP-1271; the
 * access log; CORS and CSRF; rate limits; oversized requests.
 */
import { readFileSync } from 'node:fs';
import { get as httpGet, type Server } from 'node:http';
import { connect } from 'node:net';
import { createWalletClient, getAddress, http, type Hex, type LocalAccount } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investorRegistryAbi } from '../../sdk/abis/generated.ts';
import { signInMessage } from '../../sdk/auth.ts';
import { startApi, type ApiOptions } from '../../script/keeper/api/server.ts';
import { createSession } from '../../script/keeper/auth/sessions.ts';
import { fileAlert } from '../../script/keeper/cases/cases.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { syncOnce } from '../../script/keeper/settlement/indexer.ts';
import { freePort } from '../../script/venue/anvil.ts';
import { approveRouterForLp, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { apiGet, castAccount, signInAs, type ApiSession } from '../utils/api.ts';
import { readPdf } from '../utils/pdf.ts';
import { swapAs } from '../utils/trade.ts';

let venue: LocalVenue;
let ledger: Ledger;
let server: Server;
let base: string;
let port: number;
const WEB = 'http://127.0.0.1:5173';
const sessions: Partial<Record<'alice' | 'lp' | 'eve' | 'officer', ApiSession>> = {};
let expiredToken: string;
let acmePool: string;
/** Alice's and the LP's swaps, as the ledger keys them. */
let trades: Record<'alice' | 'lp', { tx: Hex; log: number }>;
const alice = castAccount('alice');
const lp = castAccount('lp');
const bob = castAccount('bob');

async function startTestApi(overrides: Partial<ApiOptions> = {}) {
  port = await freePort();
  server = await startApi({
    ledger, client: venue.client, deployment: venue.deployment, host: '127.0.0.1', port, webOrigins: [WEB], sessionTtlSeconds: 3600, publicTape: false,
    rates: { signInPerIp: { burst: 1000, perMinute: 1000 }, signInPerAddress: { burst: 1000, perMinute: 1000 } }, streams: { pollMs: 50, recheckMs: 200 }, ...overrides,
  });
  base = `http://127.0.0.1:${port}`;
}
const stopApi = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));

async function syncToHead() {
  for (let i = 0; i < 100; i++) if ((await syncOnce({ client: venue.client, ledger, deployment: venue.deployment, confirmations: 1, maxRange: 1000 })).caughtUp) return;
  throw new Error('the keeper never caught up');
}

beforeAll(async () => {
  venue = await startLocalVenue('access');
  ledger = await openPgliteLedger();
  const pool = venue.deployment.pools[0];
  acmePool = pool.poolId;
  for (const account of [alice, lp]) {
    await approveRouterForLp(venue.client, venue.anvil.rpcUrl, venue.deployment, pool, account);
    await swapAs(venue.client, venue.anvil.rpcUrl, venue.deployment, pool, account, true, 100_000_000n);
  }
  await syncToHead();
  const keyOf = async (who: LocalAccount) => {
    const [t] = await ledger.query<{ tx_hash: Hex; log_index: number }>('select tx_hash, log_index from trades where lower(investor) = lower($1)', [who.address]);
    return { tx: t.tx_hash, log: t.log_index };
  };
  trades = { alice: await keyOf(alice), lp: await keyOf(lp) };
  await startTestApi();
  for (const who of ['alice', 'lp', 'eve', 'officer'] as const) sessions[who] = await signInAs(base, who);
  const expired = await createSession(ledger, { address: alice.address, chainId: venue.deployment.chainId, ttlSeconds: 60 });
  await ledger.query("update sessions set expires_at = now() - interval '1 second' where id = $1", [expired.session.id]);
  expiredToken = expired.token;
}, 240_000);

afterAll(async () => {
  await stopApi();
  await ledger?.close();
  await venue?.stop();
});

/** The officer freezes or unfreezes alice on chain. */
async function setFrozen(frozen: boolean) {
  const officerWallet = createWalletClient({ account: castAccount('officer'), chain: foundry, transport: http(venue.anvil.rpcUrl) });
  await venue.client.waitForTransactionReceipt({
    hash: await officerWallet.writeContract({ address: venue.deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'setFrozen', args: [alice.address, frozen] }),
  });
}

/** Whether a stream ends (the server closed it) within `ms`; reading what arrives meanwhile. */
async function endsWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  let pending: Promise<{ done: boolean }> | undefined;
  while (Date.now() < deadline) {
    pending ??= reader.read().then((r) => ({ done: r.done }), () => ({ done: true }));
    const next = await Promise.race([pending, new Promise<undefined>((r) => setTimeout(r, deadline - Date.now()))]);
    if (next === undefined) break;
    pending = undefined;
    if (next.done) return true;
  }
  return false;
}

/** GET as `who`: a signed-in cast member, an expired session, or nobody. Streams are read for their status only. */
async function as(who: keyof typeof sessions | 'nobody' | 'expired', path: string) {
  const headers: Record<string, string> = {};
  if (who === 'expired') headers.authorization = `Bearer ${expiredToken}`;
  else if (who !== 'nobody') headers.authorization = `Bearer ${sessions[who]!.token}`;
  if (path.includes('/stream')) {
    const controller = new AbortController();
    const res = await fetch(base + path, { headers, signal: controller.signal });
    const body = res.status === 200 ? undefined : await res.json();
    controller.abort();
    return { status: res.status, body };
  }
  return apiGet(base, path, headers);
}

describe('access matrix', () => {
  const quarter = () => {
    const d = new Date();
    return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  };
  // [path, investor alice (own data, or market data of a pool she may trade), eve (registered nowhere: her own data
  // only, which is empty, and no market data), officer]
  const routes = (): [string, number, number, number][] => [
    ['/trades', 200, 200, 200],
    [`/trades?investor=${bob.address}`, 403, 403, 200],
    [`/trades?investor=${castAccount('aliceCold').address}`, 200, 403, 200], // her identity's other wallet is hers
    [`/trades/confirmation?tx=${trades.alice.tx}&log=${trades.alice.log}`, 200, 404, 200], // another's trade is no trade at all
    [`/trades/confirmation?tx=${trades.lp.tx}&log=${trades.lp.log}&format=pdf`, 404, 404, 200],
    ['/liquidity', 200, 200, 200],
    [`/liquidity?investor=${bob.address}`, 403, 403, 200],
    ['/trades/stream', 200, 403, 200], // streams hold server resources: registered wallets only
    [`/trades/stream?investor=${bob.address}`, 403, 403, 200],
    [`/tape?pool=${acmePool}`, 200, 403, 200],
    [`/tape/stream?pool=${acmePool}`, 200, 403, 200],
    ['/quotes/latest', 200, 403, 200],
    [`/quotes/history?pool=${acmePool}`, 200, 403, 200],
    ['/alerts', 200, 200, 200],
    [`/reports/quarterly?quarter=${quarter()}`, 403, 403, 200],
    ['/reports/statement?from=2026-01-01&to=2026-12-31', 200, 200, 200],
    [`/reports/statement?investor=${bob.address}&from=2026-01-01&to=2026-12-31`, 403, 403, 200],
    ['/access-log', 403, 403, 200],
    [`/cap-table?security=${venue.deployment.pools[0].security}`, 403, 403, 200],
    ['/investors/profile?identity=1', 403, 403, 404], // officers only; there is no profile for identity 1
    ['/cases', 403, 403, 200],
    ['/audit', 403, 403, 200],
    ['/cases/history?case=1', 403, 403, 404], // officers only; this ledger has no case yet
    ['/auth/session', 200, 200, 200],
  ];

  it('answers every route with the status its role allows, and a sentence saying why when it refuses', async () => {
    for (const [path, investor, stranger, officer] of routes()) {
      const got = {
        nobody: await as('nobody', path),
        expired: await as('expired', path),
        alice: await as('alice', path),
        eve: await as('eve', path),
        officer: await as('officer', path),
      };
      expect({ path, statuses: Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.status])) }).toEqual({
        path,
        statuses: { nobody: 401, expired: 401, alice: investor, eve: stranger, officer },
      });
      expect(got.nobody.body.error).toMatch(/^sign in first/);
      expect(got.expired.body.error).toMatch(/^the session has expired/);
      for (const refused of Object.values(got).filter((r) => r.status === 403)) expect(refused.body.error).toMatch(/may see only its own data|not a registered investor|only compliance officers/);
    }
    expect((await as('nobody', '/health')).status).toBe(200);
  });

  it('keeps investor profiles for officers only, validates them field by field, and logs every read and write', async () => {
    const identity = BigInt(alice.address).toString();
    const post = (who: 'alice' | 'officer', body: unknown) =>
      fetch(`${base}/investors/profile`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sessions[who]!.token}`, 'content-type': 'application/json', origin: WEB },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const profile = { identity, legalName: 'Alice Example', kycProvider: 'Acme KYC', kycReference: 'ak-123', notes: 'accredited by net worth', documentHashes: [`0x${'ab'.repeat(32)}`] };

    expect(await post('alice', profile)).toMatchObject({ status: 403 });
    const bad = await post('officer', { ...profile, legalName: ' ', documentHashes: ['0x12'], extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/legalName: required/);
    expect(bad.body.error).toMatch(/documentHashes\.0: a 32-byte hex hash/);
    expect(bad.body.error).toMatch(/Unrecognized key/);

    const saved = await post('officer', profile);
    expect(saved).toMatchObject({ status: 200, body: { ...profile, updatedBy: castAccount('officer').address.toLowerCase() } });
    expect(await as('officer', `/investors/profile?identity=${identity}`)).toMatchObject({ status: 200, body: { legalName: 'Alice Example' } });
    expect((await as('alice', `/investors/profile?identity=${identity}`)).status).toBe(403);

    const log = (await as('officer', '/access-log')).body.items as { action: string; subject: string }[];
    expect(log.slice(0, 2).map((e) => [e.action, e.subject])).toEqual([
      ['GET /investors/profile', `identity:${identity}`],
      ['POST /investors/profile', `identity:${identity}`],
    ]);
  });

  it('lets only officers work alert cases: each step validated, refused with a sentence, written to the access log', async () => {
    const post = (who: 'alice' | 'officer', body: unknown) =>
      fetch(`${base}/cases/action`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sessions[who]!.token}`, 'content-type': 'application/json', origin: WEB },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const [alert] = await ledger.query<{ id: string }>(
      "insert into alerts (chain_id, kind, severity, subject, message, data, dedupe_key) values ($1, 'holder_cap', 'warning', $2, 'holders of record: 80 of at most 100 (80%)', '{}', 'access-test') returning id::text",
      [venue.deployment.chainId, venue.deployment.pools[0].security],
    );
    const id = await ledger.transaction((tx) => fileAlert(tx, venue.deployment.chainId, { id: alert.id, kind: 'holder_cap', severity: 'warning', subject: venue.deployment.pools[0].security }));

    expect(await post('alice', { case: id, action: 'acknowledge' })).toMatchObject({ status: 403 });
    expect(await post('officer', { case: id, action: 'resolve' })).toMatchObject({ status: 400, body: { error: 'note: required to resolve a case (at least 3 characters)' } });
    expect(await post('officer', { case: id, action: 'acknowledge' })).toMatchObject({ status: 200, body: { id, status: 'acknowledged', alerts: 1 } });
    expect(await post('officer', { case: id, action: 'acknowledge' })).toMatchObject({ status: 409, body: { error: `case ${id} is acknowledged already` } });
    expect(await post('officer', { case: id, action: 'resolve', note: 'the issuer raised the cap' })).toMatchObject({ status: 200, body: { status: 'resolved' } });
    const history = await as('officer', `/cases/history?case=${id}`);
    expect(history.body.events.map((e: { action: string }) => e.action)).toEqual(['opened', 'acknowledged', 'resolved']);
    expect((await as('officer', '/cases?status=resolved')).body.items.map((c: { id: string }) => c.id)).toContain(id);
    // The alert, exported as CSV with its case.
    const csv = await fetch(`${base}/alerts?format=csv&kind=holder_cap`, { headers: { authorization: `Bearer ${sessions.officer!.token}` } }).then((r) => r.text());
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe('id,created_at,severity,kind,subject,message,block_number,tx_hash,case_id,voided_at,data');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${alert.id},\\d{4}-\\d{2}-\\d{2}T[^,]+,warning,holder_cap,${venue.deployment.pools[0].security},holders of record: 80 of at most 100 \\(80%\\),,,${id},,\\{\\}$`));
    const log = (await as('officer', '/access-log')).body.items as { action: string; subject: string }[];
    expect(log.slice(0, 4).map((e) => [e.action, e.subject])).toEqual([
      ['GET /alerts', 'all'],
      ['GET /cases', 'all'],
      ['GET /cases/history', `case:${id}`],
      ['POST /cases/action', `case:${id}`],
    ]);
  });

  it("exports the audit trail to officers, filtered by investor, event and date, as JSON or CSV, each read logged", async () => {
    const all = await as('officer', '/audit?limit=500');
    expect(all.status).toBe(200);
    const items = all.body.items as { event: string; blockNumber: string; logIndex: number; args: Record<string, string> }[];
    expect(items.length).toBeGreaterThan(5);
    const order = items.map((r) => BigInt(r.blockNumber) * 1000n + BigInt(r.logIndex));
    expect(order).toEqual([...order].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));

    // alice's: every row names her wallet among its arguments, and none of the others' rows is left out.
    const mine = (await as('officer', `/audit?investor=${alice.address}&limit=500`)).body.items as typeof items;
    const namesAlice = (r: (typeof items)[number]) => Object.values(r.args).some((v) => String(v).toLowerCase() === alice.address.toLowerCase());
    expect(mine.length).toBeGreaterThan(0);
    expect(mine).toEqual(items.filter(namesAlice));
    const upserts = (await as('officer', '/audit?event=InvestorUpserted,WalletLinked&limit=500')).body.items as typeof items;
    expect(upserts.length).toBeGreaterThan(0);
    expect(new Set(upserts.map((r) => r.event))).toEqual(new Set(items.filter((r) => r.event === 'InvestorUpserted' || r.event === 'WalletLinked').map((r) => r.event)));
    expect((await as('officer', '/audit?from=2000-01-01&to=2000-12-31')).body.items).toEqual([]);

    const csv = await fetch(`${base}/audit?format=csv&event=InvestorUpserted`, { headers: { authorization: `Bearer ${sessions.officer!.token}` } });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('block_number,block_time,tx_hash,log_index,event,status,args');
    expect(lines.length - 1).toBe(upserts.filter((r) => r.event === 'InvestorUpserted').length);

    expect(await as('officer', '/audit?event=not-an-event')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^event must be up to 50 event names/) } });
    expect(await as('officer', '/audit?from=2026-01-01')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^from and to go together/) } });
    expect(await as('officer', '/audit?cursor=abc')).toMatchObject({ status: 400 });
    const log = (await as('officer', '/access-log')).body.items as { action: string; subject: string }[];
    expect(log.find((e) => e.action === 'GET /audit' && e.subject === alice.address.toLowerCase())).toBeDefined();
  });

  it("gives officers a cap table per identity that adds up to the token's own holder book", async () => {
    const security = venue.deployment.pools[0].security;
    const { status, body } = await as('officer', `/cap-table?security=${security}`);
    expect(status).toBe(200);
    const rows = body.rows as { identity: string; wallets: { address: string }[]; inWallets: string; inPositions: string; reserved: string; locked: string; lots: { amount: string; kind: string }[]; holderOfRecord: boolean; concentrationPct: number }[];
    expect(rows.filter((r) => r.holderOfRecord)).toHaveLength(body.holders);
    // alice's hot and cold wallets are one identity; the LP's shares are mostly under its positions.
    const aliceRow = rows.find((r) => r.identity === BigInt(alice.address).toString())!;
    expect(aliceRow.wallets.map((w) => getAddress(w.address))).toContain(alice.address);
    expect(aliceRow.wallets).toHaveLength(2);
    // Her second subscription of ACME-A is still in its Rule 144 holding period.
    expect(aliceRow.locked).toBe('250');
    expect(aliceRow.lots).toMatchObject([{ amount: '250', kind: 'issuance' }]);
    const lpRow = rows.find((r) => r.identity === BigInt(lp.address).toString())!;
    expect(Number(lpRow.inPositions)).toBeGreaterThan(0);
    // Its positions hold shares, so they reserve the most they could come to hold against its maximum holding.
    expect(Number(lpRow.reserved)).toBeGreaterThan(0);
    expect(rows[0].concentrationPct).toBeGreaterThan(rows[rows.length - 1].concentrationPct);
    const csv = await as('officer', `/cap-table?security=${security}&format=csv`);
    expect(String(csv.body).split('\n')[0]).toBe('identity,accredited,holder_of_record,in_wallets,in_positions,total,reserved,locked,concentration_pct,wallets');
    expect((await as('officer', `/cap-table?security=${venue.deployment.stablecoin}`)).status).toBe(404);
  });

  it("shows an investor only their own confirmations, and the tape without anyone else's address or transaction", async () => {
    const mine = (await as('alice', '/trades')).body.items as { investor: string }[];
    expect(mine.length).toBe(1);
    expect(mine.every((t) => t.investor.toLowerCase() === alice.address.toLowerCase())).toBe(true);
    const everyone = (await as('officer', '/trades')).body.items as { investor: string }[];
    expect(new Set(everyone.map((t) => t.investor.toLowerCase()))).toEqual(new Set([alice.address.toLowerCase(), lp.address.toLowerCase()]));

    // Liquidity events, the same way: the LP's own to the LP, none of them to alice, all of them to officers.
    const lpOwn = (await as('lp', '/liquidity')).body.items as { investor: string; liquidity_delta: string }[];
    expect(lpOwn.length).toBeGreaterThan(1); // the seed's positions, one per pool
    expect(lpOwn.every((e) => e.investor.toLowerCase() === lp.address.toLowerCase() && BigInt(e.liquidity_delta) !== 0n)).toBe(true);
    expect((await as('alice', '/liquidity')).body.items).toEqual([]);
    expect((await as('officer', '/liquidity')).body.items).toHaveLength(lpOwn.length);
    const firstPage = (await as('lp', '/liquidity?limit=1')).body;
    expect((await as('lp', `/liquidity?limit=500&cursor=${firstPage.nextCursor}`)).body.items).toEqual(lpOwn.slice(1));

    const tape = (await as('alice', `/tape?pool=${acmePool}`)).body.items as Record<string, unknown>[];
    expect(tape).toHaveLength(2);
    const [own, other] = [tape.find((r) => r.mine), tape.find((r) => !r.mine)];
    expect(String(own!.investor).toLowerCase()).toBe(alice.address.toLowerCase());
    // Not even the block and log index: the gate's event there names the investor to anyone reading the chain.
    for (const key of ['investor', 'tx_hash', 'block_number', 'log_index']) expect(Object.keys(other!)).not.toContain(key);
    expect(other!.id).toMatch(/^t[0-9a-f]{24}$/);
    expect(JSON.stringify(other)).not.toMatch(new RegExp(lp.address.slice(2), 'i'));
    expect(other).toMatchObject({ side: 'buy', security_amount: expect.any(String), price: expect.any(String), block_time: expect.anything() });
  });

  it("confirms a trade as Rule 10b-10 asks, from the ledger and the chain, as JSON, a PDF and a self-contained page", async () => {
    const at = `/trades/confirmation?tx=${trades.alice.tx}&log=${trades.alice.log}`;
    const [row] = await ledger.query<{ security: `0x${string}`; security_amount: string; stable_amount: string; block_number: string; block_hash: string; pool_name: string }>(
      'select security, security_amount::text, stable_amount::text, block_number::text, block_hash, pool_name from trades where tx_hash = $1', [trades.alice.tx]);
    const erc20 = (functionName: 'name' | 'symbol') => venue.client.readContract({ address: row.security, abi: [{ type: 'function', name: functionName, inputs: [], outputs: [{ type: 'string' }], stateMutability: 'view' }], functionName });
    const { identity } = await venue.client.readContract({ address: venue.deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [alice.address] });
    const c = (await as('alice', `${at}&format=json`)).body;
    expect(c).toMatchObject({
      venue: 'Accredex',
      number: `${trades.alice.tx}-${trades.alice.log}`,
      investor: { wallet: alice.address, identity: identity.toString() },
      security: { address: row.security, name: await erc20('name'), symbol: await erc20('symbol'), chainId: 31337 },
      side: 'buy',
      grossAmount: '100',
      fee: { currency: 'stablecoin', rate: expect.stringMatching(/^\d+(\.\d+)?%$/) },
      settlement: { txHash: trades.alice.tx, blockNumber: Number(row.block_number), blockHash: row.block_hash },
    });
    expect(BigInt(c.quantity.replace('.', '').replace(/^0+/, '') || '0') * 10n ** BigInt(18 - (c.quantity.split('.')[1]?.length ?? 0))).toBe(BigInt(row.security_amount));
    expect(c.counterparty).toContain(row.pool_name);
    expect(c.sipc).toMatch(/not a member of the Securities Investor Protection Corporation/);

    const pdf = await fetch(`${base}${at}&format=pdf`, { headers: { authorization: `Bearer ${sessions.alice!.token}` } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const doc = readPdf(new Uint8Array(await pdf.arrayBuffer()));
    expect(doc.title).toBe(`Accredex trade confirmation ${c.number}`);
    for (const text of [c.tradeTime, `${c.quantity} shares`, `${c.price} stablecoin per share`, c.security.address, `identity ${c.investor.identity}`, trades.alice.tx, 'Bought', c.sipc]) expect(doc.text).toContain(text);

    const page = await as('alice', `${at}&format=html`);
    expect(page.body).toContain(`<th scope="row">Quantity</th><td>${c.quantity} shares</td>`);
    const csp = (await fetch(`${base}${at}&format=html`, { headers: { authorization: `Bearer ${sessions.alice!.token}` } })).headers.get('content-security-policy');
    expect(csp).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");

    // A voided trade has no confirmation; a malformed key is named.
    await ledger.query("update trades set status = 'voided' where tx_hash = $1", [trades.alice.tx]);
    try {
      const gone = await as('alice', at);
      expect(gone.status).toBe(410);
      expect(gone.body.error).toMatch(/was voided/);
    } finally {
      await ledger.query("update trades set status = 'final' where tx_hash = $1", [trades.alice.tx]);
    }
    expect((await as('alice', '/trades/confirmation?tx=0x12&log=0')).body.error).toMatch(/^tx must be/);
    expect((await as('alice', `/trades/confirmation?tx=${trades.alice.tx}`)).body.error).toMatch(/^log is required/);
  });

  it('reads roles from the registry at each request: a freeze takes the market data away at once, the own history stays', async () => {
    await setFrozen(true);
    try {
      const refused = await as('alice', `/tape?pool=${acmePool}`);
      expect(refused).toEqual({ status: 403, body: { error: expect.stringMatching(/may not trade ACME-A\/dUSD/) } });
      expect((await as('alice', '/quotes/latest')).body.items).toEqual([]);
      expect((await as('alice', '/trades')).status).toBe(200);
    } finally {
      await setFrozen(false);
    }
    expect((await as('alice', `/tape?pool=${acmePool}`)).status).toBe(200);
  });

  it('closes a stream once its session is signed out, or once its viewer may no longer see it', async () => {
    const s = await signInAs(base, 'alice');
    const headers = { authorization: `Bearer ${s.token}` };
    const tape = await fetch(`${base}/tape/stream?pool=${acmePool}`, { headers });
    expect(tape.status).toBe(200);
    const reader = tape.body!.getReader();
    expect(await endsWithin(reader, 1_000)).toBe(false); // open while nothing changes
    await setFrozen(true);
    try {
      expect(await endsWithin(reader, 5_000)).toBe(true);
    } finally {
      await setFrozen(false);
    }
    const own = await fetch(`${base}/trades/stream`, { headers });
    const ownReader = own.body!.getReader();
    expect(await endsWithin(ownReader, 1_000)).toBe(false);
    expect((await fetch(`${base}/auth/logout`, { method: 'POST', headers })).status).toBe(200);
    expect(await endsWithin(ownReader, 5_000)).toBe(true);
  });

  it("logs every officer's read of other investors' data (who, what, from where), and no one's read of their own", async () => {
    const before = (await as('officer', '/access-log?limit=500')).body.items.length as number;
    await as('officer', `/reports/statement?investor=${alice.address}&from=2026-01-01&to=2026-12-31`);
    await as('officer', `/trades?investor=${sessions.officer!.address}`); // the officer's own: not logged
    await as('alice', '/trades');
    const log = (await as('officer', '/access-log?limit=500')).body.items as { actor: string; roles: string; action: string; subject: string; query: string; ip: string }[];
    expect(log.length).toBe(before + 1);
    expect(log[0]).toMatchObject({
      actor: sessions.officer!.address.toLowerCase(),
      roles: 'compliance',
      action: 'GET /reports/statement',
      subject: alice.address.toLowerCase(),
      query: expect.stringContaining('from=2026-01-01'),
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    // The HTML report renders with its own inline styles and nothing else; every other answer allows nothing.
    const html = await fetch(`${base}/reports/quarterly?quarter=2026Q4&format=html`, { headers: { authorization: `Bearer ${sessions.officer!.token}` } });
    expect(html.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    expect((await fetch(`${base}/health`)).headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const csv = await as('officer', '/access-log?format=csv');
    expect(csv.status).toBe(200);
    expect(String(csv.body).split('\n')[0]).toBe('id,at,actor,roles,action,subject,query,ip,user_agent');
    expect(String(csv.body)).toContain(`GET /reports/statement,${alice.address.toLowerCase()}`);
  });
});

describe('sign-in', () => {
  const verify = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/auth/verify`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json(), cookie: r.headers.get('set-cookie') }));
  const nonce = async () => ((await fetch(`${base}/auth/nonce`, { method: 'POST' }).then((r) => r.json())) as { nonce: string }).nonce;
  const signed = async (account: LocalAccount, overrides: { chainId?: number; origin?: string; issuedAt?: Date; nonce?: string; expiry?: Date } = {}) => {
    let message = signInMessage({ address: account.address, chainId: overrides.chainId ?? 31337, nonce: overrides.nonce ?? (await nonce()), origin: overrides.origin ?? base, issuedAt: overrides.issuedAt });
    if (overrides.expiry) message += `\nExpiration Time: ${overrides.expiry.toISOString()}`;
    return { message, signature: await account.signMessage({ message }), transport: 'bearer' };
  };

  it('refuses a replayed message, another chain, another site, a stale or future message, and a signature by someone else', async () => {
    const good = await signed(alice);
    expect((await verify(good)).status).toBe(200);
    const cases: [string, unknown][] = [
      ['nonce was never issued, has expired or was already used', good],
      ['message is for chain 1; this venue is chain 31337', await signed(alice, { chainId: 1 })],
      ['message is for evil.example, not a site this venue serves', await signed(alice, { origin: 'https://evil.example' })],
      ['message issued-at is in the future', await signed(alice, { issuedAt: new Date(Date.now() + 3_600_000) })],
      ['message was issued more than 10 minutes ago', await signed(alice, { issuedAt: new Date(Date.now() - 3_600_000) })],
      ['message has expired', await signed(alice, { expiry: new Date(Date.now() - 1000) })],
      ['nonce was never issued', await signed(alice, { nonce: 'abcdef0123456789abcdef0123456789' })],
      [`signature is not ${alice.address}'s`, { ...(await signed(alice)), signature: (await signed(bob)).signature }],
      ['message is not in the EIP-4361 format', await (async () => {
        const m = await signed(alice);
        const message = m.message.replace('\nURI:', '\nPlease ignore the domain above.\nURI:');
        return { ...m, message, signature: await alice.signMessage({ message }) };
      })()],
      ['message expiration time is not a date', await (async () => {
        const m = await signed(alice);
        const message = `${m.message}\nExpiration Time: soon`;
        return { ...m, message, signature: await alice.signMessage({ message }) };
      })()],
    ];
    for (const [reason, body] of cases) {
      const res = await verify(body);
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: expect.stringContaining(reason) });
    }
    // A refused signature did not burn the nonce for its rightful signer.
    const n = await nonce();
    const forged = await signed(alice, { nonce: n });
    expect((await verify({ ...forged, signature: (await bob.signMessage({ message: forged.message })) })).status).toBe(401);
    expect((await verify(forged)).status).toBe(200);
  });

  it("charges the sign-in limit only to a well-formed message's own wallet: junk in another's name locks nobody out", async () => {
    await stopApi();
    await startTestApi({ rates: { signInPerIp: { burst: 1000, perMinute: 1000 }, signInPerAddress: { burst: 2, perMinute: 1 } } });
    try {
      const officer = castAccount('officer');
      for (let i = 0; i < 10; i++) expect((await verify({ message: `0x${officer.address.slice(2)} wants in`, signature: '0x00', transport: 'bearer' })).status).toBe(401);
      // The officer's own sign-ins still go through, and they are what the limit counts.
      expect((await verify(await signed(officer))).status).toBe(200);
      expect((await verify(await signed(officer))).status).toBe(200);
      const third = await verify(await signed(officer));
      expect(third).toMatchObject({ status: 429, body: { error: expect.stringMatching(/^too many sign-ins for 0x14dC/) } });
    } finally {
      await stopApi();
      await startTestApi();
    }
  });

  it('signs in a contract wallet (EIP-1271) whose owner key signed', async () => {
    const artifact = JSON.parse(readFileSync('out/Eip1271Wallet.sol/Eip1271Wallet.json', 'utf8')) as { abi: unknown[]; bytecode: { object: Hex } };
    const owner = castAccount('carol');
    const deployer = createWalletClient({ account: owner, chain: foundry, transport: http(venue.anvil.rpcUrl) });
    const receipt = await venue.client.waitForTransactionReceipt({ hash: await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode.object, args: [owner.address] }) });
    const wallet = getAddress(receipt.contractAddress!);
    const message = signInMessage({ address: wallet, chainId: 31337, nonce: await nonce(), origin: base });
    const ok = await verify({ message, signature: await owner.signMessage({ message }), transport: 'bearer' });
    expect(ok).toMatchObject({ status: 200, body: { address: wallet, investor: false, officerRoles: [] } });
    const session = await apiGet(base, '/auth/session', { authorization: `Bearer ${ok.body.token}` });
    expect(session.body.address).toBe(wallet);
    // Signed by a key that does not own the wallet: its isValidSignature says no.
    const other = signInMessage({ address: wallet, chainId: 31337, nonce: await nonce(), origin: base });
    expect((await verify({ message: other, signature: await alice.signMessage({ message: other }), transport: 'bearer' })).status).toBe(401);
  });

  it('gives the dashboard an HttpOnly SameSite=Strict cookie, which survives a keeper restart and ends with sign-out', async () => {
    const body = { ...(await signed(alice, { origin: WEB })), transport: 'cookie' };
    const res = await verify(body, { origin: WEB });
    expect(res.status).toBe(200);
    expect(res.body.token).toBeUndefined();
    expect(res.cookie).toMatch(/^accredex_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=(3599|3600)$/);
    const cookie = res.cookie!.split(';')[0];
    await stopApi();
    await startTestApi();
    expect((await apiGet(base, '/auth/session', { cookie, origin: WEB })).body.address).toBe(alice.address);
    // CSRF: a state change with the cookie must come from the dashboard's origin.
    const logout = (headers: Record<string, string>) => fetch(`${base}/auth/logout`, { method: 'POST', headers: { cookie, ...headers } });
    expect((await logout({})).status).toBe(403);
    expect((await logout({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await logout({ origin: WEB })).status).toBe(200);
    expect(await apiGet(base, '/auth/session', { cookie, origin: WEB })).toEqual({ status: 401, body: { error: expect.stringMatching(/^the session was signed out/) } });
    // A cookie sent by an embedded GET (an image on another localhost port: no Origin, not a navigation) is refused,
    // so no page can make an officer's browser "read" someone's data into the access log; a link the user opens is not.
    const fresh = (await verify({ ...(await signed(alice, { origin: WEB })), transport: 'cookie' }, { origin: WEB })).cookie!.split(';')[0];
    expect(await apiGet(base, '/trades', { cookie: fresh })).toEqual({ status: 403, body: { error: "a request with the session cookie must come from the dashboard's own pages" } });
    // (fetch may not set Sec-Fetch-* headers, as a browser would: node:http does.)
    const navigated = await new Promise<number>((resolve, reject) =>
      httpGet(`${base}/trades`, { headers: { cookie: fresh, 'sec-fetch-mode': 'navigate' } }, (r) => (r.resume(), resolve(r.statusCode ?? 0))).on('error', reject),
    );
    expect(navigated).toBe(200);
    expect((await apiGet(base, '/trades', { cookie: fresh, origin: WEB })).status).toBe(200);
    // Two session cookies: one was planted (session fixation); neither is used.
    expect((await apiGet(base, '/auth/session', { cookie: `${fresh}; ${cookie}`, origin: WEB })).status).toBe(401);
    // A stale cookie never locks its browser out of signing in again, or of /health.
    expect((await fetch(`${base}/auth/nonce`, { method: 'POST', headers: { cookie, origin: WEB } })).status).toBe(200);
    expect((await apiGet(base, '/health', { cookie })).status).toBe(200);
  });

  it('admits only the dashboard origin through CORS, with credentials', async () => {
    const allowed = await fetch(`${base}/health`, { headers: { origin: WEB } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEB);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(`${base}/health`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${base}/auth/verify`, { method: 'OPTIONS', headers: { origin: WEB, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
  });
});

describe('limits', () => {
  it('rate-limits sign-in per address and reports per session, with Retry-After', async () => {
    await stopApi();
    await startTestApi({ rates: { signInPerIp: { burst: 4, perMinute: 1 }, reports: { burst: 2, perMinute: 1 } } });
    try {
      const officer = await signInAs(base, 'officer');
      const statuses: number[] = [];
      // The sign-in above took two of the four (nonce, verify).
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/auth/nonce`, { method: 'POST' })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const limited = await fetch(`${base}/auth/nonce`, { method: 'POST' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: string }).error).toMatch(/^too many sign-in requests from this address: at most 1 a minute; retry in \d+ s$/);
      const report = () => officer.get('/reports/statement?from=2026-01-01&to=2026-01-31');
      expect([(await report()).status, (await report()).status, (await report()).status]).toEqual([200, 200, 429]);
    } finally {
      await stopApi();
      await startTestApi();
    }
  });

  /** The status line a raw request gets (fetch can't send a head this large). */
  const rawStatus = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });

  it('answers oversized request targets and heads with 414 and 431 and a sentence, not a reset connection', async () => {
    const long = await apiGet(base, `/trades?pool=${'a'.repeat(10_000)}`);
    expect(long).toEqual({ status: 414, body: { error: 'the request target must be at most 8192 characters' } });
    const huge = await rawStatus(`GET /${'x'.repeat(1_000_000)} HTTP/1.1\r\nhost: api\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toContain('the request line and headers must be at most 16384 bytes');
    const query = await rawStatus(`GET /trades?x=${'y'.repeat(70_000)} HTTP/1.1\r\nhost: api\r\n\r\n`);
    expect(query).toMatch(/^HTTP\/1\.1 431 /);
  });
});
