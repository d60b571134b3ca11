/**
 * Lists a new security without editing code: adds it to the chain's deploy config (script/config/<chainId>.json, or
 * `--config`) and runs script/Deploy.s.sol, which deploys what is missing and nothing else. For the new security that
 * is: the restricted token (CREATE2), its default lockup, its offering rules, its gated pool authorized and initialized
 * at the given price, its issuance minted, and seed liquidity added; then the manifest is rewritten with the new pool.
 * A real chain works the same way with `--account <keystore>` (or `--private-key`); `--dry-run` only simulates.
 *
 * Every step is simulated first; a refusal there sends nothing and leaves the config as it was.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicClient, getAddress, http, isAddress, type Address } from 'viem';
import { z } from 'zod';
import { loadDeployment } from '../../sdk/load.ts';
import type { Deployment, Pool } from '../../sdk/manifest.ts';
import { runDeployScript } from './deploy.ts';

const wholeNumber = (what: string) => z.coerce.number({ message: `${what}: a whole number` }).int(`${what}: a whole number`).min(0, `${what}: not negative`);
/** The token keeps holdings and trade sizes in 96 bits of raw units (18 decimals): whole shares up to this. */
const MAX_SHARES_96 = 79_228_162_514;

/** What the command takes, each checked; every problem is listed at once. */
export const listSecurityInput = z.object({
  rpcUrl: z.string().url('--rpc-url: a URL like http://127.0.0.1:8545'),
  config: z.string().min(1).optional(),
  deploymentsDir: z.string().regex(/^deployments(\/[\w.-]+)*$/, '--deployments-dir: deployments or a folder inside it (forge may write only there)').default('deployments'),
  name: z.string().trim().min(1, '--name: the security\'s legal name').max(100, '--name: at most 100 characters'),
  symbol: z.string().regex(/^[A-Z0-9][A-Z0-9.-]{0,10}$/, '--symbol: 1 to 11 capitals, digits, "." or "-", like ACME-B'),
  price: z.coerce.number({ message: '--price: dollars per share' }).int('--price: whole dollars per share').min(1, '--price: at least 1').max(1_000_000, '--price: at most 1,000,000'),
  lockupEnd: z.string().transform((v, ctx) => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Number.NaN;
    // A day that doesn't exist (2027-02-31) would roll over: it must print back as itself.
    const t = !Number.isNaN(day) && new Date(day).toISOString().slice(0, 10) === v ? day / 1000 : /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(t) || t <= 0 || t >= 2 ** 40) ctx.addIssue({ code: 'custom', message: `--lockup-end ${v}: a calendar date (YYYY-MM-DD, UTC) or unix seconds: the offering's close plus its holding period` });
    return t;
  }),
  maxHolders: wholeNumber('--max-holders').max(2 ** 32 - 1).default(0),
  maxNonAccredited: wholeNumber('--max-non-accredited').max(2 ** 32 - 1).default(0),
  maxHolding: wholeNumber('--max-holding').max(MAX_SHARES_96, `--max-holding: at most ${MAX_SHARES_96} shares`).default(0),
  minTrade: wholeNumber('--min-trade').max(MAX_SHARES_96, `--min-trade: at most ${MAX_SHARES_96} shares`).default(0),
  issue: z.array(z.string().transform((v, ctx) => {
    const [to, amount] = v.split('=');
    if (!to || !isAddress(to) || !/^[1-9]\d{0,10}$/.test(amount ?? '') || Number(amount) > MAX_SHARES_96) {
      ctx.addIssue({ code: 'custom', message: `--issue ${v}: give ADDRESS=SHARES (whole shares, at most ${MAX_SHARES_96}), like 0x70997970C51812dc3A010C7d01b50e0d17dc79C8=1000` });
      return { to: '0x0000000000000000000000000000000000000000' as Address, amount: 0 };
    }
    return { to: getAddress(to), amount: Number(amount) };
  })).default([]),
  liquidityUsd: wholeNumber('--liquidity-usd').max(1_000_000_000_000, '--liquidity-usd: at most 1,000,000,000,000 dollars').optional(),
  privateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, '--private-key: 0x and 64 hex digits').optional(),
  account: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
}).refine((o) => o.privateKey === undefined || o.account === undefined, { message: 'give --private-key or --account, not both', path: ['account'] })
  .refine((o) => o.privateKey !== undefined || o.account !== undefined, { message: 'sign with --private-key 0x… or --account <keystore name> (cast wallet import)', path: ['account'] });

export type ListSecurityInput = z.input<typeof listSecurityInput>;

export function parseListSecurity(input: unknown): z.output<typeof listSecurityInput> {
  const r = listSecurityInput.safeParse(input);
  if (r.success) return r.data;
  throw new Error(`list-security: ${r.error.issues.map((i) => i.message.startsWith('--') || i.message.startsWith('give') || i.message.startsWith('sign') ? i.message : `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/** The config's entry for the new security, in the shape script/Deploy.s.sol reads. */
export function securityEntry(o: z.output<typeof listSecurityInput>): Record<string, unknown> {
  return {
    lockupEnd: o.lockupEnd,
    name: o.name,
    priceUsd: o.price,
    symbol: o.symbol,
    limits: { maxHolders: o.maxHolders, maxHolding: o.maxHolding, maxNonAccredited: o.maxNonAccredited, minTrade: o.minTrade },
    ...(o.issue.length ? { issuance: o.issue.map((a) => ({ amount: a.amount, to: a.to })) } : {}),
    ...(o.liquidityUsd !== undefined ? { liquidityUsd: o.liquidityUsd } : {}),
  };
}

/** Adds the entry to a config's text, refusing a symbol or name the config already lists. */
export function withSecurity(configText: string, entry: Record<string, unknown>): string {
  const config = JSON.parse(configText) as { securities?: { symbol: string; name: string }[] };
  const securities = config.securities ?? [];
  const clash = securities.find((s) => s.symbol === entry.symbol || s.name === entry.name);
  if (clash) throw new Error(`list-security: the config already lists ${clash.symbol} (${clash.name}); a security is listed once`);
  return `${JSON.stringify({ ...config, securities: [...securities, entry] }, null, 2)}\n`;
}

export async function listSecurity(raw: ListSecurityInput): Promise<{ deployment: Deployment; pool: Pool }> {
  const o = parseListSecurity(raw);
  const chainId = await createPublicClient({ transport: http(o.rpcUrl) }).getChainId();
  const configPath = o.config ?? `script/config/${chainId}.json`;
  const before = readFileSync(configPath, 'utf8');
  const after = withSecurity(before, securityEntry(o));
  const signer = o.privateKey ? ['--private-key', o.privateKey] : ['--account', o.account!];
  // First every step is simulated, from a scratch copy of the config and into a scratch manifest: a refusal there
  // sends nothing and changes no file. A dry run stops after it.
  const scratch = `${o.deploymentsDir}/.list-security-${process.pid}`;
  mkdirSync(scratch, { recursive: true });
  try {
    writeFileSync(`${scratch}/config.json`, after);
    try {
      await runDeployScript(['--rpc-url', o.rpcUrl, ...signer], { DEPLOY_CONFIG: `${scratch}/config.json`, DEPLOYMENTS_DIR: scratch });
    } catch (err) {
      throw new Error(`list-security: nothing was sent and ${configPath} is unchanged, since the simulated ${(err as Error).message}`);
    }
    if (o.dryRun) return found(loadDeployment(chainId, scratch), o.symbol, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // Then for real. The config names the security from here on: if sending fails part way, what was sent is on chain
  // and a deploy run finishes the listing (it deploys what is missing; the offering steps belong to the run that
  // initializes the pool, so finish those by hand if the pool was initialized already).
  writeFileSync(configPath, after);
  try {
    await runDeployScript(['--rpc-url', o.rpcUrl, ...signer, '--broadcast'], { DEPLOY_CONFIG: configPath, DEPLOYMENTS_DIR: o.deploymentsDir });
  } catch (err) {
    throw new Error(`list-security: sending failed part way; ${configPath} keeps ${o.symbol} and broadcast/Deploy.s.sol/${chainId}/ has what was sent (run the deploy again to finish): ${(err as Error).message}`);
  }
  return found(loadDeployment(chainId, o.deploymentsDir), o.symbol, o.deploymentsDir);
}

function found(deployment: Deployment, symbol: string, dir: string): { deployment: Deployment; pool: Pool } {
  const pool = deployment.pools.find((p) => p.name.startsWith(`${symbol}/`));
  if (!pool) throw new Error(`list-security: the manifest in ${dir} has no ${symbol} pool after the deploy`);
  return { deployment, pool };
}
