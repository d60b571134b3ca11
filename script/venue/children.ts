/** The venue's long-running children, shared by `npm start` and the end-to-end tests: the keepers and the dashboard. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { PreviewServer } from 'vite';

export interface KeepersOptions {
  rpcUrl: string;
  dataDir: string;
  deploymentsDir: string;
  host: string;
  apiPort: number;
  /** Where their JSON log lines go. */
  logFile: string;
  env?: Record<string, string>;
}

/**
 * Runs a TypeScript program as a child node process. `node --import tsx` rather than the `tsx` command: that one is
 * a wrapper process, and a signal it can't pass on (SIGKILL) would leave the real program running.
 */
export function spawnTs(script: string, args: string[], options: SpawnOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], options);
}

/** The keepers run as one child process (they share one PGlite ledger); ready once their API answers. */
export async function startKeepers(o: KeepersOptions): Promise<ChildProcess> {
  const log = createWriteStream(o.logFile, { flags: 'a' });
  const child = spawnTs('script/keeper/main.ts', ['all'], {
    env: {
      ...process.env,
      ACCREDEX_RPC_URL: o.rpcUrl,
      ACCREDEX_DATA_DIR: o.dataDir,
      ACCREDEX_DEPLOYMENTS_DIR: o.deploymentsDir,
      ACCREDEX_HOST: o.host,
      ACCREDEX_API_PORT: String(o.apiPort),
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://${o.host}:${o.apiPort}/health`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the keepers exited with code ${child.exitCode}; see ${o.logFile}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return child;
    if (Date.now() > deadline) throw new Error(`the keepers' API did not answer at ${url} within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
export async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
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
