const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export interface LoopOptions {
  pollMs: number;
  signal: AbortSignal;
  log?: { warn(obj: object, msg?: string): void };
}

/**
 * Runs a keeper's `step` until `signal` aborts: sleeps `pollMs` once caught up, and backs off exponentially (up to
 * 10 s) while the RPC or the database fails. Every step commits its rows with its checkpoint, so stopping between
 * steps loses nothing and the next run resumes from the checkpoint.
 */
export async function runLoop(step: () => Promise<{ caughtUp: boolean }>, o: LoopOptions): Promise<void> {
  let backoff = 250;
  while (!o.signal.aborted) {
    try {
      const { caughtUp } = await step();
      backoff = 250;
      if (caughtUp) await sleep(o.pollMs, o.signal);
    } catch (err) {
      o.log?.warn({ err: (err as Error).message, retryInMs: backoff }, 'step failed; retrying');
      await sleep(backoff, o.signal);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }
}
