// The whole backend flow against the real sandbox over HTTP (D4 "Done when"), on both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, waitFor, type Stack } from '@paydesk/testkit';

describe.each(DIALECTS)('order to refund on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('creates an order, shows methods, confirms, gets paid by notification, and refunds (S4–S9, S15–S18)', async () => {
    const order = await stack.createOrder();
    expect(order.status).toBe('OPEN');
    expect(order.checkoutToken.length).toBeGreaterThanOrEqual(22);

    const view = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`);
    expect(view.status).toBe(200);
    const types = view.body.paymentMethods.map((m: { type: string }) => m.type);
    expect(types).toContain('PROMPTPAY');
    expect(types).not.toContain('PAYNOW');

    const confirm = await stack.confirm(order.checkoutToken, 'TRUEMONEY');
    expect(confirm.status).toBe(201);
    expect(confirm.body.status).toBe('PROCESSING');
    expect(confirm.body.code.kind).toBe('qr');

    const paid = await stack.control('POST', '/sandbox/api/codes/pay', {
      codeValue: confirm.body.code.value,
    });
    expect(paid.status).toBe(200);

    const status = await waitFor(async () => {
      const s = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}/status`);
      return s.body.orderStatus === 'PAID' ? s.body : undefined;
    }, 'order PAID');
    expect(status.payment.status).toBe('SUCCESS');

    const refund = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {
      amount: { currency: 'THB', value: '50000' },
    });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('SUCCEEDED');

    const full = await stack.merchant('GET', `/api/v1/orders/${order.id}`);
    expect(full.body.refundedAmount.value).toBe('50000');
    expect(full.body.events.some((e: { type: string }) => e.type === 'notification.received')).toBe(true);
    expect(full.body.events.some((e: { type: string }) => e.type === 'gateway.call')).toBe(true);
  });
});
