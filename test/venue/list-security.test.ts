/**
 * A real chain, simulated: a second anvil with another chain id, the canonical Uniswap v4 contracts deployed there
 * first (from their npm artifacts, owned by another account, so at other addresses than the local venue's), then
 * Accredex from a config file naming them, with no demo seed; then an issuer lists a second security with
 * `list-security` (token, lockup, offering rules, pool at a price, issuance, seed liquidity), and an investor trades
 * it through UniversalRouter. A listing the config already has, or one the chain refuses, leaves the config as it was.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPublicClient, createWalletClient, defineChain, encodeFunctionData, erc20Abi, http, maxUint160, maxUint256, parseUnits, type Address, type Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStablecoinAbi, investorRegistryAbi, permit2Abi, restrictedSecurityTokenAbi, stateViewAbi } from '../../sdk/abis/generated.ts';
import { loadDeployment } from '../../sdk/load.ts';
import type { Deployment } from '../../sdk/manifest.ts';
import { freePort, startAnvil, type Anvil } from '../../script/venue/anvil.ts';
import { deployVenue, placePermit2 } from '../../script/venue/deploy.ts';
import { openPgliteLedger } from '../../script/keeper/ledger/db.ts';
import { syncOnce } from '../../script/keeper/settlement/indexer.ts';
import { listSecurity } from '../../script/venue/list-security.ts';
import { ANVIL_MNEMONIC } from '../../sdk/local.ts';
import { swapCalldata } from '../utils/trade.ts';

const run = promisify(execFile);
const CHAIN_ID = 4242;
const key = (index: number): Hex => `0x${Buffer.from(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index }).getHdKey().privateKey!).toString('hex')}`;
const operator = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 });
const investor = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 5 });
const YEAR = 365 * 86_400;

let anvil: Anvil;
let scratch: string;
const dir = `deployments/.tmp-real-chain-${process.pid}`;
const config = `${dir}/config.json`;
let canonical: Record<string, Address>;
let rpcUrl: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'accredex-real-chain-'));
  anvil = await startAnvil({ port: await freePort(), logFile: join(scratch, 'anvil.log'), chainId: CHAIN_ID });
  rpcUrl = anvil.rpcUrl;
  mkdirSync(dir, { recursive: true });
  // The chain "already has" Uniswap v4: Permit2 at its canonical address, the rest deployed by someone else.
  await placePermit2(rpcUrl);
  await run('node_modules/.bin/forge', ['script', 'test/utils/DeployCanonical.s.sol', '--rpc-url', rpcUrl, '--private-key', key(3), '--broadcast'], {
    env: { ...process.env, CANONICAL_OUT: `${dir}/canonical.json` }, maxBuffer: 64 * 1024 * 1024,
  });
  canonical = JSON.parse(readFileSync(`${dir}/canonical.json`, 'utf8'));
}, 300_000);

afterAll(async () => {
  await anvil?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('a real chain, simulated (chain 4242, canonical Uniswap at other addresses, no demo seed)', () => {
  let d: Deployment;
  const client = () => createPublicClient({ transport: http(rpcUrl) });
  const chain = defineChain({ id: CHAIN_ID, name: 'stand-in for a real chain', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [] } } });
  const wallet = (index: number) => createWalletClient({ account: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index }), transport: http(rpcUrl), chain });
  const send = async (index: number, to: Address, data: Hex) => {
    const hash = await wallet(index).sendTransaction({ to, data });
    const receipt = await client().waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
  };

  it('deploys Accredex from its config file on top of the canonical contracts there, with no demo seed', async () => {
    // Owned by account 3, not the venue's operator: at other addresses than a local venue's (CREATE2 over its owner).
    const owner = await client().readContract({ address: canonical.poolManager, abi: [{ type: 'function', name: 'owner', inputs: [], outputs: [{ type: 'address' }], stateMutability: 'view' }], functionName: 'owner' });
    expect(owner).toBe(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 3 }).address);
    writeFileSync(config, JSON.stringify({
      adminTransferDelay: 172_800, fee: 3000, tickSpacing: 60, canonical, stablecoin: { name: 'Test USD', symbol: 'tUSD' },
      securities: [{ lockupEnd: Math.floor(Date.now() / 1000) + YEAR, name: 'Alpha Holdings Common', priceUsd: 10, symbol: 'ALPHA' }], seed: false,
    }, null, 2));
    d = await deployVenue({ rpcUrl, privateKey: key(0), deploymentsDir: dir, config });
    expect(d.chainId).toBe(CHAIN_ID);
    expect({ poolManager: d.poolManager, positionManager: d.positionManager, universalRouter: d.universalRouter, v4Quoter: d.v4Quoter, stateView: d.stateView, permit2: d.permit2 })
      .toEqual({ poolManager: canonical.poolManager, positionManager: canonical.positionManager, universalRouter: canonical.universalRouter, v4Quoter: canonical.v4Quoter, stateView: canonical.stateView, permit2: canonical.permit2 });
    expect(d.pools.map((p) => p.name)).toEqual(['ALPHA/tUSD']);
    expect(d.accounts).toBeUndefined();
    // No demo seed: nobody registered, nothing minted.
    expect((await client().readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [investor.address] })).registered).toBe(false);
    expect(await client().readContract({ address: d.pools[0].security, abi: erc20Abi, functionName: 'totalSupply' })).toBe(0n);
  }, 300_000);

  it('lists a second security: token, lockup, offering rules, pool at its price, issuance and seed liquidity; an investor trades it', async () => {
    // The issuer's treasury (the deployer) adds the seed liquidity through the gate, so it is a registered investor
    // holding stablecoin; so is the investor who will buy.
    const inAYear = Math.floor(Date.now() / 1000) + YEAR;
    await send(0, d.investorRegistry, encodeFunctionData({ abi: investorRegistryAbi, functionName: 'upsertInvestors', args: [[operator.address, investor.address].map((a) => ({ investor: a, accreditationExpiry: inAYear, frozen: false }))] }));
    for (const to of [operator.address, investor.address]) await send(0, d.stablecoin, encodeFunctionData({ abi: demoStablecoinAbi, functionName: 'mint', args: [to, parseUnits('1000000', 6)] }));

    const lockupEnd = '2026-01-01';
    const { pool, deployment } = await listSecurity({
      rpcUrl, config, deploymentsDir: dir, privateKey: key(0), name: 'Beta Robotics Series A', symbol: 'BETA', price: '40', lockupEnd,
      maxHolders: '50', maxNonAccredited: '0', issue: [`${operator.address}=100000`, `${investor.address}=10`], liquidityUsd: '50000',
    });
    expect(deployment.pools.map((p) => p.name)).toEqual(['ALPHA/tUSD', 'BETA/tUSD']);
    expect(loadDeployment(CHAIN_ID, dir).pools[1]).toEqual(pool);
    const token = { address: pool.security, abi: restrictedSecurityTokenAbi } as const;
    expect(await client().readContract({ ...token, functionName: 'symbol' })).toBe('BETA');
    expect(await client().readContract({ ...token, functionName: 'totalSupply' })).toBe(parseUnits('100010', 18));
    expect(await client().readContract({ ...token, functionName: 'limits' })).toEqual({ maxHolding: 0n, minTrade: 0n, maxHolders: 50, maxNonAccredited: 0 });
    const listed = await client().readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'security', args: [pool.security] });
    expect(listed[0]).toBe(true);
    expect(Number(listed[1])).toBe(Date.parse(`${lockupEnd}T00:00:00Z`) / 1000);
    // Initialized at $40 a share, and liquid.
    const [sqrtPriceX96] = await client().readContract({ address: d.stateView, abi: stateViewAbi, functionName: 'getSlot0', args: [pool.poolId] });
    const raw = Number(sqrtPriceX96) ** 2 / 2 ** 192;
    const securityIs0 = pool.currency0.toLowerCase() === pool.security.toLowerCase();
    const usdPerShare = securityIs0 ? raw * 1e12 : 1e12 / raw;
    expect(usdPerShare).toBeCloseTo(40, 6);
    expect(await client().readContract({ address: d.stateView, abi: stateViewAbi, functionName: 'getLiquidity', args: [pool.poolId] })).toBeGreaterThan(0n);

    // The investor buys 400 tUSD of BETA through UniversalRouter: about 10 shares, less the 0.3% fee and the impact.
    await send(5, d.stablecoin, encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [d.permit2, maxUint256] }));
    await send(5, d.permit2, encodeFunctionData({ abi: permit2Abi, functionName: 'approve', args: [d.stablecoin, d.universalRouter, maxUint160, 2 ** 47] }));
    const before = await client().readContract({ ...token, functionName: 'balanceOf', args: [investor.address] });
    await send(5, d.universalRouter, swapCalldata(deployment, pool, true, parseUnits('400', 6)));
    const bought = (await client().readContract({ ...token, functionName: 'balanceOf', args: [investor.address] })) - before;
    expect(Number(bought) / 1e18).toBeGreaterThan(9.8);
    expect(Number(bought) / 1e18).toBeLessThan(10);

    // The settlement keeper, started before the listing (its manifest has one pool), never skips the new pool: it stops
    // at the block where the gate authorized it until its manifest names it, then reads the manifest again and records
    // the trade. A manifest of another venue (another registry) is never taken for this one's.
    const ledger = await openPgliteLedger();
    try {
      const stale = structuredClone(d);
      const sync = (reloadDeployment?: () => Deployment) => syncOnce({ client: client() as never, ledger, deployment: stale, confirmations: 1, maxRange: 1000, reloadDeployment });
      await expect(async () => { for (let i = 0; i < 50; i++) if ((await sync()).caughtUp) return; }).rejects.toThrow(new RegExp(`the gate authorized pool ${pool.poolId.toLowerCase()} at block \\d+, which deployments/4242.json does not name`));
      const other = { ...loadDeployment(CHAIN_ID, dir), investorRegistry: stale.gateHook };
      await expect(sync(() => other)).rejects.toThrow(/the manifest on disk is another venue's/);
      expect(stale.pools).toHaveLength(1);
      for (let i = 0; i < 50 && !(await sync(() => loadDeployment(CHAIN_ID, dir))).caughtUp; i++);
      expect(stale.pools.map((p) => p.name)).toEqual(['ALPHA/tUSD', 'BETA/tUSD']);
      const trades = await ledger.query<{ pool_name: string; investor: string; security_amount: string }>('select pool_name, investor, security_amount::text from trades');
      expect(trades).toEqual([{ pool_name: 'BETA/tUSD', investor: investor.address, security_amount: bought.toString() }]);
    } finally {
      await ledger.close();
    }
  }, 300_000);

  it('refuses a security the config already lists, changes nothing when the chain refuses a step or on a dry run, and leaves an officer\'s later rules alone', async () => {
    const text = readFileSync(config, 'utf8');
    const base = { rpcUrl, config, deploymentsDir: dir, privateKey: key(0), price: '5', lockupEnd: '2026-01-01' };
    await expect(listSecurity({ ...base, name: 'Another', symbol: 'BETA' })).rejects.toThrow(/already lists BETA \(Beta Robotics Series A\)/);
    // Shares issued to a wallet the registry does not know: the token refuses the mint, and nothing is listed.
    const stranger = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 9 }).address;
    await expect(listSecurity({ ...base, name: 'Gamma Foods', symbol: 'GAMMA', issue: [`${stranger}=5`] })).rejects.toThrow(/nothing was sent and .* is unchanged, since the simulated deploy script failed:/);
    expect(readFileSync(config, 'utf8')).toBe(text);
    expect(loadDeployment(CHAIN_ID, dir).pools.map((p) => p.name)).toEqual(['ALPHA/tUSD', 'BETA/tUSD']);
    // Bad input is named, all of it, before anything runs.
    await expect(listSecurity({ ...base, name: '', symbol: 'lower', price: 'free', lockupEnd: '2027-02-31', issue: ['0x12=3'], maxHolding: '100000000000' })).rejects.toThrow(
      /--name: the security's legal name; --symbol: .*; --price: dollars per share; --lockup-end 2027-02-31: a calendar date .*; --max-holding: at most 79228162514 shares; --issue 0x12=3: give ADDRESS=SHARES/,
    );
    // A dry run simulates the listing and changes no file.
    const dry = await listSecurity({ ...base, name: 'Delta Energy', symbol: 'DELTA', dryRun: true });
    expect(dry.pool.name).toBe('DELTA/tUSD');
    expect(readFileSync(config, 'utf8')).toBe(text);
    expect(loadDeployment(CHAIN_ID, dir).pools.map((p) => p.name)).toEqual(['ALPHA/tUSD', 'BETA/tUSD']);
    expect(existsSync(`${dir}/.list-security-${process.pid}`)).toBe(false);

    // An officer's later change of BETA's rules stands when another security is listed (its steps ran once).
    const beta = loadDeployment(CHAIN_ID, dir).pools[1].security;
    const rules = { maxHolding: 0n, minTrade: 0n, maxHolders: 2000, maxNonAccredited: 0 };
    await send(0, beta, encodeFunctionData({ abi: restrictedSecurityTokenAbi, functionName: 'setLimits', args: [rules] }));
    await listSecurity({ ...base, name: 'Epsilon Bio', symbol: 'EPS' });
    expect(loadDeployment(CHAIN_ID, dir).pools.map((p) => p.name)).toEqual(['ALPHA/tUSD', 'BETA/tUSD', 'EPS/tUSD']);
    expect(await client().readContract({ address: beta, abi: restrictedSecurityTokenAbi, functionName: 'limits' })).toEqual(rules);
  }, 300_000);
});
