/**
 * `npm run keeper -- <name>`: runs Accredex's keepers against a deployed venue.
 *
 *   settlement   index every trade, liquidity change and registry event of the gated pools into the ledger
 *   api          serve the ledger over HTTP (trades, health, a stream of confirmations)
 *   all          both, in one process sharing one ledger (what npm start runs)
 *
 * Settings come from the environment (see script/keeper/config.ts); they are validated at start and every problem
 * is listed. Logs are JSON lines (pino). SIGINT or SIGTERM stops cleanly: the ledger is consistent at every
 * checkpoint, and the next run resumes from the last one.
 */
import { join } from 'node:path';
import pino from 'pino';
import { createPublicClient, http } from 'viem';
import { loadDeployment } from '../../sdk/manifest.ts';
import { startApi } from './api/server.ts';
import { loadKeeperConfig } from './config.ts';
import { openPgliteLedger } from './ledger/db.ts';
import { acquireLedgerLock } from './ledger/lock.ts';
import { runSettlementKeeper } from './settlement/run.ts';

const KEEPERS = ['settlement', 'api', 'all'] as const;
type KeeperName = (typeof KEEPERS)[number];

const USAGE = `usage: npm run keeper -- <${KEEPERS.join('|')}>

  settlement   index trades, liquidity changes and registry events into the ledger
  api          serve the ledger over HTTP on ACCREDEX_HOST:ACCREDEX_API_PORT
  all          both, in one process (PGlite ledgers are single-process)

environment: ACCREDEX_RPC_URL, ACCREDEX_DATA_DIR, ACCREDEX_DEPLOYMENTS_DIR, ACCREDEX_HOST, ACCREDEX_API_PORT,
             ACCREDEX_CONFIRMATIONS, ACCREDEX_POLL_MS, ACCREDEX_MAX_LOG_RANGE, ACCREDEX_LOG_LEVEL`;

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
  const client = createPublicClient({ transport: http(config.ACCREDEX_RPC_URL, { batch: true, retryCount: 0 }), cacheTime: 0 });
  const chainId = await client.getChainId();
  const deployment = loadDeployment(chainId, config.ACCREDEX_DEPLOYMENTS_DIR);
  const ledgerDir = join(config.ACCREDEX_DATA_DIR, 'ledger');
  const releaseLock = acquireLedgerLock(join(config.ACCREDEX_DATA_DIR, 'ledger.lock'));
  const ledger = await openPgliteLedger(ledgerDir);
  log.info({ chainId, ledger: ledgerDir, rpc: config.ACCREDEX_RPC_URL }, 'started');

  const stop = new AbortController();
  const tasks: Promise<unknown>[] = [];
  const closers: (() => Promise<void>)[] = [];
  if (name === 'settlement' || name === 'all') {
    tasks.push(
      runSettlementKeeper({
        client, ledger, deployment,
        confirmations: config.ACCREDEX_CONFIRMATIONS,
        maxRange: config.ACCREDEX_MAX_LOG_RANGE,
        pollMs: config.ACCREDEX_POLL_MS,
        signal: stop.signal,
        log: log.child({ component: 'settlement' }),
      }),
    );
  }
  if (name === 'api' || name === 'all') {
    const server = await startApi({ ledger, client, chainId, host: config.ACCREDEX_HOST, port: config.ACCREDEX_API_PORT });
    log.info({ url: `http://${config.ACCREDEX_HOST}:${config.ACCREDEX_API_PORT}` }, 'api listening');
    closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
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
}

main().catch((err: unknown) => {
  console.error(`keeper: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
