/**
 * Who sees what, in Chromium: an investor signed in sees their own trades as theirs and everyone else's anonymized;
 * signing out (disconnecting the wallet) hides the data again; an officer sees every trade with its investor, and
 * the access log records that read.
 */
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveRouterForLp, LP_ACCOUNT } from '../../script/venue/fixtures.ts';
import { castAccount } from '../utils/api.ts';
import { swapAs } from '../utils/trade.ts';
import { openAs, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
let aliceTx: Hex;
let lpTx: Hex;
const alice = castAccount('alice');

beforeAll(async () => {
  e2e = await startE2E('privacy');
  const { client, anvil, deployment } = e2e.venue;
  const pool = deployment.pools[0];
  for (const account of [alice, LP_ACCOUNT]) await approveRouterForLp(client, anvil.rpcUrl, deployment, pool, account);
  aliceTx = (await swapAs(client, anvil.rpcUrl, deployment, pool, alice, true, 150_000_000n)).transactionHash;
  lpTx = (await swapAs(client, anvil.rpcUrl, deployment, pool, LP_ACCOUNT, true, 90_000_000n)).transactionHash;
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
});

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

describe('privacy (in Chromium)', () => {
  it("shows an investor their own trade as theirs and the LP's without its address or transaction; signing out hides both", async () => {
    const page = await openAs(e2e, 'market', 'alice');
    const rows = page.getByTestId('trade-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    const own = page.locator(`[data-testid=trade-row][data-tx="${aliceTx}"]`);
    expect(await own.getByTestId('trade-investor').textContent()).toBe('you');
    expect(await own.getAttribute('data-mine')).toBe('true');
    const other = page.locator('[data-testid=trade-row]:not([data-mine])');
    expect(await other.count()).toBe(1);
    expect(await other.getAttribute('data-tx')).toBeNull();
    expect(await other.getByTestId('trade-investor').textContent()).toBe('—');
    expect(await page.content()).not.toContain(lpTx);
    expect((await page.content()).toLowerCase()).not.toContain(LP_ACCOUNT.address.slice(2).toLowerCase());
    // The quarterly report names every participant: not offered to an investor.
    expect(await page.getByTestId('report-csv').count()).toBe(0);
    await e2e.screenshot('privacy-investor');

    // Disconnecting signs out: the API's data is gone from the page, and the session cookie no longer works.
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(0);
    await page.getByTestId('sign-in-needed').first().waitFor({ timeout: 20_000 });
    const status = await page.evaluate(async (api) => (await fetch(`${api}/auth/session`, { credentials: 'include' })).status, e2e.apiUrl);
    expect(status).toBe(401);
  });

  it("shows an officer every trade with its investor, and records that read in the access log the desk shows", async () => {
    const page = await openAs(e2e, 'market', 'officer');
    const rows = page.getByTestId('trade-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(await page.locator(`[data-testid=trade-row][data-tx="${lpTx}"]`).getByTestId('trade-investor').textContent()).toBe(short(LP_ACCOUNT.address));
    expect(await page.locator(`[data-testid=trade-row][data-tx="${aliceTx}"]`).getByTestId('trade-investor').textContent()).toBe(short(alice.address));

    await page.goto(`${e2e.webUrl}/#/compliance`);
    const entries = page.locator('[data-testid=access-entry][data-action="GET /tape"][data-subject=all]');
    await expect.poll(() => entries.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=access-entry]').first().locator('td').nth(1).textContent()).toBe(short(castAccount('officer').address));
    await e2e.screenshot('privacy-access-log');
  });
});
