import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../script/venue/anvil.ts';
import { spawnTs } from '../script/venue/children.ts';
import type { Metric } from './metrics.ts';

/** Runs `npm start`'s program until it prints "ready", returns the seconds that took, then stops it with Ctrl-C. */
async function timeToReady(env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawnTs('script/venue/start.ts', [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const seconds = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 120 s:\n${output}`)), 120_000);
    child.stdout!.on('data', (d) => {
      output += d;
      if (/ready in/.test(output)) clearTimeout(timer), resolve((performance.now() - started) / 1000);
    });
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', (code) => code !== 0 && reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  return Math.round(seconds * 100) / 100;
}

/** `npm start` on a fresh data directory, then again on the state it left (build already done by npm install). */
export async function runStartBenchmark(): Promise<Metric[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'accredex-start-'));
  const deploymentsDir = `deployments/.tmp-bench-${process.pid}`;
  const env = {
    ...process.env,
    ACCREDEX_DATA_DIR: dataDir,
    ACCREDEX_DEPLOYMENTS_DIR: deploymentsDir,
    ACCREDEX_RPC_PORT: String(await freePort()),
    ACCREDEX_API_PORT: String(await freePort()),
    ACCREDEX_WEB_PORT: String(await freePort()),
  };
  try {
    const fresh = await timeToReady(env);
    const restart = await timeToReady(env);
    return [
      { name: 'start.fresh_s', value: fresh, unit: 's', target: '<= 30' },
      { name: 'start.restart_s', value: restart, unit: 's', target: '<= 5' },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(deploymentsDir, { recursive: true, force: true });
  }
}
