import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Whether `pid` is a live process other than this one (a zombie, dead but not yet reaped, is not). */
function running(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): the signal check is all there is
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * PGlite keeps its database in one process: two processes writing the same directory would corrupt it. The lock
 * file holds the owner's pid; a lock whose process is gone is taken over. After a crash the old owner may take a
 * moment to die (a kill -9 of the venue's process group is not instant for a process holding a large heap), so a
 * live owner is waited for up to `waitMs` before the lock is refused.
 */
export function acquireLedgerLock(file: string, waitMs = 5_000): () => void {
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8'));
    for (const deadline = Date.now() + waitMs; running(pid); sleep(50)) {
      if (Date.now() >= deadline) throw new Error(`the ledger in ${dirname(file)} is open in process ${pid}; run the keepers in one process (keeper all) or set DATABASE_URL`);
    }
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}
