// The cashier in a real browser against the real server and sandbox (D5.11), overlay
// presentation: shop → order → methods → QR overlay → paid → success → redirect (S4–S8, S11–S13, S15–S18),
// decline and Pay again (S16), cancel and a new code (S20), timeout and Refresh (S19), the double click
// (S11), orders that can no longer be paid (S9), the refunded duplicate (S10), the server clock (S6), and
// the reconnecting state. Every outcome is driven through the sandbox control API, never by sleeping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { drawQr } from '../apps/cashier/src/lib/qr.ts';
import { checkState, CHROMIUM, desktop, launch } from './helpers/browser.ts';
import * as flows from './helpers/flows.ts';
import { startStack, waitFor, type Stack } from './helpers/stack.ts';
import { existsSync } from 'node:fs';

// Page functions run in the browser; the node tsconfig has no DOM lib.
declare const document: { querySelector(s: string): { click(): void } | null; activeElement: unknown };
declare function getComputedStyle(element: unknown): { filter: string; pointerEvents: string };

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
const redirectSeconds = process.env.PAYDESK_SCREENS ? 8 : 3;

beforeAll(async () => {
  stack = await startStack({ timeouts: { TRUEMONEY: 3 }, successRedirectSeconds: redirectSeconds });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function page(): Promise<Page> {
  await context?.close();
  context = await desktop(browser);
  const created = await context.newPage();
  if (process.env.DEBUG_PAGES) {
    created.on('console', (m) => console.log('[page]', m.text()));
    created.on('request', (r) => console.log('[req]', r.method(), r.url().replace(/.*\/api/, '/api')));
    created.on('response', (r) => console.log('[res]', r.status(), r.url().replace(/.*\/api/, '/api')));
  }
  return created;
}

async function decline(paymentId: string): Promise<void> {
  const found = await stack.control('GET', `/sandbox/api/payments?paymentRequestId=${paymentId}`);
  const failed = await stack.control(
    'POST',
    `/sandbox/api/payments/${found.body.payments[0].paymentId}/fail`,
    {
      resultCode: 'USER_BALANCE_NOT_ENOUGH',
    },
  );
  expect(failed.status).toBe(200);
}

const liveCode = (token: string) => flows.liveCode(stack, token);
const scan = (token: string) => flows.scan(stack, token);
const payments = (orderId: string) => flows.payments(stack, orderId);
const confirm = flows.confirmInOverlay;
const confirmButton = flows.confirmButton;

describe.skipIf(!existsSync(CHROMIUM))('the hosted cashier (overlay)', () => {
  it('takes a buyer from the shop through the QR overlay to success and the receipt (S4–S8, S12, S13, S18)', async () => {
    const p = await page();
    await p.goto(`${stack.url}/`);
    await p.getByRole('button', { name: 'Add to cart' }).first().waitFor();
    await checkState(p, '01-shop');
    await p.getByRole('button', { name: 'Add to cart' }).first().click();
    await p.getByRole('button', { name: 'One more Jasmine tea' }).click();
    await p.getByRole('button', { name: 'Add to cart' }).last().click();
    expect(await p.getByTestId('cart-total').textContent()).toBe('฿1,180.00');
    await checkState(p, '01-shop-cart');
    await p.getByRole('button', { name: 'Place order' }).click();
    await p.waitForURL(/\/checkout\/[A-Za-z0-9_-]{20,}/);
    const token = new URL(p.url()).pathname.split('/')[2]!;

    // S5, S6: the methods for THB in Thailand, the amount, and the countdown.
    await p.getByRole('radio', { name: /PromptPay/ }).waitFor();
    expect(await p.getByRole('radio').count()).toBe(3); // PromptPay, TrueMoney, Rabbit LINE Pay
    await p.getByRole('radio', { name: /TrueMoney/ }).waitFor();
    expect(await p.getByTestId('order-amount').textContent()).toBe('฿1,180.00');
    expect(await p.getByTestId('order-countdown').textContent()).toMatch(/^(30:00|29:[0-5]\d)$/);
    await checkState(p, '02-methods');

    // S7, S13: the overlay — fixed, centred, near 40vh, fully on screen; the page dimmed and inert.
    const paymentId = await confirm(p, /PromptPay/);
    const dialog = p.getByRole('dialog');
    const box = (await dialog.boundingBox())!;
    expect(Math.abs(box.x + box.width / 2 - 640)).toBeLessThan(2);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    expect(box.y + box.height * 0.4).toBeCloseTo(320, -1);
    const behind = p.locator('.pd-page');
    expect(await behind.evaluate((el) => getComputedStyle(el).filter)).toBe('brightness(0.6)');
    expect(await behind.evaluate((el) => getComputedStyle(el).pointerEvents)).toBe('none');
    expect(await behind.evaluate((el) => (el as unknown as { inert: boolean }).inert)).toBe(true);
    // An accessible dialog: focus starts inside and stays inside, both ways round.
    const focusInside = () => dialog.evaluate((el) => el.contains(document.activeElement as never));
    expect(await focusInside()).toBe(true);
    for (const key of [
      'Tab',
      'Tab',
      'Tab',
      'Tab',
      'Shift+Tab',
      'Shift+Tab',
      'Shift+Tab',
      'Shift+Tab',
      'Shift+Tab',
    ]) {
      await p.keyboard.press(key);
      expect(await focusInside(), `focus after ${key}`).toBe(true);
    }

    // The QR on screen is the code the gateway gave (drawn from code.value), with its countdown.
    const live = await liveCode(token);
    expect(live.id).toBe(paymentId);
    expect(await dialog.locator('svg.pd-qr path').getAttribute('d')).toBe(drawQr(live.code.value).path);
    expect(await dialog.getByTestId('code-countdown').textContent()).toMatch(/^(5:00|4:[45]\d)$/);
    expect(await dialog.getByRole('link', { name: /Open sandbox wallet/ }).getAttribute('href')).toBe(
      live.walletUrl,
    );
    await checkState(p, '03-qr-overlay');

    // S15, S18: the payment arrives by push; the QR closes; "Payment successful" counts down, then redirects.
    await scan(token);
    await p.getByTestId('success').waitFor();
    expect(await dialog.count()).toBe(0);
    expect(await p.getByTestId('redirect-countdown').textContent()).toMatch(/Taking you onward in \d s/);
    await checkState(p, '04-success');
    await p.waitForURL(new RegExp(`/checkout/${token}/result(\\?|$)`), {
      timeout: (redirectSeconds + 5) * 1000,
    });
    await p.getByTestId('receipt').waitFor();
    expect(await p.getByTestId('receipt').textContent()).toContain('PromptPay');
    expect(await confirmButton(p).count()).toBe(0);
    await checkState(p, '05-result');
  });

  it('shows a declined payment as failed, and Pay again leads to a new code and the returnUrl (S16, S18)', async () => {
    const order = await stack.createOrder({ returnUrl: `${stack.url}/?thanks=1` });
    const p = await page();
    await p.goto(order.checkoutUrl);
    const first = await confirm(p, /PromptPay/);
    await decline(first);
    await p.getByTestId('failed').waitFor();
    expect(await p.getByRole('dialog').count()).toBe(0);
    expect(await p.getByTestId('failed').textContent()).toContain('The wallet balance was not enough.');
    await checkState(p, '06-failed');

    await p.getByRole('button', { name: 'Pay again' }).click();
    await confirmButton(p).waitFor();
    expect(await confirmButton(p).isEnabled()).toBe(true);
    const second = await confirm(p, /PromptPay/);
    expect(second).not.toBe(first);
    await scan(order.checkoutToken);
    await p.waitForURL(`${stack.url}/?thanks=1`, { timeout: (redirectSeconds + 5) * 1000 });
    expect((await payments(order.id)).map((x) => x.status).sort()).toEqual(['FAIL', 'SUCCESS']);
  });

  it('cancels with the Cancel button or Escape, back to the methods, and a new code each time (S20)', async () => {
    const order = await stack.createOrder();
    const p = await page();
    await p.goto(order.checkoutUrl);
    const first = await confirm(p, /PromptPay/);
    await p.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await p.getByText('Payment cancelled. Choose a method to try again.').waitFor();
    expect(await p.getByRole('dialog').count()).toBe(0);
    expect(await confirmButton(p).isEnabled()).toBe(true);
    // Focus comes back to Confirm, not to the page (D15).
    await waitFor(() => confirmButton(p).evaluate((el) => el === document.activeElement), 'focus on Confirm');
    await checkState(p, '07-cancelled');

    const second = await confirm(p, /PromptPay/);
    expect(second).not.toBe(first);
    await p.keyboard.press('Escape');
    await p.getByText('Payment cancelled. Choose a method to try again.').waitFor();
    await waitFor(() => confirmButton(p).evaluate((el) => el === document.activeElement), 'focus on Confirm');
    const attempts = await payments(order.id);
    expect(attempts.map((x) => [x.status, x.reason])).toEqual([
      ['CANCELLED', 'BUYER_CANCELLED'],
      ['CANCELLED', 'BUYER_CANCELLED'],
    ]);
    const ledger = await stack.control('GET', `/sandbox/api/payments?paymentRequestId=${second}`);
    expect(ledger.body.payments[0].status).toBe('CANCELLED');
  });

  it('shows "Timed out" when the code expires, and Refresh brings a new code (S19)', async () => {
    const order = await stack.createOrder();
    const p = await page();
    await p.goto(order.checkoutUrl);
    const first = await confirm(p, /TrueMoney/);
    await p.getByTestId('timeout').waitFor({ timeout: 15_000 });
    expect(await p.getByRole('dialog').count()).toBe(0);
    const refresh = p.getByRole('button', { name: 'Refresh' });
    await waitFor(() => refresh.isEnabled(), 'Refresh to be enabled');
    await checkState(p, '08-timeout');
    // Cancelled by us at the timeout, or already expired at the gateway: either way closed, for TIMEOUT.
    const [timedOut] = await payments(order.id);
    expect(timedOut).toMatchObject({ id: first, reason: 'TIMEOUT' });
    expect(['CANCELLED', 'FAIL']).toContain(timedOut!.status);

    await refresh.click();
    const dialog = p.getByRole('dialog');
    await dialog.waitFor();
    const second = await dialog.locator('[data-payment-id]').getAttribute('data-payment-id');
    expect(second).not.toBe(first);
    expect(await dialog.getAttribute('aria-labelledby')).toBeTruthy();
    expect(await dialog.locator('svg.pd-qr').count()).toBe(1);
  });

  it('says "still working" while the gateway has not answered, then shows the code (D5.6)', async () => {
    const order = await stack.createOrder();
    const p = await page();
    await p.goto(order.checkoutUrl);
    await confirmButton(p).waitFor();
    // The gateway takes two seconds to answer `pay`: the payment exists, its code does not yet.
    const faults = await stack.control('PUT', '/sandbox/api/faults', {
      seed: 1,
      rules: [{ api: 'pay', kind: 'latency', latencyMs: 2000, times: 1 }],
    });
    expect(faults.status).toBe(200);
    try {
      await p.getByRole('radio', { name: /PromptPay/ }).check();
      await confirmButton(p).click();
      const dialog = p.getByRole('dialog');
      await dialog.getByText('Still working… your code is on its way.').waitFor();
      expect(await dialog.locator('svg.pd-qr').count()).toBe(0);
      await checkState(p, '03b-working');
      await dialog.locator('svg.pd-qr').waitFor();
      expect(await dialog.getByText('Still working…').count()).toBe(0);
    } finally {
      await stack.control('DELETE', '/sandbox/api/faults');
    }
  });

  it('makes one payment however often Confirm is clicked (S11)', async () => {
    const order = await stack.createOrder();
    const p = await page();
    await p.goto(order.checkoutUrl);
    await confirmButton(p).waitFor();
    // Three clicks in the same task, before any re-render could disable the button.
    await p.evaluate(() => {
      const button = document.querySelector('.pd-confirm')!;
      button.click();
      button.click();
      button.click();
    });
    await p.getByRole('dialog').waitFor();
    await confirmButton(p)
      .dblclick({ force: true })
      .catch(() => undefined);
    expect(await confirmButton(p).isDisabled()).toBe(true);
    expect(await payments(order.id)).toHaveLength(1);
  });

  it('offers no way to pay an order that is paid, closed or expired, even from a stale page (S9)', async () => {
    // Paid in another tab while this page was open and cut off from updates: Confirm is refused.
    const paid = await stack.createOrder();
    const p = await page();
    await p.route('**/events', (route) => route.abort());
    await p.route('**/status', (route) => route.abort());
    await p.goto(paid.checkoutUrl);
    await confirmButton(p).waitFor();
    const other = await stack.call('POST', `/api/v1/checkout/${paid.checkoutToken}/payments`, {
      paymentMethodType: 'TRUEMONEY',
      terminalType: 'WEB',
    });
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: other.body.code.value });
    await waitFor(
      async () => (await stack.merchant('GET', `/api/v1/orders/${paid.id}`)).body.status === 'PAID',
      'PAID',
    );
    await confirmButton(p).click();
    await p.getByTestId('paid').waitFor();
    expect(await p.getByRole('heading', { name: 'This order is already paid' }).count()).toBe(1);
    expect(await confirmButton(p).count()).toBe(0);
    expect(await p.getByRole('radio').count()).toBe(0);
    expect(await payments(paid.id)).toHaveLength(1);
    await checkState(p, '09-paid');

    const closed = await stack.createOrder();
    expect((await stack.merchant('POST', `/api/v1/orders/${closed.id}/close`)).status).toBe(200);
    const q = await page();
    await q.goto(closed.checkoutUrl);
    await q.getByTestId('closed').waitFor();
    expect(await q.getByRole('heading', { name: 'This order is closed' }).count()).toBe(1);
    expect(await confirmButton(q).count()).toBe(0);
    await checkState(q, '10-closed');

    const expired = await stack.createOrder({ expiresInSeconds: 60 });
    stack.skew(61_000);
    try {
      await waitFor(
        async () => (await stack.merchant('GET', `/api/v1/orders/${expired.id}`)).body.status === 'EXPIRED',
        'EXPIRED',
      );
      const r = await page();
      await r.goto(expired.checkoutUrl);
      await r.getByTestId('expired').waitFor();
      expect(await confirmButton(r).count()).toBe(0);
      await checkState(r, '11-expired');
    } finally {
      stack.skew(-61_000);
    }
  });

  it('tells the buyer when a second payment was refunded because the order was already paid (S10)', async () => {
    const order = await stack.createOrder({
      amount: { currency: 'IDR', value: '19500000' },
      region: 'ID',
      items: [],
      description: 'Jasmine tea',
    });
    const token = order.checkoutToken;
    const pay = (method: string) =>
      stack.call('POST', `/api/v1/checkout/${token}/payments`, {
        paymentMethodType: method,
        terminalType: 'WEB',
      });
    // QRIS cannot be cancelled at Antom: the first code stays payable after the buyer moved on.
    const first = await pay('QRIS');
    await stack.call('POST', `/api/v1/checkout/${token}/payments/${first.body.id}/cancel`);
    const second = await pay('QRIS');
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: first.body.code.value });
    await waitFor(
      async () => (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.status === 'PAID',
      'PAID',
    );
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: second.body.code.value });
    await waitFor(
      async () =>
        (await payments(order.id)).find((x) => x.id === second.body.id)?.reason === 'DUPLICATE_REFUNDED',
      'the duplicate refunded',
    );
    const p = await page();
    await p.goto(order.checkoutUrl);
    await p.getByTestId('refunded').waitFor();
    expect(await p.getByTestId('refunded').textContent()).toContain(
      'This order had already been paid, so this extra payment is being refunded in full.',
    );
    expect(await confirmButton(p).count()).toBe(0);
    await checkState(p, '12-refunded');
  });

  it('counts down on the server clock, not the browser clock (S6)', async () => {
    // The server runs 45 minutes ahead: an order with 10 minutes left by the browser's clock is over.
    const late = await stack.createOrder({ expiresInSeconds: 600 });
    stack.skew(45 * 60_000);
    try {
      const p = await page();
      await p.goto(late.checkoutUrl);
      await p.getByTestId('expired').waitFor();
    } finally {
      stack.skew(-45 * 60_000);
    }
    // The server runs 3 minutes behind: 10 minutes left on its clock, shown as such (not 7).
    stack.skew(-3 * 60_000);
    try {
      const order = await stack.createOrder({ expiresInSeconds: 600 });
      const q = await page();
      await q.goto(order.checkoutUrl);
      expect(await q.getByTestId('order-countdown').textContent()).toMatch(/^(10:00|9:[45]\d)$/);
    } finally {
      stack.skew(3 * 60_000);
    }
  });

  it('shows "Reconnecting…" while the server cannot be reached, and recovers by itself (S15)', async () => {
    const order = await stack.createOrder();
    const p = await page();
    await p.goto(order.checkoutUrl);
    await confirm(p, /PromptPay/);
    // With the stream open nothing polls; a tab coming back to view asks the server at once (S15).
    await p.locator('.pd[data-connection="live"]').waitFor();
    const recheck = p.waitForRequest((request) => request.url().endsWith('/status'), { timeout: 1500 });
    await p.evaluate(() =>
      (globalThis as unknown as { document: { dispatchEvent(e: unknown): void } }).document.dispatchEvent(
        new Event('visibilitychange'),
      ),
    );
    await recheck;
    // From now on neither the event stream nor the poll gets through.
    await p.route('**/events', (route) => route.abort());
    await p.route('**/status', (route) => route.abort());
    await p.reload();
    await p.getByRole('dialog').getByTestId('reconnecting').waitFor();
    await checkState(p, '13-reconnecting');
    await scan(order.checkoutToken);
    await p.unroute('**/status');
    await p.getByTestId('success').waitFor();
    expect(await p.getByTestId('reconnecting').count()).toBe(0);
  });

  it('explains kindly when the server refuses: another payment in progress, too many attempts (D5.7)', async () => {
    const order = await stack.createOrder();
    const p = await page();
    await p.route('**/events', (route) => route.abort());
    await p.route('**/status', (route) => route.abort());
    await p.goto(order.checkoutUrl);
    await confirmButton(p).waitFor();
    // Another tab started a TrueMoney payment; this page, cut off from updates, still offers PromptPay.
    await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, {
      paymentMethodType: 'TRUEMONEY',
      terminalType: 'WEB',
    });
    await confirm(p, /PromptPay/).catch(() => undefined);
    await p.getByText('Another payment is in progress for this order. Finish or cancel it first.').waitFor();
    // The page then follows the server: the live TrueMoney code is shown.
    await p.getByRole('dialog').waitFor();
    expect(await p.getByRole('dialog').locator('[data-method]').getAttribute('data-method')).toBe(
      'TRUEMONEY',
    );
    // A buyer's cancel now asks Antom first (D11.1) and may end after the answer to the click: the page
    // learns the end from the poll, so it is let through again.
    await p.unroute('**/status');
    await p.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await confirmButton(p).waitFor();

    await p.route('**/payments', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'RATE_LIMITED', message: 'too many requests; retry in 30 s' },
        }),
      }),
    );
    await confirmButton(p).click();
    await p
      .getByRole('alert')
      .filter({ hasText: 'Too many attempts. Please wait a moment and try again.' })
      .waitFor();
    expect(await confirmButton(p).isEnabled()).toBe(true);
    await checkState(p, '14-error');
  });
});
