// The buyer's trust (D15) and the final truth (D11, cashier side) in Chromium: every buyer page
// at 320, 360 and 768 px without sideways scrolling and without a tap target under 44 px; the merchant's
// brand; "Return to {merchant}" on every final screen; long-lived codes saved, printed and put in a
// calendar with the deadline in the buyer's zone; the language that follows the browser; logos that fall
// back; Antom's image when it sends no text; and the wallet opened from a phone.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  checkState,
  CHROMIUM,
  desktop,
  downloaded,
  expectAccessible,
  launch,
  phone,
} from './helpers/browser.ts';
import { confirmButton, confirmInOverlay, liveCode, scan } from './helpers/flows.ts';
import { startStack, waitFor, type Stack } from './helpers/stack.ts';

declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number };
  title: string;
  querySelectorAll(selector: string): ArrayLike<unknown>;
};
declare const window: { innerWidth: number; print(): void; __printed?: number };
declare function getComputedStyle(element: unknown): {
  backgroundColor: string;
  visibility: string;
  display: string;
};

let stack: Stack;
let browser: Browser;
const RETURN = 'https://shop.example/thanks';

beforeAll(async () => {
  stack = await startStack({
    successRedirectSeconds: 30,
    config: {
      merchantName: 'Tea House',
      branding: {
        logoUrl: '/favicon.svg',
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

const idrOrder = (overrides: Record<string, unknown> = {}) =>
  stack.createOrder({
    amount: { currency: 'IDR', value: '19500000' },
    region: 'ID',
    description: 'Teh melati ×1',
    items: [{ name: 'Teh melati', quantity: 1, unitAmount: { currency: 'IDR', value: '19500000' } }],
    ...overrides,
  });

/** Fails on sideways scrolling, and on any visible tap target smaller than 44 × 44 px. */
async function fitsAndTappable(page: Page, what: string): Promise<void> {
  const layout = await page.evaluate(() => {
    const root = document.documentElement;
    const targets = Array.from(
      document.querySelectorAll(
        'a[href], button, select, summary, input:not([type=radio]):not([type=checkbox]), label:has(input[type=radio])',
      ),
    ) as {
      getBoundingClientRect(): { width: number; height: number };
      textContent: string | null;
      tagName: string;
      closest(selector: string): unknown;
    }[];
    const small = targets
      .filter((el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        // Hidden targets (screen-reader text, the page behind a modal dialog) are not tapped.
        return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && !el.closest('[inert]');
      })
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 44 || box.height < 44)
      .map(
        ({ el, box }) =>
          `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
      );
    return { scroll: root.scrollWidth, width: root.clientWidth, small };
  });
  expect(layout.scroll, `${what}: no sideways scrolling`).toBeLessThanOrEqual(layout.width);
  expect(layout.small, `${what}: tap targets under 44 px`).toEqual([]);
}

/** Runs `check` at 320, 360 and 768 px wide. */
async function atWidths(page: Page, what: string, check?: () => Promise<void>): Promise<void> {
  for (const width of [320, 360, 768]) {
    await page.setViewportSize({ width, height: 720 });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    await fitsAndTappable(page, `${what} at ${width} px`);
    await check?.();
  }
}

describe.skipIf(!existsSync(CHROMIUM))('the buyer pages on small screens and large', () => {
  it('fit 320, 360 and 768 px with 44 px tap targets: methods, QR dialog, code, success, receipt', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    const order = await stack.createOrder({ returnUrl: RETURN });
    await page.goto(order.checkoutUrl);
    await confirmButton(page).waitFor();
    await atWidths(page, 'the method list');
    await expectAccessible(page, 'methods (phone)');

    await confirmInOverlay(page, /PromptPay/);
    await atWidths(page, 'the QR dialog');
    await expectAccessible(page, 'QR dialog (phone)');
    await scan(stack, order.checkoutToken);
    await page.getByTestId('success').waitFor();
    await atWidths(page, 'the success screen');

    const bank = await idrOrder({ returnUrl: RETURN });
    await page.goto(bank.checkoutUrl);
    await confirmInOverlay(page, /Permata/);
    await atWidths(page, 'the bank-transfer code');
    await expectAccessible(page, 'bank-transfer code (phone)');
    await scan(stack, bank.checkoutToken);
    await page.getByTestId('success').waitFor();
    await page.goto(`${bank.checkoutUrl}/result`);
    await page.getByTestId('receipt').waitFor();
    await atWidths(page, 'the receipt');
    await context.close();
  });

  it('fit the invalid-link page, with the message at the card width', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${stack.url}/checkout/${'x'.repeat(43)}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await atWidths(page, 'the invalid link', async () => {
      const card = (await page.locator('.pd-solo').boundingBox())!;
      const text = (await alert.boundingBox())!;
      // The message uses the card's width, not a narrow column of it.
      expect(text.width).toBeGreaterThan(card.width * 0.8);
    });
    await expectAccessible(page, 'invalid link');
    await context.close();
  });
});

describe.skipIf(!existsSync(CHROMIUM))("the merchant's brand and the final screens", () => {
  it("shows the merchant's logo, accent colour, links, 'Secured by Antom' and the tab title", async () => {
    const context = await desktop(browser);
    const page = await context.newPage();
    const order = await stack.createOrder();
    await page.goto(order.checkoutUrl);
    await confirmButton(page).waitFor();
    expect(await page.evaluate(() => document.title)).toBe('Pay ฿1,180.00 · Tea House');
    expect(await page.locator('.pd-merchant-logo').getAttribute('src')).toBe('/favicon.svg');
    expect(await page.getByText('Secured by Antom').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Support' }).getAttribute('href')).toBe(
      'mailto:help@tea.example',
    );
    expect(await page.getByRole('link', { name: 'Terms' }).getAttribute('href')).toBe(
      'https://tea.example/terms',
    );
    expect(await page.getByRole('link', { name: 'Privacy' }).getAttribute('href')).toBe(
      'https://tea.example/privacy',
    );
    await page.getByRole('radio', { name: /PromptPay/ }).check();
    expect(await confirmButton(page).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(11, 87, 208)',
    );
    await checkState(page, 'brand-methods');
    await context.close();
  });

  it('offers "Return to Tea House" on every final screen, and "Start again" on an expired order (D11)', async () => {
    const context = await desktop(browser);
    const page = await context.newPage();
    const returnLink = () => page.getByTestId('return-link');

    // Failure.
    const failed = await stack.createOrder({ returnUrl: RETURN });
    await page.goto(failed.checkoutUrl);
    const paymentId = await confirmInOverlay(page, /PromptPay/);
    const found = await stack.control('GET', `/sandbox/api/payments?paymentRequestId=${paymentId}`);
    await stack.control('POST', `/sandbox/api/payments/${found.body.payments[0].paymentId}/fail`, {
      resultCode: 'RISK_REJECT',
    });
    await page.getByTestId('failed').waitFor();
    // Words, never the code (D11.4).
    expect(await page.getByTestId('reason').textContent()).toBe(
      'The payment was declined by the security checks of your wallet or bank.',
    );
    expect(await page.getByTestId('failed').textContent()).not.toContain('RISK_REJECT');
    expect(await returnLink().textContent()).toBe('Return to Tea House');
    expect(await returnLink().getAttribute('href')).toBe(RETURN);
    await expectAccessible(page, 'failed with return');

    // Success, then the receipt page: the method by its name, and the way back.
    await page.getByRole('button', { name: 'Pay again' }).click();
    await confirmInOverlay(page, /TrueMoney/);
    await scan(stack, failed.checkoutToken);
    await page.getByTestId('success').waitFor();
    expect(await page.getByRole('button', { name: 'Return to Tea House' }).count()).toBe(1);
    await page.goto(`${failed.checkoutUrl}/result`);
    await page.getByTestId('receipt').waitFor();
    expect(await page.getByTestId('receipt').textContent()).toContain('TrueMoney Wallet');
    expect(await page.getByTestId('receipt').textContent()).not.toContain('TRUEMONEY');
    expect(await returnLink().getAttribute('href')).toBe(RETURN);

    // Already paid, seen from a fresh page.
    await page.goto(failed.checkoutUrl);
    await page.getByTestId('paid').waitFor();
    expect(await returnLink().textContent()).toBe('Return to Tea House');

    // Closed by the merchant.
    const closed = await stack.createOrder({ returnUrl: RETURN });
    await stack.merchant('POST', `/api/v1/orders/${closed.id}/close`);
    await page.goto(closed.checkoutUrl);
    await page.getByTestId('closed').waitFor();
    expect(await returnLink().textContent()).toBe('Return to Tea House');

    // Expired: start again at the shop.
    const expired = await stack.createOrder({ returnUrl: RETURN, expiresInSeconds: 60 });
    stack.skew(61_000);
    try {
      await waitFor(
        async () => (await stack.merchant('GET', `/api/v1/orders/${expired.id}`)).body.status === 'EXPIRED',
        'EXPIRED',
      );
      await page.goto(expired.checkoutUrl);
      await page.getByTestId('expired').waitFor();
      expect(await returnLink().textContent()).toBe('Start again at Tea House');
      expect(await returnLink().getAttribute('href')).toBe(RETURN);
      await expectAccessible(page, 'expired with return');
    } finally {
      stack.skew(-61_000);
    }
    await context.close();
  });
});

describe.skipIf(!existsSync(CHROMIUM))('long-lived codes, languages, logos and links', () => {
  it('saves a bank-transfer code as an image, prints it and puts a reminder in the calendar, in the buyer zone', async () => {
    const context = await desktop(browser, { timezoneId: 'Asia/Jakarta', acceptDownloads: true });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { print(): void; __printed?: number };
      w.print = () => {
        w.__printed = (w.__printed ?? 0) + 1;
      };
    });
    const order = await idrOrder();
    await page.goto(order.checkoutUrl);
    const id = await confirmInOverlay(page, /Permata/);
    const live = await liveCode(stack, order.checkoutToken);
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('deadline').textContent()).toMatch(/Western Indonesia Time$/);
    expect(await dialog.textContent()).toContain('Times are in your time zone: Asia/Jakarta.');

    const [image] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Save as image' }).click(),
    ]);
    expect(image.suggestedFilename()).toBe(`banktransfer_permata-${id}.png`);
    expect((await downloaded(image)).subarray(1, 4).toString()).toBe('PNG');

    const [reminder] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Add a reminder' }).click(),
    ]);
    expect(reminder.suggestedFilename()).toBe(`banktransfer_permata-${id}.ics`);
    const ics = (await downloaded(reminder))
      .toString('utf8')
      .replace(/\r\n /g, '')
      .replace(/\u00a0/g, ' ');
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).toContain('SUMMARY:Pay Rp 195\\,000 to Tea House');
    expect(ics).toContain(live.code.value);
    const view = (await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`)).body;
    const end = new Date(view.payment.expiresAt)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    expect(ics).toContain(`DTEND:${end}`);

    await dialog.getByRole('button', { name: 'Print' }).click();
    expect(await page.evaluate(() => window.__printed)).toBe(1);
    await checkState(page, 'bank-transfer-tools');
    await context.close();
  });

  it('speaks the browser language among ten: Japanese, Korean, Traditional Chinese, Malay, Vietnamese, Filipino', async () => {
    const expected: Record<string, string> = {
      'ja-JP': '支払いを確定する',
      'ko-KR': '결제 확인',
      'zh-TW': '確認付款',
      'ms-MY': 'Sahkan pembayaran',
      'vi-VN': 'Xác nhận thanh toán',
      'fil-PH': 'Kumpirmahin ang bayad',
    };
    const order = await stack.createOrder();
    for (const [locale, confirm] of Object.entries(expected)) {
      const context = await desktop(browser, { locale });
      const page = await context.newPage();
      await page.goto(order.checkoutUrl);
      await page.getByRole('button', { name: confirm }).waitFor();
      if (locale === 'ja-JP') await expectAccessible(page, 'Japanese');
      await context.close();
    }
  });

  it("shows Antom's logo from consult, falls back to the bundled one, then to a monogram", async () => {
    const context = await desktop(browser);
    const page = await context.newPage();
    // PromptPay: neither Antom's logo nor the bundled one loads. TrueMoney: Antom's does not.
    await page.route('**/sandbox/logos/PROMPTPAY.svg', (route) => route.abort());
    await page.route('**/assets/methods/promptpay.svg', (route) => route.abort());
    await page.route('**/sandbox/logos/TRUEMONEY.svg', (route) => route.abort());
    const order = await stack.createOrder();
    await page.goto(order.checkoutUrl);
    const tile = page.locator('label', { hasText: 'PromptPay' }).locator('.pd-monogram');
    await tile.waitFor();
    expect(await tile.textContent()).toBe('PR');
    const logo = (name: string) => page.locator('label', { hasText: name }).locator('img.pd-logo');
    await waitFor(
      async () => /truemoney\.svg$/.test((await logo('TrueMoney').getAttribute('src')) ?? ''),
      'bundled',
    );
    // Every other method shows the logo consult gave, served by the gateway (the sandbox here).
    const sources = await Promise.all(
      (await page.locator('img.pd-logo').all()).map((image) => image.getAttribute('src')),
    );
    const others = sources.filter((src): src is string => src !== null && !/truemoney/i.test(src));
    expect(others.length).toBeGreaterThan(0);
    for (const src of others) expect(src).toMatch(/\/sandbox\/logos\/[A-Z_]+\.svg$/);
    await context.close();
  });

  it("shows Antom's own image when only an image comes, and our QR drawn from a text value otherwise", async () => {
    const context = await desktop(browser);
    const page = await context.newPage();
    const picture = `${stack.url}/assets/methods/qris.svg`;
    // The view the server would send for an image-only code (D13.7).
    await page.route('**/api/v1/checkout/*', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      if (body.payment?.code) body.payment.code = { kind: 'image', value: picture };
      await route.fulfill({ response, json: body });
    });
    await page.route('**/payments', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      if (body.code) body.code = { kind: 'image', value: picture };
      await route.fulfill({ response, json: body });
    });
    const order = await stack.createOrder();
    await page.goto(order.checkoutUrl);
    await confirmInOverlay(page, /PromptPay/);
    const image = page.getByRole('dialog').getByRole('img', { name: 'QR code for PromptPay' });
    await image.waitFor();
    expect(await image.getAttribute('src')).toBe(picture);
    expect(await page.getByRole('dialog').locator('svg.pd-qr').count()).toBe(0);
    await context.close();
  });

  it('opens the wallet on the same phone from the link Antom gave (D13.9)', async () => {
    const context = await phone(browser);
    const page = await context.newPage();
    const order = await stack.createOrder();
    await page.goto(order.checkoutUrl);
    await confirmInOverlay(page, /PromptPay/);
    const live = await liveCode(stack, order.checkoutToken);
    const open = page.getByTestId('open-wallet');
    expect(await open.textContent()).toBe('Open PromptPay');
    expect(await open.getAttribute('href')).toBe(live.deepLink);
    await context.close();
  });
});

describe.skipIf(!existsSync(CHROMIUM))('the final truth without reloading (D11.3)', () => {
  it('warns before "cancelling" a code Antom cannot cancel, and keeps watching it', async () => {
    const context = await desktop(browser, { timezoneId: 'Asia/Jakarta' });
    const page = await context.newPage();
    const order = await idrOrder({ returnUrl: RETURN });
    await page.goto(order.checkoutUrl);
    await confirmInOverlay(page, /QRIS/);
    const first = await liveCode(stack, order.checkoutToken);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    const warning = page.getByTestId('cancel-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('this QRIS code stays payable until');
    expect(await warning.textContent()).toContain('Western Indonesia Time');
    expect(await warning.textContent()).toContain('refunded to you in full');
    await expectAccessible(page, 'cancel warning');
    // Keeping the code closes the warning and leaves the code on screen.
    await warning.getByRole('button', { name: 'Keep this code' }).click();
    expect(await warning.count()).toBe(0);
    expect(await page.getByRole('dialog').locator('svg.pd-qr').count()).toBe(1);

    // Escape asks the same question; choosing another method then returns to the list.
    await page.keyboard.press('Escape');
    await warning.waitFor();
    await warning.getByRole('button', { name: 'Choose another method' }).click();
    await confirmButton(page).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);

    // The old code is paid anyway: the page, still listening, says so without a reload.
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: first.code.value });
    await page.getByTestId('success').waitFor({ timeout: 20_000 });
    await context.close();
  });

  it('shows a surplus payment being refunded, and then refunded, as it happens', async () => {
    const context = await desktop(browser);
    const page = await context.newPage();
    const order = await idrOrder({ returnUrl: RETURN });
    const token = order.checkoutToken;
    await page.goto(order.checkoutUrl);
    await confirmInOverlay(page, /QRIS/);
    const first = await liveCode(stack, token);
    // Another tab moved on to a second QRIS code while the first stays payable (QRIS cannot be cancelled).
    await stack.call('POST', `/api/v1/checkout/${token}/payments/${first.id}/cancel`);
    const second = await stack.call('POST', `/api/v1/checkout/${token}/payments`, {
      paymentMethodType: 'QRIS',
      terminalType: 'WEB',
    });
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: second.body.code.value });
    await waitFor(
      async () => (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.status === 'PAID',
      'PAID',
    );
    // The first code is paid too: a surplus, given back; this page follows it live.
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: first.code.value });
    await page.getByTestId('refunded').waitFor({ timeout: 20_000 });
    const detail = page.getByTestId('refund-detail');
    await waitFor(
      async () => /has been refunded to you/.test((await detail.textContent()) ?? ''),
      'the refund done, shown live',
      20_000,
    );
    expect(await detail.textContent()).toContain('Rp');
    expect(await detail.textContent()).toContain('QRIS');
    expect(await page.getByTestId('return-link').getAttribute('href')).toBe(RETURN);
    await expectAccessible(page, 'surplus refunded');
    await context.close();
  });
});
