/**
 * The anvil processes behind the durable chain: the one the front serves (on a private loopback port) and the scratch
 * ones that compaction and `chain verify` replay the journal onto. Each dies with the process that started it.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ANVIL_MNEMONIC, LOCAL_CHAIN_ID } from '../../sdk/local.ts';
import { lowerPriority, spawnBound } from '../lifecycle.ts';
import type { ChainSpec } from './journal.ts';
import { rpcClient, type Rpc } from './rpc.ts';

/**
 * The native foundry binary from its platform package (@foundry-rs/<tool>-<os>-<arch>). Spawned directly, not
 * through the npm launcher, so that signals reach it.
 */
export function foundryBinary(tool: 'anvil' | 'forge' | 'cast'): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;
  const platformBinary = `node_modules/@foundry-rs/${tool}-${process.platform}-${arch}/bin/${tool}`;
  return existsSync(platformBinary) ? platformBinary : `node_modules/.bin/${tool}`;
}


/** A new local chain: the well-known mnemonic, the EVM rules the contracts are compiled for, genesis at `at` (ms). */
export const newChainSpec = (at = Date.now()): ChainSpec => ({
  chainId: LOCAL_CHAIN_ID,
  mnemonic: ANVIL_MNEMONIC,
  gasLimit: 30_000_000,
  hardfork: 'cancun',
  stateHistory: 256,
  genesisTimestamp: Math.floor(at / 1000),
});

export interface ChainAnvilOptions {
  port: number;
  spec: ChainSpec;
  /** A trimmed anvil_dumpState to start from, and the time of its newest block. */
  snapshot?: { file: string; timestamp: number };
  /** Background work (compaction): yields the CPU to the served chain. */
  lowPriority?: boolean;
  /**
   * The served anvil keeps the transactions and receipts (with their call traces, most of its memory) of only this
   * many newest blocks (--transaction-block-keeper); older ones are in the archive by then.
   */
  keepTxBlocks?: number;
  logFile: string;
}

export interface ChainAnvil {
  rpc: Rpc;
  process: ChildProcess;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The anvil command line for a chain: the same settings give the same blocks. */
export function anvilArgs(o: Pick<ChainAnvilOptions, 'port' | 'spec' | 'snapshot' | 'keepTxBlocks'> & { ipc?: string }): string[] {
  return [
    '--host', '127.0.0.1',
    '--port', String(o.port),
    ...(o.ipc ? ['--ipc', o.ipc] : []),
    '--chain-id', String(o.spec.chainId),
    '--mnemonic', o.spec.mnemonic,
    '--gas-limit', String(o.spec.gasLimit),
    '--hardfork', o.spec.hardfork,
    // A bounded window of historical states: without it, anvil 1.7 gets slower with every block it keeps.
    '--prune-history', String(o.spec.stateHistory),
    // Started from a snapshot, anvil's clock must resume at the snapshot's newest block, or replayed blocks, which
    // carry their recorded (earlier) times, would be refused as going back in time.
    '--timestamp', String(o.snapshot?.timestamp ?? o.spec.genesisTimestamp),
    ...(o.snapshot ? ['--load-state', o.snapshot.file] : []),
    ...(o.keepTxBlocks ? ['--transaction-block-keeper', String(o.keepTxBlocks)] : []),
    '--no-request-size-limit',
    '--quiet',
  ];
}

export async function startChainAnvil(o: ChainAnvilOptions): Promise<ChainAnvil> {
  const log = createWriteStream(o.logFile, { flags: 'a' });
  // The chain's own calls (each transaction, each replayed entry) go over anvil's Unix socket; clients' reads that
  // pass through unchanged go over HTTP. Next to its log (a kill -9 leaves the file there, where `npm run reset`
  // takes it), unless that path is too long for a socket (107 bytes).
  const beside = join(dirname(o.logFile), `anvil-${o.port}.ipc`);
  const ipc = beside.length <= 100 ? beside : join(tmpdir(), `accredex-anvil-${process.pid}-${o.port}.ipc`);
  rmSync(ipc, { force: true });
  // Its own process group: a Ctrl-C in the terminal reaches the venue's processes, which stop it in order.
  const child = spawnBound(foundryBinary('anvil'), anvilArgs({ ...o, ipc }), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  if (o.lowPriority) lowerPriority(child, 15);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
    rmSync(ipc, { force: true });
  });
  const rpc = rpcClient(`http://127.0.0.1:${o.port}`, undefined, ipc);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (done) throw new Error(`anvil exited while starting; see ${o.logFile}`);
    if (await rpc.call('eth_chainId').then(() => true, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on port ${o.port} within 60 s; see ${o.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    rpc,
    process: child,
    exited,
    async stop() {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}
