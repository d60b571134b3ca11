import { encodePacked, keccak256, parseEventLogs, toEventSelector, type AbiEvent, type Address, type Hex, type Log, type PublicClient } from 'viem';
import { gateHookAbi, investorRegistryAbi, poolManagerAbi, positionManagerAbi, restrictedSecurityTokenAbi, sanctionsListAbi } from '../../../sdk/abis/generated.ts';
import { describeClasses, ELIGIBILITY } from '../../../sdk/errors.ts';
import type { Deployment } from '../../../sdk/manifest.ts';
import type { Ledger } from '../ledger/db.ts';
import { fileAlert } from '../cases/cases.ts';
import { readCheckpoint, saveCheckpoint } from '../ledger/checkpoints.ts';
import { commonAncestor, header, nextLogRange } from '../logs.ts';
import { jsonSafe, type BlockRef } from '../settlement/decode.ts';

export const MONITOR = 'monitor';
const EXPIRY_WARNING_SECONDS = 30n * 86_400n;

export interface MonitorOptions {
  client: PublicClient;
  ledger: Ledger;
  deployment: Deployment;
  /** Only blocks with this many confirmations are read, so a shallow reorg never raises a false alert. */
  confirmations: number;
  maxRange: number;
  /** Kept between steps: the next getLogs range (see nextLogRange). */
  state?: { range?: number };
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export interface Alert {
  kind:
    | 'unguarded_pool' | 'registry_change' | 'pool_paused' | 'pool_unpaused' | 'accreditation_expiring' | 'restricted_liquidity'
    | 'holder_cap' | 'sanctioned_holder' | 'holder_profile_change';
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


/** How many of its stopping blocks the monitor remembers, to walk back by hash after a reorganization. */
const REMEMBERED_BLOCKS = 256;

/**
 * One monitoring step: if the checkpoint's block is gone (a reorganization deeper than the confirmations, or a
 * chain that lost blocks), roll back to the newest remembered block still on the chain and void the alerts above
 * it; else read the next confirmed range (sized like the settlement keeper's), then the sweeps: accreditations about
 * to expire, and live liquidity whose investor can only exit.
 */
export async function monitorOnce(o: MonitorOptions): Promise<{ alerts: Alert[]; caughtUp: boolean; reorgAncestor?: bigint }> {
  const d = o.deployment;
  const head = await o.client.getBlockNumber({ cacheTime: 0 });
  const safeHead = head - BigInt(o.confirmations) + 1n;
  const cp = await readCheckpoint(o.ledger, MONITOR, d.chainId);
  if (cp && (cp.number > head || (await header(o.client, cp.number)).hash !== cp.hash)) {
    return { alerts: [], caughtUp: false, reorgAncestor: await rollBack(o) };
  }
  const from = cp ? cp.number + 1n : BigInt(d.deployBlock);
  const alerts: Alert[] = [];
  let last: BlockRef | undefined;
  if (from <= safeHead) {
    const range = await nextLogRange({ client: o.client, filter: { address: [d.poolManager, d.gateHook, d.investorRegistry], topics: [topics] }, maxRange: o.maxRange, state: (o.state ??= {}), log: o.log }, from, safeHead);
    if (cp && range.parentHash !== cp.hash) return { alerts: [], caughtUp: false, reorgAncestor: await rollBack(o) };
    last = range.last;
    for (const e of parseEventLogs({ abi, logs: range.logs as unknown as Log[] })) alerts.push(...(await alertsFor(o, e)));
  }
  alerts.push(...(await expiringAccreditations(o)), ...(await restrictedLiquidity(o)), ...(await holderCaps(o)), ...(await sanctionedHolders(o)));

  const raised: Alert[] = [];
  await o.ledger.transaction(async (tx) => {
    for (const a of alerts) {
      // An alert of a block a reorganization removed comes back if its event is mined again.
      const rows = await tx.query(
        `insert into alerts (chain_id, kind, severity, subject, message, data, block_number, tx_hash, dedupe_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (chain_id, kind, dedupe_key) do update set voided_at = null, block_number = excluded.block_number
         where alerts.voided_at is not null returning id`,
        [d.chainId, a.kind, a.severity, a.subject, a.message, JSON.stringify(a.data), a.blockNumber?.toString() ?? null, a.txHash ?? null, a.dedupeKey],
      );
      if (rows.length > 0) {
        raised.push(a);
        await fileAlert(tx, d.chainId, { id: String((rows[0] as { id: unknown }).id), kind: a.kind, severity: a.severity, subject: a.subject });
      }
      const investor = a.kind === 'registry_change' ? (a.data.investor ?? a.data.wallet) : undefined;
      if (typeof investor === 'string') {
        await tx.query('insert into monitored_investors (chain_id, investor) values ($1, $2) on conflict do nothing', [d.chainId, investor]);
      }
    }
    if (last) {
      await saveCheckpoint(tx, MONITOR, d.chainId, last.number, last.hash);
      await tx.query('insert into keeper_blocks (keeper, chain_id, number, hash) values ($1, $2, $3, $4) on conflict (keeper, chain_id, number) do update set hash = excluded.hash', [MONITOR, d.chainId, last.number.toString(), last.hash]);
      await tx.query(
        `delete from keeper_blocks where keeper = $1 and chain_id = $2 and number < (
           select min(number) from (select number from keeper_blocks where keeper = $1 and chain_id = $2 order by number desc limit $3) newest)`,
        [MONITOR, d.chainId, REMEMBERED_BLOCKS],
      );
    }
  });
  for (const a of raised) {
    const line = { kind: a.kind, subject: a.subject, ...a.data };
    if (a.severity === 'critical') o.log?.error(line, a.message);
    else if (a.severity === 'warning') o.log?.warn(line, a.message);
    else o.log?.info(line, a.message);
  }
  return { alerts: raised, caughtUp: (last?.number ?? from - 1n) >= safeHead };
}

/** Walks back to the newest remembered block still on the chain; voids the alerts above it and resumes there. */
async function rollBack(o: MonitorOptions): Promise<bigint> {
  const d = o.deployment;
  const stored = await o.ledger.query<{ number: string; hash: Hex }>(
    'select number::text, hash from keeper_blocks where keeper = $1 and chain_id = $2 order by number desc limit $3',
    [MONITOR, d.chainId, REMEMBERED_BLOCKS],
  );
  const ancestor = await commonAncestor(o.client, stored);
  const to = ancestor?.number ?? BigInt(d.deployBlock) - 1n;
  await o.ledger.transaction(async (tx) => {
    await tx.query('update alerts set voided_at = now() where chain_id = $1 and block_number > $2 and voided_at is null', [d.chainId, to.toString()]);
    await tx.query('delete from keeper_blocks where keeper = $1 and chain_id = $2 and number > $3', [MONITOR, d.chainId, to.toString()]);
    if (ancestor) await saveCheckpoint(tx, MONITOR, d.chainId, ancestor.number, ancestor.hash);
    else await tx.query('delete from checkpoints where keeper = $1 and chain_id = $2', [MONITOR, d.chainId]);
  });
  o.log?.warn({ ancestor: Number(to) }, 'reorg: the monitor rolled back to a block still on the chain and voided the alerts above it');
  return to;
}

async function alertsFor(o: MonitorOptions, e: MonitorEvent): Promise<Alert[]> {
  const d = o.deployment;
  const args = e.args as Record<string, unknown>;
  const at = placeOf(e);
  if (e.eventName === 'Initialize') {
    if (String(args.hooks).toLowerCase() === d.gateHook.toLowerCase()) return [];
    const listed: Address[] = [];
    for (const currency of [args.currency0, args.currency1] as Address[]) {
      // Listed when the pool was made; a block older than the chain's state window is answered with today's listing.
      const read = (blockNumber?: bigint) => o.client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'security', args: [currency], blockNumber });
      const [isListed] = await read(e.blockNumber!).catch(() => read());
      if (isListed) listed.push(currency);
    }
    return listed.length === 0 ? [] : [unguardedPool(e, listed)];
  }
  if (e.eventName === 'SecurityConfigured') {
    // A pool made before the security was listed, or while it was delisted, raised nothing then: look again.
    const security = args.security as Address;
    const earlier = await unguardedPoolsOf(o, security, e.blockNumber!);
    return [registryChange(e), ...earlier.map((pool) => unguardedPool(pool, [security]))];
  }
  if (e.eventName === 'PoolPausedSet') {
    const paused = Boolean(args.paused);
    return [{
      ...at, kind: paused ? 'pool_paused' : 'pool_unpaused', severity: paused ? 'warning' : 'info', subject: String(args.poolId),
      message: paused ? 'a gated pool was paused: swaps, adds and donations are refused' : 'a gated pool was unpaused',
      data: jsonSafe({ poolId: args.poolId, pauser: args.pauser }),
    }];
  }
  if (e.eventName === 'IdentityUpserted' || e.eventName === 'InvestorUpserted') return [registryChange(e), ...(await holderProfileChange(o, e))];
  return [registryChange(e)];
}

/**
 * An identity that holds a security (in its wallets or under its positions) whose investor classes or jurisdiction
 * an officer changed: the offering rules it was admitted under may no longer admit it, so the officer is told what
 * changed and, per security held, whether it may still acquire. Compared with the identity just before the event's
 * block; a block older than the chain's state window cannot be compared, and is logged instead.
 */
async function holderProfileChange(o: MonitorOptions, e: MonitorEvent): Promise<Alert[]> {
  const d = o.deployment;
  const args = e.args as Record<string, unknown>;
  const registry = { address: d.investorRegistry, abi: investorRegistryAbi } as const;
  const identity = e.eventName === 'IdentityUpserted'
    ? (args.identity as bigint)
    : (await o.client.readContract({ ...registry, functionName: 'investor', args: [args.investor as Address], blockNumber: e.blockNumber! })).identity;
  const profile = (blockNumber: bigint) => o.client.readContract({ ...registry, functionName: 'identity', args: [identity], blockNumber });
  let before: Awaited<ReturnType<typeof profile>>;
  let after: Awaited<ReturnType<typeof profile>>;
  try {
    [before, after] = await Promise.all([profile(e.blockNumber! - 1n), profile(e.blockNumber!)]);
  } catch (err) {
    o.log?.warn({ identity: identity.toString(), block: Number(e.blockNumber), err: (err as Error).message }, 'monitor: an identity change is too old to compare with its previous profile');
    return [];
  }
  // A new identity is not a change; nor is a new expiry or verification record alone.
  if (!before.exists || (before.classes === after.classes && before.jurisdiction === after.jurisdiction)) return [];
  const wallet = after.wallets[0] as Address | undefined;
  const held = [];
  for (const security of new Set(d.pools.map((p) => p.security))) {
    const token = { address: security, abi: restrictedSecurityTokenAbi } as const;
    const [shares, reserved] = await Promise.all([
      o.client.readContract({ ...token, functionName: 'holdingOf', args: [identity] }),
      o.client.readContract({ ...token, functionName: 'reservedOf', args: [identity] }),
    ]);
    if (shares + reserved === 0n) continue;
    // Every wallet unlinked, the identity can acquire through none of them.
    const [status] = wallet ? await o.client.readContract({ ...registry, functionName: 'tradeStatus', args: [wallet, security, true] }) : [1];
    held.push({ security, shares: shares.toString(), reserved: reserved.toString(), mayAcquire: ELIGIBILITY[Number(status)] });
  }
  if (held.length === 0) return [];
  const changes = [
    before.classes !== after.classes ? `classes ${describeClasses(before.classes)} → ${describeClasses(after.classes)}` : undefined,
    before.jurisdiction !== after.jurisdiction ? `jurisdiction ${before.jurisdiction} → ${after.jurisdiction}` : undefined,
  ].filter(Boolean);
  const refused = held.filter((h) => h.mayAcquire !== 'Ok');
  return [{
    ...placeOf(e), kind: 'holder_profile_change', severity: 'warning', subject: wallet ?? `identity:${identity}`,
    message: `a holder's ${changes.join(' and ')} (holds ${held.length} ${held.length === 1 ? 'security' : 'securities'}${refused.length > 0 ? `; may no longer acquire ${refused.length}: ${refused.map((h) => h.mayAcquire).join(', ')}` : ''})`,
    data: {
      identity: identity.toString(), wallets: [...after.wallets],
      before: { classes: before.classes, jurisdiction: before.jurisdiction }, after: { classes: after.classes, jurisdiction: after.jurisdiction },
      securities: held,
    },
  }];
}

type MonitorEvent = ReturnType<typeof parseEventLogs<typeof abi>>[number];

const placeOf = (e: { blockNumber: bigint | null; transactionHash: Hex | null; logIndex: number | null }) => ({
  blockNumber: e.blockNumber!, txHash: e.transactionHash!, dedupeKey: `${e.transactionHash}:${e.logIndex}`,
});

/** Keyed by the Initialize log, so the same pool is alerted once however it is found. */
function unguardedPool(e: { args: unknown; blockNumber: bigint | null; transactionHash: Hex | null; logIndex: number | null }, securities: Address[]): Alert {
  const args = e.args as Record<string, unknown>;
  return {
    ...placeOf(e), kind: 'unguarded_pool', severity: 'critical', subject: String(args.id),
    message: 'a pool holding a listed security was initialized without the gate hook',
    data: jsonSafe({ poolId: args.id, securities, hooks: args.hooks, currency0: args.currency0, currency1: args.currency1, fee: args.fee }),
  };
}

function registryChange(e: MonitorEvent): Alert {
  const args = e.args as Record<string, unknown>;
  return {
    ...placeOf(e), kind: 'registry_change', severity: 'info', subject: String(args.investor ?? args.wallet ?? args.security ?? args.account ?? e.eventName),
    message: `registry change: ${e.eventName}`,
    data: { event: e.eventName, ...jsonSafe(args) },
  };
}

/** Every pool with `security` on either side initialized without the gate up to `toBlock` (both currencies are indexed). */
async function unguardedPoolsOf(o: MonitorOptions, security: Address, toBlock: bigint) {
  const d = o.deployment;
  const query = (side: 'currency0' | 'currency1') =>
    o.client.getLogs({ address: d.poolManager, event: initializeEvent as Extract<(typeof poolManagerAbi)[number], { name: 'Initialize' }>, args: { [side]: security }, fromBlock: BigInt(d.deployBlock), toBlock });
  const found = (await Promise.all([query('currency0'), query('currency1')])).flat();
  return found.filter((l) => String((l.args as Record<string, unknown>).hooks).toLowerCase() !== d.gateHook.toLowerCase());
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
  // One investor, one alert: an identity's wallets share its accreditation. The alert names the identity's first
  // wallet, whichever wallet the ledger listed first, and is keyed by the identity.
  const expiring = new Map<bigint, bigint>();
  for (const r of records) {
    const expiry = BigInt(r.accreditationExpiry);
    if (r.registered && expiry > now && expiry - now <= EXPIRY_WARNING_SECONDS) expiring.set(r.identity, expiry);
  }
  const alerts: Alert[] = [];
  for (const [identity, expiry] of expiring) {
    const { wallets } = await o.client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'identity', args: [identity] });
    const investor = wallets[0];
    alerts.push({
      kind: 'accreditation_expiring', severity: 'warning', subject: investor,
      message: `accreditation expires in ${Math.ceil(Number(expiry - now) / 86_400)} day(s)`,
      data: { investor, identity: identity.toString(), wallets: [...wallets], accreditationExpiry: expiry.toString() },
      dedupeKey: `${identity}:${expiry}`,
    });
  }
  return alerts;
}

/** A party of a live position can only exit for any reason but the security's own delisting (that applies to everyone). */
const canOnlyExit = (reason: string) => reason !== 'Ok' && reason !== 'SecurityNotListed';

/** Share of a cap at which the officer is warned, then alerted critically. */
export const CAP_WARNING = 0.8;
export const CAP_CRITICAL = 0.95;

/**
 * Every security's holder-of-record caps (total, and not accredited) against the token's live count, at 80% and 95%.
 * One alert per security, cap and level (a count that falls back and climbs again is not alerted twice).
 */
async function holderCaps(o: MonitorOptions): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (const security of new Set(o.deployment.pools.map((p) => p.security))) {
    const read = <F extends 'limits' | 'holderCount'>(functionName: F) =>
      o.client.readContract({ address: security, abi: restrictedSecurityTokenAbi, functionName });
    const [limits, [holders, nonAccredited]] = await Promise.all([read('limits'), read('holderCount')]);
    const caps: [string, number, number][] = [['holders of record', holders, limits.maxHolders], ['non-accredited holders', nonAccredited, limits.maxNonAccredited]];
    for (const [which, count, cap] of caps) {
      if (cap === 0 || count < cap * CAP_WARNING) continue;
      const critical = count >= cap * CAP_CRITICAL;
      alerts.push({
        kind: 'holder_cap', severity: critical ? 'critical' : 'warning', subject: security,
        message: `${which}: ${count} of at most ${cap} (${Math.floor((count / cap) * 100)}%)`,
        data: { security, cap: which, count, max: cap },
        dedupeKey: `${security}:${which}:${critical ? 95 : 80}`,
      });
    }
  }
  return alerts;
}

/** Every known investor wallet that the sanctions oracle lists while it holds a security: a critical alert, once. */
async function sanctionedHolders(o: MonitorOptions): Promise<Alert[]> {
  const d = o.deployment;
  if (BigInt(d.sanctionsList) === 0n) return [];
  const investors = await o.ledger.query<{ investor: Address }>('select investor from monitored_investors where chain_id = $1', [d.chainId]);
  const securities = [...new Set(d.pools.map((p) => p.security))];
  const alerts: Alert[] = [];
  for (const { investor } of investors) {
    const listed = await o.client.readContract({ address: d.sanctionsList, abi: sanctionsListAbi, functionName: 'isSanctioned', args: [investor] });
    if (!listed) continue;
    const balances = await Promise.all(
      securities.map((security) => o.client.readContract({ address: security, abi: restrictedSecurityTokenAbi, functionName: 'balanceOf', args: [investor] })),
    );
    const held = securities.filter((_, i) => balances[i] > 0n);
    if (held.length === 0) continue;
    alerts.push({
      kind: 'sanctioned_holder', severity: 'critical', subject: investor,
      message: `a holder is on the sanctions list: it can no longer trade, send or receive (${held.length} securities held)`,
      data: { investor, securities: held, balances: balances.filter((b) => b > 0n).map(String) },
      dedupeKey: investor.toLowerCase(),
    });
  }
  return alerts;
}

/**
 * Live positions whose depositor or NFT owner can no longer trade the pool's security (off the roster, frozen,
 * lapsed or in lockup). By policy their liquidity keeps trading (README, "Positions belong to their depositor"), so
 * the officer is told, once per position, party and reason. Live positions are the settlement ledger's liquidity
 * events (the keepers share one ledger); depositors, owners and eligibility are read from the chain.
 */
async function restrictedLiquidity(o: MonitorOptions): Promise<Alert[]> {
  const d = o.deployment;
  const live = await o.ledger.query<{ pool_id: Hex; router: Address; tick_lower: number; tick_upper: number; salt: Hex; liquidity: string }>(
    `select pool_id, router, tick_lower, tick_upper, salt, sum(liquidity_delta)::text as liquidity from liquidity_events
     where chain_id = $1 and status <> 'voided' group by pool_id, router, tick_lower, tick_upper, salt having sum(liquidity_delta) > 0`,
    [d.chainId],
  );
  const alerts: Alert[] = [];
  for (const p of live) {
    const positionKey = keccak256(encodePacked(['address', 'int24', 'int24', 'bytes32'], [p.router, p.tick_lower, p.tick_upper, p.salt]));
    const viaPositionManager = p.router.toLowerCase() === d.positionManager.toLowerCase();
    const [depositor, [security], owner] = await Promise.all([
      o.client.readContract({ address: d.gateHook, abi: gateHookAbi, functionName: 'depositorOf', args: [p.pool_id, positionKey] }),
      o.client.readContract({ address: d.gateHook, abi: gateHookAbi, functionName: 'poolConfig', args: [p.pool_id] }),
      // A contract calling the PoolManager directly owns its positions itself.
      viaPositionManager
        ? o.client.readContract({ address: d.positionManager, abi: positionManagerAbi, functionName: 'ownerOf', args: [BigInt(p.salt)] })
        : Promise.resolve(p.router),
    ]);
    const parties: [string, Address][] =
      depositor.toLowerCase() === owner.toLowerCase() ? [['depositor and owner', depositor]] : [['depositor', depositor], ['owner', owner]];
    for (const [role, party] of parties) {
      const [status, until] = await o.client.readContract({ address: d.investorRegistry, abi: investorRegistryAbi, functionName: 'eligibility', args: [party, security] });
      const reason = ELIGIBILITY[Number(status)];
      if (!canOnlyExit(reason)) continue;
      alerts.push({
        kind: 'restricted_liquidity', severity: 'warning', subject: party,
        message: `a live position's ${role} can only exit (${reason}); its liquidity keeps trading`,
        data: jsonSafe({ poolId: p.pool_id, positionKey, tokenId: viaPositionManager ? BigInt(p.salt) : undefined, role, party, reason, until, liquidity: p.liquidity }),
        dedupeKey: `${positionKey}:${party}:${reason}:${until}`,
      });
    }
  }
  return alerts;
}
