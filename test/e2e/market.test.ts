/**
 * Market data in Chromium against a real venue: swaps sent on chain (the LP through UniversalRouter) show up in the
 * feed with the chain's own figures, 24h volume equals the sum of the chain's Swap events, the quote ladder is filled,
 * a new swap arrives live over SSE, and with the keepers' API unreachable the keeper panels say so while the
 * chain-derived ones keep working.
 */
import { erc20Abi, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolManagerAbi } from '../../sdk/abis/generated.ts';
import type { Pool } from '../../sdk/manifest.ts';
import { freePort } from '../../script/venue/anvil.ts';
import { approveRouterForLp, LP_ACCOUNT } from '../../script/venue/fixtures.ts';
import { formatAmount } from '../../web/src/lib/amount.ts';
import { formatFixed } from '../../web/src/features/market/logic.ts';
import { openAs, startE2E, type E2E } from './harness.ts';
import { signInAs } from '../utils/api.ts';
import { swapAs } from '../utils/trade.ts';

let e2e: E2E;
const DAY = 86_400;

beforeAll(async () => {
  e2e = await startE2E('market');
  const { client, anvil, deployment } = e2e.venue;
  for (const pool of deployment.pools) await approveRouterForLp(client, anvil.rpcUrl, deployment, pool);
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
});

/** The LP swaps `amount` (raw units of what it pays) in `pool` through UniversalRouter, as any investor would. */
async function swap(pool: Pool, side: 'buy' | 'sell', amount: bigint): Promise<Hex> {
  const { client, anvil, deployment } = e2e.venue;
  const receipt = await swapAs(client, anvil.rpcUrl, deployment, pool, LP_ACCOUNT, side === 'buy', amount);
  expect(receipt.status).toBe('success');
  return receipt.transactionHash;
}

interface ChainTrade {
  txHash: Hex;
  logIndex: number;
  side: 'buy' | 'sell';
  shares: bigint;
  stable: bigint;
  /** The LP fee of the swap, in pips. */
  feePips: number;
  blockTime: number;
}

/** The pool's swaps straight from the PoolManager's Swap events (the swapper's deltas: positive is received). */
async function chainTrades(pool: Pool): Promise<ChainTrade[]> {
  const { client, deployment } = e2e.venue;
  const logs = await client.getContractEvents({
    address: deployment.poolManager, abi: poolManagerAbi, eventName: 'Swap', args: { id: pool.poolId }, fromBlock: BigInt(deployment.deployBlock), strict: true,
  });
  const securityIs0 = pool.currency0 === pool.security;
  return Promise.all(logs.map(async (l) => {
    const [security, stable] = securityIs0 ? [l.args.amount0, l.args.amount1] : [l.args.amount1, l.args.amount0];
    const block = await client.getBlock({ blockNumber: l.blockNumber });
    return {
      txHash: l.transactionHash, logIndex: l.logIndex, side: security > 0n ? 'buy' : 'sell',
      shares: security < 0n ? -security : security, stable: stable < 0n ? -stable : stable, feePips: l.args.fee, blockTime: Number(block.timestamp),
    } satisfies ChainTrade;
  }));
}

/** 24h volume from the chain: the stablecoin of every Swap in the day before the newest block. */
async function chainVolume(pool: Pool) {
  const now = Number((await e2e.venue.client.getBlock()).timestamp);
  const trades = (await chainTrades(pool)).filter((t) => t.blockTime > now - DAY);
  return { stable: trades.reduce((s, t) => s + t.stable, 0n), count: trades.length };
}

const rowOf = (hash: Hex) => e2e.page.locator(`[data-testid=trade-row][data-tx="${hash}"]`);

async function expectRowMatches(t: ChainTrade) {
  const row = rowOf(t.txHash);
  await row.waitFor({ timeout: 20_000 });
  expect(await row.getAttribute('data-log-index')).toBe(String(t.logIndex));
  expect(await row.locator('td').nth(1).textContent()).toBe(t.side === 'buy' ? 'Buy' : 'Sell');
  expect(await row.getByTestId('trade-shares').textContent()).toBe(formatAmount(t.shares, 18, 4));
  expect(await row.getByTestId('trade-stable').textContent()).toBe(formatFixed(t.stable, 6, 2));
  // The ledger's price is stablecoin per whole share, floored to six decimals; the page shows four.
  expect(await row.getByTestId('trade-price').textContent()).toBe(formatFixed((t.stable * 10n ** 18n) / t.shares, 6, 4));
  expect(await row.locator('td').nth(5).textContent()).toBe(`${LP_ACCOUNT.address.slice(0, 6)}…${LP_ACCOUNT.address.slice(-4)}`);
}

describe('market (in Chromium)', () => {
  it('lists the chain\'s swaps with their own figures, fills the ladder, and sums 24h volume as the Swap events do', async () => {
    const [acme, hsref] = e2e.venue.deployment.pools;
    await swap(acme, 'buy', 1_000_000_000n); // 1,000 dUSD
    await swap(acme, 'sell', 10n * 10n ** 18n); // 10 shares
    await swap(acme, 'buy', 250_500_000n); // 250.5 dUSD
    const other = await swap(hsref, 'buy', 500_000_000n);

    // An officer sees every trade with its investor and transaction (an investor sees them anonymized: privacy.test.ts).
    const page = await openAs(e2e, 'market', 'officer');
    const onChain = await chainTrades(acme);
    expect(onChain).toHaveLength(3);
    for (const t of onChain) await expectRowMatches(t);
    expect(await page.getByTestId('trade-row').count()).toBe(3);
    expect(await rowOf(other).count()).toBe(0); // another pool's trade is not in this feed

    const volume = await chainVolume(acme);
    await expect.poll(() => page.getByTestId('volume-24h').getAttribute('data-raw')).toBe(volume.stable.toString());
    expect(await page.getByTestId('volume-24h').textContent()).toBe(`${formatFixed(volume.stable, 6, 2)} dUSD`);
    expect(await page.getByTestId('trades-24h').textContent()).toBe(String(volume.count));

    await expect.poll(() => page.getByTestId('ladder-row').count(), { timeout: 20_000 }).toBe(4);
    expect(await page.getByTestId('ladder-block').textContent()).toMatch(/^block \d+/);
    await expect.poll(() => page.getByTestId('quote-ladder').getByText('✓ V4Quoter').count()).toBe(1);

    expect(Number(await page.getByTestId('price-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('tvl').getAttribute('data-raw'))).toBeGreaterThan(0);
    expect(await page.getByTestId('mid-price').textContent()).toMatch(/^\d+\.\d{4} dUSD$/);
    await page.getByTestId('depth-table').waitFor();
    await page.getByTestId('stream-state').filter({ hasText: 'live' }).waitFor();
    await e2e.screenshot('market');
  });

  it('shows a new swap live, over the stream, without a reload', async () => {
    const page = e2e.page;
    const acme = e2e.venue.deployment.pools[0];
    await page.evaluate(() => ((window as unknown as { marketMarker: number }).marketMarker = 42));
    const tvlBefore = BigInt((await page.getByTestId('tvl').getAttribute('data-raw'))!);

    const hash = await swap(acme, 'buy', 777_000_000n);
    const t = (await chainTrades(acme)).find((x) => x.txHash === hash)!;
    await rowOf(hash).waitFor({ timeout: 20_000 });
    // A trade that arrives live is highlighted for a moment; the ones that were there are not.
    expect(await rowOf(hash).getAttribute('class')).toContain('fresh');
    expect(await page.locator('[data-testid=trade-row].fresh').count()).toBe(1);
    await expectRowMatches(t);
    // The newest trade is on top, and the page is the same document (no reload happened).
    expect(await page.getByTestId('trade-row').first().getAttribute('data-tx')).toBe(hash);
    expect(await page.evaluate(() => (window as unknown as { marketMarker?: number }).marketMarker)).toBe(42);

    const volume = await chainVolume(acme);
    expect(volume.count).toBe(4);
    await expect.poll(() => page.getByTestId('volume-24h').getAttribute('data-raw')).toBe(volume.stable.toString());
    expect(await page.getByTestId('trades-24h').textContent()).toBe('4');
    // The chain-derived value locked moved with the swap (the pool took in dUSD and paid out shares at a higher price).
    await expect.poll(async () => BigInt((await page.getByTestId('tvl').getAttribute('data-raw'))!) !== tvlBefore).toBe(true);

    // An independent check of the value-locked integration: no other pool holds ACME-A, so the PoolManager's ACME-A
    // balance is what the positions hold plus the LP fees taken in ACME-A (sells pay theirs in shares), to the wei up to
    // per-position and per-step rounding.
    const { client, deployment } = e2e.venue;
    const held = await client.readContract({ address: acme.security, abi: erc20Abi, functionName: 'balanceOf', args: [deployment.poolManager] });
    const sellFees = (await chainTrades(acme)).filter((x) => x.side === 'sell').reduce((s, x) => s + (x.shares * BigInt(x.feePips) + 999_999n) / 1_000_000n, 0n);
    await expect.poll(async () => {
      const inPositions = BigInt((await page.getByTestId('pool-holds').getAttribute('data-shares'))!);
      const dust = held - inPositions - sellFees;
      return dust >= -10n && dust <= 10n;
    }).toBe(true);
  });

  it('switches pools, and validates the report quarter before linking to it', async () => {
    const page = e2e.page;
    const hsref = e2e.venue.deployment.pools[1];
    const historyFetches: string[] = [];
    page.on('request', (r) => void (r.url().includes('/tape?') && historyFetches.push(r.url())));
    await page.getByTestId('market-pool').selectOption(hsref.poolId);
    const [t] = await chainTrades(hsref);
    await expectRowMatches(t);
    expect(await page.getByTestId('trade-row').count()).toBe(1);
    // The history is fetched once, after the stream opened (so nothing falls between the two), not also before.
    await page.getByTestId('stream-state').filter({ hasText: 'live' }).waitFor();
    await page.waitForTimeout(500);
    expect(historyFetches.filter((u) => u.includes(hsref.poolId))).toHaveLength(1);

    const quarter = page.getByTestId('report-quarter');
    for (const [text, problem] of [
      ['2026-3', 'Not a quarter'],
      ['2026Q5', 'The quarter must be 1 to 4'],
      ['2999Q1', "hasn't started yet"],
    ] as const) {
      await quarter.fill(text);
      await expect.poll(() => page.getByRole('alert').filter({ hasText: problem }).count()).toBe(1);
      expect(await page.getByTestId('report-csv').evaluate((el) => el.tagName)).toBe('BUTTON');
      expect(await page.getByTestId('report-csv').isDisabled()).toBe(true);
    }
    const now = Number((await e2e.venue.client.getBlock()).timestamp);
    const d = new Date(now * 1000);
    const current = `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
    await quarter.fill(current.toLowerCase());
    const href = await page.getByTestId('report-csv').getAttribute('href');
    expect(href).toBe(`${e2e.apiUrl}/reports/quarterly?quarter=${current}&format=csv`);
    // The link opens in the officer's browser, with its session cookie; here the officer's script signs in itself.
    expect((await fetch(href!)).status).toBe(401);
    const officer = await signInAs(e2e.apiUrl, 'officer');
    const res = await fetch(href!, { headers: { authorization: `Bearer ${officer.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
  });

  it('says the keeper panels are unavailable when the API is down, while chain data still shows', async () => {
    await e2e.page.context().close();
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const deadApi = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    // The dashboard's runtime config, as served, but naming an API that isn't running.
    await context.route('**/config.json', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), apiUrl: deadApi } });
    });
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    e2e.page = page;
    await page.goto(`${e2e.webUrl}/#/market`);

    for (const what of ['The price chart', 'The quote ladder', 'The trade feed', '24h volume and trade count']) {
      await page.getByRole('status').filter({ hasText: `${what} is unavailable` }).waitFor({ timeout: 20_000 });
    }
    await page.getByTestId('keeper-status').filter({ hasText: 'unavailable' }).waitFor();
    expect(await page.getByTestId('mid-price').textContent()).toMatch(/^\d+\.\d{4} dUSD$/);
    expect(BigInt((await page.getByTestId('tvl').getAttribute('data-raw'))!)).toBeGreaterThan(0n);
    await page.getByTestId('depth-chart').waitFor();
    expect(await page.getByTestId('trade-row').count()).toBe(0);
    await e2e.screenshot('market-api-down');
    expect(errors).toEqual([]);
  });

  it('names every route: its own tab title and exactly one h1; the app has a favicon', async () => {
    const page = await openAs(e2e, 'swap', 'officer', { signIn: false });
    for (const [path, label] of [['portfolio', 'Portfolio'], ['swap', 'Swap'], ['positions', 'Positions'], ['market', 'Market'], ['compliance', 'Compliance']]) {
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: label }).click();
      await page.locator('main .panel, main [data-testid=compliance-desk]').first().waitFor();
      expect(page.url()).toMatch(new RegExp(`#/${path}$`));
      await expect.poll(() => page.title()).toBe(`${label} · Accredex`);
      expect(await page.locator('h1').allTextContents()).toEqual([label]);
      expect(await page.getByRole('heading', { level: 1, name: label }).count()).toBe(1);
    }
    // The favicon is inline (no request, allowed by the CSP's img-src data:) and draws.
    const icon = await page.locator('link[rel=icon]').getAttribute('href');
    expect(icon).toMatch(/^data:image\/svg\+xml,/);
    expect(await page.evaluate((href) => new Promise<number>((done) => {
      const img = new Image();
      img.onload = () => done(img.naturalWidth);
      img.onerror = () => done(0);
      img.src = href;
    }), icon!)).toBeGreaterThan(0);
  });
});
