/**
 * An investor's notices in Chromium: alice's Rule 144 lot of ACME-A is announced once its release is 30 days away
 * (chain time, moved with evm_increaseTime), read when she opens the list (and still read after a reload), and
 * announced again, as a new notice, once it has released.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investorRegistryAbi, restrictedSecurityTokenAbi } from '../../sdk/abis/generated.ts';
import { formatAmount, formatDate } from '../../web/src/lib/amount.ts';
import { castAccount } from '../utils/api.ts';
import { openAs, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E('notices');
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

const DAY = 86_400;

async function rpc(method: string, params: unknown[] = []) {
  const res = await fetch(e2e.venue.anvil.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const { error, result } = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (error) throw new Error(`${method}: ${error.message}`);
  return result;
}

/** Moves chain time to `t` (unix seconds) with one block there. */
async function travelTo(t: number) {
  const { timestamp } = await e2e.venue.client.getBlock();
  await rpc('evm_increaseTime', [t - Number(timestamp)]);
  await rpc('evm_mine');
}

describe('notices (in Chromium)', () => {
  it("announces alice's lot release 30 days ahead and again once released, each read once she opens the list", async () => {
    const { client, deployment: d } = e2e.venue;
    const acme = d.pools.find((p) => p.name === 'ACME-A/dUSD')!;
    const alice = castAccount('alice');
    const { identity } = await client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [alice.address] });
    const [lot] = await client.readContract({ address: acme.security, abi: restrictedSecurityTokenAbi, functionName: 'lotsOf', args: [identity] });
    const releaseAt = Number(lot.releaseAt);
    const what = `${formatAmount(lot.amount, 18)} ACME-A shares (Rule 144 holding period)`;

    const page = await openAs(e2e, 'portfolio', 'alice', { signIn: false });
    const button = page.getByTestId('notices-button');
    await expect.poll(() => button.getAttribute('data-unread'), { timeout: 20_000 }).toBe('0');
    await button.click();
    expect(await page.getByRole('region', { name: 'Notices' }).textContent()).toMatch(/^Nothing in the next or last 30 days/);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('notices-button');

    // Ten days before the release: announced, unread.
    await travelTo(releaseAt - 10 * DAY);
    await expect.poll(() => button.getAttribute('data-unread'), { timeout: 20_000 }).toBe('1');
    await button.click();
    const notices = page.getByTestId('notice');
    expect(await notices.allTextContents()).toEqual([`${what} unlock on ${formatDate(releaseAt)} (in 10 days). new`]);
    await expect.poll(() => button.getAttribute('data-unread')).toBe('0');
    await page.keyboard.press('Escape');
    await page.reload();
    await expect.poll(() => page.getByTestId('notices-button').getAttribute('data-unread'), { timeout: 20_000 }).toBe('0');

    // Released: a new notice, unread again; the token agrees the shares are free.
    await travelTo(releaseAt + DAY);
    const again = page.getByTestId('notices-button');
    await expect.poll(() => again.getAttribute('data-unread'), { timeout: 20_000 }).toBe('1');
    await again.click();
    expect(await page.getByTestId('notice').allTextContents()).toEqual([`${what} unlocked on ${formatDate(releaseAt)}: they may be sold. new`]);
    const [locked] = await client.readContract({ address: acme.security, abi: restrictedSecurityTokenAbi, functionName: 'lockedOf', args: [identity] });
    expect(locked).toBe(0n);
  });
});
