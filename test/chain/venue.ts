/**
 * The real `npm start` program under test: started, stopped and killed as an operator (or a crash) would, with
 * steady traffic from outside clients that remember every transaction the venue acknowledged.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, encodeFunctionData, http, type Hex, type PublicClient } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { universalRouterAbi } from '../../sdk/abis/generated.ts';
import { loadDeployment } from '../../sdk/load.ts';
import { poolKeyOf, type Deployment } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';
import { ANVIL_MNEMONIC, freePort, LOCAL_CHAIN_ID, portInUse } from '../../script/venue/anvil.ts';
import { exitOf, spawnTs } from '../../script/venue/children.ts';
import { approveRouterForLp, LP_ACCOUNT } from '../../script/venue/fixtures.ts';

export interface Venue {
  dataDir: string;
  deploymentsDir: string;
  rpcUrl: string;
  apiUrl: string;
  ports: number[];
  process?: ChildProcess;
  output: string;
  /** Starts npm start's program and waits for "ready"; returns the seconds it took. */
  start(): Promise<number>;
  /** Signals the program (or, with `group`, its whole process group) and waits until every port is free. */
  signal(signal: NodeJS.Signals): Promise<void>;
  chainHealth(): Promise<{ process: { pid: number; anvilPid: number }; durable: { seq: number } }>;
  remove(): void;
}

export async function testVenue(name: string, env: Record<string, string> = {}): Promise<Venue> {
  const dataDir = mkdtempSync(join(tmpdir(), `accredex-${name}-`));
  const deploymentsDir = `deployments/.tmp-${name}-${process.pid}`;
  const [rpc, api, web] = [await freePort(), await freePort(), await freePort()];
  const venue: Venue = {
    dataDir,
    deploymentsDir,
    rpcUrl: `http://127.0.0.1:${rpc}`,
    apiUrl: `http://127.0.0.1:${api}`,
    ports: [rpc, api, web],
    output: '',
    async start() {
      const started = performance.now();
      venue.output = '';
      const child = spawnTs('script/venue/start.ts', [], {
        env: {
          ...process.env,
          ACCREDEX_DATA_DIR: dataDir,
          ACCREDEX_DEPLOYMENTS_DIR: deploymentsDir,
          ACCREDEX_RPC_PORT: String(rpc),
          ACCREDEX_API_PORT: String(api),
          ACCREDEX_WEB_PORT: String(web),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      venue.process = child;
      child.stdout!.on('data', (d) => (venue.output += d));
      child.stderr!.on('data', (d) => (venue.output += d));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready after 180 s:\n${venue.output}`)), 180_000);
        const check = () => /ready in/.test(venue.output) && (clearTimeout(timer), resolve());
        child.stdout!.on('data', check);
        child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`npm start exited with ${code}:\n${venue.output}`))));
      });
      return (performance.now() - started) / 1000;
    },
    async signal(signal) {
      const child = venue.process!;
      child.kill(signal);
      await exitOf(child);
      // The children die with it (or stop in order); wait until none of them holds a port.
      const deadline = Date.now() + 30_000;
      for (const port of venue.ports) {
        while (await portInUse('127.0.0.1', port)) {
          if (Date.now() > deadline) throw new Error(`port ${port} still taken 30 s after the venue got ${signal}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    chainHealth: () => fetch(`${venue.rpcUrl}/health`).then((r) => r.json()),
    remove() {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(deploymentsDir, { recursive: true, force: true });
    },
  };
  return venue;
}

export const deploymentOf = (v: Venue): Deployment => loadDeployment(LOCAL_CHAIN_ID, v.deploymentsDir);

export interface Acked {
  hash: Hex;
  blockNumber: bigint;
  blockHash: Hex;
}

/**
 * Steady traffic from two outside clients until stopped: the LP swapping through UniversalRouter (each send waits
 * for its receipt in the same call, eth_sendRawTransactionSync) and the operator sending transfers (send, then poll
 * for the receipt). Every transaction that got a receipt is remembered. A client whose venue is down retries.
 */
export function startTraffic(v: Venue, d: Deployment) {
  const acked = new Map<Hex, Acked>();
  let running = true;
  let errors = 0;
  const client = createPublicClient({ chain: foundry, transport: http(v.rpcUrl, { retryCount: 0 }), cacheTime: 0 });
  const post = async (method: string, params: unknown[]) => {
    const res = await fetch(v.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }), signal: AbortSignal.timeout(30_000) });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(body.error.message);
    return body.result;
  };
  const pool = d.pools[0];
  const securityIs0 = pool.currency0 === pool.security;
  const swapData = (buy: boolean) => {
    const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne: buy ? !securityIs0 : securityIs0, amountIn: buy ? 20_000_000n : 10n ** 18n, amountOutMinimum: 0n });
    return encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] });
  };
  const operator = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 });

  async function sender(account: typeof LP_ACCOUNT, next: (i: number) => { to: Hex; data: Hex }, sync: boolean) {
    for (let i = 0; running; i++) {
      try {
        const nonce = await client.getTransactionCount({ address: account.address, blockTag: 'pending' });
        const raw = await account.signTransaction({ ...next(i), nonce, gas: 600_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n, chainId: LOCAL_CHAIN_ID, type: 'eip1559' });
        let receipt: { transactionHash: Hex; blockNumber: Hex; blockHash: Hex } | null;
        if (sync) receipt = (await post('eth_sendRawTransactionSync', [raw])) as typeof receipt;
        else {
          const hash = (await post('eth_sendRawTransaction', [raw])) as Hex;
          receipt = (await post('eth_getTransactionReceipt', [hash])) as typeof receipt;
        }
        if (receipt) acked.set(receipt.transactionHash, { hash: receipt.transactionHash, blockNumber: BigInt(receipt.blockNumber), blockHash: receipt.blockHash });
      } catch {
        errors++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  const done = Promise.all([
    sender(LP_ACCOUNT, (i) => ({ to: d.universalRouter, data: swapData(i % 2 === 0) }), true),
    sender(operator, () => ({ to: operator.address, data: '0x' }), false),
  ]);
  return {
    acked,
    errors: () => errors,
    async stop() {
      running = false;
      await done;
    },
  };
}

/** Lets the LP swap through UniversalRouter (once per venue). */
export async function prepareTraffic(v: Venue, d: Deployment): Promise<PublicClient> {
  const client = createPublicClient({ chain: foundry, transport: http(v.rpcUrl), cacheTime: 0 });
  await approveRouterForLp(client, v.rpcUrl, d, d.pools[0]);
  return client;
}

/**
 * Puts `n` transactions on the venue's chain as fast as it takes them: transfers that anvil signs (dev accounts,
 * each waiting for its receipt) from several senders at once. Returns what was acknowledged.
 */
export async function burst(v: Venue, n: number, senders = 4): Promise<Map<Hex, Acked>> {
  const acked = new Map<Hex, Acked>();
  const accounts = [8, 9, 7, 5].slice(0, senders).map((i) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address);
  let sent = 0;
  await Promise.all(accounts.map(async (from) => {
    while (sent < n) {
      sent++;
      const res = await fetch(v.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendTransactionSync', params: [{ from, to: from, value: '0x1' }] }) });
      const { result, error } = (await res.json()) as { result?: { transactionHash: Hex; blockNumber: Hex; blockHash: Hex }; error?: { message: string } };
      if (error || !result) throw new Error(`burst: ${error?.message}`);
      acked.set(result.transactionHash, { hash: result.transactionHash, blockNumber: BigInt(result.blockNumber), blockHash: result.blockHash });
    }
  }));
  return acked;
}
