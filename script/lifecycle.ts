/**
 * Process lifetimes shared by every long-running Accredex process: a child never outlives the process that started
 * it, however that one ends, so a restart never finds an orphan still holding a port, a ledger or a journal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** util-linux's setpriv: started through it, a child is killed when its parent dies, even by `kill -9`. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** Spawns `command` bound to this process's life (Linux's parent-death signal, through setpriv where it exists). */
export function spawnBound(command: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  return SETPRIV ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args], options) : spawn(command, args, options);
}

/**
 * Calls `onGone` once the process that started this one is gone (this one was handed to another parent). The
 * backstop where setpriv is missing, and what notices `npm` exiting on a SIGTERM it does not pass on.
 */
export function watchParent(onGone: () => void, everyMs = 500): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) onGone();
  }, everyMs).unref();
}
