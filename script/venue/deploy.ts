import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createPublicClient, hashDomain, http, type Hex } from 'viem';
import { loadDeployment } from '../../sdk/load.ts';
import { type Deployment } from '../../sdk/manifest.ts';
import { LOCAL_CHAIN_ID } from './anvil.ts';

const run = promisify(execFile);
const PERMIT2 = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
const PERMIT2_SOURCE = 'node_modules/@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol';

export interface DeployOptions {
  rpcUrl: string;
  privateKey: Hex;
  /** Where the manifest goes; must be inside deployments/ (forge's write permission). */
  deploymentsDir?: string;
  /** The deploy config (DEPLOY_CONFIG); by default script/config/<chainId>.json. Inside script/config or deployments. */
  config?: string;
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
  await runDeployScript(['--rpc-url', opts.rpcUrl, '--private-key', opts.privateKey, '--broadcast'], { DEPLOYMENTS_DIR: dir, ...(opts.config ? { DEPLOY_CONFIG: opts.config } : {}) });
  return loadDeployment(chainId, dir);
}

/**
 * Runs script/Deploy.s.sol with `args` (RPC, signer, --broadcast) and `env`. Fails with the output's tail when forge
 * fails, including a failed script it reports with exit code 0.
 */
export async function runDeployScript(args: string[], env: Record<string, string>): Promise<void> {
  const fail = (stdout: string, stderr: string) => {
    const tail = `${stdout}\n${stderr}`.trim().split('\n').filter((l) => !l.startsWith('npm warn')).slice(-25).join('\n');
    return new Error(`deploy script failed:\n${tail}`);
  };
  let out: { stdout: string; stderr: string };
  try {
    out = await run('node_modules/.bin/forge', ['script', 'script/Deploy.s.sol', ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw fail(stdout, stderr);
  }
  if (/^Error: /m.test(`${out.stdout}\n${out.stderr}`)) throw fail(out.stdout, out.stderr);
}

/**
 * Permit2's shipped bytecode is runtime code: on a local chain it is placed with anvil_setCode, not deployed. Its
 * constructor would have cached the EIP-712 domain separator (for this chain and address) in an immutable; the
 * shipped code carries the one of the chain and address it was built on, so signed permits would fail here. The stale
 * separator is swapped for the right one, making the local Permit2 the one a real deployment at this address is.
 */
export async function placePermit2(rpcUrl: string): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const existing = await client.getCode({ address: PERMIT2 });
  if (existing && existing !== '0x') return;
  const match = /hex"([0-9a-fA-F]+)"/.exec(readFileSync(PERMIT2_SOURCE, 'utf8'));
  if (!match) throw new Error(`no Permit2 bytecode found in ${PERMIT2_SOURCE}`);
  let code = match[1].toLowerCase();
  await client.request({ method: 'anvil_setCode' as never, params: [PERMIT2, `0x${code}`] as never });
  const domainSeparator = { type: 'function', name: 'DOMAIN_SEPARATOR', inputs: [], outputs: [{ type: 'bytes32' }], stateMutability: 'view' } as const;
  const cached = await client.readContract({ address: PERMIT2, abi: [domainSeparator], functionName: 'DOMAIN_SEPARATOR' });
  const chainId = await client.getChainId();
  const expected = hashDomain({
    domain: { name: 'Permit2', chainId: BigInt(chainId), verifyingContract: PERMIT2 },
    types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }] },
  });
  if (cached === expected) return;
  const stale = cached.slice(2).toLowerCase();
  if (code.split(stale).length !== 2) throw new Error('Permit2 bytecode: the cached domain separator is not where it was expected');
  code = code.replace(stale, expected.slice(2));
  await client.request({ method: 'anvil_setCode' as never, params: [PERMIT2, `0x${code}`] as never });
  const fixed = await client.readContract({ address: PERMIT2, abi: [domainSeparator], functionName: 'DOMAIN_SEPARATOR' });
  if (fixed !== expected) throw new Error(`Permit2 domain separator is ${fixed}, expected ${expected}`);
}
