// The buyer's journey against the built server in the production profile (D14 "Done when"): an
// order from the merchant's backend, the hosted checkout over https, PromptPay's QR, the wallet pays,
// success, the receipt. Along the way the browser gets the assets as a CDN would serve them (brotli,
// immutable), a repeat visit fetches only the page (a 304), and the server drains on SIGTERM.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkState, CHROMIUM, desktop, launch } from './helpers/browser.ts';
import * as flows from './helpers/flows.ts';
import { API_KEY, startProduction, type ProductionStack } from './helpers/production.ts';

let stack: ProductionStack;
let browser: Browser;
let context: BrowserContext;

describe.skipIf(!existsSync(CHROMIUM))('the built server, NODE_ENV=production (npm run serve)', () => {
  beforeAll(async () => {
    stack = await startProduction();
    // PUBLIC_URL must be https in production; the proxy's self-signed certificate is trusted by its key.
    browser = await launch([stack.trustFlag]);
    context = await desktop(browser);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  it('starts from dist/ with no demo shop and no secret printed', async () => {
    const banner = stack.server.output();
    expect(banner).toContain('Paydesk is running (production)');
    expect(banner).not.toContain('Demo shop');
    expect(banner).not.toContain(API_KEY.slice(0, 8));
    expect((await stack.call('GET', '/shop/api/catalog')).status).toBe(404);
    expect((await stack.call('GET', '/')).status).toBe(404);
  });

  it('takes a buyer from the checkout link through the QR to success and the receipt', async () => {
    const order = await stack.createOrder();
    expect(order.checkoutUrl).toBe(`${stack.url}/checkout/${order.checkoutToken}`);
    const page: Page = await context.newPage();
    const assets: { url: string; encoding: string | undefined; cache: string | undefined }[] = [];
    page.on('response', (response) => {
      if (!/\/assets\/.+\.(js|css)$/.test(response.url())) return;
      const headers = response.headers();
      assets.push({
        url: response.url(),
        encoding: headers['content-encoding'],
        cache: headers['cache-control'],
      });
    });

    await page.goto(order.checkoutUrl);
    await page.getByRole('radio', { name: /PromptPay/ }).waitFor();
    expect(await page.getByTestId('order-amount').textContent()).toBe('฿1,180.00');
    await checkState(page, 'production-01-methods');
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset.encoding, asset.url).toBe('br');
      expect(asset.cache, asset.url).toBe('public, max-age=31536000, immutable');
    }

    const paymentId = await flows.confirmInOverlay(page, /PromptPay/);
    await checkState(page, 'production-02-qr');
    expect(await flows.scan(stack, order.checkoutToken)).toBe(paymentId);
    await page.getByTestId('success').waitFor();
    await page.waitForURL(new RegExp(`/checkout/${order.checkoutToken}/result`), { timeout: 15_000 });
    await page.getByTestId('receipt').waitFor();
    expect(await page.getByTestId('receipt').textContent()).toContain('PromptPay');
    await checkState(page, 'production-03-receipt');

    // Antom's notification came back over https through the proxy, and the order is paid.
    const paid = await stack.merchant('GET', `/api/v1/orders/${order.id}`);
    expect(paid.body.status).toBe('PAID');
    expect(stack.proxied.some((r) => r.path === '/api/v1/antom/notify' && r.status === 200)).toBe(true);
    await page.close();
  });

  it('on a repeat visit fetches only the page, and that as a 304', async () => {
    const order = await stack.createOrder();
    const first = await context.newPage();
    await first.goto(order.checkoutUrl);
    await first.getByRole('radio', { name: /PromptPay/ }).waitFor();
    await first.close();

    const before = stack.proxied.length;
    const again = await context.newPage();
    await again.goto(order.checkoutUrl);
    await again.getByRole('radio', { name: /PromptPay/ }).waitFor();
    const fetched = stack.proxied.slice(before).filter((r) => !r.path.startsWith('/api/'));
    expect(fetched).toEqual([
      { method: 'GET', path: `/checkout/${order.checkoutToken}`, status: 304, encoding: undefined },
    ]);
    await again.close();
  });

  it('drains on SIGTERM and exits 0', async () => {
    stack.server.process.kill('SIGTERM');
    expect(await stack.server.exited).toBe(0);
    expect(stack.server.output()).toContain('SIGTERM: draining');
  });
});
