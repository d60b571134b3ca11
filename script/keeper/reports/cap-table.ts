/**
 * A security's live cap table: holders of record per identity (every wallet it ever linked), the shares under each
 * identity's gated positions, accreditation, and concentration, with the token's own count and caps beside it.
 * Wallets come from the ledger's registry events; balances, positions' depositors and prices from the chain, all at one
 * block, so the table adds up.
 */
import { encodePacked, formatUnits, keccak256, type Address, type Hex, type PublicClient } from 'viem';
import { gateHookAbi, investorRegistryAbi, restrictedSecurityTokenAbi, stateViewAbi } from '../../../sdk/abis/generated.ts';
import type { CapTable, CapTableRow } from '../../../sdk/cap-table.ts';
import type { Deployment } from '../../../sdk/manifest.ts';
import { positionAmounts } from '../../../sdk/v4/math.ts';
import type { Ledger } from '../ledger/db.ts';

const SHARE_DECIMALS = 18;
/** IRestrictedSecurity.LotKind, in order. */
const LOT_KINDS = ['issuance', 'affiliate sale', 'freeze'] as const;

export interface CapTableParameters {
  client: PublicClient;
  ledger: Pick<Ledger, 'query'>;
  deployment: Deployment;
  security: Address;
  blockNumber?: bigint;
}

export async function capTable({ client, ledger, deployment: d, security, blockNumber }: CapTableParameters): Promise<CapTable> {
  const block = blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    client.readContract({ address, abi, functionName, args, blockNumber: block } as never) as Promise<T>;
  const token = <T = unknown>(functionName: string, args: readonly unknown[] = []) => read<T>(security, restrictedSecurityTokenAbi, functionName, args);

  const walletRows = await ledger.query<{ wallet: Address }>(
    `select distinct coalesce(args->>'wallet', args->>'investor') as wallet from registry_events
     where chain_id = $1 and status <> 'voided' and event in ('InvestorUpserted', 'WalletLinked')`,
    [d.chainId],
  );
  const byIdentity = new Map<bigint, { accredited: boolean; wallets: CapTableRow['wallets']; inWallets: bigint; inPositions: bigint; reserved: bigint }>();
  const identityOf = new Map<string, bigint>();
  const entry = (id: bigint) => {
    let e = byIdentity.get(id);
    if (!e) byIdentity.set(id, (e = { accredited: false, wallets: [], inWallets: 0n, inPositions: 0n, reserved: 0n }));
    return e;
  };
  await Promise.all(
    walletRows.map(async ({ wallet }) => {
      const [record, key, balance] = await Promise.all([
        read<{ identity: bigint; registered: boolean }>(d.investorRegistry, investorRegistryAbi, 'investor', [wallet]),
        read<bigint>(d.investorRegistry, investorRegistryAbi, 'holderKey', [wallet]),
        token('balanceOf', [wallet]) as Promise<bigint>,
      ]);
      if (record.identity === 0n) return;
      identityOf.set(wallet.toLowerCase(), record.identity);
      const e = entry(record.identity);
      e.wallets.push({ address: wallet, balance: formatUnits(balance, SHARE_DECIMALS), linked: record.registered });
      e.inWallets += balance;
      if ((key >> 160n) & 1n) e.accredited = true;
    }),
  );

  // Gated positions of this security's pools, by position key (the PoolManager's), their depositor from the gate.
  const pools = d.pools.filter((p) => p.security.toLowerCase() === security.toLowerCase());
  for (const pool of pools) {
    const live = await ledger.query<{ router: Address; tick_lower: number; tick_upper: number; salt: Hex; liquidity: string }>(
      `select router, tick_lower, tick_upper, salt, sum(liquidity_delta)::text as liquidity from liquidity_events
       where chain_id = $1 and pool_id = $2 and status <> 'voided' and block_number <= $3
       group by router, tick_lower, tick_upper, salt having sum(liquidity_delta) > 0`,
      [d.chainId, pool.poolId, block.toString()],
    );
    if (live.length === 0) continue;
    const [sqrtPriceX96] = await read<readonly [bigint, number, number, number]>(d.stateView, stateViewAbi, 'getSlot0', [pool.poolId]);
    const securityIs0 = pool.currency0.toLowerCase() === security.toLowerCase();
    for (const p of live) {
      const positionKey = keccak256(encodePacked(['address', 'int24', 'int24', 'bytes32'], [p.router, p.tick_lower, p.tick_upper, p.salt]));
      const depositor = await read<Address>(d.gateHook, gateHookAbi, 'depositorOf', [pool.poolId, positionKey]);
      const id = identityOf.get(depositor.toLowerCase()) ?? (await read<{ identity: bigint }>(d.investorRegistry, investorRegistryAbi, 'investor', [depositor])).identity;
      const { amount0, amount1 } = positionAmounts(sqrtPriceX96, p.tick_lower, p.tick_upper, BigInt(p.liquidity));
      entry(id).inPositions += securityIs0 ? amount0 : amount1;
    }
  }

  const lots = new Map<bigint, { locked: bigint; lots: CapTableRow['lots'] }>();
  await Promise.all(
    [...byIdentity].map(async ([id, e]) => {
      const [reserved, [locked], held] = await Promise.all([
        token<bigint>('reservedOf', [id]),
        token<readonly [bigint, number]>('lockedOf', [id]),
        token<readonly { amount: bigint; releaseAt: number; kind: number }[]>('lotsOf', [id]),
      ]);
      e.reserved = reserved;
      lots.set(id, { locked, lots: held.map((l) => ({ amount: formatUnits(l.amount, SHARE_DECIMALS), releaseAt: l.releaseAt, kind: LOT_KINDS[l.kind] })) });
    }),
  );

  const [supply, [holders, nonAccredited], limits] = await Promise.all([
    token('totalSupply') as Promise<bigint>,
    token('holderCount') as Promise<readonly [number, number]>,
    token('limits') as Promise<{ maxHolding: bigint; minTrade: bigint; maxHolders: number; maxNonAccredited: number }>,
  ]);
  const rows = [...byIdentity]
    .map(([id, e]) => ({ id, ...e, total: e.inWallets + e.inPositions }))
    .filter((r) => r.total > 0n || r.reserved > 0n)
    .sort((a, b) => (a.total === b.total ? 0 : a.total > b.total ? -1 : 1))
    .map((r): CapTableRow => ({
      identity: r.id.toString(),
      accredited: r.accredited,
      wallets: r.wallets.sort((a, b) => a.address.localeCompare(b.address)),
      inWallets: formatUnits(r.inWallets, SHARE_DECIMALS),
      inPositions: formatUnits(r.inPositions, SHARE_DECIMALS),
      total: formatUnits(r.total, SHARE_DECIMALS),
      reserved: formatUnits(r.reserved, SHARE_DECIMALS),
      locked: formatUnits(lots.get(r.id)!.locked, SHARE_DECIMALS),
      lots: lots.get(r.id)!.lots,
      concentrationPct: supply === 0n ? 0 : Number((r.total * 1_000_000n) / supply) / 10_000,
      // The token's rule: a holder of record holds shares in a wallet or has reserved some under a position.
      holderOfRecord: r.inWallets > 0n || r.reserved > 0n,
    }));
  return {
    security,
    block: block.toString(),
    supply: formatUnits(supply, SHARE_DECIMALS),
    holders,
    nonAccredited,
    limits: {
      maxHolders: limits.maxHolders,
      maxNonAccredited: limits.maxNonAccredited,
      maxHolding: formatUnits(limits.maxHolding, SHARE_DECIMALS),
      minTrade: formatUnits(limits.minTrade, SHARE_DECIMALS),
    },
    rows,
  };
}

/** The cap table as CSV, one identity a row (wallets joined with spaces). */
export function capTableCsv(t: CapTable): string {
  const header = 'identity,accredited,holder_of_record,in_wallets,in_positions,total,reserved,locked,concentration_pct,wallets';
  const lines = t.rows.map((r) =>
    [r.identity, r.accredited, r.holderOfRecord, r.inWallets, r.inPositions, r.total, r.reserved, r.locked, r.concentrationPct, r.wallets.map((w) => w.address).join(' ')].join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}
