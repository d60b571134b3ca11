/** Swaps as a test account through the canonical UniversalRouter (after approveRouterForLp for that account). */
import { createWalletClient, encodeFunctionData, http, type Hex, type LocalAccount, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { universalRouterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment, type Pool } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';

/** UniversalRouter calldata of an exact-input swap in `pool`: a buy spends `amount` of stablecoin, a sell shares. */
export function swapCalldata(d: Deployment, pool: Pool, buy: boolean, amount: bigint): Hex {
  const usdIs0 = pool.currency0 === d.stablecoin;
  const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne: buy ? usdIs0 : !usdIs0, amountIn: amount, amountOutMinimum: 0n });
  return encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] });
}

/** Sends that swap as `account` and waits for its receipt; throws if it reverted. */
export async function swapAs(client: PublicClient, rpcUrl: string, d: Deployment, pool: Pool, account: LocalAccount, buy: boolean, amount: bigint) {
  const wallet = createWalletClient({ account, chain: foundry, transport: http(rpcUrl) });
  const hash = await wallet.sendTransaction({ to: d.universalRouter, data: swapCalldata(d, pool, buy, amount) });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`swap by ${account.address} reverted`);
  return receipt;
}
