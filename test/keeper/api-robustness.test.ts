/**
 * The keepers' API as an outside client fuzzing it: every route's parameters with out-of-range numbers, NUL and
 * control bytes, huge and malformed values and repeated parameters get a 2xx or a 4xx, never a database error; and
 * paging `/trades` sees every row exactly once, even where a rollback left a voided and a live row at one
 * (block, log index).
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../script/keeper/api/server.ts';
import { openPgliteLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { freePort } from '../../script/venue/anvil.ts';
import { seededRandom, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { apiGet, signInAs, type ApiSession } from '../utils/api.ts';

let venue: LocalVenue;
let ledger: Ledger;
let server: Server;
let base: string;
let officer: ApiSession;
let alice: ApiSession;
const ROWS = 300;

/** Trade rows as a reorganization leaves them: pairs at one (block, log index), the first voided, the second live. */
async function seedRows() {
  const pool = venue.deployment.pools[0];
  await ledger.query(
    `insert into trades (chain_id, tx_hash, log_index, pool_id, pool_name, security, investor, router, side, security_amount, stable_amount, price,
       fee_pips, fee_amount, block_number, block_hash, block_time, status)
     select $1, '0x' || lpad(to_hex(i), 64, '0'), (i / 2) % 3, $2, $3, $4, $5, $6, case when i % 3 = 0 then 'sell' else 'buy' end, 10 ^ 18, 1000000, 1,
       3000, 3000, 1 + i / 6, '0x' || lpad(to_hex(i), 64, 'b'), 1700000000 + i, case when i % 2 = 0 then 'voided' else 'final' end
     from generate_series(0, $7 - 1) as i`,
    [venue.deployment.chainId, pool.poolId, pool.name, pool.security, castAlice(), venue.deployment.universalRouter, ROWS],
  );
}
const castAlice = () => venue.deployment.accounts!.find((a) => a.label === 'alice')!.address;

beforeAll(async () => {
  venue = await startLocalVenue('api-fuzz');
  ledger = await openPgliteLedger();
  await seedRows();
  const port = await freePort();
  server = await startApi({
    ledger, client: venue.client, deployment: venue.deployment, host: '127.0.0.1', port, webOrigins: [], sessionTtlSeconds: 3600, publicTape: false,
    rates: { reports: { burst: 100_000, perMinute: 100_000 } },
  });
  base = `http://127.0.0.1:${port}`;
  officer = await signInAs(base, 'officer');
  alice = await signInAs(base, 'alice');
}, 240_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  await ledger?.close();
  await venue?.stop();
});

describe('/trades paging', () => {
  it('sees every row exactly once at any page size, voided and live rows at one (block, log index) included', async () => {
    const [{ n }] = await ledger.query<{ n: string }>("select count(*)::text as n from trades where status = 'voided'");
    expect(Number(n)).toBe(ROWS / 2);
    for (const limit of [1, 7, 500]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (await officer.get(`/trades?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)).body as { items: { tx_hash: string }[]; nextCursor: string | null };
        seen.push(...page.items.map((r) => r.tx_hash));
        cursor = page.nextCursor;
      } while (cursor);
      expect({ limit, rows: seen.length, distinct: new Set(seen).size }).toEqual({ limit, rows: ROWS, distinct: ROWS });
    }
  });

  it('pages the tape by change number, every row once', async () => {
    const pool = venue.deployment.pools[0].poolId;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await alice.get(`/tape?pool=${pool}&limit=13${cursor ? `&cursor=${cursor}` : ''}`)).body as { items: { id: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(ROWS);
  });
});

describe('parameters', () => {
  it('refuses loose numbers, impossible dates and periods, and control bytes, naming the parameter', async () => {
    const cases: [string, number, RegExp][] = [
      ['/trades?limit=99999999999999999999', 400, /^limit must be a whole number from 1 to 500/],
      ['/trades?limit=1e2', 400, /^limit must be/],
      ['/trades?limit=0x10', 400, /^limit must be/],
      ['/trades?side=%00', 400, /^parameter side contains a control character$/],
      ['/trades?side=buy&side=sell', 400, /^parameter side is given more than once$/],
      ['/trades?cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk6MDow', 400, /^cursor is not one this API issued$/],
      ['/alerts?cursor=99999999999999999999', 400, /^cursor must be a whole number from 0 to 9223372036854775807$/],
      ['/reports/statement?from=2026-02-30&to=2026-03-31', 400, /^from must be a calendar date like 2026-07-01 \(got "2026-02-30"\)$/],
      ['/reports/quarterly?quarter=0000Q1', 400, /^quarter must be in 1970 or later/],
      ['/trades?colour=blue', 400, /^unknown parameter "colour": this route takes pool, investor, security, side, status, limit, cursor$/],
      ['/health?x=1', 400, /^this route takes no parameters/],
    ];
    for (const [path, status, error] of cases) {
      const res = await officer.get(path);
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status, error: expect.stringMatching(error) });
    }
  });

  /** The values an attacker tries, percent-encoded as they would appear in a query string. */
  const NASTY = [
    '', ' ', '%00', '%01', '%1F', '%7F', '%C2%85', '%C3%28', '%FF', '%F0%9F%92%A9', '%E2%80%AE', "'%20or%201=1--", '%25', '%2C', '..%2F..%2Fetc%2Fpasswd',
    '-1', '0', '1', '1.5', '1e2', '0x10', '+5', '99999999999999999999', '9223372036854775808', '18446744073709551616', 'NaN', 'Infinity',
    '0x' + 'f'.repeat(40), '0x' + 'F'.repeat(64), '0xZZ', '2026-02-30', '2026-13-01', '0000-01-01', '9999-12-31', '2026Q0', '0000Q1', '2026Q4',
    'buy', 'sell', 'final', 'voided', 'json', 'csv', 'html', 'include', 'a'.repeat(300), 'a'.repeat(5000),
  ];
  const ROUTES: Record<string, string[]> = {
    '/health': [],
    '/trades': ['pool', 'investor', 'security', 'side', 'status', 'limit', 'cursor'],
    '/trades/stream': ['pool', 'investor', 'security', 'side', 'status', 'cursor'],
    '/tape': ['pool', 'limit', 'cursor'],
    '/tape/stream': ['pool', 'cursor'],
    '/quotes/latest': ['pool'],
    '/quotes/history': ['pool', 'limit'],
    '/alerts': ['kind', 'severity', 'limit', 'cursor', 'voided'],
    '/reports/quarterly': ['quarter', 'format'],
    '/reports/statement': ['investor', 'from', 'to', 'format'],
    '/access-log': ['limit', 'cursor', 'format'],
    '/auth/session': [],
  };
  const DATABASE_ERROR = /out of range for type|invalid byte sequence|invalid input syntax|syntax error|violates|relation "|column "|pglite|postgres|internal error/i;

  it('answers every fuzzed request with 2xx or 4xx and never a database error', async () => {
    const random = seededRandom(11);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const pool = venue.deployment.pools[0].poolId;
    const valid: Record<string, string> = { pool, investor: castAlice(), from: '2026-01-01', to: '2026-12-31', quarter: '2026Q4' };
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1200; i++) {
      const [route, names] = pick(Object.entries(ROUTES));
      const parts: string[] = [];
      for (const name of [...names, 'junk']) {
        const r = random();
        if (r < 0.35) continue;
        const value = r < 0.55 && valid[name] ? valid[name] : pick(NASTY);
        parts.push(`${name}=${value}`);
        if (random() < 0.05) parts.push(`${name}=${pick(NASTY)}`); // repeated
      }
      const path = `${route}${parts.length ? `?${parts.join('&')}` : ''}`;
      const who = pick([officer, alice, undefined]);
      const headers: Record<string, string> = who ? { authorization: `Bearer ${who.token}` } : {};
      let status: number;
      let text: string;
      if (route.endsWith('/stream')) {
        const controller = new AbortController();
        const res = await fetch(base + path, { headers, signal: controller.signal });
        status = res.status;
        text = status === 200 ? '' : await res.text();
        controller.abort();
      } else {
        const res = await apiGet(base, path, headers);
        status = res.status;
        text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect({ path, status: status >= 200 && status < 500 && !(status >= 300 && status < 400) }).toEqual({ path, status: true });
      if (status >= 400) expect({ path, text }).toEqual({ path, text: expect.not.stringMatching(DATABASE_ERROR) });
    }
    // The fuzzer reached both outcomes often: a run that only ever got 400s (or 200s) would prove little.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(300);
  });
});
