import { decodeFunctionData, type Address, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { restrictedSecurityTokenAbi } from '../../../../sdk/abis/generated.ts';
import { DAY, UNTIL_LIFTED } from './logic.ts';
import {
  checkAffiliatePeriod,
  checkForceTransfer,
  checkFreeze,
  checkIssue,
  checkRecovery,
  checkUnfreeze,
  holderView,
  parseReleaseAt,
  visibleErrors,
  type HolderReads,
  type HolderView,
  type RemedyContext,
} from './remedies.ts';
import { NOW, ALICE, COLD, BOB } from './testCast.ts';

const E18 = 10n ** 18n;
const NAMES: Record<string, string> = { [ALICE]: 'alice', [COLD]: 'alice (cold)', [BOB]: 'bob' };
const ctx: RemedyContext = { symbol: 'ACME-A', decimals: 18, now: NOW, name: (a) => NAMES[a] ?? a };

/** A linked, eligible holder of 1,000 free shares in its own one-wallet identity, unless `patch` says otherwise. */
function holder(wallet: Address, patch: Partial<HolderView> = {}): HolderView {
  return {
    wallet, registered: true, venue: false, affiliate: false, identity: BigInt(wallet), balance: 1_000n * E18, holding: 1_000n * E18, reserved: 0n,
    locked: 0n, nextRelease: 0, frozen: 0n, free: 1_000n * E18, lots: [], lockupEnd: 0, receive: 'Ok', receiveUntil: 0, ...patch,
  };
}
const input = (wallet: Address, patch?: Partial<HolderView>) => ({ text: wallet, holder: holder(wallet, patch) });
const call = (data: Hex | undefined) => decodeFunctionData({ abi: restrictedSecurityTokenAbi, data: data! });

describe('holderView', () => {
  const reads: HolderReads = {
    wallet: ALICE,
    record: { registered: true, venue: false, frozen: false, accreditationExpiry: NOW + DAY, identity: BigInt(ALICE), classes: 1 | 8 },
    balance: 900n,
    holding: 1_250n,
    reserved: 50n,
    locked: 350n,
    nextRelease: NOW + 10,
    lots: [
      { amount: 250n, releaseAt: NOW + 100, kind: 0 },
      { amount: 40n, releaseAt: NOW - 1, kind: 2 },
      { amount: 100n, releaseAt: NOW + 10, kind: 2 },
    ],
    lockupEnd: 0,
    receive: 2,
    receiveUntil: 0,
  };

  it('keeps the live lots, soonest first, and counts the frozen and free shares', () => {
    const h = holderView(reads, NOW);
    expect(h.lots.map((l) => l.amount)).toEqual([100n, 250n]);
    expect(h.frozen).toBe(100n);
    expect(h.free).toBe(900n);
    expect(h.affiliate).toBe(true);
    expect(h.receive).toBe('Frozen');
    expect(h.identity).toBe(BigInt(ALICE));
  });

});

describe('parseReleaseAt', () => {
  it('reads a datetime-local value (or a space) as UTC', () => {
    expect(parseReleaseAt('2027-01-31T14:05', NOW)).toEqual({ ok: true, value: Date.UTC(2027, 0, 31, 14, 5) / 1000 });
    expect(parseReleaseAt(' 2027-01-31 14:05 ', NOW)).toEqual({ ok: true, value: Date.UTC(2027, 0, 31, 14, 5) / 1000 });
  });

  it('names a release time that has passed, and one that is not a date and time', () => {
    expect(parseReleaseAt('2026-07-01T11:59', NOW)).toEqual({ ok: false, error: '2026-07-01 11:59 UTC has passed (chain time is 2026-07-01 12:00 UTC): choose a later release time' });
    expect(parseReleaseAt('2026-07-01T12:00', NOW).ok).toBe(false);
    expect(parseReleaseAt('tomorrow', NOW)).toEqual({ ok: false, error: 'Not a date and time (YYYY-MM-DD HH:MM, UTC)' });
    expect(parseReleaseAt('2027-02-30T10:00', NOW)).toEqual({ ok: false, error: 'No such date' });
    expect(parseReleaseAt('2027-02-03T24:00', NOW)).toEqual({ ok: false, error: 'No such time of day: 24:00' });
    expect(parseReleaseAt('12027-01-31T14:05', NOW).ok).toBe(false);
  });
});

describe('checkIssue', () => {
  const release = { timed: true, text: '2027-01-31T14:05' };

  it('plans issue(to, amount in the security’s decimals, releaseAt) and says the lot stays in the identity', () => {
    const check = checkIssue({ to: input(BOB), amount: '250.5', release }, ctx);
    expect(check.errors).toEqual({});
    expect(call(check.plan?.data)).toEqual({ functionName: 'issue', args: [BOB, 2505n * 10n ** 17n, Date.UTC(2027, 0, 31, 14, 5) / 1000] });
    expect(check.plan?.title).toBe('Issue 250.5 ACME-A to bob');
    expect(check.plan?.confirm).toBe(
      `Mint 250.5 ACME-A of new shares to bob (identity 0x3C44CdDd). They stay locked in bob's identity until 2027-01-31 14:05 UTC, the Rule 144 holding period of this issuance: its wallets may pass them between themselves, nobody else may receive them before then.`,
    );
  });

  it('sends 0 for shares free now, and says so', () => {
    const check = checkIssue({ to: input(BOB), amount: '10', release: { timed: false, text: '' } }, { ...ctx, decimals: 6 });
    expect(call(check.plan?.data).args).toEqual([BOB, 10_000_000n, 0]);
    expect(check.plan?.confirm).toMatch(/They are free to move at once: this issuance has no holding period\.$/);
  });

  it('refuses a recipient the token would refuse, a bad amount and a release in the past, each by name', () => {
    const frozen = checkIssue({ to: input(BOB, { receive: 'Frozen' }), amount: '1.1234567', release: { timed: true, text: '2020-01-01T00:00' } }, { ...ctx, decimals: 6 });
    expect(frozen.plan).toBeUndefined();
    expect(frozen.errors).toEqual({
      to: 'bob may not receive ACME-A: bob is frozen by compliance: no trading or transfers until it is lifted.',
      amount: 'At most 6 decimal places',
      release: expect.stringMatching(/^2020-01-01 00:00 UTC has passed/),
    });
    expect(checkIssue({ to: input(BOB, { identity: 0n }), amount: '1', release }, ctx).errors.to).toBe('bob has no identity in the investor registry: onboard it first');
    expect(checkIssue({ to: input(BOB, { venue: true }), amount: '1', release }, ctx).errors.to).toMatch(/^A venue contract, not an investor’s wallet/);
    expect(checkIssue({ to: input(BOB, { registered: false }), amount: '1', release }, ctx).errors.to).toBe('bob is unlinked from its identity (removed): it may not receive ACME-A');
    expect(checkIssue({ to: { text: '0x1234' }, amount: '0', release }, ctx).errors).toEqual({ to: expect.stringMatching(/^Not an address/), amount: 'Must be more than zero' });
  });

  it('waits, without a problem, while the holder is read (or was read for another address)', () => {
    const pending = checkIssue({ to: { text: BOB }, amount: '1', release }, ctx);
    expect(pending).toEqual({ errors: {} });
    expect(checkIssue({ to: { text: BOB, holder: holder(ALICE) }, amount: '1', release }, ctx)).toEqual({ errors: {} });
  });
});

describe('checkFreeze and checkUnfreeze', () => {
  const locked = { locked: 300n * E18, frozen: 100n * E18, free: 700n * E18 };

  it('freezes no more than the free shares, until lifted (0) unless timed', () => {
    const over = checkFreeze({ wallet: input(ALICE, locked), amount: '700.01', release: { timed: false, text: '' }, reason: 0 }, ctx);
    expect(over.errors).toEqual({ amount: 'More than what alice has free to freeze (700 ACME-A)' });
    const check = checkFreeze({ wallet: input(ALICE, locked), amount: '200', release: { timed: false, text: '' }, reason: 0 }, ctx);
    expect(call(check.plan?.data)).toEqual({ functionName: 'freezeShares', args: [ALICE, 200n * E18, 0, 0] });
    expect(check.plan?.confirm).toBe(
      "Freeze 200 ACME-A of the 700 free shares of alice's identity (0x70997970) until an officer lifts the freeze. None of its wallets can move them; the rest of its holding trades as before. Reason: court order.",
    );
    const timed = checkFreeze({ wallet: input(ALICE), amount: '1', release: { timed: true, text: '2026-08-01T00:00' }, reason: 3 }, ctx);
    expect(call(timed.plan?.data).args).toEqual([ALICE, E18, Date.UTC(2026, 7, 1) / 1000, 3]);
    expect(timed.plan?.confirm).toMatch(/until 2026-08-01 00:00 UTC\. .* Reason: estate transfer\.$/);
  });

  it('lifts no more than is frozen, and says when nothing is', () => {
    expect(checkUnfreeze({ wallet: input(ALICE), amount: '1', reason: 1 }, ctx).errors).toEqual({ amount: 'alice has no ACME-A under a partial freeze: there is nothing to lift' });
    expect(checkUnfreeze({ wallet: input(ALICE, locked), amount: '101', reason: 1 }, ctx).errors).toEqual({ amount: "More than alice's frozen shares (100 ACME-A)" });
    const check = checkUnfreeze({ wallet: input(ALICE, locked), amount: '100', reason: 1 }, ctx);
    expect(call(check.plan?.data)).toEqual({ functionName: 'unfreezeShares', args: [ALICE, 100n * E18, 1] });
    expect(check.plan?.confirm).toMatch(/^Lift the partial freeze on 100 ACME-A of the 100 frozen shares of alice's identity \(0x70997970\)\. They are free to move at once\. Reason: error correction\.$/);
  });
});

describe('checkForceTransfer', () => {
  const sender = { balance: 800n * E18, holding: 1_000n * E18, locked: 300n * E18, free: 700n * E18 };

  it('moves at most the sender wallet’s shares, and says which locked ones go with their release times', () => {
    expect(checkForceTransfer({ from: input(ALICE, sender), to: input(BOB), amount: '800.5', reason: 0 }, ctx).errors).toEqual({ amount: "More than the shares in alice's wallet (800 ACME-A)" });
    const check = checkForceTransfer({ from: input(ALICE, sender), to: input(BOB), amount: '750', reason: 0 }, ctx);
    expect(call(check.plan?.data)).toEqual({ functionName: 'forceTransfer', args: [ALICE, BOB, 750n * E18, 0] });
    expect(check.plan?.title).toBe('Force 750 ACME-A from alice to bob');
    expect(check.plan?.confirm).toBe(
      "Move 750 ACME-A from alice to bob without alice's consent. 50 ACME-A of them are locked in alice's lots and go to bob with their release times; the rest arrive free. Reason: court order.",
    );
    expect(checkForceTransfer({ from: input(ALICE, sender), to: input(BOB), amount: '700', reason: 0 }, ctx).plan?.confirm).toMatch(/without alice's consent\. They come out of alice's free shares\. Reason/);
  });

  it('says what an affiliate’s sale and a move within one identity do', () => {
    expect(checkForceTransfer({ from: input(ALICE, { affiliate: true }), to: input(BOB), amount: '1', reason: 2 }, ctx).plan?.confirm).toMatch(
      /alice is an affiliate of the issuer: what arrives free is locked for bob for the affiliate holding period\. Reason: lost key\.$/,
    );
    const cold = { text: COLD, holder: holder(COLD, { identity: BigInt(ALICE) }) };
    expect(checkForceTransfer({ from: input(ALICE), to: cold, amount: '1', reason: 1 }, ctx).plan?.confirm).toMatch(/Both wallets belong to identity 0x70997970: its holding and the holder counts do not change\./);
  });

  it('refuses an empty sender, one wallet on both sides, and an ineligible recipient', () => {
    expect(checkForceTransfer({ from: input(ALICE, { balance: 0n }), to: input(BOB), amount: '1', reason: 0 }, ctx).errors).toEqual({ amount: 'alice holds no ACME-A in this wallet' });
    expect(checkForceTransfer({ from: input(ALICE), to: input(ALICE), amount: '1', reason: 0 }, ctx).errors).toEqual({ to: 'The same wallet as the sender: nothing would move' });
    expect(checkForceTransfer({ from: input(ALICE), to: input(BOB, { receive: 'ClassNotAllowed' }), amount: '1', reason: 0 }, ctx).errors.to).toMatch(/^bob may not receive ACME-A: bob is not in an investor class/);
  });
});

describe('checkRecovery', () => {
  const lost = () => ({ text: ALICE, holder: holder(ALICE, { registered: false, lockupEnd: NOW + DAY }) });
  const cold = (patch: Partial<HolderView> = {}) => ({ text: COLD, holder: holder(COLD, { identity: BigInt(ALICE), balance: 0n, lockupEnd: NOW + DAY, ...patch }) });

  it('plans recoverWallet between an unlinked and a linked wallet of one identity', () => {
    const check = checkRecovery({ lost: lost(), replacement: cold(), reason: 2 }, ctx);
    expect(call(check.plan?.data)).toEqual({ functionName: 'recoverWallet', args: [ALICE, COLD, 2] });
    expect(check.plan?.confirm).toBe(
      "Move all 1,000 ACME-A of the lost wallet alice to alice (cold), both of identity 0x70997970. The identity's holding, its lots and the holder counts do not change. Reason: lost key.",
    );
  });

  it('refuses what the token would: a lost wallet still linked or empty, a replacement unlinked, of another identity, with a shorter lockup', () => {
    expect(checkRecovery({ lost: input(ALICE), replacement: cold(), reason: 2 }, ctx).errors.wallet).toMatch(/^alice is still linked to identity 0x70997970: unlink it first/);
    expect(checkRecovery({ lost: { text: ALICE, holder: holder(ALICE, { registered: false, balance: 0n }) }, replacement: cold(), reason: 2 }, ctx).errors.wallet).toBe('alice holds no ACME-A: there is nothing to recover');
    expect(checkRecovery({ lost: lost(), replacement: cold({ registered: false }), reason: 2 }, ctx).errors.to).toBe("alice (cold) is not linked to an identity: link it to the lost wallet's identity first");
    expect(checkRecovery({ lost: lost(), replacement: input(BOB, { lockupEnd: NOW + DAY }), reason: 2 }, ctx).errors).toEqual({
      to: 'bob belongs to identity 0x3C44CdDd, alice to 0x70997970: a recovery stays within one identity (between identities, use a forced transfer)',
    });
    expect(checkRecovery({ lost: lost(), replacement: cold({ lockupEnd: NOW }), reason: 2 }, ctx).errors).toEqual({
      to: "alice (cold)'s lockup in ACME-A ends 2026-07-01, before alice's (2026-07-02): give alice (cold) the same lockup override first",
    });
    expect(checkRecovery({ lost: lost(), replacement: cold({ receive: 'Sanctioned' }), reason: 2 }, ctx).errors.to).toMatch(/^alice \(cold\) is on the venue's sanctions list/);
  });
});

describe('checkAffiliatePeriod', () => {
  it('takes whole days, refuses the current period, and says what changes', () => {
    expect(checkAffiliatePeriod('182.5', 365 * DAY, ctx).errors.period).toMatch(/^Enter the holding period in whole days/);
    expect(checkAffiliatePeriod('365', 365 * DAY, ctx).errors).toEqual({ period: 'The holding period is 365 days already' });
    const check = checkAffiliatePeriod('182', 365 * DAY, ctx);
    expect(call(check.plan?.data)).toEqual({ functionName: 'setAffiliateHoldingPeriod', args: [182 * DAY] });
    expect(check.plan?.confirm).toBe(
      "From now on, a purchase of ACME-A from an affiliate of the issuer locks the buyer's shares for 182 days from the purchase (it is 365 days now). Lots already locked keep their release times.",
    );
    expect(checkAffiliatePeriod('0', 365 * DAY, ctx).plan?.confirm).toMatch(/starts no holding period: the buyer's shares are free at once/);
    expect(checkAffiliatePeriod(String(UNTIL_LIFTED), 0, ctx).errors.period).toBe('Too long for the token to store');
  });
});

describe('visibleErrors', () => {
  it('shows a field’s problem once it has text, and every problem after Review', () => {
    const errors = { wallet: 'Enter the wallet’s address', amount: 'Not a number' };
    expect(visibleErrors(errors, { wallet: '', amount: 'x' }, false)).toEqual({ amount: 'Not a number' });
    expect(visibleErrors(errors, { wallet: '', amount: 'x' }, true)).toEqual(errors);
  });
});
