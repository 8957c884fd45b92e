// The ops console (D5.10): sign in with the Merchant API key, find an order by filter and
// search, read its payments and full history (gateway calls and notifications with bodies), refund part
// of it and see the refund listed; cursor pagination over many orders.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { checkState, CHROMIUM, desktop, launch } from './helpers/browser.ts';
import { API_KEY, startStack, waitFor, type Stack } from './helpers/stack.ts';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** An order paid with TrueMoney (which Antom lets us refund in part). */
async function paidOrder(reference: string): Promise<{ id: string }> {
  const order = await stack.createOrder({ reference });
  const payment = await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, {
    paymentMethodType: 'TRUEMONEY',
    terminalType: 'WEB',
  });
  await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: payment.body.code.value });
  await waitFor(
    async () => (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.status === 'PAID',
    'PAID',
  );
  return order;
}

describe.skipIf(!existsSync(CHROMIUM))('the ops console', () => {
  it('signs in with the key, finds an order, shows its history, and refunds part of it', async () => {
    const order = await paidOrder('OPS-REFUND-1');
    await stack.createOrder({ reference: 'OPS-OPEN-1' });
    const context = await desktop(browser);
    const page = await context.newPage();
    await page.goto(`${stack.url}/admin`);

    const key = page.getByLabel('Merchant API key');
    await key.fill('not-the-key-0123456789abcdef');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That key was not accepted' }).waitFor();
    await checkState(page, '24-admin-sign-in');
    await key.fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The console opens on the overview (D16); the orders are one link away.
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'OPS-REFUND-1' }).waitFor();
    await checkState(page, '25-admin-orders');
    // On a phone the order list does not scroll sideways (D15), and amounts say which dollar.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(
      await page.evaluate(() => {
        const root = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      }),
    ).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Filters: by status, by search (reference), and the attention flag.
    await page.getByLabel('Status').selectOption('PAID');
    await waitFor(
      async () => (await page.getByRole('row').filter({ hasText: 'OPS-OPEN-1' }).count()) === 0,
      'filtered',
    );
    await page.getByRole('row').filter({ hasText: 'OPS-REFUND-1' }).waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('searchbox').fill('OPS-REFUND-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await waitFor(async () => (await page.getByRole('row').count()) === 2, 'one result row');
    await page.getByLabel('Needs attention').check();
    await page.getByText('No orders match.').waitFor();
    await page.getByLabel('Needs attention').uncheck();

    await page.getByRole('link', { name: order.id }).click();
    await page.getByRole('heading', { name: order.id }).waitFor();
    // The payment's state in words (D11), not Antom's code.
    const paymentRow = page.locator('tr[data-state="SUCCESS"]').filter({ hasText: 'TrueMoney Wallet' });
    expect(await paymentRow.textContent()).toContain('Paid');

    // The history: state changes, the pay call with its request and response, the notification.
    const call = page.locator('details[data-type="gateway.call"]').first();
    await call.locator('summary').click();
    expect(await call.locator('pre').textContent()).toContain('"paymentRequestId"');
    const notification = page.locator('details[data-type="notification.received"]').first();
    await notification.locator('summary').click();
    expect(await notification.locator('pre').textContent()).toContain('"notifyType": "PAYMENT_RESULT"');

    await page.getByLabel(/^Amount/).fill('500');
    await page.getByLabel('Reason (optional)').fill('One cup arrived broken');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    // Sent only once confirmed (D11; e2e/admin-money-truth.test.ts covers the dialog itself).
    await page
      .getByRole('dialog', { name: 'Refund ฿500.00?' })
      .getByRole('button', { name: 'Refund ฿500.00' })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Refund ref_\w+ of ฿500\.00: (back with the buyer|Antom is processing it)\.$/ })
      .waitFor();
    await page
      .getByTestId('refunds')
      .getByRole('row')
      .filter({ hasText: 'One cup arrived broken' })
      .waitFor();
    await waitFor(
      async () => (await page.getByTestId('refunded-amount').textContent()) === '฿500.00',
      'refunded',
    );
    await checkState(page, '26-admin-order');

    // More than what is left is refused in the page, before any call.
    await page.getByLabel(/^Amount/).fill('5000');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Enter an amount up to ฿680.00.' }).waitFor();
    const refunds = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.refunds;
    expect(refunds).toHaveLength(1);
    expect(refunds[0].amount).toEqual({ currency: 'THB', value: '50000' });

    // The key lives in this tab's sessionStorage: a reload stays signed in; Sign out forgets it.
    await page.reload();
    await page.getByRole('heading', { name: order.id }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Merchant API key').waitFor();
    await context.close();
  });

  it('pages through many orders with the cursor', async () => {
    for (let i = 0; i < 22; i += 1)
      await stack.createOrder({ reference: `OPS-PAGE-${String(i).padStart(2, '0')}` });
    const context = await desktop(browser);
    await context.addInitScript(`sessionStorage.setItem('paydesk.merchantKey', ${JSON.stringify(API_KEY)})`);
    const page = await context.newPage();
    await page.goto(`${stack.url}/admin#/orders`);
    await page.getByRole('row').filter({ hasText: 'OPS-PAGE-21' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(21);
    await page.getByRole('button', { name: 'Older →' }).click();
    await page.getByText('Page 2').waitFor();
    await page.getByRole('row').filter({ hasText: 'OPS-PAGE-01' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'OPS-PAGE-21' }).count()).toBe(0);
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.getByRole('row').filter({ hasText: 'OPS-PAGE-21' }).waitFor();
    await context.close();
  });
});
