// The lane's browser as e2e/helpers/browser.ts launches it (D12.8): Playwright's own disabled features
// still apply (Chromium keeps only the last `--disable-features`, and ours comes last), and a context costs
// only its pages — no omnibox-popup WebUI renderer for each new context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { CHROMIUM, desktop, launch, launchServer, OUR_DISABLED_FEATURES } from './helpers/browser.ts';

let browser: Browser;

describe.skipIf(!existsSync(CHROMIUM))('the lane’s browser', () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('keeps every feature Playwright disables, and disables ours', async () => {
    // A browser launched as the lane's is, whose command line is read from /proc.
    const server = await launchServer();
    const args = readFileSync(`/proc/${server.process().pid}/cmdline`, 'utf8').split('\0');
    await server.close();
    const lists = args
      .filter((arg) => arg.startsWith('--disable-features='))
      .map((arg) => arg.slice('--disable-features='.length).split(','));
    // Playwright's comes first; ours, last, is the one Chromium keeps.
    expect(lists.length).toBeGreaterThanOrEqual(2);
    const kept = lists.at(-1)!;
    const missing = lists[0]!.filter((feature) => !kept.includes(feature));
    expect(missing, 'add these to PLAYWRIGHT_DISABLED_FEATURES in e2e/helpers/browser.ts').toEqual([]);
    for (const feature of OUR_DISABLED_FEATURES) expect(kept).toContain(feature);
  });

  it('opens a context with no browser-UI page beside the buyer’s', async () => {
    const context = await desktop(browser);
    const page = await context.newPage();
    await page.goto('data:text/html,<title>buyer</title><p>page');
    const session = await browser.newBrowserCDPSession();
    const { targetInfos } = (await session.send('Target.getTargets', { filter: [{}] })) as {
      targetInfos: { type: string; url: string }[];
    };
    expect(targetInfos.filter((t) => t.type === 'browser_ui').map((t) => t.url)).toEqual([]);
    await session.detach();
    await context.close();
  });
});
