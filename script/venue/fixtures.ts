/** Market-making fixtures for tests and benchmarks on a local venue (never used by the product itself). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, erc20Abi, http, maxUint128, maxUint160, maxUint256, type PublicClient } from 'viem';
import { mnemonicToAccount, type LocalAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { permit2Abi, positionManagerAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment, type Pool } from '../../sdk/manifest.ts';
import { encodeMintPosition } from '../../sdk/periphery.ts';
import { readPoolSnapshot } from '../../sdk/v4/state.ts';
import { ANVIL_MNEMONIC, ANVIL_OPERATOR_KEY, freePort, startAnvil, type Anvil } from './anvil.ts';
import { startChain, stopChild } from './children.ts';
import { deployVenue } from './deploy.ts';

/** The seeded liquidity provider (anvil account 6). */
export const LP_ACCOUNT = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 6 });

/** A deterministic generator in [0, 1), so a failing random case can be replayed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mints `count` concentrated positions around the price, so that swaps cross many initialized ticks. */
export async function addRandomPositions(client: PublicClient, rpcUrl: string, d: Deployment, pool: Pool, count: number, random: () => number) {
  const lp = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(rpcUrl) });
  const { tick } = await readPoolSnapshot(client, { stateView: d.stateView, poolId: pool.poolId, tickSpacing: pool.tickSpacing });
  const spacing = pool.tickSpacing;
  for (let i = 0; i < count; i++) {
    const lower = Math.floor((tick + Math.floor((random() - 0.6) * 6000)) / spacing) * spacing;
    const upper = lower + spacing * (1 + Math.floor(random() * 60));
    const unlockData = encodeMintPosition({
      poolKey: poolKeyOf(pool), tickLower: lower, tickUpper: upper, liquidity: BigInt(Math.floor(1e15 + random() * 5e16)),
      amount0Max: maxUint128, amount1Max: maxUint128, owner: LP_ACCOUNT.address,
    });
    await client.waitForTransactionReceipt({
      hash: await lp.writeContract({ address: d.positionManager, abi: positionManagerAbi, functionName: 'modifyLiquidities', args: [unlockData, 2n ** 40n] }),
    });
  }
}

/**
 * Lets an account (the LP unless told otherwise) trade through UniversalRouter: approve Permit2, then the router on
 * Permit2, for both currencies.
 */
export async function approveRouterForLp(client: PublicClient, rpcUrl: string, d: Deployment, pool: Pool, account: LocalAccount = LP_ACCOUNT) {
  const lp = createWalletClient({ account, chain: foundry, transport: http(rpcUrl) });
  for (const token of [pool.currency0, pool.currency1]) {
    await client.waitForTransactionReceipt({ hash: await lp.writeContract({ address: token, abi: erc20Abi, functionName: 'approve', args: [d.permit2, maxUint256] }) });
    await client.waitForTransactionReceipt({
      hash: await lp.writeContract({ address: d.permit2, abi: permit2Abi, functionName: 'approve', args: [token, d.universalRouter, maxUint160, 2 ** 48 - 1] }),
    });
  }
}

export interface LocalVenue {
  anvil: Anvil;
  /** A client without caching (block numbers are compared across steps); batching on request. */
  client: PublicClient;
  deployment: Deployment;
  dataDir: string;
  /** Where its manifest is (inside deployments/). */
  deploymentsDir: string;
  /** Stops anvil and removes every file the venue wrote. */
  stop(): Promise<void>;
}

/**
 * A fresh chain on a free port with the venue deployed and seeded, in temporary directories (tests, benchmarks):
 * a bare anvil, or with `durable` the journaled chain npm start runs (for tests of what its users see).
 */
export async function startLocalVenue(name: string, opts: { batch?: boolean; durable?: boolean } = {}): Promise<LocalVenue> {
  const dataDir = mkdtempSync(join(tmpdir(), `accredex-${name}-`));
  const deploymentsDir = `deployments/.tmp-${name}-${process.pid}`;
  const anvil = opts.durable ? await startDurable(dataDir) : await startAnvil({ port: await freePort(), logFile: join(dataDir, 'anvil.log') });
  const client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: opts.batch ?? false }), cacheTime: 0 });
  const deployment = await deployVenue({ rpcUrl: anvil.rpcUrl, privateKey: ANVIL_OPERATOR_KEY, deploymentsDir });
  return {
    anvil,
    client,
    deployment,
    dataDir,
    deploymentsDir,
    async stop() {
      await anvil.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(deploymentsDir, { recursive: true, force: true });
    },
  };
}

async function startDurable(dataDir: string): Promise<Anvil> {
  const port = await freePort();
  const chain = await startChain({ host: '127.0.0.1', port, dataDir, logFile: join(dataDir, 'chain.log'), env: { ACCREDEX_LOG_LEVEL: 'warn' } });
  return { rpcUrl: `http://127.0.0.1:${port}`, stop: () => stopChild(chain) };
}
