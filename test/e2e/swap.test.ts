/**
 * An investor's day in Chromium: eligibility, the swap form's refusals (bad and ambiguous amounts, an unconfirmed
 * extreme price, a paused pool, more than the pool can fill, an unreachable chain), the Permit2 flow, a settled trade.
 */
import { createWalletClient, http, parseUnits, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateHookAbi, v4QuoterAbi } from '../../sdk/abis/generated.ts';
import { decodeRevert } from '../../sdk/errors.ts';
import { poolKeyOf } from '../../sdk/manifest.ts';
import { ANVIL_OPERATOR_KEY } from '../../script/venue/anvil.ts';
import { POOL_PAUSED, revertDataOf } from '../../web/src/lib/revert.ts';
import { openAs, startE2E, type E2E } from './harness.ts';
import { signInAs } from '../utils/api.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E('swap');
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

describe('swap (in Chromium)', () => {
  it('an in-lockup investor sees the countdown and a disabled swap, with the reason', async () => {
    const page = await openAs(e2e, 'swap', 'bob');
    await expect.poll(() => page.getByTestId('lockup-countdown').first().textContent()).toMatch(/^\d+d \d+h$/);
    await page.getByTestId('swap-amount').fill('100');
    await expect.poll(() => page.getByTestId('swap-blocker').textContent()).toMatch(/still in the lockup for this security, which ends on \d{4}-\d{2}-\d{2}/);
    expect(await page.getByTestId('swap-submit').isDisabled()).toBe(true);
    await e2e.screenshot('swap-lockup');
  });

  it('an exit-only investor (lapsed) is told she may sell, is refused a buy before anything is sent, and may sell', async () => {
    const page = await openAs(e2e, 'swap', 'carol');
    await expect.poll(() => page.getByTestId('exit-only').textContent()).toBe(
      'You may sell and withdraw liquidity; buying needs a current accreditation and an offering that admits you.',
    );
    expect(await page.getByTestId('standing-ACME-A/dUSD').textContent()).toBe('ACME-A: may sell only (accreditation expired)');
    await page.getByTestId('swap-amount').fill('100');
    await expect.poll(() => page.getByTestId('swap-blocker').textContent()).toMatch(/accreditation has expired \(on \d{4}-\d{2}-\d{2}\)/);
    expect(await page.getByTestId('swap-submit').isDisabled()).toBe(true);

    await page.getByRole('radio', { name: 'Sell' }).click();
    await page.getByTestId('swap-amount').fill('10');
    await expect.poll(() => page.getByTestId('swap-quote').textContent()).toMatch(/You receive \(dUSD\): [\d.,]+$/);
    expect(await page.getByTestId('swap-blocker').count()).toBe(0);
    await e2e.screenshot('swap-exit-only');
    await page.getByRole('button', { name: /Approve ACME-A/ }).click();
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').count(), { timeout: 20_000 }).toBe(1);
    await page.getByTestId('swap-submit').click();
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').count(), { timeout: 20_000 }).toBe(2);
    const carol = await signInAs(e2e.apiUrl, 'carol');
    await expect.poll(async () => (await carol.get('/trades?side=sell')).body.items, { timeout: 20_000 }).toEqual([
      expect.objectContaining({ security_amount: '10000000000000000000' }),
    ]);
  });

  it('names bad input and never enables the swap for it', async () => {
    const page = await openAs(e2e, 'swap', 'alice');
    const amount = page.getByTestId('swap-amount');
    for (const [text, problem] of [
      ['abc', 'Not a number'],
      ['0', 'Must be more than zero'],
      ['1.1234567', 'At most 6 decimal places'],
      ['999999999999', 'More than your balance'],
    ] as const) {
      await amount.fill(text);
      await expect.poll(() => page.getByRole('alert').filter({ hasText: problem }).count()).toBeGreaterThan(0);
      expect(await page.getByTestId('swap-submit').isDisabled()).toBe(true);
    }
    await page.getByText(/^Settings:/).click();
    await page.getByTestId('slippage').fill('9');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Between 0.01% and 5%' }).count()).toBe(1);
    await page.getByTestId('slippage').fill('0.5');
  });

  it('reads a decimal comma as a decimal (1,5 is 1.5, not 15), shows the amount as understood, and refuses an ambiguous one', async () => {
    // eve is not registered, so may not trade; the form still reads and quotes what she types.
    const page = await openAs(e2e, 'swap', 'eve');
    const amount = page.getByTestId('swap-amount');
    const quoteOf = async (text: string) => {
      await amount.fill(text);
      await expect.poll(() => page.getByTestId('swap-quote').textContent()).toMatch(/You receive \(ACME-A\): [\d.,]+$/);
      return page.getByTestId('swap-quote').textContent();
    };
    const pointQuote = await quoteOf('1.5');
    expect(await quoteOf('1,5')).toBe(pointQuote);
    expect(await page.getByTestId('swap-understood').textContent()).toBe('= 1.5 dUSD');
    expect(await quoteOf(' 1 234.5 ')).not.toBe(pointQuote);
    expect(await page.getByTestId('swap-understood').textContent()).toBe('= 1,234.5 dUSD');

    // In en-US "1,234" may be a thousand and more or a decimal comma: the form asks instead of guessing.
    await amount.fill('1,234');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: '"1,234" is ambiguous' }).textContent()).toBe(
      '"1,234" is ambiguous: "," may group thousands (1234) or mark decimals. Type 1234, or 1.234 for a decimal.',
    );
    expect(await page.getByTestId('swap-understood').count()).toBe(0);
    expect(await page.getByTestId('swap-submit').isDisabled()).toBe(true);

    // A German browser reads its own format: "." groups, "," is the decimal.
    const de = await openAs(e2e, 'swap', 'eve', { locale: 'de-DE' });
    await de.getByTestId('swap-amount').fill('1.234,5');
    await expect.poll(() => de.getByTestId('swap-understood').textContent()).toBe('= 1,234.5 dUSD');
    await de.getByTestId('swap-amount').fill('1,234');
    await expect.poll(() => de.getByTestId('swap-understood').textContent()).toBe('= 1.234 dUSD');
    await e2e.screenshot('swap-decimal-comma');
  });

  it('a typed "confirm" covers only the trade it confirmed: a larger amount or another side needs its own', async () => {
    const page = await openAs(e2e, 'swap', 'lp');
    const amount = page.getByTestId('swap-amount');
    const blocker = page.getByTestId('swap-blocker');
    const confirm = page.getByLabel('Type "confirm" to accept this price');
    const quoteFor = async (text: string) => {
      const before = await page.getByTestId('swap-quote').textContent();
      await amount.fill(text);
      await expect.poll(() => page.getByTestId('swap-quote').textContent()).not.toBe(before);
      await expect.poll(() => page.getByTestId('swap-quote').textContent()).toMatch(/: [\d.,]+$/);
    };
    // About 11% worse than mid, fee included: the form asks for the word.
    await quoteFor('125000');
    await expect.poll(() => page.getByTestId('impact-warning').textContent()).toMatch(/^Extreme price impact/);
    await expect.poll(() => blocker.textContent()).toMatch(/type "confirm"/i);
    await confirm.fill('confirm');
    await expect.poll(() => blocker.count()).toBe(0);

    // Raised to well over 100%: the confirmation was for the other trade, so it is gone and the button is disabled.
    await quoteFor('600000');
    expect(await confirm.inputValue()).toBe('');
    expect(Number((await page.getByTestId('swap-impact').textContent())!.replace('%', ''))).toBeGreaterThan(100);
    expect(await blocker.textContent()).toMatch(/^This trade is 1\d\d\.\d\d% worse than the mid price \(fee included\), more than 10%: type "confirm" to accept it\.$/);
    expect(await page.getByTestId('swap-submit').isDisabled()).toBe(true);
    // The fee is shown apart from the impact: 0.30% of 600,000 dUSD.
    expect(await page.getByTestId('swap-fee').textContent()).toBe('1,800 dUSD');
    await e2e.screenshot('swap-confirm-cleared');
    // Back to the amount that was confirmed: the change cleared the confirmation for good.
    await quoteFor('125000');
    expect(await confirm.inputValue()).toBe('');
    await expect.poll(() => blocker.textContent()).toMatch(/type "confirm"/);

    // Confirmed again for this trade, then the exact side changes: cleared again.
    await confirm.fill('confirm');
    await expect.poll(() => blocker.count()).toBe(0);
    await page.getByRole('radio', { name: 'Exact receive' }).click();
    await quoteFor('10000');
    await expect.poll(() => blocker.textContent()).toMatch(/type "confirm" to accept it/);
    expect(await confirm.inputValue()).toBe('');
  });

  it('says what the pool can fill instead of NotEnoughLiquidity: the largest size, which V4Quoter takes and one tick more it refuses', async () => {
    const page = await openAs(e2e, 'swap', 'lp');
    await page.getByRole('radio', { name: 'Exact receive' }).click();
    await page.getByTestId('swap-amount').fill('20000');
    const blocker = page.getByTestId('swap-blocker');
    await expect.poll(() => blocker.textContent(), { timeout: 20_000 }).toMatch(/^The pool's liquidity can't pay out 20,000 ACME-A: the most it would pay out now is [\d,.]+ ACME-A\.$/);
    expect(await blocker.textContent()).not.toMatch(/NotEnoughLiquidity/);
    expect(await page.getByTestId('swap-submit').isDisabled()).toBe(true);
    const shown = /now is ([\d,.]+) ACME-A/.exec((await blocker.textContent())!)![1].replace(/,/g, '');

    const pool = e2e.venue.deployment.pools[0];
    const quote = (shares: bigint) =>
      e2e.venue.client
        .simulateContract({
          address: e2e.venue.deployment.v4Quoter,
          abi: v4QuoterAbi,
          functionName: 'quoteExactOutputSingle',
          args: [{ poolKey: poolKeyOf(pool), zeroForOne: pool.currency0 === e2e.venue.deployment.stablecoin, exactAmount: shares, hookData: '0x' }],
        })
        .then(() => 'quoted', (err) => decodeRevert(revertDataOf(err)!).name);
    expect(await quote(parseUnits(shown, 18))).toBe('quoted');
    expect(await quote(parseUnits(shown, 18) + 10n ** 14n)).toBe('NotEnoughLiquidity');
  });

  it('a pool the gate has paused says so in the eligibility strip and the market, and the swap is refused before anything is sent', async () => {
    const { deployment, client, anvil } = e2e.venue;
    const acme = deployment.pools[0];
    const operator = createWalletClient({ account: privateKeyToAccount(ANVIL_OPERATOR_KEY as Hex), chain: foundry, transport: http(anvil.rpcUrl) });
    const setPaused = async (paused: boolean) =>
      client.waitForTransactionReceipt({ hash: await operator.writeContract({ address: deployment.gateHook, abi: gateHookAbi, functionName: 'setPaused', args: [[acme.poolId], paused] }) });
    await setPaused(true);
    try {
      const page = await openAs(e2e, 'swap', 'lp');
      const chip = page.getByTestId('standing-ACME-A/dUSD');
      await expect.poll(() => chip.textContent()).toBe('ACME-A: pool paused by the venue');
      expect(await chip.getAttribute('title')).toBe(POOL_PAUSED);
      expect(await page.getByTestId('standing-HSREF/dUSD').textContent()).toBe('HSREF: may trade');
      await page.getByTestId('swap-amount').fill('100');
      await expect.poll(() => page.getByTestId('swap-blocker').textContent()).toBe(POOL_PAUSED);
      expect(await page.getByTestId('swap-submit').isDisabled()).toBe(true);
      await e2e.screenshot('swap-paused');
      await page.goto(`${e2e.webUrl}/#/market`);
      await expect.poll(() => page.getByTestId('pool-paused').textContent()).toBe(POOL_PAUSED);
    } finally {
      await setPaused(false);
    }
    await expect.poll(() => e2e.page.getByTestId('standing-ACME-A/dUSD').textContent(), { timeout: 10_000 }).toBe('ACME-A: may trade');
    expect(await e2e.page.getByTestId('pool-paused').count()).toBe(0);
  });

  it('says the chain is unreachable, naming its RPC, keeps trying, and recovers by itself when it answers again', async () => {
    await e2e.page.context().close();
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    e2e.page = page;
    const rpc = new URL(e2e.venue.anvil.rpcUrl);
    let refused = 0;
    const isRpc = (url: URL) => url.origin === rpc.origin;
    // As if the node were down: every request to it is refused at the connection.
    await context.route(isRpc, (route) => (refused++, route.abort('connectionrefused')));
    await page.goto(`${e2e.webUrl}/#/swap`);
    const banner = page.getByTestId('chain-unreachable');
    await expect.poll(() => banner.textContent(), { timeout: 20_000 }).toContain(`The chain is unreachable: its RPC at ${e2e.venue.anvil.rpcUrl} does not answer. Retrying every second.`);
    const before = refused;
    await page.waitForTimeout(2_500);
    expect(refused - before).toBeGreaterThanOrEqual(2);
    await e2e.screenshot('swap-chain-unreachable');

    await context.unroute(isRpc);
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    // The reads that failed meanwhile (the tokens behind the form) are made again: the form is there, no skeleton.
    await page.getByTestId('swap-amount').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('status', { name: 'Loading tokens' }).count()).toBe(0);
  });

  it('an eligible investor approves once, signs a permit, buys at the quote, and the trade is settled and in the market feed', async () => {
    const page = await openAs(e2e, 'swap', 'alice');
    await page.getByTestId('swap-amount').fill('250');
    await expect.poll(() => page.getByTestId('swap-quote').textContent()).toMatch(/You receive \(ACME-A\): [\d.,]+$/);
    await page.getByRole('button', { name: /Approve dUSD/ }).click();
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').count(), { timeout: 20_000 }).toBe(1);
    await page.getByTestId('swap-submit').click();
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').count(), { timeout: 20_000 }).toBe(2);
    await e2e.screenshot('swap-confirmed');
    const alice = await signInAs(e2e.apiUrl, 'alice');
    await expect
      .poll(async () => (await alice.get('/trades')).body.items, { timeout: 20_000 })
      .toEqual([expect.objectContaining({ side: 'buy', stable_amount: '250000000' })]);
    // The trade confirmation also reaches the market page's feed.
    const [trade] = (await alice.get('/trades')).body.items as { tx_hash: string }[];
    await page.goto(`${e2e.webUrl}/#/market`);
    await page.locator(`[data-testid=trade-row][data-tx="${trade.tx_hash}"]`).waitFor({ timeout: 20_000 });
  });

  it('sells for an exact amount of stablecoin: approves the security once, signs its permit, receives exactly that', async () => {
    const page = await openAs(e2e, 'swap', 'alice');
    await page.getByRole('radio', { name: 'Sell' }).click();
    await page.getByRole('radio', { name: 'Exact receive' }).click();
    await page.getByTestId('swap-amount').fill('100');
    await expect.poll(() => page.getByTestId('swap-quote').textContent()).toMatch(/You pay \(ACME-A\): [\d.,]+$/);
    await expect.poll(() => page.getByText(/Maximum sold/).count()).toBe(1);
    await page.getByRole('button', { name: /Approve ACME-A/ }).click();
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').count(), { timeout: 20_000 }).toBe(1);
    await page.getByTestId('swap-submit').click();
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').count(), { timeout: 20_000 }).toBe(2);
    const alice = await signInAs(e2e.apiUrl, 'alice');
    await expect
      .poll(async () => (await alice.get('/trades?side=sell')).body.items, { timeout: 20_000 })
      .toEqual([expect.objectContaining({ stable_amount: '100000000' })]);
  });

  it('the wallet picker is a menu: arrow keys move, Escape closes it back to its button, a click outside closes it', async () => {
    await e2e.page?.context().close();
    const page = await (await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    e2e.page = page;
    await page.goto(`${e2e.webUrl}/#/swap`);
    const button = page.getByRole('button', { name: 'Connect wallet' });
    const menu = page.getByRole('menu', { name: 'Wallets' });
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

    await button.click();
    const items = (await menu.getByRole('menuitem').allTextContents()).map((t) => t.trim());
    expect(items.length).toBeGreaterThan(2);
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await focused()).toBe(items[0]);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(items[1]);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(items.at(-1));
    await page.keyboard.press('Home');
    expect(await focused()).toBe(items[0]);
    await page.keyboard.press('Escape');
    expect(await menu.count()).toBe(0);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Connect wallet');

    await button.click();
    await menu.waitFor();
    await page.mouse.click(640, 700);
    expect(await menu.count()).toBe(0);

    // Enter on an item is a choice: the first account connects.
    await button.press('Enter');
    await menu.waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('connected-address').waitFor();
    expect(await menu.count()).toBe(0);
  });

  it('draws the keyboard focus ring of a segmented control whole, inside the control that clips its segments', async () => {
    const page = await openAs(e2e, 'swap', 'alice', { signIn: false });
    const segments = page.locator('.segmented button');
    await segments.first().waitFor();
    await page.keyboard.press('Shift'); // keyboard modality: focus() shows the ring as a Tab would
    for (const segment of await segments.all()) {
      await segment.focus();
      const ring = await segment.evaluate((button) => {
        const style = getComputedStyle(button);
        const control = button.closest('.segmented')!;
        const clip = control.getBoundingClientRect();
        const border = parseFloat(getComputedStyle(control).borderTopWidth);
        const b = button.getBoundingClientRect();
        const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
        return {
          visible: button.matches(':focus-visible') && style.outlineStyle !== 'none',
          clipped: getComputedStyle(control).overflow !== 'visible',
          inside: b.left - reach >= clip.left + border - 0.5 && b.right + reach <= clip.right - border + 0.5 && b.top - reach >= clip.top + border - 0.5 && b.bottom + reach <= clip.bottom - border + 0.5,
        };
      });
      expect(ring).toEqual({ visible: true, clipped: true, inside: true });
    }
  });
});
