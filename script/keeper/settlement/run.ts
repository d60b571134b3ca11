import { syncOnce, type SettlementOptions } from './indexer.ts';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Follows the chain until `signal` aborts: syncs, sleeps `pollMs` when caught up, and backs off exponentially
 * (up to 10 s) while the RPC or the database fails. Stopping between steps loses nothing: every step commits its
 * rows with its checkpoint, and the next run resumes from there.
 */
export async function runSettlementKeeper(o: SettlementOptions & { pollMs: number; signal: AbortSignal }): Promise<void> {
  let backoff = 250;
  while (!o.signal.aborted) {
    try {
      const result = await syncOnce(o);
      backoff = 250;
      if (result.caughtUp) await sleep(o.pollMs, o.signal);
    } catch (err) {
      o.log?.warn({ err: (err as Error).message, retryInMs: backoff }, 'sync failed; retrying');
      await sleep(backoff, o.signal);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }
}
