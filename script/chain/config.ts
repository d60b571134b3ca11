import { join } from 'node:path';
import { z } from 'zod';

/** The durable chain's settings, from the environment; every problem is listed at once. */
export const chainConfigSchema = z.object({
  ACCREDEX_HOST: z.string().default('127.0.0.1'),
  /** The public JSON-RPC port (the front); anvil itself listens on a private loopback port. */
  ACCREDEX_RPC_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
  ACCREDEX_DATA_DIR: z.string().min(1).default('.data'),
  /** With a PostgreSQL server, the journal lives there (chain_journal); else in ACCREDEX_DATA_DIR/chain/journal. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** Blocks with this many confirmations (their own included) are final: no rollback may remove them. */
  ACCREDEX_CONFIRMATIONS: z.coerce.number().int().min(1).max(1000).default(2),
  /**
   * A snapshot is cut about every this many journal entries (from the served anvil's dump under traffic, by a replay
   * of at most that many when quiet or behind), so a restart replays about that many.
   */
  ACCREDEX_SNAPSHOT_EVERY: z.coerce.number().int().min(10).max(100_000).default(2_000),
  /**
   * anvil's memory grows with every block it holds (about 45 KB each, transactions or not), and each dump's cost with
   * it. Once the served anvil holds this many blocks past its snapshot, and a newer snapshot exists, it is replaced by
   * a fresh one started from that snapshot, without stopping the chain.
   */
  ACCREDEX_RECYCLE_BLOCKS: z.coerce.number().int().min(50).max(10_000_000).default(4_000),
  /**
   * The served anvil keeps the transactions and receipts (with their call traces, most of its memory and of each
   * dump's cost) of only this many newest blocks; compaction archives blocks from it once a quarter of that is final.
   */
  ACCREDEX_ANVIL_TX_BLOCKS: z.coerce.number().int().min(20).max(10_000_000).default(512),
  ACCREDEX_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type ChainConfig = z.infer<typeof chainConfigSchema>;

export function loadChainConfig(env: NodeJS.ProcessEnv = process.env): ChainConfig {
  const result = chainConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid chain configuration:\n${problems}`);
  }
  return result.data;
}

export const chainDir = (c: Pick<ChainConfig, 'ACCREDEX_DATA_DIR'>) => join(c.ACCREDEX_DATA_DIR, 'chain');

/** Exit codes of the chain process, which npm start acts on. */
export const EXIT = {
  /** Stopped on a signal, everything committed. */
  stopped: 0,
  /** Something under it failed (anvil died, the journal could not be written): start it again. */
  restart: 75,
  /** The journal and the chain disagree, or the journal is damaged: starting again would not help. */
  diverged: 65,
} as const;
