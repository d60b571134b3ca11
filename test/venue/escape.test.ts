/**
 * Every way a share was found to escape the rules, attempted as an outside client would: a wallet on the local
 * venue (real anvil, the canonical PositionManager and Permit2), encoding with the sdk, reading the refusal as the
 * dashboard does. Each is refused, and the decoded reason says why.
 */
import { BaseError, createWalletClient, erc20Abi, http, maxUint128, maxUint160, maxUint256, zeroAddress, type Address, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investorRegistryAbi, permit2Abi, poolManagerAbi, positionManagerAbi } from '../../sdk/abis/generated.ts';
import { decodeRevert, type DecodedRevert } from '../../sdk/errors.ts';
import { poolKeyOf, type Deployment, type Pool } from '../../sdk/manifest.ts';
import { encodeDecreaseLiquidity, encodeIncreaseLiquidity, encodeMintPosition, maxUsableTick, type PoolKey } from '../../sdk/periphery.ts';
import { ANVIL_MNEMONIC } from '../../script/venue/anvil.ts';
import { startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { explainError } from '../../web/src/lib/revert.ts';

const CAST = { operator: 0, alice: 1, bob: 2, carol: 3, dave: 4, eve: 5, lp: 6 } as const;
type Who = keyof typeof CAST;
const account = (who: Who) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: CAST[who] });
const address = (who: Who) => account(who).address;
const DEADLINE = 2n ** 40n;
const LIQUIDITY = 10n ** 14n; // about 20 shares of the first pool per mint: alice holds 1,000

let venue: LocalVenue;
let d: Deployment;
let pool: Pool;
let key: PoolKey;

const wallet = (who: Who) => createWalletClient({ account: account(who), chain: foundry, transport: http(venue.anvil.rpcUrl) });

async function send(who: Who, request: { address: Address; abi: readonly unknown[]; functionName: string; args: readonly unknown[] }) {
  const hash = await wallet(who).writeContract(request as never);
  const receipt = await venue.client.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe('success');
}

const modify = (unlockData: Hex) => ({ address: d.positionManager, abi: positionManagerAbi, functionName: 'modifyLiquidities', args: [unlockData, DEADLINE] as const });

/** The call as the dashboard would first simulate it; returns the decoded refusal and the sentence shown. */
async function refusal(who: Who, request: { address: Address; abi: readonly unknown[]; functionName: string; args: readonly unknown[] }): Promise<DecodedRevert & { sentence: string }> {
  try {
    await venue.client.simulateContract({ ...(request as object), account: account(who) } as never);
  } catch (err) {
    let e: unknown = err;
    while (e instanceof Error) {
      const data = (e as { raw?: Hex; data?: Hex }).raw ?? (e as { data?: Hex }).data;
      if (typeof data === 'string' && data.startsWith('0x')) return { ...decodeRevert(data), sentence: explainError(err) };
      e = (e as { cause?: unknown }).cause;
    }
    throw new Error(`no revert data: ${err instanceof BaseError ? err.shortMessage : String(err)}`);
  }
  throw new Error(`${who}'s ${request.functionName} was not refused`);
}

async function mint(who: Who, owner: Who, poolKey = key): Promise<bigint> {
  const max = maxUsableTick(poolKey.tickSpacing);
  await send(who, modify(encodeMintPosition({ poolKey, tickLower: -max, tickUpper: max, liquidity: LIQUIDITY, amount0Max: maxUint128, amount1Max: maxUint128, owner: address(owner) })));
  return (await venue.client.readContract({ address: d.positionManager, abi: positionManagerAbi, functionName: 'nextTokenId' })) - 1n;
}

const decrease = (tokenId: bigint, recipient: Who, liquidity = LIQUIDITY) =>
  modify(encodeDecreaseLiquidity({ poolKey: key, tokenId, liquidity, amount0Min: 0n, amount1Min: 0n, recipient: address(recipient) }));

const giveNft = (from: Who, to: Who, tokenId: bigint) =>
  send(from, { address: d.positionManager, abi: positionManagerAbi, functionName: 'transferFrom', args: [address(from), address(to), tokenId] });

const setFrozen = (who: Who, frozen: boolean) =>
  send('operator', { address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'setFrozen', args: [address(who), frozen] });

const shares = (who: Who) => venue.client.readContract({ address: pool.security, abi: erc20Abi, functionName: 'balanceOf', args: [address(who)] });

beforeAll(async () => {
  venue = await startLocalVenue('escape');
  d = venue.deployment;
  pool = d.pools[0];
  key = poolKeyOf(pool);
  for (const token of [pool.currency0, pool.currency1]) {
    await send('alice', { address: token, abi: erc20Abi, functionName: 'approve', args: [d.permit2, maxUint256] });
    await send('alice', { address: d.permit2, abi: permit2Abi, functionName: 'approve', args: [token, d.positionManager, maxUint160, 2 ** 48 - 1] });
  }
}, 180_000);

afterAll(async () => {
  await venue?.stop();
});

describe('an outside client cannot take a share around the rules', () => {
  it('a position minted to a lapsed owner cannot be emptied by that owner', async () => {
    const tokenId = await mint('alice', 'carol');
    const r = await refusal('carol', decrease(tokenId, 'carol'));
    expect(r).toMatchObject({ name: 'InvestorNotEligible', reason: 'AccreditationExpired' });
    expect(r.args[0]).toBe(address('carol'));
  });

  it('a position NFT sold to a stranger cannot be emptied by the stranger, not even of its fees', async () => {
    const tokenId = await mint('alice', 'alice');
    await giveNft('alice', 'eve', tokenId);
    expect(await refusal('eve', decrease(tokenId, 'eve', 0n))).toMatchObject({ name: 'InvestorNotEligible', reason: 'NotRegistered' });
  });

  it('the new owner of a position cannot add to it', async () => {
    const tokenId = await mint('alice', 'alice');
    await giveNft('alice', 'lp', tokenId);
    const increase = modify(encodeIncreaseLiquidity({ poolKey: key, tokenId, liquidity: LIQUIDITY, amount0Max: maxUint128, amount1Max: maxUint128 }));
    const r = await refusal('lp', increase);
    expect(r).toMatchObject({ name: 'PositionOfAnotherInvestor', args: [address('lp'), address('alice')] });
    expect(r.sentence).toMatch(/only its depositor can add/);
  });

  it("a frozen LP's pooled shares go to its own wallet only: neither its exit nor its NFT moves them", async () => {
    const kept = await mint('alice', 'alice');
    const sold = await mint('alice', 'alice');
    await setFrozen('alice', true);
    try {
      // The exit names the friend as recipient: the dollars go there, the shares to the frozen wallet, where the
      // freeze holds them (the gate pays the principal itself; fees owed would be refused, PayoutBoundToDepositor).
      const [friendBefore, aliceBefore] = [await shares('lp'), await shares('alice')];
      await send('alice', decrease(kept, 'lp'));
      expect(await shares('lp')).toBe(friendBefore);
      expect(await shares('alice')).toBeGreaterThan(aliceBefore);

      await giveNft('alice', 'lp', sold);
      const byFriend = await refusal('lp', decrease(sold, 'lp'));
      expect(byFriend).toMatchObject({ name: 'DepositorRestricted', reason: 'Frozen' });
      expect(byFriend.sentence).toMatch(/^The position's depositor is frozen/);
    } finally {
      await setFrozen('alice', false);
    }
  });

  it('the security cannot fund a hookless pool, nor be paid into the PoolManager outside a gated trade', async () => {
    const hookless = { ...key, fee: 500, tickSpacing: 10, hooks: zeroAddress };
    await send('operator', { address: d.poolManager, abi: poolManagerAbi, functionName: 'initialize', args: [hookless, 2n ** 96n] });
    const max = maxUsableTick(10);
    const fund = modify(encodeMintPosition({ poolKey: hookless, tickLower: -max, tickUpper: max, liquidity: LIQUIDITY, amount0Max: maxUint128, amount1Max: maxUint128, owner: address('alice') }));
    // Permit2 reports only its own string; the token's reason shows on a direct payment.
    expect(await refusal('alice', fund)).toMatchObject({ name: 'Error', args: ['TRANSFER_FROM_FAILED'] });
    const direct = await refusal('alice', { address: pool.security, abi: erc20Abi, functionName: 'transfer', args: [d.poolManager, 10n ** 18n] });
    expect(direct).toMatchObject({ name: 'EntryNotCleared', args: [address('alice')] });
    expect(direct.sentence).toMatch(/only to settle a trade or a deposit in one of its gated pools/);
  });

  it('Permit2 is not a place shares can be sent to', async () => {
    const r = await refusal('alice', { address: pool.security, abi: erc20Abi, functionName: 'transfer', args: [d.permit2, 10n ** 18n] });
    expect(r).toMatchObject({ name: 'RecipientNotEligible', reason: 'NotRegistered', args: [d.permit2, 1, 0] });
  });
});
