/**
 * `npm run chain -- <command>`: the venue's durable local chain.
 *
 *   serve     the chain process npm start runs: anvil behind a journaling JSON-RPC front
 *   export    every transaction the venue accepted:  export [--from BLOCK] [--format jsonl|csv] [--out FILE]
 *   verify    replays the whole journal onto a scratch anvil and reports the first block that differs, if any
 *   status    what the journal, snapshots and archive hold, and their size on disk
 *
 * export, verify and status only read, so they work while the venue runs.
 */
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { chainPaths, latestSnapshot, readCatalog } from './catalog.ts';
import { startFromSnapshot } from './compactor.ts';
import { chainDir, EXIT, loadChainConfig } from './config.ts';
import { openJournal, readGenesis, type GenesisEntry, type Journal } from './journal.ts';
import { freePort } from './net.ts';
import { ChainDivergence, replay } from './replay.ts';

const USAGE = `usage: npm run chain -- <serve|export|verify|status>

  serve     run the durable chain (what npm start runs): anvil behind a journaling JSON-RPC front
  export    [--from BLOCK] [--format jsonl|csv] [--out FILE]
            every transaction the venue ever accepted: block, time, hash, sender, target, method, status
  verify    replay the whole journal onto a scratch anvil; report the first block that differs, or that none does
  status    what the journal, the snapshots and the archive hold, and the bytes they take

environment: ACCREDEX_DATA_DIR (.data), DATABASE_URL (journal in PostgreSQL), ACCREDEX_HOST, ACCREDEX_RPC_PORT,
             ACCREDEX_CONFIRMATIONS, ACCREDEX_SNAPSHOT_EVERY, ACCREDEX_ANVIL_TX_BLOCKS, ACCREDEX_RECYCLE_BLOCKS,
             ACCREDEX_LOG_LEVEL`;

function flags(args: string[], allowed: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '');
    if (!args[i]?.startsWith('--') || !allowed.includes(name) || args[i + 1] === undefined) {
      throw new Error(`unexpected "${args.slice(i).join(' ')}": this command takes ${allowed.map((a) => `--${a} <value>`).join(', ') || 'no flags'}`);
    }
    out[name] = args[i + 1];
  }
  return out;
}

async function genesisOf(journal: Journal): Promise<GenesisEntry> {
  const genesis = await readGenesis(journal);
  if (!genesis) throw new Error(`the journal at ${journal.location} is empty: this chain has not started yet`);
  return genesis;
}

function bytesUnder(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, f) => sum + bytesUnder(join(path, f)), 0);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    process.exit(command ? 0 : 2);
  }
  const config = loadChainConfig();
  const log = pino({ level: config.ACCREDEX_LOG_LEVEL, base: { process: 'chain' } });
  const dir = chainDir(config);
  if (command === 'serve') {
    flags(rest, []);
    return (await import('./serve.ts')).serveChain(config, log);
  }
  if (!['export', 'verify', 'status'].includes(command)) throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  const journal = await openJournal(dir, config.DATABASE_URL, { readOnly: true });
  try {
    if (command === 'export') {
      // Loaded only here: decoding methods takes viem and every ABI, which the chain process itself never needs.
      const { csvHeader, exportRows, formatRow } = await import('./export.ts');
      const f = flags(rest, ['from', 'format', 'out']);
      const format = (f.format ?? 'jsonl') as 'jsonl' | 'csv';
      if (format !== 'jsonl' && format !== 'csv') throw new Error(`--format must be jsonl or csv (got "${f.format}")`);
      const from = f.from === undefined ? 0 : Number(f.from);
      if (!Number.isInteger(from) || from < 0) throw new Error(`--from must be a block number (got "${f.from}")`);
      const out: NodeJS.WritableStream = f.out ? createWriteStream(f.out) : process.stdout;
      if (format === 'csv') out.write(`${csvHeader()}\n`);
      let n = 0;
      for await (const row of exportRows(journal, from)) {
        if (!out.write(`${formatRow(row, format)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
        n++;
      }
      if (f.out) await new Promise<void>((r) => out.end(() => r()));
      console.error(`exported ${n} transaction(s)${f.out ? ` to ${f.out}` : ''}`);
    } else if (command === 'verify') {
      flags(rest, []);
      const genesis = await genesisOf(journal);
      const started = performance.now();
      const { anvil, state } = await startFromSnapshot(dir, genesis, undefined, { port: await freePort(), lowPriority: true, logFile: join(dir, 'verify.log') });
      let blocks = 0;
      try {
        const end = await replay({ rpc: anvil.rpc, journal, from: state, maxRewind: config.ACCREDEX_CONFIRMATIONS - 1, onEntry: (e) => (blocks += e.blocks.length) });
        console.log(`verified: ${end.seq} journal entries replayed onto a scratch anvil, ${blocks} blocks, every one with its recorded hash; head ${end.head.number} (${end.head.hash}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } catch (err) {
        if (!(err instanceof ChainDivergence)) throw err;
        console.error(`verify: ${err.message}`);
        process.exitCode = EXIT.diverged;
      } finally {
        await anvil.stop();
      }
    } else {
      flags(rest, []);
      const last = journal.last();
      const catalog = readCatalog(dir);
      const snap = latestSnapshot(catalog);
      const paths = chainPaths(dir);
      const journalBytes = config.DATABASE_URL ? undefined : bytesUnder(join(dir, 'journal'));
      console.log(JSON.stringify({
        journal: journal.location,
        entries: last?.seq ?? null,
        head: last ? (last.kind === 'genesis' ? last.genesis : last.head) : null,
        snapshot: snap ? { seq: snap.seq, block: snap.head.number, bytes: snap.bytes } : null,
        archive: { head: catalog.archive.at(-1)?.to ?? null, segments: catalog.archive.length, bytes: bytesUnder(paths.archive) },
        bytes: { journal: journalBytes ?? 'in PostgreSQL', snapshots: bytesUnder(paths.snapshots), archive: bytesUnder(paths.archive) },
      }, null, 2));
    }
  } finally {
    await journal.close();
  }
}

main().catch((err: unknown) => {
  console.error(`chain: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
