/**
 * The venue's long-running children, shared by `npm start`, the tests and the benchmarks: the durable chain, the
 * keepers and the dashboard. Each child runs in its own process group (a Ctrl-C reaches npm start, which stops them
 * in order) and is bound to its parent's life (a `kill -9` of npm start takes them along: no orphan ever holds a
 * port or a ledger).
 */
import { type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { PreviewServer } from 'vite';
import { spawnBound } from '../lifecycle.ts';

/**
 * Runs a TypeScript program as a child node process. `node --import tsx` rather than the `tsx` command: that one is
 * a wrapper process, and a signal it can't pass on (SIGKILL) would leave the real program running.
 */
export function spawnTs(script: string, args: string[], options: SpawnOptions): ChildProcess {
  return spawnBound(process.execPath, ['--import', 'tsx', script, ...args], { detached: true, ...options });
}

/** Spawns `script` with its output appended to `logFile`. */
function spawnLogged(script: string, args: string[], env: Record<string, string | undefined>, logFile: string): ChildProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawnTs(script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  child.once('exit', () => setTimeout(() => log.end(), 100));
  return child;
}

/** Resolves once GET `url` answers 2xx; rejects if the child exits first or `timeoutMs` passes. */
async function readyAt(child: ChildProcess, name: string, url: string, logFile: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) while starting; see ${logFile}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${name} did not answer at ${url} within ${timeoutMs / 1000} s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ChainOptions {
  host: string;
  port: number;
  dataDir: string;
  logFile: string;
  env?: Record<string, string | undefined>;
}

/** The durable chain (script/chain): ready once its front serves (its journal replayed). */
export async function startChain(o: ChainOptions): Promise<ChildProcess> {
  const child = spawnLogged('script/chain/main.ts', ['serve'], { ACCREDEX_HOST: o.host, ACCREDEX_RPC_PORT: String(o.port), ACCREDEX_DATA_DIR: o.dataDir, ...o.env }, o.logFile);
  try {
    await readyAt(child, 'the chain', `http://${o.host}:${o.port}/health`, o.logFile, 120_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

export interface KeepersOptions {
  rpcUrl: string;
  dataDir: string;
  deploymentsDir: string;
  host: string;
  apiPort: number;
  /** The dashboard's origins: the API admits them (CORS, sign-in, the session cookie) and no other. */
  webOrigins: string[];
  /** Where their JSON log lines go. */
  logFile: string;
  env?: Record<string, string | undefined>;
}

/** The origins a dashboard served on host:port is reached at (127.0.0.1 is also localhost, and the other way). */
export function webOriginsOf(host: string, port: number): string[] {
  const hosts = host === '127.0.0.1' || host === 'localhost' ? ['127.0.0.1', 'localhost'] : [host];
  return hosts.map((h) => `http://${h}:${port}`);
}

/** The keepers run as one child process (they share one PGlite ledger); ready once their API answers. */
export async function startKeepers(o: KeepersOptions): Promise<ChildProcess> {
  const child = spawnLogged('script/keeper/main.ts', ['all'], {
    ACCREDEX_RPC_URL: o.rpcUrl,
    ACCREDEX_DATA_DIR: o.dataDir,
    ACCREDEX_DEPLOYMENTS_DIR: o.deploymentsDir,
    ACCREDEX_HOST: o.host,
    ACCREDEX_API_PORT: String(o.apiPort),
    ACCREDEX_WEB_ORIGINS: o.webOrigins.join(','),
    ...o.env,
  }, o.logFile);
  try {
    await readyAt(child, 'the keepers', `http://${o.host}:${o.apiPort}/health`, o.logFile);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return child;
}

/** Whether the child has exited (its exit event may have fired long ago). */
export const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Resolves once the child has exited, however long ago that was. */
export const exitOf = (child: ChildProcess): Promise<void> =>
  hasExited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 10_000) {
  if (!child || hasExited(child)) return;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface WebOptions {
  host: string;
  port: number;
  /** Where the browser finds the chain and the keepers' API. */
  rpcUrl: string;
  apiUrl: string;
  chainId: number;
  deploymentsDir: string;
}

/**
 * Serves the built dashboard (web/dist, from `npm run build`) with `vite preview`. Its runtime routes read these
 * settings from the environment at each request, so they are set here before it starts.
 */
export async function startWeb(o: WebOptions): Promise<PreviewServer> {
  Object.assign(process.env, {
    ACCREDEX_WEB_RPC_URL: o.rpcUrl,
    ACCREDEX_WEB_API_URL: o.apiUrl,
    ACCREDEX_WEB_CHAIN_ID: String(o.chainId),
    ACCREDEX_DEPLOYMENTS_DIR: o.deploymentsDir,
  });
  const { preview } = await import('vite'); // heavy: loaded only when the dashboard is served
  return preview({ configFile: 'web/vite.config.ts', preview: { host: o.host, port: o.port, strictPort: true }, logLevel: 'warn' });
}
