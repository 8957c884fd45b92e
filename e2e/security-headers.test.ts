// D10.7: every HTML page carries a CSP and frame protection, /docs included. The policies
// are enforced here (no CSP bypass), so this shows the pages still work under them: the API reference
// renders its operations, and the hosted cashier takes a buyer to the method list, with no violation.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, desktop, launch, screenshot } from './helpers/browser.ts';
import { startStack, type Stack } from './helpers/stack.ts';

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

/** Console messages that report a CSP violation, and page errors. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

describe.skipIf(!existsSync(CHROMIUM))('pages under their own CSP (finding 7)', () => {
  it('renders the API reference at /docs, which may not be framed', async () => {
    const context = await desktop(browser, { bypassCSP: false });
    const page = await context.newPage();
    const problems = watch(page);
    const answer = await page.goto(`${stack.url}/docs`);
    expect(answer!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer!.headers()['x-frame-options']).toBe('DENY');
    await page.getByText('Create an order').first().waitFor();
    await screenshot(page, 'docs-under-csp');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('renders the hosted cashier under its CSP', async () => {
    const order = await stack.createOrder();
    const context = await desktop(browser, { bypassCSP: false });
    const page = await context.newPage();
    const problems = watch(page);
    const answer = await page.goto(`${stack.url}/checkout/${order.checkoutToken}`);
    expect(answer!.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(answer!.headers()['x-frame-options']).toBe('SAMEORIGIN');
    await page.getByRole('button', { name: 'Confirm payment' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
