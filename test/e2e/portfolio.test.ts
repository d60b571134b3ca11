/**
 * The investor's portfolio in Chromium: alice trades three times through UniversalRouter (two buys at different
 * prices, then a partial sell), and her home page shows her identity's holdings as the chain has them and the cost
 * basis and realized P&L that the trades' own receipts give by the average-cost method; it fits a phone's width, and
 * says so when the keepers' API is down or she is not signed in, while the holdings still show. The lp's holdings add
 * the shares under its positions, as sdk/v4's positionAmounts computes them from the chain.
 */
import { readFileSync } from 'node:fs';
import { createWalletClient, erc20Abi, formatUnits, getAbiItem, http, parseEventLogs, parseUnits, type Address, type TransactionReceipt } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { ANVIL_MNEMONIC } from '../../script/venue/anvil.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investorRegistryAbi, positionManagerAbi, restrictedSecurityTokenAbi, stateViewAbi } from '../../sdk/abis/generated.ts';
import { decodePositionInfo } from '../../sdk/periphery.ts';
import { positionAmounts } from '../../sdk/v4/math.ts';
import { approveRouterForLp } from '../../script/venue/fixtures.ts';
import { formatFixed } from '../../web/src/features/market/logic.ts';
import { formatAmount, formatDate } from '../../web/src/lib/amount.ts';
import { castAccount, signInAs } from '../utils/api.ts';
import { readPdf } from '../utils/pdf.ts';
import { swapAs } from '../utils/trade.ts';
import type { Page, Route } from 'playwright-core';
import { openAs, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E('portfolio');
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

const alice = castAccount('alice');
const d = () => e2e.venue.deployment;
const acme = () => d().pools.find((p) => p.name === 'ACME-A/dUSD')!;

/** What alice paid and received of `token` in a receipt, from its ERC-20 Transfer logs. */
function moved(receipt: TransactionReceipt, token: Address): { out: bigint; in: bigint } {
  const logs = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs: receipt.logs }).filter((l) => l.address.toLowerCase() === token.toLowerCase());
  const sum = (side: 'from' | 'to') => logs.filter((l) => l.args[side].toLowerCase() === alice.address.toLowerCase()).reduce((a, l) => a + l.args.value, 0n);
  return { out: sum('from'), in: sum('to') };
}

describe('portfolio (in Chromium)', () => {
  it("shows alice's holdings as on chain and the cost basis and realized P&L of her trades, within a phone's width", async () => {
    const { client, anvil } = e2e.venue;
    const pool = acme();
    await approveRouterForLp(client, anvil.rpcUrl, d(), pool, alice);
    const buy1 = await swapAs(client, anvil.rpcUrl, d(), pool, alice, true, parseUnits('300', 6));
    const buy2 = await swapAs(client, anvil.rpcUrl, d(), pool, alice, true, parseUnits('900', 6));
    const bought = [buy1, buy2].map((r) => ({ shares: moved(r, pool.security).in, cost: moved(r, d().stablecoin).out }));
    // Sells a third of what the two buys bought.
    const sold = (bought[0].shares + bought[1].shares) / 3n;
    const sell = await swapAs(client, anvil.rpcUrl, d(), pool, alice, false, sold);
    expect(moved(sell, pool.security).out).toBe(sold);
    const proceeds = moved(sell, d().stablecoin).in;
    // The second buy paid a higher price than the first (the pool moved up): two different prices.
    expect(bought[1].cost * bought[0].shares).toBeGreaterThan(bought[0].cost * bought[1].shares);

    // Average cost: the sold third takes its pro-rata share of the cost; the rest is realized.
    const quantity = bought[0].shares + bought[1].shares;
    const cost = bought[0].cost + bought[1].cost;
    const costOfSold = (cost * sold) / quantity;
    const expected = { cost: cost - costOfSold, realized: proceeds - costOfSold, quantity: quantity - sold };
    expect(expected.realized).not.toBe(0n);

    // The keepers' ledger has the same three trades with the same amounts.
    const api = await signInAs(e2e.apiUrl, 'alice');
    await expect
      .poll(async () => (await api.get(`/trades?pool=${pool.poolId}`)).body.items.map((t: { side: string; security_amount: string; stable_amount: string }) => [t.side, t.security_amount, t.stable_amount]), { timeout: 20_000 })
      .toEqual([
        ['buy', String(bought[0].shares), String(bought[0].cost)],
        ['buy', String(bought[1].shares), String(bought[1].cost)],
        ['sell', String(sold), String(proceeds)],
      ]);

    // Some shares in her cold wallet, so that the holdings must add both.
    const cold = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 8 }).address;
    const hot = createWalletClient({ account: alice, chain: foundry, transport: http(anvil.rpcUrl) });
    const toCold = await hot.writeContract({ address: pool.security, abi: erc20Abi, functionName: 'transfer', args: [cold, parseUnits('7', 18)] });
    expect((await client.waitForTransactionReceipt({ hash: toCold })).status).toBe('success');

    // The portfolio is alice's home page once her wallet is connected.
    const page = await openAs(e2e, '', 'alice');
    await expect.poll(() => page.locator('nav a[aria-current=page]').textContent()).toBe('Portfolio');

    // Holdings: both of her identity's wallets, as the chain has them (she has no liquidity positions).
    const registry = { address: d().investorRegistry, abi: investorRegistryAbi } as const;
    const { identity } = await client.readContract({ ...registry, functionName: 'investor', args: [alice.address] });
    const { wallets } = await client.readContract({ ...registry, functionName: 'identity', args: [identity] });
    expect(wallets.map((w) => w.toLowerCase()).sort()).toEqual([alice.address, cold].map((w) => w.toLowerCase()).sort());
    const balances = await Promise.all(wallets.map((w) => client.readContract({ address: pool.security, abi: erc20Abi, functionName: 'balanceOf', args: [w] })));
    expect(balances.every((b) => b > 0n)).toBe(true);
    const onChain = balances.reduce((a, b) => a + b, 0n);
    const holding = page.getByTestId('holding-ACME-A');
    await expect.poll(() => holding.getAttribute('data-wallets'), { timeout: 20_000 }).toBe(String(onChain));
    expect(await holding.getAttribute('data-positions')).toBe('0');
    expect(await holding.getAttribute('data-total')).toBe(String(onChain));

    // Cost basis and realized P&L, exact, and as shown.
    const pnl = page.getByTestId('pnl-ACME-A');
    await expect.poll(() => pnl.getAttribute('data-cost'), { timeout: 20_000 }).toBe(String(expected.cost));
    expect(await pnl.getAttribute('data-realized')).toBe(String(expected.realized));
    expect(await pnl.getAttribute('data-quantity')).toBe(String(expected.quantity));
    expect(await pnl.getByTestId('pnl-cost').textContent()).toBe(`${formatFixed(expected.cost, 6, 2)} dUSD`);
    expect(await pnl.getByTestId('pnl-realized').textContent()).toBe(`${formatFixed(expected.realized, 6, 2)} dUSD`);
    // She never traded HSREF: no P&L card for it, but its holding is there.
    expect(await page.getByTestId('pnl-HSREF').count()).toBe(0);
    expect(await page.getByTestId('holding-HSREF').count()).toBe(1);
    // Her 250 ACME-A of the second issuance wait in a Rule 144 lot, released when the token says; her lockup is over.
    const [lot, ...more] = await client.readContract({ address: pool.security, abi: restrictedSecurityTokenAbi, functionName: 'lotsOf', args: [identity] });
    expect(more).toEqual([]);
    const restrictions = page.getByTestId('restrictions-ACME-A');
    expect(await restrictions.getByTestId('lot').allTextContents()).toEqual([`${formatAmount(lot.amount, 18)} shares (Rule 144 holding period) locked until ${formatDate(lot.releaseAt)}`]);
    expect(lot.amount).toBe(250n * 10n ** 18n);
    const lockupEnd = await client.readContract({ ...registry, functionName: 'lockupEnd', args: [pool.security, alice.address] });
    await expect.poll(() => restrictions.getByTestId('lockup').textContent()).toBe(`The lockup ended on ${formatDate(lockupEnd)}.`);

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await e2e.screenshot('portfolio-phone');
  });

  it("lists her trades and the lp's liquidity as history, each trade with a confirmation (page and PDF) whose fields the chain bears out, and statements", async () => {
    const { client, anvil } = e2e.venue;
    const pool = acme();
    await approveRouterForLp(client, anvil.rpcUrl, d(), pool, alice);
    const receipt = await swapAs(client, anvil.rpcUrl, d(), pool, alice, true, parseUnits('120', 6));
    const shares = moved(receipt, pool.security).in;
    const api = await signInAs(e2e.apiUrl, 'alice');
    await expect.poll(async () => (await api.get('/trades')).body.items.some((t: { tx_hash: string }) => t.tx_hash === receipt.transactionHash), { timeout: 20_000 }).toBe(true);
    const mine = (await api.get('/trades')).body.items as { tx_hash: string; log_index: number; side: string }[];

    const page = await openAs(e2e, 'portfolio', 'alice');
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(mine.length);
    // Newest first: this buy leads, and every row names her as "You", never her address.
    const first = rows.first();
    expect(await first.getAttribute('data-tx')).toBe(receipt.transactionHash);
    expect(await first.textContent()).toMatch(/^.*You bought .* shares in ACME-A\/dUSD at /);
    expect(await page.getByTestId('portfolio').locator('.pf-history').textContent()).not.toMatch(new RegExp(alice.address.slice(2, 12), 'i'));
    await page.getByTestId('history-kind').selectOption('sell');
    await expect.poll(() => rows.count()).toBe(mine.filter((t) => t.side === 'sell').length);
    await page.getByTestId('history-kind').selectOption('all');

    // The CSV is what is shown, with "you" as the investor.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('history-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(mine.length + 1);
    expect(csv[1]).toContain(`,you,Bought,ACME-A/dUSD,${formatUnits(shares, 18)},120,`);
    expect(csv[1]).toContain(receipt.transactionHash);

    // The confirmation PDF, fetched with her session as the link would open it, read back field by field.
    const pdfHref = (await first.getByTestId('confirmation-pdf').getAttribute('href'))!;
    const bytes = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url, { credentials: 'include' })).arrayBuffer())), pdfHref);
    const pdf = readPdf(new Uint8Array(bytes));
    const name = await client.readContract({ address: pool.security, abi: erc20Abi, functionName: 'name' });
    const symbol = await client.readContract({ address: pool.security, abi: erc20Abi, functionName: 'symbol' });
    const { identity } = await client.readContract({ address: d().investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [alice.address] });
    const block = await client.getBlock({ blockNumber: receipt.blockNumber });
    for (const field of ['Accredex: trade confirmation', `${name} (${symbol})`, `token ${pool.security}`, 'Bought', `${formatUnits(shares, 18)} shares`, `identity ${identity}`, `wallet ${alice.address}`,
      receipt.transactionHash, `${receipt.blockNumber} (${receipt.blockHash})`, new Date(Number(block.timestamp) * 1000).toISOString(), '120 stablecoin (pool fee included)', 'acted as agent', 'not a member of the Securities Investor Protection Corporation']) {
      expect(pdf.text).toContain(field);
    }
    // The page version, opened as the link opens it (her session cookie goes with it).
    const doc = await page.context().newPage();
    await doc.goto((await first.getByTestId('confirmation-html').getAttribute('href'))!);
    expect(await doc.locator('th', { hasText: /^Quantity$/ }).locator('xpath=following-sibling::td').textContent()).toBe(`${formatUnits(shares, 18)} shares`);
    await doc.close();

    // This month's statement lists this trade.
    const month = page.getByTestId('statement-month').first();
    const statementHref = (await month.getByTestId('statement-pdf').getAttribute('href'))!;
    const statementBytes = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url, { credentials: 'include' })).arrayBuffer())), statementHref);
    expect(readPdf(new Uint8Array(statementBytes)).text).toContain(receipt.transactionHash);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await first.scrollIntoViewIfNeeded();
    await e2e.screenshot('portfolio-history-phone');

    // The lp's history has its liquidity, and no confirmation links for it.
    const lpPage = await openAs(e2e, 'portfolio', 'lp');
    await expect.poll(() => lpPage.locator('[data-testid=history-row][data-kind=add]').count(), { timeout: 20_000 }).toBeGreaterThan(1);
    expect(await lpPage.locator('[data-testid=history-row][data-kind=add] [data-testid=confirmation-pdf]').count()).toBe(0);
  });

  it("counts a trade from alice's cold wallet, her identity's other wallet, in her P&L and history, as hers", async () => {
    const { client, anvil } = e2e.venue;
    const pool = acme();
    const cold = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 8 });
    // alice funds her cold wallet with stablecoin; the cold wallet buys.
    const hot = createWalletClient({ account: alice, chain: foundry, transport: http(anvil.rpcUrl) });
    await client.waitForTransactionReceipt({ hash: await hot.writeContract({ address: d().stablecoin, abi: erc20Abi, functionName: 'transfer', args: [cold.address, parseUnits('500', 6)] }) });
    await approveRouterForLp(client, anvil.rpcUrl, d(), pool, cold);
    const receipt = await swapAs(client, anvil.rpcUrl, d(), pool, cold, true, parseUnits('200', 6));
    const api = await signInAs(e2e.apiUrl, 'alice');
    await expect.poll(async () => (await api.get(`/trades?investor=${cold.address}`)).body.items.map((t: { tx_hash: string }) => t.tx_hash), { timeout: 20_000 }).toContain(receipt.transactionHash);
    const own = (await api.get('/trades')).body.items as { side: string; security_amount: string; stable_amount: string }[];
    const coldTrades = (await api.get(`/trades?investor=${cold.address}`)).body.items as typeof own;
    // Bob may not read her cold wallet's trades.
    expect((await (await signInAs(e2e.apiUrl, 'bob')).get(`/trades?investor=${cold.address}`)).status).toBe(403);

    const page = await openAs(e2e, 'portfolio', 'alice');
    const pnl = page.getByTestId('pnl-ACME-A');
    const buys = [...own, ...coldTrades].filter((t) => t.side === 'buy').length;
    expect(coldTrades).toHaveLength(1);
    await expect.poll(() => pnl.locator('h3').textContent({ timeout: 1_000 }).catch(() => null), { timeout: 40_000 }).toContain(`${buys} buy`);
    await expect.poll(() => page.locator(`[data-testid=history-row][data-tx="${receipt.transactionHash}"]`).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator(`[data-testid=history-row][data-tx="${receipt.transactionHash}"]`).textContent()).toMatch(/You bought/);
  });

  it("counts the shares under the lp's positions, as sdk/v4's positionAmounts gives them from the chain, with its wallet's", async () => {
    const { client } = e2e.venue;
    const pool = acme();
    const lp = castAccount('lp').address;
    const posm = { address: d().positionManager, abi: positionManagerAbi } as const;
    // The lp's positions: every id PositionManager ever sent it that it still holds, in this pool.
    const logs = await client.getLogs({ address: d().positionManager, event: getAbiItem({ abi: positionManagerAbi, name: 'Transfer' }), args: { to: lp }, fromBlock: 0n });
    const ids = [...new Set(logs.map((l) => l.args.id!))];
    const held = (await Promise.all(ids.map(async (id) => ((await client.readContract({ ...posm, functionName: 'ownerOf', args: [id] })).toLowerCase() === lp.toLowerCase() ? id : undefined)))).filter((id) => id !== undefined);
    const [sqrtPriceX96] = await client.readContract({ address: d().stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId] });
    const securityIs0 = pool.currency0.toLowerCase() === pool.security.toLowerCase();
    const inPool: bigint[] = [];
    for (const id of held) {
      const [, packed] = await client.readContract({ ...posm, functionName: 'getPoolAndPositionInfo', args: [id] });
      const info = decodePositionInfo(packed);
      if (info.poolIdPrefix.toLowerCase() !== pool.poolId.slice(0, 52).toLowerCase()) continue;
      const liquidity = await client.readContract({ ...posm, functionName: 'getPositionLiquidity', args: [id] });
      const amounts = positionAmounts(sqrtPriceX96, info.tickLower, info.tickUpper, liquidity);
      inPool.push(securityIs0 ? amounts.amount0 : amounts.amount1);
    }
    expect(inPool.length).toBeGreaterThanOrEqual(2);
    const shares = inPool.reduce((a, b) => a + b, 0n);
    expect(shares).toBeGreaterThan(0n);
    const wallet = await client.readContract({ address: pool.security, abi: erc20Abi, functionName: 'balanceOf', args: [lp] });

    const page = await openAs(e2e, 'portfolio', 'lp');
    const holding = page.getByTestId('holding-ACME-A');
    await expect.poll(() => holding.getAttribute('data-positions'), { timeout: 20_000 }).toBe(String(shares));
    expect(await holding.getAttribute('data-wallets')).toBe(String(wallet));
    expect(await holding.getAttribute('data-total')).toBe(String(wallet + shares));
    expect(await holding.getByText(`In ${inPool.length} positions`).count()).toBe(1);
  });

  it("says the keepers' API is down, or that she should sign in, and shows the holdings from the chain either way", async () => {
    const api = new URL(e2e.apiUrl);
    // Her trades can't be fetched: the P&L says the API can't be reached.
    let page = await openRefusing('/trades', (route) => route.abort('connectionrefused'));
    // Each read of its trades is tried four times (react-query's retries) before the panel says so.
    await expect.poll(() => page.getByTestId('pnl-unavailable').textContent({ timeout: 1_000 }).catch(() => null), { timeout: 40_000 }).toBe(
      "The keepers' API can't be reached, so your cost basis and P&L can't be computed now. Your holdings above are read from the chain.",
    );
    expect(await page.getByTestId('holding-ACME-A').getAttribute('data-wallets')).toMatch(/^[1-9]\d*$/);
    expect(await page.getByTestId('pnl-ACME-A').count()).toBe(0);

    // Her signature is never accepted (the sign-in is refused): the P&L asks her to sign in.
    page = await openRefusing('/auth/verify', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":"refused by the test"}' }));
    await expect.poll(() => page.getByTestId('pnl-sign-in').textContent({ timeout: 1_000 }).catch(() => null), { timeout: 40_000 }).toMatch(/^Sign in to the keepers' API to see your cost basis and P&L/);
    expect(await page.getByTestId('holding-ACME-A').getAttribute('data-wallets')).toMatch(/^[1-9]\d*$/);
    expect(await page.getByTestId('pnl-ACME-A').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await e2e.screenshot('portfolio-signed-out');

    /** The portfolio at a phone's size in a fresh context whose requests to the API's `path` get `answer`, as alice. */
    async function openRefusing(path: string, answer: (route: Route) => Promise<void>): Promise<Page> {
      await e2e.page?.context().close();
      const context = await e2e.browser.newContext({ viewport: { width: 390, height: 844 } });
      await context.route((url) => url.origin === api.origin && url.pathname === path, answer);
      const opened = await context.newPage();
      e2e.page = opened;
      await opened.goto(`${e2e.webUrl}/#/portfolio`);
      await opened.getByRole('button', { name: 'Connect wallet' }).click();
      await opened.getByRole('menuitem', { name: /^alice\s+(?!\()/ }).click();
      await opened.getByTestId('holding-ACME-A').waitFor({ timeout: 20_000 });
      return opened;
    }
  });
});
