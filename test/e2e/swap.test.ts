/** An investor's day in Chromium: eligibility, the swap form's refusals, the Permit2 flow, a settled trade. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
