/**
 * The single-identity editor in Chromium, as a compliance officer: alice's identity (her hot wallet and "alice
 * (cold)") gets a new jurisdiction, classes, accreditation expiry and verification record in one transaction, copied
 * to both wallets; a wallet of another identity (bob's) is refused in words before anything is sent; a fresh address is
 * linked, then unlinked, each on chain and in the audit log. Each test reads what it needs from the chain itself, and
 * the first puts alice's identity back as the seed left it, so the tests depend on no order.
 */
import type { Page } from 'playwright-core';
import { createWalletClient, getAddress, http, type Address } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investorRegistryAbi } from '../../sdk/abis/generated.ts';
import { ANVIL_MNEMONIC } from '../../script/venue/anvil.ts';
import { openAs, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E('identity');
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

const DAY = 86_400;
const demo = (label: string) => e2e.venue.deployment.accounts!.find((a) => a.label === label)!;
const account = (label: string) => getAddress(demo(label).address);
const isoDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const midnight = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const registry = () => ({ address: e2e.venue.deployment.investorRegistry, abi: investorRegistryAbi }) as const;
const identityOf = (id: bigint) => e2e.venue.client.readContract({ ...registry(), functionName: 'identity', args: [id] });
const investorOf = (wallet: Address) => e2e.venue.client.readContract({ ...registry(), functionName: 'investor', args: [wallet] });
const walletsOf = async (id: bigint) => (await identityOf(id)).wallets.map((w) => getAddress(w));

async function chainNow(): Promise<number> {
  return Number((await e2e.venue.client.getBlock()).timestamp);
}

/** The desk as the officer, with the editor of `label`'s identity opened from its roster row. */
async function openEditor(label: string): Promise<Page> {
  const page = await openAs(e2e, 'compliance', 'officer');
  await page.locator(`[data-testid=roster-row][data-label="${label}"]`).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: `Identity of ${label}`, exact: true }).click();
  return page;
}

const editorOf = (page: Page, label: string) => page.getByRole('region', { name: `Identity of ${label}`, exact: true });
const linkedWallets = (page: Page, label: string) =>
  editorOf(page, label).getByTestId('identity-wallet').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-address')));
/** The audit log's newest row of `event`: its block, event, details and actor cells. */
const auditRow = (page: Page, event: string) =>
  page.locator(`[data-testid=audit-row][data-event=${event}]`).first().evaluate((r) => [...r.querySelectorAll('td')].slice(0, 5).map((td, i) => (i === 1 ? '' : td.textContent)));

describe('identity editor (in Chromium)', () => {
  it("replaces alice's jurisdiction, classes, expiry and verification in one transaction, copied to both her wallets", async () => {
    const [alice, cold] = [account('alice'), account('alice (cold)')];
    const id = BigInt(alice);
    const label = getAddress(alice).slice(0, 10);
    const before = await identityOf(id);
    // The seed: one identity (alice's wallet's id) with both wallets, accredited in the United States, never verified.
    expect(before.wallets.map((w) => getAddress(w))).toEqual([alice, cold]);
    expect(before).toMatchObject({ exists: true, frozen: false, classes: 1, jurisdiction: 840, verification: { method: 0 } });
    const [aliceBefore, coldBefore] = [await investorOf(alice), await investorOf(cold)];
    expect((await investorOf(cold)).identity).toBe(id);

    const now = await chainNow();
    const expiry = isoDate(now + 2 * 365 * DAY);
    const verified = isoDate(now - 2 * DAY);
    const evidence = `0x${'ab'.repeat(32)}` as const;
    const page = await openEditor('alice');
    const editor = editorOf(page, 'alice');
    const record = editor.getByRole('form', { name: 'Identity record' });
    await record.getByLabel('Jurisdiction (ISO 3166-1 numeric)').waitFor({ timeout: 20_000 });
    expect(await editor.getByText(`Identity ${label}: every wallet linked to it trades`).count()).toBe(1);
    // The form reads the identity as it stands.
    expect(await record.getByLabel('Jurisdiction (ISO 3166-1 numeric)').inputValue()).toBe('840');
    expect(await record.getByLabel('Accreditation expires on (UTC)').inputValue()).toBe(isoDate(before.accreditationExpiry));
    expect(await record.getByLabel('accredited', { exact: true }).isChecked()).toBe(true);
    expect(await record.getByLabel('non-US person', { exact: true }).isChecked()).toBe(false);
    expect(await linkedWallets(page, 'alice')).toEqual([alice, cold]);

    const blockBefore = await e2e.venue.client.getBlockNumber();
    await record.getByLabel('Accreditation expires on (UTC)').fill(expiry);
    await record.getByLabel('Jurisdiction (ISO 3166-1 numeric)').fill('826');
    await record.getByLabel('non-US person', { exact: true }).check();
    await record.getByLabel('Verification method').selectOption('third_party_letter');
    await record.getByLabel('Verified on (UTC)').fill(verified);
    await record.getByLabel('Evidence file hash (32 bytes)').fill(evidence);
    await record.getByRole('button', { name: 'Review', exact: true }).click();
    const confirm = record.getByRole('alertdialog', { name: `Update identity ${label}` });
    expect(await confirm.locator('span').textContent()).toBe(
      `Replace identity ${label}'s expiry ${isoDate(before.accreditationExpiry)} → ${expiry}, classes accredited → accredited, non-US person, jurisdiction 840 → 826, ` +
        `verification record (third party letter, checked ${verified}, evidence 0xabababab…). Its freeze and exit-only status stay as they are; its 2 linked wallets take the new profile at once.`,
    );
    // Reviewing sends nothing.
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore);
    await confirm.getByRole('button', { name: `Update identity ${label}` }).click();
    await expect.poll(() => record.getByTestId('review-result').textContent(), { timeout: 20_000 }).toMatch(new RegExp(`^Confirmed in block ${blockBefore + 1n}: Update identity ${label}\\.$`));
    await e2e.screenshot('identity-editor');

    // On chain, in one block: the identity reads exactly the new values, its wallets and status untouched.
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore + 1n);
    const after = await identityOf(id);
    expect(after).toEqual({
      exists: true,
      frozen: false,
      exitOnly: false,
      accreditationExpiry: midnight(expiry),
      classes: 5,
      jurisdiction: 826,
      wallets: before.wallets,
      verification: { method: 4, verifiedAt: midnight(verified), evidenceHash: evidence },
    });
    // The profile was copied to each linked wallet; nothing else in their records changed.
    const profile = { accreditationExpiry: midnight(expiry), classes: 5, jurisdiction: 826 };
    expect(await investorOf(alice)).toEqual({ ...aliceBefore, ...profile });
    expect(await investorOf(cold)).toEqual({ ...coldBefore, ...profile });
    // The desk's audit log and roster show it too.
    await expect
      .poll(() => auditRow(page, 'IdentityUpserted'), { timeout: 20_000 })
      .toEqual([`${blockBefore + 1n}`, '', 'IdentityUpserted', `identity ${label} recorded: accredited, non-US person, jurisdiction 826, accredited until ${expiry}`, `officer${short(account('officer'))}`]);
    await expect.poll(() => page.locator('[data-testid=roster-row][data-label="alice (cold)"] [data-testid=accreditation]').innerText(), { timeout: 20_000 }).toMatch(new RegExp(`^Accredited ${expiry}\\n`));

    // Opened from the cold wallet, the editor shows the same identity as it now stands: nothing left to change.
    await editor.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => editor.count()).toBe(0);
    await page.getByRole('button', { name: 'Identity of alice (cold)', exact: true }).click();
    const coldRecord = editorOf(page, 'alice (cold)').getByRole('form', { name: 'Identity record' });
    await coldRecord.getByLabel('Jurisdiction (ISO 3166-1 numeric)').waitFor({ timeout: 20_000 });
    expect([
      await coldRecord.getByLabel('Accreditation expires on (UTC)').inputValue(),
      await coldRecord.getByLabel('Jurisdiction (ISO 3166-1 numeric)').inputValue(),
      await coldRecord.getByLabel('non-US person', { exact: true }).isChecked(),
      await coldRecord.getByLabel('QIB', { exact: true }).isChecked(),
      await coldRecord.getByLabel('Verification method').inputValue(),
      await coldRecord.getByLabel('Verified on (UTC)').inputValue(),
      await coldRecord.getByLabel('Evidence file hash (32 bytes)').inputValue(),
    ]).toEqual([expiry, '826', true, false, 'third_party_letter', verified, evidence]);
    await coldRecord.getByRole('button', { name: 'Review', exact: true }).click();
    await expect.poll(() => coldRecord.getByRole('alert').allTextContents()).toEqual(['Nothing to change: the identity already reads so.']);
    expect(await coldRecord.getByRole('alertdialog').count()).toBe(0);
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore + 1n);

    // Put the identity back exactly as seeded (the editor cannot: its dates are whole days, and it never clears a
    // verification record), as the officer, straight to the registry.
    const officer = createWalletClient({ account: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: demo('officer').index }), chain: foundry, transport: http(e2e.venue.anvil.rpcUrl) });
    const hash = await officer.writeContract({
      ...registry(),
      functionName: 'upsertIdentities',
      args: [[{ id, accreditationExpiry: before.accreditationExpiry, classes: before.classes, jurisdiction: before.jurisdiction, verification: before.verification }]],
    });
    expect((await e2e.venue.client.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect(await identityOf(id)).toEqual(before);
    expect(await investorOf(alice)).toEqual(aliceBefore);
    expect(await investorOf(cold)).toEqual(coldBefore);
  });

  it("refuses to link bob's wallet to alice's identity, in words, before anything is sent", async () => {
    const [alice, cold, bob] = [account('alice'), account('alice (cold)'), account('bob')];
    const id = BigInt(alice);
    expect((await investorOf(bob)).identity).toBe(BigInt(bob));
    const page = await openEditor('alice');
    const link = editorOf(page, 'alice').getByRole('form', { name: 'Link a wallet' });
    const field = link.getByLabel('Link another wallet');
    await field.waitFor({ timeout: 20_000 });
    await expect.poll(() => linkedWallets(page, 'alice'), { timeout: 20_000 }).toEqual([alice, cold]);
    const blockBefore = await e2e.venue.client.getBlockNumber();

    await field.fill(bob);
    await expect
      .poll(() => link.getByRole('alert').allTextContents(), { timeout: 20_000 })
      .toEqual([`This wallet belongs to identity ${BigInt(bob)}: a wallet never moves to another identity (recover it instead)`]);
    await link.getByRole('button', { name: 'Review', exact: true }).click();
    expect(await link.getByRole('alertdialog').count()).toBe(0);
    expect(await link.getByRole('button', { name: 'Review', exact: true }).isDisabled()).toBe(true);
    // A wallet of this identity already, and a venue contract, are refused the same way.
    await field.fill(cold.toLowerCase());
    await expect.poll(() => link.getByRole('alert').allTextContents(), { timeout: 20_000 }).toEqual(['This wallet is linked to this identity already']);
    await field.fill(e2e.venue.deployment.universalRouter);
    await expect.poll(() => link.getByRole('alert').allTextContents(), { timeout: 20_000 }).toEqual(["A venue contract (UniversalRouter), not an investor's wallet"]);
    expect(await link.getByRole('alertdialog').count()).toBe(0);

    // Nothing was sent: no block, bob still his own identity, alice's still two wallets.
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore);
    expect((await investorOf(bob)).identity).toBe(BigInt(bob));
    expect(await walletsOf(id)).toEqual([alice, cold]);
  });

  it('links a fresh address to alice’s identity, then unlinks it, each on chain and in the audit log', async () => {
    const [alice, cold, officer] = [account('alice'), account('alice (cold)'), account('officer')];
    const id = BigInt(alice);
    const label = alice.slice(0, 10);
    const fresh = getAddress('0xfeed00000000000000000000000000000000e2e5');
    // Never registered: no record, no identity.
    expect(await investorOf(fresh)).toMatchObject({ registered: false, identity: 0n });
    expect(await walletsOf(id)).toEqual([alice, cold]);

    const page = await openEditor('alice');
    const editor = editorOf(page, 'alice');
    const link = editor.getByRole('form', { name: 'Link a wallet' });
    await link.getByLabel('Link another wallet').waitFor({ timeout: 20_000 });
    await link.getByLabel('Link another wallet').fill(fresh.toLowerCase());
    const title = `Link ${fresh} to identity ${label}`;
    const confirm = link.getByRole('alertdialog', { name: title });
    // The review opens once the address's record is read (it has no problem to name).
    await expect
      .poll(async () => {
        if ((await confirm.count()) === 0 && (await link.getByRole('button', { name: 'Review', exact: true }).isEnabled())) await link.getByRole('button', { name: 'Review', exact: true }).click();
        return confirm.count();
      }, { timeout: 20_000 })
      .toBe(1);
    expect(await link.getByRole('alert').count()).toBe(0);
    expect(await confirm.locator('span').textContent()).toBe(
      `Link ${fresh} to identity ${label}? From the next block it trades, and its shares count, as the identity's: same accreditation, classes, jurisdiction and status. A wallet never leaves its identity again (unlinking only stops it trading).`,
    );
    const blockBefore = await e2e.venue.client.getBlockNumber();
    await confirm.getByRole('button', { name: title }).click();
    await expect.poll(() => link.getByTestId('review-result').textContent(), { timeout: 20_000 }).toBe(`Confirmed in block ${blockBefore + 1n}: ${title}.`);

    // On chain: the third wallet of the identity, registered with the identity's profile.
    expect(await walletsOf(id)).toEqual([alice, cold, fresh]);
    const identity = await identityOf(id);
    expect(await investorOf(fresh)).toMatchObject({
      registered: true,
      frozen: false,
      identity: id,
      accreditationExpiry: identity.accreditationExpiry,
      classes: identity.classes,
      jurisdiction: identity.jurisdiction,
    });
    expect(await link.getByLabel('Link another wallet').inputValue()).toBe('');
    await expect.poll(() => linkedWallets(page, 'alice'), { timeout: 20_000 }).toEqual([alice, cold, fresh]);
    await expect
      .poll(() => auditRow(page, 'WalletLinked'), { timeout: 20_000 })
      .toEqual([`${blockBefore + 1n}`, '', 'WalletLinked', `${short(fresh)} linked to identity ${label}`, `officer${short(officer)}`]);

    // Unlinking asks first, then the wallet is off the identity (its id stays in its record: its shares would count).
    await editor.getByRole('button', { name: `Unlink ${fresh}` }).click();
    const unlink = editor.getByRole('alertdialog', { name: `Unlink ${fresh}` });
    expect(await unlink.locator('span').textContent()).toBe(
      `Unlink ${fresh} from identity ${label}? It can no longer trade or receive securities. The shares it still holds keep counting for the identity, and its lockup overrides and any freeze stay with it.`,
    );
    await unlink.getByRole('button', { name: `Unlink ${fresh}` }).click();
    await expect.poll(() => linkedWallets(page, 'alice'), { timeout: 20_000 }).toEqual([alice, cold]);
    await expect.poll(() => editor.getByRole('alertdialog').count(), { timeout: 20_000 }).toBe(0);
    expect(await e2e.venue.client.getBlockNumber()).toBe(blockBefore + 2n);
    expect(await walletsOf(id)).toEqual([alice, cold]);
    expect(await investorOf(fresh)).toMatchObject({ registered: false, identity: id });
    await expect
      .poll(() => auditRow(page, 'WalletUnlinked'), { timeout: 20_000 })
      .toEqual([`${blockBefore + 2n}`, '', 'WalletUnlinked', `${short(fresh)} unlinked from identity ${label} (its shares still count for it)`, `officer${short(officer)}`]);
    await expect.poll(() => page.locator('[data-testid=toast][data-status=confirmed]').last().textContent(), { timeout: 20_000 }).toMatch(new RegExp(`^${escape(`Unlink ${fresh}`)}Confirmed`));
  });
});
