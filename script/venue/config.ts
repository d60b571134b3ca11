import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** `npm start`'s settings, from the environment. Every value is optional; defaults keep everything on loopback. */
export const venueConfigSchema = z.object({
  ACCREDEX_HOST: z.string().default('127.0.0.1'),
  ACCREDEX_RPC_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
  ACCREDEX_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(5173),
  ACCREDEX_API_PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  ACCREDEX_DATA_DIR: z.string().min(1).default('.data'),
  /** Must stay under deployments/: forge may only write there (foundry.toml fs_permissions). */
  ACCREDEX_DEPLOYMENTS_DIR: z
    .string()
    .regex(/^deployments(\/[\w.-]+)*$/, 'must be deployments or a folder inside it')
    .default('deployments'),
  /** npm start gives up on a child (and stops the venue) after this many crashes within 10 minutes. */
  ACCREDEX_RESTART_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),
  ACCREDEX_STATE_INTERVAL: z
    .undefined({ message: 'is gone: the chain now journals every transaction before acknowledging it (see README, "The durable chain"); unset it' })
    .optional(),
});

export type VenueConfig = z.infer<typeof venueConfigSchema>;

/** Validates the environment, listing every problem at once. */
export function loadVenueConfig(env: NodeJS.ProcessEnv = process.env): VenueConfig {
  const result = venueConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  return result.data;
}

/**
 * A data directory from before the durable chain holds an anvil state dump (anvil/state.json) and no journal. The
 * journal cannot be made up after the fact, so such a chain is not adopted: the message says how to start over.
 */
export function legacyStateProblem(config: VenueConfig): string | undefined {
  const dump = join(config.ACCREDEX_DATA_DIR, 'anvil', 'state.json');
  if (!existsSync(dump) || existsSync(join(config.ACCREDEX_DATA_DIR, 'chain'))) return undefined;
  return `${config.ACCREDEX_DATA_DIR} holds a chain saved by an earlier Accredex as an anvil state dump (${dump}). The venue now keeps a journal of every transaction, which that dump cannot give back. Run npm run reset to start a new chain (or set ACCREDEX_DATA_DIR to another directory).`;
}
