// The wallet simulator in a real browser (Debian's Chromium through playwright-core): it fits a 320 px
// phone screen, the countdown runs, it has no axe-core accessibility violations, Pay works, and the page
// follows status changes made elsewhere.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, chromiumLaunchOptions, STILL_CONTEXT } from '@paydesk/testkit/chromium';
import { createPayment, payRequest, startSandbox, type Harness } from './helpers.ts';

// The page functions below run in the browser; the node tsconfig has no DOM lib, so declare what they use.
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  documentElement: { scrollWidth: number };
};
interface AxeResult {
  violations: { id: string; impact: string; nodes: unknown[] }[];
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await startSandbox();
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function phonePage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 320, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    ...STILL_CONTEXT,
  });
  return context.newPage();
}

async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
}

describe.skipIf(!existsSync(CHROMIUM))('the wallet page in Chromium', () => {
  it('fits a 320 px screen, counts down, passes axe, and pays', async () => {
    const { response, paymentId } = await createPayment(h.client());
    const page = await phonePage();
    await page.goto(response.normalUrl!);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    const pay = page.getByRole('button', { name: /^Pay THB 1,500\.00$/ });
    const box = await pay.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(320);
    expect(box!.height).toBeGreaterThanOrEqual(44); // a comfortable touch target

    const first = await page.locator('#countdown').textContent();
    await page.waitForFunction((text) => document.getElementById('countdown')!.textContent !== text, first, {
      timeout: 3000,
    });
    expect(await page.locator('#countdown').textContent()).toMatch(/^1[34]:\d\d$/);

    expect(await axeViolations(page)).toEqual([]);

    await pay.click();
    await page.waitForURL(response.normalUrl!);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Paid');
    expect((await h.client().inquiryPayment({ paymentId })).response.paymentStatus).toBe('SUCCESS');
    await page.context().close();
  });

  it('disables the buttons when the code expires, and follows a payment made elsewhere', async () => {
    const page = await phonePage();
    const soon = await createPayment(
      h.client(),
      payRequest({ paymentExpiryTime: new Date(Date.now() + 1500).toISOString() }),
    );
    await page.goto(soon.response.normalUrl!);
    // At zero the countdown says so and the buttons are disabled; the status poll then reloads the page
    // into its expired state. Either way no enabled button is left.
    await page.waitForFunction(
      () =>
        document.getElementById('countdown')?.textContent === 'Expired' ||
        document.getElementById('state')?.textContent?.includes('expired'),
      undefined,
      { timeout: 4000 },
    );
    expect(await page.locator('[data-live] button:not([disabled])').count()).toBe(0);
    await page.waitForFunction(
      () => document.getElementById('state')?.textContent?.includes('expired'),
      undefined,
      {
        timeout: 5000,
      },
    );
    await page.context().close();

    const second = await phonePage();
    const other = await createPayment(h.client());
    await second.goto(other.response.normalUrl!);
    await h.control('POST', `/sandbox/api/payments/${other.paymentId}/pay`);
    // The page polls its status every 2 s and reloads when it changes.
    await second.waitForFunction(
      () => document.getElementById('state')?.textContent?.includes('Paid'),
      undefined,
      {
        timeout: 5000,
      },
    );
    await second.context().close();
  });

  it('has no axe violations on the code form and the overview', async () => {
    const page = await phonePage();
    await page.goto(`${h.url}/wallet`);
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${h.url}/`);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
