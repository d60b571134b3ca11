import { getAddress, type Address, type Hex } from 'viem';
// zod's small build: this module ships in the dashboard's first bundle.
import { z } from 'zod/mini';

const address = z.pipe(z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'an address')), z.transform((a) => getAddress(a) as Address));
const bytes32 = z.pipe(z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex value')), z.transform((h) => h as Hex));
const count = (min: number) => z.int().check(z.gte(min));

export const poolSchema = z.object({
  name: z.string().check(z.minLength(1)),
  poolId: bytes32,
  currency0: address,
  currency1: address,
  fee: count(0),
  tickSpacing: count(1),
  hooks: address,
  security: address,
});

/**
 * `deployments/<chainId>.json`, written by script/Deploy.s.sol: the one source of addresses. This module runs in the
 * browser too; reading the file from disk is `sdk/load.ts`.
 */
export const deploymentSchema = z.object({
  chainId: count(1),
  deployBlock: count(0),
  poolManager: address,
  positionManager: address,
  universalRouter: address,
  v4Quoter: address,
  stateView: address,
  permit2: address,
  investorRegistry: address,
  gateHook: address,
  /** The registry's sanctions oracle (Chainalysis's interface); the zero address when the venue names none. */
  sanctionsList: address,
  stablecoin: address,
  pools: z.array(poolSchema),
  /** Local chain only: the seeded demo cast, by anvil account index. */
  accounts: z.optional(z.array(z.object({ label: z.string(), index: count(0), address, role: z.string() }))),
});

export type Deployment = z.infer<typeof deploymentSchema>;
export type Pool = z.infer<typeof poolSchema>;

/** Parses a manifest, naming every problem at once. */
export function parseDeployment(json: unknown, source = 'deployment manifest'): Deployment {
  const result = deploymentSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`${source} is invalid:\n${problems}`);
  }
  return result.data;
}

/** The Uniswap PoolKey of a manifest pool, as viem encodes the tuple. */
export function poolKeyOf(pool: Pool) {
  return {
    currency0: pool.currency0,
    currency1: pool.currency1,
    fee: pool.fee,
    tickSpacing: pool.tickSpacing,
    hooks: pool.hooks,
  } as const;
}
