import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { MIGRATIONS } from './schema.ts';

/** The ledger's connection: the same SQL runs on PGlite (embedded Postgres, a directory) and on PostgreSQL. */
export interface Ledger {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction: everything it writes commits together, or nothing does. */
  transaction<R>(fn: (tx: Pick<Ledger, 'query'>) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

/** Opens (creating if needed) the PGlite ledger in `dir`, or in memory when `dir` is undefined, and migrates it. */
export async function openPgliteLedger(dir?: string): Promise<Ledger> {
  if (dir) mkdirSync(dir, { recursive: true });
  const db = new PGlite(dir);
  const ledger: Ledger = {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    transaction(fn) {
      return db.transaction((tx) => fn({ query: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows }));
    },
    close: () => db.close(),
  };
  await migrate(ledger);
  return ledger;
}

/** Connects to a PostgreSQL server (`DATABASE_URL`) and migrates it: the same schema and SQL as PGlite. */
export async function openPostgresLedger(url: string): Promise<Ledger> {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  const ledger: Ledger = {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({ query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[] });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  await migrate(ledger);
  return ledger;
}

/** Applies every migration not yet recorded in schema_migrations, each in its own transaction. */
export async function migrate(ledger: Ledger): Promise<void> {
  await ledger.query('create table if not exists schema_migrations (version integer primary key, applied_at timestamptz not null default now())');
  const applied = new Set((await ledger.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
  for (const [index, sql] of MIGRATIONS.entries()) {
    const version = index + 1;
    if (applied.has(version)) continue;
    await ledger.transaction(async (tx) => {
      for (const statement of sql.split(/;\s*$/m).map((s) => s.trim()).filter(Boolean)) await tx.query(statement);
      await tx.query('insert into schema_migrations (version) values ($1)', [version]);
    });
  }
}
