/**
 * A bare anvil for tests and benchmarks that need a chain and nothing else (no journal: it forgets everything when
 * it stops). The venue itself runs the durable chain (script/chain/), never this.
 */
import { createWriteStream } from 'node:fs';
import { anvilArgs, foundryBinary, newChainSpec } from '../chain/anvil.ts';
import { spawnBound } from '../lifecycle.ts';
import { rpcClient } from '../chain/rpc.ts';

export { ANVIL_MNEMONIC, LOCAL_CHAIN_ID } from '../../sdk/local.ts';
export { foundryBinary } from '../chain/anvil.ts';
export { freePort, portInUse } from '../chain/net.ts';

/** anvil's account 0, the local operator: a well-known development key, never used on a real chain. */
export const ANVIL_OPERATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface AnvilOptions {
  /** On loopback. */
  port: number;
  logFile: string;
  /** Another chain than the local venue's 31337 (a stand-in for a real chain, in tests). */
  chainId?: number;
}

export interface Anvil {
  rpcUrl: string;
  /** Stops anvil and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startAnvil(opts: AnvilOptions): Promise<Anvil> {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawnBound(
    foundryBinary('anvil'),
    // The durable chain's settings, so tests see what the venue runs.
    anvilArgs({ port: opts.port, spec: { ...newChainSpec(), ...(opts.chainId ? { chainId: opts.chainId } : {}) } }),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const rpcUrl = `http://127.0.0.1:${opts.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const rpc = rpcClient(rpcUrl, 1_000);
  const deadline = Date.now() + 30_000;
  while (!(await rpc.call('eth_chainId').then(() => true, () => false))) {
    if (done) throw new Error(`anvil exited during startup; see ${opts.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on ${rpcUrl} within 30 s; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    rpcUrl,
    async stop() {
      if (done) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
      log.end();
    },
  };
}
