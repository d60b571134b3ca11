/**
 * `kill -9` the settlement keeper at random points while trades land, restart it each time, and the ledger still
 * ends with every trade the chain has, once: no duplicate and no gap.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnTs } from '../../script/venue/children.ts';
import { join } from 'node:path';
import { createWalletClient, http, parseEventLogs, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolManagerAbi, universalRouterAbi } from '../../sdk/abis/generated.ts';
import { poolKeyOf, type Deployment } from '../../sdk/manifest.ts';
import { encodeSwapExactInSingle } from '../../sdk/periphery.ts';
import { freePort, type Anvil } from '../../script/venue/anvil.ts';
import { approveRouterForLp, LP_ACCOUNT, seededRandom, startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';
import { openPgliteLedger } from '../../script/keeper/ledger/db.ts';

let anvil: Anvil;
let client: PublicClient;
let deployment: Deployment;
let venue: LocalVenue;
const random = seededRandom(0xdead);

let apiPort: number;

/** Every keeper in one process, as npm start runs them, so a kill can land in any of their writes. */
function startKeeper(): ChildProcess {
  return spawnTs('script/keeper/main.ts', ['all'], {
    env: {
      ...process.env,
      ACCREDEX_API_PORT: String(apiPort),
      ACCREDEX_RPC_URL: anvil.rpcUrl,
      ACCREDEX_DATA_DIR: venue.dataDir,
      ACCREDEX_DEPLOYMENTS_DIR: venue.deploymentsDir,
      ACCREDEX_POLL_MS: '50',
      ACCREDEX_MAX_LOG_RANGE: '3',
      ACCREDEX_LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

const exited = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

beforeAll(async () => {
  venue = await startLocalVenue('crash');
  ({ anvil, client, deployment } = venue);
  await approveRouterForLp(client, anvil.rpcUrl, deployment, deployment.pools[0]);
  apiPort = await freePort();
}, 180_000);

afterAll(async () => {
  await venue?.stop();
});

describe('settlement keeper under kill -9', () => {
  it('resumes from its checkpoint with no duplicate and no gap', async () => {
    const pool = deployment.pools[0];
    const lp = createWalletClient({ account: LP_ACCOUNT, chain: foundry, transport: http(anvil.rpcUrl) });
    const securityIs0 = pool.currency0 === pool.security;
    let keeper = startKeeper();
    let kills = 0;
    for (let i = 0; i < 40; i++) {
      const buy = random() < 0.5;
      const { commands, inputs } = encodeSwapExactInSingle({
        poolKey: poolKeyOf(pool), zeroForOne: buy ? !securityIs0 : securityIs0,
        amountIn: buy ? BigInt(Math.floor(1e8 + random() * 1e9)) : BigInt(Math.floor(1e18 + random() * 1e19)), amountOutMinimum: 0n,
      });
      await client.waitForTransactionReceipt({ hash: await lp.writeContract({ address: deployment.universalRouter, abi: universalRouterAbi, functionName: 'execute', args: [commands, inputs, 2n ** 40n] }) });
      if (random() < 0.2) {
        // Die at a random moment of whatever the keeper was doing, then come back.
        await new Promise((r) => setTimeout(r, random() * 150));
        keeper.kill('SIGKILL');
        await exited(keeper);
        // The keeper itself is gone (not only a wrapper around it): nothing answers for it any more.
        expect(() => process.kill(keeper.pid!, 0)).toThrow();
        kills++;
        keeper = startKeeper();
      }
    }
    // Let it catch up (its API says how far it is), then stop it cleanly so the test can open the ledger.
    const head = Number(await client.getBlockNumber());
    const deadline = Date.now() + 60_000;
    for (;;) {
      const health = await fetch(`http://127.0.0.1:${apiPort}/health`).then((r) => r.json() as Promise<{ settlement: { checkpoint: number | null } }>, () => undefined);
      if ((health?.settlement.checkpoint ?? -1) >= head) break;
      if (Date.now() > deadline) throw new Error('the keeper did not catch up');
      await new Promise((r) => setTimeout(r, 100));
    }
    keeper.kill('SIGTERM');
    await exited(keeper);

    const ledger = await openPgliteLedger(join(venue.dataDir, 'ledger'));
    const rows = await ledger.query<{ tx_hash: string; log_index: number }>("select tx_hash, log_index from trades where status <> 'voided' order by block_number, log_index");
    await ledger.close();
    const logs = await client.getLogs({ address: deployment.poolManager, fromBlock: 0n, toBlock: 'latest' });
    const swaps = parseEventLogs({ abi: poolManagerAbi, logs, eventName: 'Swap' });
    expect(rows.map((r) => `${r.tx_hash}:${r.log_index}`)).toEqual(swaps.map((s) => `${s.transactionHash}:${s.logIndex}`));
    expect(rows).toHaveLength(40);
    expect(kills).toBeGreaterThan(3);
  }, 180_000);

});
