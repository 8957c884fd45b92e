// The Merchant API (D4.3, D4.13, D4.17) on both dialects: orders, validation, auth, listing,
// idempotency, refunds (partial, several, never above the paid amount, even under concurrency).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, waitFor, type Stack } from '@paydesk/testkit';

describe.each(DIALECTS)('Merchant API on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function paidOrder(overrides: Record<string, unknown> = {}, method = 'TRUEMONEY') {
    const order = await stack.createOrder(overrides);
    const confirm = await stack.confirm(order.checkoutToken, method);
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
    await waitFor(
      async () => (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.status === 'PAID',
      'PAID',
    );
    return order;
  }

  describe('authentication', () => {
    it('refuses a missing or wrong key with 401 and does nothing', async () => {
      const before = (await stack.merchant('GET', '/api/v1/orders?limit=100')).body.data.length;
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic abc' }] as Record<
        string,
        string
      >[]) {
        const response = await stack.call(
          'POST',
          '/api/v1/orders',
          { reference: 'x', amount: { currency: 'THB', value: '1' }, description: 'x' },
          headers,
        );
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('UNAUTHORIZED');
      }
      expect((await stack.call('GET', '/api/v1/orders')).status).toBe(401);
      expect((await stack.merchant('GET', '/api/v1/orders?limit=100')).body.data.length).toBe(before);
    });
  });

  describe('POST /api/v1/orders', () => {
    it('creates an OPEN order with a checkout URL, a 256-bit token and an expiry', async () => {
      const created = await stack.merchant('POST', '/api/v1/orders', {
        reference: 'ORD-1001',
        amount: { currency: 'JPY', value: '1800' },
        description: 'Jasmine tea',
        items: [{ name: 'Jasmine tea', quantity: 1, unitAmount: { currency: 'JPY', value: '1800' } }],
        buyer: { email: 'buyer@example.com' },
        region: 'JP',
        expiresInSeconds: 600,
        returnUrl: 'https://shop.example/thanks',
        metadata: { cart: 'c-1' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'OPEN',
        reference: 'ORD-1001',
        metadata: { cart: 'c-1' },
        refundedAmount: { value: '0' },
      });
      expect(created.body.id).toMatch(/^ord_/);
      expect(Buffer.from(created.body.checkoutToken, 'base64url')).toHaveLength(32);
      expect(created.body.checkoutUrl).toBe(`${stack.url}/checkout/${created.body.checkoutToken}`);
      const ttl = Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt);
      expect(ttl).toBe(600_000);
    });

    it.each([
      ['a number amount', { amount: { currency: 'THB', value: 1500 } }, 'body.amount.value'],
      ['decimals in the amount', { amount: { currency: 'THB', value: '15.00' } }, 'body.amount.value'],
      ['a zero amount', { amount: { currency: 'THB', value: '0' } }, 'body.amount.value'],
      ['IDR not in whole rupiah', { amount: { currency: 'IDR', value: '1050' } }, 'amount'],
      ['an unknown currency', { amount: { currency: 'XYZ', value: '100' } }, 'amount'],
      ['a missing description', { description: undefined }, 'body.description'],
      ['a bad region', { region: 'tha' }, 'body.region'],
      ['an unknown field', { colour: 'red' }, 'body.colour'],
      [
        'items in another currency',
        { items: [{ name: 'x', quantity: 1, unitAmount: { currency: 'USD', value: '1' } }] },
        'items[0].unitAmount.currency',
      ],
      ['a too short expiry', { expiresInSeconds: 5 }, 'body.expiresInSeconds'],
    ])('rejects %s with a 4xx naming the field', async (_name, change, field) => {
      const body = { reference: 'R', amount: { currency: 'THB', value: '100' }, description: 'd', ...change };
      const response = await stack.merchant('POST', '/api/v1/orders', body);
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('answers malformed JSON and a wrong content type with 4xx, not 5xx', async () => {
      const bad = await stack.merchant('POST', '/api/v1/orders', '{"reference": ', {
        'content-type': 'application/json',
      });
      expect(bad.status).toBe(400);
      const text = await stack.merchant('POST', '/api/v1/orders', 'hello', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      const huge = await stack.merchant('POST', '/api/v1/orders', {
        reference: 'R',
        amount: { currency: 'THB', value: '1' },
        description: 'x'.repeat(100_000),
      });
      expect(huge.status).toBe(413);
    });

    it('returns the first answer for a repeated Idempotency-Key and 422 for another body', async () => {
      const body = { reference: 'IDEMP-1', amount: { currency: 'THB', value: '100' }, description: 'd' };
      const first = await stack.merchant('POST', '/api/v1/orders', body, { 'idempotency-key': 'k-1' });
      const again = await stack.merchant('POST', '/api/v1/orders', body, { 'idempotency-key': 'k-1' });
      expect(again.body.id).toBe(first.body.id);
      const other = await stack.merchant(
        'POST',
        '/api/v1/orders',
        { ...body, reference: 'IDEMP-2' },
        { 'idempotency-key': 'k-1' },
      );
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const parallel = await Promise.all(
        Array.from({ length: 10 }, () =>
          stack.merchant(
            'POST',
            '/api/v1/orders',
            { ...body, reference: 'IDEMP-3' },
            { 'idempotency-key': 'k-3' },
          ),
        ),
      );
      const created = new Set(parallel.filter((r) => r.status === 201).map((r) => r.body.id));
      expect(created.size).toBe(1);
      expect(parallel.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      const list = await stack.merchant('GET', '/api/v1/orders?q=IDEMP-3');
      expect(list.body.data).toHaveLength(1);
    });
  });

  describe('GET /api/v1/orders', () => {
    it('lists newest first with cursor pagination, a status filter and search', async () => {
      const made = [];
      for (let i = 0; i < 5; i += 1) made.push(await stack.createOrder({ reference: `LIST-${i}` }));
      const page1 = await stack.merchant('GET', '/api/v1/orders?limit=2');
      expect(page1.body.data).toHaveLength(2);
      expect(page1.body.data[0].id).toBe(made[4]!.id);
      const page2 = await stack.merchant('GET', `/api/v1/orders?limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body.data[0].id).toBe(made[2]!.id);
      expect(
        (await stack.merchant('GET', '/api/v1/orders?q=LIST-3')).body.data.map((o: { id: string }) => o.id),
      ).toEqual([made[3]!.id]);
      expect((await stack.merchant('GET', `/api/v1/orders?q=${made[1]!.id}`)).body.data).toHaveLength(1);
      const open = await stack.merchant('GET', '/api/v1/orders?status=OPEN&limit=100');
      expect(open.body.data.every((o: { status: string }) => o.status === 'OPEN')).toBe(true);
      expect((await stack.merchant('GET', '/api/v1/orders?status=NOPE')).status).toBe(400);
      expect((await stack.merchant('GET', '/api/v1/orders?cursor=garbage')).status).toBe(400);
    });

    it('finds an order by its payment id', async () => {
      const order = await stack.createOrder();
      const confirm = await stack.confirm(order.checkoutToken);
      const found = await stack.merchant('GET', `/api/v1/orders?q=${confirm.body.id}`);
      expect(found.body.data.map((o: { id: string }) => o.id)).toEqual([order.id]);
    });

    it('answers 404 for an unknown order', async () => {
      const response = await stack.merchant('GET', '/api/v1/orders/ord_NOPE');
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('ORDER_NOT_FOUND');
    });
  });

  describe('POST /api/v1/orders/:id/refunds', () => {
    it('refunds partially and several times, never above what was paid', async () => {
      const order = await paidOrder();
      const first = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {
        amount: { currency: 'THB', value: '100000' },
        reason: 'broken cup',
      });
      expect(first).toMatchObject({
        status: 201,
        body: { status: 'SUCCEEDED', kind: 'MERCHANT', amount: { value: '100000' } },
      });
      const tooMuch = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {
        amount: { currency: 'THB', value: '50001' },
      });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.error.code).toBe('REFUND_AMOUNT_EXCEEDS_PAID');
      const rest = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {});
      expect(rest.body.amount.value).toBe('50000');
      const none = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {});
      expect(none.status).toBe(422);
      const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
      expect(view.refundedAmount.value).toBe('150000');
      expect(view.refunds).toHaveLength(2);
    });

    it('holds the total under 20 parallel partial refunds that together exceed the paid amount', async () => {
      const order = await paidOrder();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {
            amount: { currency: 'THB', value: '10000' },
          }),
        ),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(15);
      expect(answers.every((a) => a.status === 201 || a.status === 422 || a.status === 409)).toBe(true);
      const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
      expect(view.refundedAmount.value).toBe('150000');
      const ledger = (await stack.control('GET', '/sandbox/api/ledger')).body.payments.find(
        (p: { paymentRequestId: string }) => p.paymentRequestId === view.payments[0].id,
      );
      expect(ledger.refunded).toBe('150000');
    });

    it('settles an asynchronous refund by inquiry when its notification never comes', async () => {
      const order = await paidOrder({ amount: { currency: 'SGD', value: '5000' }, region: 'SG' }, 'PAYNOW');
      await stack.control('PUT', '/sandbox/api/faults', { seed: 9, notifications: { drop: 1 } });
      try {
        const refund = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {
          amount: { currency: 'SGD', value: '1000' },
        });
        expect(refund.body.status).toBe('PROCESSING');
        const settled = await waitFor(
          async () => {
            const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
            return view.refunds[0].status === 'SUCCEEDED' ? view : undefined;
          },
          'refund settled by inquiry',
          20_000,
        );
        expect(settled.refundedAmount.value).toBe('1000');
      } finally {
        await stack.control('DELETE', '/sandbox/api/faults');
      }
    });

    it('refuses a PromptPay refund (Antom has none), an unpaid order and a wrong currency', async () => {
      const promptpay = await paidOrder({}, 'PROMPTPAY');
      const refused = await stack.merchant('POST', `/api/v1/orders/${promptpay.id}/refunds`, {});
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('REFUND_NOT_SUPPORTED');
      const open = await stack.createOrder();
      expect((await stack.merchant('POST', `/api/v1/orders/${open.id}/refunds`, {})).body.error.code).toBe(
        'ORDER_NOT_PAID',
      );
      const paid = await paidOrder();
      const currency = await stack.merchant('POST', `/api/v1/orders/${paid.id}/refunds`, {
        amount: { currency: 'SGD', value: '100' },
      });
      expect(currency.status).toBe(422);
      expect(currency.body.error.code).toBe('CURRENCY_MISMATCH');
      expect((await stack.merchant('GET', `/api/v1/orders/${paid.id}`)).body.refunds).toHaveLength(0);
    });

    it('accepts a refund request with no body at all', async () => {
      const order = await paidOrder();
      const response = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`);
      expect(response.status).toBe(201);
      expect(response.body.amount.value).toBe('150000');
    });
  });
});
