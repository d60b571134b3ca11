/**
 * End-to-end harness: a whole venue per test file (anvil, the deployed and seeded contracts, the keepers, the built
 * dashboard under `vite preview`) and Debian's Chromium driven by playwright-core. Screenshots of each main screen
 * are written to test/e2e/artifacts/.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { freePort, LOCAL_CHAIN_ID } from '../../script/venue/anvil.ts';
import { startKeepers, startWeb, stopChild, webOriginsOf } from '../../script/venue/children.ts';
import { startLocalVenue, type LocalVenue } from '../../script/venue/fixtures.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test/e2e/artifacts';

export interface E2E {
  venue: LocalVenue;
  apiUrl: string;
  webUrl: string;
  browser: Browser;
  /** The page of the newest `openAs` (each in its own browser context: its own storage, no wallet remembered). */
  page: Page;
  /** Saves a full-page screenshot of the current page as test/e2e/artifacts/<name>.png. */
  screenshot(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startE2E(name: string): Promise<E2E> {
  if (!existsSync('web/dist/index.html')) throw new Error('web/dist is missing: build the dashboard first (npm run build:web)');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`);
  // The chain the dashboard talks to is the one npm start serves: the durable front over anvil.
  const venue = await startLocalVenue(`e2e-${name}`, { batch: true, durable: true });
  let keepers: ChildProcess | undefined;
  let web: PreviewServer | undefined;
  let browser: Browser | undefined;
  try {
    const host = '127.0.0.1';
    const apiPort = await freePort();
    const webPort = await freePort();
    keepers = await startKeepers({
      webOrigins: webOriginsOf(host, webPort),
      rpcUrl: venue.anvil.rpcUrl,
      dataDir: join(venue.dataDir, 'keepers'),
      deploymentsDir: venue.deploymentsDir,
      host,
      apiPort,
      logFile: join(venue.dataDir, 'keepers.log'),
      // Every page and test signs in from 127.0.0.1, and the cast's wallets sign in again in each test: the sign-in
      // limits would be hit by the suite, not an attacker.
      env: { ACCREDEX_POLL_MS: '200', ACCREDEX_CONFIRMATIONS: '1', ACCREDEX_LOG_LEVEL: 'warn', ACCREDEX_SIGNIN_PER_MINUTE: '1000', ACCREDEX_SIGNIN_PER_WALLET_PER_MINUTE: '1000' },
    });
    const apiUrl = `http://${host}:${apiPort}`;
    web = await startWeb({ host, port: webPort, rpcUrl: venue.anvil.rpcUrl, apiUrl, chainId: LOCAL_CHAIN_ID, deploymentsDir: venue.deploymentsDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    const errors: string[] = [];
    mkdirSync(ARTIFACTS, { recursive: true });
    const b = browser;
    const w = web;
    const k = keepers;
    const e2e: E2E = {
      venue,
      apiUrl,
      webUrl: `http://${host}:${webPort}`,
      browser: b,
      page: undefined as unknown as Page,
      screenshot: async (shot) => void (await e2e.page.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true })),
      async stop() {
        await b.close();
        await w.close();
        await stopChild(k);
        await venue.stop();
        if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
      },
    };
    pageErrors.set(e2e, errors);
    return e2e;
  } catch (err) {
    await browser?.close();
    await web?.close();
    await stopChild(keepers);
    await venue.stop();
    throw err;
  }
}

const pageErrors = new WeakMap<E2E, string[]>();

/**
 * Opens the dashboard at `route` in a fresh browser context (in `locale`, en-US unless told) and connects the seeded
 * demo account `label` (the local chain's dev accounts); unless `signIn` is false, waits until the dashboard has
 * signed it in to the keepers' API (one SIWE signature, made by itself after the connection). Replaces `e2e.page`.
 */
export async function openAs(e2e: E2E, route: string, label: string, { signIn = true, locale = 'en-US' } = {}): Promise<Page> {
  await e2e.page?.context().close();
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.get(e2e)?.push(err.message));
  e2e.page = page;
  await page.goto(`${e2e.webUrl}/#/${route}`);
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  // "alice", not "alice (cold)": the label, then its role text (which never starts with a parenthesis).
  await page.getByRole('menuitem', { name: new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s+(?!\\()`) }).click();
  await page.getByTestId('connected-address').waitFor();
  // The dashboard signs a wallet in by itself right after it connects (a demo account signs at once).
  if (signIn) await page.getByTestId('session-address').waitFor({ timeout: 20_000 });
  return page;
}
