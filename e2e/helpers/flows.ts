// Buyer and gateway steps the specs share: the code as the Buyer API shows it, paying it as a wallet scan
// would (through the sandbox control API), and confirming a method on the page.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { waitFor, type Stack } from './stack.ts';

/** What these steps need of a stack: its three HTTP clients (the built-server spec has no in-process server). */
export type StackCalls = Pick<Stack, 'call' | 'control' | 'merchant'>;

export interface LivePayment {
  id: string;
  code: { kind: string; value: string };
  walletUrl: string | null;
  deepLink: string | null;
}

/** The live payment of a checkout once it has a code. */
export function liveCode(stack: StackCalls, token: string): Promise<LivePayment> {
  return waitFor(async () => {
    const view = await stack.call('GET', `/api/v1/checkout/${token}`);
    return view.body.payment?.code ? (view.body.payment as LivePayment) : undefined;
  }, 'a payment with a code');
}

/** Pays the code the buyer sees, as scanning it with the sandbox wallet does. */
export async function scan(stack: StackCalls, token: string): Promise<string> {
  const payment = await liveCode(stack, token);
  const paid = await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: payment.code.value });
  expect(paid.status).toBe(200);
  return payment.id;
}

/** The order's payment attempts, as the Merchant API lists them. */
export async function payments(
  stack: StackCalls,
  orderId: string,
): Promise<{ id: string; status: string; reason: string | null; terminalType: string }[]> {
  return (await stack.merchant('GET', `/api/v1/orders/${orderId}`)).body.payments;
}

export const confirmButton = (page: Page) => page.getByRole('button', { name: 'Confirm payment' });

/** Picks a method and confirms; resolves once the dialog is open and still, with the payment id. */
export async function confirmInOverlay(page: Page, method: RegExp): Promise<string> {
  await page.getByRole('radio', { name: method }).check();
  await confirmButton(page).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.evaluate((el) =>
    Promise.all(el.getAnimations().map((a: { finished: Promise<unknown> }) => a.finished)),
  );
  return (await dialog.locator('[data-payment-id]').getAttribute('data-payment-id')) ?? '';
}
