// Small steps for the focused reliability tests (forgeries, fuzzing, races, access): make orders in a
// given state through the real APIs, and wait for an order's state with a deadline (never a blind sleep).
import type { OrderView } from '@paydesk/api';
import { waitFor } from '@paydesk/testkit';
import type { ReliabilityStack } from './stack.harness.ts';

export type Markets = 'THB' | 'SGD' | 'IDR' | 'JPY';

const MARKET: Record<Markets, { value: string; region: string }> = {
  THB: { value: '150000', region: 'TH' },
  SGD: { value: '5000', region: 'SG' },
  IDR: { value: '25000000', region: 'ID' },
  JPY: { value: '1500', region: 'JP' },
};

let references = 0;

/** Creates an order through the Merchant API; returns its view (with checkoutToken). */
export async function createOrder(stack: ReliabilityStack, currency: Markets = 'THB'): Promise<OrderView> {
  references += 1;
  const market = MARKET[currency];
  const answer = await stack.merchant.call('POST', '/api/v1/orders', {
    reference: `FIX-${Date.now().toString(36)}-${references}`,
    amount: { currency, value: market.value },
    description: 'Reliability fixture',
    region: market.region,
  });
  if (answer.status !== 201) throw new Error(`create order: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as OrderView;
}

/** Confirm payment as the buyer; returns the payment as the Buyer API shows it. */
export async function confirm(stack: ReliabilityStack, order: OrderView, method: string) {
  const answer = await stack.buyer.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, {
    paymentMethodType: method,
    terminalType: 'WEB',
  });
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`confirm: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string; status: string; code: { value: string } | null; expiresAt: string };
}

/** The wallet pays a code (what scanning does); true when Antom took the money. */
export async function scan(stack: ReliabilityStack, code: string): Promise<boolean> {
  return (await stack.antom.call('POST', '/sandbox/api/codes/pay', { codeValue: code })).status === 200;
}

export async function orderView(stack: ReliabilityStack, id: string): Promise<OrderView> {
  const answer = await stack.merchant.call('GET', `/api/v1/orders/${id}`);
  if (answer.status !== 200) throw new Error(`GET order: ${answer.status}`);
  return answer.body as OrderView;
}

/** Waits until the order satisfies `test`; returns its view (a timeout shows the last one read). */
export function orderUntil(
  stack: ReliabilityStack,
  id: string,
  test: (order: OrderView) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<OrderView> {
  return waitFor(() => orderView(stack, id), what, { timeoutMs, until: test });
}

/**
 * For a stack on a manual clock (`clock: 'manual'`): sweeper passes, each `stepMs` of that clock after the
 * last, until `read()` gives a value `test` accepts; returns it. The server's schedule is read off the
 * clock, so the passes it takes are fixed by its rules, not by the machine's speed.
 */
export function sweepUntil<T>(
  stack: ReliabilityStack,
  read: () => Promise<T>,
  test: (value: T) => boolean,
  what: string,
  stepMs: number,
  explain?: (value: T) => string,
): Promise<T> {
  const kit = stack.kit;
  if (!kit) throw new Error('sweepUntil needs an in-process stack');
  return waitFor(
    async () => {
      kit.advance(stepMs);
      await kit.sweepOnce();
      return read();
    },
    what,
    { timeoutMs: 120_000, intervalMs: 20, until: test, ...(explain ? { explain } : {}) },
  );
}
