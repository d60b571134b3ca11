/**
 * PGlite and PostgreSQL keep the same ledger: the same chain indexed into both gives identical rows and reports.
 * Needs a PostgreSQL server: ACCREDEX_TEST_DATABASE_URL (`.ci/run` starts Debian's with script/ci/postgres.sh).
 * Outside CI, without one, the test is skipped and says so; in CI its absence is a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { universalRouterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';
import { ANVIL_OPERATOR_KEY, freePort, startAnvil, type Anvil } from '../../script/venue/anvil.ts';
import { deployVenue } from '../../script/venue/deploy.ts';
import { approveRouterForLp, LP_ACCOUNT } from '../../script/venue/fixtures.ts';
import { openPgliteLedger, openPostgresLedger, type Ledger } from '../../script/keeper/ledger/db.ts';
import { LOG_TABLES } from '../../script/keeper/ledger/schema.ts';
import { syncOnce } from '../../script/keeper/settlement/indexer.ts';
import { parseQuarter, quarterlyReport } from '../../script/keeper/reports/reports.ts';

const serverUrl = process.env.ACCREDEX_TEST_DATABASE_URL;
if (!serverUrl && process.env.CI) throw new Error('ACCREDEX_TEST_DATABASE_URL is not set: .ci/run must start PostgreSQL');
if (!serverUrl) console.warn('postgres.test.ts skipped: set ACCREDEX_TEST_DATABASE_URL (script/ci/postgres.sh prints one)');

describe.skipIf(!serverUrl)('ledger on PGlite and on PostgreSQL', () => {
  const database = `accredex_test_${process.pid}`;
  let anvil: Anvil;
  let client: PublicClient;
  let deployment: Deployment;
  let lite: Ledger;
  let server: Ledger;
  let dataDir: string;
  let deploymentsDir: string;
  const admin = () => new pg.Client({ connectionString: serverUrl });

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists ${database}`);
    await c.query(`create database ${database}`);
    await c.end();
    const url = new URL(serverUrl!);
    url.pathname = `/${database}`;
    server = await openPostgresLedger(url.toString());
    lite = await openPgliteLedger();

    dataDir = mkdtempSync(join(tmpdir(), 'accredex-pg-'));
    deploymentsDir = `deployments/.tmp-pg-${process.pid}`;
    anvil = await startAnvil({ port: await freePort(), logFile: join(dataDir, 'anvil.log') });
    client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl), cacheTime: 0 });
    deployment = await deployVenue({ rpcUrl: anvil.rpcUrl, privateKey: ANVIL_OPERATOR_KEY, deploymentsDir });
    const pool = deployment.pools[1];
    await approveRouterForLp(client, anvil.rpcUrl, deployment, pool);
    const lp = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(anvil.rpcUrl) });
    const securityIs0 = pool.currency0 === pool.security;
    for (let i = 0; i < 6; i++) {
      const buy = i % 2 === 0;
      const { commands, inputs } = encodeSwapExactInSingle({
        poolKey: poolKeyOf(pool), zeroForOne: buy ? !securityIs0 : securityIs0, amountIn: buy ? 3_000_000_000n : 20n * 10n ** 18n, amountOutMinimum: 0n,
      });
      await client.waitForTransactionReceipt({ hash: await lp.writeContract({ address: deployment.universalRouter, abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] }) });
    }
  }, 180_000);

  afterAll(async () => {
    await lite?.close();
    await server?.close();
    await anvil?.stop();
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists ${database}`);
    await c.end();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(deploymentsDir, { recursive: true, force: true });
  });

  it('indexes the same chain into identical rows and reports', async () => {
    for (const ledger of [lite, server]) {
      const o = { client, ledger, deployment, confirmations: 1, maxRange: 10 };
      while (!(await syncOnce(o)).caughtUp);
    }
    // Compare as text, column by column: the drivers differ in how they hand back int8 and numeric.
    for (const table of LOG_TABLES) {
      const read = (l: Ledger) =>
        l.query<Record<string, unknown>>(`select * from ${table} order by block_number, log_index`).then((rows) =>
          rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]))),
        );
      const [a, b] = await Promise.all([read(lite), read(server)]);
      expect(b, table).toEqual(a);
      expect(a.length, table).toBeGreaterThan(0);
    }
    const block = await client.getBlock();
    const date = new Date(Number(block.timestamp) * 1000);
    const quarter = parseQuarter(`${date.getUTCFullYear()}Q${Math.floor(date.getUTCMonth() / 3) + 1}`);
    const now = new Date();
    const [ra, rb] = await Promise.all([quarterlyReport(lite, 31337, quarter, { now }), quarterlyReport(server, 31337, quarter, { now })]);
    expect(rb).toEqual(ra);
    expect(ra.total.trades).toBe(6);
  }, 120_000);
});
