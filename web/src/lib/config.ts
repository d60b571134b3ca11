/**
 * The dashboard's runtime configuration: where the chain and the keepers' API are (`/config.json`, served beside the
 * app) and the deployment manifest for that chain (`/deployments/<chainId>.json`). One build serves any venue.
 */
import { defineChain, type Chain } from 'viem';
import { z } from 'zod/mini';
import { parseDeployment, type Deployment } from '../../../sdk/manifest.ts';
import { LOCAL_CHAIN_ID } from '../../../sdk/local.ts';

const configSchema = z.object({
  rpcUrl: z.url(),
  apiUrl: z.url(),
  chainId: z.int().check(z.positive()),
  explorerUrl: z.optional(z.url()),
});

export type RuntimeConfig = z.infer<typeof configSchema>;

export interface Venue {
  config: RuntimeConfig;
  deployment: Deployment;
  chain: Chain;
  isLocal: boolean;
}

async function fetchJson(path: string): Promise<unknown> {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${path} answered ${res.status}${res.status === 404 ? ': is the venue deployed (npm start)?' : ''}`);
  return res.json();
}

export async function loadVenue(): Promise<Venue> {
  const parsed = configSchema.safeParse(await fetchJson('/config.json'));
  if (!parsed.success) {
    throw new Error(`/config.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const config = parsed.data;
  const deployment = parseDeployment(await fetchJson(`/deployments/${config.chainId}.json`), `/deployments/${config.chainId}.json`);
  const isLocal = config.chainId === LOCAL_CHAIN_ID;
  const chain = defineChain({
    id: config.chainId,
    name: isLocal ? 'Accredex local (anvil)' : `Chain ${config.chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    blockExplorers: config.explorerUrl ? { default: { name: 'Explorer', url: config.explorerUrl } } : undefined,
  });
  return { config, deployment, chain, isLocal };
}
