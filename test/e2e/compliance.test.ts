/**
 * A compliance officer's day in Chromium: the roster with each seeded investor's standing, a CSV import refused for
 * an invalid row, a valid one onboarding eve in one transaction, freeze and unfreeze, eve trading on the swap page,
 * an identity roster linking two wallets to one new identity in one transaction, and the issuer's remedies (a locked
 * lot, a partial freeze, a forced transfer). An investor without a role sees no officer tools.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { createWalletClient, erc20Abi, http } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateHookAbi, investorRegistryAbi, restrictedSecurityTokenAbi } from '../../sdk/abis/generated.ts';
import { ANVIL_MNEMONIC } from '../../script/venue/anvil.ts';
import { splitCsvLine } from '../../web/src/features/compliance/logic.ts';
import { openAs, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E('compliance');
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

const account = (label: string) => e2e.venue.deployment.accounts!.find((a) => a.label === label)!.address;
const row = (page: Page, label: string) => page.locator(`[data-testid=roster-row][data-label=${label}]`);
const confirmedToasts = (page: Page) => page.locator('[data-testid=toast][data-status=confirmed]').count();
const isoDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

async function chainNow(): Promise<number> {
  return Number((await e2e.venue.client.getBlock()).timestamp);
}

describe('compliance desk (in Chromium)', () => {
  it('shows the officer the roster with each investor’s standing, and searches and filters it', async () => {
    const page = await openAs(e2e, 'compliance', 'officer');
    await page.getByTestId('compliance-desk').waitFor();
    await expect.poll(() => page.getByTestId('roster-row').count(), { timeout: 20_000 }).toBe(7);
    const labels = await page.getByTestId('roster-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')));
    expect(labels.sort()).toEqual(['alice', 'alice (cold)', 'bob', 'carol', 'dave', 'gina', 'lp']);

    // Each offering's rules in plain words, the live count beside each cap; the cap table counts identities.
    const acme = page.getByTestId('offering-ACME-A');
    await expect.poll(() => acme.innerText(), { timeout: 20_000 }).toMatch(/Reg D 506\(c\): accredited investors, any jurisdiction/);
    expect(await acme.innerText()).toMatch(/At most 2,000 holders of record \(\d+ now\)\nAt most 500 of them not accredited \(0 now\)/);
    expect(await page.getByTestId('offering-HSREF').innerText()).toMatch(/At most 100 holders of record/);
    const aliceIdentity = BigInt(account('alice')).toString();
    await expect.poll(() => page.locator(`[data-testid=cap-row][data-identity="${aliceIdentity}"] td:nth-child(2) div`).count(), { timeout: 20_000 }).toBe(2);
    // The cap table exports as CSV, row for row what the desk shows, alice's identity with both her wallets.
    const [capCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cap-table-csv').click()]);
    const [capHeader, ...capLines] = readFileSync((await capCsv.path())!, 'utf8').trim().split('\n');
    expect(capHeader).toBe('identity,accredited,holder_of_record,in_wallets,in_positions,total,reserved,locked,concentration_pct,wallets');
    expect(capLines.map((l) => l.split(',')[0]).sort()).toEqual((await page.getByTestId('cap-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-identity')))).sort());
    const aliceLine = capLines.find((l) => l.startsWith(`${aliceIdentity},`))!.split(',');
    expect(aliceLine[9].split(' ').map((w) => w.toLowerCase()).sort()).toEqual([account('alice'), account('alice (cold)')].map((w) => w.toLowerCase()).sort());

    expect(await row(page, 'alice').getByTestId('accreditation').innerText()).toMatch(/^Accredited \d{4}-\d{2}-\d{2}\nexpires in 36\d days$/);
    expect(await row(page, 'alice').getByTestId('frozen').textContent()).toBe('No');
    expect(await row(page, 'alice').getByTestId('lockup-ACME-A').textContent()).toBe('Free');
    expect(await row(page, 'bob').getByTestId('lockup-ACME-A').innerText()).toMatch(/^Locked 2d 23h\nuntil \d{4}-\d{2}-\d{2} · override$/);
    expect(await row(page, 'carol').getByTestId('accreditation').innerText()).toMatch(/^Expired \d{4}-\d{2}-\d{2}\nexpired 1 day ago$/);
    expect(await row(page, 'dave').getByTestId('frozen').textContent()).toBe('Frozen');
    expect(await row(page, 'eve').count()).toBe(0);
    // The officer holds only the compliance role: pausing and routers are read-only, and say so.
    expect(await page.getByRole('button', { name: /^Pause/ }).count()).toBe(0);
    expect(await page.getByText('changes here need the pauser role').count()).toBe(1);
    expect(await page.getByText('changes here need the default admin role').count()).toBe(1);
    await e2e.screenshot('compliance-roster');

    await page.getByTestId('roster-search').fill('0x15d34');
    await expect.poll(() => page.getByTestId('roster-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')))).toEqual(['dave']);
    await page.getByTestId('roster-search').fill('');
    await page.getByLabel('In lockup').check();
    await expect.poll(() => page.getByTestId('roster-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')))).toEqual(['bob']);
    await page.getByLabel('In lockup').uncheck();
    await page.getByLabel('Frozen', { exact: true }).check();
    await expect.poll(() => page.getByTestId('roster-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')))).toEqual(['dave']);
    await page.getByLabel('Frozen', { exact: true }).uncheck();

    // Removing asks first; cancelling leaves the investor as they were.
    await page.getByRole('button', { name: 'Remove dave' }).click();
    await page.getByRole('alertdialog', { name: 'Remove dave?' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect(await row(page, 'dave').getByTestId('frozen').textContent()).toBe('Frozen');
  });

  it('refuses a CSV with an invalid row before anything is sent, then onboards eve in one transaction', async () => {
    const page = await openAs(e2e, 'compliance', 'officer');
    await expect.poll(() => page.getByTestId('roster-row').count(), { timeout: 20_000 }).toBe(7);
    const inAYear = isoDate((await chainNow()) + 365 * 86_400);
    const eve = account('eve');
    const router = e2e.venue.deployment.universalRouter;
    const blockBefore = await e2e.venue.client.getBlockNumber();

    await page.getByTestId('csv-text').fill(
      [
        'address,accreditation_expiry,frozen',
        `${eve},${inAYear},false`,
        `0x12345,${inAYear},false`,
        `${account('alice')},2020-01-31,false`,
        `${router},${inAYear},false`,
        `${eve.toLowerCase()},${inAYear},maybe`,
      ].join('\n'),
    );
    const preview = page.getByTestId('import-preview');
    await expect.poll(() => preview.getByTestId('preview-row').count()).toBe(5);
    await expect
      .poll(() => preview.getByTestId('preview-row').evaluateAll((rows) => rows.map((r) => [r.children[0].textContent, r.getAttribute('data-valid'), r.children[4].textContent])))
      .toEqual([
        ['2', 'false', 'Duplicate address: also on line 6'],
        ['3', 'false', 'Not an address (0x and 40 hex digits): "0x12345"'],
        ['4', 'false', 'Accreditation expiry: Date is in the past ("2020-01-31")'],
        ['5', 'false', 'A venue contract (UniversalRouter), not an investor'],
        ['6', 'false', 'Frozen must be true or false (found "maybe")Duplicate address: also on line 2'],
      ]);
    expect(await page.getByTestId('import-blocker').textContent()).toMatch(/^5 rows have problems/);
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
    await page.getByTestId('import-preview').scrollIntoViewIfNeeded();
    await e2e.screenshot('compliance-import-preview');
    // Nothing was sent.
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore);

    await page.getByTestId('csv-text').fill(`address,accreditation_expiry,frozen\n${eve},${inAYear},false\n`);
    await expect.poll(() => preview.getByTestId('preview-row').evaluateAll((rows) => rows.map((r) => r.children[4].textContent))).toEqual(['New investor']);
    expect(await page.getByTestId('import-blocker').count()).toBe(0);
    await page.getByTestId('import-submit').click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('import-done').textContent()).toMatch(/^Imported 1 investor in block \d+\.$/);

    // One transaction, one upsertInvestors row for eve, from the officer.
    const record = await e2e.venue.client.readContract({
      address: e2e.venue.deployment.investorRegistry,
      abi: investorRegistryAbi,
      functionName: 'investor',
      args: [eve],
    });
    expect(record).toMatchObject({ registered: true, frozen: false, accreditationExpiry: Date.parse(`${inAYear}T00:00:00Z`) / 1000 });
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore + 1n);

    await expect.poll(() => row(page, 'eve').getByTestId('accreditation').innerText()).toMatch(/^Accredited \d{4}-\d{2}-\d{2}\nexpires in 36\d days$/);
    // One row, one transaction: eve recorded, then her wallet linked to her new identity (newest first).
    await expect.poll(() => page.getByTestId('audit-row').first().textContent()).toMatch(/^\d+.*WalletLinkedeve linked to identity 0x/);
    expect(await page.getByTestId('audit-row').nth(1).textContent()).toMatch(/^\d+.*InvestorUpsertedeve recorded: accredited until \d{4}-\d{2}-\d{2}officer/);
  });

  it('freezes and unfreezes an investor from the roster', async () => {
    const page = await openAs(e2e, 'compliance', 'officer');
    await row(page, 'eve').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Freeze eve' }).click();
    await expect.poll(() => row(page, 'eve').getByTestId('frozen').textContent(), { timeout: 20_000 }).toBe('Frozen');
    await page.getByRole('button', { name: 'Unfreeze eve' }).click();
    await expect.poll(() => row(page, 'eve').getByTestId('frozen').textContent(), { timeout: 20_000 }).toBe('No');
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('audit-row').first().getAttribute('data-event')).toBe('InvestorFrozen');

    // With the keepers' API unreachable, the alerts panel says so and the rest of the desk keeps working.
    expect(await page.getByTestId('alerts').count()).toBe(1);
    await page.route(`${e2e.apiUrl}/alerts**`, (route) => route.abort());
    await expect.poll(() => page.getByText("The keepers' alert feed is unavailable").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('roster-row').count()).toBe(8);
  });

  it('shows an investor without a role no officer tools', async () => {
    const page = await openAs(e2e, 'compliance', 'alice');
    await page.getByTestId('compliance-no-role').waitFor();
    expect(await page.getByTestId('compliance-no-role').textContent()).toMatch(/This page is for the venue's compliance officers/);
    expect(await page.getByTestId('compliance-desk').count()).toBe(0);
    expect(await page.getByTestId('roster').count()).toBe(0);
    expect(await page.getByTestId('csv-text').count()).toBe(0);
  });

  it('lets the newly onboarded eve trade', async () => {
    const page = await openAs(e2e, 'swap', 'eve');
    await expect.poll(() => page.getByTestId('standing-ACME-A/dUSD').textContent(), { timeout: 20_000 }).toBe('ACME-A: may trade');
    const pool = e2e.venue.deployment.pools.find((p) => p.name === 'ACME-A/dUSD')!;
    const balance = () => e2e.venue.client.readContract({ address: pool.security, abi: erc20Abi, functionName: 'balanceOf', args: [account('eve')] });
    expect(await balance()).toBe(0n);
    await page.getByTestId('swap-amount').fill('100');
    await expect.poll(() => page.getByTestId('swap-quote').textContent()).toMatch(/You receive \(ACME-A\): [\d.,]+$/);
    await page.getByRole('button', { name: /Approve dUSD/ }).click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(1);
    await page.getByTestId('swap-submit').click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(2);
    // About 4 shares at ~$25, less the 0.3% fee and price impact.
    const shares = Number(await balance()) / 1e18;
    expect(shares).toBeGreaterThan(3.9);
    expect(shares).toBeLessThan(4.0);
  });

  it('lets the operator (every role) renew an investor from the form, set and clear a lockup override, and pause a pool', async () => {
    const page = await openAs(e2e, 'compliance', 'operator');
    await page.getByTestId('compliance-desk').waitFor();
    expect(await page.getByLabel('Your roles').textContent()).toBe('Compliance officerPauserIssuerDefault admin');
    await row(page, 'carol').waitFor({ timeout: 20_000 });

    // Bad input is named inline and sends nothing.
    const form = page.getByRole('form', { name: 'Add or edit an investor' });
    await page.getByTestId('investor-address').fill('0x1234');
    await page.getByTestId('investor-expiry').fill('2020-01-31');
    await page.getByTestId('investor-save').click();
    expect(await form.getByRole('alert').allTextContents()).toEqual([
      'Not an address (0x and 40 hex digits): "0x1234"',
      'Date is in the past: accreditation must run beyond today (to stop trading, freeze or remove instead)',
    ]);
    expect(await page.getByTestId('investor-save').isDisabled()).toBe(true);

    // "Edit" loads carol; a new expiry renews her accreditation.
    await page.getByRole('button', { name: 'Edit carol' }).click();
    await expect.poll(() => page.getByTestId('investor-address').inputValue()).toBe(account('carol'));
    await expect.poll(() => form.getByText(/^Registered: accredited until \d{4}-\d{2}-\d{2} \(expired 1 day ago\)/).count()).toBe(1);
    const inTwoYears = isoDate((await chainNow()) + 730 * 86_400);
    await page.getByTestId('investor-expiry').fill(inTwoYears);
    await page.getByTestId('investor-save').click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => row(page, 'carol').getByTestId('accreditation').innerText()).toBe(`Accredited ${inTwoYears}\nexpires in 729 days`);

    // An override puts alice in lockup for HSREF only; clearing it frees her again.
    const overrides = page.getByRole('form', { name: 'Set a lockup override' });
    await overrides.getByLabel('Security').selectOption({ label: 'HSREF' });
    await overrides.getByLabel('Lockup ends on (UTC)').fill(isoDate((await chainNow()) + 10 * 86_400));
    await overrides.getByLabel('Investor address').fill(account('alice'));
    await overrides.getByRole('button', { name: 'Set override' }).click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => row(page, 'alice').getByTestId('lockup-HSREF').innerText()).toMatch(/^Locked 9d \d+h\nuntil \d{4}-\d{2}-\d{2} · override$/);
    expect(await row(page, 'alice').getByTestId('lockup-ACME-A').innerText()).toBe('Free');
    // HSREF's default has ended: clearing the override frees alice at once, so the desk asks first.
    await page.getByRole('button', { name: "Clear alice's override in HSREF" }).click();
    const freeAlice = page.getByRole('alertdialog', { name: 'Free alice in HSREF now' });
    expect(await freeAlice.locator('span').textContent()).toMatch(/^Clearing alice's override in HSREF, now until \d{4}-\d{2}-\d{2}, leaves the security's default, which ended \d{4}-\d{2}-\d{2}: this one wallet may sell HSREF from the next block\.$/);
    await freeAlice.getByRole('button', { name: 'Free alice in HSREF now' }).click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(3);
    await expect.poll(() => row(page, 'alice').getByTestId('lockup-HSREF').innerText()).toBe('Free');

    // Pausing asks first, then the gate refuses trading until it is unpaused.
    const acme = page.locator('[data-testid=pool-row][data-pool="ACME-A/dUSD"]');
    await page.getByRole('button', { name: 'Pause ACME-A/dUSD' }).first().click();
    await page.getByRole('alertdialog', { name: 'Pause ACME-A/dUSD' }).getByRole('button', { name: 'Pause ACME-A/dUSD' }).click();
    await expect.poll(() => acme.locator('.tag').textContent(), { timeout: 20_000 }).toBe('Paused');
    const poolId = e2e.venue.deployment.pools.find((p) => p.name === 'ACME-A/dUSD')!.poolId;
    const paused = async () => (await e2e.venue.client.readContract({ address: e2e.venue.deployment.gateHook, abi: gateHookAbi, functionName: 'poolConfig', args: [poolId] }))[3];
    expect(await paused()).toBe(true);
    await acme.getByRole('button', { name: 'Unpause' }).click();
    await expect.poll(() => acme.locator('.tag').textContent(), { timeout: 20_000 }).toBe('Trading');
    expect(await paused()).toBe(false);

    // Removing asks first, then the record is gone (the row stays, marked removed).
    await page.getByRole('button', { name: 'Remove dave' }).click();
    await page.getByRole('alertdialog', { name: 'Remove dave?' }).getByRole('button', { name: 'Remove dave' }).click();
    await expect.poll(() => row(page, 'dave').locator('td').nth(1).textContent(), { timeout: 20_000 }).toBe('No (removed)');
    // The roster may see the block before the toast follows the receipt.
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').last().textContent(), { timeout: 20_000 }).toMatch(/^Remove daveConfirmed/);

    // Router lookup: any address can be checked; a plain account is Untrusted.
    await page.getByLabel('Look up another address').fill(account('alice'));
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.locator(`[data-testid=router-row][data-router="${account('alice')}"] .tag`).textContent()).toBe('Untrusted');
    expect(await page.locator(`[data-testid=router-row][data-router="${e2e.venue.deployment.universalRouter}"] .tag`).textContent()).toBe('Forwarder');
  });

  it('imports an identity with two wallets from an identity roster, refusing a wallet of another identity first, in one transaction', async () => {
    const page = await openAs(e2e, 'compliance', 'officer');
    await page.getByTestId('roster').waitFor({ timeout: 20_000 });
    const inAYear = isoDate((await chainNow()) + 365 * 86_400);
    const verified = isoDate((await chainNow()) - 86_400);
    const [custody, cold] = ['0x00000000000000000000000000000000000c0511', '0x00000000000000000000000000000000000c0112'];
    const header = 'identity,wallet,accreditation_expiry,classes,jurisdiction,verification_method,verified_at,evidence_hash';
    const fields = `${inAYear},accredited|qib,840,entity_assets,${verified},0x${'5e'.repeat(32)}`;
    const blockBefore = await e2e.venue.client.getBlockNumber();

    // alice's wallet already belongs to alice's identity: it can never move to another.
    await page.getByTestId('csv-text').fill([header, `4242,${custody},${fields}`, `4242,${account('alice')},${fields}`].join('\n'));
    const preview = page.getByTestId('import-preview');
    await expect
      .poll(() => preview.getByTestId('preview-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-valid'), r.lastElementChild!.textContent])), { timeout: 20_000 })
      .toEqual([['true', 'New identity'], ['false', expect.stringMatching(/^This wallet belongs to identity \d+: a wallet never moves to another identity/)]]);
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore);

    await page.getByTestId('csv-text').fill([header, `4242,${custody},${fields}`, `4242,${cold},${fields}`].join('\n'));
    await expect.poll(() => preview.getByTestId('preview-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-valid')))).toEqual(['true', 'true']);
    await page.getByTestId('import-submit').click();
    await expect.poll(() => page.getByTestId('import-done').textContent(), { timeout: 20_000 }).toMatch(/^Imported 1 identity and link 2 wallets in block \d+\.$/);

    // One transaction: the identity with its classes, jurisdiction and evidence, and both wallets linked to it.
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore + 1n);
    const identity = await e2e.venue.client.readContract({ address: e2e.venue.deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'identity', args: [4242n] });
    expect(identity).toMatchObject({ exists: true, classes: 3, jurisdiction: 840, verification: { method: 5, evidenceHash: `0x${'5e'.repeat(32)}` } });
    expect(identity.wallets.map((w) => w.toLowerCase())).toEqual([custody, cold]);
  });

  it('issues a locked lot, freezes part of a holding and forces a transfer, each refused or confirmed in plain words first', async () => {
    // The compliance officer lacks the issuer role: the issue form is read-only and says which role it needs.
    let page = await openAs(e2e, 'compliance', 'officer');
    let remedies = page.getByRole('region', { name: 'Remedies' });
    await remedies.getByRole('form', { name: 'Issue a lot' }).waitFor({ timeout: 20_000 });
    expect(await remedies.getByText('changes here need the issuer role').count()).toBe(1);
    expect(await remedies.getByRole('button', { name: 'Review', exact: true }).isDisabled()).toBe(true);

    page = await openAs(e2e, 'compliance', 'operator');
    remedies = page.getByRole('region', { name: 'Remedies' });
    await remedies.getByRole('form', { name: 'Issue a lot' }).waitFor({ timeout: 20_000 });
    expect(await remedies.getByText('changes here need the issuer role').count()).toBe(0);
    const { client, deployment } = e2e.venue;
    const acme = deployment.pools.find((p) => p.name === 'ACME-A/dUSD')!.security;
    const token = { address: acme, abi: restrictedSecurityTokenAbi } as const;
    const [bob, alice] = [account('bob'), account('alice')];
    const bobId = BigInt(bob);
    const aliceBefore = await client.readContract({ ...token, functionName: 'balanceOf', args: [alice] });
    const figure = (name: string) => remedies.getByTestId(`holder-${name}`).first().textContent();
    const review = () => remedies.getByRole('button', { name: 'Review', exact: true }).click();
    const result = () => remedies.getByTestId('review-result').textContent();
    await remedies.getByRole('group', { name: 'Security' }).getByRole('button', { name: 'ACME-A', exact: true }).click();

    // A lot of 100 new shares for bob, locked for 30 days: the figures beside his wallet show it once confirmed.
    const releaseAt = Math.floor((await chainNow()) / 60) * 60 + 30 * 86_400;
    const release = new Date(releaseAt * 1000).toISOString().slice(0, 16);
    await remedies.getByLabel('Investor wallet').fill(bob);
    await expect.poll(() => figure('holding'), { timeout: 20_000 }).toBe('1,000');
    expect(await figure('locked')).toBe('0');
    await remedies.getByLabel('Amount (ACME-A)').fill('100');
    await remedies.getByLabel('Release time (UTC)').fill(release);
    await review();
    const issue = remedies.getByRole('alertdialog', { name: 'Issue 100 ACME-A to bob' });
    expect(await issue.innerText()).toContain(`Mint 100 ACME-A of new shares to bob (identity 0x3C44CdDd). They stay locked in bob's identity until ${release.replace('T', ' ')} UTC`);
    await issue.getByRole('button', { name: 'Issue 100 ACME-A to bob' }).click();
    await expect.poll(result, { timeout: 20_000 }).toMatch(/^Confirmed in block \d+: Issue 100 ACME-A to bob\.$/);
    await expect.poll(() => figure('locked'), { timeout: 20_000 }).toBe('100');
    expect(await remedies.getByTestId('holder-lots').innerText()).toBe(`100 · Rule 144 issuance lot · until ${release.replace('T', ' ')} UTC`);

    // A freeze above bob's free shares is refused by name and sends nothing; 200 until lifted goes through.
    await remedies.getByRole('group', { name: 'Remedy' }).getByRole('button', { name: 'Freeze shares', exact: true }).click();
    await remedies.getByLabel('Investor wallet').fill(bob);
    await expect.poll(() => figure('free'), { timeout: 20_000 }).toBe('1,000');
    const blockBefore = await client.getBlockNumber();
    await remedies.getByLabel('Amount (ACME-A)').fill('1050');
    await expect.poll(() => remedies.getByRole('alert').allTextContents()).toEqual(['More than what bob has free to freeze (1,000 ACME-A)']);
    await review();
    expect(await remedies.getByRole('alertdialog').count()).toBe(0);
    expect(await remedies.getByRole('button', { name: 'Review', exact: true }).isDisabled()).toBe(true);
    expect(await client.getBlockNumber()).toBe(blockBefore);
    await remedies.getByLabel('Amount (ACME-A)').fill('200');
    await review();
    const freeze = remedies.getByRole('alertdialog', { name: 'Freeze 200 ACME-A of bob' });
    expect(await freeze.innerText()).toContain("Freeze 200 ACME-A of the 1,000 free shares of bob's identity (0x3C44CdDd) until an officer lifts the freeze.");
    await freeze.getByRole('button', { name: 'Freeze 200 ACME-A of bob' }).click();
    await expect.poll(result, { timeout: 20_000 }).toMatch(/^Confirmed in block \d+: Freeze 200 ACME-A of bob\.$/);
    await expect.poll(() => figure('frozen'), { timeout: 20_000 }).toBe('200');
    expect(await figure('free')).toBe('800');
    expect(await figure('locked')).toBe('300');

    // A forced transfer of 300 of bob's free shares to alice, for an estate.
    await remedies.getByRole('group', { name: 'Remedy' }).getByRole('button', { name: 'Forced transfer' }).click();
    await remedies.getByLabel('From wallet').fill(bob);
    await remedies.getByLabel('To wallet').fill(alice);
    await remedies.getByLabel('Amount (ACME-A)').fill('300');
    await remedies.getByLabel('Reason (recorded in the audit trail)').selectOption({ label: 'Estate transfer' });
    await expect.poll(() => remedies.getByTestId('holder-figures').count(), { timeout: 20_000 }).toBe(2);
    await review();
    const force = remedies.getByRole('alertdialog', { name: 'Force 300 ACME-A from bob to alice' });
    await e2e.screenshot('compliance-remedies');
    expect(await force.innerText()).toContain("Move 300 ACME-A from bob to alice without bob's consent. They come out of bob's free shares. Reason: estate transfer.");
    await force.getByRole('button', { name: 'Force 300 ACME-A from bob to alice' }).click();
    await expect.poll(result, { timeout: 20_000 }).toMatch(/^Confirmed in block \d+: Force 300 ACME-A from bob to alice\.$/);

    // On chain: bob's two lots as issued and frozen, his holding less the transfer, alice's balance more.
    expect(await client.readContract({ ...token, functionName: 'lotsOf', args: [bobId] })).toEqual([
      { amount: 100n * 10n ** 18n, releaseAt, kind: 0 },
      { amount: 200n * 10n ** 18n, releaseAt: 2 ** 40 - 1, kind: 2 },
    ]);
    expect(await client.readContract({ ...token, functionName: 'lockedOf', args: [bobId] })).toEqual([300n * 10n ** 18n, releaseAt]);
    expect(await client.readContract({ ...token, functionName: 'holdingOf', args: [bobId] })).toBe(800n * 10n ** 18n);
    expect(await client.readContract({ ...token, functionName: 'balanceOf', args: [alice] })).toBe(aliceBefore + 300n * 10n ** 18n);
    expect(await client.getBlockNumber()).toBe(blockBefore + 2n);

    // The audit log, newest first: the forced transfer with its reason, then the freeze.
    await expect.poll(() => page.getByTestId('audit-row').first().textContent(), { timeout: 20_000 }).toMatch(/ForcedTransfer300 ACME-A token forced from bob to alice \(estate transfer\)operator/);
    expect(await page.getByTestId('audit-row').nth(1).textContent()).toMatch(/SharesFrozen200 ACME-A token of identity 0x3C44CdDd frozen until lifted \(court order\)operator/);
  });

  it('works an alert case: refuses a resolve without a note, then acknowledges and resolves it, keeping each step; exports the audit log', async () => {
    // A warning the monitor files as a case: the operator (the pauser) pauses a gated pool, then lifts the pause.
    const operator = createWalletClient({ account: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 }), chain: foundry, transport: http(e2e.venue.anvil.rpcUrl) });
    const pool = e2e.venue.deployment.pools[0];
    for (const paused of [true, false]) {
      const hash = await operator.writeContract({ address: e2e.venue.deployment.gateHook, abi: gateHookAbi, functionName: 'setPaused', args: [[pool.poolId], paused] });
      await e2e.venue.client.waitForTransactionReceipt({ hash });
    }
    const page = await openAs(e2e, 'compliance', 'officer');
    const paused = page.locator('[data-testid=case]', { hasText: 'pool paused' });
    await paused.waitFor({ timeout: 30_000 });
    const id = (await paused.getAttribute('data-case'))!;
    expect(await paused.getByTestId('case-state').textContent()).toBe('open');
    await paused.getByRole('button', { name: 'Work' }).click();
    const work = page.getByTestId('case-work');
    // Opened by the monitor; an earlier pause of the same pool (above) filed its alerts into the same case.
    await expect.poll(() => work.getByTestId('case-history').locator('li').first().innerText(), { timeout: 10_000 }).toMatch(/opened$/);
    const steps = await work.getByTestId('case-history').locator('li').count();

    // Resolving needs a note: refused on the desk, nothing sent.
    await work.getByLabel('Step').selectOption('resolve');
    await work.getByRole('button', { name: `Resolve case #${id}` }).click();
    expect(await work.getByRole('alert').textContent()).toBe("Say why in the note (at least 3 characters): it is the case's record.");
    expect(await work.getByTestId('case-history').locator('li').count()).toBe(steps);

    await work.getByLabel('Step').selectOption('acknowledge');
    await work.getByRole('button', { name: `Acknowledge case #${id}` }).click();
    await expect.poll(() => paused.getByTestId('case-state').textContent(), { timeout: 10_000 }).toBe('acknowledged');
    await work.getByLabel('Step').selectOption('resolve');
    await work.getByLabel('Note').fill('paused for the quarterly reconciliation; lifted at once');
    await work.getByRole('button', { name: `Resolve case #${id}` }).click();
    await expect.poll(() => page.locator(`[data-testid=case][data-case="${id}"]`).count(), { timeout: 10_000 }).toBe(0);

    // Among the resolved cases, with its whole history.
    await page.getByLabel('Which cases').selectOption('resolved');
    const resolved = page.locator(`[data-testid=case][data-case="${id}"]`);
    await expect.poll(() => resolved.getByTestId('case-state').textContent(), { timeout: 10_000 }).toBe('resolved');
    await resolved.getByRole('button', { name: 'Work' }).click();
    const history = page.getByTestId('case-history').locator('li');
    await expect.poll(() => history.count(), { timeout: 10_000 }).toBe(steps + 2);
    expect((await history.allInnerTexts()).slice(-2)).toEqual([
      expect.stringMatching(/acknowledged by officer$/),
      expect.stringMatching(/resolved by officer: paused for the quarterly reconciliation; lifted at once$/),
    ]);
    expect(await page.getByTestId('case-work').getByLabel('Step').locator('option').allTextContents()).toEqual(['Reopen']);

    // Then exports the audit log of alice's investor records from the keepers' ledger, as CSV.
    const exporter = page.getByTestId('audit-export');
    await exporter.getByLabel('Export investor').fill('alice');
    expect(await exporter.getByRole('alert').textContent()).toBe('"alice" is not a wallet address (0x and 40 hex digits).');
    await page.getByLabel('Show').selectOption({ label: 'Investor records' });
    await exporter.getByLabel('Export investor').fill(account('alice'));
    // Clicked as the officer clicks it: a navigation carrying the session cookie, which Chromium saves as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), exporter.getByTestId('audit-csv').click()]);
    const [header, ...lines] = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(header).toBe('block_number,block_time,tx_hash,log_index,event,status,args');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/,(InvestorUpserted|IdentityUpserted|WalletLinked|WalletUnlinked|InvestorFrozen|InvestorExitOnly),/);
      expect(line.toLowerCase()).toContain(account('alice').toLowerCase());
    }

    // And the alerts, as CSV: the pause's alert carries its case.
    const [alerts] = await Promise.all([page.waitForEvent('download'), page.getByTestId('alerts-csv').click()]);
    const [alertHeader, ...alertLines] = readFileSync((await alerts.path())!, 'utf8').trim().split('\n');
    const columns = alertHeader.split(',');
    expect(columns).toEqual(['id', 'created_at', 'severity', 'kind', 'subject', 'message', 'block_number', 'tx_hash', 'case_id', 'voided_at', 'data']);
    const cells = alertLines.map((l) => { const split = splitCsvLine(l); if (!split.ok) throw new Error(split.error); return split.value; });
    const pausedRows = cells.filter((c) => c[columns.indexOf('kind')] === 'pool_paused');
    expect(pausedRows.length).toBeGreaterThan(0);
    expect(pausedRows.every((c) => c[columns.indexOf('case_id')] === id)).toBe(true);
  });

  it('lets the default admin grant and revoke a role after a plain-words review, and shows the admin transfer as two steps', async () => {
    const page = await openAs(e2e, 'compliance', 'operator');
    const roles = page.getByRole('region', { name: 'Roles' });
    const holders = (role: string) => roles.locator(`[data-testid=role-holders] tr[data-role=${role}] td`).innerText();
    await expect.poll(() => holders('compliance'), { timeout: 20_000 }).toContain('officer');
    expect(await holders('pauser')).not.toContain('bob');
    expect(await roles.getByTestId('admin-transfer-step').textContent()).toBe('Step 1 of 2: the admin names the new admin; the new admin may accept at once.');
    const form = roles.getByRole('form', { name: 'Grant or revoke a role' });
    const bob = account('bob');
    const registry = { address: e2e.venue.deployment.investorRegistry, abi: investorRegistryAbi } as const;
    const pauser = await e2e.venue.client.readContract({ ...registry, functionName: 'PAUSER_ROLE' });

    // Revoking a role bob does not hold is refused on the desk; nothing is sent.
    await form.getByLabel('Change').selectOption('revoke');
    await form.getByLabel('Role', { exact: true }).selectOption('pauser');
    await form.getByLabel('Role wallet').fill(bob);
    await form.getByRole('button', { name: 'Review' }).click();
    expect(await form.getByRole('alert').textContent()).toBe('bob does not hold the Pauser role: nothing to revoke');

    await form.getByLabel('Change').selectOption('grant');
    await form.getByRole('button', { name: 'Review' }).click();
    const confirm = form.getByRole('alertdialog', { name: 'Grant Pauser: bob' });
    expect(await confirm.innerText()).toContain(`Give bob (${bob}) the Pauser role: it may pause and unpause gated pools, from the next block.`);
    await confirm.getByRole('button', { name: 'Grant Pauser: bob' }).click();
    await expect.poll(() => form.getByTestId('review-result').textContent(), { timeout: 20_000 }).toMatch(/^Confirmed in block \d+: Grant Pauser: bob\.$/);
    expect(await e2e.venue.client.readContract({ ...registry, functionName: 'hasRole', args: [pauser, bob] })).toBe(true);
    await expect.poll(() => holders('pauser'), { timeout: 20_000 }).toContain('bob');

    await form.getByLabel('Change').selectOption('revoke');
    await form.getByLabel('Role', { exact: true }).selectOption('pauser');
    await form.getByLabel('Role wallet').fill(bob);
    await form.getByRole('button', { name: 'Review' }).click();
    await form.getByRole('alertdialog', { name: 'Revoke Pauser: bob' }).getByRole('button', { name: 'Revoke Pauser: bob' }).click();
    await expect.poll(() => form.getByTestId('review-result').textContent(), { timeout: 20_000 }).toMatch(/: Revoke Pauser: bob\.$/);
    expect(await e2e.venue.client.readContract({ ...registry, functionName: 'hasRole', args: [pauser, bob] })).toBe(false);
    await expect.poll(() => holders('pauser'), { timeout: 20_000 }).not.toContain('bob');
  });

  it('re-importing a roster that matches the chain sends nothing and says so, for the wallet roster and the identity roster', async () => {
    const page = await openAs(e2e, 'compliance', 'officer');
    await page.getByTestId('roster').waitFor({ timeout: 20_000 });
    const registry = { address: e2e.venue.deployment.investorRegistry, abi: investorRegistryAbi } as const;
    const eve = account('eve');
    const record = await e2e.venue.client.readContract({ ...registry, functionName: 'investor', args: [eve] });
    const preview = page.getByTestId('import-preview');
    const results = () => preview.getByTestId('preview-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-valid'), r.lastElementChild!.textContent]));
    const blockBefore = await e2e.venue.client.getBlockNumber();

    // eve as she was onboarded above: her one row changes nothing.
    await page.getByTestId('csv-text').fill(`address,accreditation_expiry,frozen\n${eve},${isoDate(Number(record.accreditationExpiry))},${record.frozen}\n`);
    await expect.poll(results, { timeout: 20_000 }).toEqual([['true', 'Already so (no change)']]);
    expect(await page.getByTestId('import-blocker').textContent()).toBe('No change: its one row matches the registry already, so there is nothing to send.');
    expect(await page.getByTestId('import-submit').textContent()).toBe('Nothing to import: every row already matches the registry');
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);

    // Identity 4242 and its two wallets, as imported above.
    const identity = await e2e.venue.client.readContract({ ...registry, functionName: 'identity', args: [4242n] });
    const v = identity.verification;
    const fields = `${isoDate(Number(identity.accreditationExpiry))},accredited|qib,${identity.jurisdiction},${v.method},${isoDate(Number(v.verifiedAt))},${v.evidenceHash}`;
    const header = 'identity,wallet,accreditation_expiry,classes,jurisdiction,verification_method,verified_at,evidence_hash';
    await page.getByTestId('csv-text').fill([header, ...identity.wallets.map((w) => `4242,${w},${fields}`)].join('\n'));
    await expect.poll(results, { timeout: 20_000 }).toEqual([['true', 'Already so (no change)'], ['true', 'Already so (no change)']]);
    expect(await page.getByTestId('import-blocker').textContent()).toBe('No change: all 2 rows match the registry already, so there is nothing to send.');
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore);
  });

  it('warns in words before a lockup change that frees investors at once: an override or a default that has passed', async () => {
    const page = await openAs(e2e, 'compliance', 'operator');
    await row(page, 'bob').waitFor({ timeout: 20_000 });
    const acme = e2e.venue.deployment.pools.find((p) => p.name === 'ACME-A/dUSD')!.security;
    const lockupEnd = (who: string) => e2e.venue.client.readContract({ address: e2e.venue.deployment.investorRegistry, abi: investorRegistryAbi, functionName: 'lockupEnd', args: [acme, account(who)] });
    const yesterday = isoDate((await chainNow()) - 86_400);
    const bobEnds = isoDate(Number(await lockupEnd('bob')));
    const blockBefore = await e2e.venue.client.getBlockNumber();

    // bob's override still runs (he bought late): ending it yesterday frees him now, and the desk says so first.
    const overrides = page.getByRole('form', { name: 'Set a lockup override' });
    await overrides.getByLabel('Security').selectOption({ label: 'ACME-A' });
    await overrides.getByLabel('Lockup ends on (UTC)').fill(yesterday);
    await overrides.getByLabel('Investor address').fill(account('bob'));
    await overrides.getByRole('button', { name: 'Set override' }).click();
    const freeBob = overrides.getByRole('alertdialog', { name: 'Free bob in ACME-A now' });
    expect(await freeBob.locator('span').textContent()).toBe(
      `${yesterday} has passed: bob's lockup in ACME-A, now until ${bobEnds} (its override), ends at once, and this one wallet may sell ACME-A from the next block.`,
    );
    await freeBob.getByRole('button', { name: 'Cancel' }).click();
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore);

    // A default a month ahead locks the wallets without overrides, with no warning; then ending it yesterday frees them.
    const acmeDefault = page.getByTestId('security-ACME-A');
    const inAMonth = isoDate((await chainNow()) + 30 * 86_400);
    await acmeDefault.getByLabel('New default lockup end for ACME-A (UTC)').fill(inAMonth);
    await acmeDefault.getByRole('button', { name: 'Set default' }).click();
    await expect.poll(() => lockupEnd('alice'), { timeout: 20_000 }).toBe(Date.parse(`${inAMonth}T00:00:00Z`) / 1000);
    expect(await acmeDefault.getByRole('alertdialog').count()).toBe(0);
    await expect.poll(() => acmeDefault.locator('.security-facts').textContent()).toContain(`Default lockup ends ${inAMonth}`);

    await acmeDefault.getByLabel('New default lockup end for ACME-A (UTC)').fill(yesterday);
    await acmeDefault.getByRole('button', { name: 'Set default' }).click();
    const freeAll = acmeDefault.getByRole('alertdialog', { name: 'Free ACME-A now' });
    expect(await freeAll.locator('span').textContent()).toMatch(
      new RegExp(`^${yesterday} has passed: ACME-A's default lockup, now until ${inAMonth}, ends at once, and \\d+ registered wallets without an override of their own may sell ACME-A from the next block\\.$`),
    );
    await freeAll.getByRole('button', { name: 'Free ACME-A now' }).click();
    await expect.poll(() => lockupEnd('alice'), { timeout: 20_000 }).toBe(Date.parse(`${yesterday}T00:00:00Z`) / 1000);
    await expect.poll(() => row(page, 'alice').getByTestId('lockup-ACME-A').textContent()).toBe('Free');
  });

  it("a settled toast leaves by itself after a few seconds, and switching accounts clears the previous account's toasts", async () => {
    const page = await openAs(e2e, 'compliance', 'officer');
    await row(page, 'eve').waitFor({ timeout: 20_000 });
    const toasts = page.getByTestId('toast');
    await page.getByRole('button', { name: 'Freeze eve' }).click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(1);
    const confirmedAt = Date.now();
    await expect.poll(() => toasts.count(), { timeout: 15_000 }).toBe(0);
    // It stayed long enough to read.
    expect(Date.now() - confirmedAt).toBeGreaterThan(3_000);

    await page.getByRole('button', { name: 'Unfreeze eve' }).click();
    await expect.poll(() => confirmedToasts(page), { timeout: 20_000 }).toBe(1);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    expect(await toasts.count()).toBe(0);
    await page.getByRole('button', { name: 'Connect wallet' }).click();
    await page.getByRole('menuitem', { name: /^operator\s/ }).click();
    await page.getByTestId('connected-address').waitFor();
    expect(await toasts.count()).toBe(0);
    await expect.poll(() => row(page, 'eve').getByTestId('frozen').textContent(), { timeout: 20_000 }).toBe('No');
  });

  it('exports the roster as an identity roster CSV that the import reads back unchanged', async () => {
    const page = await openAs(e2e, 'compliance', 'officer');
    const button = page.getByTestId('roster-csv');
    await expect.poll(() => button.isEnabled(), { timeout: 20_000 }).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^roster-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(header).toBe('identity,wallet,accreditation_expiry,classes,jurisdiction,verification_method,verified_at,evidence_hash');
    const identityOf = (wallet: string) => rows.find((r) => r.split(',')[1] === wallet)?.split(',')[0];
    // alice's hot and cold wallets are one investor: one identity, two rows; every row's identity is the chain's.
    expect(identityOf(account('alice'))).toBeDefined();
    expect(identityOf(account('alice (cold)'))).toBe(identityOf(account('alice')));
    const registry = { address: e2e.venue.deployment.investorRegistry, abi: investorRegistryAbi } as const;
    for (const row of rows) {
      const [id, wallet] = row.split(',');
      expect((await e2e.venue.client.readContract({ ...registry, functionName: 'investor', args: [wallet as `0x${string}`] })).identity.toString()).toBe(id);
    }
  });
});
