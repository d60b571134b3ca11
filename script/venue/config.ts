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
  /** Seconds between anvil's state dumps; the state is also dumped on a clean stop. */
  ACCREDEX_STATE_INTERVAL: z.coerce.number().int().min(1).max(3600).default(5),
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
