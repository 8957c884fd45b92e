// The embeddable cashier in a merchant's own page on another origin (D5.1, docs/style.md §13): a
// plain host page with a strict nonce-based CSP imports embed.js from the Paydesk server and mounts it.
// The host's styles and globals are left alone, nothing breaks the CSP, and the buyer pays inside it.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { checkState, CHROMIUM, desktop, launch } from './helpers/browser.ts';
import { payments, scan } from './helpers/flows.ts';
import { startStack, waitFor, type Stack } from './helpers/stack.ts';

declare const window: Record<string, unknown> & { __before: string[] };
declare function getComputedStyle(element: unknown): {
  backgroundColor: string;
  color: string;
  fontFamily: string;
};

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const NONCE = 'r4nd0mN0nce';

let stack: Stack;
let browser: Browser;
let host: Server;
let hostUrl: string;
const tokens = new Map<string, string>();

/** The merchant's page: its own styles, a strict CSP, and the embed mounted with the order's token. */
function hostPage(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><title>Merchant checkout</title>
<style nonce="${NONCE}">
  body { font-family: Georgia, serif; color: rgb(120, 0, 0); margin: 24px; }
  button { background: rgb(160, 0, 0); color: rgb(255, 255, 255); }
  h2 { color: rgb(0, 128, 0); }
</style>
</head>
<body>
<main>
<h1>Merchant shop</h1>
<button id="host-button" type="button">Host button</button>
<div id="pay"></div>
</main>
<script nonce="${NONCE}">window.__before = Object.keys(window);</script>
<script type="module" nonce="${NONCE}">
  import { mount } from '${stack.url}/embed.js';
  mount(document.getElementById('pay'), {
    token: ${JSON.stringify(token)},
    onSuccess: (info) => { document.body.dataset.paid = info.returnUrl === null ? 'no-return-url' : info.returnUrl; },
  });
</script>
</body>
</html>`;
}

beforeAll(async () => {
  stack = await startStack({ successRedirectSeconds: 1 });
  browser = await launch();
  host = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host');
    if (url.pathname === '/axe.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(AXE);
      return;
    }
    const token = tokens.get(url.pathname.slice(1));
    if (!token) {
      response.writeHead(404).end();
      return;
    }
    const paydesk = stack.url;
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': [
          "default-src 'none'",
          `script-src 'self' 'nonce-${NONCE}' ${paydesk}`,
          `style-src 'nonce-${NONCE}'`,
          // Antom's logos and image codes come from its own hosts (README, the embed): here the sandbox's.
          `img-src ${paydesk} ${stack.sandboxUrl}`,
          `connect-src ${paydesk}`,
          "base-uri 'none'",
        ].join('; '),
      })
      .end(hostPage(token));
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

describe.skipIf(!existsSync(CHROMIUM))('the embed (embed.js) in a page on another origin', () => {
  it('mounts under a strict CSP, leaves the host alone, and takes a payment to success', async () => {
    const order = await stack.createOrder();
    tokens.set('checkout', order.checkoutToken);
    // Enforce the host's CSP (no bypass): embed.js must live with it.
    const context = await desktop(browser, { bypassCSP: false });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${hostUrl}/checkout`);

    const pay = page.locator('#pay');
    const confirm = pay.getByRole('button', { name: 'Confirm payment' });
    await confirm.waitFor();
    expect(await pay.evaluate((el) => (el as unknown as { shadowRoot: unknown }).shadowRoot !== null)).toBe(
      true,
    );

    // The host's styles do not leak in, ours do not leak out, and no global was added.
    expect(await page.locator('#host-button').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(160, 0, 0)',
    );
    expect(await confirm.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 78, 216)');
    expect(await pay.locator('.pd-brand').evaluate((el) => getComputedStyle(el).fontFamily)).not.toContain(
      'Georgia',
    );
    expect(
      await page.evaluate(() =>
        Object.keys(window).filter((key) => !window.__before.includes(key) && key !== '__before'),
      ),
    ).toEqual([]);
    // Method logos are the ones consult names (Antom's hosts; the sandbox here), absolute on any origin.
    expect(await pay.locator('img.pd-logo').first().getAttribute('src')).toBe(
      `${stack.sandboxUrl}/sandbox/logos/PROMPTPAY.svg`,
    );

    await page.addScriptTag({ url: '/axe.js' });
    await checkState(page, '22-embed-methods');

    await pay.getByRole('radio', { name: /PromptPay/ }).check();
    await confirm.click();
    const dialog = pay.getByRole('dialog');
    await dialog.waitFor();
    const box = (await dialog.boundingBox())!;
    expect(Math.abs(box.x + box.width / 2 - 640)).toBeLessThan(2);
    // The backdrop covers the host page: its button cannot be clicked while the code is shown.
    const hit = await page.evaluate(() => {
      const d = (
        globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { id: string } } }
      ).document;
      return d.elementFromPoint(30, 30)?.id ?? '';
    });
    expect(hit).toBe('pay');
    await checkState(page, '23-embed-qr');

    await scan(stack, order.checkoutToken);
    await pay.getByTestId('success').waitFor();
    await waitFor(async () => (await page.locator('body[data-paid]').count()) === 1, 'onSuccess');
    expect(await page.locator('body').getAttribute('data-paid')).toBe('no-return-url');
    expect((await payments(stack, order.id)).map((p) => p.status)).toEqual(['SUCCESS']);
    // The Buyer API answers any origin; the page kept its updates flowing (stream or poll) throughout.
    expect(['live', 'polling']).toContain(await pay.locator('.pd').getAttribute('data-connection'));
    expect(problems).toEqual([]);
    await context.close();
  });
});
