import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLedgerLock } from './lock.ts';

const lockFile = () => join(mkdtempSync(join(tmpdir(), 'accredex-lock-')), 'ledger.lock');

describe('acquireLedgerLock', () => {
  it('refuses a ledger another live process holds, naming it', () => {
    const other = spawn('sleep', ['30']);
    const file = lockFile();
    writeFileSync(file, String(other.pid));
    try {
      expect(() => acquireLedgerLock(file, 200)).toThrow(`is open in process ${other.pid}`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('waits for an owner that is still dying after a crash, then takes the lock', async () => {
    const other = spawn('sleep', ['30']);
    const file = lockFile();
    writeFileSync(file, String(other.pid));
    // The wait blocks this thread, so the kill comes from another process. Until this thread's event loop runs, the
    // killed child stays a zombie: dead, not yet reaped, and still answering kill(pid, 0).
    const killer = spawn('sh', ['-c', `sleep 0.3; kill -9 ${other.pid}`]);
    const release = acquireLedgerLock(file, 5_000);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
    killer.kill();
    other.kill();
  });

  it('takes over a lock whose process is gone', () => {
    const file = lockFile();
    writeFileSync(file, '999999999');
    const release = acquireLedgerLock(file, 0);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
  });
});
