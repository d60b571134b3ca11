import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createSupervisor, EXIT_CANNOT_RUN } from './supervise.ts';

/** A real child process that exits with `code` after `ms`. */
const exitingChild = (code: number, ms = 30) => async () => spawn(process.execPath, ['-e', `setTimeout(() => process.exit(${code}), ${ms})`]);

function supervised(start: () => Promise<ReturnType<typeof spawn>>, maxCrashes = 3) {
  const lines: string[] = [];
  let starts = 0;
  const stopped = new Promise<{ reason: string; code: number }>((resolve) => {
    const s = createSupervisor({ log: (l) => lines.push(l), onStop: (reason, code) => resolve({ reason, code }), maxCrashes, backoffMs: () => 10 });
    void s.add({ name: 'keepers', logFile: '/nonexistent.log', graceMs: 1_000, start: async (env) => (starts++, expect(env.ACCREDEX_SUPERVISED_RESTARTS).toBe(String(starts - 1)), start()) });
  });
  return { lines, stopped, starts: () => starts };
}

describe('supervisor', () => {
  it('restarts a crashing child with backoff, says so each time, and gives up loudly after repeated crashes', async () => {
    const s = supervised(exitingChild(1), 3);
    const { reason, code } = await s.stopped;
    expect(code).toBe(1);
    expect(reason).toMatch(/^keepers crashed 3 times in 10 minutes \(last: exit code 1\); giving up/);
    expect(s.lines.filter((l) => /restarting it in/.test(l))).toHaveLength(2);
    expect(s.lines.filter((l) => /^keepers restarted \(restart \d\)$/.test(l))).toHaveLength(2);
    expect(s.starts()).toBe(3);
  });

  it('stops the venue when a child stops itself cleanly (someone sent it SIGTERM), without restarting it', async () => {
    const s = supervised(exitingChild(0));
    expect(await s.stopped).toEqual({ reason: 'keepers stopped (exit code 0): stopping the venue', code: 0 });
    expect(s.starts()).toBe(1);
  });

  it('does not restart a child that cannot run (a chain that differs from its journal)', async () => {
    const s = supervised(exitingChild(EXIT_CANNOT_RUN));
    const { reason, code } = await s.stopped;
    expect([reason.split(';')[0], code]).toEqual([`keepers cannot run (exit code ${EXIT_CANNOT_RUN})`, 1]);
    expect(s.starts()).toBe(1);
  });
});
