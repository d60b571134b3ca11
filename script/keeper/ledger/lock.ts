import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * PGlite keeps its database in one process: two processes writing the same directory would corrupt it. The lock
 * file holds the owner's pid; a lock whose process is gone is taken over.
 */
export function acquireLedgerLock(file: string): () => void {
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8'));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`the ledger in ${dirname(file)} is open in process ${pid}; run the keepers in one process (keeper all) or set DATABASE_URL`);
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}
