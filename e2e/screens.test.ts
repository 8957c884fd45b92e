// The screenshots in docs/screens/ (D15): the method list, the QR dialog, a bank-transfer code and the
// success page, at 360 and 1280 px, in English, Chinese and Thai, for a branded merchant. Run on purpose
// (PAYDESK_DOC_SCREENS=1 npx vitest run e2e/screens.test.ts); the other specs check these states.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launch } from './helpers/browser.ts';
import { ROOT } from './helpers/build.ts';
import { confirmButton, scan } from './helpers/flows.ts';
import { startStack, type Stack } from './helpers/stack.ts';

const OUT = join(ROOT, 'docs/screens');
const WIDTHS = [
  [360, 740],
  [1280, 800],
] as const;
const LANGS = { en: 'en-US', zh: 'zh-CN', th: 'th-TH' } as const;

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  if (!process.env.PAYDESK_DOC_SCREENS) return;
  mkdirSync(OUT, { recursive: true });
  stack = await startStack({
    successRedirectSeconds: 600,
    config: {
      merchantName: 'Tea House',
      branding: {
        accentColor: '#0b57d0',
        supportEmail: 'help@tea.example',
        termsUrl: 'https://tea.example/terms',
        privacyUrl: 'https://tea.example/privacy',
      },
    },
  });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Both widths of the state on screen, as docs/screens/<lang>-<state>-<width>.png. */
async function shoot(page: Page, lang: string, state: string): Promise<void> {
  for (const [width, height] of WIDTHS) {
    await page.setViewportSize({ width, height });
    await page.evaluate(
      () => new Promise((resolve) => setTimeout(resolve, 300)), // layout and fonts settle
    );
    await page.screenshot({ path: join(OUT, `${lang}-${state}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe.skipIf(!process.env.PAYDESK_DOC_SCREENS || !existsSync(CHROMIUM))('docs/screens', () => {
  for (const [lang, locale] of Object.entries(LANGS)) {
    it(`takes the ${lang} screenshots`, async () => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale,
        timezoneId: { en: 'Asia/Singapore', zh: 'Asia/Shanghai', th: 'Asia/Bangkok' }[lang],
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      const order = await stack.createOrder({ returnUrl: 'https://tea.example/thanks' });
      await page.goto(order.checkoutUrl);
      await page.locator('.pd-confirm').waitFor();
      await page.getByRole('radio').first().check();
      await shoot(page, lang, 'methods');

      await confirmButton(page).or(page.locator('.pd-confirm')).first().click();
      await page.getByRole('dialog').locator('svg.pd-qr').waitFor();
      await shoot(page, lang, 'qr');

      await scan(stack, order.checkoutToken);
      await page.locator('[data-testid="success"]').waitFor();
      await shoot(page, lang, 'success');

      const bank = await stack.createOrder({
        amount: { currency: 'IDR', value: '19500000' },
        region: 'ID',
        description: 'Jasmine tea ×1',
        items: [{ name: 'Jasmine tea', quantity: 1, unitAmount: { currency: 'IDR', value: '19500000' } }],
      });
      await page.goto(bank.checkoutUrl);
      await page.locator('.pd-confirm').waitFor();
      await page.locator('label', { hasText: 'Permata' }).click();
      await page.locator('.pd-confirm').click();
      await page.getByRole('dialog').locator('code').waitFor();
      await shoot(page, lang, 'bank-code');
      await context.close();
    });
  }
});
