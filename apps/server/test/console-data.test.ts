// What the ops console reads from the Merchant API for D11, on both dialects: the order list and view
// name every other payment the buyer was charged for (a capture a cancel reversed, a surplus given back),
// the method catalog gives display names and whether a refund is back at once (wallets, Antom's refund
// FAQ), and the integration's health has a documented shape.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogProblems, DEFAULT_CATALOG } from '../src/methods/catalog.ts';
import { DIALECTS, startStack, waitFor, type Stack } from '@paydesk/testkit';

describe('the wallet flag of the catalog', () => {
  it('is optional, must be a boolean when given, and marks the default wallets only', () => {
    const truemoney = DEFAULT_CATALOG.find((m) => m.type === 'TRUEMONEY')!;
    expect(catalogProblems([truemoney])).toEqual([]);
    const { wallet: _omitted, ...unflagged } = truemoney;
    expect(catalogProblems([unflagged])).toEqual([]);
    expect(catalogProblems([{ ...truemoney, wallet: 'yes' }])).toEqual([
      'PAYMENT_METHODS[0].wallet must be true or false',
    ]);
    const wallets = DEFAULT_CATALOG.filter((m) => m.wallet).map((m) => m.type);
    expect(wallets).toContain('ALIPAY_CN');
    expect(wallets).not.toContain('QRPH');
    expect(wallets).not.toContain('PROMPTPAY');
    expect(wallets).not.toContain('PAYNOW');
  });
});

describe.each(DIALECTS)('what the ops console reads on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect, config: { antom: { timeoutMs: 1_000 } } });
  });
  afterAll(() => stack?.close());
  afterEach(async () => {
    await stack.control('DELETE', '/sandbox/api/faults');
  });

  const order = (id: string) => stack.merchant('GET', `/api/v1/orders/${id}`).then((r) => r.body);
  const listed = async (id: string) =>
    (await stack.merchant('GET', `/api/v1/orders?q=${id}`)).body.data.find(
      (o: { id: string }) => o.id === id,
    );

  it('lists the method catalog with display names, wallets and refund rules, to the key only', async () => {
    const methods = await stack.merchant('GET', '/api/v1/payment-methods');
    expect(methods.status).toBe(200);
    const byType = new Map(methods.body.data.map((m: { type: string }) => [m.type, m]));
    expect(byType.get('TRUEMONEY')).toEqual({
      type: 'TRUEMONEY',
      name: 'TrueMoney Wallet',
      category: 'QR',
      wallet: true,
      cancel: 'paid',
      refund: 'full_and_partial',
    });
    expect(byType.get('QRIS')).toMatchObject({ name: 'QRIS', wallet: false, cancel: 'never' });
    expect(byType.get('PROMPTPAY')).toMatchObject({ wallet: false, refund: 'none' });
    expect(byType.get('BANKTRANSFER_BNI')).toMatchObject({ category: 'BANK_TRANSFER', wallet: false });
    expect((await stack.call('GET', '/api/v1/payment-methods')).status).toBe(401);
  });

  it('answers the health of the database and the integration in its documented shape', async () => {
    const health = await stack.merchant('GET', '/api/v1/ops/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ database: 'ok', gateway: { status: 'ok' } });
  });

  it('names a capture its cancel reversed in the order list and the order view', async () => {
    const o = await stack.createOrder({ amount: { currency: 'THB', value: '150000' } });
    expect((await listed(o.id)).notices).toEqual([]);
    const confirm = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
    await stack.control('PUT', '/sandbox/api/faults', {
      seed: 11,
      rules: [{ api: 'cancel', kind: 'latency', latencyMs: 1_500, times: 1 }],
    });
    const cancelling = stack.call(
      'POST',
      `/api/v1/checkout/${o.checkoutToken}/payments/${confirm.body.id}/cancel`,
    );
    // The cancel has reached Antom and waits there: now the buyer pays (the race asking first cannot close).
    await waitFor(
      async () =>
        (await stack.control('GET', `/sandbox/api/requests?api=cancel&paymentRequestId=${confirm.body.id}`))
          .body.requests.length > 0,
      'the cancel at Antom',
    );
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
    await cancelling;
    const view = await waitFor(
      async () => {
        const v = await order(o.id);
        return v.payments[0]?.state === 'REVERSED' ? v : undefined;
      },
      'REVERSED',
      20_000,
    );
    const notice = {
      paymentId: confirm.body.id,
      paymentMethodType: 'TRUEMONEY',
      amount: { currency: 'THB', value: '150000' },
      cause: 'REVERSED',
      outcome: 'REVERSED',
      at: view.payments[0].reversedAt,
    };
    expect(view.notices).toEqual([notice]);
    expect((await listed(o.id)).notices).toEqual([notice]);
  });

  it('names a surplus payment given back, and not the payment that paid the order', async () => {
    const o = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
    const left = await stack.confirm(o.checkoutToken, 'QRIS');
    await stack.call('POST', `/api/v1/checkout/${o.checkoutToken}/payments/${left.body.id}/cancel`);
    const kept = await stack.confirm(o.checkoutToken, 'QRIS');
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: kept.body.code.value });
    await waitFor(async () => (await order(o.id)).status === 'PAID', 'PAID');
    expect((await listed(o.id)).notices).toEqual([]);
    // Antom cannot cancel QRIS: the code the buyer left is still payable, and paying it is a surplus.
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: left.body.code.value });
    const summary = await waitFor(
      async () => {
        const s = await listed(o.id);
        return s.notices[0]?.outcome === 'REFUNDED' ? s : undefined;
      },
      'surplus refunded',
      20_000,
    );
    expect(summary.notices).toEqual([
      expect.objectContaining({
        paymentId: left.body.id,
        paymentMethodType: 'QRIS',
        amount: { currency: 'IDR', value: '25000000' },
        cause: 'DUPLICATE',
        outcome: 'REFUNDED',
      }),
    ]);
    expect((await order(o.id)).notices).toEqual(summary.notices);
  });
});
