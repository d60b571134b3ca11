import { parseEventLogs, toEventSelector, type AbiEvent, type Address, type Hex, type Log, type PublicClient } from 'viem';
import { gateHookAbi, investorRegistryAbi, poolManagerAbi } from '../../../sdk/abis/generated.ts';
import type { Deployment } from '../../../sdk/manifest.ts';
import type { Ledger } from '../ledger/db.ts';
import { readCheckpoint, saveCheckpoint } from '../ledger/checkpoints.ts';
import { jsonSafe } from '../settlement/decode.ts';

export const MONITOR = 'monitor';
const EXPIRY_WARNING_SECONDS = 30n * 86_400n;

export interface MonitorOptions {
  client: PublicClient;
  ledger: Ledger;
  deployment: Deployment;
  /** Only blocks with this many confirmations are read, so a shallow reorg never raises a false alert. */
  confirmations: number;
  maxRange: number;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export interface Alert {
  kind: 'unguarded_pool' | 'registry_change' | 'pool_paused' | 'pool_unpaused' | 'accreditation_expiring';
  severity: 'info' | 'warning' | 'critical';
  subject: string;
  message: string;
  data: Record<string, unknown>;
  blockNumber?: bigint;
  txHash?: Hex;
  dedupeKey: string;
}

const initializeEvent = poolManagerAbi.find((e) => e.type === 'event' && e.name === 'Initialize') as AbiEvent;
const pausedEvent = gateHookAbi.find((e) => e.type === 'event' && e.name === 'PoolPausedSet') as AbiEvent;
const registryEvents = investorRegistryAbi.filter((e): e is Extract<(typeof investorRegistryAbi)[number], { type: 'event' }> => e.type === 'event');
const abi = [initializeEvent, pausedEvent, ...registryEvents];
const topics = [...new Set(abi.map((e) => toEventSelector(e as AbiEvent)))];


/** One monitoring step over the next confirmed range, then the expiry sweep. Returns the alerts raised. */
export async function monitorOnce(o: MonitorOptions): Promise<{ alerts: Alert[]; caughtUp: boolean }> {
  const d = o.deployment;
  const head = await o.client.getBlockNumber({ cacheTime: 0 });
  const safeHead = head - BigInt(o.confirmations) + 1n;
  const cp = await readCheckpoint(o.ledger, MONITOR, d.chainId);
  const from = cp ? cp.number + 1n : BigInt(d.deployBlock);
  const alerts: Alert[] = [];
  let to = from - 1n;
  if (from <= safeHead) {
    to = safeHead < from + BigInt(o.maxRange) - 1n ? safeHead : from + BigInt(o.maxRange) - 1n;
    const logs = (await o.client.getLogs({ address: [d.poolManager, d.gateHook, d.investorRegistry], fromBlock: from, toBlock: to })) as Log[];
    const relevant = logs.filter((l) => topics.includes(l.topics[0] as Hex));
    for (const e of parseEventLogs({ abi, logs: relevant })) alerts.push(...(await alertsFor(o, e)));
  }
  alerts.push(...(await expiringAccreditations(o)));

  const hash = to >= 0n && to >= from ? (await o.client.getBlock({ blockNumber: to })).hash : undefined;
  const raised: Alert[] = [];
  await o.ledger.transaction(async (tx) => {
    for (const a of alerts) {
      const rows = await tx.query(
        `insert into alerts (chain_id, kind, severity, subject, message, data, block_number, tx_hash, dedupe_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (chain_id, kind, dedupe_key) do nothing returning id`,
        [d.chainId, a.kind, a.severity, a.subject, a.message, JSON.stringify(a.data), a.blockNumber?.toString() ?? null, a.txHash ?? null, a.dedupeKey],
      );
      if (rows.length > 0) raised.push(a);
      if (a.kind === 'registry_change' && typeof a.data.investor === 'string') {
        await tx.query('insert into monitored_investors (chain_id, investor) values ($1, $2) on conflict do nothing', [d.chainId, a.data.investor]);
      }
    }
    if (hash) await saveCheckpoint(tx, MONITOR, d.chainId, to, hash);
  });
  for (const a of raised) {
    const line = { kind: a.kind, subject: a.subject, ...a.data };
    if (a.severity === 'critical') o.log?.error(line, a.message);
    else if (a.severity === 'warning') o.log?.warn(line, a.message);
    else o.log?.info(line, a.message);
  }
  return { alerts: raised, caughtUp: to >= safeHead };
}

async function alertsFor(o: MonitorOptions, e: ReturnType<typeof parseEventLogs<typeof abi>>[number]): Promise<Alert[]> {
  const d = o.deployment;
  const args = e.args as Record<string, unknown>;
  const at = { blockNumber: e.blockNumber!, txHash: e.transactionHash!, dedupeKey: `${e.transactionHash}:${e.logIndex}` };
  if (e.eventName === 'Initialize') {
    const hooks = String(args.hooks).toLowerCase();
    if (hooks === d.gateHook.toLowerCase()) return [];
    const listed: Address[] = [];
    for (const currency of [args.currency0, args.currency1] as Address[]) {
      const [isListed] = await o.client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'security', args: [currency], blockNumber: e.blockNumber! });
      if (isListed) listed.push(currency);
    }
    if (listed.length === 0) return [];
    return [{
      ...at, kind: 'unguarded_pool', severity: 'critical', subject: String(args.id),
      message: 'a pool holding a listed security was initialized without the gate hook',
      data: jsonSafe({ poolId: args.id, securities: listed, hooks: args.hooks, currency0: args.currency0, currency1: args.currency1, fee: args.fee }),
    }];
  }
  if (e.eventName === 'PoolPausedSet') {
    const paused = Boolean(args.paused);
    return [{
      ...at, kind: paused ? 'pool_paused' : 'pool_unpaused', severity: paused ? 'warning' : 'info', subject: String(args.poolId),
      message: paused ? 'a gated pool was paused: swaps, adds and donations are refused' : 'a gated pool was unpaused',
      data: jsonSafe({ poolId: args.poolId, pauser: args.pauser }),
    }];
  }
  const subject = String(args.investor ?? args.security ?? args.account ?? e.eventName);
  return [{
    ...at, kind: 'registry_change', severity: 'info', subject,
    message: `registry change: ${e.eventName}`,
    data: { event: e.eventName, ...jsonSafe(args) },
  }];
}

/** Registered investors whose accreditation lapses within 30 days, read live from the registry. */
async function expiringAccreditations(o: MonitorOptions): Promise<Alert[]> {
  const d = o.deployment;
  const investors = await o.ledger.query<{ investor: Address }>('select investor from monitored_investors where chain_id = $1', [d.chainId]);
  if (investors.length === 0) return [];
  const now = (await o.client.getBlock()).timestamp;
  const records = await Promise.all(
    investors.map((i) => o.client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'investor', args: [i.investor] })),
  );
  const alerts: Alert[] = [];
  records.forEach((r, i) => {
    const expiry = BigInt(r.accreditationExpiry);
    if (!r.registered || expiry <= now || expiry - now > EXPIRY_WARNING_SECONDS) return;
    const investor = investors[i].investor;
    alerts.push({
      kind: 'accreditation_expiring', severity: 'warning', subject: investor,
      message: `accreditation expires in ${Math.ceil(Number(expiry - now) / 86_400)} day(s)`,
      data: { investor, accreditationExpiry: expiry.toString() },
      dedupeKey: `${investor}:${expiry}`,
    });
  });
  return alerts;
}
