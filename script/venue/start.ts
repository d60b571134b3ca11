/**
 * `npm start`: the whole venue on this machine. Starts the durable chain (anvil behind a journaling JSON-RPC front,
 * under the data directory), deploys the canonical Uniswap v4 stack and Accredex if the chain does not have them,
 * seeds the demo market on a new chain, starts the keepers and the dashboard, prints where everything is, and
 * supervises the children until it is told to stop.
 *
 * Every way of stopping stops everything, in order (dashboard, keepers, chain), loses nothing and leaves no process:
 * Ctrl-C or SIGTERM/SIGHUP to this process, a SIGTERM to any child, npm or the terminal going away. A `kill -9`
 * takes the children along (they are bound to this process), and the next start replays the chain's journal.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PreviewServer } from 'vite';
import type { Deployment } from '../../sdk/manifest.ts';
import { ANVIL_OPERATOR_KEY, LOCAL_CHAIN_ID, portInUse } from './anvil.ts';
import { startChain, startKeepers, startWeb, webOriginsOf } from './children.ts';
import { legacyStateProblem, loadVenueConfig } from './config.ts';
import { pidFile, runningVenue } from './pid.ts';
import { createSupervisor } from './supervise.ts';
import { watchParent } from '../lifecycle.ts';
import { rpcClient } from '../chain/rpc.ts';

const step = (message: string) => console.log(`  ${message}`);

async function deployed(rpcUrl: string, dir: string): Promise<Deployment | undefined> {
  // The manifest's parser brings viem: loaded once the children are on their way, not before they start.
  const { loadDeployment } = await import('../../sdk/load.ts');
  let deployment: Deployment;
  try {
    deployment = loadDeployment(LOCAL_CHAIN_ID, dir);
  } catch {
    return undefined;
  }
  const code = await rpcClient(rpcUrl).call<string>('eth_getCode', [deployment.investorRegistry, 'latest']);
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
  const legacy = legacyStateProblem(config);
  if (legacy) {
    console.error(legacy);
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

  const host = config.ACCREDEX_HOST;
  const rpcUrl = `http://${host}:${config.ACCREDEX_RPC_PORT}`;
  const apiUrl = `http://${host}:${config.ACCREDEX_API_PORT}`;
  const webOrigins = webOriginsOf(host, config.ACCREDEX_WEB_PORT);
  const fresh = !existsSync(join(config.ACCREDEX_DATA_DIR, 'chain'));
  console.log(`Accredex: starting the local venue (${fresh ? 'new chain' : 'resuming its chain from the journal'})`);

  let web: PreviewServer | undefined;
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    (code === 0 ? console.log : console.error)(`\n${reason}`);
    console.log('stopping the dashboard, the keepers, then the chain (every acknowledged transaction is in its journal)');
    await web?.close().catch(() => {});
    await supervisor.stopAll(['keepers', 'chain']);
    rmSync(pidFile(config), { force: true });
    console.log('stopped');
    process.exit(code);
  };
  const supervisor = createSupervisor({ log: (line) => console.log(`  ${line}`), onStop: (reason, code) => void stop(reason, code), maxCrashes: config.ACCREDEX_RESTART_LIMIT });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(`${signal}: stopping the venue`, 0));
  // SIGTERM to npm makes npm exit without passing it on: this process notices that its parent is gone and stops.
  watchParent(() => void stop('the process that started the venue (npm or the terminal) is gone: stopping the venue', 0));

  try {
    const dataDir = config.ACCREDEX_DATA_DIR;
    const keepers = {
      name: 'keepers',
      logFile: join(dataDir, 'keepers.log'),
      graceMs: 10_000,
      start: (env: Record<string, string>) => startKeepers({ rpcUrl, dataDir, deploymentsDir: config.ACCREDEX_DEPLOYMENTS_DIR, host, apiPort: config.ACCREDEX_API_PORT, webOrigins, logFile: join(dataDir, 'keepers.log'), env }),
    };
    // The dashboard needs nothing else to start; on a restart (a manifest and a chain) the keepers start alongside the
    // chain too, waiting for it to answer. On a new chain they wait for the deploy, which writes the manifest.
    const webStarted = startWeb({ host, port: config.ACCREDEX_WEB_PORT, rpcUrl, apiUrl, chainId: LOCAL_CHAIN_ID, deploymentsDir: config.ACCREDEX_DEPLOYMENTS_DIR });
    let keepersStarted = !fresh && existsSync(join(config.ACCREDEX_DEPLOYMENTS_DIR, `${LOCAL_CHAIN_ID}.json`)) ? supervisor.add(keepers) : undefined;
    await supervisor.add({
      name: 'chain',
      logFile: join(dataDir, 'chain.log'),
      graceMs: 15_000,
      start: (env) => startChain({ host, port: config.ACCREDEX_RPC_PORT, dataDir, logFile: join(dataDir, 'chain.log'), env }),
    });
    step(`chain: ${rpcUrl} (chain id ${LOCAL_CHAIN_ID}); every transaction journaled in ${join(dataDir, 'chain')} before it is acknowledged`);
    let deployment = await deployed(rpcUrl, config.ACCREDEX_DEPLOYMENTS_DIR);
    if (deployment) {
      step('contracts: found on chain, nothing to deploy');
    } else {
      step('contracts: deploying Uniswap v4 and Accredex, seeding the demo market...');
      // Loaded only for a deploy: it brings viem, which a restart does not need.
      const { deployVenue } = await import('./deploy.ts');
      deployment = await deployVenue({ rpcUrl, privateKey: ANVIL_OPERATOR_KEY, deploymentsDir: config.ACCREDEX_DEPLOYMENTS_DIR });
      step(`contracts: deployed; manifest at ${config.ACCREDEX_DEPLOYMENTS_DIR}/${LOCAL_CHAIN_ID}.json`);
    }
    keepersStarted ??= supervisor.add(keepers);
    const results = await Promise.allSettled([keepersStarted, webStarted]);
    if (results[1].status === 'fulfilled') web = results[1].value;
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    step(`keepers: settlement, quotes and monitor; API at ${apiUrl} (log: ${join(dataDir, 'keepers.log')})`);
    step(`dashboard: http://${host}:${config.ACCREDEX_WEB_PORT} (on the local chain, "Connect wallet" offers the demo accounts)`);
    printSummary(deployment, rpcUrl);
    const seconds = (performance.now() - started) / 1000;
    console.log(`\nready in ${seconds.toFixed(1)} s (${fresh ? 'fresh' : 'restart'}). Ctrl-C stops the venue; nothing acknowledged is lost.`);
  } catch (err) {
    await stop(`Accredex could not start: ${(err as Error).message}`, 1);
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
