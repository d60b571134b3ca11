/**
 * Process lifetimes shared by every long-running Accredex process: a child never outlives the process that started
 * it, however that one ends, so a restart never finds an orphan still holding a port, a ledger or a journal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** util-linux's setpriv: started through it, a child is killed when its parent dies, even by `kill -9`. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** Spawns `command` bound to this process's life (Linux's parent-death signal, through setpriv where it exists). */
export function spawnBound(command: string, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  return SETPRIV ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args], options) : spawn(command, args, options);
}

/**
 * Lowers a child's CPU priority to `nice`. A child spawned `detached` leads a session of its own, and with Linux's
 * autogroup scheduling (on by default) each session is one group weighed equally against every other: a thread's
 * nice value counts only inside its group. So when the child leads its session, the group's own nice
 * (`/proc/<pid>/autogroup`) is set too; without it, the compaction anvil's nice 15 counted for nothing against the
 * served anvil and the front, which lead sessions of their own. A child in this process's session keeps the group
 * untouched (it is this process's too). Best effort: where a knob is missing, the child runs at normal priority.
 */
export function lowerPriority(child: ChildProcess, nice: number): void {
  const pid = child.pid;
  if (!pid) return;
  try {
    setPriority(pid, nice);
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces, so count from its ')'.
    const session = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[3]);
    if (session === pid) writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // not permitted, no /proc or no autogroup, or the child has already exited
  }
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
