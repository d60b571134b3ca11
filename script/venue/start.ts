/**
 * `npm start`: the whole venue on this machine. Starts anvil on loopback with its state persisted under the data
 * directory, deploys the canonical Uniswap v4 stack and Accredex if the chain does not have them, seeds the demo
 * market on a new chain, prints where everything is, and on Ctrl-C stops every child cleanly (anvil dumps its
 * state on the way out, so the next start resumes where this one stopped).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, http } from 'viem';
import { loadDeployment } from '../../sdk/load.ts';
import { type Deployment } from '../../sdk/manifest.ts';
import { ANVIL_OPERATOR_KEY, LOCAL_CHAIN_ID, portInUse, startAnvil, type Anvil } from './anvil.ts';
import { loadVenueConfig, type VenueConfig } from './config.ts';
import { startKeepers, startWeb, stopChild } from './children.ts';
import type { PreviewServer } from 'vite';
import { deployVenue } from './deploy.ts';
import { pidFile, runningVenue } from './pid.ts';

const step = (message: string) => console.log(`  ${message}`);

async function deployed(rpcUrl: string, dir: string): Promise<Deployment | undefined> {
  let deployment: Deployment;
  try {
    deployment = loadDeployment(LOCAL_CHAIN_ID, dir);
  } catch {
    return undefined;
  }
  const code = await createPublicClient({ transport: http(rpcUrl) }).getCode({ address: deployment.investorRegistry });
  return code && code !== '0x' ? deployment : undefined;
}

async function main() {
  const started = performance.now();
  const config = loadVenueConfig();
  const other = runningVenue(config);
  if (other !== undefined) {
    console.error(`Accredex is already running from ${config.ACCREDEX_DATA_DIR} (pid ${other}).`);
    console.error(`Use that one, stop it with Ctrl-C in its terminal (or kill ${other}), or start another with ACCREDEX_DATA_DIR and ACCREDEX_RPC_PORT set.`);
    process.exit(1);
  }
  for (const [name, port] of [['ACCREDEX_RPC_PORT', config.ACCREDEX_RPC_PORT], ['ACCREDEX_API_PORT', config.ACCREDEX_API_PORT], ['ACCREDEX_WEB_PORT', config.ACCREDEX_WEB_PORT]] as const) {
    if (await portInUse(config.ACCREDEX_HOST, port)) {
      console.error(`Port ${port} on ${config.ACCREDEX_HOST} is taken by another program; set ${name} to a free port.`);
      process.exit(1);
    }
  }
  mkdirSync(config.ACCREDEX_DATA_DIR, { recursive: true });
  writeFileSync(pidFile(config), String(process.pid));

  const stateFile = join(config.ACCREDEX_DATA_DIR, 'anvil', 'state.json');
  const fresh = !existsSync(stateFile);
  console.log(`Accredex: starting the local venue (${fresh ? 'new chain' : 'resuming saved chain'})`);
  let anvil: Anvil | undefined;
  let keepers: ChildProcess | undefined;
  let web: PreviewServer | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the keepers, then the chain (saved to ${stateFile})`);
    await web?.close();
    await stopChild(keepers);
    await anvil?.stop();
    rmSync(pidFile(config), { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    anvil = await startAnvil({
      host: config.ACCREDEX_HOST,
      port: config.ACCREDEX_RPC_PORT,
      stateFile,
      stateInterval: config.ACCREDEX_STATE_INTERVAL,
      logFile: join(config.ACCREDEX_DATA_DIR, 'anvil.log'),
    });
    step(`chain: anvil at ${anvil.rpcUrl} (chain id ${LOCAL_CHAIN_ID})`);
    let deployment = await deployed(anvil.rpcUrl, config.ACCREDEX_DEPLOYMENTS_DIR);
    if (deployment) {
      step('contracts: found on chain, nothing to deploy');
    } else {
      step('contracts: deploying Uniswap v4 and Accredex, seeding the demo market...');
      deployment = await deployVenue({
        rpcUrl: anvil.rpcUrl,
        privateKey: ANVIL_OPERATOR_KEY,
        deploymentsDir: config.ACCREDEX_DEPLOYMENTS_DIR,
      });
      step(`contracts: deployed; manifest at ${config.ACCREDEX_DEPLOYMENTS_DIR}/${LOCAL_CHAIN_ID}.json`);
    }
    // The keepers and the dashboard don't depend on each other: both start at once.
    const host = config.ACCREDEX_HOST;
    const [keepersStarted, webStarted] = await Promise.allSettled([
      startKeepers({
        rpcUrl: anvil.rpcUrl,
        dataDir: config.ACCREDEX_DATA_DIR,
        deploymentsDir: config.ACCREDEX_DEPLOYMENTS_DIR,
        host,
        apiPort: config.ACCREDEX_API_PORT,
        logFile: join(config.ACCREDEX_DATA_DIR, 'keepers.log'),
      }),
      startWeb({
        host,
        port: config.ACCREDEX_WEB_PORT,
        rpcUrl: anvil.rpcUrl,
        apiUrl: `http://${host}:${config.ACCREDEX_API_PORT}`,
        chainId: LOCAL_CHAIN_ID,
        deploymentsDir: config.ACCREDEX_DEPLOYMENTS_DIR,
      }),
    ]);
    if (keepersStarted.status === 'fulfilled') keepers = keepersStarted.value;
    if (webStarted.status === 'fulfilled') web = webStarted.value;
    for (const started of [keepersStarted, webStarted]) if (started.status === 'rejected') throw started.reason;
    step(`keepers: settlement, quotes and monitor; API at http://${host}:${config.ACCREDEX_API_PORT} (log: ${join(config.ACCREDEX_DATA_DIR, 'keepers.log')})`);
    step(`dashboard: http://${host}:${config.ACCREDEX_WEB_PORT} (on the local chain, "Connect wallet" offers the demo accounts)`);
    printSummary(deployment, anvil.rpcUrl);
    const seconds = (performance.now() - started) / 1000;
    console.log(`\nready in ${seconds.toFixed(1)} s (${fresh ? 'fresh' : 'restart'}). Ctrl-C stops the venue and keeps its state.`);
  } catch (err) {
    console.error(`\nAccredex could not start: ${(err as Error).message}`);
    await web?.close();
    await stopChild(keepers);
    await anvil?.stop();
    rmSync(pidFile(config), { force: true });
    process.exit(1);
  }
}

function printSummary(d: Deployment, rpcUrl: string) {
  console.log('\n  Accredex');
  const rows: [string, string][] = [
    ['RPC', rpcUrl],
    ['investor registry', d.investorRegistry],
    ['gate hook', d.gateHook],
    ['stablecoin', d.stablecoin],
    ['PoolManager', d.poolManager],
    ['PositionManager', d.positionManager],
    ['UniversalRouter', d.universalRouter],
    ['V4Quoter', d.v4Quoter],
    ['StateView', d.stateView],
  ];
  for (const [name, value] of rows) console.log(`    ${name.padEnd(18)} ${value}`);
  console.log('\n  Pools');
  for (const p of d.pools) console.log(`    ${p.name.padEnd(18)} ${p.poolId}`);
  if (d.accounts) {
    console.log('\n  Dev accounts (anvil mnemonic "test test ... junk", index)');
    for (const a of d.accounts) console.log(`    ${String(a.index).padStart(2)} ${a.label.padEnd(9)} ${a.address}  ${a.role}`);
  }
}

await main();
