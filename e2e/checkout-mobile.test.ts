// Phones, bank transfers and languages (S1, S3, D5.5, D5.8, D5.9): a 375×740 touch screen in a phone
// browser pays as WAP, with the app link and a QR it can save; a WebView pays as APP; an IDR order paid
// by Permata virtual account shows the code to type with a copy button; the cashier speaks Chinese,
// Thai and Indonesian, with method names localised by the server.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { checkState, CHROMIUM, desktop, launch, phone } from './helpers/browser.ts';
import { confirmButton, confirmInOverlay, liveCode, payments, scan } from './helpers/flows.ts';
import { startStack, waitFor, type Stack } from './helpers/stack.ts';

declare const document: { documentElement: { scrollWidth: number; lang: string } };
declare const navigator: { clipboard: { readText(): Promise<string> } };

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ successRedirectSeconds: 2 });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const ANDROID_WEBVIEW =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.0.0 Mobile Safari/537.36';

const idrOrder = () =>
  stack.createOrder({
    amount: { currency: 'IDR', value: '19500000' },
    region: 'ID',
    description: 'Teh melati ×1',
    items: [{ name: 'Teh melati', quantity: 1, unitAmount: { currency: 'IDR', value: '19500000' } }],
  });

async function fits(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe.skipIf(!existsSync(CHROMIUM))(
  'the cashier on phones, for bank transfers, in other languages',
  () => {
    it('pays as WAP on a phone, fits the screen, links the app and saves the QR (S1, S13)', async () => {
      const order = await stack.createOrder();
      const context = await phone(browser);
      const page = await context.newPage();
      await page.goto(order.checkoutUrl);
      await confirmButton(page).waitFor();
      await fits(page, 375);
      await checkState(page, '16-phone-methods');

      const id = await confirmInOverlay(page, /PromptPay/);
      const box = (await page.getByRole('dialog').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
      expect(box.y + box.height).toBeLessThanOrEqual(740);
      expect((await payments(stack, order.id))[0]).toMatchObject({ id, terminalType: 'WAP' });

      const live = await liveCode(stack, order.checkoutToken);
      expect(live.deepLink).toBeTruthy();
      expect(await page.getByRole('link', { name: 'Open PromptPay' }).getAttribute('href')).toBe(
        live.deepLink,
      );
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Save QR image' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`promptpay-${id}.png`);
      await checkState(page, '17-phone-qr');

      // The smallest phones: 320 px wide, still nothing cut off.
      await page.setViewportSize({ width: 320, height: 568 });
      await fits(page, 320);
      const small = (await page.getByRole('dialog').boundingBox())!;
      expect(small.x + small.width).toBeLessThanOrEqual(320);
      expect(small.y).toBeGreaterThanOrEqual(0);
      await page.setViewportSize({ width: 375, height: 740 });

      await scan(stack, order.checkoutToken);
      await page.getByTestId('success').waitFor();
      await checkState(page, '18-phone-success');
      await context.close();
    });

    it('pays as APP inside a WebView, and follows ?terminal= when given (S1)', async () => {
      const inApp = await stack.createOrder();
      const context = await phone(browser, { userAgent: ANDROID_WEBVIEW });
      const page = await context.newPage();
      await page.goto(inApp.checkoutUrl);
      await confirmInOverlay(page, /PromptPay/);
      expect((await payments(stack, inApp.id))[0]?.terminalType).toBe('APP');
      await context.close();

      const forced = await stack.createOrder();
      const web = await desktop(browser);
      const other = await web.newPage();
      await other.goto(`${forced.checkoutUrl}?terminal=wap`);
      await confirmInOverlay(other, /PromptPay/);
      expect((await payments(stack, forced.id))[0]?.terminalType).toBe('WAP');
      await web.close();
    });

    it('shows a Permata virtual account number to type, with copy, bank, amount and deadline (S3)', async () => {
      const order = await idrOrder();
      const context = await desktop(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
      const page = await context.newPage();
      await page.goto(order.checkoutUrl);
      expect((await page.getByTestId('order-amount').textContent())?.replace(/\s/g, ' ')).toBe('Rp 195,000');
      await confirmInOverlay(page, /Permata Bank virtual account/);
      const dialog = page.getByRole('dialog');
      const live = await liveCode(stack, order.checkoutToken);
      expect(live.code.kind).toBe('text');
      const code = dialog.locator('code');
      expect(await code.getAttribute('data-code')).toBe(live.code.value);
      expect(await code.textContent()).toBe(live.code.value.replace(/(\d{4})(?=\d)/g, '$1 '));
      expect(await dialog.getByRole('heading').first().textContent()).toBe(
        'Transfer to this virtual account',
      );
      expect(await dialog.textContent()).toContain('Permata Bank');
      expect((await dialog.textContent())?.replace(/\s/g, ' ')).toContain('Rp 195,000');
      expect(await dialog.textContent()).toContain('Pay before');
      expect(await dialog.locator('ol li').count()).toBe(3);
      expect(await dialog.locator('svg.pd-qr').count()).toBe(0);

      await dialog.getByRole('button', { name: 'Copy' }).click();
      await dialog.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(live.code.value);
      await checkState(page, '19-bank-transfer');

      await scan(stack, order.checkoutToken);
      await page.getByTestId('success').waitFor();
      await context.close();
    });

    it('speaks the browser language, Chinese here, and switches to Thai and Indonesian (D5.9)', async () => {
      const order = await stack.createOrder();
      const context = await desktop(browser, { locale: 'zh-CN' });
      const page = await context.newPage();
      await page.goto(order.checkoutUrl);
      await page.getByRole('button', { name: '确认支付' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh');
      await page.getByRole('radio', { name: /TrueMoney 钱包/ }).waitFor();
      expect(await page.getByRole('group', { name: '选择支付方式' }).count()).toBe(1);
      await checkState(page, '20-chinese');

      await page.getByRole('combobox', { name: '语言' }).selectOption('th');
      await page.getByRole('button', { name: 'ยืนยันการชำระเงิน' }).waitFor();
      await page.getByRole('radio', { name: /พร้อมเพย์/ }).waitFor();
      expect(page.url()).toContain('lang=th');
      await page.getByRole('combobox', { name: 'ภาษา' }).selectOption('id');
      await page.getByRole('button', { name: 'Konfirmasi pembayaran' }).waitFor();

      // The QR overlay in Chinese.
      await page.getByRole('combobox', { name: 'Bahasa' }).selectOption('zh');
      await page.getByRole('radio', { name: /PromptPay/ }).check();
      await page.getByRole('button', { name: '确认支付' }).click();
      await page.getByRole('dialog').getByRole('heading', { name: '使用 PromptPay 支付' }).waitFor();
      await checkState(page, '21-chinese-qr');
      await waitFor(async () => (await payments(stack, order.id)).length === 1, 'one payment');
      await context.close();
    });
  },
);
