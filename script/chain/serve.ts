/**
 * The durable chain process (`npm run chain -- serve`, which npm start runs): opens the journal, starts anvil on a
 * private port from the newest snapshot, replays the journal after it (refusing to serve a chain that differs from
 * its record), puts the clock back where it was, and serves the front on the public RPC port. Compaction runs in
 * the background. SIGINT or SIGTERM: the front stops taking calls, every call taken is answered and committed,
 * anvil stops.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Hex } from 'viem';
import { watchParent } from '../lifecycle.ts';
import { newChainSpec, startChainAnvil, type ChainAnvil } from './anvil.ts';
import { openArchive } from './archive.ts';
import { chainPaths, latestSnapshot, readCatalog } from './catalog.ts';
import { startFromSnapshot, type Compaction, type LiveRun } from './compactor.ts';
import { chainDir, EXIT, type ChainConfig } from './config.ts';
import { createExecutor } from './executor.ts';
import { startFront } from './front.ts';
import { JournalCorruptError, openJournal, readGenesis, type BlockRef, type GenesisEntry, type Journal } from './journal.ts';
import { freePort } from './net.ts';
import { ChainDivergence, replay } from './replay.ts';
import { hex, num, type Rpc } from './rpc.ts';
import { cuttable, genesisState, type ChainState } from './state.ts';
import { CompactionDivergence, compactionWorker } from './worker.ts';

/** Sets anvil's clock where the chain's is (wall-clock time plus the recorded offset), never behind its head. */
async function restoreClock(rpc: Rpc, state: ChainState): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await rpc.call('evm_setTime', [Math.max(now + state.clock, state.head.timestamp)]);
}

/** Reads the genesis entry, creating the chain (its genesis block, from a fresh anvil) if the journal is empty. */
async function genesisOf(journal: Journal, dir: string, keepTxBlocks: number): Promise<{ genesis: GenesisEntry; created?: ChainAnvil }> {
  const recorded = await readGenesis(journal);
  if (recorded) return { genesis: recorded };
  const at = Date.now();
  const spec = newChainSpec(at);
  const anvil = await startChainAnvil({ port: await freePort(), spec, keepTxBlocks, logFile: chainPaths(dir).anvilLog });
  const g = await anvil.rpc.call<{ hash: `0x${string}`; timestamp: string }>('eth_getBlockByNumber', ['0x0', false]);
  const genesis: GenesisEntry = { seq: 0, kind: 'genesis', at, spec, genesis: { number: 0, hash: g.hash, timestamp: num(g.timestamp) } };
  await journal.append(genesis);
  return { genesis, created: anvil };
}

export async function serveChain(config: ChainConfig, log: Logger): Promise<void> {
  const dir = chainDir(config);
  mkdirSync(dir, { recursive: true });
  const paths = chainPaths(dir);
  // Sockets of anvils a kill -9 took down with an earlier chain process (their anvils died with it).
  for (const f of readdirSync(dir)) if (/^anvil-\d+\.ipc$/.test(f)) rmSync(join(dir, f), { force: true });
  const maxRewind = config.ACCREDEX_CONFIRMATIONS - 1;
  const started = performance.now();
  let journal: Journal;
  try {
    journal = await openJournal(dir, config.DATABASE_URL, { log });
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'chain: the journal cannot be opened');
    process.exit(err instanceof JournalCorruptError ? EXIT.diverged : EXIT.restart);
  }
  const keepTxBlocks = config.ACCREDEX_ANVIL_TX_BLOCKS;
  const { genesis, created } = await genesisOf(journal, dir, keepTxBlocks);
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
    ({ anvil, state } = await startFromSnapshot(dir, genesis, snapshot, { port: await freePort(), keepTxBlocks, logFile: paths.anvilLog }));
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
  /** When the last entry became durable: a chain quiet for a while is compacted by a replay. */
  let lastEntryAt = Date.now();
  const executor = createExecutor({ rpc: served, journal, state, maxRewind, floor: () => latestSnapshot(catalog)?.head.number ?? 0, onFatal: die, onDurable: () => (lastEntryAt = Date.now()) });
  const watch = (a: ChainAnvil) => void a.exited.then((code) => a === anvil && die(new Error(`anvil exited (code ${code})`)));
  watch(anvil);

  const recycles: { count: number; last?: { ms: number; heldBlocks: number; at: string } } = { count: 0 };
  /**
   * Replaces the served anvil by a fresh one from the newest snapshot (its memory grows with every block it holds).
   * The new one replays the journal after the snapshot while the old one serves; the last few entries, the clock and
   * the switch happen between two calls, so no call sees the change. The old one gets a moment to answer the reads
   * it has in hand.
   */
  async function recycle(): Promise<void> {
    const started = performance.now();
    const snapshot = latestSnapshot(catalog)!;
    const { anvil: next, state: from } = await startFromSnapshot(dir, genesis, snapshot, { port: await freePort(), keepTxBlocks, logFile: paths.anvilLog });
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
        recycles.count++;
        recycles.last = { ms: Math.round(performance.now() - started), heldBlocks, at: new Date().toISOString() };
        log.info({ ...recycles.last, from: snapshot.head.number, pid: next.process.pid }, 'chain: replaced anvil by a fresh one from the newest snapshot');
      });
    } catch (err) {
      await next.stop();
      throw err;
    }
  }

  const compaction: { running: boolean; runs: { live: number; replay: number }; last?: { ms: number; seq: number | null; at: string }; failures: number; liveFailures: number } = { running: false, runs: { live: 0, replay: 0 }, failures: 0, liveFailures: 0 };
  const health = () => ({
    ok: !fatal && !stopping,
    chainId: genesis.spec.chainId,
    head: executor.state.head,
    durable: { seq: executor.durableSeq, block: executor.durable },
    journal: journal.location,
    snapshot: latestSnapshot(catalog) ? { seq: latestSnapshot(catalog)!.seq, block: latestSnapshot(catalog)!.head.number } : null,
    archive: { head: archive.head, segments: catalog.archive.length },
    compaction: { ...compaction, worker: compactor.ready ? 'ready' : 'starting' },
    anvil: { from: anvilBase, recycles: recycles.count, last: recycles.last ?? null },
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
      heldFrom: () => executor.state.head.number - keepTxBlocks + 1,
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
  // Live runs must keep up from the first block on (the served anvil lets old transactions go): the worker starts
  // now, not at the first run, a moment after the restart has had the CPU.
  setTimeout(() => stopping || compactor.warm(), 1_000).unref();

  /** The newest final block: it has more confirmations than a rollback may remove, so it can be archived. */
  const finalHead = () => executor.durable.number - (maxRewind + 1);
  /** Live runs archive this many final blocks at a time, well before the served anvil lets them go. */
  const archiveStep = Math.max(1, Math.floor(keepTxBlocks / 4));

  /** The served anvil's dump, taken between two calls at a point a snapshot can start from. */
  async function dumpServed(): Promise<{ seq: number; head: BlockRef; state: ChainState; dump: string; anvilUrl: string } | undefined> {
    return executor.exclusive(async () => {
      const s = executor.state;
      if (!cuttable(s) || s.seq === latestSnapshot(catalog)?.seq) return undefined;
      return { seq: s.seq, head: s.head, state: s, dump: await served.call<string>('anvil_dumpState'), anvilUrl: served.url };
    });
  }

  /** Waits (a while) until `head` is final; then whether it is still on the chain (no rollback took it meanwhile). */
  async function becomesFinal(head: BlockRef): Promise<boolean> {
    for (const deadline = Date.now() + 10_000; finalHead() < head.number; ) {
      if (stopping || Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return (await served.call<{ hash: string } | null>('eth_getBlockByNumber', [hex(head.number), false]))?.hash === head.hash;
  }

  async function runLive(run: LiveRun): Promise<Compaction | undefined> {
    try {
      const done = await compactor.run({ kind: 'live', ...run });
      compaction.liveFailures = 0;
      compaction.runs.live++;
      return done;
    } catch (err) {
      if (err instanceof CompactionDivergence) throw err;
      compaction.liveFailures++;
      log.warn({ err: (err as Error).message, failures: compaction.liveFailures }, 'chain: a live compaction failed; after 3 in a row, runs replay instead');
      return undefined;
    }
  }

  /**
   * The next run. Under traffic, from the served anvil, nothing executed twice: its final blocks archived a few at a
   * time, and every ACCREDEX_SNAPSHOT_EVERY entries its dump as the snapshot (only once the dump's block is final, so
   * a permitted rollback never reaches below a snapshot). When quiet, or when the served anvil no longer holds every
   * block after the archive (a restart with a long backlog, live runs that kept failing), a replay on a scratch
   * anvil, at low priority unless far behind.
   */
  async function compactNext(backlog: number, quiet: boolean): Promise<Compaction | undefined> {
    const live = archive.head >= executor.state.head.number - keepTxBlocks + archiveStep && compaction.liveFailures < 3;
    if (live && !quiet && backlog >= config.ACCREDEX_SNAPSHOT_EVERY) {
      const cut = await dumpServed();
      if (!cut || !(await becomesFinal(cut.head))) return undefined;
      return runLive({ upTo: cut.head, anvilUrl: cut.anvilUrl, snapshot: { seq: cut.seq, state: cut.state, dump: cut.dump } });
    }
    if (live && !quiet) {
      const n = finalHead();
      const block = await served.call<{ hash: Hex; timestamp: Hex }>('eth_getBlockByNumber', [hex(n), false]);
      return runLive({ upTo: { number: n, hash: block.hash, timestamp: num(block.timestamp) }, anvilUrl: served.url });
    }
    const done = await compactor.run({
      kind: 'replay',
      durable: { seq: executor.durableSeq, head: executor.durable.number },
      maxEntries: config.ACCREDEX_SNAPSHOT_EVERY,
      // Far behind (the chain outran it, or a restart left a backlog), it competes for the CPU to catch up.
      lowPriority: backlog < 2 * config.ACCREDEX_SNAPSHOT_EVERY,
    });
    if (done) {
      compaction.liveFailures = 0;
      compaction.runs.replay++;
    }
    return done;
  }

  // Compaction: after ACCREDEX_SNAPSHOT_EVERY entries, or once the chain has been quiet for a moment; checked often,
  // so that a backlog is worked off run after run.
  const timer = setInterval(() => {
    if (compaction.running || stopping) return;
    const base = latestSnapshot(catalog)?.seq ?? 0;
    const backlog = executor.durableSeq - base;
    const quiet = Date.now() - lastEntryAt > 2_000;
    if (!(backlog >= config.ACCREDEX_SNAPSHOT_EVERY || (backlog > 0 && quiet) || finalHead() - archive.head >= archiveStep)) return;
    compaction.running = true;
    compactNext(backlog, quiet).then(
      (done) => {
        if (done) {
          catalog = done.catalog;
          archive.add(done.segments);
          compaction.last = { ms: done.ms, seq: done.snapshot?.seq ?? null, at: new Date().toISOString() };
        }
        compaction.failures = 0;
      },
      (err: Error) => {
        compaction.failures++;
        log.error({ err: err.message, failures: compaction.failures }, err instanceof CompactionDivergence ? `chain: compaction found the journal and the chain disagree: ${err.message}` : 'chain: compaction failed; it will try again');
      },
    )
      .finally(() => {
        compaction.running = false;
        recycleIfDue();
      });
  }, 250);

  /**
   * A replacement runs alongside compaction (which must keep archiving meanwhile), one at a time, and only right
   * after a snapshot (at most a quarter of ACCREDEX_SNAPSHOT_EVERY entries behind, or 50): the fresh anvil replays what came
   * after it, and that work is the replacement's cost.
   */
  let recycling = false;
  function recycleIfDue() {
    const head = executor.state.head.number;
    const snapshotBlock = latestSnapshot(catalog)?.head.number ?? 0;
    if (recycling || stopping || head - anvilBase < config.ACCREDEX_RECYCLE_BLOCKS || snapshotBlock <= anvilBase || head - snapshotBlock > Math.max(50, config.ACCREDEX_SNAPSHOT_EVERY / 4)) return;
    recycling = true;
    recycle()
      .catch((err: Error) => log.error({ err: err.message }, 'chain: replacing anvil failed; the old one goes on serving'))
      .finally(() => (recycling = false));
  }

  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
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

