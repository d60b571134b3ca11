/**
 * Investors, not wallets, tried as an outside client on the demo venue (real anvil, the canonical UniversalRouter and
 * Permit2): carol, whose accreditation lapsed, sells her shares but cannot buy; alice's two wallets are one holder
 * of record; a full book refuses a newcomer with the numbers, and the dashboard's sentence says so.
 */
import { BaseError, createWalletClient, erc20Abi, http, type Address, type Hex, type LocalAccount } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStablecoinAbi, investorRegistryAbi, restrictedSecurityTokenAbi } from '../../sdk/abis/generated.ts';
import { decodeRevert } from '../../sdk/errors.ts';
import type { Deployment, Pool } from '../../sdk/manifest.ts';
import { ANVIL_MNEMONIC } from '../../script/venue/anvil.ts';
import { approveRouterForLp, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { explainError } from '../../web/src/lib/revert.ts';
import { castAccount } from '../utils/api.ts';
import { swapAs, swapCalldata } from '../utils/trade.ts';

let venue: LocalVenue;
let d: Deployment;
let acme: Pool;
const aliceCold = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 8 });

const balance = (who: Address, token = acme.security) => venue.client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] });

/** The refusal of `who`'s call, decoded as the dashboard decodes it, with its sentence. */
async function refused(who: LocalAccount, to: Address, data: Hex) {
  try {
    await venue.client.call({ account: who, to, data });
  } catch (err) {
    let e: unknown = err;
    while (e instanceof Error) {
      const raw = (e as { data?: Hex }).data;
      if (typeof raw === 'string' && raw.startsWith('0x')) return { ...decodeRevert(raw), sentence: explainError(err) };
      e = (e as { cause?: unknown }).cause;
    }
    throw new Error(`no revert data: ${err instanceof BaseError ? err.shortMessage : String(err)}`);
  }
  throw new Error('the call was not refused');
}

beforeAll(async () => {
  venue = await startLocalVenue('offering');
  d = venue.deployment;
  acme = d.pools[0];
  for (const who of ['carol', 'alice'] as const) await approveRouterForLp(venue.client, venue.anvil.rpcUrl, d, acme, castAccount(who));
}, 180_000);

afterAll(async () => {
  await venue?.stop();
});

describe('investors, not wallets, on the demo venue', () => {
  it('lets carol, whose accreditation lapsed, sell her shares, and refuses her purchase with the reason', async () => {
    const carol = castAccount('carol');
    const before = await balance(carol.address);
    expect(before).toBe(500n * 10n ** 18n);
    await swapAs(venue.client, venue.anvil.rpcUrl, d, acme, carol, false, 100n * 10n ** 18n);
    expect(await balance(carol.address)).toBe(before - 100n * 10n ** 18n);

    const r = await refused(carol, d.universalRouter, swapCalldata(d, acme, true, 100n * 10n ** 6n));
    expect(r).toMatchObject({ name: 'InvestorNotEligible', reason: 'AccreditationExpired' });
    expect(r.sentence).toMatch(/accreditation has expired/);
  });

  it("counts alice's hot and cold wallets as one holder of record, and her holding across both", async () => {
    const alice = castAccount('alice');
    const { identity } = await venue.client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [aliceCold.address] });
    expect(identity).toBe(BigInt(alice.address));
    const [holdersBefore] = await venue.client.readContract({ address: acme.security, abi: restrictedSecurityTokenAbi, functionName: 'holderCount' });
    const wallet = createWalletClient({ account: alice, chain: foundry, transport: http(venue.anvil.rpcUrl) });
    await venue.client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: acme.security, abi: erc20Abi, functionName: 'transfer', args: [aliceCold.address, 400n * 10n ** 18n] }),
    });
    const [holdersAfter] = await venue.client.readContract({ address: acme.security, abi: restrictedSecurityTokenAbi, functionName: 'holderCount' });
    expect(holdersAfter).toBe(holdersBefore);
    const holding = await venue.client.readContract({ address: acme.security, abi: restrictedSecurityTokenAbi, functionName: 'holdingOf', args: [identity] });
    expect(holding).toBe((await balance(alice.address)) + (await balance(aliceCold.address)));
  });

  it('refuses a newcomer when the book is full, naming the count and the cap', async () => {
    const operator = castAccount('operator');
    const hsref = d.pools[1];
    const [holders] = await venue.client.readContract({ address: hsref.security, abi: restrictedSecurityTokenAbi, functionName: 'holderCount' });
    const wallet = createWalletClient({ account: operator, chain: foundry, transport: http(venue.anvil.rpcUrl) });
    await venue.client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: hsref.security, abi: restrictedSecurityTokenAbi, functionName: 'setLimits', args: [{ maxHolding: 0n, minTrade: 0n, maxHolders: holders, maxNonAccredited: 0 }] }),
    });
    // A new accredited investor, registered by the officer, buys in: refused by the token at settlement.
    const frank = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 9 });
    const now = Number((await venue.client.getBlock()).timestamp);
    await venue.client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'upsertInvestors', args: [[{ investor: frank.address, accreditationExpiry: now + 86_400 * 365, frozen: false }]] }),
    });
    await approveRouterForLp(venue.client, venue.anvil.rpcUrl, d, hsref, frank);
    await venue.client.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: d.stablecoin, abi: demoStablecoinAbi, functionName: 'mint', args: [frank.address, 10_000n * 10n ** 6n] }),
    });
    const r = await refused(frank, d.universalRouter, swapCalldata(d, hsref, true, 1_000n * 10n ** 6n));
    expect(r).toMatchObject({ name: 'HolderCapReached', args: [false, BigInt(holders), BigInt(holders)] });
    expect(r.sentence).toBe(`The offering is full: ${holders} holders of record, the most it allows is ${holders}. Only existing holders can buy until one leaves.`);
  });
});
