// D10.2: a `javascript:` returnUrl was accepted and, after the payment succeeded, ran in the
// embed on a merchant page without a CSP. The Merchant API now refuses such a URL (422), so the order here
// gets it the way an older version stored it — written into the database — and neither the embed nor the
// hosted page may navigate to it: the buyer sees the receipt instead.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, desktop, launch } from './helpers/browser.ts';
import { confirmInOverlay, scan } from './helpers/flows.ts';
import { startStack, type Stack } from './helpers/stack.ts';

const PAYLOAD = "javascript:document.documentElement.dataset.pwned='yes'";

let stack: Stack;
let browser: Browser;
let host: Server;
let hostUrl: string;
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startStack({ successRedirectSeconds: 1 });
  browser = await launch();
  // The merchant's page, with no CSP at all: nothing but our own check stands in the way.
  host = createServer((request, response) => {
    const token = tokens.get((request.url ?? '/').slice(1));
    if (!token) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Merchant</title></head>
<body><div id="pay"></div>
<script type="module">
  import { mount } from '${stack.url}/embed.js';
  mount(document.getElementById('pay'), { token: ${JSON.stringify(token)} });
</script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  const address = host.address();
  hostUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await stack?.close();
});

/** An order whose returnUrl is `PAYLOAD`, as stored before the API refused it. */
async function poisonedOrder(): Promise<{ id: string; checkoutToken: string }> {
  const refused = await stack.merchant('POST', '/api/v1/orders', {
    reference: 'XSS-1',
    amount: { currency: 'THB', value: '1000' },
    description: 'x',
    returnUrl: PAYLOAD,
  });
  expect(refused.status).toBe(422);
  const order = await stack.createOrder({ returnUrl: 'https://shop.example/thanks' });
  await stack.server.paydesk.database.db
    .updateTable('orders')
    .set({ return_url: PAYLOAD })
    .where('id', '=', order.id)
    .execute();
  return order;
}

describe.skipIf(!existsSync(CHROMIUM))('a returnUrl that is not https (finding 2)', () => {
  it('is not followed by the embed on a merchant page without a CSP', async () => {
    const order = await poisonedOrder();
    tokens.set('shop', order.checkoutToken);
    const context = await desktop(browser);
    const page = await context.newPage();
    await page.goto(`${hostUrl}/shop`);
    const pay = page.locator('#pay');
    await pay.getByRole('radio', { name: /PromptPay/ }).check();
    await pay.getByRole('button', { name: 'Confirm payment' }).click();
    await scan(stack, order.checkoutToken);
    await pay.getByTestId('success').waitFor();
    // When the countdown ends, the embed shows the receipt on its own instead of going to the returnUrl.
    const countdown = pay.getByTestId('redirect-countdown');
    await countdown.waitFor();
    await countdown.waitFor({ state: 'detached' });
    await pay.getByTestId('receipt').waitFor();
    expect(await page.locator('html').getAttribute('data-pwned')).toBeNull();
    expect(page.url()).toBe(`${hostUrl}/shop`);
    // Nor is it offered as a link back to the shop.
    expect(await pay.getByTestId('return-link').count()).toBe(0);
    await context.close();
  });

  it('is not followed by the hosted page either', async () => {
    const order = await poisonedOrder();
    const context = await desktop(browser);
    const page = await context.newPage();
    await page.goto(`${stack.url}/checkout/${order.checkoutToken}`);
    await confirmInOverlay(page, /PromptPay/);
    await scan(stack, order.checkoutToken);
    await page.waitForURL(/\/result/);
    await page.getByTestId('receipt').waitFor();
    expect(await page.locator('html').getAttribute('data-pwned')).toBeNull();
    expect(await page.getByTestId('return-link').count()).toBe(0);
    await context.close();
  });
});
