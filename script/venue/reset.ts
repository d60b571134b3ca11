/**
 * `npm run reset [-- --yes]`: forget the local venue (its chain, with every transaction in its journal, the keepers'
 * ledger and the manifest) so the next `npm start` begins from scratch. It says what will be lost, and asks first.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import pg from 'pg';
import { openJournal } from '../chain/journal.ts';
import { LEDGER_TABLES } from '../keeper/ledger/schema.ts';
import { LOCAL_CHAIN_ID } from './anvil.ts';
import { loadVenueConfig } from './config.ts';
import { runningVenue } from './pid.ts';

const config = loadVenueConfig();
const yes = process.argv.slice(2).includes('--yes');
const unknown = process.argv.slice(2).filter((a) => a !== '--yes');
if (unknown.length > 0) {
  console.error(`reset takes only --yes (got ${unknown.join(' ')})`);
  process.exit(2);
}
const pid = runningVenue(config);
if (pid !== undefined) {
  console.error(`Accredex is running (pid ${pid}); stop it first (Ctrl-C in its terminal), then reset.`);
  process.exit(1);
}

const dataDir = config.ACCREDEX_DATA_DIR;
const databaseUrl = process.env.DATABASE_URL;
const manifest = join(config.ACCREDEX_DEPLOYMENTS_DIR, `${LOCAL_CHAIN_ID}.json`);
const chainDir = join(dataDir, 'chain');

// What there is to lose, in words.
const lines: string[] = [];
const journal = existsSync(chainDir) || databaseUrl ? await openJournal(chainDir, databaseUrl, { readOnly: true }).catch(() => undefined) : undefined;
const last = journal?.last();
if (journal && last) {
  let since: number | undefined;
  for await (const e of journal.entries(0)) {
    since = e.at;
    break;
  }
  const head = last.kind === 'genesis' ? last.genesis : last.head;
  lines.push(`the chain: ${last.seq} journaled call(s) since ${new Date(since!).toISOString()}, up to block ${head.number} (${journal.location})`);
}
await journal?.close();
if (existsSync(join(dataDir, 'ledger'))) lines.push(`the keepers' ledger: trade confirmations, alerts, quotes (${join(dataDir, 'ledger')})`);
if (databaseUrl) lines.push('in PostgreSQL (DATABASE_URL): the chain_journal table and every ledger table (trades, alerts, quotes, ...)');
if (existsSync(join(dataDir, 'anvil'))) lines.push(`a chain saved by an earlier Accredex (${join(dataDir, 'anvil')})`);
if (existsSync(manifest)) lines.push(`the manifest ${manifest}`);
if (lines.length === 0) {
  console.log(`reset: nothing to forget in ${dataDir}`);
  process.exit(0);
}
console.log(`This forgets the local venue:\n${lines.map((l) => `  - ${l}`).join('\n')}\nIt cannot be undone: the next npm start deploys a new chain.`);
if (!yes) {
  if (!process.stdin.isTTY) {
    console.error('reset: not a terminal, so nobody can confirm; run npm run reset -- --yes to go ahead.');
    process.exit(1);
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('Type "reset" to go ahead: ');
  rl.close();
  if (answer.trim() !== 'reset') {
    console.log('reset: nothing was changed');
    process.exit(1);
  }
}

for (const name of ['chain', 'ledger', 'ledger.lock', 'anvil', 'venue.pid']) rmSync(join(dataDir, name), { recursive: true, force: true });
if (existsSync(dataDir)) for (const f of readdirSync(dataDir).filter((f) => f.endsWith('.log'))) rmSync(join(dataDir, f), { force: true });
rmSync(manifest, { force: true });
if (databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = current_schema()");
  const ours = rows.map((r) => r.tablename).filter((t) => t === 'chain_journal' || t === 'schema_migrations' || LEDGER_TABLES.has(t));
  if (ours.length) await client.query(`drop table ${ours.map((t) => `"${t}"`).join(', ')} cascade`);
  await client.query('drop sequence if exists ledger_changes');
  await client.end();
}
console.log(`reset: forgotten; npm start begins anew`);
