/**
 * npm start's supervision of its children: a child that crashes is started again after a backoff, each restart is
 * logged (and the child is told, so its /health shows it), and after repeated crashes the venue gives up loudly
 * rather than carry on with a ledger silently falling behind. A child that stops itself cleanly (on a signal someone
 * sent it) stops the venue: every way of stopping one part stops the whole, in order.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hasExited, stopChild } from './children.ts';

/** Exit code of a child that cannot run and would fail the same way again (the chain's journal disagrees with it). */
export const EXIT_CANNOT_RUN = 65;

export interface ChildSpec {
  name: string;
  logFile: string;
  /** Spawns the child and resolves once it serves. `env` tells it how often it was restarted, and why. */
  start(env: Record<string, string>): Promise<ChildProcess>;
  /** How long it may take to stop cleanly before it is killed. */
  graceMs: number;
}

export interface SupervisorOptions {
  log(line: string): void;
  /** The venue must stop: a child stopped itself, cannot run, or crashed too often. */
  onStop(reason: string, exitCode: number): void;
  /** Crashes within `windowMs` after which the venue gives up (default 5 in 10 minutes). */
  maxCrashes?: number;
  windowMs?: number;
  /** The wait before restart `n` (1-based): 1 s, 2 s, 4 s, ... at most 30 s. */
  backoffMs?: (n: number) => number;
}

export interface ChildStatus {
  pid: number | undefined;
  restarts: number;
  lastExit?: string;
}

const tail = (file: string, lines = 12) =>
  existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n') : '    (no log)';

export function createSupervisor(o: SupervisorOptions) {
  const maxCrashes = o.maxCrashes ?? 5;
  const windowMs = o.windowMs ?? 10 * 60_000;
  const backoff = o.backoffMs ?? ((n: number) => Math.min(1000 * 2 ** (n - 1), 30_000));
  const children = new Map<string, { spec: ChildSpec; process?: ChildProcess; restarts: number; crashes: number[]; lastExit?: string; timer?: NodeJS.Timeout }>();
  let stopping = false;

  function watch(name: string, child: ChildProcess) {
    child.once('exit', (code, signal) => {
      const c = children.get(name)!;
      if (stopping || c.process !== child) return;
      const why = code !== null ? `exit code ${code}` : `signal ${signal}`;
      c.lastExit = why;
      if (code === 0) return o.onStop(`${name} stopped (${why}): stopping the venue`, 0);
      if (code === EXIT_CANNOT_RUN) return o.onStop(`${name} cannot run (${why}); the last lines of ${c.spec.logFile}:\n${tail(c.spec.logFile)}`, 1);
      crashed(name, why);
    });
  }

  function crashed(name: string, why: string) {
    const c = children.get(name)!;
    const now = Date.now();
    c.crashes = [...c.crashes.filter((t) => now - t < windowMs), now];
    if (c.crashes.length >= maxCrashes) {
      return o.onStop(`${name} crashed ${c.crashes.length} times in ${Math.round(windowMs / 60_000)} minutes (last: ${why}); giving up. The last lines of ${c.spec.logFile}:\n${tail(c.spec.logFile)}`, 1);
    }
    const wait = backoff(c.restarts + 1);
    o.log(`${name} exited (${why}); restarting it in ${(wait / 1000).toFixed(0)} s (restart ${c.restarts + 1}; the venue gives up after ${maxCrashes} crashes in ${Math.round(windowMs / 60_000)} minutes)`);
    c.timer = setTimeout(() => {
      if (stopping) return;
      c.restarts++;
      launch(name).then(
        () => o.log(`${name} restarted (restart ${c.restarts})`),
        (err: Error) => crashed(name, `restart failed: ${err.message}`),
      );
    }, wait);
  }

  async function launch(name: string) {
    const c = children.get(name)!;
    const child = await c.spec.start({ ACCREDEX_SUPERVISED_RESTARTS: String(c.restarts), ...(c.lastExit ? { ACCREDEX_SUPERVISED_LAST_EXIT: c.lastExit } : {}) });
    if (stopping) {
      await stopChild(child, c.spec.graceMs);
      return;
    }
    c.process = child;
    watch(name, child);
    if (hasExited(child)) crashed(name, 'exited as it started');
  }

  return {
    /** Starts a child under supervision; rejects if its first start fails. */
    async add(spec: ChildSpec) {
      children.set(spec.name, { spec, restarts: 0, crashes: [] });
      await launch(spec.name);
    },
    /** Stops the named children, in this order, each cleanly if it can. */
    async stopAll(order: string[]) {
      stopping = true;
      for (const name of order) {
        const c = children.get(name);
        if (!c) continue;
        clearTimeout(c.timer);
        await stopChild(c.process, c.spec.graceMs);
      }
    },
    status(): Record<string, ChildStatus> {
      return Object.fromEntries([...children].map(([name, c]) => [name, { pid: c.process?.pid, restarts: c.restarts, lastExit: c.lastExit }]));
    },
    process: (name: string) => children.get(name)?.process,
  };
}
