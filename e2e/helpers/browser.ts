// Debian's Chromium through playwright-core (docs/style.md §14), with the checks every spec shares: an
// axe-core accessibility pass (no serious or critical violation) and, when PAYDESK_SCREENS names a
// folder, screenshots of the state at desktop (1280×800) and phone (375×740) size.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type BrowserServer,
  type Download,
  type Page,
} from 'playwright-core';
import { expect, inject } from 'vitest';
import { chromiumLaunchOptions, STILL_CONTEXT } from '@paydesk/testkit/chromium';

export { CHROMIUM, OUR_DISABLED_FEATURES, PLAYWRIGHT_DISABLED_FEATURES } from '@paydesk/testkit/chromium';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCREENS = process.env.PAYDESK_SCREENS;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/** The e2e lane's one browser (browser.setup.ts), which the specs connect to. */
export function launchServer(): Promise<BrowserServer> {
  return chromium.launchServer(chromiumLaunchOptions([]));
}

/**
 * Debian's Chromium, headless; `extraArgs` add to the shared flags. Without extra flags a spec connects
 * to the lane's shared browser when there is one (D12.8); its `close()` then closes only what this spec
 * opened. A spec that needs flags of its own (production's trusted certificate) gets its own browser.
 */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  const endpoint = extraArgs.length === 0 ? sharedEndpoint() : '';
  return endpoint ? chromium.connect(endpoint) : chromium.launch(chromiumLaunchOptions(extraArgs));
}

/** A download's bytes; streamed, as `path()` is not offered by a browser the spec connected to. */
export async function downloaded(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sharedEndpoint(): string {
  try {
    return inject('browserEndpoint') ?? '';
  } catch {
    return ''; // outside a vitest worker (a script), or a project without the setup
  }
}

/** A desktop context; `bypassCSP` only lets the test inject axe-core into our CSP-protected pages. */
export function desktop(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: DESKTOP,
    bypassCSP: true,
    locale: 'en-US',
    ...STILL_CONTEXT,
    ...options,
  });
}

/** A phone context: 375×740, touch, an iPhone user agent (so the cashier picks the WAP terminal). */
export function phone(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    userAgent: IPHONE_UA,
    bypassCSP: true,
    locale: 'en-US',
    ...STILL_CONTEXT,
    ...options,
  });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core on the page as it is now and fails on any serious or critical violation. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  // Let entrance animations end first: a dialog fading in has too little contrast to judge. One the page
  // cancels meanwhile (a busy spinner whose request ended) rejects `finished` with an AbortError: it is
  // over all the same (this failed checkout's 429 state now and then).
  await page.evaluate(() => {
    const doc = globalThis as unknown as {
      document: {
        getAnimations(): {
          finished: Promise<unknown>;
          effect: { getComputedTiming(): { iterations: number } };
        }[];
      };
    };
    return Promise.all(
      doc.document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    );
  });
  if (!(await page.evaluate(() => 'axe' in (globalThis as object))))
    await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<unknown> };
      document: unknown;
    };
    const result = (await page.axe.run(page.document, { resultTypes: ['violations'] })) as {
      violations: AxeViolation[];
    };
    return result.violations;
  });
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
  expect(bad, `accessibility of "${state}"`).toEqual([]);
}

/** Saves the page at desktop and phone size under PAYDESK_SCREENS (when set); returns to the old size. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  for (const [suffix, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(
      () =>
        new Promise((resolve) =>
          (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(
            () => setTimeout(resolve, 250),
          ),
        ),
    );
    await page.screenshot({ path: join(SCREENS, `${name}-${suffix}.png`) });
  }
  await page.setViewportSize(size);
}

/** Both checks for one state. */
export async function checkState(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshot(page, name);
}
