/**
 * The venue as an outside client sees it: the durable chain npm start runs, the real deploy script, then viem only.
 * An eligible investor swaps through UniversalRouter and an LP mints through PositionManager at the quoted amounts,
 * every ineligible demo investor is refused with the right decoded reason, a restart (replaying the journal) finds
 * the same deployment, blocks and balances, and deploying twice changes nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BaseError,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  maxUint128,
  maxUint160,
  maxUint256,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permit2Abi, positionManagerAbi, universalRouterAbi, v4QuoterAbi } from '../../sdk/abis/generated.ts';
import { decodeRevert } from '../../sdk/errors.ts';
import { poolKeyOf, type Deployment } from '../../sdk/manifest.ts';
import { encodeMintPosition, encodeSwapExactInSingle, maxUsableTick } from '../../sdk/periphery.ts';
import type { ChildProcess } from 'node:child_process';
import { ANVIL_MNEMONIC, ANVIL_OPERATOR_KEY, freePort } from '../../script/venue/anvil.ts';
import { startChain, stopChild } from '../../script/venue/children.ts';
import { deployVenue } from '../../script/venue/deploy.ts';

const account = (index: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
const CAST = { alice: 1, bob: 2, carol: 3, dave: 4, eve: 5, lp: 6 } as const;

let chain: ChildProcess;
let rpcUrl: string;
let deployment: Deployment;
let client: PublicClient;
let stateDir: string;
let deploymentsDir: string;
let port: number;

async function boot() {
  chain = await startChain({ host: '127.0.0.1', port, dataDir: stateDir, logFile: join(stateDir, 'chain.log'), env: { ACCREDEX_LOG_LEVEL: 'warn' } });
  rpcUrl = `http://127.0.0.1:${port}`;
  // No caching: block numbers are compared across a restart.
  client = createPublicClient({ chain: foundry, transport: http(rpcUrl), cacheTime: 0 });
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'accredex-venue-'));
  deploymentsDir = `deployments/.tmp-${process.pid}`;
  port = await freePort();
  await boot();
  deployment = await deployVenue({ rpcUrl, privateKey: ANVIL_OPERATOR_KEY, deploymentsDir });
}, 180_000);

afterAll(async () => {
  await stopChild(chain);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(deploymentsDir, { recursive: true, force: true });
});

function wallet(index: number) {
  return createWalletClient({ account: account(index), chain: foundry, transport: http(rpcUrl) });
}

/** What a wallet does once per token before its first swap or mint: approve Permit2, then the spender on Permit2. */
async function approveVenue(index: number, token: Address, spender: Address) {
  const w = wallet(index);
  await client.waitForTransactionReceipt({
    hash: await w.writeContract({ address: token, abi: erc20Abi, functionName: 'approve', args: [deployment.permit2, maxUint256] }),
  });
  await client.waitForTransactionReceipt({
    hash: await w.writeContract({
      address: deployment.permit2,
      abi: permit2Abi,
      functionName: 'approve',
      args: [token, spender, maxUint160, 2 ** 48 - 1],
    }),
  });
}

const balanceOf = (token: Address, owner: Address) =>
  client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });

/** Buy shares of `pool` with `usdIn` (6 decimals), as `index`, through UniversalRouter. */
function buyArgs(index: number, usdIn: bigint, amountOutMinimum = 0n) {
  const pool = deployment.pools[0];
  const zeroForOne = pool.currency0 === deployment.stablecoin;
  const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne, amountIn: usdIn, amountOutMinimum });
  return { pool, zeroForOne, account: account(index), args: [commands, inputs, BigInt(Math.floor(Date.now() / 1000) + 600)] as const };
}

function revertData(err: unknown): Hex {
  let e: unknown = err;
  while (e instanceof Error) {
    const data = (e as { raw?: Hex; data?: Hex }).raw ?? (e as { data?: Hex }).data;
    if (typeof data === 'string' && data.startsWith('0x')) return data;
    e = (e as { cause?: unknown }).cause;
  }
  throw new Error(`no revert data in ${err instanceof BaseError ? err.shortMessage : String(err)}`);
}

describe('a fresh local venue', () => {
  it('writes a manifest naming every contract, with code at each address', async () => {
    for (const key of ['poolManager', 'positionManager', 'universalRouter', 'v4Quoter', 'stateView', 'permit2', 'investorRegistry', 'gateHook', 'stablecoin'] as const) {
      const code = await client.getCode({ address: deployment[key] });
      expect(code?.length, key).toBeGreaterThan(2);
    }
    expect(deployment.pools.map((p) => p.name)).toEqual(['ACME-A/dUSD', 'HSREF/dUSD']);
    expect(deployment.pools.every((p) => p.hooks === deployment.gateHook)).toBe(true);
    expect(deployment.accounts?.map((a) => a.label)).toContain('alice');
  });

  it('lets an eligible investor swap through UniversalRouter at exactly the quoted amount', async () => {
    const usdIn = 1_000n * 10n ** 6n;
    const { pool, zeroForOne } = buyArgs(CAST.alice, usdIn);
    await approveVenue(CAST.alice, deployment.stablecoin, deployment.universalRouter);
    const { result: [quoted] } = await client.simulateContract({
      address: deployment.v4Quoter,
      abi: v4QuoterAbi,
      functionName: 'quoteExactInputSingle',
      args: [{ poolKey: poolKeyOf(pool), zeroForOne, exactAmount: usdIn, hookData: '0x' }],
    });
    expect(quoted).toBeGreaterThan(30n * 10n ** 18n); // ~39.9 shares at 25 dollars
    const alice = account(CAST.alice).address;
    const sharesBefore = await balanceOf(pool.security, alice);
    const usdBefore = await balanceOf(deployment.stablecoin, alice);
    const { args: withMinimum } = buyArgs(CAST.alice, usdIn, quoted);
    const hash = await wallet(CAST.alice).writeContract({ address: deployment.universalRouter, abi: universalRouterAbi, functionName: 'execute', args: withMinimum });
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect((await balanceOf(pool.security, alice)) - sharesBefore).toBe(quoted);
    expect(usdBefore - (await balanceOf(deployment.stablecoin, alice))).toBe(usdIn);
  });

  it('lets the LP mint a position through PositionManager', async () => {
    const pool = deployment.pools[1];
    const lp = account(CAST.lp).address;
    // The LP approved PositionManager on Permit2 while seeding; a full-range mint needs nothing more.
    const max = maxUsableTick(pool.tickSpacing);
    const unlockData = encodeMintPosition({
      poolKey: poolKeyOf(pool), tickLower: -max, tickUpper: max, liquidity: 10n ** 15n,
      amount0Max: maxUint128, amount1Max: maxUint128, owner: lp,
    });
    const nextId = await client.readContract({ address: deployment.positionManager, abi: positionManagerAbi, functionName: 'nextTokenId' });
    const before = [await balanceOf(pool.currency0, lp), await balanceOf(pool.currency1, lp)];
    const hash = await wallet(CAST.lp).writeContract({
      address: deployment.positionManager, abi: positionManagerAbi, functionName: 'modifyLiquidities',
      args: [unlockData, BigInt(Math.floor(Date.now() / 1000) + 600)],
    });
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success');
    expect(await client.readContract({ address: deployment.positionManager, abi: positionManagerAbi, functionName: 'ownerOf', args: [nextId] })).toBe(lp);
    expect(await client.readContract({ address: deployment.positionManager, abi: positionManagerAbi, functionName: 'getPositionLiquidity', args: [nextId] })).toBe(10n ** 15n);
    expect(await balanceOf(pool.currency0, lp)).toBeLessThan(before[0]);
    expect(await balanceOf(pool.currency1, lp)).toBeLessThan(before[1]);
  });

  it.each([
    ['bob', 'LockupActive', CAST.bob],
    ['carol', 'AccreditationExpired', CAST.carol],
    ['dave', 'Frozen', CAST.dave],
    ['eve', 'NotRegistered', CAST.eve],
  ] as const)('refuses %s with %s, decoded from the gate', async (_name, reason, index) => {
    await approveVenue(index, deployment.stablecoin, deployment.universalRouter);
    const { account: who, args } = buyArgs(index, 100n * 10n ** 6n);
    const err = await client
      .simulateContract({ account: who, address: deployment.universalRouter, abi: universalRouterAbi, functionName: 'execute', args })
      .then(() => undefined, (e: unknown) => e);
    expect(err, 'the swap must revert').toBeDefined();
    const decoded = decodeRevert(revertData(err));
    expect(decoded.wrappers).toEqual(['WrappedError']);
    expect(decoded.name).toBe('InvestorNotEligible');
    expect(decoded.args[0]).toBe(who.address);
    expect(decoded.reason).toBe(reason);
  });

  it('changes nothing when deployed again', async () => {
    const operator = account(0).address;
    const manifestPath = join(deploymentsDir, '31337.json');
    const manifestBefore = readFileSync(manifestPath, 'utf8');
    const nonceBefore = await client.getTransactionCount({ address: operator });
    const blockBefore = await client.getBlockNumber();
    const again = await deployVenue({ rpcUrl: rpcUrl, privateKey: ANVIL_OPERATOR_KEY, deploymentsDir });
    expect(await client.getTransactionCount({ address: operator })).toBe(nonceBefore);
    expect(await client.getBlockNumber()).toBe(blockBefore);
    expect(again).toEqual(deployment);
    expect(readFileSync(manifestPath, 'utf8')).toBe(manifestBefore);
  }, 120_000);

  it('keeps the deployment, every block and every balance across a restart that replays the journal', async () => {
    const pool = deployment.pools[0];
    const holders = Object.values(CAST).map((i) => account(i).address);
    const balances = async () => Promise.all(holders.flatMap((h) => [balanceOf(pool.security, h), balanceOf(deployment.stablecoin, h)]));
    const before = await balances();
    const block = await client.getBlockNumber();
    const head = await client.getBlock();
    await stopChild(chain);
    await boot();
    expect(await client.getBlockNumber()).toBe(block);
    expect((await client.getBlock({ blockNumber: block })).hash).toBe(head.hash);
    expect(await client.getCode({ address: deployment.gateHook })).toMatch(/^0x[0-9a-f]{100,}/);
    expect(await balances()).toEqual(before);
  }, 60_000);
});
