/**
 * The durable chain process (`npm run chain -- serve`, which npm start runs): opens the journal, starts anvil on a
 * private port from the newest snapshot, replays the journal after it (refusing to serve a chain that differs from
 * its record), puts the clock back where it was, and serves the front on the public RPC port. Compaction runs in
 * the background. SIGINT or SIGTERM: the front stops taking calls, every call taken is answered and committed,
 * anvil stops.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { watchParent } from '../lifecycle.ts';
import { newChainSpec, startChainAnvil, type ChainAnvil } from './anvil.ts';
import { openArchive } from './archive.ts';
import { chainPaths, latestSnapshot, readCatalog } from './catalog.ts';
import { startFromSnapshot } from './compactor.ts';
import { chainDir, EXIT, type ChainConfig } from './config.ts';
import { createExecutor } from './executor.ts';
import { startFront } from './front.ts';
import { JournalCorruptError, openJournal, readGenesis, type GenesisEntry, type Journal } from './journal.ts';
import { freePort } from './net.ts';
import { ChainDivergence, replay } from './replay.ts';
import { num, type Rpc } from './rpc.ts';
import { genesisState, type ChainState } from './state.ts';
import { CompactionDivergence, compactionWorker } from './worker.ts';

/** Sets anvil's clock where the chain's is (wall-clock time plus the recorded offset), never behind its head. */
async function restoreClock(rpc: Rpc, state: ChainState): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await rpc.call('evm_setTime', [Math.max(now + state.clock, state.head.timestamp)]);
}

/** Reads the genesis entry, creating the chain (its genesis block, from a fresh anvil) if the journal is empty. */
async function genesisOf(journal: Journal, dir: string): Promise<{ genesis: GenesisEntry; created?: ChainAnvil }> {
  const recorded = await readGenesis(journal);
  if (recorded) return { genesis: recorded };
  const at = Date.now();
  const spec = newChainSpec(at);
  const anvil = await startChainAnvil({ port: await freePort(), spec, logFile: chainPaths(dir).anvilLog });
  const g = await anvil.rpc.call<{ hash: `0x${string}`; timestamp: string }>('eth_getBlockByNumber', ['0x0', false]);
  const genesis: GenesisEntry = { seq: 0, kind: 'genesis', at, spec, genesis: { number: 0, hash: g.hash, timestamp: num(g.timestamp) } };
  await journal.append(genesis);
  return { genesis, created: anvil };
}

export async function serveChain(config: ChainConfig, log: Logger): Promise<void> {
  const dir = chainDir(config);
  mkdirSync(dir, { recursive: true });
  const paths = chainPaths(dir);
  const maxRewind = config.ACCREDEX_CONFIRMATIONS - 1;
  const started = performance.now();
  let journal: Journal;
  try {
    journal = await openJournal(dir, config.DATABASE_URL, { log });
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'chain: the journal cannot be opened');
    process.exit(err instanceof JournalCorruptError ? EXIT.diverged : EXIT.restart);
  }
  const { genesis, created } = await genesisOf(journal, dir);
  let catalog = readCatalog(dir);
  const snapshot = latestSnapshot(catalog);
  // With a backlog to work off (after a crash), the compaction worker starts while the journal is replayed, so it is
  // ready when the chain serves; otherwise it starts at the first run, leaving the restart the CPU.
  const compactor = compactionWorker();
  if ((journal.last()?.seq ?? 0) - (snapshot?.seq ?? 0) >= config.ACCREDEX_SNAPSHOT_EVERY) compactor.warm();

  // The served anvil: from the newest snapshot, then every entry after it, each block checked against the record.
  let anvil: ChainAnvil;
  let state: ChainState;
  if (created) {
    anvil = created;
    state = genesisState(genesis);
  } else {
    ({ anvil, state } = await startFromSnapshot(dir, genesis, snapshot, { port: await freePort(), logFile: paths.anvilLog }));
  }
  const replayFrom = state.seq;
  try {
    state = await replay({ rpc: anvil.rpc, journal, from: state, maxRewind });
  } catch (err) {
    await anvil.stop();
    if (err instanceof ChainDivergence) {
      log.fatal({ seq: err.seq, block: err.block, expected: err.expected, actual: err.actual }, `chain: refusing to serve: ${err.message}`);
      process.exit(EXIT.diverged);
    }
    throw err;
  }
  // The clock goes on from where it was (chain time = wall time + the recorded offset), never backwards.
  await restoreClock(anvil.rpc, state);
  const replayed = state.seq - replayFrom;
  // The block the served anvil started from: it holds every block after it, so its memory grows from there.
  let anvilBase = snapshot && !created ? snapshot.head.number : 0;
  // The executor and the front reach anvil through `served`, so a recycled anvil replaces it under them.
  const served: Rpc = {
    get url() {
      return anvil.rpc.url;
    },
    call: <T>(method: string, params?: unknown[]) => anvil.rpc.call<T>(method, params),
    batch: (calls) => anvil.rpc.batch(calls),
    forward: (body) => anvil.rpc.forward(body),
  };

  const archive = openArchive(paths.archive, catalog.archive);
  let stopping = false;
  let fatal: Error | undefined;
  const die = (err: Error) => {
    if (fatal || stopping) return;
    fatal = err;
    log.error({ err: err.message }, 'chain: stopping so that it restarts from its journal');
    void shutdown(EXIT.restart);
  };
  const executor = createExecutor({ rpc: served, journal, state, maxRewind, floor: () => latestSnapshot(catalog)?.head.number ?? 0, onFatal: die });
  const watch = (a: ChainAnvil) => void a.exited.then((code) => a === anvil && die(new Error(`anvil exited (code ${code})`)));
  watch(anvil);

  const recycling: { count: number; last?: { ms: number; heldBlocks: number; at: string } } = { count: 0 };
  /**
   * Replaces the served anvil by a fresh one from the newest snapshot (its memory grows with every block it holds).
   * The new one replays the journal after the snapshot while the old one serves; the last few entries, the clock and
   * the switch happen between two calls, so no call sees the change. The old one gets a moment to answer the reads
   * it has in hand.
   */
  async function recycle(): Promise<void> {
    const started = performance.now();
    const snapshot = latestSnapshot(catalog)!;
    const { anvil: next, state: from } = await startFromSnapshot(dir, genesis, snapshot, { port: await freePort(), logFile: paths.anvilLog });
    try {
      const mostly = await replay({ rpc: next.rpc, journal, from, maxRewind, toSeq: executor.durableSeq });
      await executor.exclusive(async () => {
        const caughtUp = await replay({ rpc: next.rpc, journal, from: mostly, maxRewind });
        if (caughtUp.seq !== executor.state.seq || caughtUp.head.hash !== executor.state.head.hash) {
          throw new Error(`the recycled anvil reached entry ${caughtUp.seq} (${caughtUp.head.hash}), the chain is at ${executor.state.seq} (${executor.state.head.hash})`);
        }
        await restoreClock(next.rpc, executor.state);
        const old = anvil;
        const heldBlocks = executor.state.head.number - anvilBase;
        anvil = next;
        anvilBase = snapshot.head.number;
        watch(next);
        setTimeout(() => void old.stop(), 5_000).unref();
        recycling.count++;
        recycling.last = { ms: Math.round(performance.now() - started), heldBlocks, at: new Date().toISOString() };
        log.info({ ...recycling.last, from: snapshot.head.number, pid: next.process.pid }, 'chain: replaced anvil by a fresh one from the newest snapshot');
      });
    } catch (err) {
      await next.stop();
      throw err;
    }
  }

  const compaction: { running: boolean; last?: { ms: number; seq: number; at: string }; failures: number } = { running: false, failures: 0 };
  let lastEntryAt = Date.now();
  const health = () => ({
    ok: !fatal && !stopping,
    chainId: genesis.spec.chainId,
    head: executor.state.head,
    durable: { seq: executor.durableSeq, block: executor.durable },
    journal: journal.location,
    snapshot: latestSnapshot(catalog) ? { seq: latestSnapshot(catalog)!.seq, block: latestSnapshot(catalog)!.head.number } : null,
    archive: { head: archive.head, segments: catalog.archive.length },
    compaction,
    anvil: { from: anvilBase, recycles: recycling.count, last: recycling.last ?? null },
    settings: executor.state.settings,
    process: { pid: process.pid, anvilPid: anvil.process.pid, restarts: Number(process.env.ACCREDEX_SUPERVISED_RESTARTS ?? 0), lastExit: process.env.ACCREDEX_SUPERVISED_LAST_EXIT ?? null },
  });
  let server: Server;
  try {
    server = await startFront({
      host: config.ACCREDEX_HOST,
      port: config.ACCREDEX_RPC_PORT,
      executor,
      anvil: served,
      archive,
      chainId: () => executor.state.settings.chainId ?? genesis.spec.chainId,
      health,
    });
  } catch (err) {
    await anvil.stop();
    throw new Error(`the chain could not listen on ${config.ACCREDEX_HOST}:${config.ACCREDEX_RPC_PORT}: ${(err as Error).message}`);
  }
  log.info(
    { rpc: `http://${config.ACCREDEX_HOST}:${config.ACCREDEX_RPC_PORT}`, head: state.head.number, entries: state.seq, replayed, snapshot: snapshot?.seq ?? null, journal: journal.location, ms: Math.round(performance.now() - started) },
    'chain: serving',
  );

  // Compaction: after ACCREDEX_SNAPSHOT_EVERY entries, or once the chain has been quiet for a moment; checked often,
  // so that a backlog is worked off run after run.
  const timer = setInterval(() => {
    if (compaction.running || stopping) return;
    const base = latestSnapshot(catalog)?.seq ?? 0;
    const backlog = executor.durableSeq - base;
    const quiet = Date.now() - lastEntryAt > 2_000;
    if (!(backlog >= config.ACCREDEX_SNAPSHOT_EVERY || (backlog > 0 && quiet))) return;
    compaction.running = true;
    compactor.run({
      durable: { seq: executor.durableSeq, head: executor.durable.number },
      maxEntries: config.ACCREDEX_SNAPSHOT_EVERY,
      // Far behind (the chain outran it, or a restart left a backlog), it competes for the CPU to catch up.
      lowPriority: backlog < 2 * config.ACCREDEX_SNAPSHOT_EVERY,
    }).then(
      (done) => {
        if (done) {
          catalog = done.catalog;
          archive.add(done.segments);
          compaction.last = { ms: done.ms, seq: done.snapshot.seq, at: new Date().toISOString() };
        }
        compaction.failures = 0;
      },
      (err: Error) => {
        compaction.failures++;
        log.error({ err: err.message, failures: compaction.failures }, err instanceof CompactionDivergence ? `chain: compaction found the journal and the chain disagree: ${err.message}` : 'chain: compaction failed; it will try again');
      },
    )
      .then(async () => {
        // Only when a fresh anvil would hold far fewer blocks: the newest snapshot is near the head.
        const head = executor.state.head.number;
        const snapshotBlock = latestSnapshot(catalog)?.head.number ?? 0;
        if (stopping || head - anvilBase < config.ACCREDEX_RECYCLE_BLOCKS || head - snapshotBlock > config.ACCREDEX_RECYCLE_BLOCKS / 2) return;
        await recycle().catch((err: Error) => log.error({ err: err.message }, 'chain: replacing anvil failed; the old one goes on serving'));
      })
      .finally(() => (compaction.running = false));
  }, 250);
  let seenSeq = executor.state.seq;
  const entryWatch = setInterval(() => {
    if (executor.state.seq === seenSeq) return;
    seenSeq = executor.state.seq;
    lastEntryAt = Date.now();
  }, 250);

  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    clearInterval(entryWatch);
    compactor.stop();
    // Take no new calls; answer and commit every call already taken; then stop anvil. After a failure nothing in
    // flight can be answered any more: connections close at once.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if (code !== EXIT.stopped) server.closeAllConnections();
      server.closeIdleConnections();
      setTimeout(() => (server.closeAllConnections(), resolve()), 5_000).unref();
    });
    await executor.drain();
    await journal.close().catch((err: Error) => log.error({ err: err.message }, 'chain: closing the journal failed'));
    await anvil.stop();
    log.info({ seq: executor.durableSeq, head: executor.durable.number, code }, 'chain: stopped');
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown(EXIT.stopped));
  process.on('SIGTERM', () => void shutdown(EXIT.stopped));
  watchParent(() => void shutdown(EXIT.stopped));
}

