import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createPublicClient, http, type Hex } from 'viem';
import { loadDeployment, type Deployment } from '../../sdk/manifest.ts';
import { LOCAL_CHAIN_ID } from './anvil.ts';

const run = promisify(execFile);
const PERMIT2 = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
const PERMIT2_SOURCE = 'node_modules/@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol';

export interface DeployOptions {
  rpcUrl: string;
  privateKey: Hex;
  /** Where the manifest goes; must be inside deployments/ (forge's write permission). */
  deploymentsDir?: string;
}

/**
 * Places Permit2 on a local chain, then runs script/Deploy.s.sol, which deploys whatever is missing and writes
 * the manifest. Safe to run again: nothing already there is redeployed or reconfigured.
 */
export async function deployVenue(opts: DeployOptions): Promise<Deployment> {
  const client = createPublicClient({ transport: http(opts.rpcUrl) });
  const chainId = await client.getChainId();
  if (chainId === LOCAL_CHAIN_ID) await placePermit2(opts.rpcUrl);
  const dir = opts.deploymentsDir ?? 'deployments';
  mkdirSync(dir, { recursive: true });
  try {
    await run(
      'node_modules/.bin/forge',
      ['script', 'script/Deploy.s.sol', '--rpc-url', opts.rpcUrl, '--private-key', opts.privateKey, '--broadcast'],
      { env: { ...process.env, DEPLOYMENTS_DIR: dir }, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    const tail = `${stdout}\n${stderr}`.trim().split('\n').filter((l) => !l.startsWith('npm warn')).slice(-25).join('\n');
    throw new Error(`deploy script failed:\n${tail}`);
  }
  return loadDeployment(chainId, dir);
}

/** Permit2's shipped bytecode is runtime code: on a local chain it is placed with anvil_setCode, not deployed. */
export async function placePermit2(rpcUrl: string): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const existing = await client.getCode({ address: PERMIT2 });
  if (existing && existing !== '0x') return;
  const match = /hex"([0-9a-fA-F]+)"/.exec(readFileSync(PERMIT2_SOURCE, 'utf8'));
  if (!match) throw new Error(`no Permit2 bytecode found in ${PERMIT2_SOURCE}`);
  await client.request({ method: 'anvil_setCode' as never, params: [PERMIT2, `0x${match[1]}`] as never });
}
