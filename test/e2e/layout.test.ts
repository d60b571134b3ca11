/**
 * Every page on a phone (390×844, as each user sees it): nothing is wider than the screen, so no page scrolls sideways.
 * The widest element is named when one overflows, so a failure says what to fix.
 */
import { parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveRouterForLp } from '../../script/venue/fixtures.ts';
import { castAccount } from '../utils/api.ts';
import { swapAs } from '../utils/trade.ts';
import { openAs, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E('layout');
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

const PAGES: [route: string, who: string, ready: string][] = [
  ['portfolio', 'alice', '[data-testid=portfolio]'],
  ['swap', 'alice', 'h1'],
  ['positions', 'lp', 'h1'],
  ['market', 'alice', 'h1'],
  ['compliance', 'officer', 'h1'],
];

describe('layout (in Chromium)', () => {
  it('fits every page in a 390 px wide phone, for the user who works there', async () => {
    // A trade first, so the feeds, the history and the P&L have rows to lay out.
    const { client, anvil, deployment } = e2e.venue;
    const pool = deployment.pools[0];
    await approveRouterForLp(client, anvil.rpcUrl, deployment, pool, castAccount('alice'));
    await swapAs(client, anvil.rpcUrl, deployment, pool, castAccount('alice'), true, parseUnits('250', 6));
    for (const [route, who, ready] of PAGES) {
      const page = await openAs(e2e, route, who);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator(ready).first().waitFor({ timeout: 20_000 });
      // Let the chain and API reads land: the widest content is the loaded content.
      await page.waitForTimeout(1_500);
      const overflow = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const describe = (el: Element) => {
          const panel = el.closest('section[aria-label]')?.getAttribute('aria-label');
          const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          return `${el.tagName.toLowerCase()}${cls}${panel ? ` in "${panel}"` : ''}`;
        };
        // The outermost elements past the right edge, each named with its panel.
        const over = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1);
        const outermost = over.filter((el) => !over.includes(el.parentElement!));
        return { scrollWidth: document.documentElement.scrollWidth, widest: outermost.length ? [...new Set(outermost.map(describe))].slice(0, 6) : null };
      });
      await e2e.screenshot(`phone-${route}`);
      expect({ route, ...overflow }).toEqual({ route, scrollWidth: 390, widest: null });
    }
  });

  it("follows the system's light or dark scheme, and the header toggle's choice, kept across a reload", async () => {
    const page = await openAs(e2e, 'market', 'alice');
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const DARK = 'rgb(13, 17, 23)';
    const LIGHT = 'rgb(255, 255, 255)';
    const toggle = page.getByTestId('theme-toggle');

    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(background).toBe(LIGHT);
    expect(await toggle.getAttribute('aria-label')).toBe('Colour theme: system (light). Switch to light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe(DARK);

    // Chosen: light against a dark system, then dark against a light one, which a reload keeps.
    await toggle.click();
    await expect.poll(background).toBe(LIGHT);
    expect(await toggle.getAttribute('data-theme-choice')).toBe('light');
    await e2e.screenshot('market-light');
    await page.emulateMedia({ colorScheme: 'light' });
    await toggle.click();
    await expect.poll(background).toBe(DARK);
    await page.reload();
    await page.getByTestId('theme-toggle').waitFor();
    await expect.poll(background).toBe(DARK);
    expect(await page.getByTestId('theme-toggle').getAttribute('data-theme-choice')).toBe('dark');
    // Back to the system's, which is light here.
    await page.getByTestId('theme-toggle').click();
    await expect.poll(background).toBe(LIGHT);
    // The text stays readable: dark text on the light page.
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(31, 35, 40)');
  });
});
