/**
 * `npm run keeper -- <name>`: runs Accredex's keepers against a deployed venue.
 *
 *   settlement   index every trade, liquidity change and registry event of the gated pools into the ledger
 *   quotes       an exact quote board per gated pool, every block
 *   monitor      compliance alerts into the ledger and the log
 *   api          serve the ledger over HTTP (trades, health, a stream of confirmations, reports, alerts)
 *   all          all four, in one process sharing one ledger (what npm start runs)
 *   report       the quarterly ATS-R figures:  report --quarter 2026Q3 [--format json|csv|html] [--out FILE]
 *   statement    one investor's confirmations: statement --investor 0x.. --from 2026-07-01 --to 2026-09-30 [...]
 *
 * Settings come from the environment (see script/keeper/config.ts); they are validated at start and every problem
 * is listed. Logs are JSON lines (pino). SIGINT or SIGTERM stops cleanly: the ledger is consistent at every
 * checkpoint, and the next run resumes from the last one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createPublicClient, http } from 'viem';
import { loadDeployment } from '../../sdk/load.ts';
import { startApi } from './api/server.ts';
import { loadKeeperConfig } from './config.ts';
import { openPgliteLedger, openPostgresLedger, type Ledger } from './ledger/db.ts';
import {
  investorStatement,
  parseDays,
  parseQuarter,
  quarterlyReport,
  renderQuarterly,
  renderStatement,
  type ReportFormat,
} from './reports/reports.ts';
import { acquireLedgerLock } from './ledger/lock.ts';
import { runLoop } from './loop.ts';
import { monitorOnce } from './monitor/monitor.ts';
import { newQuoteState, quoteOnce } from './quotes/keeper.ts';
import { syncOnce } from './settlement/indexer.ts';
import { deliverOnce } from './notify/webhook.ts';
import { watchParent } from '../lifecycle.ts';

const KEEPERS = ['settlement', 'quotes', 'monitor', 'api', 'all', 'report', 'statement'] as const;
type KeeperName = (typeof KEEPERS)[number];

const USAGE = `usage: npm run keeper -- <${KEEPERS.join('|')}>

  settlement   index trades, liquidity changes and registry events into the ledger
  quotes       every block: mid price, a 1k/10k/100k/1M ladder with impact, depth within 1% and 5%,
               exact to the wei and cross-checked against V4Quoter
  monitor      raise compliance alerts: unguarded pools of listed securities, registry changes,
               paused pools, accreditations expiring within 30 days
  api          serve the ledger over HTTP on ACCREDEX_HOST:ACCREDEX_API_PORT
  all          all four, in one process (PGlite ledgers are single-process)
  report       --quarter 2026Q3 [--format json|csv|html] [--out FILE]
               the quarterly figures an ATS files (Form ATS-R), per security and in total
  statement    --investor 0x.. --from 2026-07-01 --to 2026-09-30 [--format json|csv] [--out FILE]
               one investor's trade confirmations
  (while npm start runs, the ledger is in use: ask its API, /reports/quarterly and /reports/statement)

environment: DATABASE_URL (PostgreSQL; default: PGlite in ACCREDEX_DATA_DIR/ledger), ACCREDEX_RPC_URL, ACCREDEX_DATA_DIR, ACCREDEX_DEPLOYMENTS_DIR, ACCREDEX_HOST, ACCREDEX_API_PORT,
             ACCREDEX_CONFIRMATIONS, ACCREDEX_POLL_MS, ACCREDEX_MAX_LOG_RANGE, ACCREDEX_RPC_RETRIES,
             ACCREDEX_RPC_TIMEOUT_MS, ACCREDEX_WEBHOOK_URL (POST each trade confirmation),
             ACCREDEX_WEBHOOK_SECRET (whsec_..., signs each delivery; required with the URL), ACCREDEX_LOG_LEVEL`;

async function main() {
  const name = process.argv[2];
  if (!name || name === '--help' || name === '-h') {
    console.log(USAGE);
    process.exit(name ? 0 : 2);
  }
  if (!KEEPERS.includes(name as KeeperName)) {
    console.error(`unknown keeper "${name}"\n\n${USAGE}`);
    process.exit(2);
  }
  const config = loadKeeperConfig();
  const log = pino({ level: config.ACCREDEX_LOG_LEVEL, base: { keeper: name } });
  // PostgreSQL when DATABASE_URL is set (any number of keeper processes); else PGlite, one process at a time.
  const ledgerDir = config.DATABASE_URL ? 'postgresql' : join(config.ACCREDEX_DATA_DIR, 'ledger');
  const releaseLock = config.DATABASE_URL ? () => {} : acquireLedgerLock(join(config.ACCREDEX_DATA_DIR, 'ledger.lock'));
  const ledger = config.DATABASE_URL ? await openPostgresLedger(config.DATABASE_URL) : await openPgliteLedger(ledgerDir);
  if (name === 'report' || name === 'statement') {
    // Reports read the ledger only: no chain needed, so they work while the venue is stopped.
    try {
      await writeReport(name, parseFlags(process.argv.slice(3)), ledger, await ledgerChainId(ledger));
    } finally {
      await ledger.close();
      releaseLock();
    }
    return;
  }
  // Each keeper has its own client: a request of one (a large eth_getLogs, say) never shares a batch with another's,
  // so one keeper's failure never fails another's request.
  const newClient = () =>
    createPublicClient({
      transport: http(config.ACCREDEX_RPC_URL, { batch: true, retryCount: config.ACCREDEX_RPC_RETRIES, retryDelay: 100, timeout: config.ACCREDEX_RPC_TIMEOUT_MS }),
      cacheTime: 0,
    });
  const client = newClient();
  // Under npm start the keepers may start alongside the chain: wait for it (a minute at most), saying so once.
  const chainId = await waitForChain(client, log);
  const deployment = loadDeployment(chainId, config.ACCREDEX_DEPLOYMENTS_DIR);
  log.info({ chainId, ledger: ledgerDir, rpc: config.ACCREDEX_RPC_URL }, 'started');

  const stop = new AbortController();
  const tasks: Promise<unknown>[] = [];
  const closers: (() => Promise<void>)[] = [];
  const common = { client, ledger, deployment, confirmations: config.ACCREDEX_CONFIRMATIONS, maxRange: config.ACCREDEX_MAX_LOG_RANGE };
  const loop = (component: string) => ({ pollMs: config.ACCREDEX_POLL_MS, signal: stop.signal, log: log.child({ component }) });
  // The API first: it answers (health, the ledger so far) while the loops do their first, possibly long, steps.
  if (name === 'api' || name === 'all') {
    const server = await startApi({
      ledger,
      client: newClient(),
      deployment,
      host: config.ACCREDEX_HOST,
      port: config.ACCREDEX_API_PORT,
      webOrigins: config.ACCREDEX_WEB_ORIGINS,
      sessionTtlSeconds: config.ACCREDEX_SESSION_TTL_S,
      publicTape: config.ACCREDEX_PUBLIC_TAPE,
      confirmations: config.ACCREDEX_CONFIRMATIONS,
      streams: { total: config.ACCREDEX_MAX_STREAMS, perClient: config.ACCREDEX_STREAMS_PER_SESSION },
      rates: {
        signInPerIp: { burst: config.ACCREDEX_SIGNIN_PER_MINUTE, perMinute: config.ACCREDEX_SIGNIN_PER_MINUTE },
        signInPerAddress: { burst: Math.max(1, Math.floor(config.ACCREDEX_SIGNIN_PER_WALLET_PER_MINUTE / 2)), perMinute: config.ACCREDEX_SIGNIN_PER_WALLET_PER_MINUTE },
      },
      log: log.child({ component: 'api' }),
    });
    log.info({ url: `http://${config.ACCREDEX_HOST}:${config.ACCREDEX_API_PORT}` }, 'api listening');
    closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  }

  if (name === 'settlement' || name === 'all') {
    const o = loop('settlement');
    const state = {};
    const settlementClient = newClient();
    const reloadDeployment = () => loadDeployment(chainId, config.ACCREDEX_DEPLOYMENTS_DIR);
    tasks.push(runLoop(() => syncOnce({ ...common, client: settlementClient, outbox: config.ACCREDEX_WEBHOOK_URL !== undefined, log: o.log, state, reloadDeployment }), o));
    if (config.ACCREDEX_WEBHOOK_URL) {
      const w = loop('webhook');
      tasks.push(runLoop(() => deliverOnce({ ledger, url: config.ACCREDEX_WEBHOOK_URL!, secret: config.ACCREDEX_WEBHOOK_SECRET!, concurrency: config.ACCREDEX_WEBHOOK_CONCURRENCY, timeoutMs: config.ACCREDEX_WEBHOOK_TIMEOUT_MS, apiUrl: config.ACCREDEX_PUBLIC_API_URL ?? `http://${config.ACCREDEX_HOST}:${config.ACCREDEX_API_PORT}`, log: w.log }), w));
    }
  }
  if (name === 'monitor' || name === 'all') {
    const o = loop('monitor');
    const state = {};
    const monitorClient = newClient();
    tasks.push(runLoop(() => monitorOnce({ ...common, client: monitorClient, log: o.log, state }), o));
  }
  if (name === 'quotes' || name === 'all') {
    const o = loop('quotes');
    const state = newQuoteState();
    const quotesClient = newClient();
    tasks.push(runLoop(() => quoteOnce({ client: quotesClient, ledger, deployment, log: o.log }, state), o));
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    stop.abort();
    await Promise.allSettled(tasks);
    for (const close of closers) await close();
    await ledger.close();
    releaseLock();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  watchParent(() => void shutdown('parent gone'));
}

async function waitForChain(client: { getChainId(): Promise<number> }, log: { info(obj: object, msg: string): void }): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (let said = false; ; said = true) {
    try {
      return await client.getChainId();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the chain at ${process.env.ACCREDEX_RPC_URL ?? 'ACCREDEX_RPC_URL'} does not answer: ${(err as Error).message}`);
      if (!said) log.info({}, 'waiting for the chain to answer');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The chain a ledger records: ACCREDEX_CHAIN_ID, or the one chain its checkpoints name. */
async function ledgerChainId(ledger: Ledger): Promise<number> {
  if (process.env.ACCREDEX_CHAIN_ID) return Number(process.env.ACCREDEX_CHAIN_ID);
  const chains = await ledger.query<{ chain_id: number }>('select distinct chain_id from checkpoints');
  if (chains.length !== 1) throw new Error(`the ledger records ${chains.length} chains; set ACCREDEX_CHAIN_ID`);
  return chains[0].chain_id;
}

function parseFlags(args: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    if (!args[i].startsWith('--') || args[i + 1] === undefined) throw new Error(`expected --flag value pairs, got "${args.slice(i).join(' ')}"`);
    flags[args[i].slice(2)] = args[i + 1];
  }
  return flags;
}

async function writeReport(name: 'report' | 'statement', flags: Record<string, string>, ledger: Ledger, chainId: number) {
  const format = (flags.format ?? 'json') as ReportFormat;
  const formats = name === 'report' ? ['json', 'csv', 'html'] : ['json', 'csv', 'html', 'pdf'];
  if (!formats.includes(format)) throw new Error(`--format must be ${formats.join(', ')} for ${name} (got "${format}")`);
  let out: string | Uint8Array;
  if (name === 'report') {
    if (!flags.quarter) throw new Error('report needs --quarter, e.g. --quarter 2026Q3');
    out = renderQuarterly(await quarterlyReport(ledger, chainId, parseQuarter(flags.quarter)), format as Exclude<ReportFormat, 'pdf'>);
  } else {
    if (!flags.investor || !flags.from || !flags.to) throw new Error('statement needs --investor, --from and --to');
    out = renderStatement(await investorStatement(ledger, chainId, flags.investor, parseDays(flags.from, flags.to)), format);
  }
  if (flags.out) writeFileSync(flags.out, out);
  else if (typeof out !== 'string') throw new Error('a PDF goes to a file: add --out statement.pdf');
  else process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
}

main().catch((err: unknown) => {
  console.error(`keeper: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
