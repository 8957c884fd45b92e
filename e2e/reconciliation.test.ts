// The ops console's overview and reconciliation (D16.4, D16.5) in Chromium: the console opens
// on the overview whose figures equal those of the orders made here, each figure opens its orders; an
// operator opens the day of a report whose amount differs from ours, sees the discrepancy, follows it to
// the order, comes back and resolves it with a note.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** Antom's day (UTC+8) of an ISO instant, YYYY-MM-DD. */
const antomDay = (isoTime: string) =>
  new Date(Date.parse(isoTime) + 8 * 3_600_000).toISOString().slice(0, 10);

describe.skipIf(!existsSync(CHROMIUM))('the ops console: overview and reconciliation', () => {
  it('opens on the overview, shows the day’s discrepancy, follows it to the order and resolves it', async () => {
    const paid = await stack.createOrder({ reference: 'REC-PAID-1' });
    const payment = await stack.call('POST', `/api/v1/checkout/${paid.checkoutToken}/payments`, {
      paymentMethodType: 'TRUEMONEY',
      terminalType: 'WEB',
    });
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: payment.body.code.value });
    const order = await waitFor(async () => {
      const view = await stack.merchant('GET', `/api/v1/orders/${paid.id}`);
      return view.body.status === 'PAID' ? view.body : undefined;
    }, 'PAID');
    await stack.createOrder({ reference: 'REC-OPEN-1' });
    const closed = await stack.createOrder({ reference: 'REC-CLOSED-1' });
    expect((await stack.merchant('POST', `/api/v1/orders/${closed.id}/close`)).body.status).toBe('CLOSED');

    // Antom's report of the payment's day, with the payment's amount changed, uploaded by hand.
    const day = antomDay(order.paidAt);
    const reports = await stack.control('GET', `/sandbox/api/reports/${day}`);
    const file = reports.body.files.find((f: { kind: string }) => f.kind === 'TRANSACTIONS');
    const attempt = order.payments[0].id as string;
    const tampered = (file.content as string)
      .split('\n')
      .map((line) =>
        line.includes(attempt) && line.includes(',PAYMENT,')
          ? line.replace(',1180.00,THB,', ',1108.00,THB,')
          : line,
      )
      .join('\n');
    expect(tampered).not.toBe(file.content);
    const upload = await stack.merchant('POST', '/api/v1/reconciliation/reports', {
      name: file.name,
      content: tampered,
    });
    expect(upload.status).toBe(201);
    expect(upload.body.discrepancies).toHaveLength(1);

    const context = await desktop(browser);
    await context.addInitScript(`sessionStorage.setItem('paydesk.merchantKey', ${JSON.stringify(API_KEY)})`);
    const page = await context.newPage();
    await page.goto(`${stack.url}/admin`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();

    // The overview's figures are the orders made above (all of them within the last 7 days).
    const figure = (label: string) => page.locator(`[data-figure="${label}"]`).textContent();
    await waitFor(async () => (await figure('Orders placed')) === '3', 'the figures');
    expect(await figure('Paid')).toBe('1');
    expect(await figure('Expired')).toBe('0');
    expect(await figure('Closed')).toBe('1');
    expect(await figure('Open discrepancies')).toBe('1');
    expect(await figure('Needs attention')).toBe('0');
    const api = (await stack.merchant('GET', '/api/v1/reports/overview')).body;
    expect(api.periods.find((p: { period: string }) => p.period === '7d').orders).toEqual({
      placed: 3,
      paid: 1,
      expired: 0,
      closed: 1,
    });
    const truemoney = page.locator('tr[data-method="TRUEMONEY"]');
    expect(await truemoney.locator('td').allTextContents()).toEqual(['TRUEMONEY', '1', '1', '100%']);
    expect(await page.locator('tr[data-currency="THB"] td').allTextContents()).toEqual([
      'THB',
      '฿1,180.00',
      '฿0.00',
      '฿0.00',
    ]);
    expect(await page.locator('.adm-chart canvas').count()).toBeGreaterThanOrEqual(3);
    await checkState(page, '40-admin-overview');

    // A figure opens the orders behind it.
    await page.getByRole('link', { name: /Paid\s*1/ }).click();
    await page.getByRole('heading', { name: /Orders paid in the last 7 days/ }).waitFor();
    await page.getByRole('row').filter({ hasText: 'REC-PAID-1' }).waitFor();
    expect(await page.getByRole('row').count()).toBe(2);

    // The day, its discrepancy, the order behind it.
    await page
      .getByRole('navigation', { name: 'Ops console' })
      .getByRole('link', { name: 'Reconciliation' })
      .click();
    await page.getByRole('heading', { name: 'Reconciliation' }).waitFor();
    await page.getByRole('row').filter({ hasText: day }).waitFor();
    await checkState(page, '43-admin-reconciliation-days');
    await page.getByRole('link', { name: day }).click();
    await page.getByRole('heading', { name: day }).waitFor();
    const discrepancy = page.locator('[data-kind="AMOUNT_MISMATCH"]');
    await discrepancy.waitFor();
    expect(await discrepancy.textContent()).toContain('Amount or currency differs');
    expect(await discrepancy.textContent()).toContain('฿1,108.00');
    expect(await page.getByTestId('day-totals').textContent()).toContain('฿1,108.00');
    await checkState(page, '41-admin-reconciliation-day');
    await discrepancy.getByRole('link', { name: `Order ${paid.id}` }).click();
    await page.getByRole('heading', { name: paid.id }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: day }).waitFor();

    await discrepancy
      .getByLabel('Note')
      .fill('Antom confirmed ฿1,180.00 by e-mail; their report was corrected');
    await discrepancy.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('No open discrepancy for this day.').waitFor();
    await page.getByText('1 resolved').click();
    expect(await page.locator('[data-kind="AMOUNT_MISMATCH"]').textContent()).toContain(
      'by an operator: Antom confirmed ฿1,180.00 by e-mail',
    );
    await checkState(page, '42-admin-reconciliation-resolved');
    const after = await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`);
    expect(after.body.discrepancies[0]).toMatchObject({ status: 'RESOLVED', resolution: 'OPERATOR' });
    await context.close();
  });
});
