import type { Hex } from 'viem';
import type { Ledger } from './db.ts';

/** The last block a keeper has fully recorded, if any. */
export async function readCheckpoint(
  ledger: Pick<Ledger, 'query'>,
  keeper: string,
  chainId: number,
): Promise<{ number: bigint; hash: Hex } | undefined> {
  const [row] = await ledger.query<{ block_number: string; block_hash: Hex }>(
    'select block_number, block_hash from checkpoints where keeper = $1 and chain_id = $2',
    [keeper, chainId],
  );
  return row ? { number: BigInt(row.block_number), hash: row.block_hash } : undefined;
}

/** Moves a keeper's checkpoint; call it in the transaction that writes the rows up to that block. */
export async function saveCheckpoint(tx: Pick<Ledger, 'query'>, keeper: string, chainId: number, number: bigint, hash: Hex) {
  await tx.query(
    `insert into checkpoints (keeper, chain_id, block_number, block_hash) values ($1, $2, $3, $4)
     on conflict (keeper, chain_id) do update set block_number = excluded.block_number, block_hash = excluded.block_hash, updated_at = now()`,
    [keeper, chainId, number.toString(), hash],
  );
}
