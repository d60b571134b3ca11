/** Chain reads for the swap form: a V4Quoter quote each block and the Permit2 allowances (pool state: app/pools.ts). */
import { useQuery } from '@tanstack/react-query';
import { erc20Abi, type Address } from 'viem';
import { permit2Abi, v4QuoterAbi } from '../../../../sdk/abis/generated.ts';
import { usePoolSnapshot } from '../../app/pools.ts';
import { poolKeyOf, type Pool } from '../../../../sdk/manifest.ts';
import { useBlock, useVenue } from '../../app/venue.tsx';
import { decodeRevert } from '../../../../sdk/errors.ts';
import { explainError, revertDataOf } from '../../lib/revert.ts';

export interface QuoteRequest {
  pool: Pool;
  zeroForOne: boolean;
  exact: 'in' | 'out';
  amount: bigint;
}

/** A quote V4Quoter refused: the sentence, and the revert's name when it reverted (NotEnoughLiquidity: see largestFill). */
export class QuoteError extends Error {
  constructor(message: string, readonly revert?: string) {
    super(message);
  }
}

/** V4Quoter's answer at the newest block: the other side's amount, exact to the wei (what the swap would do now). */
export function useQuote(req: QuoteRequest | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['quote', req?.pool.poolId, req?.zeroForOne, req?.exact, req?.amount.toString(), block?.toString()],
    enabled: req !== undefined && block !== undefined,
    placeholderData: (previous) => previous,
    retry: false,
    queryFn: async () => {
      const params = { poolKey: poolKeyOf(req!.pool), zeroForOne: req!.zeroForOne, exactAmount: req!.amount, hookData: '0x' as const };
      try {
        const { result } = await client.simulateContract({
          address: deployment.v4Quoter,
          abi: v4QuoterAbi,
          functionName: req!.exact === 'in' ? 'quoteExactInputSingle' : 'quoteExactOutputSingle',
          args: [params],
          blockNumber: block,
        });
        return { amount: result[0], block: block!, request: req! };
      } catch (err) {
        const data = revertDataOf(err);
        throw new QuoteError(explainError(err), data && decodeRevert(data).name);
      }
    },
  });
}

/** What stands between `owner` and paying `token` through UniversalRouter: the ERC-20 approval of Permit2, and Permit2's allowance. */
export function usePermit2State(token: Address | undefined, owner: Address | undefined) {
  const { client, deployment } = useVenue();
  const block = useBlock().data?.number;
  return useQuery({
    queryKey: ['permit2', token, owner, block?.toString()],
    enabled: token !== undefined && owner !== undefined && block !== undefined,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const [erc20Allowance, [amount, expiration, nonce]] = await Promise.all([
        client.readContract({ address: token!, abi: erc20Abi, functionName: 'allowance', args: [owner!, deployment.permit2], blockNumber: block }),
        client.readContract({ address: deployment.permit2, abi: permit2Abi, functionName: 'allowance', args: [owner!, token!, deployment.universalRouter], blockNumber: block }),
      ]);
      return { erc20Allowance, permitAmount: amount, permitExpiration: Number(expiration), nonce: Number(nonce) };
    },
  });
}

/** The largest order the pool fills now in this direction, worked out only once an order is too large (`enabled`). */
export function useLargestFill(pool: Pool, enabled: boolean, zeroForOne: boolean, exact: 'in' | 'out') {
  const snapshot = usePoolSnapshot(pool, enabled);
  return useQuery({
    queryKey: ['largest-fill', pool.poolId, snapshot.dataUpdatedAt, zeroForOne, exact],
    enabled: enabled && snapshot.data !== undefined,
    queryFn: async () => (await import('./largestFill.ts')).largestFill(snapshot.data!, zeroForOne, exact),
  });
}
