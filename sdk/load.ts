import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeployment, type Deployment } from './manifest.ts';

/** Reads and validates `deployments/<chainId>.json` (Node only; the dashboard fetches the same file). */
export function loadDeployment(chainId: number, dir = 'deployments'): Deployment {
  const path = join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`no deployment for chain ${chainId}: ${path} does not exist (deploy first: npm start on a local chain)`);
  }
  return parseDeployment(JSON.parse(text), path);
}
