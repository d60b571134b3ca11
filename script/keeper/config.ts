import { z } from 'zod';
import { parseWebhookSecret } from '../../sdk/webhooks.ts';

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
  /** Signs every delivery (Standard Webhooks): `whsec_` + base64 of at least 24 random bytes; required with the URL. */
  ACCREDEX_WEBHOOK_SECRET: z
    .string()
    .superRefine((secret, ctx) => {
      try {
        parseWebhookSecret(secret);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .optional(),
  /** Webhook deliveries in flight at once; a receiver that hangs holds one of them until its timeout. */
  /** The API's address as webhook receivers reach it, for the confirmation links in each delivery (default: ACCREDEX_HOST and ACCREDEX_API_PORT). */
  ACCREDEX_PUBLIC_API_URL: z.string().url().optional(),
  ACCREDEX_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  ACCREDEX_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * The dashboard's origins (comma-separated): the only ones CORS admits, that may sign in and use the session cookie.
   * npm start sets it to the dashboard it serves.
   */
  ACCREDEX_WEB_ORIGINS: z
    .string()
    .default('http://127.0.0.1:5173,http://localhost:5173')
    .transform((list, ctx) => {
      const origins = list.split(',').map((s) => s.trim()).filter(Boolean);
      for (const origin of origins) {
        if (!URL.canParse(origin) || new URL(origin).origin !== origin) ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like http://127.0.0.1:5173 (scheme, host, port; no path)` });
      }
      return origins;
    }),
  /** How long an API session lasts (seconds; 12 hours by default). */
  ACCREDEX_SESSION_TTL_S: z.coerce.number().int().min(60).max(30 * 86_400).default(12 * 3600),
  /** Whether the anonymized per-pool tape (time, side, size, price; no address) answers without a session. */
  ACCREDEX_PUBLIC_TAPE: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  /** Server-Sent-Event streams open at once, in all and per session. */
  ACCREDEX_MAX_STREAMS: z.coerce.number().int().min(1).max(10_000).default(200),
  ACCREDEX_STREAMS_PER_SESSION: z.coerce.number().int().min(1).max(100).default(4),
  /** Sign-in requests a minute from one client address (also its burst). Raise it where many users share one address. */
  ACCREDEX_SIGNIN_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Sign-ins a minute of one wallet (its burst is half, at least 1). */
  ACCREDEX_SIGNIN_PER_WALLET_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  ACCREDEX_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
}).refine((c) => c.ACCREDEX_WEBHOOK_URL === undefined || c.ACCREDEX_WEBHOOK_SECRET !== undefined, {
  path: ['ACCREDEX_WEBHOOK_SECRET'],
  message: 'required when ACCREDEX_WEBHOOK_URL is set, since every delivery is signed with it ("whsec_" + base64 of at least 24 random bytes; generateWebhookSecret in sdk/webhooks.ts makes one)',
  // Checked even when other settings are invalid, so this problem is listed with all the others at once.
  when: () => true,
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
