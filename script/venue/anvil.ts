import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname } from 'node:path';
import { createServer } from 'node:net';

export interface AnvilOptions {
  host: string;
  port: number;
  /** Loaded at start if it exists; saved every `stateInterval` seconds and on stop. */
  stateFile: string;
  stateInterval: number;
  logFile: string;
}

export interface Anvil {
  rpcUrl: string;
  /** Writes the chain's state to the state file now. */
  save(): Promise<void>;
  /** Saves the state, then stops anvil and waits for it to exit. */
  stop(): Promise<void>;
}

import { ANVIL_MNEMONIC, LOCAL_CHAIN_ID } from '../../sdk/local.ts';

export { ANVIL_MNEMONIC, LOCAL_CHAIN_ID } from '../../sdk/local.ts';
/** anvil's account 0, the local operator: a well-known development key, never used on a real chain. */
export const ANVIL_OPERATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

/**
 * The native foundry binary from its platform package (@foundry-rs/<tool>-<os>-<arch>). Spawned directly, not
 * through the npm launcher, so that signals reach it: anvil dumps its state only on its own clean exit.
 */
export function foundryBinary(tool: 'anvil' | 'forge' | 'cast'): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? process.arch;
  const platformBinary = `node_modules/@foundry-rs/${tool}-${process.platform}-${arch}/bin/${tool}`;
  return existsSync(platformBinary) ? platformBinary : `node_modules/.bin/${tool}`;
}

export async function startAnvil(opts: AnvilOptions): Promise<Anvil> {
  mkdirSync(dirname(opts.stateFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  // This process, not anvil, writes the state file: anvil's own periodic dump can race its dump on exit and
  // leave an older state behind. One writer, in order, each write atomic (a temporary file, then a rename).
  const child = spawn(
    foundryBinary('anvil'),
    [
      '--host', opts.host,
      '--port', String(opts.port),
      '--chain-id', String(LOCAL_CHAIN_ID),
      '--mnemonic', ANVIL_MNEMONIC,
      ...(existsSync(opts.stateFile) ? ['--load-state', opts.stateFile] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const rpcUrl = `http://${opts.host}:${opts.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  exited.then(() => (done = true));

  const deadline = Date.now() + 30_000;
  while (!(await rpcAnswers(rpcUrl))) {
    if (done) throw new Error(`anvil exited during startup; see ${opts.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer on ${rpcUrl} within 30 s; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let saving = Promise.resolve();
  const save = () => {
    saving = saving.then(() => saveState(rpcUrl, opts.stateFile));
    return saving;
  };
  const timer = setInterval(() => save().catch((err) => log.write(`state save failed: ${err}\n`)), opts.stateInterval * 1000);

  return {
    rpcUrl,
    save,
    async stop() {
      clearInterval(timer);
      if (done) return;
      await save().catch((err) => log.write(`final state save failed: ${err}\n`));
      child.kill('SIGINT');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
      log.end();
    },
  };
}

/** anvil_dumpState answers with gzipped JSON; `--load-state` reads the JSON. */
async function saveState(rpcUrl: string, stateFile: string): Promise<void> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_dumpState', params: [] }),
  });
  const { result, error } = (await res.json()) as { result?: string; error?: { message: string } };
  if (!result) throw new Error(`anvil_dumpState: ${error?.message ?? 'no result'}`);
  const tmp = `${stateFile}.tmp`;
  writeFileSync(tmp, gunzipSync(Buffer.from(result.slice(2), 'hex')));
  renameSync(tmp, stateFile);
}

export async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Whether something already listens on host:port. */
export function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

/** A free loopback port (for tests and benchmarks). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
