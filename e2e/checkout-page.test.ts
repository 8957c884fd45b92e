// The new-page presentation (S12, S14), chosen by the server (CHECKOUT_PRESENTATION=page): Confirm goes
// to /checkout/:token/pay, which shows the payment information and the code on its own page; Cancel
// comes back to the method list; paying ends on the result page.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { checkState, CHROMIUM, desktop, launch } from './helpers/browser.ts';
import { confirmButton, liveCode, payments, scan } from './helpers/flows.ts';
import { startStack, type Stack } from './helpers/stack.ts';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({
    presentation: 'page',
    successRedirectSeconds: process.env.PAYDESK_SCREENS ? 8 : 2,
  });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe.skipIf(!existsSync(CHROMIUM))('the hosted cashier (new page)', () => {
  it('shows the code on /pay, comes back on Cancel, and ends on the result page (S12, S14, S18, S20)', async () => {
    const order = await stack.createOrder();
    const context = await desktop(browser);
    const page = await context.newPage();
    await page.goto(order.checkoutUrl);
    await page.getByRole('radio', { name: /PromptPay/ }).check();
    await confirmButton(page).click();
    await page.waitForURL(`${stack.url}/checkout/${order.checkoutToken}/pay`);
    await page.getByRole('heading', { name: 'Pay with PromptPay' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.locator('svg.pd-qr').count()).toBe(1);
    expect(await page.getByTestId('order-amount').textContent()).toBe('฿1,180.00');
    // One countdown at a time (D15): the code's, not the order's beside it.
    expect(await page.getByRole('timer').count()).toBe(1);
    expect(await page.getByTestId('code-countdown').count()).toBe(1);
    const first = await liveCode(stack, order.checkoutToken);
    expect(await page.locator('[data-payment-id]').getAttribute('data-payment-id')).toBe(first.id);
    await checkState(page, '15-page-qr');

    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(`${stack.url}/checkout/${order.checkoutToken}`);
    await confirmButton(page).waitFor();
    await page.getByRole('radio', { name: /PromptPay/ }).check();
    await confirmButton(page).click();
    await page.waitForURL(/\/pay$/);
    await page.locator('svg.pd-qr').waitFor();
    const second = await liveCode(stack, order.checkoutToken);
    expect(second.id).not.toBe(first.id);

    // Reloading the payment page resumes the same payment (the server holds it).
    await page.reload();
    await page.locator('svg.pd-qr').waitFor();
    expect(await page.locator('[data-payment-id]').getAttribute('data-payment-id')).toBe(second.id);

    await scan(stack, order.checkoutToken);
    await page.getByTestId('success').waitFor();
    await page.waitForURL(/\/result$/, { timeout: 15_000 });
    await page.getByTestId('receipt').waitFor();
    expect((await payments(stack, order.id)).map((p) => p.status)).toEqual(['CANCELLED', 'SUCCESS']);
    await context.close();
  });
});
