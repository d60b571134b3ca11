/**
 * `npm run venue -- <command>`: an issuer's and operator's tools, for scripts.
 *
 *   list-security --name "Acme Robotics Series B" --symbol ACME-B --price 40 --lockup-end 2027-06-30
 *                 [--max-holders 2000] [--max-non-accredited 0] [--max-holding 0] [--min-trade 0]
 *                 [--issue 0xADDRESS=SHARES ...] [--liquidity-usd 100000]
 *                 [--rpc-url http://127.0.0.1:8545] [--config script/config/<chainId>.json] [--deployments-dir deployments]
 *                 (--private-key 0x… | --account <keystore>) [--dry-run]
 */
import { listSecurity, type ListSecurityInput } from './list-security.ts';

const FLAGS: Record<string, keyof ListSecurityInput> = {
  '--name': 'name', '--symbol': 'symbol', '--price': 'price', '--lockup-end': 'lockupEnd', '--max-holders': 'maxHolders',
  '--max-non-accredited': 'maxNonAccredited', '--max-holding': 'maxHolding', '--min-trade': 'minTrade', '--issue': 'issue',
  '--liquidity-usd': 'liquidityUsd', '--rpc-url': 'rpcUrl', '--config': 'config', '--deployments-dir': 'deploymentsDir',
  '--private-key': 'privateKey', '--account': 'account',
};

/** Flags as the command's input: each `--flag value`, `--issue` as often as needed, `--dry-run` alone. */
export function parseFlags(args: string[]): ListSecurityInput {
  const out: Record<string, unknown> = { rpcUrl: 'http://127.0.0.1:8545', issue: [] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dry-run') {
      out.dryRun = true;
      continue;
    }
    const key = FLAGS[args[i]];
    if (!key) throw new Error(`unknown flag ${args[i]}: list-security takes ${[...Object.keys(FLAGS), '--dry-run'].join(', ')}`);
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${args[i - 1]} needs a value`);
    if (key === 'issue') (out.issue as string[]).push(value);
    else out[key] = value;
  }
  return out as ListSecurityInput;
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'list-security') throw new Error(`usage: npm run venue -- list-security --name … --symbol … --price … --lockup-end … (--private-key … | --account …); see script/venue/cli.ts`);
  const { pool, deployment } = await listSecurity(parseFlags(args));
  console.log(`listed ${pool.name} on chain ${deployment.chainId}: security ${pool.security}, pool ${pool.poolId}`);
  console.log('restart the keepers (npm start does at its next start) so that they index the new pool');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
