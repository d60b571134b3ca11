import { z } from 'zod';

/** Keepers' settings, from the environment; every problem is listed at once. */
export const keeperConfigSchema = z.object({
  ACCREDEX_RPC_URL: z.string().url().default('http://127.0.0.1:8545'),
  ACCREDEX_DATA_DIR: z.string().min(1).default('.data'),
  ACCREDEX_DEPLOYMENTS_DIR: z.string().min(1).default('deployments'),
  ACCREDEX_HOST: z.string().default('127.0.0.1'),
  ACCREDEX_API_PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  /** A row is final once this many blocks, its own included, are on the chain. */
  ACCREDEX_CONFIRMATIONS: z.coerce.number().int().min(1).max(1000).default(2),
  ACCREDEX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  ACCREDEX_MAX_LOG_RANGE: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** Each RPC request is retried this many times (429, 5xx, timeouts, cut-off bodies) before a step fails. */
  ACCREDEX_RPC_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  ACCREDEX_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** A PostgreSQL server for the ledger; without it the ledger is PGlite in ACCREDEX_DATA_DIR/ledger. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** Where each trade status change is POSTed (at least once, retried with backoff); unset: no webhook. */
  ACCREDEX_WEBHOOK_URL: z.string().url().optional(),
  /** Webhook deliveries in flight at once; a receiver that hangs holds one of them until its timeout. */
  ACCREDEX_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  ACCREDEX_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  ACCREDEX_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type KeeperConfig = z.infer<typeof keeperConfigSchema>;

export function loadKeeperConfig(env: NodeJS.ProcessEnv = process.env): KeeperConfig {
  const result = keeperConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid keeper configuration:\n${problems}`);
  }
  return result.data;
}
