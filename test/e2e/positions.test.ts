/**
 * An LP's positions in Chromium against a real venue: refusals for ineligible investors, the Permit2 approval steps,
 * opening a price-range position, increasing it, collecting the fees of real swaps, and closing it while frozen
 * (exits are never blocked). Every step is checked on the chain, not only in the page.
 */
import { createWalletClient, encodeFunctionData, erc20Abi, http, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investorRegistryAbi, positionManagerAbi, stateViewAbi, universalRouterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf } from '../../sdk/manifest.ts';
import { decodePositionInfo, encodeDecreaseLiquidity, encodeMintPosition, encodeSwapExactInSingle, positionSalt } from '../../sdk/periphery.ts';
import { decodeRevert } from '../../sdk/errors.ts';
import { ANVIL_OPERATOR_KEY } from '../../script/venue/anvil.ts';
import { formatAmount } from '../../web/src/lib/amount.ts';
import { revertDataOf } from '../../web/src/lib/revert.ts';
import { SLIPPAGE } from '../../web/src/lib/txSettings.ts';
import { depositFromAmount, gatedExitMinimums, maxAmountsForAdd, minAmountsForRemove, snapTick } from '../../web/src/features/positions/logic.ts';
import { approveRouterForLp, LP_ACCOUNT } from '../../script/venue/fixtures.ts';
import { getSqrtPriceAtTick } from '../../sdk/v4/math.ts';
import { openAs, startE2E, type E2E } from './harness.ts';
import type { Page } from 'playwright-core';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E('positions');
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

const d = () => e2e.venue.deployment;
const chain = () => e2e.venue.client;
const acme = () => d().pools.find((p) => p.name === 'ACME-A/dUSD')!;
const posm = () => ({ address: d().positionManager, abi: positionManagerAbi }) as const;
/** The ACME pool's currencies by role: which is currency0 depends on the deployed addresses. */
const stable = () => d().stablecoin;
const security = () => acme().security;
const stableIs0 = () => acme().currency0 === d().stablecoin;
/** [stable, security] amounts from a (currency0, currency1) pair. */
const byRole = <T>(pair: readonly [T, T]): [T, T] => (stableIs0() ? [pair[0], pair[1]] : [pair[1], pair[0]]);
const balanceOf = (token: Address, owner: Address) => chain().readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });
const liquidityOf = (tokenId: bigint) => chain().readContract({ ...posm(), functionName: 'getPositionLiquidity', args: [tokenId] });

/** dUSD (6 decimals) per 18-decimal share at a tick of the ACME pool. */
function dollarsAt(tick: number): number {
  const raw1per0 = (Number(getSqrtPriceAtTick(tick)) / 2 ** 96) ** 2;
  return stableIs0() ? 1e12 / raw1per0 : raw1per0 * 1e12;
}

/** Waits for the toast of the transaction titled `title` to be confirmed (failing fast with its message if it failed). */
async function confirmed(page: Page, title: string | RegExp) {
  const toast = page.locator('[data-testid=toast]').filter({ hasText: title }).last();
  await expect.poll(async () => {
    const status = await toast.getAttribute('data-status').catch(() => null);
    if (status === 'failed') throw new Error(`"${title}" failed: ${await toast.textContent()}`);
    return status;
  }, { timeout: 30_000 }).toBe('confirmed');
}

const card = (page: Page, tokenId: bigint) => page.locator(`[data-testid=position-card][data-token-id="${tokenId}"]`);

/** The fees the pool owes position `tokenId` now, read from StateView as an independent check of the page. */
async function feesOnChain(tokenId: bigint): Promise<[bigint, bigint]> {
  const [, packed] = await chain().readContract({ ...posm(), functionName: 'getPoolAndPositionInfo', args: [tokenId] });
  const { tickLower, tickUpper } = decodePositionInfo(packed);
  const sv = { address: d().stateView, abi: stateViewAbi } as const;
  const [g0, g1] = await chain().readContract({ ...sv, functionName: 'getFeeGrowthInside', args: [acme().poolId, tickLower, tickUpper] });
  const [liquidity, l0, l1] = await chain().readContract({
    ...sv,
    functionName: 'getPositionInfo',
    args: [acme().poolId, d().positionManager, tickLower, tickUpper, positionSalt(tokenId)],
  });
  const owed = (now: bigint, last: bigint) => (BigInt.asUintN(256, now - last) * liquidity) >> 128n;
  return [owed(g0, l0), owed(g1, l1)];
}

describe('liquidity positions (in Chromium)', () => {
  it('an ineligible investor sees adding refused with the reason, before anything is sent', async () => {
    for (const [label, reason] of [
      ['bob', /still in the lockup for this security, which ends on \d{4}-\d{2}-\d{2}/],
      ['eve', /not in the investor registry/],
    ] as const) {
      const page = await openAs(e2e, 'positions', label);
      await page.getByTestId('open-amount-stable').fill('1000');
      await expect.poll(() => page.getByTestId('open-blocker').textContent()).toMatch(reason);
      await expect.poll(() => page.getByTestId('open-blocker').textContent()).toMatch(/Only eligible investors may add liquidity/);
      expect(await page.getByTestId('open-submit').isDisabled()).toBe(true);
      await page.getByTestId('no-positions').waitFor();
      if (label === 'bob') await e2e.screenshot('positions-ineligible');
    }
  });

  it('names bad range and amount input and never enables the add for it', async () => {
    const page = await openAs(e2e, 'positions', 'alice');
    const min = page.getByTestId('open-min-price');
    const max = page.getByTestId('open-max-price');
    await min.fill('30');
    await max.fill('20');
    const maxField = page.locator('.field', { has: max });
    await expect.poll(() => maxField.getByRole('alert').textContent()).toBe('The minimum price must be below the maximum');
    await max.fill('abc');
    await expect.poll(() => maxField.getByRole('alert').textContent()).toBe('Not a number');
    expect(await page.getByTestId('open-submit').isDisabled()).toBe(true);
    await min.fill('20');
    await max.fill('30');
    await page.getByTestId('open-amount-stable').fill('5000000');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'More than your balance' }).count()).toBeGreaterThan(0);
    expect(await page.getByTestId('open-submit').isDisabled()).toBe(true);
    // Alice has the dollars for 900k dUSD, but not the ~36k ACME-A that goes with them in this range: 1,000 free (her
    // other 250 are still in their Rule 144 holding period and cannot go in).
    await page.getByTestId('open-amount-stable').fill('900000');
    await expect.poll(() => page.getByRole('alert').filter({ hasText: /This needs [\d,.]+ ACME-A; you have 1,000/ }).count()).toBe(1);
    expect(await page.getByTestId('open-submit').isDisabled()).toBe(true);
  });

  it('reads a decimal comma in the deposit fields as a decimal, shows the amount as understood, and refuses an ambiguous one', async () => {
    const page = await openAs(e2e, 'positions', 'carol');
    const stableField = page.getByTestId('open-amount-stable');
    const computed = async (text: string) => {
      await stableField.fill(text);
      await expect.poll(() => page.getByTestId('open-amount-security').inputValue()).toMatch(/^\d+\.\d+$/);
      return page.getByTestId('open-amount-security').inputValue();
    };
    const shares = await computed('1.5');
    // 1,5 is one and a half dollars' worth of liquidity, not 15.
    expect(await computed('1,5')).toBe(shares);
    expect(await page.getByTestId('open-understood-stable').textContent()).toBe('= 1.5 dUSD');
    await stableField.fill('1,234');
    const field = page.locator('.field', { has: stableField });
    await expect.poll(() => field.getByRole('alert').textContent()).toBe(
      '"1,234" is ambiguous: "," may group thousands (1234) or mark decimals. Type 1234, or 1.234 for a decimal.',
    );
    expect(await page.getByTestId('open-understood-stable').count()).toBe(0);
    expect(await page.getByTestId('open-amount-security').inputValue()).toBe('');
    expect(await page.getByTestId('open-submit').isDisabled()).toBe(true);
  });

  it('an investor new to liquidity approves each token for Permit2 and PositionManager, then opens a position', async () => {
    const page = await openAs(e2e, 'positions', 'alice');
    const alice = d().accounts!.find((a) => a.label === 'alice')!.address;
    await page.getByTestId('open-amount-stable').fill('500');
    await expect.poll(() => page.getByTestId('open-amount-security').inputValue()).toMatch(/^\d+(\.\d+)?$/);
    const steps = page.getByTestId('approval-steps').getByRole('button');
    expect(await page.getByTestId('open-submit').isDisabled()).toBe(true);
    await expect.poll(() => steps.count()).toBe(4);
    for (let i = 4; i > 0; i--) {
      const title = (await steps.first().textContent())!;
      expect(await page.getByTestId('open-submit').isDisabled()).toBe(true);
      await steps.first().click();
      await confirmed(page, title.startsWith('Approve') ? /^Approve/ : /^Let PositionManager spend/);
      await expect.poll(() => steps.count()).toBe(i - 1);
    }
    await expect.poll(() => page.getByTestId('open-submit').isDisabled()).toBe(false);
    const next = await chain().readContract({ ...posm(), functionName: 'nextTokenId' });
    await page.getByTestId('open-submit').click();
    await confirmed(page, 'Open ACME-A/dUSD position');
    expect(await chain().readContract({ ...posm(), functionName: 'ownerOf', args: [next] })).toBe(alice);
    await card(page, next).waitFor();
  });

  let tokenId: bigint;

  it('the LP opens a price-range position, checked on the chain', async () => {
    const page = await openAs(e2e, 'positions', 'lp');
    // The deploy seeded two positions per pool for the LP.
    await expect.poll(() => page.getByTestId('position-card').count(), { timeout: 20_000 }).toBe(4);
    await page.getByTestId('open-pool').selectOption({ label: 'ACME-A/dUSD' });
    await page.getByTestId('open-min-price').fill('20');
    await page.getByTestId('open-max-price').fill('30');
    await page.getByTestId('open-amount-stable').fill('10000');
    await expect.poll(() => page.getByTestId('open-amount-security').inputValue()).toMatch(/^\d{2,}\.\d+$/);
    await expect.poll(() => page.getByTestId('open-range-status').textContent()).toMatch(/inside this range/);
    expect(await page.getByTestId('approval-steps').count()).toBe(0); // the LP approved at deploy time
    await e2e.screenshot('positions-open');

    const [usdBefore, acmeBefore] = await Promise.all([balanceOf(stable(), LP_ACCOUNT.address), balanceOf(security(), LP_ACCOUNT.address)]);
    const shownShares = Number(await page.getByTestId('open-amount-security').inputValue());
    tokenId = await chain().readContract({ ...posm(), functionName: 'nextTokenId' });
    await page.getByTestId('open-submit').click();
    await confirmed(page, 'Open ACME-A/dUSD position');

    expect(await chain().readContract({ ...posm(), functionName: 'ownerOf', args: [tokenId] })).toBe(LP_ACCOUNT.address);
    expect(await liquidityOf(tokenId)).toBeGreaterThan(0n);
    const [, packed] = await chain().readContract({ ...posm(), functionName: 'getPoolAndPositionInfo', args: [tokenId] });
    const { tickLower, tickUpper } = decodePositionInfo(packed);
    expect([Math.abs(tickLower % 60), Math.abs(tickUpper % 60)]).toEqual([0, 0]);
    // Each end snapped within half a tick spacing (~0.3%) of the typed price.
    const [low, high] = [dollarsAt(tickLower), dollarsAt(tickUpper)].sort((a, b) => a - b);
    expect(Math.abs(low / 20 - 1)).toBeLessThanOrEqual(1.0001 ** 30 - 1);
    expect(Math.abs(high / 30 - 1)).toBeLessThanOrEqual(1.0001 ** 30 - 1);
    // The typed 10,000 dUSD was paid (to the wei's rounding), and the computed shares with it.
    const [usdAfter, acmeAfter] = await Promise.all([balanceOf(stable(), LP_ACCOUNT.address), balanceOf(security(), LP_ACCOUNT.address)]);
    expect(usdBefore - usdAfter).toBeLessThanOrEqual(10_000_000_000n);
    expect(usdBefore - usdAfter).toBeGreaterThan(9_999_990_000n);
    expect(Number(acmeBefore - acmeAfter) / 1e18).toBeCloseTo(shownShares, 2);

    const mine = card(page, tokenId);
    await mine.waitFor();
    expect(await mine.getByTestId('position-status').textContent()).toBe('In range');
    expect(await mine.getByTestId('position-range').textContent()).toMatch(/^(19|20)\.\d+ – (29|30)\.\d+ dUSD per ACME-A/);
    await expect.poll(() => page.getByTestId('position-card').count()).toBe(5);
  });

  it('the LP increases the position by half', async () => {
    const page = e2e.page;
    const before = await liquidityOf(tokenId);
    const mine = card(page, tokenId);
    await mine.getByRole('radio', { name: 'Increase' }).click();
    await mine.getByTestId('increase-amount-stable').fill('5000');
    await expect.poll(() => mine.getByTestId('increase-amount-security').inputValue()).toMatch(/^\d+\.\d+$/);
    await expect.poll(() => mine.getByTestId('increase-submit').isDisabled()).toBe(false);
    await mine.getByTestId('increase-submit').click();
    await confirmed(page, `Increase ACME-A/dUSD #${tokenId}`);
    const after = await liquidityOf(tokenId);
    // The same price range and half the dollars: half the liquidity again (the price moved by no trade).
    expect(Number(after - before) / Number(before)).toBeCloseTo(0.5, 3);
    await expect.poll(() => mine.getByTestId('position-liquidity').getAttribute('title')).toBe(after.toString());
    await mine.getByRole('radio', { name: 'Increase' }).click(); // folds the form away again
    await mine.getByTestId('increase-form').waitFor({ state: 'detached' });
  });

  it('collects the fees of real swaps: exactly what the pool owed', async () => {
    const page = e2e.page;
    const { anvil } = e2e.venue;
    // Trade through UniversalRouter as the (eligible) LP: a buy and a sell across the position's range.
    await approveRouterForLp(chain(), anvil.rpcUrl, d(), acme());
    const trader = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(anvil.rpcUrl) });
    const pool = acme();
    // Buy for 40k dUSD, sell 1,500 shares, buy for 20k dUSD: the price crosses back and forth through the range.
    for (const [buy, amountIn] of [[true, 40_000_000_000n], [false, 1_500n * 10n ** 18n], [true, 20_000_000_000n]] as const) {
      const zeroForOne = buy === stableIs0();
      const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne, amountIn, amountOutMinimum: 0n });
      const hash = await trader.writeContract({ address: d().universalRouter, abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] });
      expect((await chain().waitForTransactionReceipt({ hash })).status).toBe('success');
    }
    const [feeUsd, feeAcme] = byRole(await feesOnChain(tokenId));
    expect(feeUsd).toBeGreaterThan(0n);
    expect(feeAcme).toBeGreaterThan(0n);
    const mine = card(page, tokenId);
    const shown = `${formatAmount(feeAcme, 18, 4)} ACME-A + ${formatAmount(feeUsd, 6, 2)} dUSD`;
    await expect.poll(() => mine.getByTestId('position-fees').textContent(), { timeout: 15_000 }).toBe(shown);
    await e2e.screenshot('positions-list');

    const [usdBefore, acmeBefore] = await Promise.all([balanceOf(stable(), LP_ACCOUNT.address), balanceOf(security(), LP_ACCOUNT.address)]);
    const liquidity = await liquidityOf(tokenId);
    await mine.getByRole('radio', { name: 'Collect fees' }).click();
    await mine.getByTestId('collect-submit').click();
    await confirmed(page, `Collect fees of ACME-A/dUSD #${tokenId}`);
    const [usdAfter, acmeAfter] = await Promise.all([balanceOf(stable(), LP_ACCOUNT.address), balanceOf(security(), LP_ACCOUNT.address)]);
    expect([usdAfter - usdBefore, acmeAfter - acmeBefore]).toEqual([feeUsd, feeAcme]);
    expect(await liquidityOf(tokenId)).toBe(liquidity);
    expect(await feesOnChain(tokenId)).toEqual([0n, 0n]);
    await expect.poll(() => mine.getByTestId('position-fees').textContent()).toBe('0');
  });

  it('a frozen LP cannot add, yet removes part and closes the position', async () => {
    const operator = createWalletClient({ account: privateKeyToAccount(ANVIL_OPERATOR_KEY as Hex), chain: foundry, transport: http(e2e.venue.anvil.rpcUrl) });
    const freeze = async (frozen: boolean) =>
      chain().waitForTransactionReceipt({
        hash: await operator.writeContract({ address: d().investorRegistry, abi: investorRegistryAbi, functionName: 'setFrozen', args: [LP_ACCOUNT.address, frozen] }),
      });
    await freeze(true);
    try {
      const page = e2e.page;
      const mine = card(page, tokenId);
      await mine.getByRole('radio', { name: 'Increase' }).click();
      await mine.getByTestId('increase-amount-stable').fill('100');
      await expect.poll(() => mine.getByTestId('increase-blocker').textContent()).toMatch(/frozen by compliance/);
      expect(await mine.getByTestId('increase-submit').isDisabled()).toBe(true);
      await expect.poll(() => page.getByTestId('open-blocker').textContent()).toMatch(/frozen by compliance/);

      // Remove a quarter: the liquidity falls by exactly that share.
      const before = await liquidityOf(tokenId);
      await mine.getByRole('radio', { name: 'Remove' }).click();
      await mine.getByRole('button', { name: '25%' }).click();
      await mine.getByTestId('decrease-submit').click();
      await confirmed(page, `Remove 25% of ACME-A/dUSD #${tokenId}`);
      expect(await liquidityOf(tokenId)).toBe(before - before / 4n);

      const [usdBefore, acmeBefore] = await Promise.all([balanceOf(stable(), LP_ACCOUNT.address), balanceOf(security(), LP_ACCOUNT.address)]);
      await mine.getByRole('radio', { name: 'Close' }).click();
      await mine.getByTestId('close-submit').click();
      await confirmed(page, `Close ACME-A/dUSD #${tokenId}`);
      await expect(chain().readContract({ ...posm(), functionName: 'ownerOf', args: [tokenId] })).rejects.toThrow();
      expect(await liquidityOf(tokenId)).toBe(0n);
      const [usdAfter, acmeAfter] = await Promise.all([balanceOf(stable(), LP_ACCOUNT.address), balanceOf(security(), LP_ACCOUNT.address)]);
      expect(usdAfter).toBeGreaterThan(usdBefore);
      expect(acmeAfter).toBeGreaterThan(acmeBefore);
      await expect.poll(() => card(page, tokenId).count()).toBe(0);
      await expect.poll(() => page.getByTestId('position-card').count()).toBe(4);
    } finally {
      await freeze(false);
    }
  });

  it('bounds adds and removals by the tolerance: a price pushed past it makes them revert, not lose money', async () => {
    const pool = acme();
    const [sqrtPriceX96, tick] = await chain().readContract({ address: d().stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId] });
    const at = { sqrtPriceX96, tick };
    const [tickLower, tickUpper] = [snapTick(tick - 3000, 60), snapTick(tick + 3000, 60)];
    const stableIndex = stableIs0() ? 0 : 1;
    const deposit = depositFromAmount(at, tickLower, tickUpper, stableIndex, 5_000_000_000n);
    if (!deposit.ok) throw new Error(deposit.error);
    const max = maxAmountsForAdd(at, tickLower, tickUpper, deposit.value.liquidity, SLIPPAGE.defaultBps);
    const mint = encodeMintPosition({
      poolKey: poolKeyOf(pool), tickLower, tickUpper, liquidity: deposit.value.liquidity, amount0Max: max.amount0, amount1Max: max.amount1, owner: LP_ACCOUNT.address,
    });
    // The LP's seeded concentrated position (#2), removed in full with the tolerance's minimums.
    const seeded = 2n;
    const [, packed] = await chain().readContract({ ...posm(), functionName: 'getPoolAndPositionInfo', args: [seeded] });
    const info = decodePositionInfo(packed);
    const held = await liquidityOf(seeded);
    // What the dashboard sends: the gate pays the security principal itself, so only the quote side is bounded.
    const min = gatedExitMinimums(minAmountsForRemove(at, info.tickLower, info.tickUpper, held, SLIPPAGE.defaultBps), !stableIs0());
    const decrease = encodeDecreaseLiquidity({ poolKey: poolKeyOf(pool), tokenId: seeded, liquidity: held, amount0Min: min.amount0, amount1Min: min.amount1, recipient: LP_ACCOUNT.address });
    const send = (unlockData: Hex) =>
      chain().call({
        account: LP_ACCOUNT.address,
        to: d().positionManager,
        data: encodeFunctionData({ abi: positionManagerAbi, functionName: 'modifyLiquidities', args: [unlockData, 2n ** 40n] }),
      });
    const refusal = (unlockData: Hex) => send(unlockData).then(() => 'accepted', (err) => decodeRevert(revertDataOf(err)!).name);
    // At the price they were computed at, both go through.
    expect(await refusal(mint)).toBe('accepted');
    expect(await refusal(decrease)).toBe('accepted');

    // A front-runner sells 6,000 shares (about 150k dUSD): the price falls well past 0.5%, so the removal would
    // return fewer dollars than its bound. (A push the other way returns fewer shares, which a gated exit cannot
    // bound: written down in docs/threat-model.md.)
    await approveRouterForLp(chain(), e2e.venue.anvil.rpcUrl, d(), pool);
    const trader = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(e2e.venue.anvil.rpcUrl) });
    const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne: !stableIs0(), amountIn: 6_000n * 10n ** 18n, amountOutMinimum: 0n });
    await chain().waitForTransactionReceipt({
      hash: await trader.writeContract({ address: d().universalRouter, abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] }),
    });
    const [moved] = await chain().readContract({ address: d().stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId] });
    expect(Math.abs((Number(moved) / Number(sqrtPriceX96)) ** 2 - 1)).toBeGreaterThan(0.01);

    // The add would now take more of one currency than its bound, the removal return less: both revert.
    expect(await refusal(mint)).toBe('MaximumAmountExceeded');
    expect(await refusal(decrease)).toBe('MinimumAmountInsufficient');
  });
});
