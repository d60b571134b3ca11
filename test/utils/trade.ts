/** Swaps as a test account through the canonical UniversalRouter (after approveRouterForLp for that account). */
import { createWalletClient, encodeFunctionData, http, type Hex, type LocalAccount, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { universalRouterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment, type Pool } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';

/** An exact-input swap: a buy spends `amount` of stablecoin, a sell `amount` of shares. Returns the receipt. */
export async function swapAs(client: PublicClient, rpcUrl: string, d: Deployment, pool: Pool, account: LocalAccount, buy: boolean, amount: bigint) {
  const usdIs0 = pool.currency0 === d.stablecoin;
  const { commands, inputs } = encodeSwapExactInSingle({ poolKey: poolKeyOf(pool), zeroForOne: buy ? usdIs0 : !usdIs0, amountIn: amount, amountOutMinimum: 0n });
  const wallet = createWalletClient({ account, chain: foundry, transport: http(rpcUrl) });
  const hash: Hex = await wallet.sendTransaction({ to: d.universalRouter, data: encodeFunctionData({ abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] }) });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`swap by ${account.address} reverted`);
  return receipt;
}
