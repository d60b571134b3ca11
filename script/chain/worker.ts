/**
 * Compaction in a process of its own. The chain process asks it for one run at a time over IPC; the replay, the
 * block fetches, the gzip and the snapshot's JSON all happen here, so none of it blocks the front's event loop (in
 * the chain process they cost the served chain about a third of its throughput). It dies with the chain process.
 */
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import pino from 'pino';
import { lowerPriority, spawnBound } from '../lifecycle.ts';
import { readCatalog } from './catalog.ts';
import { compactLive, compactOnce, NotHeld, type Compaction, type LiveRun } from './compactor.ts';
import { chainDir, loadChainConfig } from './config.ts';
import { openJournal, readGenesis, type GenesisEntry, type Journal } from './journal.ts';
import { ChainDivergence } from './replay.ts';

/** A run: a replay of the journal on a scratch anvil, or a cut the served anvil's dump gave (see compactLive). */
export type CompactionRequest =
  | {
      kind: 'replay';
      /** The newest durable entry and head when the run was asked for. */
      durable: { seq: number; head: number };
      maxEntries: number;
      lowPriority: boolean;
    }
  | ({ kind: 'live' } & LiveRun);

type Failure = 'divergence' | 'notHeld' | 'other';
type Reply = { id: number; ok: true; done?: Compaction } | { id: number; ok: false; error: string; failure: Failure };

/** Thrown in the chain process when a run found the journal and the replayed chain disagree. */
export class CompactionDivergence extends Error {}

export interface CompactionWorker {
  /** Starts the worker now (its start takes a second or two), so the first run does not wait for it. */
  warm(): void;
  /** Whether the worker has started and opened the journal. */
  readonly ready: boolean;
  /** One compaction run; undefined when there was nothing to cut yet. */
  run(request: CompactionRequest): Promise<Compaction | undefined>;
  stop(): void;
}

const FAILURES: Record<Failure, new (message: string) => Error> = { divergence: CompactionDivergence, notHeld: NotHeld, other: Error };

/** Starts the worker (again, if it died) on the first run it is given. */
export function compactionWorker(): CompactionWorker {
  let child: ChildProcess | undefined;
  let ready = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (c: Compaction | undefined) => void; reject: (err: Error) => void }>();
  const start = () => {
    // The same Node.js flags (the TypeScript loader) as this process; stdout and stderr go to this process's log.
    const worker = spawnBound(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // Its own work (JSON, gzip) yields to the served chain; the scratch anvil's priority is set per run.
    // It shares the chain process's session (and its autogroup), so its thread priority is what counts.
    lowerPriority(worker, 10);
    worker.on('message', (reply: Reply | { ready: true }) => {
      if ('ready' in reply) return void (ready = true);
      const w = waiting.get(reply.id);
      if (!w) return;
      waiting.delete(reply.id);
      if (reply.ok) w.resolve(reply.done);
      else w.reject(new FAILURES[reply.failure](reply.error));
    });
    worker.once('exit', (code, signal) => {
      if (child === worker) {
        child = undefined;
        ready = false;
      }
      for (const w of waiting.values()) w.reject(new Error(`the compaction worker exited (${code ?? signal})`));
      waiting.clear();
    });
    return worker;
  };
  return {
    get ready() {
      return ready;
    },
    warm() {
      child ??= start();
    },
    run(request) {
      child ??= start();
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child!.send({ id, ...request });
      });
    },
    stop() {
      child?.kill('SIGTERM');
      child = undefined;
    },
  };
}

/** The worker's side: opens the journal read-only once, then runs what it is asked, one at a time. */
async function serveRuns(): Promise<void> {
  const config = loadChainConfig();
  const log = pino({ level: config.ACCREDEX_LOG_LEVEL, base: { process: 'chain-compaction' } });
  const dir = chainDir(config);
  const journal: Journal = await openJournal(dir, config.DATABASE_URL, { readOnly: true });
  let genesis: GenesisEntry | undefined;
  let queue = Promise.resolve();
  process.send!({ ready: true });
  process.on('message', (req: CompactionRequest & { id: number }) => {
    queue = queue.then(async () => {
      let reply: Reply;
      try {
        genesis ??= await readGenesis(journal);
        if (!genesis) throw new Error(`the journal at ${journal.location} has no genesis entry`);
        const catalog = readCatalog(dir);
        const done = req.kind === 'live'
          ? await compactLive({ dir, genesis, catalog, log }, req)
          : await compactOnce({
            dir, journal, genesis, catalog, maxRewind: config.ACCREDEX_CONFIRMATIONS - 1,
            durable: () => req.durable, maxEntries: req.maxEntries, lowPriority: req.lowPriority, log,
          });
        reply = { id: req.id, ok: true, done };
      } catch (err) {
        const failure: Failure = err instanceof ChainDivergence ? 'divergence' : err instanceof NotHeld ? 'notHeld' : 'other';
        reply = { id: req.id, ok: false, error: (err as Error).message, failure };
      }
      process.send!(reply);
    });
  });
  // The chain process is gone (or stopped it): nothing is left to do.
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  serveRuns().catch((err: Error) => {
    console.error(`compaction worker: ${err.message}`);
    process.exit(1);
  });
}
